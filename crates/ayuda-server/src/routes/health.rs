//! `/healthz`, `/readyz`, `/metrics`: for operators and orchestrators.

use actix_web::web::{Data, Json};
use actix_web::{HttpRequest, HttpResponse, get};
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
    if crate::telemetry::database_ready(&state).await {
        Ok(Json(Health { status: "ok" }))
    } else {
        Err(ApiError::Unavailable)
    }
}

/// Prometheus metrics (text exposition format). With `AYUDA_METRICS_TOKEN` set, only for
/// `Authorization: Bearer <that token>`.
#[utoipa::path(
    tag = tags::OPERATIONS,
    responses(
        (status = 200, description = "Metrics", content_type = "text/plain; version=0.0.4", body = String),
        (status = 401, description = "A metrics token is configured and was not given", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/metrics")]
async fn metrics(state: Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    if let Some(expected) = &state.settings.metrics_token {
        use crate::auth::secret::token_hash;
        // Compared as hashes, so the comparison's time tells nothing about the token.
        let given = crate::auth::extract::bearer_token(&req).unwrap_or_default();
        if token_hash(given) != token_hash(expected) {
            return Err(ApiError::Unauthorized("a metrics token is required"));
        }
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(crate::telemetry::scrape(&state).await))
}
