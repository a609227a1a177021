//! Closes tickets that have stayed resolved for the configured number of days (SPEC
//! section 5).
//!
//! Safe with several server instances on one database: each ticket is closed by a
//! conditional update (`... WHERE status = 'resolved' AND resolved_at < cutoff`) in its own
//! transaction with its audit event, so of two instances racing exactly one closes it and
//! records the event.

use std::time::Duration;

use ayuda_db::audit::{self, NewEvent};
use ayuda_db::tickets;
use ayuda_types::TicketStatus;
use chrono::{DateTime, Utc};
use tokio::sync::watch;

use crate::state::AppState;

/// Tickets looked at per batch.
const BATCH: u64 = 100;

/// Runs until `shutdown` turns true.
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let interval = Duration::from_secs(state.settings.auto_close_interval_secs);
    tracing::info!(
        days = state.settings.auto_close_days,
        "auto-close worker started"
    );
    loop {
        match close_due(&state, Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(closed = n, "closed resolved tickets"),
            Err(err) => tracing::error!(error = %err, "auto-close: database error"),
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            break;
        }
    }
    tracing::info!("auto-close worker stopped");
}

/// Closes every ticket resolved more than the configured days before `now`; returns how many
/// this call closed.
pub async fn close_due(state: &AppState, now: DateTime<Utc>) -> Result<u64, ayuda_db::DbErr> {
    let cutoff = now - chrono::Duration::days(i64::from(state.settings.auto_close_days));
    let mut closed = 0;
    loop {
        let due = tickets::resolved_before(&state.db, cutoff, BATCH).await?;
        for number in &due {
            let txn = state.writer.begin().await?;
            if tickets::close_if_resolved_before(&txn, *number, cutoff, now).await? {
                audit::record(
                    &txn,
                    NewEvent {
                        ticket_id: *number,
                        actor_id: None,
                        kind: "changed",
                        field: Some("status"),
                        from: Some(TicketStatus::Resolved.as_str().to_owned()),
                        to: Some(TicketStatus::Closed.as_str().to_owned()),
                    },
                    now,
                )
                .await?;
                closed += 1;
            }
            txn.commit().await?;
        }
        if (due.len() as u64) < BATCH {
            return Ok(closed);
        }
    }
}
