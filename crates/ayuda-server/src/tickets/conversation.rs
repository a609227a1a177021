//! The conversation: reading it, and replies and notes with their effect on the status.

use ayuda_db::events::{self, NewEvent};
use ayuda_db::messages::{self, MessageView, NewMessage};
use ayuda_db::tickets::{self, Changes, NewTicket, status_of};
use ayuda_db::users::UserRow;
use ayuda_db::{ConnectionTrait, attachments};
use ayuda_domain::lifecycle::{self, Actor, AfterReply};
use ayuda_domain::markdown;
use ayuda_types::{Attachment, Author, Channel, CreateReply, OldestFirstParams, Page, Reply};
use chrono::Utc;

use super::{is_staff, link_attachments, notify, open_ticket, role_name, visible};
use crate::error::{ApiError, ApiResult};
use crate::pagination;
use crate::state::AppState;

/// One page of ticket `number`'s conversation, oldest first. Internal notes only for agents.
pub async fn list_replies(
    state: &AppState,
    user: &UserRow,
    number: i64,
    params: OldestFirstParams,
) -> ApiResult<Page<Reply>> {
    let ticket = visible(&state.db, user, number).await?;
    let limit = pagination::limit(params.limit)?;
    let after: Option<i64> = pagination::decode(params.cursor.as_deref())?;
    let rows = messages::list(&state.db, ticket.id, is_staff(user), after, limit).await?;
    let replies = to_wire(&state.db, &rows).await?;
    Ok(pagination::page(replies, limit, |r| r.id, Clone::clone))
}

/// Messages as the API shows them, with their attachments read in one query.
async fn to_wire(conn: &impl ConnectionTrait, rows: &[MessageView]) -> ApiResult<Vec<Reply>> {
    let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
    let files = attachments::of_messages(conn, &ids).await?;
    Ok(rows
        .iter()
        .map(|m| Reply {
            id: m.id,
            ticket_number: m.ticket_id,
            author: Author {
                id: m.author_id,
                name: m.author_name.clone(),
                role: role_name(&m.author_role),
            },
            body: m.body.clone(),
            body_html: m.body_html.clone(),
            internal: m.internal,
            channel: Channel::parse(&m.channel).unwrap_or(Channel::Web),
            attachments: files
                .iter()
                .filter(|a| a.message_id == Some(m.id))
                .map(|a| Attachment {
                    id: a.id,
                    filename: a.filename.clone(),
                    content_type: a.content_type.clone(),
                    size: a.size,
                    sha256: a.sha256.clone(),
                })
                .collect(),
            created_at: m.created_at,
        })
        .collect())
}

/// A reply or note by `user` on ticket `number`, with the status change it causes and its
/// notifications. A customer writing to a closed ticket opens a follow-up ticket instead;
/// the returned reply then names the new ticket.
pub async fn create_reply(
    state: &AppState,
    user: &UserRow,
    number: i64,
    input: CreateReply,
    channel: Channel,
) -> ApiResult<Reply> {
    let staff = is_staff(user);
    let now = Utc::now();
    let txn = ayuda_db::begin_write(&state.writer).await?;
    let ticket = tickets::find_for_update(&txn, number)
        .await?
        .filter(|t| staff || t.requester_id == user.id)
        .ok_or(ApiError::NotFound)?;
    if input.internal && !staff {
        return Err(ApiError::Forbidden);
    }
    // An agent who requested a ticket for themselves still writes as staff.
    let actor = if staff {
        Actor::Staff
    } else {
        Actor::Requester
    };
    let current = status_of(&ticket.status);
    let message_id = match lifecycle::after_reply(current, actor, input.internal)? {
        AfterReply::FollowUp => {
            let new_number = open_ticket(
                &txn,
                state,
                user,
                NewTicket {
                    title: ticket.title.clone(),
                    type_id: ticket.type_id,
                    requester_id: user.id,
                    channel,
                    parent_id: Some(ticket.id),
                },
                &input.body,
                &input.attachment_ids,
                now,
            )
            .await?;
            events::record(
                &txn,
                NewEvent {
                    ticket_id: ticket.id,
                    actor_id: Some(user.id),
                    kind: "followed_up",
                    to: Some(new_number.to_string()),
                    ..Default::default()
                },
                now,
            )
            .await?;
            messages::list(&txn, new_number, false, None, 1)
                .await?
                .first()
                .map(|m| m.id)
                .ok_or(ApiError::NotFound)?
        }
        AfterReply::Status(to) => {
            let message = messages::insert(
                &txn,
                NewMessage {
                    ticket_id: ticket.id,
                    author_id: user.id,
                    body: input.body.clone(),
                    body_html: markdown::render(&input.body),
                    internal: input.internal,
                    channel: channel.as_str().to_owned(),
                },
                now,
            )
            .await?;
            link_attachments(&txn, &input.attachment_ids, user.id, ticket.id, message.id).await?;
            events::record(
                &txn,
                NewEvent {
                    ticket_id: ticket.id,
                    actor_id: Some(user.id),
                    kind: if input.internal { "noted" } else { "replied" },
                    ..Default::default()
                },
                now,
            )
            .await?;
            let changes = Changes {
                status: Some(to).filter(|s| *s != current),
                ..Default::default()
            };
            if let Some(to) = changes.status {
                events::record(
                    &txn,
                    NewEvent {
                        ticket_id: ticket.id,
                        actor_id: Some(user.id),
                        kind: "changed",
                        field: Some("status"),
                        from: Some(current.as_str().to_owned()),
                        to: Some(to.as_str().to_owned()),
                    },
                    now,
                )
                .await?;
            }
            let ticket = tickets::update(&txn, ticket, &changes, now).await?;
            if !input.internal {
                notify::replied(&txn, state, &ticket, user, &message, actor).await?;
            }
            message.id
        }
    };
    txn.commit().await?;
    state.outbox_wake.notify_one();
    let view = messages::find_view(&state.db, message_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    to_wire(&state.db, &[view])
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
}
