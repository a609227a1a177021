//! The chat bot's keyword tree: per language, each node has a keyword and aliases, an
//! answer, optional forum articles, and child nodes offered after its answer.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};

use crate::sql::Sql;

/// A stored keyword node. `aliases` and `article_ids` are JSON arrays.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct KeywordRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub locale: String,
    pub keyword: String,
    pub aliases: String,
    pub response: String,
    pub response_html: String,
    pub article_ids: String,
    pub position: i32,
}

const SELECT: &str = "SELECT id, parent_id, locale, keyword, aliases, response, response_html, \
     article_ids, position FROM bot_keywords";

/// Every node, by language, parent and position (the admin screen and the agents' view).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn all(conn: &impl ConnectionTrait) -> Result<Vec<KeywordRow>, DbErr> {
    let sql = Sql::new(
        conn.get_database_backend(),
        &format!("{SELECT} ORDER BY locale, parent_id, position, id"),
    );
    KeywordRow::find_by_statement(sql.build()).all(conn).await
}

/// The choices under `parent` (`None`: the greeting's) in `locale`, in order.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn children(
    conn: &impl ConnectionTrait,
    locale: &str,
    parent: Option<i64>,
) -> Result<Vec<KeywordRow>, DbErr> {
    let mut sql = Sql::new(conn.get_database_backend(), SELECT);
    sql.push(" WHERE locale = ").bind(locale);
    match parent {
        Some(id) => sql.push(" AND parent_id = ").bind(id),
        None => sql.push(" AND parent_id IS NULL"),
    };
    sql.push(" ORDER BY position, id");
    KeywordRow::find_by_statement(sql.build()).all(conn).await
}

/// One node.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find(conn: &impl ConnectionTrait, id: i64) -> Result<Option<KeywordRow>, DbErr> {
    let mut sql = Sql::new(conn.get_database_backend(), SELECT);
    sql.push(" WHERE id = ").bind(id);
    KeywordRow::find_by_statement(sql.build()).one(conn).await
}

/// Whether any node exists (a fresh install gets a minimal tree).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn any(conn: &impl ConnectionTrait) -> Result<bool, DbErr> {
    let sql = Sql::new(
        conn.get_database_backend(),
        "SELECT id FROM bot_keywords LIMIT 1",
    );
    Ok(conn.query_one_raw(sql.build()).await?.is_some())
}

/// A node to store or the new values of one.
#[derive(Debug, Clone)]
pub struct KeywordFields {
    pub parent_id: Option<i64>,
    pub locale: &'static str,
    pub keyword: String,
    pub aliases: String,
    pub response: String,
    pub response_html: String,
    pub article_ids: String,
    pub position: i32,
}

/// Stores a node; returns its id.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(
    conn: &impl ConnectionTrait,
    f: KeywordFields,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "INSERT INTO bot_keywords (parent_id, locale, keyword, aliases, response, \
         response_html, article_ids, position, created_at, updated_at) VALUES (",
    );
    sql.bind(f.parent_id)
        .push(", ")
        .bind(f.locale)
        .push(", ")
        .bind(f.keyword)
        .push(", ")
        .bind(f.aliases)
        .push(", ")
        .bind(f.response)
        .push(", ")
        .bind(f.response_html)
        .push(", ")
        .bind(f.article_ids)
        .push(", ")
        .bind(f.position)
        .push(", ")
        .bind(now)
        .push(", ")
        .bind(now)
        .push(") RETURNING id");
    conn.query_one_raw(sql.build())
        .await?
        .ok_or_else(|| DbErr::Custom("INSERT ... RETURNING gave no row".into()))?
        .try_get("", "id")
}

/// Replaces a node's values.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(
    conn: &impl ConnectionTrait,
    id: i64,
    f: KeywordFields,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "UPDATE bot_keywords SET parent_id = ",
    );
    sql.bind(f.parent_id)
        .push(", locale = ")
        .bind(f.locale)
        .push(", keyword = ")
        .bind(f.keyword)
        .push(", aliases = ")
        .bind(f.aliases)
        .push(", response = ")
        .bind(f.response)
        .push(", response_html = ")
        .bind(f.response_html)
        .push(", article_ids = ")
        .bind(f.article_ids)
        .push(", position = ")
        .bind(f.position)
        .push(", updated_at = ")
        .bind(now)
        .push(" WHERE id = ")
        .bind(id);
    conn.execute_raw(sql.build()).await.map(|_| ())
}

/// Moves node `id` under `parent` at `position`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_parent(
    conn: &impl ConnectionTrait,
    id: i64,
    parent: Option<i64>,
    position: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "UPDATE bot_keywords SET parent_id = ",
    );
    sql.bind(parent)
        .push(", position = ")
        .bind(position)
        .push(", updated_at = ")
        .bind(now)
        .push(" WHERE id = ")
        .bind(id);
    conn.execute_raw(sql.build()).await.map(|_| ())
}

/// Children of `parent` not in `keep` become top-level nodes.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn release_children(
    conn: &impl ConnectionTrait,
    parent: i64,
    keep: &[i64],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "UPDATE bot_keywords SET parent_id = NULL, updated_at = ",
    );
    sql.bind(now).push(" WHERE parent_id = ").bind(parent);
    if !keep.is_empty() {
        sql.push(" AND id NOT IN ").bind_list(keep.iter().copied());
    }
    conn.execute_raw(sql.build()).await.map(|_| ())
}

/// Deletes a node; its children move up to its parent.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(conn: &impl ConnectionTrait, row: &KeywordRow) -> Result<(), DbErr> {
    let backend = conn.get_database_backend();
    let mut up = Sql::new(backend, "UPDATE bot_keywords SET parent_id = ");
    up.bind(row.parent_id)
        .push(" WHERE parent_id = ")
        .bind(row.id);
    conn.execute_raw(up.build()).await?;
    let mut sql = Sql::new(
        backend,
        "UPDATE chats SET bot_node_id = NULL WHERE bot_node_id = ",
    );
    sql.bind(row.id);
    conn.execute_raw(sql.build()).await?;
    let mut del = Sql::new(backend, "DELETE FROM bot_keywords WHERE id = ");
    del.bind(row.id);
    conn.execute_raw(del.build()).await.map(|_| ())
}
