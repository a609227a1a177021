//! `/api/v1/ticket-types`: the types customers choose from; admins manage them.

use actix_web::http::header;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpResponse, get, patch, post};
use ayuda_db::{is_unique_violation, ticket_types};
use ayuda_types::{
    CreateTicketType, ListTicketTypesParams, ProblemDetails, TicketType, UpdateTicketType,
};
use chrono::Utc;
use utoipa_actix_web::service_config::ServiceConfig;

use super::tags;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, validated};
use crate::outbound::user_locale;
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(list_types)
        .service(create_type)
        .service(update_type);
}

fn taken(err: ayuda_db::DbErr) -> ApiError {
    if is_unique_violation(&err) {
        ApiError::Conflict("a ticket type with this name exists".into())
    } else {
        err.into()
    }
}

/// Active ticket types, names in the caller's language. Agents and admins may ask for the
/// inactive ones too.
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    params(ListTicketTypesParams),
    responses(
        (status = 200, description = "The types", body = Vec<TicketType>),
        (status = 401, description = "No or invalid access token", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/ticket-types")]
async fn list_types(
    state: Data<AppState>,
    user: AuthUser,
    query: Query<ListTicketTypesParams>,
) -> ApiResult<Json<Vec<TicketType>>> {
    let include_inactive = query.include_inactive && user.role().is_staff();
    let locale = user_locale(&state.settings, &user.0);
    let rows = ticket_types::list(&state.db, include_inactive).await?;
    Ok(Json(
        rows.iter()
            .map(|t| ticket_types::to_wire(t, locale))
            .collect(),
    ))
}

/// Create a ticket type (admins).
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    request_body = CreateTicketType,
    responses(
        (status = 201, description = "Created", body = TicketType),
        (status = 401, description = "No or invalid access token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/ticket-types")]
async fn create_type(
    state: Data<AppState>,
    user: AuthUser,
    body: Json<CreateTicketType>,
) -> ApiResult<HttpResponse> {
    user.require_admin()?;
    let input = validated(body.into_inner())?;
    let row = ticket_types::insert(
        &state.db,
        input.name.trim().to_owned(),
        input.description.trim().to_owned(),
        &input.translations,
        Utc::now(),
    )
    .await
    .map_err(taken)?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/ticket-types/{}", row.id)))
        .json(ticket_types::to_wire(
            &row,
            user_locale(&state.settings, &user.0),
        )))
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
        (status = 401, description = "No or invalid access token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such type", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/ticket-types/{id}")]
async fn update_type(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<i64>,
    body: Json<UpdateTicketType>,
) -> ApiResult<Json<TicketType>> {
    user.require_admin()?;
    let input = validated(body.into_inner())?;
    let row = ticket_types::find(&state.db, id.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    let row = ticket_types::update(
        &state.db,
        row,
        input.name.map(|n| n.trim().to_owned()),
        input.description.map(|d| d.trim().to_owned()),
        input.translations.as_ref(),
        input.active,
        Utc::now(),
    )
    .await
    .map_err(taken)?;
    Ok(Json(ticket_types::to_wire(
        &row,
        user_locale(&state.settings, &user.0),
    )))
}
