//! How stored chat events look on the wire (`CHAT.md`, "WebSocket"): one shape for the
//! snapshot's `events` and the socket's frames.

use ayuda_db::chats::{DeskRow, EventRow};
use ayuda_types::{ChatEvent, EVENT_VERSION};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// Kinds of stored events.
pub mod kind {
    /// A message of the customer, an agent, the bot or Ayuda.
    pub const MESSAGE: &str = "message.created";
    /// State, bot, queue or owner changed.
    pub const STATE: &str = "state.changed";
    /// An agent took the chat.
    pub const AGENT_JOINED: &str = "agent.joined";
    /// The agent let it go.
    pub const AGENT_LEFT: &str = "agent.left";
    /// It became a ticket.
    pub const TICKET: &str = "ticket.created";
    /// Someone read up to a `seq`.
    pub const READ: &str = "read";
    /// It closed.
    pub const CLOSED: &str = "chat.closed";
    /// What a customer gets instead of an internal note: the `seq` without the note.
    pub const HIDDEN: &str = "hidden";
}

/// A stored event as staff see it; `for_customer` hides internal notes behind a `hidden`
/// event that keeps the sequence gapless.
pub fn to_wire(row: &EventRow, for_customer: bool) -> ChatEvent {
    let mut data: Value = serde_json::from_str(&row.data).unwrap_or_else(|_| json!({}));
    if row.internal && for_customer {
        return ChatEvent {
            v: EVENT_VERSION,
            kind: kind::HIDDEN.to_owned(),
            chat_id: Some(row.chat_id),
            seq: Some(row.seq),
            feed_seq: None,
            ts: row.created_at,
            data: json!({}),
        };
    }
    if row.kind == kind::MESSAGE
        && let Some(obj) = data.as_object_mut()
    {
        obj.insert(
            "author".into(),
            json!({
                "kind": row.author_kind,
                "id": row.author_id,
                "name": row.author_name,
            }),
        );
        obj.insert("body".into(), json!(row.body.clone().unwrap_or_default()));
        obj.insert(
            "body_html".into(),
            json!(row.body_html.clone().unwrap_or_default()),
        );
        obj.insert("client_msg_id".into(), json!(row.client_msg_id));
        obj.insert("internal".into(), json!(row.internal));
    }
    ChatEvent {
        v: EVENT_VERSION,
        kind: row.kind.clone(),
        chat_id: Some(row.chat_id),
        seq: Some(row.seq),
        feed_seq: None,
        ts: row.created_at,
        data,
    }
}

/// A desk feed entry on the agent socket.
pub fn desk_to_wire(row: &DeskRow) -> ChatEvent {
    ChatEvent {
        v: EVENT_VERSION,
        kind: row.kind.clone(),
        chat_id: row.chat_id,
        seq: None,
        feed_seq: Some(row.seq),
        ts: row.created_at,
        data: serde_json::from_str(&row.data).unwrap_or_else(|_| json!({})),
    }
}

/// An ephemeral event (no `seq`).
pub fn ephemeral(kind: &str, chat_id: Option<i64>, data: Value, now: DateTime<Utc>) -> ChatEvent {
    ChatEvent {
        v: EVENT_VERSION,
        kind: kind.to_owned(),
        chat_id,
        seq: None,
        feed_seq: None,
        ts: now,
        data,
    }
}

/// The event as JSON text.
pub fn json_text(event: &ChatEvent) -> String {
    serde_json::to_string(event).unwrap_or_else(|_| "{}".to_owned())
}
