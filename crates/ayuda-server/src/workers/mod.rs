//! Background workers, started by `ayuda serve` beside the HTTP server.

pub mod auto_close;
pub mod chat_timers;
pub mod file_sweep;
pub mod heartbeat;
pub mod outbox;
pub mod sent_ledger;

use std::time::Duration;

/// Waits up to `grace` for a stopping worker to finish.
pub async fn stop(name: &str, handle: tokio::task::JoinHandle<()>, grace: Duration) {
    if tokio::time::timeout(grace, handle).await.is_err() {
        tracing::warn!(worker = name, "worker did not stop in time");
    }
}
