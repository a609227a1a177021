//! The conversation: reading it, and replies and notes with their effect on the status.

use ayuda_db::audit::{self, NewEvent};
use ayuda_db::messages::{self, MessageView, NewMessage};
use ayuda_db::tickets::{self as repo, Changes, NewTicket, TicketRow, status_of};
use ayuda_db::users::UserRow;
use ayuda_db::{ConnectionTrait, attachments, inbound, stored};
use ayuda_domain::lifecycle::{self, Actor, AfterReply};
use ayuda_types::{
    Author, Channel, CreateReply, OldestFirstParams, Page, Reply, ReplyEmail, Role, TicketStatus,
};
use chrono::{DateTime, Utc};

use super::{
    Body, Opening, is_staff, link_attachments, notify, open_ticket, public_message, visible,
};
use crate::error::{ApiError, ApiResult};
use crate::pagination;
use crate::state::AppState;

/// One page of ticket `number`'s conversation, oldest first. Internal notes only for agents.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list_replies(
    state: &AppState,
    user: &UserRow,
    number: i64,
    params: OldestFirstParams,
) -> ApiResult<Page<Reply>> {
    let ticket = visible(&state.db, user, number).await?;
    let limit = pagination::limit(params.limit)?;
    let after: Option<i64> = state.cursors.decode(params.cursor.as_deref())?;
    let rows = messages::list(&state.db, ticket.id, is_staff(user), after, limit).await?;
    let replies = to_wire(&state.db, &rows, is_staff(user)).await?;
    Ok(state.cursors.page(replies, limit, |r| r.id, Clone::clone))
}

/// Messages as the API shows them, with their attachments (and for `staff`, the email they
/// came from) read in one query each.
#[tracing::instrument(level = "debug", skip_all)]
async fn to_wire(
    conn: &impl ConnectionTrait,
    rows: &[MessageView],
    staff: bool,
) -> ApiResult<Vec<Reply>> {
    let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
    let files = attachments::of_messages(conn, &ids).await?;
    let emails = if staff {
        inbound::of_messages(conn, &ids).await?
    } else {
        Vec::new()
    };
    wire(rows, &files, &emails)
}

/// Messages as the API shows them, given their attachments and source emails.
fn wire(
    rows: &[MessageView],
    files: &[attachments::AttachmentRow],
    emails: &[inbound::InboundRow],
) -> ApiResult<Vec<Reply>> {
    rows.iter()
        .map(|m| {
            Ok(Reply {
                id: m.id,
                ticket_number: m.ticket_id,
                author: Author {
                    id: m.author_id,
                    name: m.author_name.clone(),
                    role: stored::read("users.role", &m.author_role, Role::parse)?,
                },
                body: m.body.clone(),
                body_html: m.body_html.clone(),
                internal: m.internal,
                channel: stored::read("ticket_messages.channel", &m.channel, Channel::parse)?,
                attachments: files
                    .iter()
                    .filter(|a| a.message_id == Some(m.id))
                    .map(crate::attachments::to_wire)
                    .collect(),
                created_at: m.created_at,
                email: emails
                    .iter()
                    .find(|e| e.ticket_message_id == Some(m.id))
                    .map(|e| ReplyEmail {
                        inbound_id: e.id,
                        from_address: e.from_address.clone(),
                        reason: e.reason.clone(),
                    }),
            })
        })
        .collect()
}

/// A reply or note to add: its body, whether it is internal, and uploads to attach.
#[derive(Debug, Clone)]
pub struct Writing {
    /// The text.
    pub body: Body,
    /// Agents only: a note the customer never sees.
    pub internal: bool,
    /// Uploads of the writer to attach.
    pub attachment_ids: Vec<i64>,
    /// Agents only: the status to set with it, instead of the one the lifecycle gives.
    pub status: Option<TicketStatus>,
}

/// Where a reply landed.
#[derive(Debug, Clone)]
pub struct Added {
    /// The ticket it joined: the one written to, or the follow-up opened for it when that
    /// one was closed.
    pub ticket_number: i64,
    /// The conversation message, as stored.
    pub message: messages::MessageRow,
    /// Whether a follow-up ticket was opened.
    pub followed_up: bool,
}

/// A reply or note by `user` on ticket `number`, with the status change it causes and its
/// notifications. A customer writing to a closed ticket opens a follow-up ticket instead;
/// the returned reply then names the new ticket.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn create_reply(
    state: &AppState,
    user: &UserRow,
    number: i64,
    input: CreateReply,
    channel: Channel,
) -> ApiResult<Reply> {
    let staff = is_staff(user);
    let txn = state.writer.begin().await?;
    let ticket = repo::find_for_update(&txn, number)
        .await?
        .filter(|t| staff || t.requester_id == user.id)
        .ok_or(ApiError::NotFound)?;
    let writing = Writing {
        body: Body::markdown(&input.body),
        internal: input.internal,
        attachment_ids: input.attachment_ids,
        status: input.status,
    };
    let attached = !writing.attachment_ids.is_empty();
    let added = add_reply(&txn, state, user, ticket, writing, channel, Utc::now()).await?;
    txn.commit().await?;
    state.mail_queued().await;
    // Answered from the stored row and the author at hand; only files are read back, when
    // there are any (a reply written here never comes from an email).
    let message = added.message;
    let files = if attached {
        attachments::of_messages(&state.db, &[message.id]).await?
    } else {
        Vec::new()
    };
    let view = MessageView {
        id: message.id,
        ticket_id: message.ticket_id,
        author_id: message.author_id,
        body: message.body,
        body_html: message.body_html,
        internal: message.internal,
        channel: message.channel,
        created_at: message.created_at,
        author_name: user.name.clone(),
        author_role: user.role.clone(),
    };
    wire(&[view], &files, &[])?.pop().ok_or(ApiError::NotFound)
}

/// Adds `writing` by `user` to `ticket` (which the caller has checked they may write to),
/// inside the caller's transaction.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add_reply(
    conn: &impl ConnectionTrait,
    state: &AppState,
    user: &UserRow,
    ticket: TicketRow,
    writing: Writing,
    channel: Channel,
    now: DateTime<Utc>,
) -> ApiResult<Added> {
    let staff = is_staff(user);
    if (writing.internal || writing.status.is_some()) && !staff {
        return Err(ApiError::Forbidden);
    }
    // An agent who requested a ticket for themselves still writes as staff.
    let actor = if staff {
        Actor::Staff
    } else {
        Actor::Requester
    };
    let current = status_of(&ticket.status)?;
    match lifecycle::after_reply(current, actor, writing.internal)? {
        AfterReply::FollowUp => {
            let opened = open_ticket(
                conn,
                state,
                user,
                Opening {
                    ticket: NewTicket {
                        title: ticket.title.clone(),
                        type_id: ticket.type_id,
                        requester_id: user.id,
                        channel,
                        parent_id: Some(ticket.id),
                    },
                    body: writing.body,
                    attachment_ids: writing.attachment_ids,
                    tell_requester: true,
                    author_id: None,
                },
                now,
            )
            .await?;
            audit::record(
                conn,
                NewEvent {
                    ticket_id: ticket.id,
                    actor_id: Some(user.id),
                    kind: "followed_up",
                    to: Some(opened.number.to_string()),
                    ..Default::default()
                },
                now,
            )
            .await?;
            Ok(Added {
                ticket_number: opened.number,
                message: opened.message,
                followed_up: true,
            })
        }
        AfterReply::Status(usual) => {
            let to = match writing.status {
                Some(asked) => lifecycle::set_status(current, asked)?.unwrap_or(current),
                None => usual,
            };
            let message = messages::insert(
                conn,
                NewMessage {
                    ticket_id: ticket.id,
                    author_id: user.id,
                    body: writing.body.text,
                    body_html: writing.body.html,
                    internal: writing.internal,
                    channel: channel.as_str().to_owned(),
                },
                now,
            )
            .await?;
            link_attachments(
                conn,
                &writing.attachment_ids,
                user.id,
                ticket.id,
                message.id,
            )
            .await?;
            audit::record(
                conn,
                NewEvent {
                    ticket_id: ticket.id,
                    actor_id: Some(user.id),
                    kind: if writing.internal { "noted" } else { "replied" },
                    ..Default::default()
                },
                now,
            )
            .await?;
            let changes = Changes {
                status: Some(to).filter(|s| *s != current),
                message: (!writing.internal).then(|| public_message(&message, staff)),
                ..Default::default()
            };
            if let Some(to) = changes.status {
                audit::record(
                    conn,
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
            let ticket = repo::update(conn, ticket, &changes, now).await?;
            if !writing.internal {
                notify::replied(conn, state, &ticket, user, &message, actor).await?;
            }
            Ok(Added {
                ticket_number: ticket.id,
                message,
                followed_up: false,
            })
        }
    }
}
