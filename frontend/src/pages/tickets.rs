//! Email Support → Tickets: the caller's tickets (all tickets for agents) with filters,
//! search and pages. Filters live in the URL, so a reload or a shared link keeps them.

use ayuda_types::{Ticket, TicketStatus};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::components::common::{
    ErrorAlert, Loading, Pager, PagerButtons, SearchBar, StatusBadge, status_label,
};
use crate::components::guard::RequireLogin;
use crate::components::layout::page_title;
use crate::components::ticket::ticket_types;
use crate::format;
use crate::i18n::{self, T, t, tr};
use crate::load::Load;
use crate::route::Route;

#[component]
pub fn TicketList() -> impl IntoView {
    page_title(|| tr(T::EmailSupport).to_owned());
    view! { <RequireLogin><TicketListPage /></RequireLogin> }
}

#[component]
fn TicketListPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let param = move |name: &str| query.with(|q| q.get(name)).filter(|v| !v.is_empty());
    let status = Memo::new(move |_| param("status"));
    let type_id = Memo::new(move |_| param("type"));
    let q = Memo::new(move |_| param("q"));
    let pager = Pager::new();
    let search_text = RwSignal::new(q.get_untracked().unwrap_or_default());
    let types = ticket_types();

    // A new filter starts from the first page.
    Effect::new(move |previous: Option<()>| {
        status.track();
        type_id.track();
        q.track();
        if previous.is_some() {
            pager.reset();
        }
    });
    let list = Load::new(move || {
        let filters = [
            ("status", status.get()),
            ("type_id", type_id.get()),
            ("q", q.get()),
            ("cursor", pager.cursor.get()),
        ];
        async move { api::tickets::list(&filters).await }
    });
    let set_filter = move |name: &'static str, value: String| {
        // Reset before the URL changes, so no request pairs the new filter with an old
        // page's cursor (the effect above covers back/forward).
        pager.reset();
        let mut pairs = vec![
            ("status", status.get_untracked()),
            ("type", type_id.get_untracked()),
            ("q", q.get_untracked()),
        ];
        for pair in pairs.iter_mut() {
            if pair.0 == name {
                pair.1 = Some(value.clone());
            }
        }
        navigate(
            &Route::Tickets.with(&pairs),
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    };
    let set_search = set_filter.clone();
    let set_status = set_filter.clone();
    let next = Signal::derive(move || list.get().and_then(|r| r.ok()).and_then(|p| p.next_cursor));
    let filtered = move || status.get().is_some() || type_id.get().is_some() || q.get().is_some();
    view! {
        <section class="page">
            <div class="page-head">
                <div>
                    <p class="breadcrumb">{t(T::CustomerSupport)} " › " {t(T::EmailSupport)}</p>
                    <h1>{t(T::Tickets)}</h1>
                </div>
                <a class="button primary" href=Route::NewTicket.href()>{t(T::NewTicket)}</a>
            </div>
            <div class="filters">
                <SearchBar
                    id="ticket-search"
                    label=T::SearchTickets
                    placeholder=T::SearchTickets
                    value=search_text
                    on_search=Callback::new(move |text| set_search("q", text))
                />
                <div class="field inline">
                    <label for="status-filter">{t(T::Status)}</label>
                    <select id="status-filter" on:change=move |ev| set_status("status", event_target_value(&ev))>
                        <option value="" selected=move || status.get().is_none()>{t(T::AllStatuses)}</option>
                        {TicketStatus::ALL.iter().map(|s| {
                            let value = s.as_str();
                            view! {
                                <option value=value selected=move || status.get().as_deref() == Some(value)>
                                    {t(status_label(*s))}
                                </option>
                            }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field inline">
                    <label for="type-filter">{t(T::Type)}</label>
                    <select id="type-filter" on:change=move |ev| set_filter("type", event_target_value(&ev))>
                        <option value="" selected=move || type_id.get().is_none()>{t(T::AllTypes)}</option>
                        {move || types.get().unwrap_or_default().into_iter().map(|ty| {
                            let value = ty.id.to_string();
                            let selected = type_id.get().as_deref() == Some(value.as_str());
                            view! { <option value=value selected=selected>{ty.name}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </div>
            {move || match list.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(e)) => view! { <ErrorAlert error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                Some(Ok(page)) if page.items.is_empty() => {
                    if filtered() {
                        view! { <div class="empty"><p>{t(T::NoMatchingTickets)}</p></div> }.into_any()
                    } else {
                        view! {
                            <div class="empty">
                                <h2>{t(T::NoTicketsYet)}</h2>
                                <p>{t(T::NoTicketsInvite)}</p>
                                <a class="button primary" href=Route::NewTicket.href()>{t(T::NewTicket)}</a>
                            </div>
                        }.into_any()
                    }
                }
                Some(Ok(page)) => view! { <TicketTable tickets=page.items /> }.into_any(),
            }}
            <PagerButtons pager=pager next=next />
        </section>
    }
}

/// Tickets as a table (cards on narrow screens).
#[component]
pub fn TicketTable(tickets: Vec<Ticket>) -> impl IntoView {
    let locale = i18n::locale();
    view! {
        <table class="tickets">
            <caption class="visually-hidden">{t(T::Tickets)}</caption>
            <thead>
                <tr>
                    <th scope="col">{t(T::Number)}</th>
                    <th scope="col">{t(T::Title)}</th>
                    <th scope="col">{t(T::Type)}</th>
                    <th scope="col">{t(T::CreatedAt)}</th>
                    <th scope="col">{t(T::LastActivity)}</th>
                    <th scope="col">{t(T::Status)}</th>
                </tr>
            </thead>
            <tbody>
                {tickets.into_iter().map(|ticket| {
                    let href = Route::Ticket(ticket.number).href();
                    let created = ticket.created_at;
                    let activity = ticket.last_message.as_ref().map_or(ticket.updated_at, |m| m.at);
                    // The support team answered and the ball is in the customer's court.
                    let replied = ticket.last_message.as_ref().is_some_and(|m| m.from_staff)
                        && !matches!(ticket.status, TicketStatus::Resolved | TicketStatus::Closed);
                    view! {
                        <tr class:replied=replied>
                            <td data-label=move || tr(T::Number)>{format!("#{}", ticket.number)}</td>
                            <td data-label=move || tr(T::Title)><a href=href>{ticket.title.clone()}</a></td>
                            <td data-label=move || tr(T::Type)>{ticket.ticket_type.name.clone()}</td>
                            <td data-label=move || tr(T::CreatedAt)>
                                <time datetime=format::iso(&created)>{move || format::datetime(&created, locale.get())}</time>
                            </td>
                            <td data-label=move || tr(T::LastActivity)>
                                <time datetime=format::iso(&activity)>{move || format::datetime(&activity, locale.get())}</time>
                                {replied.then(|| view! { " " <span class="badge replied">{t(T::AgentReplied)}</span> })}
                            </td>
                            <td data-label=move || tr(T::Status)><StatusBadge status=ticket.status /></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
