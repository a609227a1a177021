//! `/api/v1/users`: user administration (admins), customer look-up (agents).

use actix_web::http::header;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpResponse, get, patch, post, put};
use ayuda_types::{
    CreateUser, ListUsersParams, Page, ProblemDetails, Subscriptions, UpdateUser, User, UserRef,
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::responses::{AdminsOnly, InvalidFields, StaffOnly, Unauthorized};
use super::tags;
use crate::auth::AuthUser;
use crate::error::{ApiResult, validated};
use crate::state::AppState;
use crate::{accounts, people, ticket_types};

pub(super) fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(list_agents)
        .service(list_users)
        .service(create_user)
        .service(get_user)
        .service(update_user)
        .service(get_subscriptions)
        .service(put_subscriptions);
}

/// The ticket types an agent is notified about (admins, or the agent themself). An agent
/// subscribed to nothing hears of types nobody subscribed to.
#[utoipa::path(
    tag = tags::USERS,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id of an agent or admin")),
    responses(
        (status = 200, description = "The subscriptions", body = Subscriptions),
        (status = 401, response = Unauthorized),
        (status = 403, description = "Neither an admin nor that agent", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such agent", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/users/{id}/subscriptions")]
async fn get_subscriptions(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<i64>,
) -> ApiResult<Json<Subscriptions>> {
    Ok(Json(
        ticket_types::subscriptions(&state, &user.account, id.into_inner()).await?,
    ))
}

/// Replace the ticket types an agent is notified about.
#[utoipa::path(
    tag = tags::USERS,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id of an agent or admin")),
    request_body = Subscriptions,
    responses(
        (status = 200, description = "The new subscriptions", body = Subscriptions),
        (status = 401, response = Unauthorized),
        (status = 403, description = "Neither an admin nor that agent", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such agent", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Unknown type ids", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[put("/users/{id}/subscriptions")]
async fn put_subscriptions(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<i64>,
    body: Json<Subscriptions>,
) -> ApiResult<Json<Subscriptions>> {
    let input = validated(body.into_inner())?;
    Ok(Json(
        ticket_types::subscribe(&state, &user.account, id.into_inner(), input).await?,
    ))
}

/// Users, newest first, optionally of one role or matching a search (admins; agents get
/// only customers, to find whom a ticket is for).
#[utoipa::path(
    tag = tags::USERS,
    security(("bearer" = [])),
    params(ListUsersParams),
    responses(
        (status = 200, description = "One page of users", body = Page<User>),
        (status = 400, description = "Invalid cursor or parameters", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, response = Unauthorized),
        (status = 403, response = StaffOnly),
        (status = 422, description = "Limit out of range", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/users")]
async fn list_users(
    state: Data<AppState>,
    user: AuthUser,
    query: Query<ListUsersParams>,
) -> ApiResult<Json<Page<User>>> {
    Ok(Json(
        people::list(&state, &user.account, query.into_inner()).await?,
    ))
}

/// The active agents and admins, by name: whom a ticket can be assigned to (agents and
/// admins).
#[utoipa::path(
    tag = tags::USERS,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Active staff, by name", body = Vec<UserRef>),
        (status = 401, response = Unauthorized),
        (status = 403, response = StaffOnly),
    )
)]
#[get("/agents")]
async fn list_agents(state: Data<AppState>, user: AuthUser) -> ApiResult<Json<Vec<UserRef>>> {
    Ok(Json(people::assignable(&state, &user.account).await?))
}

/// Create a user with a role; they get an invitation email to choose a password.
#[utoipa::path(
    tag = tags::USERS,
    security(("bearer" = [])),
    request_body = CreateUser,
    responses(
        (status = 201, description = "Created; `Location` names the user", body = User),
        (status = 401, response = Unauthorized),
        (status = 403, response = AdminsOnly),
        (status = 409, description = "The email is taken", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, response = InvalidFields),
    )
)]
#[post("/users")]
async fn create_user(
    state: Data<AppState>,
    user: AuthUser,
    body: Json<CreateUser>,
) -> ApiResult<HttpResponse> {
    let created =
        accounts::create_user(&state, &user.account, validated(body.into_inner())?).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", created.id)))
        .json(created))
}

/// One user (admins; agents may read customers, for the requester panel beside a ticket).
#[utoipa::path(
    tag = tags::USERS,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "The user", body = User),
        (status = 401, response = Unauthorized),
        (status = 403, response = StaffOnly),
        (status = 404, description = "No such user", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/users/{id}")]
async fn get_user(state: Data<AppState>, user: AuthUser, id: Path<i64>) -> ApiResult<Json<User>> {
    Ok(Json(
        people::one(&state, &user.account, id.into_inner()).await?,
    ))
}

/// Change a user's role, or deactivate/reactivate them. Deactivation ends their sessions
/// at once. The last active admin cannot be demoted or deactivated.
#[utoipa::path(
    tag = tags::USERS,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    request_body = UpdateUser,
    responses(
        (status = 200, description = "The updated user", body = User),
        (status = 401, response = Unauthorized),
        (status = 403, response = AdminsOnly),
        (status = 404, description = "No such user", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Would leave no active admin, or an admin would demote or deactivate themselves", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/users/{id}")]
async fn update_user(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<i64>,
    body: Json<UpdateUser>,
) -> ApiResult<Json<User>> {
    Ok(Json(
        accounts::update_user(&state, &user.account, id.into_inner(), body.into_inner()).await?,
    ))
}
