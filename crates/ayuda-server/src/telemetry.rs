//! Logs (tracing) and metrics (Prometheus).

use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::EnvFilter;

/// Installs the log subscriber: `RUST_LOG` filter (default `info`), text or JSON lines.
/// Text is coloured only on a terminal: a file or a pipe gets plain lines.
pub fn init_logs(json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Use cases and repository calls are debug-level spans: asked for (`RUST_LOG=info,
    // ayuda_server=debug,ayuda_db=debug`), each one logs its time as it ends, so a slow
    // request shows where its time went; at the usual level they cost a check each.
    let timings =
        std::env::var("RUST_LOG").is_ok_and(|v| v.contains("debug") || v.contains("trace"));
    let span_events = if timings {
        tracing_subscriber::fmt::format::FmtSpan::CLOSE
    } else {
        tracing_subscriber::fmt::format::FmtSpan::NONE
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(span_events)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .with_target(false);
    let result = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    // A subscriber already installed (tests) is fine.
    drop(result);
}

static METRICS: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide metrics recorder once.
pub fn init_metrics() {
    METRICS.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                metrics_exporter_prometheus::Matcher::Suffix("duration_seconds".into()),
                &[
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ],
            )
            .ok()?
            .build_recorder();
        let handle = recorder.handle();
        metrics::set_global_recorder(recorder).ok()?;
        Some(handle)
    });
}

/// Whether the database answers (readiness).
pub async fn database_ready(state: &crate::state::AppState) -> bool {
    match ayuda_db::ping(&state.db).await {
        Ok(()) => true,
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            false
        }
    }
}

/// The metrics in Prometheus text format, with the outbox's length and the waiting chats
/// read now (on scrape, rather than tracked on every change).
pub async fn scrape(state: &crate::state::AppState) -> String {
    if let Ok(queued) = ayuda_db::outbox::queued_count(&state.db).await {
        ::metrics::gauge!("ayuda_outbox_queued").set(queued as f64);
    }
    if let Ok(waiting) = ayuda_db::chats::queue_len(&state.db).await {
        ::metrics::gauge!("ayuda_chat_waiting").set(waiting as f64);
    }
    render_metrics()
}

/// The metrics in Prometheus text format.
pub fn render_metrics() -> String {
    METRICS
        .get()
        .and_then(Option::as_ref)
        .map(PrometheusHandle::render)
        .unwrap_or_default()
}
