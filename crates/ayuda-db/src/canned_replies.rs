//! Canned replies: an agent's own and the shared ones (no owner), listed by title.

use ayuda_types::Locale;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, Set,
};

use crate::entity::canned_reply::{ActiveModel, Column, Entity, Model};
use crate::sql::Sql;

pub use crate::entity::canned_reply::Model as CannedReplyRow;

/// A canned reply with its owner's name, read in one query.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct CannedReplyView {
    pub id: i64,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub locale: String,
    pub title: String,
    pub body: String,
    pub updated_at: DateTime<Utc>,
}

const VIEW_SELECT: &str = "SELECT c.id, c.owner_id, u.name AS owner_name, c.locale, c.title, \
     c.body, c.updated_at FROM canned_replies c LEFT JOIN users u ON u.id = c.owner_id";

/// The replies `user_id` may use: the shared ones and their own, by title (a handful per
/// agent, read whole; the (owner_id, title) index serves both halves).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn usable_by(
    conn: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<CannedReplyView>, DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        &format!("{VIEW_SELECT} WHERE c.owner_id IS NULL OR c.owner_id = "),
    );
    sql.bind(user_id).push(" ORDER BY c.title, c.id");
    CannedReplyView::find_by_statement(sql.build())
        .all(conn)
        .await
}

/// One reply with its owner's name.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_view(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<CannedReplyView>, DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        &format!("{VIEW_SELECT} WHERE c.id = "),
    );
    sql.bind(id);
    CannedReplyView::find_by_statement(sql.build())
        .one(conn)
        .await
}

/// One reply, if `user_id` may use it (shared, or theirs).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_usable(
    conn: &impl ConnectionTrait,
    id: i64,
    user_id: i64,
) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id)
        .filter(
            Condition::any()
                .add(Column::OwnerId.is_null())
                .add(Column::OwnerId.eq(user_id)),
        )
        .one(conn)
        .await
}

/// A reply to store; `owner_id: None` shares it.
#[derive(Debug, Clone)]
pub struct NewCannedReply {
    pub owner_id: Option<i64>,
    pub locale: Locale,
    pub title: String,
    pub body: String,
}

/// Stores a reply.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(
    conn: &impl ConnectionTrait,
    new: NewCannedReply,
    now: DateTime<Utc>,
) -> Result<Model, DbErr> {
    ActiveModel {
        owner_id: Set(new.owner_id),
        locale: Set(new.locale.as_str().to_owned()),
        title: Set(new.title),
        body: Set(new.body),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
}

/// Changes title, body and language where given.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(
    conn: &impl ConnectionTrait,
    row: Model,
    title: Option<String>,
    body: Option<String>,
    locale: Option<Locale>,
    now: DateTime<Utc>,
) -> Result<Model, DbErr> {
    let mut active: ActiveModel = row.into();
    if let Some(title) = title {
        active.title = Set(title);
    }
    if let Some(body) = body {
        active.body = Set(body);
    }
    if let Some(locale) = locale {
        active.locale = Set(locale.as_str().to_owned());
    }
    active.updated_at = Set(now);
    active.update(conn).await
}

/// Deletes a reply.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(conn: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    Entity::delete_by_id(id).exec(conn).await.map(|_| ())
}
