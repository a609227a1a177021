//! Delivers the outbox (SPEC section 7).
//!
//! A batch at a time: lease up to [`BATCH`] due messages, send them one by one, and mark
//! each sent as soon as the SMTP server has taken it. Woken at once when a request queues
//! mail, and by a timer otherwise. Failures are retried with exponential backoff (30 s
//! doubling to 1 h) up to [`MAX_ATTEMPTS`]; permanent SMTP errors fail at once. On shutdown
//! the worker finishes the message in hand, gives the rest of its batch back and stops.
//!
//! Leases name this instance and are renewed while the batch is being sent; an instance that
//! dies (kill -9, power cut) stops beating, and its leases are free for the next claim at once
//! (see `ayuda_db::instances`), so its mail goes out within seconds of a restart. Delivery is
//! at least once: only a crash between the SMTP server's acceptance and the durable mark that
//! follows it (the ledger's fsync on SQLite, a commit on PostgreSQL: about a millisecond)
//! sends a message twice, with the same `Message-ID`.

use std::time::Instant;

use ayuda_db::ConnectionTrait;
use ayuda_db::outbox::{self, Lease, OutboxEmail};
use ayuda_mail::{Envelope, Mailer};
use chrono::Utc;
use tokio::sync::watch;

use super::sent_ledger::SentLedger;
use crate::state::AppState;

/// Attempts before a message is given up.
pub const MAX_ATTEMPTS: i32 = 10;
/// How long a lease lasts unless renewed (a crashed instance's leases are taken back sooner,
/// when its heartbeat stops).
const LEASE_SECS: i64 = 120;
/// A batch still being sent renews its lease when it is this old.
const RENEW_AFTER: std::time::Duration = std::time::Duration::from_secs(30);
/// Messages leased at once.
const BATCH: u64 = 32;

/// Runs until `shutdown` turns true.
pub async fn run(state: AppState, mailer: Mailer, mut shutdown: watch::Receiver<bool>) {
    let poll = state.settings.outbox_poll();
    tracing::info!(delivers = mailer.delivers(), "outbox worker started");
    let mut marks = loop {
        match Marks::open(&state, &mailer).await {
            Ok(marks) => break marks,
            Err(err) => tracing::error!(error = %err, "outbox worker: cannot start"),
        }
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = shutdown.changed() => return,
        }
    };
    loop {
        if *shutdown.borrow() {
            break;
        }
        match work_batch(&state, &mailer, &mut marks, &shutdown).await {
            Ok(true) => continue, // there may be more due right now
            Ok(false) => {}
            Err(err) => tracing::error!(error = %err, "outbox worker: database error"),
        }
        tokio::select! {
            _ = state.realtime.outbox_wake.notified() => {}
            _ = tokio::time::sleep(poll) => {}
            _ = shutdown.changed() => {}
        }
    }
    tracing::info!("outbox worker stopped");
}

/// Where the worker records that the SMTP server accepted a message (see [`SentLedger`]).
enum Marks {
    /// Straight into the database (PostgreSQL, or no SMTP server to send to).
    Database,
    /// First into the ledger, then the database at the end of the batch (SQLite).
    Ledger {
        ledger: SentLedger,
        /// Ids in the ledger the database does not have yet.
        unmarked: Vec<i64>,
    },
}

impl Marks {
    /// The ledger on SQLite, with what a crashed predecessor left in it folded into the
    /// database before anything is leased.
    async fn open(state: &AppState, mailer: &Mailer) -> anyhow::Result<Self> {
        let sqlite = state.writer.get_database_backend() == ayuda_db::DbBackend::Sqlite;
        if !(sqlite && mailer.delivers()) {
            return Ok(Self::Database);
        }
        let ledger = SentLedger::open(&state.settings.data_dir).await?;
        let unmarked = ledger.recorded().await?;
        let mut marks = Self::Ledger { ledger, unmarked };
        marks.flush(state).await?;
        Ok(marks)
    }

    /// Records that message `id` was sent.
    async fn sent(&mut self, state: &AppState, id: i64) -> Result<(), ayuda_db::DbErr> {
        if let Self::Ledger { ledger, unmarked } = self {
            match ledger.record(id).await {
                Ok(()) => {
                    unmarked.push(id);
                    return Ok(());
                }
                Err(err) => {
                    tracing::warn!(error = %err, "outbox ledger not writable; marking the database")
                }
            }
        }
        outbox::mark_sent(&state.writer, &[id], Utc::now()).await
    }

    /// Writes the ledger's marks into the database, then empties it.
    async fn flush(&mut self, state: &AppState) -> anyhow::Result<()> {
        if let Self::Ledger { ledger, unmarked } = self
            && !unmarked.is_empty()
        {
            outbox::mark_sent(&state.writer, unmarked, Utc::now()).await?;
            unmarked.clear();
            ledger.clear().await?;
        }
        Ok(())
    }
}

/// Handles one batch of due messages; `Ok(false)` when none was due.
async fn work_batch(
    state: &AppState,
    mailer: &Mailer,
    marks: &mut Marks,
    shutdown: &watch::Receiver<bool>,
) -> anyhow::Result<bool> {
    // Marks a failed flush left behind go in before anything is leased again.
    marks.flush(state).await?;
    let lease = Lease {
        holder: &state.instance,
        length: chrono::Duration::seconds(LEASE_SECS),
    };
    let batch = outbox::claim(&state.writer, lease, Utc::now(), !mailer.delivers(), BATCH).await?;
    if batch.is_empty() {
        return Ok(false);
    }
    let ids = batch.iter().map(|m| m.id).collect::<Vec<_>>();
    if !mailer.delivers() {
        batch.iter().for_each(log_instead_of_sending);
        outbox::mark_logged(&state.writer, &ids, Utc::now()).await?;
        return Ok(true);
    }
    let mut renewed = Instant::now();
    let mut result = Ok(true);
    for (i, message) in batch.iter().enumerate() {
        if *shutdown.borrow() {
            result = outbox::release(&state.writer, &ids[i..])
                .await
                .map(|()| true);
            break;
        }
        if renewed.elapsed() >= RENEW_AFTER {
            outbox::renew(&state.writer, &ids[i..], lease, Utc::now()).await?;
            renewed = Instant::now();
        }
        if let Err(err) = send_one(state, mailer, marks, message).await {
            result = Err(err);
            break;
        }
    }
    marks.flush(state).await?;
    Ok(result?)
}

/// Sends one message and records the outcome: sent (marked at once, so a crash after this
/// never sends it again), to be retried later, or given up.
async fn send_one(
    state: &AppState,
    mailer: &Mailer,
    marks: &mut Marks,
    message: &OutboxEmail,
) -> Result<(), ayuda_db::DbErr> {
    let envelope = Envelope {
        from_address: &state.settings.support_address,
        from_name: "Ayuda",
        to_address: &message.to_address,
        to_name: &message.to_name,
        subject: &message.subject,
        text: &message.text_body,
        html: &message.html_body,
        message_id: &message.message_id,
        in_reply_to: message.in_reply_to.as_deref(),
        references: message.references.as_deref(),
        reply_to: message.reply_to.as_deref(),
    };
    match mailer.send(&envelope).await {
        Ok(()) => {
            marks.sent(state, message.id).await?;
            metrics::counter!("ayuda_emails_sent_total", "kind" => message.kind.clone())
                .increment(1);
            tracing::info!(outbox_id = message.id, kind = %message.kind, "email sent");
            Ok(())
        }
        Err(err) => {
            let attempts = message.attempts + 1;
            let retry_at = (err.is_transient() && attempts < MAX_ATTEMPTS)
                .then(|| Utc::now() + backoff(attempts));
            outbox::mark_failed(&state.writer, message, &err.to_string(), retry_at).await?;
            metrics::counter!("ayuda_emails_failed_total", "kind" => message.kind.clone())
                .increment(1);
            tracing::warn!(outbox_id = message.id, attempts, gave_up = retry_at.is_none(), error = %err, "email not sent");
            Ok(())
        }
    }
}

/// 30 s, 60 s, 120 s, ... capped at one hour.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let exp = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(7);
    chrono::Duration::seconds((30i64 << exp).min(3600))
}

/// Without SMTP, the message is written to the log (links included) so a developer can
/// follow them; it stays queued for when SMTP is configured.
fn log_instead_of_sending(message: &OutboxEmail) {
    tracing::info!(
        outbox_id = message.id,
        kind = %message.kind,
        to = %message.to_address,
        subject = %message.subject,
        "no SMTP configured (AYUDA_SMTP_URL); email kept in the outbox:\n{}",
        message.text_body
    );
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff(1).num_seconds(), 30);
        assert_eq!(backoff(2).num_seconds(), 60);
        assert_eq!(backoff(4).num_seconds(), 240);
        assert_eq!(backoff(9).num_seconds(), 3600);
    }
}
