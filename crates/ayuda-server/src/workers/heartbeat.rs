//! Tells the database every few seconds that this instance is alive, so that other instances
//! (and this one, after a restart) know whose leases are still held.

use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;

use crate::state::AppState;

/// How often the instance beats: well inside `ayuda_db::instances::GONE_AFTER`.
const EVERY: Duration = Duration::from_secs(10);

/// Beats until `shutdown` turns true, then removes the instance.
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = shutdown.changed() => break,
        }
        if *shutdown.borrow() {
            break;
        }
        if let Err(err) =
            ayuda_db::instances::beat(&state.writer, &state.instance, &state.node, Utc::now()).await
        {
            tracing::error!(error = %err, "heartbeat: database error");
        }
    }
    if let Err(err) = ayuda_db::instances::stop(&state.writer, &state.instance).await {
        tracing::warn!(error = %err, "heartbeat: could not remove this instance");
    }
}
