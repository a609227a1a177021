//! Agent changes (status, priority, type, assignee), resolve and reopen.

use ayuda_db::audit::{self, NewEvent};
use ayuda_db::tickets::{self as repo, Changes, TicketRow, TicketView, status_of};
use ayuda_db::users::{self, UserRow};
use ayuda_db::{ConnectionTrait, ticket_types};
use ayuda_domain::lifecycle::{self, IllegalMove};
use ayuda_types::{BulkUpdate, Priority, TicketStatus, UpdateTicket};
use chrono::{DateTime, Utc};

use super::{is_staff, notify, visible};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

impl From<IllegalMove> for ApiError {
    fn from(err: IllegalMove) -> Self {
        ApiError::conflict("ticket_state", err.to_string())
    }
}

/// The ticket `number` for a change by `user`, locked for the transaction; 404 when the
/// user may not see it.
#[tracing::instrument(level = "debug", skip_all)]
async fn load_for_change(
    conn: &impl ConnectionTrait,
    user: &UserRow,
    number: i64,
) -> ApiResult<TicketRow> {
    repo::find_for_update(conn, number)
        .await?
        .filter(|t| is_staff(user) || t.requester_id == user.id)
        .ok_or(ApiError::NotFound)
}

/// Applies `changes` to `ticket` with one `changed` event per field that moved, and tells
/// the requester when it became resolved.
#[tracing::instrument(level = "debug", skip_all)]
async fn apply(
    conn: &impl ConnectionTrait,
    state: &AppState,
    actor: &UserRow,
    ticket: TicketRow,
    changes: Changes,
    labels: ChangeLabels,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let mut trail: Vec<(&'static str, String, String)> = Vec::new();
    if let Some(to) = changes.status {
        trail.push(("status", ticket.status.clone(), to.as_str().to_owned()));
    }
    if let Some(to) = changes.priority {
        trail.push(("priority", ticket.priority.clone(), to.as_str().to_owned()));
    }
    if changes.type_id.is_some() {
        trail.push(("type", labels.type_from, labels.type_to));
    }
    if changes.assignee_id.is_some() {
        trail.push(("assignee", labels.assignee_from, labels.assignee_to));
    }
    if trail.is_empty() {
        return Ok(());
    }
    let became_resolved = changes.status == Some(TicketStatus::Resolved);
    let ticket = repo::update(conn, ticket, &changes, now).await?;
    for (field, from, to) in trail {
        audit::record(
            conn,
            NewEvent {
                ticket_id: ticket.id,
                actor_id: Some(actor.id),
                kind: "changed",
                field: Some(field),
                from: Some(from).filter(|s| !s.is_empty()),
                to: Some(to).filter(|s| !s.is_empty()),
            },
            now,
        )
        .await?;
    }
    if became_resolved {
        notify::resolved(conn, state, &ticket, actor).await?;
    }
    Ok(())
}

/// Human-readable before/after values of the type and assignee, for the audit trail.
#[derive(Default)]
struct ChangeLabels {
    type_from: String,
    type_to: String,
    assignee_from: String,
    assignee_to: String,
}

#[tracing::instrument(level = "debug", skip_all)]
async fn user_name(conn: &impl ConnectionTrait, id: Option<i64>) -> ApiResult<String> {
    Ok(match id {
        Some(id) => users::find_by_id(conn, id)
            .await?
            .map_or_else(|| id.to_string(), |u| u.name),
        None => String::new(),
    })
}

/// `PATCH /api/v1/tickets/{number}`: an agent changes status, priority, type or assignee.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(
    state: &AppState,
    agent: &UserRow,
    number: i64,
    input: UpdateTicket,
) -> ApiResult<TicketView> {
    let now = Utc::now();
    let txn = state.writer.begin().await?;
    let ticket = load_for_change(&txn, agent, number).await?;
    if !is_staff(agent) {
        return Err(ApiError::Forbidden);
    }
    let current = status_of(&ticket.status)?;
    let mut changes = Changes::default();
    let mut labels = ChangeLabels::default();
    let mut invalid = Vec::new();

    if let Some(type_id) = input.type_id.filter(|t| *t != ticket.type_id) {
        match ticket_types::find(&txn, type_id).await? {
            Some(to) if to.active => {
                let from = ticket_types::find(&txn, ticket.type_id).await?;
                labels.type_from = from.map(|t| t.name).unwrap_or_default();
                labels.type_to = to.name;
                changes.type_id = Some(type_id);
            }
            _ => invalid.push(("type_id", "is not an active ticket type")),
        }
    }
    if let Some(assignee) = input.assignee_id.filter(|a| *a != ticket.assignee_id) {
        let ok = match assignee {
            None => true,
            Some(id) => users::find_by_id(&txn, id)
                .await?
                .is_some_and(|u| u.active && users::is_staff(&u)),
        };
        if ok {
            labels.assignee_from = user_name(&txn, ticket.assignee_id).await?;
            labels.assignee_to = user_name(&txn, assignee).await?;
            changes.assignee_id = Some(assignee);
        } else {
            invalid.push(("assignee_id", "must be an active agent or admin"));
        }
    }
    if !invalid.is_empty() {
        return Err(ApiError::Validation(
            invalid
                .into_iter()
                .map(|(f, m)| ayuda_types::FieldError::new(f, "unknown_reference", m))
                .collect(),
        ));
    }
    if let Some(priority) = input
        .priority
        .filter(|p| Priority::parse(&ticket.priority) != Some(*p))
    {
        changes.priority = Some(priority);
    }
    changes.status = match input.status {
        Some(to) => lifecycle::set_status(current, to)?,
        // Picking up a new ticket opens it.
        None if matches!(changes.assignee_id, Some(Some(_))) => {
            Some(lifecycle::after_assign(current)).filter(|s| *s != current)
        }
        None => None,
    };
    if current == TicketStatus::Closed
        && (changes.type_id.is_some()
            || changes.assignee_id.is_some()
            || changes.priority.is_some())
    {
        return Err(IllegalMove::Closed.into());
    }
    apply(&txn, state, agent, ticket, changes, labels, now).await?;
    txn.commit().await?;
    state.mail_queued().await;
    visible(&state.db, agent, number).await
}

/// What a bulk change did: the tickets changed, and each refusal with its ticket number.
pub type BulkOutcome = (Vec<TicketView>, Vec<(i64, ApiError)>);

/// `POST /api/v1/tickets/bulk`: the same change to several tickets, each in its own
/// transaction, so one that refuses it (closed, say) leaves the others changed. A failure
/// of the server itself ends the request.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn bulk_update(
    state: &AppState,
    agent: &UserRow,
    input: BulkUpdate,
) -> ApiResult<BulkOutcome> {
    if !is_staff(agent) {
        return Err(ApiError::Forbidden);
    }
    let mut numbers = input.numbers;
    let mut seen = std::collections::HashSet::new();
    numbers.retain(|n| seen.insert(*n));
    let (mut updated, mut failed) = (Vec::new(), Vec::new());
    for number in numbers {
        match update(state, agent, number, input.changes.clone()).await {
            Ok(view) => updated.push(view),
            Err(err @ (ApiError::Internal(_) | ApiError::Unavailable | ApiError::Busy { .. })) => {
                return Err(err);
            }
            Err(err) => failed.push((number, err)),
        }
    }
    Ok((updated, failed))
}

/// `POST /api/v1/tickets/{number}/resolve`: the requester or an agent marks it solved.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn resolve(state: &AppState, user: &UserRow, number: i64) -> ApiResult<TicketView> {
    move_status(state, user, number, lifecycle::resolve).await
}

/// `POST /api/v1/tickets/{number}/reopen`: the requester or an agent reopens a resolved
/// ticket.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn reopen(state: &AppState, user: &UserRow, number: i64) -> ApiResult<TicketView> {
    move_status(state, user, number, lifecycle::reopen).await
}

#[tracing::instrument(level = "debug", skip_all)]
async fn move_status(
    state: &AppState,
    user: &UserRow,
    number: i64,
    rule: fn(TicketStatus) -> Result<TicketStatus, IllegalMove>,
) -> ApiResult<TicketView> {
    let now = Utc::now();
    let txn = state.writer.begin().await?;
    let ticket = load_for_change(&txn, user, number).await?;
    let to = rule(status_of(&ticket.status)?)?;
    let changes = Changes {
        status: Some(to),
        ..Default::default()
    };
    apply(
        &txn,
        state,
        user,
        ticket,
        changes,
        ChangeLabels::default(),
        now,
    )
    .await?;
    txn.commit().await?;
    state.mail_queued().await;
    visible(&state.db, user, number).await
}
