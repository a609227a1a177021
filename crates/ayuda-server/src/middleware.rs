//! Cross-cutting HTTP concerns: problem+json for every error, request ids, metrics, and the
//! extractor error handlers.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, Next};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError};
use ayuda_types::ProblemDetails;

use crate::error::{ApiError, PROBLEM_JSON};

/// Turns any error response that is not already problem+json (actix's own 404, 405, 413
/// from payload limits, ...) into one, keeping its status. HTML error pages are meant for
/// browsers (the SPA's "not built" page) and pass through.
pub fn problem_fallback<B: MessageBody>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let passes_through = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON) || v.starts_with("text/html"));
    if passes_through {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let allow = res
        .headers()
        .get(header::ALLOW)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (req, _) = res.into_parts();
    let response = match status.as_u16() {
        404 => ApiError::NotFound.error_response(),
        405 => ApiError::MethodNotAllowed { allow }.error_response(),
        413 => ApiError::PayloadTooLarge("the request body is too large".into()).error_response(),
        415 => ApiError::UnsupportedMediaType("unsupported content type".into()).error_response(),
        _ => {
            let reason = status.canonical_reason().unwrap_or("Error");
            HttpResponse::build(status)
                .content_type(PROBLEM_JSON)
                .json(ProblemDetails {
                    r#type: "about:blank".into(),
                    title: reason.into(),
                    status: status.as_u16(),
                    detail: reason.to_lowercase(),
                    errors: None,
                    code: None,
                    params: None,
                    state: None,
                    allowed: None,
                })
        }
    };
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}

/// Adds `X-Request-Id` (the id tracing-actix-web gave the request's log span) to responses,
/// and records request count, latency and database statements per route pattern
/// (`ayuda_db_statements_total` over `http_requests_total` is the statements per request).
pub async fn request_id_and_metrics(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> actix_web::Result<ServiceResponse<impl MessageBody + 'static>> {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".into());
    let request_id = req
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(ToString::to_string);
    let timing = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .is_some_and(|s| s.settings.server_timing);
    let (res, db) = ayuda_db::counting::count(next.call(req)).await;
    let mut res = res?;
    if timing {
        let value = format!(
            "db;dur={:.3};desc=\"{} statements\", total;dur={:.3}",
            db.time.as_secs_f64() * 1000.0,
            db.statements,
            started.elapsed().as_secs_f64() * 1000.0
        );
        if let Ok(value) = HeaderValue::from_str(&value) {
            res.headers_mut()
                .insert(header::HeaderName::from_static("server-timing"), value);
        }
    }
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        res.headers_mut()
            .insert(header::HeaderName::from_static("x-request-id"), id);
    }
    let status = res.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method.clone(), "route" => route.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("ayuda_db_statements_total", "method" => method, "route" => route)
        .increment(u64::from(db.statements));
    Ok(res)
}

/// Body-parsing errors of `Json<T>`: 415 for a wrong content type, 413 over the limit,
/// 422 for JSON of the wrong shape, 400 for anything unreadable.
pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::ContentType => {
            ApiError::UnsupportedMediaType("expected Content-Type: application/json".into())
        }
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => {
            ApiError::PayloadTooLarge(format!("the JSON body is larger than {limit} bytes"))
        }
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            ApiError::Validation(vec![ayuda_types::FieldError::new(
                "body",
                "invalid",
                e.to_string(),
            )])
        }
        JsonPayloadError::Deserialize(e) => ApiError::BadRequest(format!("malformed JSON: {e}")),
        other => ApiError::BadRequest(other.to_string()),
    };
    error(api)
}

/// Unparseable query strings are a 400.
pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    error(ApiError::BadRequest(format!("invalid query: {err}")))
}

/// A path segment of the wrong type (`/users/abc`) names nothing: 404.
pub fn path_error(_err: PathError, _req: &HttpRequest) -> actix_web::Error {
    error(ApiError::NotFound)
}

fn error(api: ApiError) -> actix_web::Error {
    let response = api.error_response();
    actix_web::error::InternalError::from_response(api, response).into()
}
