//! `/api/v1/inbound`: raw email from a mail server (MTA pipe or a provider's webhook), and
//! the agents' view of everything email intake received.

use actix_files::NamedFile;
use actix_web::http::header::{self, CONTENT_TYPE, HeaderValue};
use actix_web::web::{Data, Path, Payload, Query};
use actix_web::{HttpRequest, HttpResponse, get, post};
use ayuda_types::{
    InboundEmail, InboundEmailDetail, InboundReceipt, IntakeOutcome, ListInboundParams, Page,
    ProblemDetails,
};
use futures_util::StreamExt;
use utoipa_actix_web::service_config::ServiceConfig;

use super::responses::{StaffOnly, Unauthorized};
use super::tags;
use crate::auth::AuthUser;
use crate::auth::extract::bearer_token;
use crate::auth::secret::token_hash;
use crate::error::{ApiError, ApiResult};
use crate::intake::{self, Source, records};
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(receive)
        .service(list)
        .service(detail)
        .service(original);
}

/// Take in one raw email (`message/rfc822`), as the IMAP poller would: a new ticket, a reply
/// to a ticket, or a recorded bounce. Answers only when the message is stored durably, so a
/// caller that gets no `202` should retry; the same `Message-ID` twice creates nothing new.
/// A message that cannot be stored, tried twice while the database answers, is set aside
/// in the data directory and answered `202` with outcome `failed`.
/// Needs `Authorization: Bearer <AYUDA_INBOUND_TOKEN>`; without that setting the endpoint
/// does not exist (404).
#[utoipa::path(
    tag = tags::EMAIL,
    security(("inbound_token" = [])),
    request_body(content = String, content_type = "message/rfc822", description = "The raw message"),
    responses(
        (status = 202, description = "Stored; what became of it", body = InboundReceipt),
        (status = 401, description = "Missing or wrong inbound token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No AYUDA_INBOUND_TOKEN is configured", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 413, description = "Far beyond AYUDA_INBOUND_MAX_BYTES (four times it); merely larger messages are kept and rejected with 202", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 415, description = "Not message/rfc822", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 503, description = "The database is unavailable: keep the message and retry", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/inbound/email")]
async fn receive(
    state: Data<AppState>,
    req: HttpRequest,
    mut payload: Payload,
) -> ApiResult<HttpResponse> {
    let Some(expected) = &state.settings.inbound_token else {
        return Err(ApiError::NotFound);
    };
    let given = bearer_token(&req).ok_or(ApiError::Unauthorized("missing inbound token"))?;
    if token_hash(given) != token_hash(expected) {
        return Err(ApiError::Unauthorized("wrong inbound token"));
    }
    let media = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    if media.as_deref() != Some("message/rfc822") {
        return Err(ApiError::UnsupportedMediaType(
            "send the raw email as message/rfc822".into(),
        ));
    }
    let hard_limit = state.settings.inbound_max_bytes.saturating_mul(4);
    let too_large = || {
        ApiError::PayloadTooLarge(format!(
            "emails may be at most {hard_limit} bytes here; larger ones are refused unread"
        ))
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > hard_limit) {
        return Err(too_large());
    }
    let mut raw = Vec::with_capacity(declared.unwrap_or(0).min(hard_limit) as usize);
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest(format!("reading the body: {e}")))?;
        if (raw.len() + chunk.len()) as u64 > hard_limit {
            return Err(too_large());
        }
        raw.extend_from_slice(&chunk);
    }
    if raw.is_empty() {
        return Err(ApiError::BadRequest("the body is empty".into()));
    }
    let outcome = intake::ingest(&state, &raw, Source::Webhook).await?;
    Ok(HttpResponse::Accepted().json(InboundReceipt {
        ticket_number: outcome.ticket_number,
        created: outcome.disposition == IntakeOutcome::Ticketed,
        outcome: outcome.disposition,
        reason: outcome.reason,
        inbound_id: outcome.inbound_id,
    }))
}

/// Everything email intake received, newest first (agents): what became of each message
/// and why, to find a misthreaded reply, a bounce or a rejected message.
#[utoipa::path(
    tag = tags::EMAIL,
    security(("bearer" = [])),
    params(ListInboundParams),
    responses(
        (status = 200, description = "A page of received email", body = Page<InboundEmail>),
        (status = 401, response = Unauthorized),
        (status = 403, response = StaffOnly),
    )
)]
#[get("/inbound/emails")]
async fn list(
    state: Data<AppState>,
    user: AuthUser,
    query: Query<ListInboundParams>,
) -> ApiResult<HttpResponse> {
    let page = records::list(&state, &user.account, query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One received email with its headers (agents).
#[utoipa::path(
    tag = tags::EMAIL,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Intake record id")),
    responses(
        (status = 200, description = "The email", body = InboundEmailDetail),
        (status = 401, response = Unauthorized),
        (status = 403, response = StaffOnly),
        (status = 404, description = "No such record", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/inbound/emails/{id}")]
async fn detail(state: Data<AppState>, user: AuthUser, id: Path<i64>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(records::detail(&state, &user.account, id.into_inner()).await?))
}

/// The original message, byte for byte, as an `.eml` download (agents).
#[utoipa::path(
    tag = tags::EMAIL,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Intake record id")),
    responses(
        (status = 200, description = "The raw message", content_type = "message/rfc822"),
        (status = 401, response = Unauthorized),
        (status = 403, response = StaffOnly),
        (status = 404, description = "No such record", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/inbound/emails/{id}/raw")]
async fn original(
    state: Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let mut response = match records::original(&state, &user.account, id).await? {
        records::Original::Bytes(bytes) => HttpResponse::Ok().body(bytes),
        // Streamed from the file, not read into memory.
        records::Original::File(path) => NamedFile::open(&path)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("email {id} missing: {e}")))?
            .use_last_modified(false)
            .use_etag(false)
            .into_response(&req),
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("message/rfc822"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"email-{id}.eml\""))
            .map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))?,
    );
    Ok(response)
}
