//! Running server instances and their heartbeats.
//!
//! Work that an instance leases (outbox mail, later chat timers) names the instance; once
//! an instance stops beating, what it held is free at once instead of when its lease runs
//! out. On SQLite only one instance runs, so one that starts forgets every other.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, OnConflict, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, Set};

use crate::entity::server_instance::{ActiveModel, Column, Entity};

/// An instance that has not beaten for this long is gone.
pub const GONE_AFTER: Duration = Duration::seconds(30);

/// Registers instance `id`, running on `node` (host and listen address), as alive. A
/// predecessor on the same node is gone (two cannot listen on one address), and on SQLite,
/// where only one instance can run, so is every other: their leases are free at once.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn start(
    conn: &impl ConnectionTrait,
    id: &str,
    node: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut gone = Entity::delete_many().filter(Column::Id.ne(id));
    if conn.get_database_backend() != DbBackend::Sqlite {
        gone = gone.filter(Column::Node.eq(node));
    }
    gone.exec(conn).await?;
    Entity::insert(ActiveModel {
        id: Set(id.to_owned()),
        node: Set(node.to_owned()),
        started_at: Set(now),
        heartbeat_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(Column::Id)
            .update_column(Column::HeartbeatAt)
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await
    .map(|_| ())
}

/// Records that instance `id` (on `node`) is alive now; also forgets instances long gone.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn beat(
    conn: &impl ConnectionTrait,
    id: &str,
    node: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let done = Entity::update_many()
        .col_expr(Column::HeartbeatAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .exec(conn)
        .await?;
    if done.rows_affected == 0 {
        // Forgotten (a long pause, or the row was removed): register again.
        start(conn, id, node, now).await?;
    }
    Entity::delete_many()
        .filter(Column::HeartbeatAt.lt(now - GONE_AFTER * 10))
        .exec(conn)
        .await
        .map(|_| ())
}

/// Removes instance `id` (a clean stop).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn stop(conn: &impl ConnectionTrait, id: &str) -> Result<(), DbErr> {
    Entity::delete_by_id(id.to_owned())
        .exec(conn)
        .await
        .map(|_| ())
}

/// The ids of instances alive at `now`, as a subquery for lease conditions.
pub(crate) fn alive(now: DateTime<Utc>) -> SelectStatement {
    Query::select()
        .column(Column::Id)
        .from(Entity)
        .and_where(Column::HeartbeatAt.gte(now - GONE_AFTER))
        .to_owned()
}
