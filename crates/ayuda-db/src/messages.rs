//! The conversation of a ticket: its description, public replies and internal notes.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, FromQueryResult, Set};

use crate::entity::ticket_message::ActiveModel;
use crate::sql::Sql;

pub use crate::entity::ticket_message::Model as MessageRow;

/// A message to store.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Ticket number.
    pub ticket_id: i64,
    /// Who wrote it.
    pub author_id: i64,
    /// Markdown as written.
    pub body: String,
    /// Sanitized HTML rendering of `body`.
    pub body_html: String,
    /// Agents-only note.
    pub internal: bool,
    /// `web`, `email`, `chat` or `api`.
    pub channel: String,
}

/// A message with its author's name and role, read in one query.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct MessageView {
    pub id: i64,
    pub ticket_id: i64,
    pub author_id: i64,
    pub body: String,
    pub body_html: String,
    pub internal: bool,
    pub channel: String,
    pub created_at: DateTime<Utc>,
    pub author_name: String,
    pub author_role: String,
}

const VIEW_SELECT: &str = "SELECT m.id, m.ticket_id, m.author_id, m.body, m.body_html, \
     m.internal, m.channel, m.created_at, u.name AS author_name, u.role AS author_role \
     FROM ticket_messages m JOIN users u ON u.id = m.author_id";

/// Stores a message.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(
    conn: &impl ConnectionTrait,
    new: NewMessage,
    now: DateTime<Utc>,
) -> Result<MessageRow, DbErr> {
    ActiveModel {
        ticket_id: Set(new.ticket_id),
        author_id: Set(new.author_id),
        body: Set(new.body),
        body_html: Set(new.body_html),
        internal: Set(new.internal),
        channel: Set(new.channel),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
}

/// One message with its author.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_view(conn: &impl ConnectionTrait, id: i64) -> Result<Option<MessageView>, DbErr> {
    let mut sql = Sql::new(conn.get_database_backend(), VIEW_SELECT);
    sql.push(" WHERE m.id = ").bind(id);
    MessageView::find_by_statement(sql.build()).one(conn).await
}

/// A page of a ticket's conversation, oldest first, after message `after`; `limit + 1` rows.
/// Internal notes only with `include_internal`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    conn: &impl ConnectionTrait,
    ticket_id: i64,
    include_internal: bool,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<MessageView>, DbErr> {
    let mut sql = Sql::new(conn.get_database_backend(), VIEW_SELECT);
    sql.push(" WHERE m.ticket_id = ").bind(ticket_id);
    if !include_internal {
        sql.push(" AND m.internal = ").bind(false);
    }
    if let Some(after) = after {
        sql.push(" AND m.id > ").bind(after);
    }
    sql.push(" ORDER BY m.id ASC LIMIT ")
        .bind(i64::try_from(limit + 1).unwrap_or(i64::MAX));
    MessageView::find_by_statement(sql.build()).all(conn).await
}
