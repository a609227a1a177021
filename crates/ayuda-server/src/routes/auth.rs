//! `/api/v1/auth/*`: registration, activation, login, refresh, logout, password reset.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::http::header::{self, ContentType};
use actix_web::web::{Bytes, Data, Json};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, mime, post};
use ayuda_types::{
    Accepted, ConfirmEmailRequest, ForgotPasswordRequest, LoginRequest, LoginResponse,
    ProblemDetails, RefreshRequest, RegisterRequest, SetPasswordRequest, User,
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::responses::InvalidFields;
use super::tags;
use crate::accounts;
use crate::auth::ClientAddr;
use crate::auth::secret::token_hash;
use crate::error::{ApiError, ApiResult, validated};
use crate::state::AppState;

/// Name of the refresh-token cookie.
pub const REFRESH_COOKIE: &str = "ayuda_refresh";
/// The cookie is sent only to the auth endpoints.
const REFRESH_COOKIE_PATH: &str = "/api/v1/auth";

pub(super) fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(register)
        .service(activate)
        .service(login)
        .service(refresh)
        .service(logout)
        .service(forgot_password)
        .service(reset_password)
        .service(confirm_email);
}

/// Ask for an account.
///
/// Always answers 202 with the same body, whether or not the address already has an
/// account; what happens next is told by email (a welcome email with an activation link,
/// or a note that the account exists).
#[utoipa::path(
    tag = tags::AUTH,
    request_body = RegisterRequest,
    responses(
        (status = 202, description = "Accepted; check your email", body = Accepted),
        (status = 400, description = "Malformed JSON", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, response = InvalidFields),
        (status = 429, description = "Too many registrations from this address", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/auth/register")]
async fn register(
    state: Data<AppState>,
    client: ClientAddr,
    body: Json<RegisterRequest>,
) -> ApiResult<HttpResponse> {
    let req = validated(body.into_inner())?;
    state.limiters.register(&client.0)?;
    accounts::register(&state, req).await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        message: "If the address can be registered, an email with the next step is on its way."
            .into(),
    }))
}

/// Choose the first password with the token from the welcome email, and log in.
#[utoipa::path(
    tag = tags::AUTH,
    request_body = SetPasswordRequest,
    responses(
        (status = 200, description = "Activated and logged in; also sets the refresh cookie", body = LoginResponse),
        (status = 400, description = "Invalid, spent or expired token, or malformed JSON", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Password too short or too long", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many invalid links from this address", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 503, description = "Too busy to set a password now; retry after `Retry-After` seconds (the link still works)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/auth/activate")]
async fn activate(
    state: Data<AppState>,
    client: ClientAddr,
    body: Json<SetPasswordRequest>,
) -> ApiResult<HttpResponse> {
    let session = accounts::activate(&state, &client.0, validated(body.into_inner())?).await?;
    Ok(with_session(&state, session))
}

/// Log in with email, username or phone, and password.
#[utoipa::path(
    tag = tags::AUTH,
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in; also sets the refresh cookie", body = LoginResponse),
        (status = 401, description = "Wrong login or password (always the same answer)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Empty fields", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed logins for this account or address", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 503, description = "Too busy to check passwords now; retry after `Retry-After` seconds", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
async fn login(
    state: Data<AppState>,
    client: ClientAddr,
    body: Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let session = accounts::login(&state, &client.0, validated(body.into_inner())?).await?;
    Ok(with_session(&state, session))
}

/// Trade a refresh token (body or cookie) for new tokens. The presented token stops
/// working; presenting it again ends the whole session.
#[utoipa::path(
    tag = tags::AUTH,
    request_body(content = Option<RefreshRequest>, description = "Leave out (or omit the field) to use the `ayuda_refresh` cookie"),
    responses(
        (status = 200, description = "New tokens; also sets the refresh cookie", body = LoginResponse),
        (status = 401, description = "Unknown, spent, revoked or expired refresh token", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
async fn refresh(state: Data<AppState>, req: HttpRequest, body: Bytes) -> ApiResult<HttpResponse> {
    let token =
        refresh_token_of(&req, &body)?.ok_or(ApiError::Unauthorized("missing refresh token"))?;
    let session = accounts::refresh(&state, &token).await?;
    Ok(with_session(&state, session))
}

/// End the session of a refresh token (body or cookie) and clear the cookie.
#[utoipa::path(
    tag = tags::AUTH,
    request_body(content = Option<RefreshRequest>, description = "Leave out to use the `ayuda_refresh` cookie"),
    responses(
        (status = 204, description = "Logged out"),
    )
)]
#[post("/auth/logout")]
async fn logout(state: Data<AppState>, req: HttpRequest, body: Bytes) -> ApiResult<HttpResponse> {
    let token = refresh_token_of(&req, &body)?;
    accounts::logout(&state, token.as_deref()).await?;
    let mut gone = refresh_cookie(&state, String::new());
    gone.make_removal();
    let mut hint_gone = signed_in_cookie(&state, String::new());
    hint_gone.make_removal();
    Ok(HttpResponse::NoContent()
        .cookie(gone)
        .cookie(hint_gone)
        .finish())
}

/// Ask for a password-reset link. Always 202, for known and unknown addresses alike.
#[utoipa::path(
    tag = tags::AUTH,
    request_body = ForgotPasswordRequest,
    responses(
        (status = 202, description = "Accepted; check your email", body = Accepted),
        (status = 422, description = "Not an email address", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password/forgot")]
async fn forgot_password(
    state: Data<AppState>,
    client: ClientAddr,
    body: Json<ForgotPasswordRequest>,
) -> ApiResult<HttpResponse> {
    let req = validated(body.into_inner())?;
    state.limiters.forgot(&client.0)?;
    accounts::forgot_password(&state, &req.email).await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        message: "If an account uses this address, a link to reset the password is on its way."
            .into(),
    }))
}

/// Choose a new password with the token from the reset email, and log in. Every other
/// session of the account ends.
#[utoipa::path(
    tag = tags::AUTH,
    request_body = SetPasswordRequest,
    responses(
        (status = 200, description = "Password changed and logged in", body = LoginResponse),
        (status = 400, description = "Invalid, spent or expired token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Password too short or too long", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many invalid links from this address", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 503, description = "Too busy to set a password now; retry after `Retry-After` seconds (the link still works)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password/reset")]
async fn reset_password(
    state: Data<AppState>,
    client: ClientAddr,
    body: Json<SetPasswordRequest>,
) -> ApiResult<HttpResponse> {
    let session =
        accounts::reset_password(&state, &client.0, validated(body.into_inner())?).await?;
    Ok(with_session(&state, session))
}

/// Confirm a new email address with the token of the link sent to it: the account signs in
/// and gets mail there from now on. Needs no session (the link may be opened anywhere).
#[utoipa::path(
    tag = tags::AUTH,
    request_body = ConfirmEmailRequest,
    responses(
        (status = 200, description = "The account, at its new address", body = User),
        (status = 400, description = "Invalid, spent or expired link", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The address got an account of its own meanwhile", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many invalid links from this address", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/auth/email/confirm")]
async fn confirm_email(
    state: Data<AppState>,
    client: ClientAddr,
    body: Json<ConfirmEmailRequest>,
) -> ApiResult<Json<User>> {
    let req = validated(body.into_inner())?;
    Ok(Json(
        accounts::confirm_email_change(&state, &client.0, &req.token).await?,
    ))
}

/// 200 with the login response, setting the refresh cookie.
fn with_session(state: &AppState, session: LoginResponse) -> HttpResponse {
    let hint = signed_in_cookie(state, session_tag(&session.refresh_token));
    let cookie = refresh_cookie(state, session.refresh_token.clone());
    HttpResponse::Ok()
        .cookie(cookie)
        .cookie(hint)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(session)
}

/// The cookie that tells the web app a refresh cookie may exist (that one is HttpOnly, so
/// no script can see it): without it, a visitor's first page load does not ask for a
/// refresh that can only fail. Its value, [`session_tag`], changes with every refresh
/// cookie, so a page can tell when a refresh sent by a page since closed has arrived
/// (see `index.html`). It holds no secret.
pub const SIGNED_IN_COOKIE: &str = "ayuda_signed_in";

fn signed_in_cookie(state: &AppState, tag: String) -> Cookie<'static> {
    Cookie::build(SIGNED_IN_COOKIE, tag)
        .path("/")
        .same_site(SameSite::Strict)
        .secure(state.settings.public_url_is_https())
        .max_age(session_lifetime(state))
        .finish()
}

/// Names a refresh token without revealing it: the first 64 bits of its SHA-256 (the
/// token has 256 random bits, so this says nothing that would help to forge it).
fn session_tag(refresh_token: &str) -> String {
    let mut hash = token_hash(refresh_token);
    hash.truncate(16);
    hash
}

/// How long a session lasts unused: the refresh token's lifetime.
fn session_lifetime(state: &AppState) -> time::Duration {
    time::Duration::days(i64::try_from(state.settings.refresh_token_ttl_days).unwrap_or(30))
}

fn refresh_cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, value)
        .path(REFRESH_COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.public_url_is_https())
        .max_age(session_lifetime(state))
        .finish()
}

/// The refresh token from an optional JSON body, else from the cookie. The body may be
/// empty (SPA with cookie); if present it must be JSON.
fn refresh_token_of(req: &HttpRequest, body: &Bytes) -> ApiResult<Option<String>> {
    let from_body = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        let is_json = req.mime_type().ok().flatten().is_some_and(|m| {
            m.type_() == mime::APPLICATION
                && (m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON))
        });
        if !is_json {
            return Err(ApiError::UnsupportedMediaType(format!(
                "expected {}",
                ContentType::json()
            )));
        }
        let parsed: RefreshRequest = serde_json::from_slice(body)
            .map_err(|e| ApiError::BadRequest(format!("invalid JSON: {e}")))?;
        parsed.refresh_token.filter(|t| !t.is_empty())
    };
    Ok(from_body.or_else(|| {
        req.cookie(REFRESH_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|v| !v.is_empty())
    }))
}
