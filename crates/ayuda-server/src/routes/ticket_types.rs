//! `/api/v1/ticket-types`: the types customers choose from; admins manage them.

use actix_web::http::header;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpResponse, get, patch, post};
use ayuda_types::{
    CreateTicketType, ListTicketTypesParams, ProblemDetails, TicketType, UpdateTicketType,
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::responses::{AdminsOnly, InvalidFields, Unauthorized};
use super::tags;
use crate::auth::AuthUser;
use crate::error::{ApiResult, validated};
use crate::state::AppState;
use crate::ticket_types;

pub(super) fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(list_types)
        .service(create_type)
        .service(update_type);
}

/// Active ticket types, names in the caller's language. Agents and admins may ask for the
/// inactive ones too.
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    params(ListTicketTypesParams),
    responses(
        (status = 200, description = "The types", body = Vec<TicketType>),
        (status = 401, response = Unauthorized),
    )
)]
#[get("/ticket-types")]
async fn list_types(
    state: Data<AppState>,
    user: AuthUser,
    query: Query<ListTicketTypesParams>,
) -> ApiResult<Json<Vec<TicketType>>> {
    Ok(Json(
        ticket_types::list(&state, &user.account, query.include_inactive).await?,
    ))
}

/// Create a ticket type (admins).
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    request_body = CreateTicketType,
    responses(
        (status = 201, description = "Created", body = TicketType),
        (status = 401, response = Unauthorized),
        (status = 403, response = AdminsOnly),
        (status = 409, description = "The name is taken", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, response = InvalidFields),
    )
)]
#[post("/ticket-types")]
async fn create_type(
    state: Data<AppState>,
    user: AuthUser,
    body: Json<CreateTicketType>,
) -> ApiResult<HttpResponse> {
    let created =
        ticket_types::create(&state, &user.account, validated(body.into_inner())?).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/ticket-types/{}", created.id),
        ))
        .json(created))
}

/// Rename, translate, deactivate or reactivate a type (admins). Types are never deleted:
/// old tickets keep theirs.
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Type id")),
    request_body = UpdateTicketType,
    responses(
        (status = 200, description = "The updated type", body = TicketType),
        (status = 401, response = Unauthorized),
        (status = 403, response = AdminsOnly),
        (status = 404, description = "No such type", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, response = InvalidFields),
    )
)]
#[patch("/ticket-types/{id}")]
async fn update_type(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<i64>,
    body: Json<UpdateTicketType>,
) -> ApiResult<Json<TicketType>> {
    let input = validated(body.into_inner())?;
    Ok(Json(
        ticket_types::update(&state, &user.account, id.into_inner(), input).await?,
    ))
}
