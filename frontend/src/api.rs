//! The REST client: every call goes through [`send`], which adds the access token, refreshes
//! it once on a 401 and turns non-2xx answers into [`ApiError`] (the server's problem+json).

use ayuda_types::ProblemDetails;
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;

use crate::session::Session;

/// Where the API lives (same origin as the SPA).
pub const BASE: &str = "/api/v1";

/// A failed call: the HTTP status (0 when the server was not reached) and the problem body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub problem: ProblemDetails,
}

impl ApiError {
    fn local(status: u16, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        Self {
            status,
            problem: ProblemDetails {
                r#type: "about:blank".into(),
                title: detail.clone(),
                status,
                detail,
                errors: None,
                code: None,
                state: None,
                allowed: None,
            },
        }
    }

    /// The server could not be reached (offline, server down).
    pub fn network() -> Self {
        Self::local(0, "network")
    }

    /// The message for one field of a 422, if the server named that field.
    pub fn field(&self, name: &str) -> Option<String> {
        self.problem
            .errors
            .as_ref()?
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.message.clone())
    }

    /// Field errors found before sending: the same rules the server checks (the request
    /// types' `validator` rules), so a form says at once what the server would say.
    pub fn fields(errors: Vec<(String, String)>) -> Self {
        let mut error = Self::local(422, "validation");
        error.problem.errors = Some(
            errors
                .into_iter()
                .map(|(field, message)| ayuda_types::FieldError::new(field, message))
                .collect(),
        );
        error
    }

    /// The field errors of a request type's own rules, first broken rule per field.
    pub fn of_rules(errors: &validator::ValidationErrors) -> Vec<(String, String)> {
        errors
            .field_errors()
            .into_iter()
            .filter_map(|(field, errs)| {
                let first = errs.first()?;
                let message = first
                    .message
                    .as_ref()
                    .map_or_else(|| first.code.to_string(), ToString::to_string);
                Some((field.to_string(), message))
            })
            .collect()
    }

    /// True for errors that name fields (shown at the fields, not in a banner).
    pub fn has_fields(&self) -> bool {
        self.problem.errors.as_ref().is_some_and(|e| !e.is_empty())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// A query string from pairs, skipping empty values.
pub fn query(pairs: &[(&str, Option<String>)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| {
            let v = v.as_deref()?.trim();
            (!v.is_empty()).then(|| format!("{k}={}", js_sys::encode_uri_component(v)))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// A request body.
enum Body {
    None,
    Json(String),
    Form(web_sys::FormData),
}

async fn attempt(
    method: &Method,
    path: &str,
    body: &Body,
    token: Option<&str>,
) -> ApiResult<Response> {
    let mut builder = RequestBuilder::new(&format!("{BASE}{path}")).method(method.clone());
    if let Some(token) = token {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let request = match body {
        Body::None => builder.build(),
        Body::Json(json) => builder
            .header("Content-Type", "application/json")
            .body(json.as_str()),
        // The browser writes the multipart boundary itself.
        Body::Form(form) => builder.body(form.clone()),
    }
    .map_err(|_| ApiError::network())?;
    request.send().await.map_err(|_| ApiError::network())
}

async fn send(method: Method, path: &str, body: Body) -> ApiResult<Response> {
    let session = Session::get();
    let token = session.token();
    let mut response = attempt(&method, path, &body, token.as_deref()).await?;
    if response.status() == 401 && token.is_some() {
        // The access token expired or was revoked: one refresh, then one retry.
        if session.refresh_after_401(token.as_deref()).await {
            let token = session.token();
            response = attempt(&method, path, &body, token.as_deref()).await?;
        }
    }
    if response.ok() {
        Ok(response)
    } else {
        Err(problem_of(response).await)
    }
}

async fn problem_of(response: Response) -> ApiError {
    let status = response.status();
    match response.json::<ProblemDetails>().await {
        Ok(problem) => ApiError { status, problem },
        Err(_) => ApiError::local(status, response.status_text()),
    }
}

/// The answer, decoded as `T`, of a request the page sent before the app started (a
/// promise of a `fetch` Response, see `index.html`).
pub async fn answer_of<T: DeserializeOwned>(request: js_sys::Promise) -> ApiResult<T> {
    let response = wasm_bindgen_futures::JsFuture::from(request)
        .await
        .map_err(|_| ApiError::network())?;
    let response = Response::from(web_sys::Response::from(response));
    if !response.ok() {
        return Err(problem_of(response).await);
    }
    parse(&text(response).await?)
}

/// Sends and reads the whole answer. Not generic: per answer type only [`parse`] is
/// compiled, not another copy of the request's async state machine.
async fn call(method: Method, path: &str, body: Body) -> ApiResult<String> {
    text(send(method, path, body).await?).await
}

async fn text(response: Response) -> ApiResult<String> {
    response.text().await.map_err(|_| unreadable())
}

fn parse<T: DeserializeOwned>(body: &str) -> ApiResult<T> {
    serde_json::from_str(body).map_err(|_| unreadable())
}

fn unreadable() -> ApiError {
    ApiError::local(502, "unreadable answer")
}

fn json<B: Serialize + ?Sized>(body: &B) -> Body {
    Body::Json(serde_json::to_string(body).unwrap_or_default())
}

/// `GET path` decoded as `T`.
pub async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    parse(&call(Method::GET, path, Body::None).await?)
}

/// `POST path` with a JSON body, decoded as `T`.
pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> ApiResult<T> {
    parse(&call(Method::POST, path, json(body)).await?)
}

/// `POST path` without a body, decoded as `T`.
pub async fn post_empty<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    parse(&call(Method::POST, path, Body::None).await?)
}

/// `POST path` with a JSON body, for answers without a body (204).
pub async fn post_no_content<B: Serialize + ?Sized>(path: &str, body: &B) -> ApiResult<()> {
    send(Method::POST, path, json(body)).await.map(|_| ())
}

/// `PATCH path` with a JSON body, decoded as `T`.
pub async fn patch<B: Serialize + ?Sized, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> ApiResult<T> {
    parse(&call(Method::PATCH, path, json(body)).await?)
}

/// `PUT path` with a JSON body, decoded as `T`.
pub async fn put<B: Serialize + ?Sized, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    parse(&call(Method::PUT, path, json(body)).await?)
}

/// `DELETE path`, ignoring the body.
pub async fn delete(path: &str) -> ApiResult<()> {
    send(Method::DELETE, path, Body::None).await.map(|_| ())
}

/// Uploads one file as `POST /attachments` (multipart, field `file`).
pub async fn upload(file: &web_sys::File) -> ApiResult<ayuda_types::Attachment> {
    let form = web_sys::FormData::new().map_err(|_| ApiError::network())?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(|_| ApiError::network())?;
    parse(&call(Method::POST, "/attachments", Body::Form(form)).await?)
}

/// Downloads an authenticated resource into an object URL (for `<img src>` and downloads,
/// which cannot send the bearer token themselves). Revoke it with `Url::revoke_object_url`.
pub async fn object_url(path: &str) -> ApiResult<String> {
    let response = send(Method::GET, path, Body::None).await?;
    let raw: web_sys::Response = response.into();
    let promise = raw.blob().map_err(|_| ApiError::network())?;
    let blob = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| ApiError::network())?;
    let blob: web_sys::Blob = blob.dyn_into().map_err(|_| ApiError::network())?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| ApiError::network())
}

/// Calls without the session (login, refresh, register): no token, no retry.
pub async fn post_anonymous<B: Serialize + ?Sized, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> ApiResult<T> {
    parse(&text(anonymous(path, json(body)).await?).await?)
}

/// Like [`post_anonymous`], for answers without a body (204).
pub async fn post_anonymous_empty<B: Serialize + ?Sized>(path: &str, body: &B) -> ApiResult<()> {
    anonymous(path, json(body)).await.map(|_| ())
}

async fn anonymous(path: &str, body: Body) -> ApiResult<Response> {
    let response = attempt(&Method::POST, path, &body, None).await?;
    if response.ok() {
        Ok(response)
    } else {
        Err(problem_of(response).await)
    }
}
