//! The agent workspace: views with counts (Unassigned, Mine, All open, Pending, Resolved),
//! and the agent's ticket panel: public replies and internal notes, status, priority, type,
//! assignee, and the audit trail. Keyboard: `j`/`k` move through a list, `/` searches;
//! on a ticket `r` replies, `n` writes a note, `a` assigns it to you.

use ayuda_types::{
    Page, Priority, Ticket, TicketCounts, TicketEvent, TicketStatus, UpdateTicket, UserRef,
    WorkspaceView,
};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::app::NotFound;
use crate::components::common::{
    ErrorAlert, Loading, Pager, PagerButtons, SearchBar, StatusBadge, priority_text, status_text,
};
use crate::components::guard::RequireStaff;
use crate::format;
use crate::i18n::{self, T, t, tr};
use crate::load::Load;
use crate::pages::conversation::{Composer, Conversation, poll_tick};
use crate::pages::ticket::{TicketData, TicketHeader};
use crate::pages::tickets::ticket_types;
use crate::session::Session;

#[component]
pub fn Workspace() -> impl IntoView {
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
    let search_text = RwSignal::new(q.get_untracked().unwrap_or_default());
    let pager = Pager::new();
    Effect::new(move |previous: Option<()>| {
        current.track();
        q.track();
        if previous.is_some() {
            pager.reset();
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
                ("cursor", pager.cursor.get()),
            ])
        );
        async move { api::get::<Page<Ticket>>(&path).await }
    });
    let go = move |view: WorkspaceView, q: Option<String>| {
        pager.reset();
        navigate(
            &format!(
                "/agent{}",
                api::query(&[("view", Some(view.as_str().to_owned())), ("q", q)])
            ),
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    };
    let search = go.clone();
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
    let locale = i18n::locale();
    view! {
        <section class="page workspace">
            <div class="page-head">
                <h1>{t(T::Workspace)}</h1>
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
                            on:click=move |_| go(view, None)
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
                on_search=Callback::new(move |text| search(current.get_untracked(), Some(text)))
            />
            {move || match list.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(e)) => view! { <ErrorAlert error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                Some(Ok(page)) if page.items.is_empty() => view! {
                    <div class="empty"><p>{t(T::ViewEmpty)}</p></div>
                }.into_any(),
                Some(Ok(page)) => view! {
                    <ul class="ticket-list">
                        {page.items.into_iter().map(|ticket| {
                            let updated = ticket.updated_at;
                            let priority = ticket.priority;
                            view! {
                                <li class="ticket-row">
                                    <a class="ticket-link" href=format!("/tickets/{}", ticket.number)>
                                        <span class="ticket-number">{format!("#{}", ticket.number)}</span>
                                        <span class="ticket-title">{ticket.title.clone()}</span>
                                    </a>
                                    <span class="ticket-meta">
                                        <StatusBadge status=ticket.status />
                                        <span class=format!("priority priority-{}", priority.as_str())>{t(priority_text(priority))}</span>
                                        <span>{ticket.requester.name.clone()}</span>
                                        <span>{ticket.ticket_type.name.clone()}</span>
                                        <span>{ticket.assignee.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| tr(T::Unassigned).to_owned())}</span>
                                        <time class="muted" datetime=format::iso(&updated)>{move || format::datetime(&updated, locale.get())}</time>
                                    </span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <PagerButtons pager=pager next=next />
        </section>
    }
}

/// The agent's view of one ticket.
#[component]
pub fn AgentTicket(number: i64) -> impl IntoView {
    let session = Session::get();
    let data = TicketData::load(number);
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
                Ok(_) => saved.set(true),
                Err(e) => error.set(Some(e)),
            }
            data.refetch();
        });
    };
    let internal = RwSignal::new(false);
    let textarea = NodeRef::<leptos::html::Textarea>::new();
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
            <div class="agent-grid">
                <div class="agent-main">
                    <Conversation replies=data.replies_list />
                    <Composer data=data staff=true internal=internal textarea=textarea />
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
                            <p class="muted">{t(T::Requester)} ": " {ticket.requester.name.clone()} " <" {ticket.requester.email.clone()} ">"</p>
                        }
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
