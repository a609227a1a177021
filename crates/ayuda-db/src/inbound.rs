//! Inbound email records (what intake received and what it did with each message) and the
//! people copied on a ticket's email.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::entity::inbound_email::{ActiveModel, Column, Entity};
use crate::entity::{inbound_raw, ticket_participant};

pub use crate::entity::inbound_email::Model as InboundRow;

/// An inbound message to record.
#[derive(Debug, Clone)]
pub struct NewInbound {
    /// `mid:<sha256 of sender and Message-ID>`, or `raw:<sha256 of the bytes>` without one.
    pub dedupe_key: String,
    /// The Message-ID as received.
    pub message_id: Option<String>,
    /// `imap` or `webhook`.
    pub source: String,
    /// Sender address.
    pub from_address: Option<String>,
    /// Sender name.
    pub from_name: Option<String>,
    /// Subject.
    pub subject: String,
    /// What became of it: `ticketed`, `threaded`, `bounce`, `ignored`, `rejected`, `failed`.
    pub outcome: String,
    /// Why, in words an agent understands.
    pub reason: String,
    /// The ticket it opened or joined.
    pub ticket_id: Option<i64>,
    /// The conversation message made from it.
    pub ticket_message_id: Option<i64>,
    /// Whether automatic answers went to the sender.
    pub answered: bool,
    /// Size of the raw message.
    pub raw_size: i64,
    /// The header block.
    pub headers: String,
}

/// Where the bytes of an inbound message are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawBytes<'a> {
    /// In its row.
    Row(&'a [u8]),
    /// In the raw-mail file store, under this SHA-256 (hex); the file is durable already.
    File(&'a str),
}

/// Records an inbound message with its bytes. A unique violation means the same message
/// was taken before.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(
    conn: &impl ConnectionTrait,
    new: NewInbound,
    raw: RawBytes<'_>,
    now: DateTime<Utc>,
) -> Result<InboundRow, DbErr> {
    let row = ActiveModel {
        dedupe_key: Set(new.dedupe_key),
        message_id: Set(new.message_id),
        source: Set(new.source),
        from_address: Set(new.from_address),
        from_name: Set(new.from_name),
        subject: Set(new.subject),
        outcome: Set(new.outcome),
        reason: Set(new.reason),
        ticket_id: Set(new.ticket_id),
        ticket_message_id: Set(new.ticket_message_id),
        answered: Set(new.answered),
        raw_size: Set(new.raw_size),
        headers: Set(new.headers),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let (bytes, sha256) = match raw {
        RawBytes::Row(bytes) => (bytes.to_vec(), None),
        RawBytes::File(sha256) => (Vec::new(), Some(sha256.to_owned())),
    };
    // Inserted without reading it back: `exec`, not `insert` (which would return the bytes).
    inbound_raw::Entity::insert(inbound_raw::ActiveModel {
        inbound_email_id: Set(row.id),
        bytes: Set(bytes),
        sha256: Set(sha256),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(row)
}

/// The stored bytes of an inbound message: the bytes, or the file that holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredRaw {
    /// Kept in the row.
    Row(Vec<u8>),
    /// Kept in the raw-mail file store under this SHA-256.
    File(String),
}

/// The bytes of inbound message `id`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn raw(conn: &impl ConnectionTrait, id: i64) -> Result<Option<StoredRaw>, DbErr> {
    Ok(inbound_raw::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(|r| match r.sha256 {
            Some(sha256) => StoredRaw::File(sha256),
            None => StoredRaw::Row(r.bytes),
        }))
}

/// Which of `hashes` name the bytes of a recorded inbound message (for the file sweep).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn raw_hashes_in_use(
    conn: &impl ConnectionTrait,
    hashes: &[String],
) -> Result<std::collections::HashSet<String>, DbErr> {
    crate::attachments::hashes_in::<inbound_raw::Entity>(conn, inbound_raw::Column::Sha256, hashes)
        .await
}

/// The message recorded under `dedupe_key`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_by_key(
    conn: &impl ConnectionTrait,
    dedupe_key: &str,
) -> Result<Option<InboundRow>, DbErr> {
    Entity::find()
        .filter(Column::DedupeKey.eq(dedupe_key))
        .one(conn)
        .await
}

/// One recorded message.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find(conn: &impl ConnectionTrait, id: i64) -> Result<Option<InboundRow>, DbErr> {
    Entity::find_by_id(id).one(conn).await
}

/// The ticket of the most recent of `message_ids` that we received and made part of a
/// ticket (a reply to someone else's message in the thread).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ticket_of_received(
    conn: &impl ConnectionTrait,
    message_ids: &[String],
) -> Result<Option<i64>, DbErr> {
    if message_ids.is_empty() {
        return Ok(None);
    }
    let rows = Entity::find()
        .filter(Column::MessageId.is_in(message_ids.iter().take(50).cloned()))
        .filter(Column::TicketId.is_not_null())
        .all(conn)
        .await?;
    // Prefer the id the message refers to most directly (the order given).
    Ok(message_ids.iter().find_map(|id| {
        rows.iter()
            .find(|r| r.message_id.as_ref() == Some(id))
            .and_then(|r| r.ticket_id)
    }))
}

/// The records behind conversation messages (email replies), for one page of replies.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn of_messages(
    conn: &impl ConnectionTrait,
    message_ids: &[i64],
) -> Result<Vec<InboundRow>, DbErr> {
    if message_ids.is_empty() {
        return Ok(Vec::new());
    }
    Entity::find()
        .filter(Column::TicketMessageId.is_in(message_ids.iter().copied()))
        .all(conn)
        .await
}

/// A page of received mail, newest first, optionally of one outcome.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    conn: &impl ConnectionTrait,
    outcome: Option<&str>,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<InboundRow>, DbErr> {
    let mut query = Entity::find();
    if let Some(outcome) = outcome {
        query = query.filter(Column::Outcome.eq(outcome));
    }
    if let Some(before) = before {
        query = query.filter(Column::Id.lt(before));
    }
    query
        .order_by_desc(Column::Id)
        .limit(limit + 1)
        .all(conn)
        .await
}

/// Adds people copied on a ticket's email (already known ones are kept).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add_participants(
    conn: &impl ConnectionTrait,
    ticket_id: i64,
    emails: &[String],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if emails.is_empty() {
        return Ok(());
    }
    let rows = emails.iter().map(|email| ticket_participant::ActiveModel {
        ticket_id: Set(ticket_id),
        email: Set(email.clone()),
        created_at: Set(now),
    });
    ticket_participant::Entity::insert_many(rows)
        .on_conflict_do_nothing()
        .exec(conn)
        .await
        .map(|_| ())
}

/// Whether `email` was copied on ticket `ticket_id`'s email.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn is_participant(
    conn: &impl ConnectionTrait,
    ticket_id: i64,
    email: &str,
) -> Result<bool, DbErr> {
    Ok(
        ticket_participant::Entity::find_by_id((ticket_id, email.to_owned()))
            .one(conn)
            .await?
            .is_some(),
    )
}
