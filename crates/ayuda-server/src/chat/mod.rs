//! Live chat (`CHAT.md`): a customer talks to the keyword bot, asks for a live agent,
//! waits in a visible queue (with the bot still at hand), an agent takes the chat, and it
//! ends closed, with its transcript emailed, or as a ticket.
//!
//! Every move is one transaction ([`write::ChatWrite`]) that applies the pure rules of
//! [`ayuda_domain::chat`] to the stored chat and stores what anyone sees as events with a
//! gapless per-chat `seq`; the commit delivers them to sockets here and signals the other
//! instances.

pub mod bot;
pub mod convert;
pub mod events;
pub mod keywords;
pub mod mail;
pub mod messages;
pub mod moves;
pub mod presence;
pub mod queue;
pub mod settings;
pub mod texts;
pub mod write;

use ayuda_db::chats::{self, ChatFilter, ChatView};
use ayuda_db::users::{self, UserRow};
use ayuda_db::{ConnectionTrait, DbErr};
use ayuda_domain::chat::{self as rules, ChatState as S, CloseReason as R};
use ayuda_types::{
    ChatListParams, ChatSnapshot, ChatState, ChatSummary, ChatTicket, CloseReason, CreateChat,
    Locale, Page, UserRef,
};
use serde_json::json;

use crate::error::{ApiError, ApiResult};
use crate::pagination::{self, ListCursor};
use crate::people::user_locale;
use crate::state::AppState;

use queue::QueueNow;
use write::{Author, ChatWrite};

/// Events a snapshot carries at most; a client pages with `after_seq`.
pub const SNAPSHOT_EVENTS: u64 = 2000;

/// The rules' state of a stored chat.
pub fn rule_state(chat: &ChatView) -> Result<S, DbErr> {
    let state = ayuda_db::stored::read("chats.state", &chat.state, ChatState::parse)?;
    Ok(match state {
        ChatState::Bot => S::Bot,
        ChatState::Waiting => S::Waiting,
        ChatState::Active => S::Active,
        ChatState::Closed => S::Closed,
    })
}

/// The stored name of a rules' state.
pub fn state_name(state: S) -> &'static str {
    match state {
        S::Bot => ChatState::Bot.as_str(),
        S::Waiting => ChatState::Waiting.as_str(),
        S::Active => ChatState::Active.as_str(),
        S::Closed => ChatState::Closed.as_str(),
    }
}

/// The wire close reason of a rules' one.
pub fn reason_wire(reason: R) -> CloseReason {
    match reason {
        R::Resolved => CloseReason::Resolved,
        R::CustomerClosed => CloseReason::CustomerClosed,
        R::Abandoned => CloseReason::Abandoned,
        R::Inactive => CloseReason::Inactive,
        R::BotIdle => CloseReason::BotIdle,
        R::NoAgent => CloseReason::NoAgent,
        R::ConvertedToTicket => CloseReason::ConvertedToTicket,
    }
}

/// The rules' close reason of a wire one.
pub fn reason_rule(reason: CloseReason) -> R {
    match reason {
        CloseReason::Resolved => R::Resolved,
        CloseReason::CustomerClosed => R::CustomerClosed,
        CloseReason::Abandoned => R::Abandoned,
        CloseReason::Inactive => R::Inactive,
        CloseReason::BotIdle => R::BotIdle,
        CloseReason::NoAgent => R::NoAgent,
        CloseReason::ConvertedToTicket => R::ConvertedToTicket,
    }
}

/// The chat's language.
pub fn chat_locale(chat: &ChatView) -> Locale {
    Locale::parse(&chat.locale).unwrap_or(Locale::Es)
}

/// 409 naming the state and its allowed moves.
pub fn refused(refusal: rules::Refusal) -> ApiError {
    ApiError::ChatConflict {
        detail: format!(
            "a chat in state {} does not allow {}; it allows: {}",
            state_name(refusal.state),
            refusal.refused,
            if refusal.allowed.is_empty() {
                "nothing (start a new chat, naming this one as previous_chat_id)".to_owned()
            } else {
                refusal.allowed.join(", ")
            }
        ),
        code: "illegal_move",
        state: state_name(refusal.state),
        allowed: refusal.allowed.to_vec(),
    }
}

/// Who is acting on a chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Its customer.
    Customer,
    /// An agent or admin.
    Staff,
}

/// The chat if `user` may see it: its customer, or staff. Anyone else: 404.
pub async fn visible(
    conn: &impl ConnectionTrait,
    user: &UserRow,
    id: i64,
    lock: bool,
) -> ApiResult<(ChatView, Side)> {
    let chat = if lock {
        chats::find_for_update(conn, id).await?
    } else {
        chats::find(conn, id).await?
    }
    .ok_or(ApiError::NotFound)?;
    if users::is_staff(user) {
        Ok((chat, Side::Staff))
    } else if chat.customer_id == user.id {
        Ok((chat, Side::Customer))
    } else {
        Err(ApiError::NotFound)
    }
}

/// Opens a chat for a customer, greeted by the bot; a customer with an open chat gets that
/// one back (`false`: not new).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn open(
    state: &AppState,
    user: &UserRow,
    input: CreateChat,
) -> ApiResult<(ChatSnapshot, bool)> {
    if users::is_staff(user) {
        return Err(ApiError::Forbidden);
    }
    if let Some(existing) = chats::open_of_customer(&state.db, user.id).await? {
        return Ok((
            snapshot_of(state, &existing, Side::Customer, 0).await?,
            false,
        ));
    }
    if let Some(previous) = input.previous_chat_id {
        let ok = chats::find(&state.db, previous)
            .await?
            .is_some_and(|c| c.customer_id == user.id);
        if !ok {
            return Err(ApiError::field(
                "previous_chat_id",
                "unknown_reference",
                "must be one of your chats",
            ));
        }
    }
    let locale = input
        .locale
        .unwrap_or_else(|| user_locale(&state.settings, user));
    let mut w = ChatWrite::begin(state).await?;
    let id = match chats::insert(
        &w.txn,
        chats::NewChat {
            customer_id: user.id,
            locale: locale.as_str(),
            previous_chat_id: input.previous_chat_id,
        },
        w.now,
    )
    .await
    {
        Ok(id) => id,
        // Opened at the same moment by another request: that one is the chat.
        Err(err) if ayuda_db::is_unique_violation(&err) => {
            drop(w);
            let existing = chats::open_of_customer(&state.db, user.id)
                .await?
                .ok_or(ApiError::NotFound)?;
            return Ok((
                snapshot_of(state, &existing, Side::Customer, 0).await?,
                false,
            ));
        }
        Err(err) => return Err(err.into()),
    };
    w.fact(
        id,
        events::kind::STATE,
        json!({"state": "bot", "bot_active": true}),
    )
    .await?;
    let first_name = user.name.split_whitespace().next().unwrap_or(&user.name);
    let greeting = bot::menu(&w.txn, locale, None).await?;
    w.message(
        id,
        &Author::bot(),
        &texts::greeting(locale, first_name),
        json!({"choices": greeting}),
        None,
        false,
    )
    .await?;
    w.commit(state).await?;
    let chat = chats::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((snapshot_of(state, &chat, Side::Customer, 0).await?, true))
}

/// A chat with its events after `after_seq`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn snapshot(
    state: &AppState,
    user: &UserRow,
    id: i64,
    after_seq: Option<i64>,
) -> ApiResult<ChatSnapshot> {
    let (chat, side) = visible(&state.db, user, id, false).await?;
    snapshot_of(state, &chat, side, after_seq.unwrap_or(0).max(0)).await
}

/// The snapshot of a chat read already.
pub async fn snapshot_of(
    state: &AppState,
    chat: &ChatView,
    side: Side,
    after_seq: i64,
) -> ApiResult<ChatSnapshot> {
    let queue = if chat.state == ChatState::Waiting.as_str() {
        QueueNow::read(&state.db, chrono::Utc::now())
            .await?
            .info(chat.id)
    } else {
        None
    };
    let rows = chats::events_after(&state.db, chat.id, after_seq, SNAPSHOT_EVENTS).await?;
    Ok(ChatSnapshot {
        id: chat.id,
        state: ayuda_db::stored::read("chats.state", &chat.state, ChatState::parse)?,
        bot_active: chat.bot_active,
        queue,
        assignee: assignee(chat),
        customer: UserRef {
            id: chat.customer_id,
            name: chat.customer_name.clone(),
        },
        ticket: chat.ticket_id.map(|id| ChatTicket { id, number: id }),
        close_reason: close_reason(chat)?,
        locale: chat_locale(chat),
        previous_chat_id: chat.previous_chat_id,
        last_seq: chat.last_seq,
        customer_read_seq: chat.customer_read_seq,
        agent_read_seq: chat.agent_read_seq,
        rating: chat.rating.and_then(|r| u8::try_from(r).ok()),
        created_at: chat.created_at,
        updated_at: chat.updated_at,
        events: rows
            .iter()
            .map(|r| events::to_wire(r, side == Side::Customer))
            .collect(),
    })
}

fn assignee(chat: &ChatView) -> Option<UserRef> {
    chat.assignee_id
        .zip(chat.assignee_name.clone())
        .map(|(id, name)| UserRef { id, name })
}

fn close_reason(chat: &ChatView) -> Result<Option<CloseReason>, DbErr> {
    chat.close_reason
        .as_deref()
        .map(|r| ayuda_db::stored::read("chats.close_reason", r, CloseReason::parse))
        .transpose()
}

/// Chats, newest first: a customer's own, or (staff) all of them.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    state: &AppState,
    user: &UserRow,
    params: ChatListParams,
) -> ApiResult<Page<ChatSummary>> {
    let limit = pagination::limit(params.limit)?;
    let before = state.cursors.decode_id(params.cursor.as_deref())?;
    let filter = ChatFilter {
        customer_id: (!users::is_staff(user)).then_some(user.id),
        state: params.state.map(ChatState::as_str),
        assignee_id: None,
    };
    let rows = chats::list(&state.db, &filter, before, limit).await?;
    let summaries = summaries(state, &rows).await?;
    Ok(state.cursors.page(
        rows.iter().zip(summaries).collect::<Vec<_>>(),
        limit,
        |(c, _)| ListCursor::Id(c.id),
        |(_, s)| s.clone(),
    ))
}

/// The agents' view: the queue in order (`waiting`), or the active chats (`active`), each
/// with its position, time waited and assignee.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn desk(
    state: &AppState,
    user: &UserRow,
    which: Option<ChatState>,
) -> ApiResult<Vec<ChatSummary>> {
    crate::auth::require_staff(user)?;
    let rows = match which.unwrap_or(ChatState::Waiting) {
        ChatState::Waiting => chats::queue(&state.db).await?,
        ChatState::Active => {
            let filter = ChatFilter {
                state: Some(ChatState::Active.as_str()),
                ..ChatFilter::default()
            };
            chats::list(&state.db, &filter, None, 500).await?
        }
        _ => {
            return Err(ApiError::field(
                "state",
                "not_allowed",
                "must be waiting or active",
            ));
        }
    };
    summaries(state, &rows).await
}

async fn summaries(state: &AppState, rows: &[ChatView]) -> ApiResult<Vec<ChatSummary>> {
    let now = chrono::Utc::now();
    let queue = if rows.iter().any(|c| c.state == ChatState::Waiting.as_str()) {
        Some(QueueNow::read(&state.db, now).await?)
    } else {
        None
    };
    let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
    let last: std::collections::HashMap<i64, String> = chats::last_messages(&state.db, &ids)
        .await?
        .into_iter()
        .collect();
    rows.iter()
        .map(|c| {
            let waiting = c.state == ChatState::Waiting.as_str();
            Ok(ChatSummary {
                id: c.id,
                state: ayuda_db::stored::read("chats.state", &c.state, ChatState::parse)?,
                customer: UserRef {
                    id: c.customer_id,
                    name: c.customer_name.clone(),
                },
                assignee: assignee(c),
                queue: queue.as_ref().and_then(|q| q.info(c.id)),
                waited_s: waiting
                    .then(|| c.queued_at.map(|at| (now - at).num_seconds().max(0)))
                    .flatten(),
                bot_active: c.bot_active,
                ticket: c.ticket_id.map(|id| ChatTicket { id, number: id }),
                close_reason: close_reason(c)?,
                locale: chat_locale(c),
                last_seq: c.last_seq,
                last_message: last
                    .get(&c.id)
                    .map(|b| ayuda_domain::markdown::excerpt(b, 200)),
                created_at: c.created_at,
                updated_at: c.updated_at,
            })
        })
        .collect::<Result<_, DbErr>>()
        .map_err(Into::into)
}
