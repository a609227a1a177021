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
        responses::NoSuchChat,
        responses::ChatMoveRefused,
    )),
    tags(
        (name = "auth", description = "Registration, activation, login, sessions, password reset"),
        (name = "me", description = "The logged-in user"),
        (name = "users", description = "User administration (admins) and the staff directory (agents)"),
        (name = "tickets", description = "Ticket types, tickets, their conversation, attachments and audit trail"),
        (name = "forum", description = "The public knowledge base: categories, articles, comments, feedback"),
        (name = "email", description = "Email intake: raw messages from the mail server, and what became of them"),
        (name = "web", description = "Helpers of the web app: public settings, Markdown previews"),
        (name = "chat", description = "Live chat (CHAT.md): the keyword bot, the queue, live agents, and the WebSockets. \
A client gets a single-use ticket (`POST /chats/{id}/ws-ticket` or `POST /agent/ws-ticket`, valid 60 s) and opens \
`GET /api/v1/chats/{id}/ws?ticket=T&after_seq=N` or `GET /api/v1/agent/ws?ticket=T&feed_after=F`. Server frames are JSON \
`{\"v\":1, \"type\", \"chat_id\", \"seq\"?, \"ts\", \"data\"}`: stored events carry a gapless per-chat `seq` \
(`message.created`, `state.changed`, `agent.joined`, `agent.left`, `ticket.created`, `read`, `chat.closed`, and `hidden` \
in place of an internal note for customers); ephemeral ones carry none (`hello`, `queue.updated`, `typing`, `availability`, \
`ack`, `resync_required`, `error`, `pong`). The agent socket adds the desk feed with its own `feed_seq` (`queue.added`, \
`queue.removed`, `chat.assigned`, `chat.closed`, `presence.changed`). Client frames: `{\"op\":\"send\", \"client_msg_id\", \"body\", \
\"choice_id\"?}`, `{\"op\":\"typing\",\"on\"}`, `{\"op\":\"read\",\"up_to_seq\"}`, `{\"op\":\"resume\",\"after_seq\"}`, \
`{\"op\":\"ping\"}`; the agent socket also `{\"op\":\"subscribe\",\"chat_id\",\"after_seq\"}` (and `chat_id` on the others). \
On connect the server replays `seq > after_seq`, then goes live; a client applies only the next `seq` and sends `resume` on \
a gap. Close codes: 4401 no or spent ticket, 4403 not a participant, 4404 no such chat, 4008 slow consumer (resume), \
4029 over 5 messages per second, 1009 frame over 64 KiB, 1012 restarting. An `Origin`, when sent, must be the public URL's."),
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
