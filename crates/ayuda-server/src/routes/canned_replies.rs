//! `/api/v1/canned-replies`: reply texts agents insert from the composer.

use actix_web::http::header;
use actix_web::web::{Data, Json, Path};
use actix_web::{HttpResponse, delete, get, patch, post};
use ayuda_types::{CannedReply, CreateCannedReply, ProblemDetails, UpdateCannedReply};
use utoipa_actix_web::service_config::ServiceConfig;

use super::responses::{StaffOnly, Unauthorized};
use super::tags;
use crate::auth::AuthUser;
use crate::canned;
use crate::error::{ApiResult, validated};
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(list_canned)
        .service(create_canned)
        .service(update_canned)
        .service(delete_canned);
}

/// The canned replies the caller may use: the shared ones and their own, by title
/// (agents and admins).
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The replies", body = Vec<CannedReply>),
        (status = 401, response = Unauthorized),
        (status = 403, response = StaffOnly),
    )
)]
#[get("/canned-replies")]
async fn list_canned(state: Data<AppState>, user: AuthUser) -> ApiResult<Json<Vec<CannedReply>>> {
    Ok(Json(canned::list(&state, &user.account).await?))
}

/// Add a canned reply: the caller's own, or `shared` with every agent (admins). The body
/// may use the placeholders `{{customer.name}}`, `{{customer.first_name}}`,
/// `{{ticket.number}}`, `{{ticket.title}}` and `{{agent.name}}`; any other is refused.
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    request_body = CreateCannedReply,
    responses(
        (status = 201, description = "Added", body = CannedReply),
        (status = 401, response = Unauthorized),
        (status = 403, description = "Customers may not; only admins share", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or an unknown placeholder", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/canned-replies")]
async fn create_canned(
    state: Data<AppState>,
    user: AuthUser,
    body: Json<CreateCannedReply>,
) -> ApiResult<HttpResponse> {
    let input = validated(body.into_inner())?;
    let reply = canned::create(&state, &user.account, input).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/canned-replies/{}", reply.id),
        ))
        .json(reply))
}

/// Change a canned reply: one's own, or a shared one (admins).
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Canned reply id")),
    request_body = UpdateCannedReply,
    responses(
        (status = 200, description = "Changed", body = CannedReply),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A shared reply, and not an admin", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such reply of the caller's", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or an unknown placeholder", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/canned-replies/{id}")]
async fn update_canned(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<i64>,
    body: Json<UpdateCannedReply>,
) -> ApiResult<Json<CannedReply>> {
    let input = validated(body.into_inner())?;
    Ok(Json(
        canned::update(&state, &user.account, id.into_inner(), input).await?,
    ))
}

/// Delete a canned reply: one's own, or a shared one (admins).
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Canned reply id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A shared reply, and not an admin", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such reply of the caller's", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/canned-replies/{id}")]
async fn delete_canned(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<i64>,
) -> ApiResult<HttpResponse> {
    canned::delete(&state, &user.account, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
