//! API errors and their `application/problem+json` rendering (RFC 9457, SPEC section 3).
//!
//! [`ApiError::parts`] is the one table of status, problem type and title. Internal errors
//! are logged with their whole cause chain and answered with a generic detail.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use ayuda_types::{FieldError, ProblemDetails};

/// The media type of error bodies.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Result of handlers and services.
pub type ApiResult<T> = Result<T, ApiError>;

/// Every error the API answers with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the body or parameters could not be read.
    #[error("{0}")]
    BadRequest(String),
    /// 400: an emailed token is unknown, spent or expired.
    #[error("this link is invalid or has expired")]
    InvalidToken,
    /// 401: missing or invalid credentials or token.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// 403: the role may not do this.
    #[error("your role may not do this")]
    Forbidden,
    /// 404: does not exist, or is not yours.
    #[error("not found")]
    NotFound,
    /// 405: the path exists, the method does not; `allow` lists the methods it has.
    #[error("method not allowed")]
    MethodNotAllowed {
        /// Value of the `Allow` header, when known.
        allow: Option<String>,
    },
    /// 409: conflicts with the current state; `code` for programs (see
    /// [`ProblemDetails::code`]), `count` where the code speaks of one.
    #[error("{detail}")]
    Conflict {
        /// For programs.
        code: &'static str,
        /// What went wrong, for people.
        detail: String,
        /// The number `code` speaks of.
        count: Option<i64>,
    },
    /// 409: a chat move its state does not allow, or an accept that lost (`code`:
    /// `already_taken`, `at_capacity`, `not_waiting`, `illegal_move`).
    #[error("{detail}")]
    ChatConflict {
        /// What went wrong, for people.
        detail: String,
        /// For programs.
        code: &'static str,
        /// The chat's state.
        state: &'static str,
        /// The moves that state allows.
        allowed: Vec<&'static str>,
    },
    /// 413: body too large.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: wrong content type.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: well-formed but invalid; one message per field.
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    /// 429: over a rate limit; retry after this many seconds.
    #[error("too many requests; try again in {retry_after} seconds")]
    RateLimited {
        /// Seconds until the next attempt may succeed.
        retry_after: u64,
    },
    /// 503: a dependency (the database) is down.
    #[error("the service is not ready")]
    Unavailable,
    /// 503: too busy to do this now (every password-hashing slot taken); retry after this
    /// many seconds.
    #[error("the server is busy; try again in {retry_after} seconds")]
    Busy {
        /// Seconds to wait before retrying.
        retry_after: u64,
    },
    /// 500: a bug or an infrastructure failure; details go to the log only.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// A 422 with one field error.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError::new(field, code, message)])
    }

    /// A 409 with its code (see [`ProblemDetails::code`]).
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::Conflict {
            code,
            detail: detail.into(),
            count: None,
        }
    }

    /// (status, problem type slug, title) per variant.
    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        use ApiError::*;
        match self {
            BadRequest(_) => (StatusCode::BAD_REQUEST, "bad-request", "Bad request"),
            InvalidToken => (
                StatusCode::BAD_REQUEST,
                "invalid-token",
                "Invalid or expired link",
            ),
            Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized", "Unauthorized"),
            Forbidden => (StatusCode::FORBIDDEN, "forbidden", "Forbidden"),
            NotFound => (StatusCode::NOT_FOUND, "not-found", "Not found"),
            MethodNotAllowed { .. } => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "Method not allowed",
            ),
            Conflict { .. } | ChatConflict { .. } => (StatusCode::CONFLICT, "conflict", "Conflict"),
            PayloadTooLarge(_) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "Payload too large",
            ),
            UnsupportedMediaType(_) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
            ),
            Validation(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "Validation failed",
            ),
            RateLimited { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                "Too many requests",
            ),
            Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Service unavailable",
            ),
            Busy { .. } => (StatusCode::SERVICE_UNAVAILABLE, "busy", "Server busy"),
            Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Internal server error",
            ),
        }
    }

    /// The body a client sees.
    pub fn problem(&self) -> ProblemDetails {
        let (status, slug, title) = self.parts();
        let detail = match self {
            ApiError::Internal(_) => {
                "something went wrong on our side; it has been logged".to_owned()
            }
            other => other.to_string(),
        };
        let mut problem = ProblemDetails {
            r#type: format!("urn:ayuda:problem:{slug}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            errors: match self {
                ApiError::Validation(errors) => Some(errors.clone()),
                _ => None,
            },
            code: None,
            params: None,
            state: None,
            allowed: None,
        };
        match self {
            ApiError::Conflict { code, count, .. } => {
                problem.code = Some((*code).to_owned());
                problem.params = count.map(|n| [("count".to_owned(), n)].into());
            }
            ApiError::InvalidToken => problem.code = Some("invalid_token".to_owned()),
            _ => {}
        }
        if let ApiError::ChatConflict {
            code,
            state,
            allowed,
            ..
        } = self
        {
            problem.code = Some((*code).to_owned());
            problem.state = Some((*state).to_owned());
            problem.allowed = Some(allowed.iter().map(|m| (*m).to_owned()).collect());
        }
        problem
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(err) = self {
            tracing::error!(error = ?err, "internal error");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type(PROBLEM_JSON);
        match self {
            ApiError::RateLimited { retry_after } | ApiError::Busy { retry_after } => {
                response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            ApiError::Unauthorized(_) => {
                response
                    .insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
            }
            ApiError::MethodNotAllowed { allow: Some(allow) } => {
                response.insert_header((header::ALLOW, allow.as_str()));
            }
            _ => {}
        }
        response.json(self.problem())
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        ApiError::Validation(FieldError::of_rules(&errors))
    }
}

impl From<ayuda_db::DbErr> for ApiError {
    fn from(err: ayuda_db::DbErr) -> Self {
        match err {
            ayuda_db::DbErr::RecordNotFound(_) => ApiError::NotFound,
            err if ayuda_db::is_unique_violation(&err) => {
                ApiError::conflict("conflict", "already exists")
            }
            err => ApiError::Internal(anyhow::Error::new(err).context("database")),
        }
    }
}

/// Validates a request body at the boundary, turning failures into a 422.
pub fn validated<T: validator::Validate>(value: T) -> ApiResult<T> {
    value.validate()?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_never_leak_their_cause() {
        let err = ApiError::Internal(anyhow::anyhow!("password=hunter2 at db.internal"));
        let problem = err.problem();
        assert_eq!(problem.status, 500);
        assert!(!problem.detail.contains("hunter2"));
    }

    #[test]
    fn nested_validation_errors_are_named_by_their_path() {
        use validator::Validate;
        #[derive(Validate)]
        struct Inner {
            #[validate(length(min = 1, message = "must not be empty"))]
            name: String,
        }
        #[derive(Validate)]
        struct Outer {
            #[validate(nested)]
            inner: Inner,
        }
        let outer = Outer {
            inner: Inner {
                name: String::new(),
            },
        };
        let Err(errors) = outer.validate() else {
            panic!("must fail");
        };
        let problem = ApiError::from(errors).problem();
        let fields: Vec<String> = problem
            .errors
            .unwrap()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["inner.name"]);
    }

    #[test]
    fn validation_errors_list_fields() {
        let problem =
            ApiError::field("email", "invalid_email", "must be a valid email address").problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.r#type, "urn:ayuda:problem:validation");
        assert_eq!(problem.errors.map(|e| e.len()), Some(1));
    }
}
