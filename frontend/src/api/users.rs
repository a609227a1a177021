//! Users (for staff): the directory, one account, agents, admin changes, subscriptions.

use ayuda_types::{CreateUser, Page, Subscriptions, UpdateUser, User, UserRef};

use super::{ApiResult, get, patch, post, put};
use crate::format::{Query, query};

/// `GET /users` with filters (`q`, `role`, `limit`, `cursor`).
pub async fn list(filters: Query<'_>) -> ApiResult<Page<User>> {
    get(&format!("/users{}", query(filters))).await
}

/// `GET /users/{id}`.
pub async fn one(id: i64) -> ApiResult<User> {
    get(&format!("/users/{id}")).await
}

/// `POST /users` (admins).
pub async fn create(request: &CreateUser) -> ApiResult<User> {
    post("/users", request).await
}

/// `PATCH /users/{id}` (admins): role, active.
pub async fn update(id: i64, change: &UpdateUser) -> ApiResult<User> {
    patch(&format!("/users/{id}"), change).await
}

/// `GET /agents`: who tickets can be assigned to.
pub async fn agents() -> ApiResult<Vec<UserRef>> {
    get("/agents").await
}

/// `GET /users/{id}/subscriptions`: the ticket types they are emailed about.
pub async fn subscriptions(id: i64) -> ApiResult<Subscriptions> {
    get(&format!("/users/{id}/subscriptions")).await
}

/// `PUT /users/{id}/subscriptions`.
pub async fn set_subscriptions(id: i64, request: &Subscriptions) -> ApiResult<Subscriptions> {
    put(&format!("/users/{id}/subscriptions"), request).await
}
