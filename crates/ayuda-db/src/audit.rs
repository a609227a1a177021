//! The audit trail of a ticket: who changed what, when (SPEC section 5).

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, FromQueryResult, Set};

use crate::entity::ticket_event::ActiveModel;
use crate::sql::Sql;

/// An event to record.
#[derive(Debug, Clone, Default)]
pub struct NewEvent {
    /// Ticket number.
    pub ticket_id: i64,
    /// Who did it; `None` for Ayuda itself.
    pub actor_id: Option<i64>,
    /// What happened (`created`, `changed`, `replied`, ...).
    pub kind: &'static str,
    /// The field that changed.
    pub field: Option<&'static str>,
    /// Value before.
    pub from: Option<String>,
    /// Value after.
    pub to: Option<String>,
}

/// An event with its actor's name.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct EventView {
    pub id: i64,
    pub ticket_id: i64,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub kind: String,
    pub field: Option<String>,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Records an event.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn record(
    conn: &impl ConnectionTrait,
    event: NewEvent,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    // Values are names and ids; the column holds 200 characters.
    let clip = |v: Option<String>| v.map(|v| v.chars().take(200).collect::<String>());
    ActiveModel {
        ticket_id: Set(event.ticket_id),
        actor_id: Set(event.actor_id),
        kind: Set(event.kind.to_owned()),
        field: Set(event.field.map(str::to_owned)),
        from_value: Set(clip(event.from)),
        to_value: Set(clip(event.to)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map(|_| ())
}

/// A page of a ticket's events, oldest first, after event `after`; `limit + 1` rows.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    conn: &impl ConnectionTrait,
    ticket_id: i64,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<EventView>, DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "SELECT e.id, e.ticket_id, e.actor_id, u.name AS actor_name, e.kind, e.field, \
         e.from_value, e.to_value, e.created_at \
         FROM ticket_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.ticket_id = ",
    );
    sql.bind(ticket_id);
    if let Some(after) = after {
        sql.push(" AND e.id > ").bind(after);
    }
    sql.push(" ORDER BY e.id ASC LIMIT ")
        .bind(i64::try_from(limit + 1).unwrap_or(i64::MAX));
    EventView::find_by_statement(sql.build()).all(conn).await
}
