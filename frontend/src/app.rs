//! The root: session and language, the route table, and the page frame.

use leptos::prelude::*;
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::path;

use crate::components::layout::Shell;
use crate::components::layout::page_title;
use crate::i18n::{self, T, t};
use crate::pages::{account, admin, agent, forum, home, new_ticket, profile, ticket, tickets};
use crate::session::Session;

#[component]
pub fn App() -> impl IntoView {
    i18n::init();
    Session::init();
    view! {
        <Router>
            <Shell>
                <FlatRoutes fallback=NotFound>
                    <Route path=path!("/") view=home::Home />
                    <Route path=path!("/login") view=account::Login />
                    <Route path=path!("/register") view=account::Register />
                    <Route path=path!("/activate") view=account::Activate />
                    <Route path=path!("/forgot-password") view=account::Forgot />
                    <Route path=path!("/reset-password") view=account::Reset />
                    <Route path=path!("/confirm-email") view=account::ConfirmEmail />
                    <Route path=path!("/profile") view=profile::Profile />
                    <Route path=path!("/tickets") view=tickets::TicketList />
                    <Route path=path!("/tickets/new") view=new_ticket::NewTicket />
                    <Route path=path!("/tickets/:number") view=ticket::TicketPage />
                    <Route path=path!("/forum") view=forum::ForumIndex />
                    <Route path=path!("/forum/:slug") view=forum::ArticlePage />
                    <Route path=path!("/agent") view=agent::Workspace />
                    <Route path=path!("/admin") view=admin::Admin />
                </FlatRoutes>
            </Shell>
        </Router>
    }
}

/// Unknown paths (and, for customers, agents' paths: they learn nothing more).
#[component]
pub fn NotFound() -> impl IntoView {
    page_title(|| crate::i18n::tr(T::NotFoundTitle).to_owned());
    view! {
        <section class="page narrow">
            <h1>{t(T::NotFoundTitle)}</h1>
            <p>{t(T::NotFoundText)}</p>
            <p><a class="button" href="/">{t(T::BackHome)}</a></p>
        </section>
    }
}
