//! The transactional outbox of outbound email (SPEC section 7).
//!
//! [`enqueue`] runs inside the transaction of the change that causes the email, so the email
//! exists if and only if the change committed. Workers [`claim`] due messages in batches with a
//! short lease (`locked_until`, renewed while the batch is being sent) that names the instance
//! holding it (`locked_by`), which makes several server instances on one database safe: a
//! message is worked by one instance at a time, and the leases of an instance that stopped
//! beating ([`crate::instances`]) are free at once.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set, UpdateMany,
};

use crate::entity::outbox_email::{ActiveModel, Column, Entity};

pub use crate::entity::outbox_email::Model as OutboxEmail;

/// Waiting to be delivered.
pub const QUEUED: &str = "queued";
/// Delivered to the SMTP server.
pub const SENT: &str = "sent";
/// Given up after too many attempts.
pub const FAILED: &str = "failed";

/// An email to store in the outbox.
#[derive(Debug, Clone)]
pub struct NewEmail {
    /// What kind of email (`welcome`, `invitation`, `password_reset`, ...), for metrics and logs.
    pub kind: String,
    /// Recipient address.
    pub to_address: String,
    /// Recipient display name.
    pub to_name: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text_body: String,
    /// HTML body.
    pub html_body: String,
    /// `Message-ID` without angle brackets; fixed at enqueue time so a resend is recognisable.
    pub message_id: String,
    /// `In-Reply-To`, for threading.
    pub in_reply_to: Option<String>,
    /// `References`, for threading.
    pub references: Option<String>,
    /// `Reply-To` address.
    pub reply_to: Option<String>,
    /// Sent on nobody's authority but the address itself (a registration, a reset request,
    /// an answer to inbound mail): counted against the recipient's cap.
    pub automatic: bool,
}

/// Stores an email for delivery.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn enqueue(
    conn: &impl ConnectionTrait,
    email: NewEmail,
    now: DateTime<Utc>,
) -> Result<OutboxEmail, DbErr> {
    ActiveModel {
        kind: Set(email.kind),
        to_address: Set(email.to_address),
        to_name: Set(email.to_name),
        subject: Set(email.subject),
        text_body: Set(email.text_body),
        html_body: Set(email.html_body),
        message_id: Set(email.message_id),
        in_reply_to: Set(email.in_reply_to),
        references: Set(email.references),
        reply_to: Set(email.reply_to),
        automatic: Set(email.automatic),
        status: Set(QUEUED.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        locked_by: Set(None),
        last_error: Set(None),
        logged_at: Set(None),
        sent_at: Set(None),
        bounced_at: Set(None),
        bounce_reason: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
}

/// How a worker leases mail.
#[derive(Debug, Clone, Copy)]
pub struct Lease<'a> {
    /// The instance taking the lease.
    pub holder: &'a str,
    /// How long the lease lasts unless renewed.
    pub length: Duration,
}

/// How many automatic emails went to `address` since `since`. On PostgreSQL the caller's
/// transaction first takes a lock on the address, so concurrent requests for one recipient
/// count one after another and the cap holds across instances (SQLite's single writer
/// already serialises them).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn automatic_since(
    conn: &impl ConnectionTrait,
    address: &str,
    since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    if conn.get_database_backend() == sea_orm::DbBackend::Postgres {
        conn.execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtext('ayuda-mail-cap:' || $1))::text",
            [address.into()],
        ))
        .await?;
    }
    Entity::find()
        .filter(Column::ToAddress.eq(address))
        .filter(Column::CreatedAt.gte(since))
        .filter(Column::Automatic.eq(true))
        .count(conn)
        .await
}

/// Leases up to `limit` due messages, oldest due first; empty when nothing is due. A message
/// is free when nobody leases it, its lease ran out, or its holder is no longer alive.
///
/// One statement (an `UPDATE ... WHERE id IN (due ids) RETURNING *`), so a busy outbox costs
/// one commit per batch rather than one per message. The lease condition is checked again by
/// the `UPDATE` itself, so two instances racing for the same rows never both get one.
///
/// With `unlogged_only`, only messages not yet written to the log qualify (the worker's mode
/// when no SMTP server is configured: messages stay queued but are logged once).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn claim(
    conn: &impl ConnectionTrait,
    lease: Lease<'_>,
    now: DateTime<Utc>,
    unlogged_only: bool,
    limit: u64,
) -> Result<Vec<OutboxEmail>, DbErr> {
    let free = Condition::any()
        .add(Column::LockedUntil.is_null())
        .add(Column::LockedUntil.lt(now))
        .add(Column::LockedBy.not_in_subquery(crate::instances::alive(now)));
    let mut due = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::Status.eq(QUEUED))
        .filter(Column::NextAttemptAt.lte(now))
        .filter(free.clone());
    if unlogged_only {
        due = due.filter(Column::LoggedAt.is_null());
    }
    let due = due
        .order_by_asc(Column::NextAttemptAt)
        .limit(limit)
        .into_query();
    let mut leased = Entity::update_many()
        .col_expr(Column::LockedUntil, Expr::value(now + lease.length))
        .col_expr(Column::LockedBy, Expr::value(lease.holder))
        .filter(Column::Id.in_subquery(due))
        .filter(free)
        .exec_with_returning(conn)
        .await?;
    leased.sort_by_key(|m| (m.next_attempt_at, m.id));
    Ok(leased)
}

/// Marks messages delivered.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn mark_sent(
    conn: &impl ConnectionTrait,
    ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    update_many(conn, ids, |q| {
        q.col_expr(Column::Status, Expr::value(SENT))
            .col_expr(Column::SentAt, Expr::value(Some(now)))
            .col_expr(Column::LastError, Expr::value(Option::<String>::None))
    })
    .await
}

/// Extends the lease on messages `ids` still held by `lease.holder`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn renew(
    conn: &impl ConnectionTrait,
    ids: &[i64],
    lease: Lease<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    Entity::update_many()
        .col_expr(Column::LockedUntil, Expr::value(now + lease.length))
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(Column::LockedBy.eq(lease.holder))
        .filter(Column::Status.eq(QUEUED))
        .exec(conn)
        .await
        .map(|_| ())
}

/// Gives leased messages back without an attempt (the worker is stopping).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn release(conn: &impl ConnectionTrait, ids: &[i64]) -> Result<(), DbErr> {
    update_many(conn, ids, |q| q).await
}

/// Records a failed attempt: retried at `retry_at`, or given up when `retry_at` is `None`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn mark_failed(
    conn: &impl ConnectionTrait,
    message: &OutboxEmail,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    let attempts = message.attempts + 1;
    let error = error.chars().take(2000).collect::<String>();
    update(conn, message.id, |m| {
        m.attempts = Set(attempts);
        m.last_error = Set(Some(error));
        m.locked_until = Set(None);
        m.locked_by = Set(None);
        match retry_at {
            Some(at) => m.next_attempt_at = Set(at),
            None => m.status = Set(FAILED.to_owned()),
        }
    })
    .await
}

/// Marks messages as written to the log (no SMTP configured); they stay queued.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn mark_logged(
    conn: &impl ConnectionTrait,
    ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    update_many(conn, ids, |q| {
        q.col_expr(Column::LoggedAt, Expr::value(Some(now)))
    })
    .await
}

/// The stored email with this `Message-ID`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_by_message_id(
    conn: &impl ConnectionTrait,
    message_id: &str,
) -> Result<Option<OutboxEmail>, DbErr> {
    Entity::find()
        .filter(Column::MessageId.eq(message_id))
        .one(conn)
        .await
}

/// Messages still waiting for delivery.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn queued_count(conn: &impl ConnectionTrait) -> Result<u64, DbErr> {
    Entity::find()
        .filter(Column::Status.eq(QUEUED))
        .count(conn)
        .await
}

/// Drops queued mail to addresses ending in `suffix` (the demo's invented domain, which no
/// server would accept); returns how many.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn discard_queued_to(conn: &impl ConnectionTrait, suffix: &str) -> Result<u64, DbErr> {
    Ok(Entity::delete_many()
        .filter(Column::Status.eq(QUEUED))
        .filter(Column::ToAddress.ends_with(suffix))
        .exec(conn)
        .await?
        .rows_affected)
}

#[tracing::instrument(level = "debug", skip_all)]
async fn update(
    conn: &impl ConnectionTrait,
    id: i64,
    change: impl FnOnce(&mut ActiveModel),
) -> Result<(), DbErr> {
    let mut model = ActiveModel {
        id: ActiveValue::Unchanged(id),
        ..Default::default()
    };
    change(&mut model);
    model.update(conn).await.map(|_| ())
}

/// Applies `change` to the messages `ids` and ends their lease, in one statement.
#[tracing::instrument(level = "debug", skip_all)]
async fn update_many(
    conn: &impl ConnectionTrait,
    ids: &[i64],
    change: impl FnOnce(UpdateMany<Entity>) -> UpdateMany<Entity>,
) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    change(Entity::update_many())
        .col_expr(
            Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(Column::LockedBy, Expr::value(Option::<String>::None))
        .filter(Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await
        .map(|_| ())
}

/// Records that the message with `message_id` bounced; `false` when no such message was
/// sent by us (a bounce of something else, or of a message already cleaned up).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn mark_bounced(
    conn: &impl ConnectionTrait,
    message_id: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let reason = reason.chars().take(2000).collect::<String>();
    let done = Entity::update_many()
        .col_expr(Column::BouncedAt, Expr::value(Some(now)))
        .col_expr(Column::BounceReason, Expr::value(Some(reason)))
        .filter(Column::MessageId.eq(message_id))
        .exec(conn)
        .await?;
    Ok(done.rows_affected > 0)
}
