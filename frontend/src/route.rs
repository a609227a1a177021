//! Every screen's address, written once: the route table ([`paths`]), links and navigation
//! ([`Route::href`]) all come from here.

use leptos_router::{ParamSegment, StaticSegment};

use crate::format::{Query, query};

const LOGIN: &str = "login";
const REGISTER: &str = "register";
const ACTIVATE: &str = "activate";
const FORGOT_PASSWORD: &str = "forgot-password";
const RESET_PASSWORD: &str = "reset-password";
const CONFIRM_EMAIL: &str = "confirm-email";
const PROFILE: &str = "profile";
const TICKETS: &str = "tickets";
const NEW: &str = "new";
const FORUM: &str = "forum";
const AGENT: &str = "agent";
const CHAT: &str = "chat";
const CHATS: &str = "chats";
const ADMIN: &str = "admin";

/// The parameter of a ticket's address: its number.
pub const NUMBER: &str = "number";
/// The parameter of an article's address: its slug.
pub const SLUG: &str = "slug";

/// The route table's segments, one per screen (what `path!` would write).
pub mod paths {
    use super::*;

    type One = (StaticSegment<&'static str>,);
    type Two = (StaticSegment<&'static str>, StaticSegment<&'static str>);
    type WithParam = (StaticSegment<&'static str>, ParamSegment);

    pub const HOME: () = ();
    pub const LOGIN: One = (StaticSegment(super::LOGIN),);
    pub const REGISTER: One = (StaticSegment(super::REGISTER),);
    pub const ACTIVATE: One = (StaticSegment(super::ACTIVATE),);
    pub const FORGOT_PASSWORD: One = (StaticSegment(super::FORGOT_PASSWORD),);
    pub const RESET_PASSWORD: One = (StaticSegment(super::RESET_PASSWORD),);
    pub const CONFIRM_EMAIL: One = (StaticSegment(super::CONFIRM_EMAIL),);
    pub const PROFILE: One = (StaticSegment(super::PROFILE),);
    pub const TICKETS: One = (StaticSegment(super::TICKETS),);
    pub const NEW_TICKET: Two = (StaticSegment(super::TICKETS), StaticSegment(super::NEW));
    pub const TICKET: WithParam = (StaticSegment(super::TICKETS), ParamSegment(NUMBER));
    pub const FORUM: One = (StaticSegment(super::FORUM),);
    pub const ARTICLE: WithParam = (StaticSegment(super::FORUM), ParamSegment(SLUG));
    pub const AGENT: One = (StaticSegment(super::AGENT),);
    pub const AGENT_CHATS: Two = (StaticSegment(super::AGENT), StaticSegment(super::CHATS));
    pub const CHAT: One = (StaticSegment(super::CHAT),);
    pub const ADMIN: One = (StaticSegment(super::ADMIN),);
}

/// A screen of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    Login,
    Register,
    Activate,
    ForgotPassword,
    ResetPassword,
    ConfirmEmail,
    Profile,
    /// The customer's tickets (Email Support).
    Tickets,
    NewTicket,
    Ticket(i64),
    Forum,
    Article(String),
    /// The agents' workspace.
    Agent,
    /// The agents' chat console.
    AgentChats,
    /// The customer's live chat (Chat Support).
    Chat,
    Admin,
}

impl Route {
    /// The screens of signing in and out: never a place to return to after signing in.
    pub const AUTH: [Route; 6] = [
        Route::Login,
        Route::Register,
        Route::Activate,
        Route::ForgotPassword,
        Route::ResetPassword,
        Route::ConfirmEmail,
    ];

    /// The address of the screen.
    pub fn href(&self) -> String {
        let one = |segment: &str| format!("/{segment}");
        match self {
            Route::Home => "/".to_owned(),
            Route::Login => one(LOGIN),
            Route::Register => one(REGISTER),
            Route::Activate => one(ACTIVATE),
            Route::ForgotPassword => one(FORGOT_PASSWORD),
            Route::ResetPassword => one(RESET_PASSWORD),
            Route::ConfirmEmail => one(CONFIRM_EMAIL),
            Route::Profile => one(PROFILE),
            Route::Tickets => one(TICKETS),
            Route::NewTicket => format!("/{TICKETS}/{NEW}"),
            Route::Ticket(number) => format!("/{TICKETS}/{number}"),
            Route::Forum => one(FORUM),
            Route::Article(slug) => {
                format!("/{FORUM}/{}", js_sys::encode_uri_component(slug))
            }
            Route::Agent => one(AGENT),
            Route::AgentChats => format!("/{AGENT}/{CHATS}"),
            Route::Chat => one(CHAT),
            Route::Admin => one(ADMIN),
        }
    }

    /// The address with a query string (`/forum?q=…`), blank values left out.
    pub fn with(&self, pairs: Query<'_>) -> String {
        format!("{}{}", self.href(), query(pairs))
    }

    /// The item of the left navigation `path` belongs to, as its address. An agent on a
    /// ticket is working in the workspace, not in Email Support.
    pub fn section_of(path: &str, staff: bool) -> String {
        let mut parts = path.trim_start_matches('/').split('/');
        let first = parts.next().unwrap_or("");
        if first == AGENT && parts.next() == Some(CHATS) {
            return Route::AgentChats.href();
        }
        if staff && first == TICKETS && path.len() > TICKETS.len() + 1 {
            return Route::Agent.href();
        }
        format!("/{first}")
    }
}
