//! Who has a ticket open: each staff member's browser says so every few seconds, and
//! others on the same ticket are shown ("Tom is viewing / replying"). Shared through the
//! database, so it works across instances.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, Set,
};

use crate::entity::ticket_viewer::{ActiveModel, Column, Entity};
use crate::sql::Sql;

/// Someone else on a ticket.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct ViewerView {
    pub user_id: i64,
    pub name: String,
    pub replying: bool,
    pub seen_at: DateTime<Utc>,
}

/// Records that `user_id` has ticket `ticket_id` open (and whether they are writing), and
/// forgets viewers of it gone for longer than `forget_before`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn seen(
    conn: &impl ConnectionTrait,
    ticket_id: i64,
    user_id: i64,
    replying: bool,
    now: DateTime<Utc>,
    forget_before: DateTime<Utc>,
) -> Result<(), DbErr> {
    Entity::insert(ActiveModel {
        ticket_id: Set(ticket_id),
        user_id: Set(user_id),
        replying: Set(replying),
        seen_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([Column::TicketId, Column::UserId])
            .update_columns([Column::Replying, Column::SeenAt])
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Entity::delete_many()
        .filter(Column::TicketId.eq(ticket_id))
        .filter(Column::SeenAt.lt(forget_before))
        .exec(conn)
        .await
        .map(|_| ())
}

/// The others seen on the ticket since `since`, by name.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn others(
    conn: &impl ConnectionTrait,
    ticket_id: i64,
    user_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<ViewerView>, DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "SELECT v.user_id, u.name, v.replying, v.seen_at FROM ticket_viewers v \
         JOIN users u ON u.id = v.user_id WHERE v.ticket_id = ",
    );
    sql.bind(ticket_id)
        .push(" AND v.user_id <> ")
        .bind(user_id)
        .push(" AND v.seen_at >= ")
        .bind(since)
        .push(" ORDER BY u.name, v.user_id");
    ViewerView::find_by_statement(sql.build()).all(conn).await
}

/// `user_id` closed the ticket.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn left(conn: &impl ConnectionTrait, ticket_id: i64, user_id: i64) -> Result<(), DbErr> {
    Entity::delete_many()
        .filter(Column::TicketId.eq(ticket_id))
        .filter(Column::UserId.eq(user_id))
        .exec(conn)
        .await
        .map(|_| ())
}
