//! `/healthz`, `/readyz`, `/metrics`: for operators and orchestrators.

use actix_web::web::{Data, Json};
use actix_web::{HttpResponse, get};
use ayuda_types::ProblemDetails;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::tags;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub(crate) fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(healthz).service(readyz).service(metrics);
}

/// Health answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Liveness: the process answers.
#[utoipa::path(tag = tags::OPERATIONS, responses((status = 200, description = "Alive", body = Health)))]
#[get("/healthz")]
async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Readiness: the database answers.
#[utoipa::path(
    tag = tags::OPERATIONS,
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "Database unreachable", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
async fn readyz(state: Data<AppState>) -> ApiResult<Json<Health>> {
    match ayuda_db::ping(&state.db).await {
        Ok(()) => Ok(Json(Health { status: "ok" })),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            Err(ApiError::Unavailable)
        }
    }
}

/// Prometheus metrics (text exposition format).
#[utoipa::path(
    tag = tags::OPERATIONS,
    responses((status = 200, description = "Metrics", content_type = "text/plain; version=0.0.4", body = String))
)]
#[get("/metrics")]
async fn metrics(state: Data<AppState>) -> HttpResponse {
    // The queue length is read on scrape rather than tracked on every change.
    if let Ok(queued) = ayuda_db::outbox::queued_count(&state.db).await {
        ::metrics::gauge!("ayuda_outbox_queued").set(queued as f64);
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(crate::telemetry::render_metrics())
}
