//! `/api/v1/me`: the logged-in user's own profile.

use actix_web::web::{Data, Json};
use actix_web::{HttpResponse, get, patch, post};
use ayuda_types::{
    Accepted, ChangeEmailRequest, ChangePasswordRequest, ProblemDetails, UpdateMe, User,
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::responses::{InvalidFields, Unauthorized};
use super::tags;
use crate::accounts;
use crate::auth::{AuthUser, ClientAddr};
use crate::error::{ApiResult, validated};
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(get_me)
        .service(update_me)
        .service(change_password)
        .service(change_email);
}

/// The logged-in user.
#[utoipa::path(
    tag = tags::ME,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The logged-in user", body = User),
        (status = 401, response = Unauthorized),
    )
)]
#[get("/me")]
async fn get_me(user: AuthUser) -> ApiResult<Json<User>> {
    Ok(Json(accounts::profile(&user.account)?))
}

/// Change your display name or language.
#[utoipa::path(
    tag = tags::ME,
    security(("bearer" = [])),
    request_body = UpdateMe,
    responses(
        (status = 200, description = "The updated user", body = User),
        (status = 401, response = Unauthorized),
        (status = 422, response = InvalidFields),
    )
)]
#[patch("/me")]
async fn update_me(
    state: Data<AppState>,
    user: AuthUser,
    body: Json<UpdateMe>,
) -> ApiResult<Json<User>> {
    let req = validated(body.into_inner())?;
    Ok(Json(
        accounts::update_profile(&state, user.account, req).await?,
    ))
}

/// Change your password: give the current one and the new one. Every other session of
/// yours ends (other devices must sign in again); this one goes on.
#[utoipa::path(
    tag = tags::ME,
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed; other sessions ended"),
        (status = 401, response = Unauthorized),
        (status = 422, description = "Wrong current password, or a new one that breaks the policy", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong current passwords (the account's login limit)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/me/password")]
async fn change_password(
    state: Data<AppState>,
    user: AuthUser,
    addr: ClientAddr,
    body: Json<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    let req = validated(body.into_inner())?;
    accounts::change_password(&state, &user.account, &user.session, &addr.0, req).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Move your account to another email address: give the new one and your current password.
/// A link goes to the new address and the change happens when it is opened; the current
/// address is told. The answer does not say whether the new address has an account (if it
/// does, no link is sent and nothing changes).
#[utoipa::path(
    tag = tags::ME,
    security(("bearer" = [])),
    request_body = ChangeEmailRequest,
    responses(
        (status = 202, description = "A confirmation link is on its way to the new address", body = Accepted),
        (status = 401, response = Unauthorized),
        (status = 422, description = "Not an address, the current one, or a wrong current password", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong current passwords (the account's login limit)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/me/email")]
async fn change_email(
    state: Data<AppState>,
    user: AuthUser,
    addr: ClientAddr,
    body: Json<ChangeEmailRequest>,
) -> ApiResult<HttpResponse> {
    let req = validated(body.into_inner())?;
    accounts::request_email_change(&state, &user.account, &addr.0, req).await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        message: "Open the link we sent to the new address to confirm it.".into(),
    }))
}
