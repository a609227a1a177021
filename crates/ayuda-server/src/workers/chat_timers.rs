//! Chat timers (`CHAT.md`): the soft and hard wait limits, an agent gone too long, a
//! silent customer (warned, then closed), an idle bot chat, and agent messages emailed to a
//! customer who went away.
//!
//! Safe with several instances: each chat is locked and its condition checked again in
//! its own transaction before anything happens, so of two instances exactly one acts.

use std::time::Duration;

use ayuda_db::chats::{self, ChatChanges, DoneFlag, DueColumn};
use ayuda_domain::chat::CloseReason;
use ayuda_types::ChatState;
use chrono::{DateTime, Utc};
use serde_json::json;
use tokio::sync::watch;

use crate::chat::write::{Author, ChatWrite};
use crate::chat::{bot, chat_locale, mail, moves, texts};
use crate::error::ApiResult;
use crate::state::AppState;

/// Chats looked at per timer and round.
const BATCH: u64 = 100;

/// Runs until `shutdown` turns true.
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let every = Duration::from_millis(state.settings.chat_timer_interval_ms);
    let mut rounds: u64 = 0;
    loop {
        if let Err(err) = round(&state, Utc::now()).await {
            tracing::warn!(error = %err, "chat timers failed; retrying");
        }
        rounds += 1;
        // About once a minute: forget spent tickets and old desk entries.
        if rounds.is_multiple_of((60_000 / state.settings.chat_timer_interval_ms.max(1)).max(1)) {
            let now = Utc::now();
            let _ = chats::prune_ws_tickets(&state.writer, now).await;
            let _ = chats::prune_desk(&state.writer, now - chrono::Duration::days(1)).await;
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            return;
        }
    }
}

fn ago(now: DateTime<Utc>, secs: u64) -> DateTime<Utc> {
    now - chrono::Duration::seconds(i64::try_from(secs).unwrap_or(i64::MAX / 1000))
}

/// One pass of every timer.
pub async fn round(state: &AppState, now: DateTime<Utc>) -> ApiResult<()> {
    let s = &state.settings;
    let limits = state.chat_settings.get();
    let waiting = ChatState::Waiting.as_str();
    let active = ChatState::Active.as_str();
    for id in chats::due(
        &state.db,
        waiting,
        DueColumn::QueuedAt,
        ago(now, u64::from(limits.hard_wait_secs)),
        None,
        BATCH,
    )
    .await?
    {
        act(state, id, Timer::HardWait).await?;
    }
    for id in chats::due(
        &state.db,
        waiting,
        DueColumn::QueuedAt,
        ago(now, u64::from(limits.soft_wait_secs)),
        Some(DoneFlag::SoftOffered),
        BATCH,
    )
    .await?
    {
        act(state, id, Timer::SoftWait).await?;
    }
    for id in chats::orphaned(&state.db, ago(now, s.chat_agent_gone_secs), BATCH).await? {
        act(state, id, Timer::AgentGone).await?;
    }
    for id in chats::due(
        &state.db,
        active,
        DueColumn::LastCustomerAt,
        ago(now, s.chat_inactive_secs),
        None,
        BATCH,
    )
    .await?
    {
        act(state, id, Timer::Inactive).await?;
    }
    for id in chats::due(
        &state.db,
        active,
        DueColumn::LastCustomerAt,
        ago(now, s.chat_inactive_warn_secs),
        Some(DoneFlag::InactiveWarned),
        BATCH,
    )
    .await?
    {
        act(state, id, Timer::InactiveWarning).await?;
    }
    for id in chats::due(
        &state.db,
        ChatState::Bot.as_str(),
        DueColumn::UpdatedAt,
        ago(now, s.chat_bot_idle_secs),
        None,
        BATCH,
    )
    .await?
    {
        act(state, id, Timer::BotIdle).await?;
    }
    for id in chats::unseen_by_offline_customers(
        &state.db,
        ago(now, s.chat_offline_mail_secs),
        ago(now, s.chat_offline_mail_every_secs),
        BATCH,
    )
    .await?
    {
        mail::unseen(state, id).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timer {
    SoftWait,
    HardWait,
    AgentGone,
    InactiveWarning,
    Inactive,
    BotIdle,
}

/// Applies one timer to one chat, if it is still due under the lock.
async fn act(state: &AppState, id: i64, timer: Timer) -> ApiResult<()> {
    let mut w = ChatWrite::begin(state).await?;
    let Some(chat) = chats::find_for_update(&w.txn, id).await? else {
        return Ok(());
    };
    let s = &state.settings;
    let limits = state.chat_settings.get();
    let now = w.now;
    let locale = chat_locale(&chat);
    let waiting = chat.state == ChatState::Waiting.as_str();
    let active = chat.state == ChatState::Active.as_str();
    let queued_before = |secs| chat.queued_at.is_some_and(|q| q < ago(now, secs));
    let silent_since = |secs| chat.last_customer_at < ago(now, secs);
    match timer {
        Timer::HardWait if waiting && queued_before(u64::from(limits.hard_wait_secs)) => {
            moves::leave_ticket_in(&mut w, state, &chat, None).await?;
        }
        Timer::SoftWait
            if waiting && !chat.soft_offered && queued_before(u64::from(limits.soft_wait_secs)) =>
        {
            chats::update(
                &w.txn,
                id,
                ChatChanges {
                    soft_offered: Some(true),
                    ..ChatChanges::default()
                },
                now,
            )
            .await?;
            w.message(
                id,
                &Author::bot(),
                &texts::long_wait(locale),
                json!({"choices": [bot::fixed(locale, "keep_waiting"), bot::fixed(locale, "leave_ticket")]}),
                None,
                false,
            )
            .await?;
        }
        Timer::AgentGone if active => {
            let gone = chats::presence(&w.txn, chat.assignee_id.unwrap_or_default())
                .await?
                .and_then(|p| p.connected_until)
                .is_none_or(|until| until < ago(now, s.chat_agent_gone_secs));
            if gone {
                moves::agent_gone(&mut w, state, &chat).await?;
            }
        }
        Timer::Inactive if active && silent_since(s.chat_inactive_secs) => {
            moves::close_in(&mut w, state, &chat, CloseReason::Inactive).await?;
        }
        Timer::InactiveWarning
            if active && !chat.inactive_warned && silent_since(s.chat_inactive_warn_secs) =>
        {
            chats::update(
                &w.txn,
                id,
                ChatChanges {
                    inactive_warned: Some(true),
                    ..ChatChanges::default()
                },
                now,
            )
            .await?;
            let minutes = s
                .chat_inactive_secs
                .saturating_sub(s.chat_inactive_warn_secs)
                .div_ceil(60);
            w.message(
                id,
                &Author::system(),
                &texts::inactive_warning(locale, minutes),
                json!({}),
                None,
                false,
            )
            .await?;
        }
        Timer::BotIdle
            if chat.state == ChatState::Bot.as_str()
                && chat.updated_at < ago(now, s.chat_bot_idle_secs) =>
        {
            moves::close_in(&mut w, state, &chat, CloseReason::BotIdle).await?;
        }
        _ => return Ok(()),
    }
    w.commit(state).await?;
    Ok(())
}
