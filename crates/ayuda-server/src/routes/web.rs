//! What the web app needs besides the resources: the public settings its forms explain,
//! and Markdown previews rendered exactly as stored messages are.

use actix_web::web::{Data, Json};
use actix_web::{get, post};
use ayuda_domain::markdown;
use ayuda_types::{ProblemDetails, PublicConfig, RenderMarkdown, RenderedMarkdown};
use utoipa_actix_web::service_config::ServiceConfig;

use super::responses::Unauthorized;
use super::tags;
use crate::auth::AuthUser;
use crate::error::{ApiResult, validated};
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(get_config).service(render_markdown);
}

/// Public settings: the password rule and the attachment size limit.
#[utoipa::path(
    tag = tags::WEB,
    responses((status = 200, description = "The settings", body = PublicConfig))
)]
#[get("/config")]
async fn get_config(state: Data<AppState>) -> Json<PublicConfig> {
    Json(PublicConfig {
        password_min_length: state.settings.password_min_length,
        attachment_max_bytes: state.settings.attachment_max_bytes,
    })
}

/// Render Markdown to the sanitized HTML a ticket, reply, comment or article with this body
/// would show (for previews).
#[utoipa::path(
    tag = tags::WEB,
    security(("bearer" = [])),
    request_body = RenderMarkdown,
    responses(
        (status = 200, description = "The rendered HTML", body = RenderedMarkdown),
        (status = 401, response = Unauthorized),
        (status = 422, description = "Too long (over 200,000 characters)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many previews (AYUDA_RATE_MARKDOWN)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/markdown/render")]
async fn render_markdown(
    state: Data<AppState>,
    user: AuthUser,
    body: Json<RenderMarkdown>,
) -> ApiResult<Json<RenderedMarkdown>> {
    state.limiters.preview(&user.id.to_string())?;
    let input = validated(body.into_inner())?;
    Ok(Json(RenderedMarkdown {
        html: markdown::render(&input.body),
    }))
}
