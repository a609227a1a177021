//! Typed calls of the REST API, one module per resource, so each endpoint's path is
//! written once, here. Calls go out as the signed-in user through [`Session::send`]
//! (token, refresh on a 401); the sign-in calls of [`auth`] go out without a session.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::http::{self, Body, Method};
pub use crate::http::{ApiError, ApiResult};
use crate::session::Session;

pub mod auth;
pub mod chat;
pub mod files;
pub mod forum;
pub mod me;
pub mod tickets;
pub mod users;

/// Sends as the signed-in user and reads the whole answer. Not generic: per answer type
/// only [`http::parse`] is compiled, not another copy of the request's state machine.
async fn call(method: Method, path: &str, body: Body) -> ApiResult<String> {
    http::text(Session::get().send(method, path, body).await?).await
}

/// `GET path` decoded as `T`.
async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    http::parse(&call(Method::GET, path, Body::None).await?)
}

/// `POST path` with a JSON body, decoded as `T`.
async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    http::parse(&call(Method::POST, path, Body::json(body)).await?)
}

/// `POST path` without a body, decoded as `T`.
async fn post_empty<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    http::parse(&call(Method::POST, path, Body::None).await?)
}

/// `POST path` with a JSON body, for answers without a body (204).
async fn post_no_content<B: Serialize + ?Sized>(path: &str, body: &B) -> ApiResult<()> {
    send(Method::POST, path, Body::json(body)).await
}

/// `PATCH path` with a JSON body, decoded as `T`.
async fn patch<B: Serialize + ?Sized, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    http::parse(&call(Method::PATCH, path, Body::json(body)).await?)
}

/// `PUT path` with a JSON body, decoded as `T`.
async fn put<B: Serialize + ?Sized, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    http::parse(&call(Method::PUT, path, Body::json(body)).await?)
}

/// `DELETE path`, ignoring the body.
async fn delete(path: &str) -> ApiResult<()> {
    send(Method::DELETE, path, Body::None).await
}

async fn send(method: Method, path: &str, body: Body) -> ApiResult<()> {
    Session::get().send(method, path, body).await.map(|_| ())
}

/// A call without the session, decoded as `T`.
async fn anonymous<B: Serialize + ?Sized, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> ApiResult<T> {
    http::parse(&http::text(http::anonymous(path, Body::json(body)).await?).await?)
}

/// A path segment or query value, percent-encoded.
fn enc(value: &str) -> String {
    js_sys::encode_uri_component(value).into()
}
