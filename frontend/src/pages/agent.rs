//! The agent workspace: views with counts (Unassigned, Mine, All open, Pending, Resolved),
//! search, order, and actions on several tickets at once. Keyboard: `j`/`k` move through
//! the list, `/` searches (a ticket's own keys are in `pages::ticket::agent`).

use ayuda_types::{
    BulkUpdate, Ticket, TicketCounts, TicketSort, TicketStatus, UpdateTicket, WorkspaceView,
};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::common::{
    ErrorAlert, Loading, Pager, PagerButtons, SearchBar, StatusBadge, priority_text, problem_words,
    status_text, typing,
};
use crate::components::guard::RequireStaff;
use crate::components::layout::{page_title, remember_queue};
use crate::format;
use crate::i18n::{self, T, t, tr};
use crate::load::poll_tick;
use crate::load::{Load, watch};
use crate::route::Route;
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
    watch(move || {
        let path = location.pathname.get();
        // The location moves on to the ticket before this page goes: only queue URLs count.
        if path == Route::Agent.href() {
            remember_queue(format!("{path}{}", location.search.get()));
        }
    });
    let tick = poll_tick(30);
    let counts = Load::new(move || {
        tick.track();
        async { api::tickets::counts().await.ok() }
    });
    let list = Load::new(move || {
        tick.track();
        let filters = [
            ("view", Some(current.get().as_str().to_owned())),
            ("q", q.get()),
            (
                "sort",
                Some(sort.get())
                    .filter(|s| *s != TicketSort::Newest)
                    .map(|s| s.as_str().to_owned()),
            ),
            ("cursor", pager.cursor.get()),
        ];
        async move { api::tickets::list(&filters).await }
    });
    // Views and orders are places: each is a history entry (Back returns to the last one).
    let go = move |view: WorkspaceView, q: Option<String>, order: TicketSort| {
        pager.reset();
        navigate(
            &Route::Agent.with(&[
                ("view", Some(view.as_str().to_owned())),
                ("q", q),
                (
                    "sort",
                    Some(order)
                        .filter(|s| *s != TicketSort::Newest)
                        .map(|s| s.as_str().to_owned()),
                ),
            ]),
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
                <a class="button" href=Route::NewTicket.href()>{t(T::NewTicketForCustomer)}</a>
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
                <a class="ticket-link" href=Route::Ticket(number).href()>
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
    let agents = Load::new(|| async { api::users::agents().await.unwrap_or_default() });
    let busy = RwSignal::new(false);
    let apply = move |changes: UpdateTicket| {
        let numbers = selected.get_untracked();
        if numbers.is_empty() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = api::tickets::bulk(&BulkUpdate { numbers, changes }).await;
            let line = match answer {
                Ok(outcome) => {
                    let mut line =
                        tr(T::BulkDone).replace("{n}", &outcome.updated.len().to_string());
                    for failure in &outcome.failed {
                        line.push_str(&format!(
                            " #{}: {}.",
                            failure.number,
                            problem_words(&failure.problem)
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
