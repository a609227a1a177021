//! Delivers the outbox (SPEC section 7).
//!
//! One message at a time: lease it, send it, mark it. Woken at once when a request queues
//! mail, and by a timer otherwise. Failures are retried with exponential backoff (30 s
//! doubling to 1 h) up to [`MAX_ATTEMPTS`]; permanent SMTP errors fail at once. On shutdown
//! the worker finishes the message in hand and stops. Delivery is at least once: a crash
//! after the SMTP server accepted a message but before it was marked sent resends it when
//! the lease runs out, with the same `Message-ID`, so mail programs show it once.

use ayuda_db::outbox::{self, OutboxEmail};
use ayuda_mail::{Envelope, Mailer};
use chrono::Utc;
use tokio::sync::watch;

use crate::state::AppState;

/// Attempts before a message is given up.
pub const MAX_ATTEMPTS: i32 = 10;
/// How long a leased message is reserved for this worker.
const LEASE_SECS: i64 = 120;

/// Runs until `shutdown` turns true.
pub async fn run(state: AppState, mailer: Mailer, mut shutdown: watch::Receiver<bool>) {
    let poll = state.settings.outbox_poll();
    tracing::info!(delivers = mailer.delivers(), "outbox worker started");
    loop {
        if *shutdown.borrow() {
            break;
        }
        match work_one(&state, &mailer).await {
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

/// Handles one due message; `Ok(false)` when none was due.
pub async fn work_one(state: &AppState, mailer: &Mailer) -> Result<bool, ayuda_db::DbErr> {
    let now = Utc::now();
    let lease = chrono::Duration::seconds(LEASE_SECS);
    let Some(message) = outbox::claim(&state.db, now, lease, !mailer.delivers()).await? else {
        return Ok(false);
    };
    if !mailer.delivers() {
        log_instead_of_sending(&message);
        outbox::mark_logged(&state.db, message.id, Utc::now()).await?;
        return Ok(true);
    }
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
            outbox::mark_sent(&state.db, message.id, Utc::now()).await?;
            metrics::counter!("ayuda_emails_sent_total", "kind" => message.kind.clone())
                .increment(1);
            tracing::info!(outbox_id = message.id, kind = %message.kind, "email sent");
        }
        Err(err) => {
            let attempts = message.attempts + 1;
            let retry_at = (err.is_transient() && attempts < MAX_ATTEMPTS)
                .then(|| Utc::now() + backoff(attempts));
            outbox::mark_failed(&state.db, &message, &err.to_string(), retry_at).await?;
            metrics::counter!("ayuda_emails_failed_total", "kind" => message.kind.clone())
                .increment(1);
            tracing::warn!(outbox_id = message.id, attempts, gave_up = retry_at.is_none(), error = %err, "email not sent");
        }
    }
    Ok(true)
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
