//! One chat write: a transaction that stores events and desk entries, signals the other
//! instances in the same transaction, and after the commit delivers to this instance's
//! sockets and wakes whoever has work (the outbox, the queue watcher).

use ayuda_db::chats::{self, DeskRow, EventRow, NewEvent};
use ayuda_db::{DbErr, WriteTxn};
use ayuda_domain::markdown;
use ayuda_types::AuthorKind;
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::error::ApiResult;
use crate::realtime::{CHANNEL, Signal};
use crate::state::AppState;

use super::events::kind;

/// Who wrote a message.
#[derive(Debug, Clone)]
pub struct Author {
    /// Customer, agent, bot or system.
    pub kind: AuthorKind,
    /// The user, for customers and agents.
    pub id: Option<i64>,
    /// Their name, as the event shows it.
    pub name: Option<String>,
}

impl Author {
    /// The keyword bot.
    pub fn bot() -> Self {
        Author {
            kind: AuthorKind::Bot,
            id: None,
            name: None,
        }
    }

    /// Ayuda itself.
    pub fn system() -> Self {
        Author {
            kind: AuthorKind::System,
            id: None,
            name: None,
        }
    }
}

/// An open chat write.
pub struct ChatWrite {
    /// The transaction; repository calls take it.
    pub txn: WriteTxn,
    /// When this write happens.
    pub now: DateTime<Utc>,
    events: Vec<EventRow>,
    desk: Vec<DeskRow>,
    mail: bool,
    presence: bool,
    settings: bool,
}

impl ChatWrite {
    /// Begins a write transaction.
    pub async fn begin(state: &AppState) -> Result<Self, DbErr> {
        Ok(ChatWrite {
            txn: state.writer.begin().await?,
            now: Utc::now(),
            events: Vec::new(),
            desk: Vec::new(),
            mail: false,
            presence: false,
            settings: false,
        })
    }

    /// Stores an event with the chat's next `seq`.
    pub async fn event(&mut self, chat_id: i64, event: NewEvent) -> Result<EventRow, DbErr> {
        let row = chats::append(&self.txn, chat_id, event, self.now).await?;
        self.events.push(row.clone());
        Ok(row)
    }

    /// Stores a non-message event with its data.
    pub async fn fact(
        &mut self,
        chat_id: i64,
        event_kind: &'static str,
        data: Value,
    ) -> Result<EventRow, DbErr> {
        self.event(
            chat_id,
            NewEvent {
                kind: event_kind,
                data: data.to_string(),
                ..NewEvent::default()
            },
        )
        .await
    }

    /// Stores a message (Markdown, rendered and sanitized here).
    pub async fn message(
        &mut self,
        chat_id: i64,
        author: &Author,
        body: &str,
        data: Value,
        client_msg_id: Option<String>,
        internal: bool,
    ) -> Result<EventRow, DbErr> {
        metrics::counter!("ayuda_chat_messages_total", "author" => author.kind.as_str())
            .increment(1);
        self.event(
            chat_id,
            NewEvent {
                kind: kind::MESSAGE,
                author_kind: Some(author.kind.as_str()),
                author_id: author.id,
                author_name: author.name.clone(),
                body: Some(body.to_owned()),
                body_html: Some(markdown::render(body)),
                data: data.to_string(),
                client_msg_id,
                internal,
            },
        )
        .await
    }

    /// Appends to the agents' desk feed.
    pub async fn desk(
        &mut self,
        desk_kind: &'static str,
        chat_id: Option<i64>,
        data: Value,
    ) -> Result<(), DbErr> {
        let row =
            chats::append_desk(&self.txn, desk_kind, chat_id, data.to_string(), self.now).await?;
        self.desk.push(row);
        Ok(())
    }

    /// Mail was queued in this write.
    pub fn mailed(&mut self) {
        self.mail = true;
    }

    /// Presence or capacity changed in this write.
    pub fn presence_changed(&mut self) {
        self.presence = true;
    }

    /// The chat settings changed in this write.
    pub fn settings_changed(&mut self) {
        self.settings = true;
    }

    /// Signals, commits, then delivers here; returns the stored events.
    pub async fn commit(self, state: &AppState) -> ApiResult<Vec<EventRow>> {
        let mut chats_seen: Vec<(i64, i64)> = Vec::new();
        for e in &self.events {
            match chats_seen.iter_mut().find(|(id, _)| *id == e.chat_id) {
                Some(entry) => entry.1 = entry.1.max(e.seq),
                None => chats_seen.push((e.chat_id, e.seq)),
            }
        }
        let signal = Signal {
            instance: state.instance.to_string(),
            chats: chats_seen,
            desk: self.desk.last().map(|d| d.seq),
            mail: self.mail,
            ephemeral: None,
            presence: self.presence,
            settings: self.settings,
            accounts: Vec::new(),
            forum: false,
        };
        if signal
            != (Signal {
                instance: signal.instance.clone(),
                ..Signal::default()
            })
        {
            let payload = serde_json::to_string(&signal).unwrap_or_default();
            chats::notify(&self.txn, CHANNEL, &payload).await?;
        }
        self.txn.commit().await?;
        let rt = &state.realtime;
        rt.publish_events(&self.events);
        rt.publish_desk(&self.desk);
        if self.mail {
            rt.outbox_wake.notify_one();
        }
        if self.presence || self.settings {
            rt.queue_changed.notify_one();
        }
        Ok(self.events)
    }
}
