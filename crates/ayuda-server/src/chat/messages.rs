//! Messages in a chat: the customer's (answered by the bot while it serves), the agent's,
//! and agents' internal notes; read receipts; the rating after a human-served close.

use ayuda_db::chats::{self, ChatChanges};
use ayuda_db::users::UserRow;
use ayuda_domain::chat::Move;
use ayuda_types::{AuthorKind, ChatEvent, ChatState, RateChat, SendChatMessage};
use serde_json::json;

use super::events::{self, kind};
use super::moves::{begin, rule};
use super::write::{Author, ChatWrite};
use super::{Side, bot};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A message as sent, and whether it is new (`false`: the same `client_msg_id` was sent
/// before, and this is the stored one).
#[derive(Debug, Clone)]
pub struct Sent {
    /// The stored message event.
    pub event: ChatEvent,
    /// Stored now.
    pub created: bool,
}

/// Stores a message of `user` in chat `id`, once per `client_msg_id`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn send(
    state: &AppState,
    user: &UserRow,
    id: i64,
    input: SendChatMessage,
) -> ApiResult<Sent> {
    let body = input.body.trim().to_owned();
    if body.is_empty() && input.choice_id.is_none() && input.attachment_ids.is_empty() {
        return Err(ApiError::field("body", "blank", "must not be empty"));
    }
    let file_ids = crate::attachments::distinct(&input.attachment_ids);
    if let Some(sent) = already_sent(state, user, id, &input.client_msg_id).await? {
        return Ok(sent);
    }
    let (mut w, chat, side) = begin(state, user, id).await?;
    rule(&chat, Move::Message)?;
    let author = match side {
        Side::Customer => {
            if input.internal {
                return Err(ApiError::field(
                    "internal",
                    "not_allowed",
                    "only agents write internal notes",
                ));
            }
            Author {
                kind: AuthorKind::Customer,
                id: Some(user.id),
                name: Some(user.name.clone()),
            }
        }
        Side::Staff => {
            let owner =
                chat.assignee_id == Some(user.id) && chat.state == ChatState::Active.as_str();
            if !input.internal && !owner {
                return Err(ApiError::ChatConflict {
                    detail: "accept the chat before writing to the customer (an internal note needs no accept)".into(),
                    code: "not_assignee",
                    state: super::state_name(super::rule_state(&chat)?),
                    allowed: ayuda_domain::chat::allowed(super::rule_state(&chat)?).to_vec(),
                });
            }
            Author {
                kind: AuthorKind::Agent,
                id: Some(user.id),
                name: Some(user.name.clone()),
            }
        }
    };
    // The files go with the message: the sender's own uploads, not sent anywhere yet.
    let files = ayuda_db::attachments::unsent(&w.txn, &file_ids, user.id).await?;
    if files.len() != file_ids.len() {
        return Err(crate::attachments::not_own_unsent());
    }
    let files: Vec<_> = files.iter().map(crate::attachments::to_wire).collect();
    // A button press is shown as its label.
    let shown = if body.is_empty() && files.is_empty() {
        choice_label(&w, &chat, input.choice_id.as_deref()).await?
    } else {
        body.clone()
    };
    let stored = match w
        .message(
            id,
            &author,
            &shown,
            json!({"choice_id": input.choice_id, "attachments": files}),
            Some(input.client_msg_id.clone()),
            input.internal,
        )
        .await
    {
        Ok(row) => row,
        // The same id sent at the same moment on another connection: that one is stored.
        Err(err) if ayuda_db::is_unique_violation(&err) => {
            drop(w);
            return already_sent(state, user, id, &input.client_msg_id)
                .await?
                .ok_or(ApiError::NotFound);
        }
        Err(err) => return Err(err.into()),
    };
    // Taken by another message since they were read (two sends racing): refused, and the
    // transaction with this message's event is dropped.
    let linked = ayuda_db::attachments::link_to_chat(&w.txn, &file_ids, user.id, stored.id).await?;
    if usize::try_from(linked).ok() != Some(file_ids.len()) {
        return Err(crate::attachments::not_own_unsent());
    }
    if side == Side::Customer {
        chats::update(
            &w.txn,
            id,
            ChatChanges {
                last_customer_at: Some(w.now),
                customer_seen_at: Some(w.now),
                inactive_warned: Some(false),
                ..ChatChanges::default()
            },
            w.now,
        )
        .await?;
        // A file alone says nothing to the bot.
        let said_something = !body.is_empty() || input.choice_id.is_some();
        if chat.state != ChatState::Active.as_str() && said_something {
            bot::respond(&mut w, state, &chat, &body, input.choice_id.as_deref()).await?;
        }
    }
    w.commit(state).await?;
    Ok(Sent {
        event: events::to_wire(&stored, side == Side::Customer),
        created: true,
    })
}

/// The message `user` already sent with this id in this chat, if any.
async fn already_sent(
    state: &AppState,
    user: &UserRow,
    id: i64,
    client_msg_id: &str,
) -> ApiResult<Option<Sent>> {
    let (_, side) = super::visible(&state.db, user, id, false).await?;
    Ok(chats::event_by_client_msg(&state.db, id, client_msg_id)
        .await?
        .filter(|e| e.author_id == Some(user.id))
        .map(|e| Sent {
            event: events::to_wire(&e, side == Side::Customer),
            created: false,
        }))
}

async fn choice_label(
    w: &ChatWrite,
    chat: &ayuda_db::chats::ChatView,
    choice: Option<&str>,
) -> ApiResult<String> {
    let locale = super::chat_locale(chat);
    let Some(choice) = choice else {
        return Ok(String::new());
    };
    if let Ok(id) = choice.parse::<i64>() {
        return Ok(ayuda_db::bot_keywords::find(&w.txn, id)
            .await?
            .map(|k| k.keyword)
            .unwrap_or_else(|| choice.to_owned()));
    }
    match choice {
        "live_agent" | "human" | "resume_bot" | "restart" | "leave_ticket" | "keep_waiting" => {
            Ok(super::texts::label(locale, choice))
        }
        _ => Err(ApiError::field(
            "choice_id",
            "unknown_reference",
            "is not a choice of this chat",
        )),
    }
}

/// Read receipts: the customer or the agent has read up to `up_to_seq`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn read(state: &AppState, user: &UserRow, id: i64, up_to_seq: i64) -> ApiResult<()> {
    let (mut w, chat, side) = begin(state, user, id).await?;
    let up_to = up_to_seq.min(chat.last_seq);
    let (current, changes) = match side {
        Side::Customer => (
            chat.customer_read_seq,
            ChatChanges {
                customer_read_seq: Some(up_to),
                customer_seen_at: Some(w.now),
                ..ChatChanges::default()
            },
        ),
        Side::Staff => (
            chat.agent_read_seq,
            ChatChanges {
                agent_read_seq: Some(up_to),
                ..ChatChanges::default()
            },
        ),
    };
    if up_to <= current {
        return Ok(());
    }
    chats::update(&w.txn, id, changes, w.now).await?;
    let who = if side == Side::Customer {
        "customer"
    } else {
        "agent"
    };
    w.fact(
        id,
        kind::READ,
        json!({"who": who, "user_id": user.id, "up_to_seq": up_to}),
    )
    .await?;
    w.commit(state).await?;
    Ok(())
}

/// The customer rates a chat a human served, after it closed.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn rate(state: &AppState, user: &UserRow, id: i64, input: RateChat) -> ApiResult<()> {
    let (w, chat, side) = begin(state, user, id).await?;
    if side != Side::Customer {
        return Err(ApiError::Forbidden);
    }
    if chat.state != ChatState::Closed.as_str() || chat.assigned_at.is_none() {
        return Err(ApiError::conflict(
            "chat_state",
            "a chat is rated after it closes, when an agent served it",
        ));
    }
    chats::update(
        &w.txn,
        id,
        ChatChanges {
            rating: Some((i16::from(input.score), input.comment)),
            ..ChatChanges::default()
        },
        w.now,
    )
    .await?;
    w.commit(state).await?;
    Ok(())
}
