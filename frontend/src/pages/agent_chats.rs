//! The agents' chat console (`/agent/chats`): presence (Online / Away) and capacity, the
//! queue with waited time and position and **Accept**, the agent's chats as tabs with
//! unread counts, each with the conversation, a composer (Enter sends, Shift+Enter a new
//! line, internal notes), the customer beside it, and Transfer, Hand back to the bot, Turn
//! into ticket and Close. A sound and a browser notification (once allowed) say that a chat
//! started waiting while the console is in the background.

use ayuda_types::{
    AgentPresence, ChatSnapshot, ChatState, ChatSummary, ChatToTicket, PresenceStatus, SetPresence,
};
use leptos::prelude::*;
use std::rc::Rc;

use crate::api::chat::Move;
use crate::api::{self, ApiError};
use crate::chat::{Address, Handlers, LiveChat, Side, Socket};
use crate::components::chat::{ChatComposer, Reconnecting, Timeline};
use crate::components::common::{ErrorAlert, Loading};
use crate::components::guard::RequireStaff;
use crate::components::layout::page_title;
use crate::components::requester::RequesterPanel;
use crate::i18n::{T, t, tr};
use crate::load::{Load, poll_tick, watch};
use crate::route::Route;
use crate::session::Session;

#[component]
pub fn ChatConsole() -> impl IntoView {
    page_title(|| tr(T::Chats).to_owned());
    view! { <RequireStaff><Console /></RequireStaff> }
}

/// The console's state: the desk (queue, presences) and the open chats.
#[derive(Clone, Copy)]
struct Desk {
    me: i64,
    /// Bumped by every desk event and every 15 s: the lists refetch.
    changed: RwSignal<u32>,
    queue: Load<Result<Vec<ChatSummary>, ApiError>>,
    presence: Load<Option<AgentPresence>>,
    tabs: RwSignal<Vec<LiveChat>>,
    selected: RwSignal<Option<i64>>,
    notice: RwSignal<Option<String>>,
    error: RwSignal<Option<ApiError>>,
}

impl Desk {
    fn open_tab(self, owner: &Option<Owner>, snapshot: ChatSnapshot) {
        let id = snapshot.id;
        if self.tabs.with_untracked(|t| t.iter().any(|c| c.id == id)) {
            self.selected.set(Some(id));
            return;
        }
        let live = match owner {
            Some(owner) => owner.with(|| LiveChat::follow(snapshot, Side::Agent)),
            None => LiveChat::follow(snapshot, Side::Agent),
        };
        self.tabs.update(|t| t.push(live));
        if self.selected.get_untracked().is_none() {
            self.selected.set(Some(id));
        }
    }

    fn close_tab(self, id: i64) {
        let mut gone = None;
        self.tabs.update(|t| {
            if let Some(at) = t.iter().position(|c| c.id == id) {
                gone = Some(t.remove(at));
            }
        });
        if let Some(chat) = gone {
            chat.stop();
        }
        if self.selected.get_untracked() == Some(id) {
            self.selected
                .set(self.tabs.with_untracked(|t| t.first().map(|c| c.id)));
        }
    }
}

#[component]
fn Console() -> impl IntoView {
    let me = Session::get()
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.id))
        .unwrap_or_default();
    let changed = RwSignal::new(0u32);
    let tick = poll_tick(15);
    let queue = Load::new(move || {
        changed.track();
        tick.track();
        api::chat::desk(ChatState::Waiting)
    });
    let presence = Load::new(move || {
        changed.track();
        tick.track();
        async move {
            api::chat::presences()
                .await
                .ok()
                .and_then(|list| list.into_iter().find(|p| p.agent.id == me))
        }
    });
    let desk = Desk {
        me,
        changed,
        queue,
        presence,
        tabs: RwSignal::new(Vec::new()),
        selected: RwSignal::new(None),
        notice: RwSignal::new(None),
        error: RwSignal::new(None),
    };
    let owner = Owner::current();
    // The chats this agent has already (a reload, another tab) open as tabs.
    {
        let owner = owner.clone();
        leptos::task::spawn_local(async move {
            let Ok(active) = api::chat::desk(ChatState::Active).await else {
                return;
            };
            for summary in active
                .into_iter()
                .filter(|c| c.assignee.as_ref().is_some_and(|a| a.id == me))
            {
                if let Ok(snapshot) = api::chat::snapshot(summary.id, 0).await {
                    desk.open_tab(&owner, snapshot);
                }
            }
        });
    }
    follow_the_desk(desk, owner.clone());
    let owner = StoredValue::new_local(owner);
    let accept = Callback::new(move |id: i64| {
        desk.notice.set(None);
        desk.error.set(None);
        leptos::task::spawn_local(async move {
            match api::chat::act(id, Move::Accept).await {
                Ok(snapshot) => {
                    let owner = owner.get_value();
                    desk.open_tab(&owner, snapshot);
                    desk.selected.set(Some(id));
                }
                Err(e) if e.problem.code.as_deref() == Some("already_taken") => {
                    // Say who won the race.
                    let who = api::chat::snapshot(id, i64::MAX)
                        .await
                        .ok()
                        .and_then(|s| s.assignee)
                        .map(|a| a.name);
                    let line = match who {
                        Some(name) => tr(T::ChatTakenBy).replace("{name}", &name),
                        None => tr(T::ChatGone).to_owned(),
                    };
                    desk.notice.try_set(Some(line));
                }
                Err(e) => {
                    desk.error.try_set(Some(e));
                }
            }
            desk.changed.try_update(|n| *n = n.wrapping_add(1));
        });
    });
    view! {
        <section class="page chat-console">
            <div class="page-head">
                <h1>{t(T::Chats)}</h1>
                <PresenceSwitch desk=desk />
            </div>
            {move || desk.notice.get().map(|n| view! { <p class="alert warning" role="status">{n}</p> })}
            <ErrorAlert error=desk.error />
            <div class="console-grid">
                <QueueList desk=desk accept=accept />
                <div class="console-main">
                    <ChatTabs desk=desk />
                    {move || {
                        let chat = desk.selected.get().and_then(|id| desk.tabs.with(|t| t.iter().copied().find(|c| c.id == id)));
                        match chat {
                            Some(chat) => view! { <ConsoleChat desk=desk chat=chat /> }.into_any(),
                            None => view! { <p class="muted empty">{t(T::NoOpenChats)}</p> }.into_any(),
                        }
                    }}
                </div>
            </div>
        </section>
    }
}

/// The desk socket: every queue or presence change refetches the lists; a chat that starts
/// waiting while the console is in the background rings and notifies.
fn follow_the_desk(desk: Desk, owner: Option<Owner>) {
    let address: Address = Rc::new(|| {
        Box::pin(async {
            let ticket = api::chat::desk_ticket().await.ok()?;
            Some(api::chat::desk_url(&ticket.ticket))
        })
    });
    let handlers = Handlers {
        frame: Box::new(move |event| {
            if event.kind == "queue.added" && page_hidden() {
                let name = event.data["customer"]["name"].as_str().unwrap_or_default();
                alert_agent(&tr(T::ChatWaitingNotice).replace("{name}", name));
            }
            // Auto-routing gave this agent a chat: it opens as a tab.
            if event.kind == "chat.assigned"
                && event.data["assignee"]["id"].as_i64() == Some(desk.me)
                && let Some(id) = event.chat_id
            {
                let owner = owner.clone();
                leptos::task::spawn_local(async move {
                    if let Ok(snapshot) = api::chat::snapshot(id, 0).await {
                        desk.open_tab(&owner, snapshot);
                    }
                });
            }
            if event.kind != "pong" {
                desk.changed.try_update(|n| *n = n.wrapping_add(1));
            }
        }),
        connected: Box::new(move |_| {
            desk.changed.try_update(|n| *n = n.wrapping_add(1));
        }),
    };
    let socket = send_wrapper::SendWrapper::new(Socket::open(address, handlers));
    on_cleanup(move || socket.stop());
}

fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// A short tone and, when the agent allowed it, a browser notification.
fn alert_agent(text: &str) {
    use js_sys::Reflect;
    use wasm_bindgen::{JsCast, JsValue};
    let Some(window) = web_sys::window() else {
        return;
    };
    let global: &JsValue = window.as_ref();
    // Web Audio: an oscillator for a fifth of a second.
    if let Ok(ctor) = Reflect::get(global, &"AudioContext".into())
        && let Ok(ctor) = ctor.dyn_into::<js_sys::Function>()
        && let Ok(context) = Reflect::construct(&ctor, &js_sys::Array::new())
    {
        let call = |target: &JsValue, name: &str, args: &[JsValue]| -> Option<JsValue> {
            let f: js_sys::Function = Reflect::get(target, &name.into()).ok()?.dyn_into().ok()?;
            f.apply(target, &args.iter().collect()).ok()
        };
        if let Some(tone) = call(&context, "createOscillator", &[]) {
            let destination = Reflect::get(&context, &"destination".into()).unwrap_or_default();
            let now = Reflect::get(&context, &"currentTime".into())
                .ok()
                .and_then(|v| v.as_f64())
                .unwrap_or(0.0);
            call(&tone, "connect", &[destination]);
            call(&tone, "start", &[]);
            call(&tone, "stop", &[JsValue::from_f64(now + 0.2)]);
        }
    }
    if notification_permission().as_deref() == Some("granted")
        && let Ok(ctor) = Reflect::get(global, &"Notification".into())
        && let Ok(ctor) = ctor.dyn_into::<js_sys::Function>()
    {
        let options = js_sys::Object::new();
        let _ = Reflect::set(&options, &"body".into(), &text.into());
        let _ = Reflect::construct(&ctor, &js_sys::Array::of2(&"Ayuda".into(), &options));
    }
}

fn notification_permission() -> Option<String> {
    let window = web_sys::window()?;
    let ctor = js_sys::Reflect::get(window.as_ref(), &"Notification".into()).ok()?;
    js_sys::Reflect::get(&ctor, &"permission".into())
        .ok()?
        .as_string()
}

fn ask_notification_permission() {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(ctor) = js_sys::Reflect::get(window.as_ref(), &"Notification".into())
        && let Ok(ask) = js_sys::Reflect::get(&ctor, &"requestPermission".into())
        && let Ok(ask) = ask.dyn_into::<js_sys::Function>()
    {
        let _ = ask.call0(&ctor);
    }
}

/// Online / Away, the capacity in use, and the offer to allow notifications.
#[component]
fn PresenceSwitch(desk: Desk) -> impl IntoView {
    let status = move || desk.presence.get().flatten().map(|p| p.status);
    let set = move |to: PresenceStatus| {
        leptos::task::spawn_local(async move {
            let request = SetPresence {
                status: to,
                max_chats: None,
                agent_id: None,
            };
            if let Err(e) = api::chat::set_presence(&request).await {
                desk.error.try_set(Some(e));
            }
            desk.changed.try_update(|n| *n = n.wrapping_add(1));
        });
    };
    let can_ask = RwSignal::new(notification_permission().as_deref() == Some("default"));
    view! {
        <div class="presence" role="group" aria-label=t(T::Presence)>
            <button type="button" class="button small" class:primary=move || status() == Some(PresenceStatus::Online)
                aria-pressed=move || (status() == Some(PresenceStatus::Online)).to_string()
                on:click=move |_| set(PresenceStatus::Online)>{t(T::Online)}</button>
            <button type="button" class="button small" class:primary=move || status() == Some(PresenceStatus::Away)
                aria-pressed=move || (status() == Some(PresenceStatus::Away)).to_string()
                on:click=move |_| set(PresenceStatus::Away)>{t(T::Away)}</button>
            {move || desk.presence.get().flatten().map(|p| view! {
                <span class="capacity" title=t(T::Capacity)>
                    <span class="visually-hidden">{t(T::Capacity)} " "</span>
                    {format!("{} / {}", p.active_chats, p.max_chats)}
                </span>
            })}
            <Show when=move || can_ask.get()>
                <button type="button" class="button subtle small" on:click=move |_| {
                    ask_notification_permission();
                    can_ask.set(false);
                }>{t(T::AllowNotifications)}</button>
            </Show>
        </div>
    }
}

/// The waiting chats, in queue order, each with Accept.
#[component]
fn QueueList(desk: Desk, accept: Callback<i64>) -> impl IntoView {
    view! {
        <section class="queue" aria-labelledby="queue-title">
            <h2 id="queue-title">
                {t(T::Queue)} " "
                <span class="badge count">{move || desk.queue.get().and_then(Result::ok).map_or(0, |q| q.len()).to_string()}</span>
            </h2>
            {move || match desk.queue.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(e)) => view! { <ErrorAlert error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted">{t(T::QueueEmpty)}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ol class="queue-list">
                        {list.into_iter().map(|c| {
                            let id = c.id;
                            let waited = c.waited_s.unwrap_or(0);
                            let position = c.queue.as_ref().map_or(0, |q| q.position);
                            view! {
                                <li class="queue-item">
                                    <p><strong>{c.customer.name.clone()}</strong>
                                        " " <span class="muted">{format!("#{position} · {}", waited_text(waited))}</span></p>
                                    {c.last_message.clone().map(|m| view! { <p class="last-message muted">{m}</p> })}
                                    <button type="button" class="button primary small"
                                        aria-label=move || tr(T::AcceptChatOf).replace("{name}", &c.customer.name)
                                        on:click=move |_| accept.run(id)>{t(T::Accept)}</button>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any(),
            }}
        </section>
    }
}

/// "3 min", "45 s": how long a chat has waited.
fn waited_text(seconds: i64) -> String {
    if seconds < 60 {
        format!("{seconds} s")
    } else {
        format!("{} min", seconds / 60)
    }
}

/// The agent's chats as tabs, with the count of unread customer messages.
#[component]
fn ChatTabs(desk: Desk) -> impl IntoView {
    view! {
        <div class="chat-tabs" role="tablist" aria-label=t(T::MyChats)>
            <For
                each=move || desk.tabs.get()
                key=|c| c.id
                children=move |chat: LiveChat| {
                    let id = chat.id;
                    let name = chat.facts.with_untracked(|f| f.customer.name.clone());
                    let selected = move || desk.selected.get() == Some(id);
                    view! {
                        <button type="button" role="tab" class="chat-tab"
                            id=format!("chat-tab-{id}")
                            aria-selected=move || selected().to_string()
                            aria-controls="chat-panel"
                            on:click=move |_| desk.selected.set(Some(id))>
                            {name}
                            {move || {
                                let unread = chat.unread();
                                (unread > 0 && !selected()).then(|| view! {
                                    <span class="badge count" aria-label=move || tr(T::UnreadCount).replace("{n}", &unread.to_string())>{unread.to_string()}</span>
                                })
                            }}
                            {move || (chat.state() == ChatState::Closed).then(|| view! { <span class="muted">" · " {t(T::Closed)}</span> })}
                        </button>
                    }
                }
            />
        </div>
    }
}

/// One chat: the conversation and composer, the actions, and the customer.
#[component]
fn ConsoleChat(desk: Desk, chat: LiveChat) -> impl IntoView {
    let internal = RwSignal::new(false);
    let mine = Memo::new(move |_| {
        chat.facts.with(|f| {
            f.state == ChatState::Active && f.assignee.as_ref().is_some_and(|a| a.id == desk.me)
        })
    });
    // What is on screen is read.
    watch(move || {
        chat.events.track();
        if !page_hidden() {
            chat.read_all();
        }
    });
    // A chat that left this agent (transferred, handed back) leaves the tabs.
    watch(move || {
        let gone = chat.facts.with(|f| {
            f.state != ChatState::Closed && f.assignee.as_ref().is_none_or(|a| a.id != desk.me)
        });
        if gone {
            desk.close_tab(chat.id);
        }
    });
    let customer = chat.facts.with_untracked(|f| f.customer.id);
    let agents = Load::new(|| async { api::users::agents().await.unwrap_or_default() });
    let transfer_to = RwSignal::new(String::new());
    let ticket_error = RwSignal::new(None::<ApiError>);
    let to_ticket = move |_| {
        leptos::task::spawn_local(async move {
            match api::chat::to_ticket(chat.id, &ChatToTicket::default()).await {
                Ok(made) => {
                    desk.notice.try_set(Some(
                        tr(T::ChatBecameTicket).replace("{n}", &made.ticket.number.to_string()),
                    ));
                    chat.catch_up();
                }
                Err(e) => {
                    ticket_error.try_set(Some(e));
                }
            }
        });
    };
    let transfer = move |_| {
        let to = transfer_to.get_untracked().parse::<i64>().ok();
        chat.act(Move::Transfer(to));
    };
    view! {
        <div class="console-chat" id="chat-panel" role="tabpanel" aria-labelledby=format!("chat-tab-{}", chat.id)>
            <div class="console-conversation">
                <Reconnecting chat=chat />
                <Timeline chat=chat />
                <Show when=move || chat.state() != ChatState::Closed fallback=move || view! {
                    <p class="muted">{t(T::ChatEnded)} " "
                        <button type="button" class="button subtle small" on:click=move |_| desk.close_tab(chat.id)>{t(T::CloseTab)}</button>
                    </p>
                }>
                    <ChatComposer chat=chat internal=internal disabled=Signal::derive(move || !mine.get() && !internal.get()) />
                </Show>
            </div>
            <aside class="console-side" aria-label=t(T::ChatActions)>
                <Show when=move || mine.get()>
                    <div class="chat-actions">
                        <div class="field">
                            <label for="transfer-to">{t(T::TransferTo)}</label>
                            <select id="transfer-to" on:change=move |ev| transfer_to.set(event_target_value(&ev))>
                                <option value="">{t(T::BackToQueue)}</option>
                                {move || agents.get().unwrap_or_default().into_iter().filter(|a| a.id != desk.me).map(|a| view! {
                                    <option value=a.id.to_string()>{a.name}</option>
                                }).collect_view()}
                            </select>
                            <button type="button" class="button small" on:click=transfer>{t(T::Transfer)}</button>
                        </div>
                        <button type="button" class="button small" on:click=move |_| chat.act(Move::Handback)>{t(T::HandBack)}</button>
                        <button type="button" class="button small" on:click=to_ticket>{t(T::TurnIntoTicket)}</button>
                        <button type="button" class="button danger small" on:click=move |_| chat.act(Move::Close)>{t(T::CloseChat)}</button>
                        <ErrorAlert error=ticket_error />
                    </div>
                </Show>
                {move || chat.facts.with(|f| f.ticket).map(|tk| view! {
                    <p><a href=Route::Ticket(tk.number).href()>{tr(T::TicketNumber).replace("{n}", &tk.number.to_string())}</a></p>
                })}
                <RequesterPanel requester_id=customer />
            </aside>
        </div>
    }
}
