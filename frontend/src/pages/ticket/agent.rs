//! The agent's view of a ticket: the conversation with public replies and internal
//! notes, the properties (status, priority, type, assignee), who asked and their other
//! tickets, and the audit trail. Keyboard: `r` replies, `n` writes a note, `a` assigns the
//! ticket to you.

use ayuda_types::{
    Presence, Priority, Ticket, TicketEvent, TicketStatus, TicketType, UpdateTicket, UserRef,
    Viewer,
};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::common::{ErrorAlert, Loading, priority_text, status_text, typing};
use crate::components::not_found::NotFound;
use crate::components::requester::RequesterPanel;
use crate::components::ticket::{Composer, Conversation, TicketData, TicketHeader, ticket_types};
use crate::format;
use crate::i18n::{self, T, t, tr};
use crate::load::{Load, watch};
use crate::session::Session;

/// The agent's view of one ticket.
#[component]
pub fn AgentTicket(number: i64) -> impl IntoView {
    let session = Session::get();
    let data = TicketData::load(number);
    data.name_the_page();
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let update = Callback::new(move |change: UpdateTicket| {
        error.set(None);
        saved.set(false);
        leptos::task::spawn_local(async move {
            match api::tickets::update(number, &change).await {
                Ok(_) => {
                    saved.try_set(true);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            data.refetch();
        });
    });
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
    let me = Signal::derive(move || session.user.with(|u| u.as_ref().map(|u| u.id)));
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
                if let Some(id) = me.get_untracked() {
                    update.run(UpdateTicket {
                        assignee_id: Some(Some(id)),
                        ..Default::default()
                    });
                }
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
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
                    {move || data.ticket.get().and_then(Result::ok).map(|ticket| view! {
                        <Properties ticket=ticket update=update me=me />
                    })}
                    {move || data.ticket.get().and_then(Result::ok).map(|ticket| {
                        view! { <RequesterPanel requester_id=ticket.requester.id except=ticket.number /> }
                    })}
                    <History data=data />
                </aside>
            </div>
        </section>
    }
}

/// Status, priority, type and assignee, each changed as soon as it is picked.
#[component]
fn Properties(
    ticket: Ticket,
    update: Callback<UpdateTicket>,
    #[prop(into)] me: Signal<Option<i64>>,
) -> impl IntoView {
    let agents = Load::new(|| async { api::users::agents().await.unwrap_or_default() });
    let types = ticket_types();
    let status = ticket.status;
    let priority = ticket.priority;
    let type_id = ticket.ticket_type.id;
    let assignee = ticket.assignee.as_ref().map(|a| a.id);
    let current_assignee = ticket.assignee.clone();
    let set = move |change: UpdateTicket| update.run(change);
    view! {
        <div class="field">
            <label for="ticket-status">{t(T::Status)}</label>
            <select id="ticket-status" disabled=status == TicketStatus::Closed on:change=move |ev| {
                if let Some(s) = TicketStatus::parse(&event_target_value(&ev)) {
                    set(UpdateTicket { status: Some(s), ..Default::default() });
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
                    set(UpdateTicket { priority: Some(p), ..Default::default() });
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
                    set(UpdateTicket { type_id: Some(id), ..Default::default() });
                }
            }>
                {move || type_options(types.get().unwrap_or_default(), &ticket).into_iter().map(|ty| view! {
                    <option value=ty.id.to_string() selected=ty.id == type_id>{ty.name}</option>
                }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="ticket-assignee">{t(T::Assignee)}</label>
            <select id="ticket-assignee" on:change=move |ev| {
                let value = event_target_value(&ev);
                set(UpdateTicket { assignee_id: Some(value.parse::<i64>().ok()), ..Default::default() });
            }>
                <option value="" selected=assignee.is_none()>{t(T::Unassigned)}</option>
                {move || assignee_options(agents.get().unwrap_or_default(), current_assignee.clone()).into_iter().map(|a| view! {
                    <option value=a.id.to_string() selected=Some(a.id) == assignee>{a.name}</option>
                }).collect_view()}
            </select>
            {move || (me.get().is_some() && me.get() != assignee).then(|| view! {
                <button type="button" class="link-button" on:click=move |_| {
                    if let Some(id) = me.get_untracked() {
                        set(UpdateTicket { assignee_id: Some(Some(id)), ..Default::default() });
                    }
                }>{t(T::AssignToMe)}</button>
            })}
        </div>
    }
}

/// The active types, and the ticket's own type when it is no longer active (it still
/// shows on its old tickets).
fn type_options(mut list: Vec<TicketType>, ticket: &Ticket) -> Vec<TicketType> {
    let own = &ticket.ticket_type;
    if !list.iter().any(|ty| ty.id == own.id) {
        list.insert(
            0,
            TicketType {
                id: own.id,
                name: own.name.clone(),
                base_name: own.name.clone(),
                description: String::new(),
                base_description: String::new(),
                active: false,
                is_default: false,
                translations: Default::default(),
            },
        );
    }
    list
}

/// The agents, and the current assignee when no longer one of them.
fn assignee_options(mut list: Vec<UserRef>, current: Option<UserRef>) -> Vec<UserRef> {
    if let Some(a) = current
        && !list.iter().any(|u| u.id == a.id)
    {
        list.push(a);
    }
    list
}

/// The audit trail, newest last; it follows the ticket (every poll and change refetch it).
#[component]
fn History(data: TicketData) -> impl IntoView {
    let number = data.number;
    let events = Load::new(move || {
        data.ticket.track();
        api::tickets::events(number)
    });
    let locale = i18n::locale();
    view! {
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
    }
}

/// Tells the server on every poll of the ticket (and whenever the agent starts or stops writing) that this
/// agent has the ticket open, and returns who else does; says goodbye when the page goes.
fn presence(number: i64, body: RwSignal<String>, tick: RwSignal<u32>) -> RwSignal<Vec<Viewer>> {
    let others = RwSignal::new(Vec::new());
    let replying = Memo::new(move |_| body.with(|b| !b.trim().is_empty()));
    watch(move || {
        tick.track();
        let presence = Presence {
            replying: replying.get(),
        };
        leptos::task::spawn_local(async move {
            if let Ok(list) = api::tickets::viewing(number, &presence).await {
                others.try_set(list);
            }
        });
    });
    on_cleanup(move || {
        leptos::task::spawn_local(async move {
            let _ = api::tickets::left(number).await;
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
