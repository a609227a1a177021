//! What the customer's and the agent's ticket screens share: the ticket's data and its
//! poll, the header, the conversation and the reply box.

use ayuda_types::{Reply, Ticket, TicketStatus, TicketType};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::common::StatusBadge;
use crate::components::layout::{page_title, queue_url};
use crate::format;
use crate::i18n::{self, T, t};
use crate::load::{Load, poll_tick, watch};
use crate::route::Route;
use crate::session::Session;

mod conversation;

pub use conversation::{Composer, Conversation};

/// The active ticket types (for filters and the new-ticket form).
pub fn ticket_types() -> Load<Vec<TicketType>> {
    Load::new(|| async { api::tickets::types(false).await.unwrap_or_default() })
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
            api::tickets::one(number)
        });
        let replies = Load::new(move || {
            tick.track();
            api::tickets::replies(number)
        });
        // Keep the last good list while a poll is in flight or fails.
        let last = RwSignal::new(Vec::new());
        watch(move || {
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
                    view! { <a href=Route::Tickets.href()>{t(T::Tickets)}</a> }.into_any()
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
                    <span>{t(T::FollowUpOf)} " " <a href=Route::Ticket(p).href()>{format!("#{p}")}</a></span>
                })}
            </p>
        </div>
    }
}
