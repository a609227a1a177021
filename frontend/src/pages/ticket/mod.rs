//! One ticket. Customers see the conversation, the reply box, Resolve and Reopen; agents
//! get the agent panel (see [`agent::AgentTicket`]) on the same URL, so links in emails
//! work for both.

use ayuda_types::TicketStatus;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::tickets::Action;
use crate::api::{self, ApiError};
use crate::components::common::{ErrorAlert, Loading};
use crate::components::guard::RequireLogin;
use crate::components::layout::flash;
use crate::components::not_found::NotFound;
use crate::components::ticket::{Composer, Conversation, TicketData, TicketHeader};
use crate::i18n::{T, t, tr};
use crate::route::{self, Route};
use crate::session::Session;

mod agent;

use agent::AgentTicket;

#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let number = move || {
        params
            .with(|p| p.get(route::NUMBER))
            .and_then(|n| n.parse::<i64>().ok())
    };
    let session = Session::get();
    view! {
        <RequireLogin>
            {move || match number() {
                None => view! { <NotFound /> }.into_any(),
                Some(n) if session.is_staff() => view! { <AgentTicket number=n /> }.into_any(),
                Some(n) => view! { <CustomerTicket number=n /> }.into_any(),
            }}
        </RequireLogin>
    }
}

#[component]
fn CustomerTicket(number: i64) -> impl IntoView {
    let data = TicketData::load(number);
    data.name_the_page();
    let action_error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let change = move |action: Action| {
        busy.set(true);
        action_error.set(None);
        leptos::task::spawn_local(async move {
            match api::tickets::act(number, action).await {
                Ok(_) => {
                    let line = match action {
                        Action::Resolve => T::ResolvedNotice,
                        Action::Reopen => T::ReopenedNotice,
                    };
                    flash(Route::Ticket(number).href(), tr(line));
                }
                Err(e) => {
                    action_error.try_set(Some(e));
                }
            }
            data.refetch();
            busy.try_set(false);
        });
    };
    view! {
        <section class="page ticket-page">
            {move || match data.ticket.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(e)) if e.status == 404 => view! { <NotFound /> }.into_any(),
                Some(Err(e)) => view! { <ErrorAlert error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                Some(Ok(ticket)) => {
                    let status = ticket.status;
                    let can_resolve = matches!(status, TicketStatus::New | TicketStatus::Open | TicketStatus::Pending);
                    view! {
                        <TicketHeader ticket=ticket />
                        <div class="ticket-actions">
                            {can_resolve.then(|| view! {
                                <div class="resolve-box">
                                    <p>{t(T::ResolveHint)}</p>
                                    <button class="button success" disabled=move || busy.get() on:click=move |_| change(Action::Resolve)>
                                        {t(T::Resolve)}
                                    </button>
                                </div>
                            })}
                            {(status == TicketStatus::Resolved).then(|| view! {
                                <button class="button subtle" disabled=move || busy.get() on:click=move |_| change(Action::Reopen)>
                                    {t(T::Reopen)}
                                </button>
                            })}
                        </div>
                        <ErrorAlert error=action_error />
                    }.into_any()
                }
            }}
            <Conversation replies=data.replies_list />
            <Composer data=data />
        </section>
    }
}
