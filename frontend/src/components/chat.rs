//! What the customer's chat and the agents' console share: the timeline of a live chat
//! (bubbles, joins, the ticket it became), the composer, the bot's buttons and the queue
//! card.

use ayuda_types::{Attachment, ChatEvent, ChatState};
use leptos::prelude::*;

use crate::chat::LiveChat;
use crate::components::attachments::{AttachmentList, AttachmentPicker, Uploads, pasted_files};
use crate::components::common::ErrorAlert;
use crate::format;
use crate::i18n::{self, T, t, tr};
use crate::load::watch;
use crate::route::Route;

/// A message's author as shown: the bot and Ayuda by their role, people by name.
fn author_name(event: &ChatEvent) -> String {
    let author = &event.data["author"];
    match author["kind"].as_str() {
        Some("bot") => tr(T::ChatBot).to_owned(),
        Some("system") => "Ayuda".to_owned(),
        _ => author["name"].as_str().unwrap_or_default().to_owned(),
    }
}

/// The conversation, oldest first, then the messages still on their way. New messages are
/// announced to screen readers (the list is a polite live region).
#[component]
pub fn Timeline(chat: LiveChat) -> impl IntoView {
    let list = NodeRef::<leptos::html::Ol>::new();
    // Follows the newest message, unless the reader has scrolled up to read older ones.
    let at_bottom = StoredValue::new(true);
    watch(move || {
        chat.events.track();
        chat.pending.track();
        if at_bottom.get_value()
            && let Some(ol) = list.get()
        {
            ol.set_scroll_top(ol.scroll_height());
        }
    });
    let on_scroll = move |_| {
        if let Some(ol) = list.get_untracked() {
            let gap = ol.scroll_height() - ol.scroll_top() - ol.client_height();
            at_bottom.set_value(gap < 80);
        }
    };
    view! {
        <ol node_ref=list on:scroll=on_scroll class="chat-timeline" tabindex="0" aria-live="polite" aria-relevant="additions" aria-label=t(T::Conversation)>
            <For
                each=move || chat.events.get()
                key=|e| e.seq
                children=move |event: ChatEvent| view! { <EventItem chat=chat event=event /> }
            />
            <For
                each=move || chat.pending.get()
                key=|o| o.client_msg_id.clone()
                children=move |o| view! {
                    <li class="bubble mine sending">
                        <p class="bubble-text">{if o.body.is_empty() { o.choice_id.clone().unwrap_or_default() } else { o.body.clone() }}</p>
                        {(!o.attachment_ids.is_empty()).then(|| view! {
                            <p class="muted">{tr(T::FilesAttached).replace("{n}", &o.attachment_ids.len().to_string())}</p>
                        })}
                        <span class="bubble-meta muted">{move || if chat.connected.get() { tr(T::Sending) } else { tr(T::WaitingToSend) }}</span>
                    </li>
                }
            />
        </ol>
        {move || chat.typing.get().map(|name| view! {
            <p class="typing muted" role="status">{tr(T::IsTyping).replace("{name}", &name)}</p>
        })}
    }
}

/// One stored event; events people need not see (state changes, read marks) show nothing.
#[component]
fn EventItem(chat: LiveChat, event: ChatEvent) -> impl IntoView {
    let locale = i18n::locale();
    let at = event.ts;
    let time = move || format::time(&at, locale.get());
    let name = |key: &str| {
        event.data[key]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    match event.kind.as_str() {
        "message.created" => {
            let mine = chat.is_mine(&event);
            let kind = event.data["author"]["kind"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let internal = event.data["internal"].as_bool().unwrap_or(false);
            let seq = event.seq.unwrap_or_default();
            let read = move || mine && seq <= chat.peer_read.get();
            let links: Vec<(String, String)> = event.data["links"]
                .as_array()
                .map(|list| {
                    list.iter()
                        .filter_map(|l| {
                            Some((
                                l["title"].as_str()?.to_owned(),
                                l["slug"].as_str()?.to_owned(),
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let html = event.data["body_html"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let files: Vec<Attachment> =
                serde_json::from_value(event.data["attachments"].clone()).unwrap_or_default();
            let author = author_name(&event);
            view! {
                <li class=format!("bubble from-{kind}") class:mine=mine class:internal=internal>
                    <p class="bubble-head">
                        <strong>{author}</strong>
                        {internal.then(|| view! { <span class="badge internal-tag">{t(T::InternalNote)}</span> })}
                        <time class="muted" datetime=format::iso(&at)>{time}</time>
                    </p>
                    <div class="bubble-text prose" inner_html=html></div>
                    {(!files.is_empty()).then(|| view! { <AttachmentList attachments=files /> })}
                    {(!links.is_empty()).then(|| view! {
                        <ul class="bot-links">
                            {links.into_iter().map(|(title, slug)| view! {
                                <li><a href=Route::Article(slug).href() target="_blank" rel="noopener">{title}</a></li>
                            }).collect_view()}
                        </ul>
                    })}
                    {move || read().then(|| view! { <span class="bubble-meta muted">{t(T::Read)}</span> })}
                </li>
            }
            .into_any()
        }
        "agent.joined" => {
            let who = name("agent");
            view! { <li class="chat-note">{move || tr(T::AgentJoined).replace("{name}", &who)}</li> }.into_any()
        }
        "agent.left" => {
            let who = name("agent");
            view! { <li class="chat-note">{move || tr(T::AgentLeft).replace("{name}", &who)}</li> }
                .into_any()
        }
        "ticket.created" => {
            let number = event.data["ticket"]["number"].as_i64().unwrap_or_default();
            view! {
                <li class="chat-note ticket-note">
                    {move || tr(T::ChatBecameTicket).replace("{n}", &number.to_string())} " "
                    <a href=Route::Ticket(number).href()>{format!("#{number}")}</a>
                </li>
            }
            .into_any()
        }
        "chat.closed" => view! { <li class="chat-note">{t(T::ChatEnded)}</li> }.into_any(),
        _ => ().into_any(),
    }
}

/// The buttons of the bot's last message (keywords, Live Agent Request, Resume Chat With
/// Bot, Restart, Leave a ticket), and why no agent is available when that is the case.
#[component]
pub fn BotChoices(chat: LiveChat) -> impl IntoView {
    let last = Memo::new(move |_| {
        chat.events.with(|list| {
            list.iter()
                .rev()
                .find(|e| e.kind == "message.created")
                .filter(|e| e.data["author"]["kind"] == "bot")
                .map(|e| e.data.clone())
        })
    });
    let open = move || chat.facts.with(|f| f.state != ChatState::Closed);
    move || {
        let data = last.get().filter(|_| open())?;
        let choices: Vec<(String, String)> = data["choices"]
            .as_array()?
            .iter()
            .filter_map(|c| {
                Some((
                    c["id"].as_str()?.to_owned(),
                    c["label"].as_str()?.to_owned(),
                ))
            })
            .collect();
        let reason = data["unavailable"]["reason"].as_str().map(|r| {
            if r == "queue_full" {
                T::UnavailableQueueFull
            } else {
                T::UnavailableNoAgents
            }
        });
        Some(view! {
            {reason.map(|r| view! { <p class="alert warning" role="status">{t(r)}</p> })}
            <div class="bot-choices" role="group" aria-label=t(T::ChatChoices)>
                {choices.into_iter().map(|(id, label)| {
                    let shown = label.clone();
                    let primary = id == "live_agent" || id == "leave_ticket";
                    view! {
                        <button type="button" class="button choice" class:primary=primary
                            on:click=move |_| chat.send(String::new(), Some(id.clone()), false, Vec::new())>
                            {shown}
                        </button>
                    }
                }).collect_view()}
            </div>
        })
    }
}

/// The place in the queue and the wait estimate, live; the bot stays usable below.
#[component]
pub fn QueueCard(chat: LiveChat) -> impl IntoView {
    let waiting = move || chat.facts.with(|f| f.state == ChatState::Waiting);
    move || {
        if !waiting() {
            return None;
        }
        let queue = chat.queue.get()?;
        let eta = queue.eta.map(|e| {
            let minutes = |s: u32| s.div_ceil(60).max(1).to_string();
            tr(T::QueueEta)
                .replace("{min}", &minutes(e.min_s))
                .replace("{max}", &minutes(e.max_s))
        });
        Some(view! {
            <div class="queue-card" role="status">
                <p class="queue-position">
                    {tr(T::QueuePosition)
                        .replace("{position}", &queue.position.to_string())
                        .replace("{len}", &queue.queue_len.to_string())}
                </p>
                {eta.map(|e| view! { <p>{e}</p> })}
                <p class="muted">{t(T::QueueKeepsPlace)}</p>
            </div>
        })
    }
}

/// The message box: Enter sends, Shift+Enter starts a new line; the other side sees that
/// this side is typing. `internal` (agents) makes the next message a note for staff only.
#[component]
pub fn ChatComposer(
    chat: LiveChat,
    #[prop(optional)] internal: Option<RwSignal<bool>>,
    #[prop(optional)] disabled: Option<Signal<bool>>,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let uploads = Uploads::new();
    let typing = StoredValue::new(false);
    let id = format!("chat-composer-{}", chat.id);
    // Also runs on the blur of a box that is going away (the chat just closed).
    let stop_typing = move || {
        if typing.try_get_value() == Some(true) {
            typing.set_value(false);
            chat.set_typing(false);
        }
    };
    let submit = move || {
        let body = text.get_untracked();
        let files = uploads.ids();
        if uploads.busy() || (body.trim().is_empty() && files.is_empty()) {
            return;
        }
        let note = internal.is_some_and(|i| i.get_untracked());
        chat.send(body, None, note, files);
        text.set(String::new());
        uploads.clear();
        stop_typing();
    };
    // A screenshot pasted into the box is attached.
    let on_paste = move |ev: leptos::ev::ClipboardEvent| {
        let files = pasted_files(&ev);
        if !files.is_empty() {
            ev.prevent_default();
            uploads.add(files);
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            submit();
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        text.set(event_target_value(&ev));
        if !typing.get_value() {
            typing.set_value(true);
            chat.set_typing(true);
        }
    };
    let off = move || disabled.is_some_and(|d| d.get());
    let hint_id = format!("{id}-hint");
    view! {
        <form class="chat-composer" on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            submit();
        }>
            <label for=id.clone() class="visually-hidden">{t(T::WriteMessage)}</label>
            <textarea
                id=id
                rows="2"
                maxlength="4000"
                placeholder=t(T::WriteMessage)
                aria-describedby=hint_id.clone()
                disabled=off
                prop:value=move || text.get()
                on:input=on_input
                on:keydown=on_key
                on:paste=on_paste
                on:blur=move |_| stop_typing()
            ></textarea>
            <p id=hint_id class="visually-hidden">{t(T::EnterSends)}</p>
            {internal.map(|i| view! {
                <label class="check">
                    <input type="checkbox" prop:checked=move || i.get() on:change=move |ev| i.set(event_target_checked(&ev)) />
                    " " {t(T::InternalNote)}
                </label>
            })}
            <button class="button primary" type="submit" disabled=off>{t(T::Send)}</button>
            <div class="chat-files">
                <AttachmentPicker uploads=uploads id="chat-files" />
            </div>
        </form>
        <ErrorAlert error=chat.error />
    }
}

/// A quiet line while the socket is down: what is typed meanwhile goes out when back.
#[component]
pub fn Reconnecting(chat: LiveChat) -> impl IntoView {
    let started = StoredValue::new(false);
    move || {
        let up = chat.connected.get();
        if up {
            started.set_value(true);
        }
        (!up && started.get_value())
            .then(|| view! { <p class="reconnecting" role="status">{t(T::Reconnecting)}</p> })
    }
}
