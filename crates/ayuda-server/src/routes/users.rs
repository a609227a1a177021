//! `/api/v1/users`: user administration (admins), customer look-up (agents).

use actix_web::http::header;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpResponse, get, patch, post, put};
use ayuda_db::{ticket_types, users};
use ayuda_types::{
    CreateUser, ListUsersParams, Page, ProblemDetails, Role, Subscriptions, UpdateUser, User,
    UserRef,
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::tags;
use crate::accounts;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, validated};
use crate::pagination;
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(list_agents)
        .service(list_users)
        .service(create_user)
        .service(get_user)
        .service(update_user)
        .service(get_subscriptions)
        .service(put_subscriptions);
}

/// The staff member `id`, if `user` may manage their subscriptions (admins, or agents for
/// themselves); customers have none.
async fn subscriber(
    state: &AppState,
    user: &AuthUser,
    id: i64,
) -> ApiResult<ayuda_db::users::UserRow> {
    if user.0.id != id {
        user.require_admin()?;
    } else if !user.role().is_staff() {
        return Err(ApiError::Forbidden);
    }
    users::find_by_id(&state.db, id)
        .await?
        .filter(users::is_staff)
        .ok_or(ApiError::NotFound)
}

/// The ticket types an agent is notified about (admins, or the agent themself). An agent
/// subscribed to nothing hears of types nobody subscribed to.
#[utoipa::path(
    tag = tags::USERS,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id of an agent or admin")),
    responses(
        (status = 200, description = "The subscriptions", body = Subscriptions),
        (status = 401, description = "No or invalid access token", body = ProblemDetails, content_type = "application/problem+json"),
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
    let agent = subscriber(&state, &user, id.into_inner()).await?;
    Ok(Json(Subscriptions {
        type_ids: ticket_types::subscriptions_of(&state.db, agent.id).await?,
    }))
}

/// Replace the ticket types an agent is notified about.
#[utoipa::path(
    tag = tags::USERS,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id of an agent or admin")),
    request_body = Subscriptions,
    responses(
        (status = 200, description = "The new subscriptions", body = Subscriptions),
        (status = 401, description = "No or invalid access token", body = ProblemDetails, content_type = "application/problem+json"),
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
    let agent = subscriber(&state, &user, id.into_inner()).await?;
    let input = validated(body.into_inner())?;
    let known: Vec<i64> = ticket_types::list(&state.db, true)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    if input.type_ids.iter().any(|id| !known.contains(id)) {
        return Err(ApiError::field(
            "type_ids",
            "must name existing ticket types",
        ));
    }
    let txn = ayuda_db::begin_write(&state.writer).await?;
    ticket_types::replace_subscriptions(&txn, agent.id, &input.type_ids, chrono::Utc::now())
        .await?;
    txn.commit().await?;
    Ok(Json(Subscriptions {
        type_ids: ticket_types::subscriptions_of(&state.db, agent.id).await?,
    }))
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
        (status = 401, description = "No or invalid access token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Customers may not", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Limit out of range", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/users")]
async fn list_users(
    state: Data<AppState>,
    user: AuthUser,
    query: Query<ListUsersParams>,
) -> ApiResult<Json<Page<User>>> {
    user.require_staff()?;
    let params = query.into_inner();
    // Agents look customers up (to open a ticket on someone's behalf); admins see everyone.
    let role = if user.role() == Role::Admin {
        params.role
    } else {
        Some(Role::Customer)
    };
    let limit = pagination::limit(params.limit)?;
    let before: Option<i64> = state.cursors.decode(params.cursor.as_deref())?;
    let rows = users::list(&state.db, role, params.q.as_deref(), before, limit).await?;
    Ok(Json(state.cursors.try_page(
        rows,
        limit,
        |r| r.id,
        users::to_wire,
    )?))
}

/// The active agents and admins, by name: whom a ticket can be assigned to (agents and
/// admins).
#[utoipa::path(
    tag = tags::USERS,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Active staff, by name", body = Vec<UserRef>),
        (status = 401, description = "No or invalid access token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Customers may not", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/agents")]
async fn list_agents(state: Data<AppState>, user: AuthUser) -> ApiResult<Json<Vec<UserRef>>> {
    user.require_staff()?;
    let rows = users::active_staff(&state.db).await?;
    Ok(Json(
        rows.into_iter()
            .map(|u| UserRef {
                id: u.id,
                name: u.name,
            })
            .collect(),
    ))
}

/// Create a user with a role; they get an invitation email to choose a password.
#[utoipa::path(
    tag = tags::USERS,
    security(("bearer" = [])),
    request_body = CreateUser,
    responses(
        (status = 201, description = "Created; `Location` names the user", body = User),
        (status = 401, description = "No or invalid access token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The email is taken", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
async fn create_user(
    state: Data<AppState>,
    user: AuthUser,
    body: Json<CreateUser>,
) -> ApiResult<HttpResponse> {
    user.require_admin()?;
    let created = accounts::create_user(&state, validated(body.into_inner())?).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", created.id)))
        .json(users::to_wire(&created)?))
}

/// One user (admins; agents may read customers, for the requester panel beside a ticket).
#[utoipa::path(
    tag = tags::USERS,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "The user", body = User),
        (status = 401, description = "No or invalid access token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Customers may not", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/users/{id}")]
async fn get_user(state: Data<AppState>, user: AuthUser, id: Path<i64>) -> ApiResult<Json<User>> {
    user.require_staff()?;
    // Agents see customers (the requester panel beside a ticket); admins see everyone.
    let row = users::find_by_id(&state.db, id.into_inner())
        .await?
        .filter(|u| user.role() == Role::Admin || !users::is_staff(u))
        .ok_or(ApiError::NotFound)?;
    Ok(Json(users::to_wire(&row)?))
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
        (status = 401, description = "No or invalid access token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = ProblemDetails, content_type = "application/problem+json"),
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
    user.require_admin()?;
    let row = accounts::update_user(&state, &user.0, id.into_inner(), body.into_inner()).await?;
    Ok(Json(users::to_wire(&row)?))
}
