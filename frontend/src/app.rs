//! The root: session and language, the route table, and the page frame.

use leptos::prelude::*;
use leptos_router::components::{FlatRoutes, Route, Router};

use crate::components::layout::Shell;
use crate::components::not_found::NotFound;
use crate::i18n;
use crate::pages::{
    account, admin, agent, agent_chats, chat, forum, home, new_ticket, profile, ticket, tickets,
};
use crate::route::paths;
use crate::session::Session;

#[component]
pub fn App() -> impl IntoView {
    i18n::init();
    Session::init();
    view! {
        <Router>
            <Shell>
                <FlatRoutes fallback=NotFound>
                    <Route path=paths::HOME view=home::Home />
                    <Route path=paths::LOGIN view=account::Login />
                    <Route path=paths::REGISTER view=account::Register />
                    <Route path=paths::ACTIVATE view=account::Activate />
                    <Route path=paths::FORGOT_PASSWORD view=account::Forgot />
                    <Route path=paths::RESET_PASSWORD view=account::Reset />
                    <Route path=paths::CONFIRM_EMAIL view=account::ConfirmEmail />
                    <Route path=paths::PROFILE view=profile::Profile />
                    <Route path=paths::TICKETS view=tickets::TicketList />
                    <Route path=paths::NEW_TICKET view=new_ticket::NewTicket />
                    <Route path=paths::TICKET view=ticket::TicketPage />
                    <Route path=paths::FORUM view=forum::ForumIndex />
                    <Route path=paths::ARTICLE view=forum::ArticlePage />
                    <Route path=paths::CHAT view=chat::ChatPage />
                    <Route path=paths::AGENT view=agent::Workspace />
                    <Route path=paths::AGENT_CHATS view=agent_chats::ChatConsole />
                    <Route path=paths::ADMIN view=admin::Admin />
                </FlatRoutes>
            </Shell>
        </Router>
    }
}
