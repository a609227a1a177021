//! The agent workspace: views with counts (Unassigned, Mine, All open, Pending, Resolved),
//! and the agent's ticket panel: public replies and internal notes, status, priority, type,
//! assignee, and the audit trail. Keyboard: `j`/`k` move through a list, `/` searches;
//! on a ticket `r` replies, `n` writes a note, `a` assigns it to you.

use ayuda_types::{
    BulkOutcome, BulkUpdate, Page, Presence, Priority, Ticket, TicketCounts, TicketEvent,
    TicketSort, TicketStatus, UpdateTicket, User, UserRef, Viewer, WorkspaceView,
};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::app::NotFound;
use crate::components::common::{
    ErrorAlert, Loading, Pager, PagerButtons, SearchBar, StatusBadge, priority_text, status_text,
};
use crate::components::guard::RequireStaff;
use crate::components::layout::{page_title, remember_queue};
use crate::format;
use crate::i18n::{self, T, t, tr};
use crate::load::Load;
use crate::pages::conversation::{Composer, Conversation, poll_tick};
use crate::pages::ticket::{TicketData, TicketHeader};
use crate::pages::tickets::ticket_types;
use crate::session::Session;

#[component]
pub fn Workspace() -> impl IntoView {
    page_title(|| tr(T::Workspace).to_owned());
    view! { <RequireStaff><WorkspacePage /></RequireStaff> }
}

fn view_text(view: WorkspaceView) -> T {
    match view {
        WorkspaceView::Unassigned => T::ViewUnassigned,
        WorkspaceView::Mine => T::ViewMine,
        WorkspaceView::Open => T::ViewOpen,
        WorkspaceView::Pending => T::ViewPending,
        WorkspaceView::Resolved => T::ViewResolved,
    }
}

fn count_of(counts: &TicketCounts, view: WorkspaceView) -> u64 {
    match view {
        WorkspaceView::Unassigned => counts.unassigned,
        WorkspaceView::Mine => counts.mine,
        WorkspaceView::Open => counts.open,
        WorkspaceView::Pending => counts.pending,
        WorkspaceView::Resolved => counts.resolved,
    }
}

/// True when a key press belongs to a text field, not to a shortcut.
fn typing(ev: &web_sys::KeyboardEvent) -> bool {
    if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
        return true;
    }
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

/// Moves focus to the next (`step` 1) or previous (-1) ticket link of the list.
fn move_focus(step: i32) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(links) = document.query_selector_all(".ticket-list a.ticket-link") else {
        return;
    };
    let count = links.length() as i32;
    if count == 0 {
        return;
    }
    let active = document.active_element();
    let mut current = -1;
    for i in 0..count {
        if let (Some(node), Some(active)) = (links.item(i as u32), active.as_ref())
            && node.is_same_node(Some(active))
        {
            current = i;
        }
    }
    let next = (current + step).clamp(0, count - 1);
    if let Some(el) = links
        .item(next as u32)
        .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

#[component]
fn WorkspacePage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let current = Memo::new(move |_| {
        query
            .with(|q| q.get("view"))
            .and_then(|v| WorkspaceView::parse(&v))
            .unwrap_or(WorkspaceView::Unassigned)
    });
    let q = Memo::new(move |_| query.with(|q| q.get("q")).filter(|v| !v.is_empty()));
    let sort = Memo::new(move |_| {
        query
            .with(|q| q.get("sort"))
            .and_then(|v| TicketSort::parse(&v))
            .unwrap_or(TicketSort::Newest)
    });
    let selected = RwSignal::new(Vec::<i64>::new());
    let done = RwSignal::new(None::<String>);
    let search_text = RwSignal::new(q.get_untracked().unwrap_or_default());
    let pager = Pager::new();
    Effect::new(move |previous: Option<()>| {
        current.track();
        q.track();
        sort.track();
        if previous.is_some() {
            pager.reset();
            selected.set(Vec::new());
        }
    });
    // The way back from a ticket leads here, to this view, order and search.
    let location = use_location();
    Effect::new(move |_| {
        let path = location.pathname.get();
        // The location moves on to the ticket before this page goes: only queue URLs count.
        if path == "/agent" {
            remember_queue(format!("{path}{}", location.search.get()));
        }
    });
    let tick = poll_tick(30);
    let counts = Load::new(move || {
        tick.track();
        async { api::get::<TicketCounts>("/tickets/counts").await.ok() }
    });
    let list = Load::new(move || {
        tick.track();
        let path = format!(
            "/tickets{}",
            api::query(&[
                ("view", Some(current.get().as_str().to_owned())),
                ("q", q.get()),
                (
                    "sort",
                    Some(sort.get())
                        .filter(|s| *s != TicketSort::Newest)
                        .map(|s| s.as_str().to_owned())
                ),
                ("cursor", pager.cursor.get()),
            ])
        );
        async move { api::get::<Page<Ticket>>(&path).await }
    });
    // Views and orders are places: each is a history entry (Back returns to the last one).
    let go = move |view: WorkspaceView, q: Option<String>, order: TicketSort| {
        pager.reset();
        navigate(
            &format!(
                "/agent{}",
                api::query(&[
                    ("view", Some(view.as_str().to_owned())),
                    ("q", q),
                    (
                        "sort",
                        Some(order)
                            .filter(|s| *s != TicketSort::Newest)
                            .map(|s| s.as_str().to_owned())
                    ),
                ])
            ),
            NavigateOptions::default(),
        );
    };
    let search = go.clone();
    let order_go = go.clone();
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if typing(&ev) {
            return;
        }
        match ev.key().as_str() {
            "j" => move_focus(1),
            "k" => move_focus(-1),
            "/" => {
                ev.prevent_default();
                if let Some(input) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("workspace-search"))
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = input.focus();
                }
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    let next = Signal::derive(move || list.get().and_then(|r| r.ok()).and_then(|p| p.next_cursor));
    view! {
        <section class="page workspace">
            <div class="page-head">
                <h1>{t(T::Workspace)}</h1>
                <a class="button" href="/tickets/new">{t(T::NewTicketForCustomer)}</a>
                <details class="shortcuts">
                    <summary>{t(T::KeyboardShortcuts)}</summary>
                    <dl>
                        <dt><kbd>"j"</kbd> " / " <kbd>"k"</kbd></dt><dd>{t(T::ShortcutMove)}</dd>
                        <dt><kbd>"/"</kbd></dt><dd>{t(T::ShortcutSearch)}</dd>
                        <dt><kbd>"r"</kbd></dt><dd>{t(T::ShortcutReply)}</dd>
                        <dt><kbd>"n"</kbd></dt><dd>{t(T::ShortcutNote)}</dd>
                        <dt><kbd>"a"</kbd></dt><dd>{t(T::ShortcutAssign)}</dd>
                    </dl>
                </details>
            </div>
            <nav class="views" aria-label=t(T::Views)>
                {WorkspaceView::ALL.iter().map(|view| {
                    let view = *view;
                    let go = go.clone();
                    view! {
                        <button
                            class="view-tab"
                            aria-current=move || (current.get() == view).then_some("page")
                            on:click=move |_| go(view, None, sort.get_untracked())
                        >
                            <span>{t(view_text(view))}</span>
                            <span class="count" aria-label=move || format!("{} {}", counts.get().flatten().map(|c| count_of(&c, view)).unwrap_or(0), tr(T::TicketsWord))>
                                {move || counts.get().flatten().map(|c| count_of(&c, view).to_string()).unwrap_or_else(|| "…".into())}
                            </span>
                        </button>
                    }
                }).collect_view()}
            </nav>
            <SearchBar
                id="workspace-search"
                label=T::SearchTickets
                placeholder=T::SearchTickets
                value=search_text
                on_search=Callback::new(move |text| search(current.get_untracked(), Some(text), sort.get_untracked()))
            />
            <div class="queue-tools">
                <label for="queue-sort">{t(T::SortBy)}</label>
                <select id="queue-sort" on:change={
                    let go = order_go.clone();
                    move |ev| {
                        if let Some(order) = TicketSort::parse(&event_target_value(&ev)) {
                            go(current.get_untracked(), q.get_untracked(), order);
                        }
                    }
                }>
                    {TicketSort::ALL.iter().map(|order| view! {
                        <option value=order.as_str() selected=move || sort.get() == *order>{t(sort_text(*order))}</option>
                    }).collect_view()}
                </select>
            </div>
            <BulkBar selected=selected done=done on_done=Callback::new(move |()| { list.refetch(); counts.refetch(); }) />
            <p class="confirmation" role="status">{move || done.get()}</p>
            {move || match list.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(e)) => view! { <ErrorAlert error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                Some(Ok(page)) if page.items.is_empty() => view! {
                    <div class="empty"><p>{t(T::ViewEmpty)}</p></div>
                }.into_any(),
                Some(Ok(page)) => view! {
                    <ul class="ticket-list">
                        {page.items.into_iter().map(|ticket| view! { <QueueRow ticket=ticket selected=selected /> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <PagerButtons pager=pager next=next />
        </section>
    }
}

fn sort_text(order: TicketSort) -> T {
    match order {
        TicketSort::Newest => T::SortNewest,
        TicketSort::OldestWaiting => T::SortOldestWaiting,
        TicketSort::Priority => T::SortPriority,
        TicketSort::Updated => T::SortUpdated,
    }
}

/// One ticket of the queue: a box to select it, what it is, who waits and since when,
/// and the start of the last message.
#[component]
fn QueueRow(ticket: Ticket, selected: RwSignal<Vec<i64>>) -> impl IntoView {
    let locale = i18n::locale();
    let number = ticket.number;
    let updated = ticket.updated_at;
    let priority = ticket.priority;
    let checkbox_id = format!("select-{number}");
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        selected.update(|list| {
            list.retain(|n| *n != number);
            if on {
                list.push(number);
            }
        });
    };
    view! {
        <li class="ticket-row" class:selected=move || selected.with(|l| l.contains(&number))>
            <input type="checkbox" id=checkbox_id.clone() class="row-select"
                prop:checked=move || selected.with(|l| l.contains(&number))
                on:change=toggle />
            <label for=checkbox_id class="visually-hidden">{move || tr(T::SelectTicket).replace("{n}", &number.to_string())}</label>
            <div class="row-main">
                <a class="ticket-link" href=format!("/tickets/{number}")>
                    <span class="ticket-number">{format!("#{number}")}</span>
                    <span class="ticket-title">{ticket.title.clone()}</span>
                </a>
                {ticket.last_message.as_ref().map(|m| {
                    let who = if m.from_staff { T::LastFromStaff } else { T::LastFromCustomer };
                    view! { <p class="last-message muted"><span class="who">{t(who)} ": "</span>{m.excerpt.clone()}</p> }
                })}
            </div>
            <span class="ticket-meta">
                <StatusBadge status=ticket.status />
                <span class=format!("priority priority-{}", priority.as_str())>{t(priority_text(priority))}</span>
                <span>{ticket.requester.name.clone()}</span>
                <span>{ticket.ticket_type.name.clone()}</span>
                <span>{ticket.assignee.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| tr(T::Unassigned).to_owned())}</span>
                {match ticket.waiting_since {
                    Some(since) => view! {
                        <span class="waiting" title=move || format::datetime(&since, locale.get())>
                            {t(T::WaitingFor)} " " <time datetime=format::iso(&since)>{format::elapsed(&since)}</time>
                        </span>
                    }.into_any(),
                    None => view! {
                        <time class="muted" datetime=format::iso(&updated)>{move || format::datetime(&updated, locale.get())}</time>
                    }.into_any(),
                }}
            </span>
        </li>
    }
}

/// Actions on the selected tickets: assign, change status, close. Each ticket takes the
/// change or refuses it on its own; the line after says which.
#[component]
fn BulkBar(
    selected: RwSignal<Vec<i64>>,
    done: RwSignal<Option<String>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let session = Session::get();
    let agents = Load::new(|| async {
        api::get::<Vec<UserRef>>("/agents")
            .await
            .unwrap_or_default()
    });
    let busy = RwSignal::new(false);
    let apply = move |changes: UpdateTicket| {
        let numbers = selected.get_untracked();
        if numbers.is_empty() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer =
                api::post::<_, BulkOutcome>("/tickets/bulk", &BulkUpdate { numbers, changes })
                    .await;
            let line = match answer {
                Ok(outcome) => {
                    let mut line =
                        tr(T::BulkDone).replace("{n}", &outcome.updated.len().to_string());
                    for failure in &outcome.failed {
                        line.push_str(&format!(
                            " #{}: {}.",
                            failure.number, failure.problem.detail
                        ));
                    }
                    line
                }
                Err(e) => crate::components::common::error_text(&e),
            };
            done.try_set(Some(line));
            selected.try_set(Vec::new());
            busy.try_set(false);
            on_done.run(());
        });
    };
    let me = move || session.user.with(|u| u.as_ref().map(|u| u.id));
    view! {
        <Show when=move || selected.with(|l| !l.is_empty())>
            <div class="bulk-bar" role="region" aria-label=t(T::BulkActions)>
                <strong>{move || tr(T::SelectedCount).replace("{n}", &selected.with(Vec::len).to_string())}</strong>
                <button type="button" class="button subtle" disabled=move || busy.get() on:click=move |_| {
                    if let Some(id) = me() {
                        apply(UpdateTicket { assignee_id: Some(Some(id)), ..Default::default() });
                    }
                }>{t(T::AssignToMe)}</button>
                <label for="bulk-assignee" class="visually-hidden">{t(T::AssignTo)}</label>
                <select id="bulk-assignee" disabled=move || busy.get() on:change=move |ev| {
                    let value = event_target_value(&ev);
                    if value == "none" {
                        apply(UpdateTicket { assignee_id: Some(None), ..Default::default() });
                    } else if let Ok(id) = value.parse::<i64>() {
                        apply(UpdateTicket { assignee_id: Some(Some(id)), ..Default::default() });
                    }
                }>
                    <option value="" selected=true>{t(T::AssignTo)}</option>
                    <option value="none">{t(T::Unassigned)}</option>
                    {move || agents.get().unwrap_or_default().into_iter().map(|a| view! {
                        <option value=a.id.to_string()>{a.name}</option>
                    }).collect_view()}
                </select>
                <label for="bulk-status" class="visually-hidden">{t(T::SetStatus)}</label>
                <select id="bulk-status" disabled=move || busy.get() on:change=move |ev| {
                    if let Some(status) = TicketStatus::parse(&event_target_value(&ev)) {
                        apply(UpdateTicket { status: Some(status), ..Default::default() });
                    }
                }>
                    <option value="" selected=true>{t(T::SetStatus)}</option>
                    {[TicketStatus::Open, TicketStatus::Pending, TicketStatus::Resolved, TicketStatus::Closed].into_iter().map(|s| view! {
                        <option value=s.as_str()>{t(status_text(s))}</option>
                    }).collect_view()}
                </select>
                <button type="button" class="button subtle" disabled=move || busy.get() on:click=move |_| {
                    apply(UpdateTicket { status: Some(TicketStatus::Closed), ..Default::default() });
                }>{t(T::CloseTickets)}</button>
                <button type="button" class="link-button" on:click=move |_| selected.set(Vec::new())>{t(T::ClearSelection)}</button>
            </div>
        </Show>
    }
}

/// The agent's view of one ticket.
#[component]
pub fn AgentTicket(number: i64) -> impl IntoView {
    let session = Session::get();
    let data = TicketData::load(number);
    data.name_the_page();
    let agents = Load::new(|| async {
        api::get::<Vec<UserRef>>("/agents")
            .await
            .unwrap_or_default()
    });
    let types = ticket_types();
    // The history follows the ticket: every poll and every change refetch it.
    let events = Load::new(move || {
        data.ticket.track();
        async move {
            api::get::<Page<TicketEvent>>(&format!("/tickets/{number}/events?limit=100"))
                .await
                .map(|p| p.items)
        }
    });
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let update = move |change: UpdateTicket| {
        error.set(None);
        saved.set(false);
        leptos::task::spawn_local(async move {
            match api::patch::<_, Ticket>(&format!("/tickets/{number}"), &change).await {
                Ok(_) => {
                    saved.try_set(true);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            data.refetch();
        });
    };
    let internal = RwSignal::new(false);
    let textarea = NodeRef::<leptos::html::Textarea>::new();
    let body = RwSignal::new(String::new());
    let others = presence(number, body, data.tick);
    let focus_composer = move |note: bool| {
        internal.set(note);
        if let Some(area) = textarea.get() {
            let _ = area.focus();
        }
    };
    let me = move || session.user.with(|u| u.as_ref().map(|u| u.id));
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if typing(&ev) {
            return;
        }
        match ev.key().as_str() {
            "r" => {
                ev.prevent_default();
                focus_composer(false);
            }
            "n" => {
                ev.prevent_default();
                focus_composer(true);
            }
            "a" => {
                if let Some(id) = me() {
                    update(UpdateTicket {
                        assignee_id: Some(Some(id)),
                        ..Default::default()
                    });
                }
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    let locale = i18n::locale();
    view! {
        <section class="page agent-ticket">
            {move || match data.ticket.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(e)) if e.status == 404 => view! { <NotFound /> }.into_any(),
                Some(Err(e)) => view! { <ErrorAlert error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                Some(Ok(ticket)) => view! { <TicketHeader ticket=ticket /> }.into_any(),
            }}
            <Collision others=others />
            <div class="agent-grid">
                <div class="agent-main">
                    <Conversation replies=data.replies_list />
                    <Composer data=data staff=true internal=internal textarea=textarea body=body />
                </div>
                <aside class="agent-side" aria-label=t(T::TicketProperties)>
                    <h2>{t(T::TicketProperties)}</h2>
                    <ErrorAlert error=error />
                    <p class="muted" role="status">{move || saved.get().then(|| tr(T::Saved))}</p>
                    {move || data.ticket.get().and_then(Result::ok).map(|ticket| {
                        let status = ticket.status;
                        let priority = ticket.priority;
                        let type_id = ticket.ticket_type.id;
                        let assignee = ticket.assignee.as_ref().map(|a| a.id);
                        let current_assignee = ticket.assignee.clone();
                        view! {
                            <div class="field">
                                <label for="ticket-status">{t(T::Status)}</label>
                                <select id="ticket-status" disabled=status == TicketStatus::Closed on:change=move |ev| {
                                    if let Some(s) = TicketStatus::parse(&event_target_value(&ev)) {
                                        update(UpdateTicket { status: Some(s), ..Default::default() });
                                    }
                                }>
                                    {TicketStatus::ALL.iter().map(|s| view! {
                                        <option value=s.as_str() selected=*s == status disabled=*s == TicketStatus::New && status != TicketStatus::New>
                                            {t(status_text(*s))}
                                        </option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="ticket-priority">{t(T::Priority)}</label>
                                <select id="ticket-priority" on:change=move |ev| {
                                    if let Some(p) = Priority::parse(&event_target_value(&ev)) {
                                        update(UpdateTicket { priority: Some(p), ..Default::default() });
                                    }
                                }>
                                    {Priority::ALL.iter().map(|p| view! {
                                        <option value=p.as_str() selected=*p == priority>{t(priority_text(*p))}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="ticket-type">{t(T::Type)}</label>
                                <select id="ticket-type" on:change=move |ev| {
                                    if let Ok(id) = event_target_value(&ev).parse::<i64>() {
                                        update(UpdateTicket { type_id: Some(id), ..Default::default() });
                                    }
                                }>
                                    {move || {
                                        let mut list = types.get().unwrap_or_default();
                                        if !list.iter().any(|ty| ty.id == type_id) {
                                            // An inactive type still shows on its old tickets.
                                            list.insert(0, ayuda_types::TicketType {
                                                id: type_id,
                                                name: ticket.ticket_type.name.clone(),
                                                base_name: ticket.ticket_type.name.clone(),
                                                description: String::new(),
                                                base_description: String::new(),
                                                active: false,
                                                is_default: false,
                                                translations: Default::default(),
                                            });
                                        }
                                        list.into_iter().map(|ty| view! {
                                            <option value=ty.id.to_string() selected=ty.id == type_id>{ty.name}</option>
                                        }).collect_view()
                                    }}
                                </select>
                            </div>
                            <div class="field">
                                <label for="ticket-assignee">{t(T::Assignee)}</label>
                                <select id="ticket-assignee" on:change=move |ev| {
                                    let value = event_target_value(&ev);
                                    update(UpdateTicket { assignee_id: Some(value.parse::<i64>().ok()), ..Default::default() });
                                }>
                                    <option value="" selected=assignee.is_none()>{t(T::Unassigned)}</option>
                                    {move || {
                                        let mut list = agents.get().unwrap_or_default();
                                        if let Some(a) = current_assignee.clone()
                                            && !list.iter().any(|u| u.id == a.id)
                                        {
                                            list.push(a);
                                        }
                                        list.into_iter().map(|a| view! {
                                            <option value=a.id.to_string() selected=Some(a.id) == assignee>{a.name}</option>
                                        }).collect_view()
                                    }}
                                </select>
                                {move || (me().is_some() && me() != assignee).then(|| view! {
                                    <button type="button" class="link-button" on:click=move |_| {
                                        if let Some(id) = me() {
                                            update(UpdateTicket { assignee_id: Some(Some(id)), ..Default::default() });
                                        }
                                    }>{t(T::AssignToMe)}</button>
                                })}
                            </div>
                        }
                    })}
                    {move || data.ticket.get().and_then(Result::ok).map(|ticket| {
                        view! { <RequesterPanel requester_id=ticket.requester.id number=ticket.number /> }
                    })}
                    <h2 id="history-title">{t(T::History)}</h2>
                    // It scrolls: focusable, so a keyboard can scroll it too.
                    <ol class="events" tabindex="0" aria-labelledby="history-title">
                        {move || events.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|e| {
                            let at = e.created_at;
                            view! {
                                <li>
                                    <span>{event_text(&e)}</span>
                                    <time class="muted" datetime=format::iso(&at)>{move || format::datetime(&at, locale.get())}</time>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                </aside>
            </div>
        </section>
    }
}

/// Tells the server on every poll of the ticket (and whenever the agent starts or stops writing) that this
/// agent has the ticket open, and returns who else does; says goodbye when the page goes.
fn presence(number: i64, body: RwSignal<String>, tick: RwSignal<u32>) -> RwSignal<Vec<Viewer>> {
    let others = RwSignal::new(Vec::new());
    let path = format!("/tickets/{number}/viewers/me");
    let replying = Memo::new(move |_| body.with(|b| !b.trim().is_empty()));
    let report = path.clone();
    Effect::new(move |_| {
        tick.track();
        let presence = Presence {
            replying: replying.get(),
        };
        let path = report.clone();
        leptos::task::spawn_local(async move {
            if let Ok(list) = api::put::<_, Vec<Viewer>>(&path, &presence).await {
                others.try_set(list);
            }
        });
    });
    on_cleanup(move || {
        leptos::task::spawn_local(async move {
            let _ = api::delete(&path).await;
        });
    });
    others
}

/// "Tom is viewing this ticket" / "Tom is replying": so two agents do not answer at once.
#[component]
fn Collision(others: RwSignal<Vec<Viewer>>) -> impl IntoView {
    view! {
        <div class="collision" role="status" aria-live="polite">
            {move || others.get().into_iter().map(|v| {
                let text = if v.replying { T::IsReplying } else { T::IsViewing };
                view! {
                    <p class="alert" class:warning=v.replying class:info=!v.replying>
                        {move || tr(text).replace("{name}", &v.user.name)}
                    </p>
                }
            }).collect_view()}
        </div>
    }
}

/// Who asked: their details, and their other tickets (newest first, a link each).
#[component]
fn RequesterPanel(requester_id: i64, number: i64) -> impl IntoView {
    let locale = i18n::locale();
    let person = Load::new(move || async move {
        api::get::<User>(&format!("/users/{requester_id}"))
            .await
            .ok()
    });
    let tickets = Load::new(move || async move {
        api::get::<Page<Ticket>>(&format!("/tickets?requester_id={requester_id}&limit=6"))
            .await
            .map(|p| p.items)
            .unwrap_or_default()
    });
    view! {
        <section class="requester" aria-labelledby="requester-title">
            <h2 id="requester-title">{t(T::Requester)}</h2>
            {move || person.get().flatten().map(|u| {
                let since = u.created_at;
                view! {
                    <p class="requester-name"><strong>{u.name.clone()}</strong></p>
                    <p><a href=format!("mailto:{}", u.email)>{u.email.clone()}</a></p>
                    {u.phone.clone().map(|p| view! { <p>{p}</p> })}
                    <p class="muted">{t(T::CustomerSince)} " " <time datetime=format::iso(&since)>{move || format::datetime(&since, locale.get())}</time></p>
                }
            })}
            <h3>{t(T::OtherTickets)}</h3>
            {move || {
                let list: Vec<Ticket> = tickets.get().unwrap_or_default().into_iter().filter(|t| t.number != number).collect();
                if list.is_empty() {
                    view! { <p class="muted">{t(T::NoOtherTickets)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="other-tickets">
                            {list.into_iter().map(|t| view! {
                                <li>
                                    <a href=format!("/tickets/{}", t.number)>{format!("#{} {}", t.number, t.title)}</a>
                                    " " <StatusBadge status=t.status />
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}

/// One line of the audit trail: "Ana: status open → pending".
fn event_text(event: &TicketEvent) -> String {
    let who = event
        .actor
        .as_ref()
        .map(|a| a.name.clone())
        .unwrap_or_else(|| "Ayuda".into());
    let what = match event.kind.as_str() {
        "created" => tr(T::EventCreated).to_owned(),
        "replied" => tr(T::EventReplied).to_owned(),
        "noted" => tr(T::EventNoted).to_owned(),
        "resolved" => tr(T::EventResolved).to_owned(),
        "reopened" => tr(T::EventReopened).to_owned(),
        "closed" => tr(T::EventClosed).to_owned(),
        "followed_up" => tr(T::EventFollowedUp).to_owned(),
        "changed" => {
            let field = match event.field.as_deref() {
                Some("status") => tr(T::Status),
                Some("priority") => tr(T::Priority),
                Some("type") | Some("type_id") => tr(T::Type),
                Some("assignee") | Some("assignee_id") => tr(T::Assignee),
                Some(other) => other,
                None => "",
            };
            let value = |v: &Option<String>| {
                v.as_deref()
                    .map(|v| match TicketStatus::parse(v) {
                        Some(s) => tr(status_text(s)).to_owned(),
                        None => match Priority::parse(v) {
                            Some(p) => tr(priority_text(p)).to_owned(),
                            None => v.to_owned(),
                        },
                    })
                    .unwrap_or_else(|| "—".into())
            };
            format!("{field}: {} → {}", value(&event.from), value(&event.to))
        }
        other => other.to_owned(),
    };
    format!("{who}: {what}")
}
