//! Delivers the outbox (SPEC section 7).
//!
//! A batch at a time: lease up to [`BATCH`] due messages, send them, mark them. Woken at once
//! when a request queues mail, and by a timer otherwise. Failures are retried with exponential backoff (30 s
//! doubling to 1 h) up to [`MAX_ATTEMPTS`]; permanent SMTP errors fail at once. On shutdown
//! the worker finishes the message in hand, gives the rest of its batch back and stops. Delivery is at least once: a crash
//! after the SMTP server accepted a message but before it was marked sent resends it when
//! the lease runs out, with the same `Message-ID`, so mail programs show it once.

use ayuda_db::outbox::{self, OutboxEmail};
use ayuda_mail::{Envelope, Mailer};
use chrono::Utc;
use tokio::sync::watch;

use crate::state::AppState;

/// Attempts before a message is given up.
pub const MAX_ATTEMPTS: i32 = 10;
/// How long a leased batch is reserved for this worker.
const LEASE_SECS: i64 = 600;
/// Messages leased at once.
const BATCH: u64 = 32;

/// Runs until `shutdown` turns true.
pub async fn run(state: AppState, mailer: Mailer, mut shutdown: watch::Receiver<bool>) {
    let poll = state.settings.outbox_poll();
    tracing::info!(delivers = mailer.delivers(), "outbox worker started");
    loop {
        if *shutdown.borrow() {
            break;
        }
        match work_batch(&state, &mailer, &shutdown).await {
            Ok(true) => continue, // there may be more due right now
            Ok(false) => {}
            Err(err) => tracing::error!(error = %err, "outbox worker: database error"),
        }
        tokio::select! {
            _ = state.outbox_wake.notified() => {}
            _ = tokio::time::sleep(poll) => {}
            _ = shutdown.changed() => {}
        }
    }
    tracing::info!("outbox worker stopped");
}

/// Handles one batch of due messages; `Ok(false)` when none was due.
///
/// Messages are sent one after another and marked sent together at the end of the batch, so
/// a busy outbox costs two commits per [`BATCH`] rather than two per message.
pub async fn work_batch(
    state: &AppState,
    mailer: &Mailer,
    shutdown: &watch::Receiver<bool>,
) -> Result<bool, ayuda_db::DbErr> {
    let lease = chrono::Duration::seconds(LEASE_SECS);
    let batch = outbox::claim(&state.writer, Utc::now(), lease, !mailer.delivers(), BATCH).await?;
    if batch.is_empty() {
        return Ok(false);
    }
    let ids = batch.iter().map(|m| m.id).collect::<Vec<_>>();
    if !mailer.delivers() {
        batch.iter().for_each(log_instead_of_sending);
        outbox::mark_logged(&state.writer, &ids, Utc::now()).await?;
        return Ok(true);
    }
    let mut sent = Vec::with_capacity(batch.len());
    let mut untouched = &ids[..0];
    let mut failure = None;
    for (i, message) in batch.iter().enumerate() {
        if *shutdown.borrow() {
            untouched = &ids[i..];
            break;
        }
        match send_one(state, mailer, message).await {
            Ok(true) => sent.push(message.id),
            Ok(false) => {}
            Err(err) => {
                // Recording a failure failed: stop here, but what the SMTP server took
                // is still marked, so it is not sent twice.
                untouched = &ids[i + 1..];
                failure = Some(err);
                break;
            }
        }
    }
    outbox::mark_sent(&state.writer, &sent, Utc::now()).await?;
    outbox::release(&state.writer, untouched).await?;
    failure.map_or(Ok(true), Err)
}

/// Sends one message; `Ok(true)` when the SMTP server took it, otherwise the failure is
/// recorded (retry later, or give up) and `Ok(false)` returned.
async fn send_one(
    state: &AppState,
    mailer: &Mailer,
    message: &OutboxEmail,
) -> Result<bool, ayuda_db::DbErr> {
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
            metrics::counter!("ayuda_emails_sent_total", "kind" => message.kind.clone())
                .increment(1);
            tracing::info!(outbox_id = message.id, kind = %message.kind, "email sent");
            Ok(true)
        }
        Err(err) => {
            let attempts = message.attempts + 1;
            let retry_at = (err.is_transient() && attempts < MAX_ATTEMPTS)
                .then(|| Utc::now() + backoff(attempts));
            outbox::mark_failed(&state.writer, message, &err.to_string(), retry_at).await?;
            metrics::counter!("ayuda_emails_failed_total", "kind" => message.kind.clone())
                .increment(1);
            tracing::warn!(outbox_id = message.id, attempts, gave_up = retry_at.is_none(), error = %err, "email not sent");
            Ok(false)
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
