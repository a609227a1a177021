//! The state moves of `CHAT.md`, each one transaction: the customer's (`live-agent`,
//! `resume-bot`, `restart`, `leave-ticket`, `close`) and the agents' (`accept`,
//! `transfer`, `handback`, `close`), plus the timers' (agent gone).

use ayuda_db::chats::{self, ChatChanges, ChatView};
use ayuda_db::users::UserRow;
use ayuda_domain::chat::{self as rules, After, ChatState as S, CloseReason as R, Move, Queue};
use ayuda_types::{ChatSnapshot, ChatState, CloseReason, TransferChat};
use serde_json::json;

use super::events::kind;
use super::queue::QueueNow;
use super::write::{Author, ChatWrite};
use super::{
    Side, bot, chat_locale, convert, mail, reason_wire, refused, rule_state, state_name, texts,
};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Opens a move on chat `id` by `user`: the write, the chat locked, and the caller's side.
pub(crate) async fn begin(
    state: &AppState,
    user: &UserRow,
    id: i64,
) -> ApiResult<(ChatWrite, ChatView, Side)> {
    let w = ChatWrite::begin(state).await?;
    let (chat, side) = super::visible(&w.txn, user, id, true).await?;
    Ok((w, chat, side))
}

/// Commits and answers with the chat and the events since `before_seq`.
pub(crate) async fn finish(
    state: &AppState,
    w: ChatWrite,
    id: i64,
    side: Side,
    before_seq: i64,
) -> ApiResult<ChatSnapshot> {
    w.commit(state).await?;
    let chat = chats::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    super::snapshot_of(state, &chat, side, before_seq).await
}

fn customer_only(side: Side) -> ApiResult<()> {
    match side {
        Side::Customer => Ok(()),
        Side::Staff => Err(ApiError::Forbidden),
    }
}

fn staff_only(side: Side) -> ApiResult<()> {
    match side {
        Side::Staff => Ok(()),
        Side::Customer => Err(ApiError::Forbidden),
    }
}

/// What the rules say of `mv` on `chat`, or the 409.
pub(crate) fn rule(chat: &ChatView, mv: Move) -> ApiResult<After> {
    rules::apply(rule_state(chat)?, chat.bot_active, mv).map_err(refused)
}

/// Stores what the rules decided: the row, the queue's desk entries, `agent.left`,
/// `chat.closed` (and the transcript email), and `state.changed`.
pub(crate) async fn transition(
    w: &mut ChatWrite,
    state: &AppState,
    chat: &ChatView,
    after: After,
) -> ApiResult<()> {
    let now = w.now;
    let mut changes = ChatChanges {
        state: Some(state_name(after.state)),
        bot_active: Some(after.bot_active),
        ..ChatChanges::default()
    };
    match after.queue {
        Queue::Unchanged => {}
        Queue::Join => {
            changes.queued_at = Some(Some(now));
            changes.priority = Some(0);
            changes.soft_offered = Some(false);
        }
        Queue::Rejoin => changes.priority = Some(0),
        Queue::Front => changes.priority = Some(1),
        Queue::Leave => {
            if after.state == S::Bot {
                changes.queued_at = Some(None);
            }
        }
    }
    if after.state == S::Bot {
        changes.bot_node_id = Some(None);
        changes.bot_misses = Some(0);
    }
    if after.unassign {
        changes.assignee_id = Some(None);
    }
    if let Some(reason) = after.close_reason {
        changes.close_reason = Some(reason_wire(reason).as_str());
        changes.closed_at = Some(now);
    }
    chats::update(&w.txn, chat.id, changes, now).await?;
    match after.queue {
        Queue::Join | Queue::Rejoin | Queue::Front => {
            w.desk(
                "queue.added",
                Some(chat.id),
                json!({"chat_id": chat.id, "customer": {"id": chat.customer_id, "name": chat.customer_name}, "front": after.queue == Queue::Front}),
            )
            .await?;
        }
        Queue::Leave => {
            w.desk("queue.removed", Some(chat.id), json!({"chat_id": chat.id}))
                .await?;
        }
        Queue::Unchanged => {}
    }
    if after.unassign
        && let Some(agent) = chat.assignee_id
    {
        w.fact(
            chat.id,
            kind::AGENT_LEFT,
            json!({"agent": {"id": agent, "name": chat.assignee_name}}),
        )
        .await?;
        w.desk(
            "chat.assigned",
            Some(chat.id),
            json!({"chat_id": chat.id, "assignee": null, "previous": agent}),
        )
        .await?;
    }
    let closed = after.close_reason.map(reason_wire);
    w.fact(
        chat.id,
        kind::STATE,
        json!({
            "state": state_name(after.state),
            "bot_active": after.bot_active,
            "assignee": if after.unassign { serde_json::Value::Null } else { json!(chat.assignee_id.map(|id| json!({"id": id, "name": chat.assignee_name}))) },
            "close_reason": closed,
        }),
    )
    .await?;
    if let Some(reason) = closed {
        w.fact(chat.id, kind::CLOSED, json!({"reason": reason}))
            .await?;
        if after.queue != Queue::Leave {
            w.desk(
                "chat.closed",
                Some(chat.id),
                json!({"chat_id": chat.id, "reason": reason}),
            )
            .await?;
        }
        mail::transcript(w, state, chat.id).await?;
    }
    Ok(())
}

/// `live-agent`: join the queue when someone can take the chat, else say why and offer a
/// ticket.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn live_agent(state: &AppState, user: &UserRow, id: i64) -> ApiResult<ChatSnapshot> {
    let (mut w, chat, side) = begin(state, user, id).await?;
    customer_only(side)?;
    let before = chat.last_seq;
    ask_for_agent(&mut w, state, &chat).await?;
    finish(state, w, id, side, before).await
}

/// Asking for a live agent, from the REST move or from the bot ("humano").
pub(crate) async fn ask_for_agent(
    w: &mut ChatWrite,
    state: &AppState,
    chat: &ChatView,
) -> ApiResult<()> {
    let locale = chat_locale(chat);
    if chat.state == ChatState::Waiting.as_str() {
        let position = QueueNow::read(&w.txn, w.now)
            .await?
            .info(chat.id)
            .map_or(0, |q| q.position);
        w.message(
            chat.id,
            &Author::bot(),
            &texts::already_queued(locale, position),
            json!({"choices": bot::waiting_choices(locale)}),
            None,
            false,
        )
        .await?;
        return Ok(());
    }
    let queue = QueueNow::read(&w.txn, w.now).await?;
    let availability =
        super::queue::availability(&w.txn, &state.chat_settings.get(), &queue, w.now).await?;
    let after = rule(
        chat,
        Move::LiveAgent {
            available: availability.available,
        },
    )?;
    if after.unavailable {
        let queue_full = availability.reason == Some(ayuda_types::UnavailableReason::QueueFull);
        w.message(
            chat.id,
            &Author::bot(),
            &texts::unavailable(locale, queue_full),
            json!({
                "choices": [bot::fixed(locale, "leave_ticket"), bot::fixed(locale, "restart")],
                "unavailable": {"reason": availability.reason},
            }),
            None,
            false,
        )
        .await?;
        return Ok(());
    }
    transition(w, state, chat, after).await?;
    w.message(
        chat.id,
        &Author::bot(),
        &texts::queued(locale, queue.len() + 1),
        json!({"choices": bot::waiting_choices(locale)}),
        None,
        false,
    )
    .await?;
    Ok(())
}

/// `resume-bot`: the bot answers again; the place is kept unless `leave_queue`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn resume_bot(
    state: &AppState,
    user: &UserRow,
    id: i64,
    leave_queue: bool,
) -> ApiResult<ChatSnapshot> {
    let (mut w, chat, side) = begin(state, user, id).await?;
    customer_only(side)?;
    let before = chat.last_seq;
    resume(&mut w, state, &chat, leave_queue).await?;
    finish(state, w, id, side, before).await
}

pub(crate) async fn resume(
    w: &mut ChatWrite,
    state: &AppState,
    chat: &ChatView,
    leave_queue: bool,
) -> ApiResult<()> {
    let after = rule(chat, Move::ResumeBot { leave_queue })?;
    transition(w, state, chat, after).await?;
    let locale = chat_locale(chat);
    let text = if leave_queue {
        texts::menu(locale)
    } else {
        texts::resumed_waiting(locale)
    };
    let choices = bot::menu(&w.txn, locale, None).await?;
    w.message(
        chat.id,
        &Author::bot(),
        &text,
        json!({"choices": choices}),
        None,
        false,
    )
    .await?;
    Ok(())
}

/// `restart`: back to the greeting's keywords, out of the queue.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn restart(state: &AppState, user: &UserRow, id: i64) -> ApiResult<ChatSnapshot> {
    let (mut w, chat, side) = begin(state, user, id).await?;
    customer_only(side)?;
    let before = chat.last_seq;
    restart_in(&mut w, state, &chat).await?;
    finish(state, w, id, side, before).await
}

pub(crate) async fn restart_in(
    w: &mut ChatWrite,
    state: &AppState,
    chat: &ChatView,
) -> ApiResult<()> {
    let after = rule(chat, Move::Restart)?;
    transition(w, state, chat, after).await?;
    let locale = chat_locale(chat);
    let choices = bot::menu(&w.txn, locale, None).await?;
    w.message(
        chat.id,
        &Author::bot(),
        &texts::menu(locale),
        json!({"choices": choices}),
        None,
        false,
    )
    .await?;
    Ok(())
}

/// `leave-ticket`: no agent; the chat closes as `no_agent` and becomes a ticket whose
/// number the customer sees and gets by email.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn leave_ticket(state: &AppState, user: &UserRow, id: i64) -> ApiResult<i64> {
    let (mut w, chat, side) = begin(state, user, id).await?;
    customer_only(side)?;
    let number = leave_ticket_in(&mut w, state, &chat, None).await?;
    w.commit(state).await?;
    Ok(number)
}

/// Turns the chat into a ticket and closes it as `no_agent` (the customer's choice, or
/// the hard wait limit).
pub(crate) async fn leave_ticket_in(
    w: &mut ChatWrite,
    state: &AppState,
    chat: &ChatView,
    title: Option<String>,
) -> ApiResult<i64> {
    let after = rule(chat, Move::LeaveTicket)?;
    let number = convert::to_ticket(w, state, chat, None, title, None).await?;
    w.message(
        chat.id,
        &Author::bot(),
        &texts::ticket_left(chat_locale(chat), number),
        json!({"ticket": {"id": number, "number": number}}),
        None,
        false,
    )
    .await?;
    let chat = ChatView {
        ticket_id: Some(number),
        ..chat.clone()
    };
    transition(w, state, &chat, after).await?;
    Ok(number)
}

/// `close`: the customer ends it (`customer_closed`, or `abandoned` while waiting), or an
/// agent does (`resolved` unless they say otherwise).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn close(
    state: &AppState,
    user: &UserRow,
    id: i64,
    reason: Option<CloseReason>,
) -> ApiResult<ChatSnapshot> {
    let (mut w, chat, side) = begin(state, user, id).await?;
    let before = chat.last_seq;
    let reason = match side {
        Side::Customer if chat.state == ChatState::Waiting.as_str() => R::Abandoned,
        Side::Customer => R::CustomerClosed,
        Side::Staff => super::reason_rule(reason.unwrap_or(CloseReason::Resolved)),
    };
    close_in(&mut w, state, &chat, reason).await?;
    finish(state, w, id, side, before).await
}

/// Closes the chat for `reason`, saying so.
pub(crate) async fn close_in(
    w: &mut ChatWrite,
    state: &AppState,
    chat: &ChatView,
    reason: R,
) -> ApiResult<()> {
    let after = rule(chat, Move::Close { reason })?;
    w.message(
        chat.id,
        &Author::system(),
        &texts::closed(chat_locale(chat)),
        json!({}),
        None,
        false,
    )
    .await?;
    transition(w, state, chat, after).await
}

/// `accept`: the agent takes a waiting chat — one conditional update, so of any number of
/// agents on any number of instances exactly one wins (the others: 409 `already_taken`),
/// and never beyond their capacity (409 `at_capacity`).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn accept(state: &AppState, user: &UserRow, id: i64) -> ApiResult<ChatSnapshot> {
    let (mut w, chat, side) = begin(state, user, id).await?;
    staff_only(side)?;
    let before = chat.last_seq;
    assign(&mut w, state, &chat, user).await?;
    finish(state, w, id, side, before).await
}

/// Gives a waiting chat to `agent` (accept, or auto-routing).
pub(crate) async fn assign(
    w: &mut ChatWrite,
    state: &AppState,
    chat: &ChatView,
    agent: &UserRow,
) -> ApiResult<()> {
    let current = rule_state(chat)?;
    if current == S::Active {
        return Err(conflict(
            chat,
            "already_taken",
            "another agent took this chat first",
        ));
    }
    let after = rule(chat, Move::Accept)
        .map_err(|_| conflict(chat, "not_waiting", "this chat is not waiting for an agent"))?;
    let max = i32::try_from(state.settings.chat_max_chats).unwrap_or(3);
    chats::ensure_presence(&w.txn, agent.id, max, w.now).await?;
    if !chats::assign_if_free(
        &w.txn,
        chat.id,
        agent.id,
        ChatState::Waiting.as_str(),
        w.now,
    )
    .await?
    {
        return Err(lost(w, chat, agent.id).await?);
    }
    chats::update(
        &w.txn,
        chat.id,
        ChatChanges {
            priority: Some(0),
            ..ChatChanges::default()
        },
        w.now,
    )
    .await?;
    w.desk("queue.removed", Some(chat.id), json!({"chat_id": chat.id}))
        .await?;
    joined(w, chat, agent, after).await
}

async fn joined(
    w: &mut ChatWrite,
    chat: &ChatView,
    agent: &UserRow,
    after: After,
) -> ApiResult<()> {
    w.fact(
        chat.id,
        kind::STATE,
        json!({"state": state_name(after.state), "bot_active": false, "assignee": {"id": agent.id, "name": agent.name}, "close_reason": null}),
    )
    .await?;
    w.fact(
        chat.id,
        kind::AGENT_JOINED,
        json!({"agent": {"id": agent.id, "name": agent.name}}),
    )
    .await?;
    w.message(
        chat.id,
        &Author::system(),
        &texts::joined(chat_locale(chat), &agent.name),
        json!({}),
        None,
        false,
    )
    .await?;
    w.desk(
        "chat.assigned",
        Some(chat.id),
        json!({"chat_id": chat.id, "assignee": {"id": agent.id, "name": agent.name}}),
    )
    .await?;
    metrics::histogram!("ayuda_chat_wait_seconds").record(chat.queued_at.map_or(0.0, |q| {
        (w.now - q).num_milliseconds().max(0) as f64 / 1000.0
    }));
    Ok(())
}

/// Why an assignment did not happen: someone else has the chat, or the agent is full.
async fn lost(w: &ChatWrite, chat: &ChatView, agent_id: i64) -> ApiResult<ApiError> {
    let now = chats::find(&w.txn, chat.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if now.state == ChatState::Active.as_str() && now.assignee_id != Some(agent_id) {
        return Ok(conflict(
            &now,
            "already_taken",
            "another agent took this chat first",
        ));
    }
    if now.assignee_id == Some(agent_id) {
        return Ok(conflict(
            &now,
            "already_yours",
            "this chat is yours already",
        ));
    }
    Ok(conflict(
        &now,
        "at_capacity",
        "you have as many chats as you can take; close one first",
    ))
}

fn conflict(chat: &ChatView, code: &'static str, detail: &str) -> ApiError {
    let state = rule_state(chat).unwrap_or(S::Closed);
    ApiError::ChatConflict {
        detail: detail.to_owned(),
        code,
        state: state_name(state),
        allowed: rules::allowed(state).to_vec(),
    }
}

fn owner_or_admin(user: &UserRow, chat: &ChatView) -> ApiResult<()> {
    let admin = ayuda_db::users::role_of(user)? == ayuda_types::Role::Admin;
    if chat.assignee_id == Some(user.id) || admin {
        Ok(())
    } else {
        Err(conflict(
            chat,
            "not_assignee",
            "only the agent who has this chat (or an admin) may do this",
        ))
    }
}

/// `transfer`: to another agent (within their capacity), or back to the queue keeping
/// the original `queued_at`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn transfer(
    state: &AppState,
    user: &UserRow,
    id: i64,
    input: TransferChat,
) -> ApiResult<ChatSnapshot> {
    let (mut w, chat, side) = begin(state, user, id).await?;
    staff_only(side)?;
    let before = chat.last_seq;
    let after = rule(
        &chat,
        Move::Transfer {
            to_queue: input.agent_id.is_none(),
        },
    )?;
    owner_or_admin(user, &chat)?;
    let locale = chat_locale(&chat);
    match input.agent_id {
        None => {
            transition(&mut w, state, &chat, after).await?;
            w.message(
                id,
                &Author::system(),
                &texts::transferred(locale, None),
                json!({}),
                None,
                false,
            )
            .await?;
        }
        Some(to) => {
            let target = ayuda_db::users::find_by_id(&w.txn, to)
                .await?
                .filter(|u| u.active && ayuda_db::users::is_staff(u))
                .ok_or_else(|| {
                    ApiError::field(
                        "agent_id",
                        "unknown_reference",
                        "must be an active agent's id",
                    )
                })?;
            if Some(to) == chat.assignee_id {
                return Err(ApiError::field(
                    "agent_id",
                    "not_allowed",
                    "already has this chat",
                ));
            }
            let max = i32::try_from(state.settings.chat_max_chats).unwrap_or(3);
            chats::ensure_presence(&w.txn, to, max, w.now).await?;
            if !chats::assign_if_free(&w.txn, id, to, ChatState::Active.as_str(), w.now).await? {
                return Err(conflict(
                    &chat,
                    "at_capacity",
                    "that agent has as many chats as they can take",
                ));
            }
            if let Some(old) = chat.assignee_id {
                w.fact(
                    id,
                    kind::AGENT_LEFT,
                    json!({"agent": {"id": old, "name": chat.assignee_name}}),
                )
                .await?;
            }
            w.message(
                id,
                &Author::system(),
                &texts::transferred(locale, Some(&target.name)),
                json!({}),
                None,
                false,
            )
            .await?;
            joined(&mut w, &chat, &target, after).await?;
        }
    }
    finish(state, w, id, side, before).await
}

/// `handback`: the agent lets the bot take over again.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn handback(state: &AppState, user: &UserRow, id: i64) -> ApiResult<ChatSnapshot> {
    let (mut w, chat, side) = begin(state, user, id).await?;
    staff_only(side)?;
    let before = chat.last_seq;
    let after = rule(&chat, Move::Handback)?;
    owner_or_admin(user, &chat)?;
    transition(&mut w, state, &chat, after).await?;
    let locale = chat_locale(&chat);
    let choices = bot::menu(&w.txn, locale, None).await?;
    w.message(
        id,
        &Author::bot(),
        &texts::handed_back(locale, &user.name),
        json!({"choices": choices}),
        None,
        false,
    )
    .await?;
    finish(state, w, id, side, before).await
}

/// The agent has been gone too long: the chat goes back to the front of the queue.
pub(crate) async fn agent_gone(
    w: &mut ChatWrite,
    state: &AppState,
    chat: &ChatView,
) -> ApiResult<()> {
    let after = rule(chat, Move::AgentGone)?;
    transition(w, state, chat, after).await?;
    w.message(
        chat.id,
        &Author::system(),
        &texts::agent_gone(chat_locale(chat)),
        json!({}),
        None,
        false,
    )
    .await?;
    Ok(())
}

/// Auto-routing: while the queue has a head and some online agent has room, the head goes
/// to the agent with the fewest active chats (ties: the one idle longest). Every instance
/// may run this; the conditional assignment lets one win each chat.
pub async fn route_automatically(state: &AppState) {
    for _ in 0..100 {
        match route_head(state).await {
            Ok(true) => continue,
            Ok(false) => return,
            Err(err) => {
                tracing::debug!(error = %err, "auto-routing lost a race or failed");
                return;
            }
        }
    }
}

async fn route_head(state: &AppState) -> ApiResult<bool> {
    let now = chrono::Utc::now();
    let Some(head) = chats::queue(&state.db).await?.into_iter().next() else {
        return Ok(false);
    };
    let agents = chats::online_agents(&state.db, now).await?;
    let Some(agent) = agents
        .iter()
        .filter(|a| a.active_chats < i64::from(a.max_chats))
        .min_by_key(|a| (a.active_chats, a.last_assigned_at, a.user_id))
    else {
        return Ok(false);
    };
    let Some(agent) = ayuda_db::users::find_by_id(&state.db, agent.user_id).await? else {
        return Ok(false);
    };
    let mut w = ChatWrite::begin(state).await?;
    let Some(chat) = chats::find_for_update(&w.txn, head.id).await? else {
        return Ok(false);
    };
    if chat.state != ChatState::Waiting.as_str() {
        return Ok(true);
    }
    assign(&mut w, state, &chat, &agent).await?;
    w.commit(state).await?;
    Ok(true)
}
