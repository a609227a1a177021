//! `/api/v1/me`: the logged-in user's own profile.

use actix_web::web::{Data, Json};
use actix_web::{get, patch};
use ayuda_db::users;
use ayuda_types::{ProblemDetails, UpdateMe, User};
use utoipa_actix_web::service_config::ServiceConfig;

use super::tags;
use crate::auth::AuthUser;
use crate::error::{ApiResult, validated};
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(get_me).service(update_me);
}

/// The logged-in user.
#[utoipa::path(
    tag = tags::ME,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The logged-in user", body = User),
        (status = 401, description = "No or invalid access token", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
async fn get_me(user: AuthUser) -> ApiResult<Json<User>> {
    Ok(Json(users::to_wire(&user.0)?))
}

/// Change your display name or language.
#[utoipa::path(
    tag = tags::ME,
    security(("bearer" = [])),
    request_body = UpdateMe,
    responses(
        (status = 200, description = "The updated user", body = User),
        (status = 401, description = "No or invalid access token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/me")]
async fn update_me(
    state: Data<AppState>,
    user: AuthUser,
    body: Json<UpdateMe>,
) -> ApiResult<Json<User>> {
    let req = validated(body.into_inner())?;
    let name = req.name.map(|n| n.trim().to_owned());
    let row =
        users::update_profile(&state.writer, user.0, name, req.locale, chrono::Utc::now()).await?;
    Ok(Json(users::to_wire(&row)?))
}
