//! One ticket. Customers see the conversation, the reply box, Resolve and Reopen; agents
//! get the agent panel (see `agent::AgentTicket`) on the same URL, so links in emails work
//! for both.

use ayuda_types::{Reply, Ticket, TicketStatus};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiError};
use crate::app::NotFound;
use crate::components::common::{ErrorAlert, Loading, StatusBadge};
use crate::components::guard::RequireLogin;
use crate::components::layout::{flash, page_title, queue_url};
use crate::format;
use crate::i18n::{self, T, t, tr};
use crate::load::Load;
use crate::pages::agent::AgentTicket;
use crate::pages::conversation::{Composer, Conversation, load_replies, poll_tick};
use crate::session::Session;

#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let number = move || {
        params
            .with(|p| p.get("number"))
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

/// The ticket and its conversation, refetched on every poll tick and after changes.
#[derive(Clone, Copy)]
pub struct TicketData {
    pub number: i64,
    /// Goes up every 10 s while the page is visible (the ticket's poll).
    pub tick: RwSignal<u32>,
    pub ticket: Load<Result<Ticket, ApiError>>,
    replies: Load<Result<Vec<Reply>, ApiError>>,
    /// The last conversation that loaded (kept while a poll is in flight or fails).
    pub replies_list: Signal<Vec<Reply>>,
    /// Whether the ticket is closed, once loaded. A memo, so polls that change nothing
    /// keep the reply box (and what is typed in it).
    pub closed: Memo<Option<bool>>,
}

impl TicketData {
    pub fn load(number: i64) -> Self {
        let tick = poll_tick(10);
        let ticket = Load::new(move || {
            tick.track();
            async move { api::get::<Ticket>(&format!("/tickets/{number}")).await }
        });
        let replies = Load::new(move || {
            tick.track();
            load_replies(number)
        });
        // Keep the last good list while a poll is in flight or fails.
        let last = RwSignal::new(Vec::new());
        Effect::new(move |_| {
            if let Some(Ok(list)) = replies.get() {
                last.set(list);
            }
        });
        let closed = Memo::new(move |_| {
            ticket
                .get()
                .and_then(Result::ok)
                .map(|t| t.status == TicketStatus::Closed)
        });
        Self {
            number,
            tick,
            ticket,
            replies,
            replies_list: last.into(),
            closed,
        }
    }

    pub fn refetch(&self) {
        self.ticket.refetch();
        self.replies.refetch();
    }

    /// Names the screen after the ticket ("#1042 Cobro doble"), its number until it loads.
    pub fn name_the_page(&self) {
        let (ticket, number) = (self.ticket, self.number);
        page_title(move || {
            ticket.get().and_then(Result::ok).map_or_else(
                || format!("#{number}"),
                |t| format!("#{} {}", t.number, t.title),
            )
        });
    }
}

/// Title, number, status and dates of a ticket.
#[component]
pub fn TicketHeader(ticket: Ticket) -> impl IntoView {
    let locale = i18n::locale();
    let created = ticket.created_at;
    view! {
        <div class="ticket-head">
            <p class="breadcrumb">
                {if Session::get().is_staff() {
                    view! { <a href=queue_url()>{t(T::Workspace)}</a> }.into_any()
                } else {
                    view! { <a href="/tickets">{t(T::Tickets)}</a> }.into_any()
                }}
                " › " {format!("#{}", ticket.number)}
            </p>
            <h1>
                <span class="ticket-number">{format!("#{}", ticket.number)}</span>
                " "
                {ticket.title.clone()}
            </h1>
            <p class="meta">
                <StatusBadge status=ticket.status />
                <span>{ticket.ticket_type.name.clone()}</span>
                <span>
                    {t(T::OpenedBy)} " " {ticket.requester.name.clone()} " · "
                    <time datetime=format::iso(&created)>{move || format::datetime(&created, locale.get())}</time>
                </span>
                {ticket.assignee.clone().map(|a| view! { <span>{t(T::HandledBy)} " " {a.name}</span> })}
                {ticket.parent_number.map(|p| view! {
                    <span>{t(T::FollowUpOf)} " " <a href=format!("/tickets/{p}")>{format!("#{p}")}</a></span>
                })}
            </p>
        </div>
    }
}

#[component]
fn CustomerTicket(number: i64) -> impl IntoView {
    let data = TicketData::load(number);
    data.name_the_page();
    let action_error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let change = move |action: &'static str| {
        busy.set(true);
        action_error.set(None);
        leptos::task::spawn_local(async move {
            let result = api::post_empty::<Ticket>(&format!("/tickets/{number}/{action}")).await;
            match result {
                Ok(_) => {
                    let line = if action == "resolve" {
                        T::ResolvedNotice
                    } else {
                        T::ReopenedNotice
                    };
                    flash(format!("/tickets/{number}"), tr(line));
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
                                    <button class="button success" disabled=move || busy.get() on:click=move |_| change("resolve")>
                                        {t(T::Resolve)}
                                    </button>
                                </div>
                            })}
                            {(status == TicketStatus::Resolved).then(|| view! {
                                <button class="button subtle" disabled=move || busy.get() on:click=move |_| change("reopen")>
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
