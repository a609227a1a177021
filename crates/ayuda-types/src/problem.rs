//! RFC 9457 problem details, the body of every error response.

use serde::{Deserialize, Serialize};

/// An error answer (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProblemDetails {
    /// A URI naming the kind of problem, e.g. `urn:ayuda:problem:validation`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schema(example = "urn:ayuda:problem:validation"))]
    pub r#type: String,
    /// Short human-readable summary of the kind of problem.
    #[cfg_attr(feature = "openapi", schema(example = "Validation failed"))]
    pub title: String,
    /// The HTTP status code.
    #[cfg_attr(feature = "openapi", schema(example = 422))]
    pub status: u16,
    /// What went wrong with this request.
    pub detail: String,
    /// Per-field messages, present on validation errors (422).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// A machine-readable reason, on some conflicts (409): `already_taken`, `at_capacity`,
    /// `not_waiting`, `illegal_move`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The chat's state, on a refused chat move (409).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The moves that state allows, on a refused chat move (409).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
}

/// One invalid field of a request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field name as it appears in the request body.
    #[cfg_attr(feature = "openapi", schema(example = "email"))]
    pub field: String,
    /// Why the value was refused.
    #[cfg_attr(feature = "openapi", schema(example = "must be a valid email address"))]
    pub message: String,
}

impl FieldError {
    /// A field error from a field name and a message.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}
