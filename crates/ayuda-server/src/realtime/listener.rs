//! The background side of real time, on every instance: listening for other instances'
//! signals (PostgreSQL), pushing queue positions and availability to waiting customers,
//! auto-routing, and keeping this instance's agents counted as connected.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use ayuda_db::chats;
use ayuda_db::listen::{Heard, Listener};
use ayuda_types::Availability;
use chrono::Utc;
use serde_json::json;
use tokio::sync::watch;

use super::{CHANNEL, Frame, Signal, Topic};
use crate::chat::events;
use crate::chat::queue::{self, QueueNow};
use crate::chat::write::ChatWrite;
use crate::config::ChatRouting;
use crate::state::AppState;

/// How often presence is refreshed, and how long past it a connection counts.
const PRESENCE_EVERY: Duration = Duration::from_secs(15);
const PRESENCE_GRACE_SECS: i64 = 60;

/// Sends an ephemeral frame (typing) to a chat's sockets here and on other instances.
pub async fn broadcast_ephemeral(state: &AppState, chat_id: i64, json: String) {
    state.realtime.hub.publish(
        Topic::Chat(chat_id),
        Arc::new(Frame::ephemeral(Some(chat_id), json.clone())),
    );
    let signal = Signal {
        ephemeral: Some((chat_id, json)),
        ..Signal::default()
    };
    signal_others(state, signal, "typing").await;
}

/// Sends `signal` from this instance to the others (PostgreSQL), outside any transaction
/// (what it announces has committed). A signal that cannot be sent is logged: `what`
/// names it. Whatever it would have made the others forget expires with its cache anyway.
pub async fn signal_others(state: &AppState, signal: Signal, what: &str) {
    let signal = Signal {
        instance: state.instance.to_string(),
        ..signal
    };
    if let Ok(payload) = serde_json::to_string(&signal)
        && let Err(err) = chats::notify(&state.db, CHANNEL, &payload).await
    {
        tracing::warn!(error = %err, "could not signal other instances: {what}");
    }
}

/// An agent's first console connected here: they count as connected now.
pub async fn agent_online(state: &AppState, user_id: i64) {
    let result = async {
        let mut w = ChatWrite::begin(state).await?;
        let max = i32::try_from(state.settings.chat_max_chats).unwrap_or(3);
        chats::ensure_presence(&w.txn, user_id, max, w.now).await?;
        chats::touch_connected(
            &w.txn,
            &[user_id],
            w.now + chrono::Duration::seconds(PRESENCE_GRACE_SECS),
        )
        .await?;
        w.desk(
            "presence.changed",
            None,
            json!({"agent_id": user_id, "connected": true}),
        )
        .await?;
        w.presence_changed();
        w.commit(state).await
    }
    .await;
    if let Err(err) = result {
        tracing::warn!(error = %err, "could not record an agent's connection");
    }
}

/// An agent's last console here closed: they are not connected (unless elsewhere, which
/// that instance's next refresh says).
pub async fn agent_offline(state: &AppState, user_id: i64) {
    let result = async {
        let mut w = ChatWrite::begin(state).await?;
        chats::disconnect(&w.txn, user_id, w.now).await?;
        w.desk(
            "presence.changed",
            None,
            json!({"agent_id": user_id, "connected": false}),
        )
        .await?;
        w.presence_changed();
        w.commit(state).await
    }
    .await;
    if let Err(err) = result {
        tracing::warn!(error = %err, "could not record an agent's disconnection");
    }
}

/// Runs the listener (PostgreSQL only), the queue watcher and the presence refresh until
/// `shutdown`.
pub async fn run(state: AppState, shutdown: watch::Receiver<bool>) {
    let listen = tokio::spawn(listen(state.clone(), shutdown.clone()));
    let queue = tokio::spawn(watch_queue(state.clone(), shutdown.clone()));
    refresh_presence(state, shutdown).await;
    let _ = listen.await;
    let _ = queue.await;
}

async fn refresh_presence(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        let agents = state.realtime.connected_agents();
        let until = Utc::now() + chrono::Duration::seconds(PRESENCE_GRACE_SECS);
        if let Err(err) = chats::touch_connected(&state.writer, &agents, until).await {
            tracing::warn!(error = %err, "presence refresh failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(PRESENCE_EVERY) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            return;
        }
    }
}

async fn listen(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let url = state.settings.database_url();
    if ayuda_db::Backend::of_url(&url) != Some(ayuda_db::Backend::Postgres) {
        return;
    }
    loop {
        let mut listener = match Listener::connect(&url, CHANNEL).await {
            Ok(l) => l,
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for other instances; retrying");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(1)) => continue,
                    _ = shutdown.changed() => return,
                }
            }
        };
        catch_up(&state).await;
        loop {
            tokio::select! {
                _ = shutdown.changed() => return,
                heard = listener.recv() => match heard {
                    Ok(Heard::Payload(payload)) => on_signal(&state, &payload).await,
                    Ok(Heard::Reconnected) => {
                        tracing::info!("listener reconnected; catching up");
                        catch_up(&state).await;
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, "listener lost; reconnecting");
                        break;
                    }
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Delivers whatever was written elsewhere while signals were not heard.
pub async fn catch_up(state: &AppState) {
    // Account and forum changes signalled meanwhile were missed too.
    state.accounts.forget(None);
    state.searches.forget();
    let rt = &state.realtime;
    for chat_id in rt.hub.watched_chats() {
        deliver_chat(state, chat_id).await;
    }
    deliver_desk(state).await;
    reload_settings(state).await;
    rt.outbox_wake.notify_one();
    rt.queue_changed.notify_one();
}

async fn reload_settings(state: &AppState) {
    if let Err(err) = crate::chat::settings::reload(state).await {
        tracing::warn!(error = %err, "reading the chat settings failed");
    }
}

async fn deliver_chat(state: &AppState, chat_id: i64) {
    let after = state.realtime.delivered(chat_id);
    match chats::events_after(&state.db, chat_id, after, 1000).await {
        Ok(rows) => state.realtime.publish_events(&rows),
        Err(err) => tracing::warn!(error = %err, chat_id, "reading events of a signal failed"),
    }
}

async fn deliver_desk(state: &AppState) {
    if !state.realtime.hub.is_watched(Topic::Desk) {
        return;
    }
    let after = state.realtime.desk_delivered();
    match chats::desk_after(&state.db, after, 1000).await {
        Ok(rows) => state.realtime.publish_desk(&rows),
        Err(err) => tracing::warn!(error = %err, "reading the desk feed failed"),
    }
}

async fn on_signal(state: &AppState, payload: &str) {
    let Ok(signal) = serde_json::from_str::<Signal>(payload) else {
        return;
    };
    if signal.instance == *state.instance {
        return;
    }
    let rt = &state.realtime;
    for (chat_id, seq) in &signal.chats {
        if rt.hub.is_watched(Topic::Chat(*chat_id)) && *seq > rt.delivered(*chat_id) {
            deliver_chat(state, *chat_id).await;
        }
    }
    if let Some(seq) = signal.desk {
        if seq > rt.desk_delivered() {
            deliver_desk(state).await;
        }
        rt.queue_changed.notify_one();
    }
    if signal.mail {
        rt.outbox_wake.notify_one();
    }
    if signal.settings {
        reload_settings(state).await;
    }
    for user_id in &signal.accounts {
        state.accounts.forget(Some(*user_id));
    }
    if signal.forum {
        state.searches.forget();
    }
    if signal.presence || signal.settings {
        rt.queue_changed.notify_one();
    }
    if let Some((chat_id, json)) = signal.ephemeral {
        rt.hub.publish(
            Topic::Chat(chat_id),
            Arc::new(Frame::ephemeral(Some(chat_id), json)),
        );
    }
}

/// What a waiting customer was last told.
type Told = (u32, u32, Option<ayuda_types::Eta>);

/// Pushes positions and availability on every change (and at least every second, for
/// waits that grow and connections that lapse); routes automatically when so set.
async fn watch_queue(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let rt = &state.realtime;
    let mut told: HashMap<i64, Told> = HashMap::new();
    let mut rev: u64 = 0;
    let mut last_availability: Option<Availability> = None;
    loop {
        tokio::select! {
            _ = rt.queue_changed.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = shutdown.changed() => return,
        }
        let now = Utc::now();
        if state.chat_settings.get().routing == ChatRouting::Auto {
            crate::chat::moves::route_automatically(&state).await;
        }
        let Ok(queue) = QueueNow::read(&state.db, now).await else {
            continue;
        };
        rev += 1;
        let mut still = HashMap::new();
        for chat in &queue.entries {
            let Some(info) = queue.info(chat.id) else {
                continue;
            };
            let now_told = (info.position, info.queue_len, info.eta);
            if rt.hub.is_watched(Topic::Chat(chat.id)) && told.get(&chat.id) != Some(&now_told) {
                let frame = events::ephemeral(
                    "queue.updated",
                    Some(chat.id),
                    json!({"position": info.position, "queue_len": info.queue_len, "eta": info.eta, "queued_at": info.queued_at, "rev": rev}),
                    now,
                );
                rt.hub.publish(
                    Topic::Chat(chat.id),
                    Arc::new(Frame {
                        customer_only: false,
                        ..Frame::ephemeral(Some(chat.id), events::json_text(&frame))
                    }),
                );
            }
            if rt.hub.is_watched(Topic::Chat(chat.id)) {
                still.insert(chat.id, now_told);
            }
        }
        told = still;
        let Ok(availability) =
            queue::availability(&state.db, &state.chat_settings.get(), &queue, now).await
        else {
            continue;
        };
        if last_availability.as_ref() != Some(&availability) {
            let frame = events::ephemeral("availability", None, json!(availability), now);
            let json = events::json_text(&frame);
            for chat_id in rt.hub.watched_chats() {
                rt.hub.publish(
                    Topic::Chat(chat_id),
                    Arc::new(Frame::ephemeral(Some(chat_id), json.clone())),
                );
            }
            rt.hub
                .publish(Topic::Desk, Arc::new(Frame::ephemeral(None, json.clone())));
            last_availability = Some(availability);
        }
    }
}
