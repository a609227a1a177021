//! Helpers of the web app: public settings and Markdown previews.

use serde::{Deserialize, Serialize};
use validator::Validate;

/// `GET /api/v1/config`: the settings a sign-up or upload form needs to tell its rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicConfig {
    /// Shortest password accepted.
    #[cfg_attr(feature = "openapi", schema(example = 8))]
    pub password_min_length: usize,
    /// Largest attachment accepted, in bytes.
    #[cfg_attr(feature = "openapi", schema(example = 10485760))]
    pub attachment_max_bytes: u64,
}

/// `POST /api/v1/markdown/render`: Markdown to preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenderMarkdown {
    /// Markdown as it would be sent in a ticket, reply, comment or article.
    #[validate(length(max = 200000, message = "must be at most 200000 characters"))]
    #[cfg_attr(feature = "openapi", schema(example = "**Hola** _mundo_"))]
    pub body: String,
}

/// The preview: the same sanitized HTML a stored message would get.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenderedMarkdown {
    /// Sanitized HTML.
    pub html: String,
}
