//! The HTTP client of the REST API: one request with an optional bearer token, its answer
//! decoded, and non-2xx answers turned into [`ApiError`] (the server's problem+json). It
//! knows no session: [`crate::session`] adds the token and the refresh on a 401.

use ayuda_types::{FieldError, ProblemDetails};
use gloo_net::http::RequestBuilder;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use gloo_net::http::{Method, Response};

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
                params: None,
                state: None,
                allowed: None,
            },
        }
    }

    /// The server could not be reached (offline, server down).
    pub fn network() -> Self {
        Self::local(0, "network")
    }

    /// The words for one field of a 422 in the reader's language, if the error names it.
    pub fn field(&self, name: &str) -> Option<String> {
        self.problem
            .errors
            .as_ref()?
            .iter()
            .find(|e| e.field == name)
            .map(crate::i18n::field_text)
    }

    /// Field errors found before sending: the same rules the server checks (the request
    /// types' `validator` rules), so a form says at once what the server would say.
    pub fn fields(errors: Vec<FieldError>) -> Self {
        let mut error = Self::local(422, "validation");
        error.problem.errors = Some(errors);
        error
    }

    /// True for errors that name fields (shown at the fields, not in a banner).
    pub fn has_fields(&self) -> bool {
        self.problem.errors.as_ref().is_some_and(|e| !e.is_empty())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// A request body.
pub enum Body {
    None,
    Json(String),
    Form(web_sys::FormData),
}

impl Body {
    /// `body` as JSON.
    pub fn json<B: Serialize + ?Sized>(body: &B) -> Self {
        Body::Json(serde_json::to_string(body).unwrap_or_default())
    }
}

/// Sends one request to `BASE` + `path` and returns the raw answer, whatever its status.
pub async fn attempt(
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

/// The answer when it is a success, else its problem.
pub async fn checked(response: Response) -> ApiResult<Response> {
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
    let response = checked(Response::from(web_sys::Response::from(response))).await?;
    parse(&text(response).await?)
}

/// The whole body of an answer.
pub async fn text(response: Response) -> ApiResult<String> {
    response.text().await.map_err(|_| unreadable())
}

/// A body decoded as `T`. Kept apart from the request, so per answer type only this is
/// compiled, not another copy of the request's async state machine.
pub fn parse<T: DeserializeOwned>(body: &str) -> ApiResult<T> {
    serde_json::from_str(body).map_err(|_| unreadable())
}

fn unreadable() -> ApiError {
    ApiError::local(502, "unreadable answer")
}

/// A call without a session (sign-in, registration, refresh): no token, no retry.
pub async fn anonymous(path: &str, body: Body) -> ApiResult<Response> {
    checked(attempt(&Method::POST, path, &body, None).await?).await
}
