//! Settings changed at run time: one JSON document per name (the server defines the names
//! and their shapes).

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};

use crate::sql::Sql;

/// The stored document named `name`, if an admin ever saved one.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn get(conn: &impl ConnectionTrait, name: &str) -> Result<Option<String>, DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "SELECT document FROM settings WHERE name = ",
    );
    sql.bind(name);
    match conn.query_one_raw(sql.build()).await? {
        Some(row) => Ok(Some(row.try_get("", "document")?)),
        None => Ok(None),
    }
}

/// Stores `value` as the document named `name`, replacing any earlier one.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn put(
    conn: &impl ConnectionTrait,
    name: &str,
    value: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "INSERT INTO settings (name, document, updated_at, updated_by) VALUES (",
    );
    sql.bind(name)
        .push(", ")
        .bind(value)
        .push(", ")
        .bind(now)
        .push(", ")
        .bind(by)
        .push(
            ") ON CONFLICT (name) DO UPDATE SET document = excluded.document, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        );
    conn.execute_raw(sql.build()).await.map(|_| ())
}
