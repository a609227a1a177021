//! HTTP handlers, one module per resource. Each exposes `configure`, which registers its
//! handlers together with their OpenAPI operations (utoipa-actix-web), so no route exists
//! without its documentation.

pub mod attachments;
pub mod auth;
pub mod bot;
pub mod canned_replies;
pub mod chats;
pub mod forum;
pub mod health;
pub mod inbound;
pub mod me;
pub mod responses;
pub mod ticket_types;
pub mod tickets;
pub mod users;
pub mod web;

use utoipa_actix_web::service_config::ServiceConfig;

/// Tags of the OpenAPI document.
pub mod tags {
    /// Registration, login and sessions.
    pub const AUTH: &str = "auth";
    /// The logged-in user.
    pub const ME: &str = "me";
    /// User administration.
    pub const USERS: &str = "users";
    /// Ticket types, tickets, replies, attachments.
    pub const TICKETS: &str = "tickets";
    /// The forum / knowledge base.
    pub const FORUM: &str = "forum";
    /// Live chat.
    pub const CHAT: &str = "chat";
    /// Email intake.
    pub const EMAIL: &str = "email";
    /// Helpers of the web app.
    pub const WEB: &str = "web";
    /// Liveness, readiness, metrics.
    pub const OPERATIONS: &str = "operations";
}

/// Registers everything under `/api/v1`.
pub fn configure_v1(cfg: &mut ServiceConfig<'_>) {
    auth::configure(cfg);
    me::configure(cfg);
    users::configure(cfg);
    ticket_types::configure(cfg);
    tickets::configure(cfg);
    canned_replies::configure(cfg);
    attachments::configure(cfg);
    forum::configure(cfg);
    chats::configure(cfg);
    bot::configure(cfg);
    inbound::configure(cfg);
    web::configure(cfg);
}

/// Registers every documented route: operations at the root, the API under `/api/v1`.
pub fn mount(cfg: &mut ServiceConfig<'_>) {
    health::configure(cfg);
    cfg.service(utoipa_actix_web::scope("/api/v1").configure(configure_v1));
}
