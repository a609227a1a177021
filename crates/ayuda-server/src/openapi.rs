//! The OpenAPI document: generated from the handlers' annotations, served at
//! `/api/openapi.json`, committed at `openapi/openapi.json` and checked for drift by a test.

use actix_web::App;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::routes::{self, responses};

/// The static parts of the document; paths and schemas are collected from the routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ayuda API",
        description = "REST API of Ayuda, a self-hosted customer-support desk. Errors are \
                       `application/problem+json` (RFC 9457). Lists are keyset-paginated: \
                       `?limit=` (1-100, default 25) and `?cursor=` from the previous page's \
                       `next_cursor`.",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&BearerAuth),
    // Enums used only by query parameters are not collected from the paths.
    components(schemas(ayuda_types::WorkspaceView, ayuda_types::TicketSort), responses(
        responses::Unauthorized,
        responses::StaffOnly,
        responses::AgentsOnly,
        responses::AdminsOnly,
        responses::InvalidFields,
        responses::NoSuchTicket,
        responses::InvalidCursor,
    )),
    tags(
        (name = "auth", description = "Registration, activation, login, sessions, password reset"),
        (name = "me", description = "The logged-in user"),
        (name = "users", description = "User administration (admins) and the staff directory (agents)"),
        (name = "tickets", description = "Ticket types, tickets, their conversation, attachments and audit trail"),
        (name = "forum", description = "The public knowledge base: categories, articles, comments, feedback"),
        (name = "email", description = "Email intake: raw messages from the mail server, and what became of them"),
        (name = "web", description = "Helpers of the web app: public settings, Markdown previews"),
        (name = "operations", description = "Health, readiness and metrics"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "Access token from `POST /api/v1/auth/login` (15 minutes by default)",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "inbound_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The shared secret `AYUDA_INBOUND_TOKEN`"))
                    .build(),
            ),
        );
    }
}

/// The whole document, as the server serves it.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::mount)
        .split_for_parts();
    api
}

/// The document as committed in `openapi/openapi.json` (pretty JSON, trailing newline).
pub fn document_json() -> anyhow::Result<String> {
    Ok(document().to_pretty_json()? + "\n")
}
