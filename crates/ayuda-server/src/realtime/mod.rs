//! Real time: the in-process hub that fans events out to this instance's sockets, the
//! signal that carries "something was written" to the other instances (PostgreSQL
//! `LISTEN/NOTIFY`, ids only), and the WebSocket sessions.
//!
//! A write stores its events and, in the same transaction, notifies with ids; after the
//! commit the writer publishes to its own sockets at once. Every other instance reads the
//! events named by the notification from the database (the source of truth) and publishes
//! them to its sockets. On SQLite there is one instance and the signal is a no-op.

pub mod hub;
pub mod listener;
pub mod socket;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ayuda_db::chats::{DeskRow, EventRow};
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

pub use hub::{Frame, Hub, Topic};

use crate::chat::events;

/// The channel every instance listens on.
pub const CHANNEL: &str = "ayuda_events";

/// What one write tells the other instances: ids only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    /// The writing instance (it has delivered already).
    #[serde(rename = "i")]
    pub instance: String,
    /// Chats with new events, and the last new `seq` of each.
    #[serde(rename = "c", default, skip_serializing_if = "Vec::is_empty")]
    pub chats: Vec<(i64, i64)>,
    /// The last new desk feed `seq`.
    #[serde(rename = "d", default, skip_serializing_if = "Option::is_none")]
    pub desk: Option<i64>,
    /// Mail was queued: outbox workers, wake up.
    #[serde(rename = "m", default, skip_serializing_if = "std::ops::Not::not")]
    pub mail: bool,
    /// An ephemeral frame for a chat's sockets (typing): the chat and the JSON.
    #[serde(rename = "e", default, skip_serializing_if = "Option::is_none")]
    pub ephemeral: Option<(i64, String)>,
    /// Presence or capacity changed: recompute availability.
    #[serde(rename = "p", default, skip_serializing_if = "std::ops::Not::not")]
    pub presence: bool,
    /// An admin changed the chat settings: read them again.
    #[serde(rename = "s", default, skip_serializing_if = "std::ops::Not::not")]
    pub settings: bool,
    /// These users' accounts or sessions changed: forget what is cached of them.
    #[serde(rename = "u", default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<i64>,
    /// The forum was written: forget cached search results.
    #[serde(rename = "f", default, skip_serializing_if = "std::ops::Not::not")]
    pub forum: bool,
}

/// Real-time state shared by handlers, sockets and workers.
pub struct Realtime {
    /// This instance's sockets and their topics.
    pub hub: Hub,
    /// Poked when the queue or availability may have changed (positions are recomputed).
    pub queue_changed: Notify,
    /// Poked when mail was queued here or elsewhere.
    pub outbox_wake: Arc<Notify>,
    /// The last `seq` this instance delivered of each chat it watches, and of the desk.
    delivered: Mutex<Delivered>,
    /// Agents with a console socket here, and how many.
    agents: Mutex<HashMap<i64, usize>>,
    /// Turns true when the server is stopping: sockets close with 1012.
    pub shutdown: tokio::sync::watch::Sender<bool>,
}

#[derive(Default)]
struct Delivered {
    chats: HashMap<i64, i64>,
    desk: i64,
}

impl Realtime {
    /// Fresh state; `outbox_wake` is the outbox worker's.
    pub fn new(outbox_wake: Arc<Notify>) -> Self {
        Realtime {
            hub: Hub::default(),
            queue_changed: Notify::new(),
            outbox_wake,
            delivered: Mutex::default(),
            agents: Mutex::default(),
            shutdown: tokio::sync::watch::channel(false).0,
        }
    }

    /// Delivers stored chat events to this instance's sockets.
    pub fn publish_events(&self, rows: &[EventRow]) {
        let now = std::time::Instant::now();
        for row in rows {
            let staff = events::json_text(&events::to_wire(row, false));
            let customer = row
                .internal
                .then(|| Arc::from(events::json_text(&events::to_wire(row, true))));
            self.note_delivered(row.chat_id, row.seq);
            self.hub.publish(
                Topic::Chat(row.chat_id),
                Arc::new(Frame {
                    chat_id: Some(row.chat_id),
                    seq: Some(row.seq),
                    feed_seq: None,
                    staff: staff.into(),
                    customer,
                    customer_only: false,
                    stored_at: Some(now),
                }),
            );
        }
    }

    /// Delivers desk feed entries to the agents' sockets here.
    pub fn publish_desk(&self, rows: &[DeskRow]) {
        for row in rows {
            {
                let mut d = self.lock_delivered();
                d.desk = d.desk.max(row.seq);
            }
            let json = events::json_text(&events::desk_to_wire(row));
            self.hub.publish(
                Topic::Desk,
                Arc::new(Frame {
                    chat_id: row.chat_id,
                    seq: None,
                    feed_seq: Some(row.seq),
                    staff: json.into(),
                    customer: None,
                    customer_only: false,
                    stored_at: None,
                }),
            );
        }
        if !rows.is_empty() {
            self.queue_changed.notify_one();
        }
    }

    /// Records that this instance has delivered chat `chat_id` up to `seq` (a socket's
    /// replay counts too), so a listener catching up starts there.
    pub fn note_delivered(&self, chat_id: i64, seq: i64) {
        let mut d = self.lock_delivered();
        let known = d.chats.entry(chat_id).or_insert(0);
        *known = (*known).max(seq);
    }

    /// Where delivery of `chat_id` stands here (0: nothing yet).
    pub fn delivered(&self, chat_id: i64) -> i64 {
        self.lock_delivered()
            .chats
            .get(&chat_id)
            .copied()
            .unwrap_or(0)
    }

    /// Where delivery of the desk feed stands here.
    pub fn desk_delivered(&self) -> i64 {
        self.lock_delivered().desk
    }

    /// Forgets chats nobody here watches any more.
    pub fn forget_unwatched(&self) {
        let watched: std::collections::HashSet<i64> =
            self.hub.watched_chats().into_iter().collect();
        self.lock_delivered()
            .chats
            .retain(|id, _| watched.contains(id));
    }

    /// An agent's console connected here; true when it is their first here.
    pub fn agent_connected(&self, user_id: i64) -> bool {
        let mut agents = self.lock_agents();
        let n = agents.entry(user_id).or_insert(0);
        *n += 1;
        *n == 1
    }

    /// An agent's console closed here; true when it was their last here.
    pub fn agent_disconnected(&self, user_id: i64) -> bool {
        let mut agents = self.lock_agents();
        match agents.get_mut(&user_id) {
            Some(n) if *n > 1 => {
                *n -= 1;
                false
            }
            Some(_) => {
                agents.remove(&user_id);
                true
            }
            None => false,
        }
    }

    /// Agents with a console here.
    pub fn connected_agents(&self) -> Vec<i64> {
        self.lock_agents().keys().copied().collect()
    }

    fn lock_delivered(&self) -> std::sync::MutexGuard<'_, Delivered> {
        self.delivered.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_agents(&self) -> std::sync::MutexGuard<'_, HashMap<i64, usize>> {
        self.agents.lock().unwrap_or_else(|e| e.into_inner())
    }
}
