//! Soporte al cliente › Chat Support: the customer's live chat. The bot greets with its
//! palabras clave; Live Agent Request puts the customer in the queue (position and
//! estimate live, the bot still usable); an agent joins; the chat ends with a rating and
//! the transcript by email. When no agent is available, Leave a ticket turns the chat into
//! a ticket. Past chats are listed below with their tickets.

use ayuda_types::{ChatState, ChatSummary, CreateChat, RateChat};
use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::chat::Move;
use crate::api::{self, ApiError};
use crate::chat::{LiveChat, Side};
use crate::components::chat::{BotChoices, ChatComposer, QueueCard, Reconnecting, Timeline};
use crate::components::common::{ErrorAlert, FormError, Loading};
use crate::components::guard::RequireLogin;
use crate::components::layout::page_title;
use crate::format;
use crate::i18n::{self, T, t, tr};
use crate::load::{Load, watch};
use crate::route::Route;
use crate::session::Session;

#[component]
pub fn ChatPage() -> impl IntoView {
    page_title(|| tr(T::ChatSupport).to_owned());
    let staff = Session::get().is_staff();
    view! {
        <RequireLogin>
            // Staff answer chats in their console; Chat Support is the customers'.
            {if staff {
                view! { <Redirect path=Route::AgentChats.href() /> }.into_any()
            } else {
                view! { <CustomerChat /> }.into_any()
            }}
        </RequireLogin>
    }
}

#[component]
fn CustomerChat() -> impl IntoView {
    let chat = RwSignal::new(None::<LiveChat>);
    let error = RwSignal::new(None::<ApiError>);
    let past = Load::new(move || {
        // Refreshed when a chat closes.
        chat.track();
        async { api::chat::mine().await.map(|p| p.items).unwrap_or_default() }
    });
    let owner = Owner::current();
    // Opens a chat (the customer's open one if there is one) and follows it.
    let start = Callback::new(move |previous: Option<i64>| {
        if let Some(old) = chat.get_untracked() {
            old.stop();
        }
        let owner = owner.clone();
        leptos::task::spawn_local(async move {
            let request = CreateChat {
                locale: Some(i18n::locale().get_untracked()),
                previous_chat_id: previous,
            };
            match api::chat::open(&request).await {
                Ok(snapshot) => {
                    let live = match &owner {
                        Some(owner) => owner.with(|| LiveChat::follow(snapshot, Side::Customer)),
                        None => LiveChat::follow(snapshot, Side::Customer),
                    };
                    chat.try_set(Some(live));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    });
    start.run(None);
    view! {
        <section class="page chat-page">
            <h1>{t(T::ChatSupport)}</h1>
            <ErrorAlert error=error />
            {move || match chat.get() {
                None => view! { <Loading /> }.into_any(),
                Some(live) => view! { <ChatWindow chat=live on_new=Callback::new(move |id| start.run(Some(id))) /> }.into_any(),
            }}
            <PastChats past=past current=Signal::derive(move || chat.get().map(|c| c.id)) />
        </section>
    }
}

/// The conversation with its controls.
#[component]
fn ChatWindow(chat: LiveChat, on_new: Callback<i64>) -> impl IntoView {
    let state = Memo::new(move |_| chat.facts.with(|f| f.state));
    let closed = Signal::derive(move || state.get() == ChatState::Closed);
    // What is shown is read: the agent sees the read mark.
    watch(move || {
        chat.events.track();
        let visible = web_sys::window()
            .and_then(|w| w.document())
            .is_none_or(|d| !d.hidden());
        if visible {
            chat.read_all();
        }
    });
    let ticket = move || chat.facts.with(|f| f.ticket.map(|t| t.number));
    view! {
        <div class="chat-window">
            <div class="chat-head">
                <p class="chat-with">
                    {move || chat.facts.with(|f| match (&f.assignee, f.state) {
                        (Some(a), ChatState::Active) => tr(T::ChattingWith).replace("{name}", &a.name),
                        (_, ChatState::Waiting) => tr(T::WaitingForAgent).to_owned(),
                        (_, ChatState::Closed) => tr(T::ChatEnded).to_owned(),
                        _ => tr(T::ChatWithBot).to_owned(),
                    })}
                </p>
                <Show when=move || !closed.get()>
                    <button type="button" class="button subtle small" on:click=move |_| chat.act(Move::Close)>
                        {t(T::EndChat)}
                    </button>
                </Show>
            </div>
            <Reconnecting chat=chat />
            <Timeline chat=chat />
            <QueueCard chat=chat />
            {move || ticket().map(|n| view! {
                <p class="alert info" role="status">
                    {tr(T::ChatTicketNotice).replace("{n}", &n.to_string())} " "
                    <a href=Route::Ticket(n).href()>{format!("#{n}")}</a>
                </p>
            })}
            <BotChoices chat=chat />
            {move || if closed.get() {
                view! { <AfterChat chat=chat on_new=on_new /> }.into_any()
            } else {
                view! { <ChatComposer chat=chat /> }.into_any()
            }}
        </div>
    }
}

/// After the end: a rating when a person served the chat, and a way to start again.
#[component]
fn AfterChat(chat: LiveChat, on_new: Callback<i64>) -> impl IntoView {
    let served = move || {
        chat.events
            .with(|list| list.iter().any(|e| e.kind == "agent.joined"))
    };
    let rated = RwSignal::new(chat.facts.with_untracked(|f| f.rating.is_some()));
    let score = RwSignal::new(0u8);
    let comment = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let rate = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = RateChat {
            score: score.get_untracked(),
            comment: Some(comment.get_untracked()).filter(|c| !c.trim().is_empty()),
        };
        leptos::task::spawn_local(async move {
            match api::chat::rate(chat.id, &request).await {
                Ok(()) => {
                    rated.try_set(true);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <div class="after-chat">
            <p class="muted">{t(T::TranscriptEmailed)}</p>
            {move || (served() && !rated.get()).then(|| view! {
                <form class="rating" on:submit=rate>
                    <fieldset>
                        <legend>{t(T::RateChat)}</legend>
                        <div class="stars">
                            {(1u8..=5).map(|n| view! {
                                <label class="star">
                                    <input type="radio" name="score" value=n.to_string()
                                        prop:checked=move || score.get() == n
                                        on:change=move |_| score.set(n) />
                                    <span>{n.to_string()}</span>
                                </label>
                            }).collect_view()}
                        </div>
                    </fieldset>
                    <label for="rating-comment">{t(T::RatingComment)}</label>
                    <textarea id="rating-comment" rows="2" maxlength="2000"
                        prop:value=move || comment.get()
                        on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                    <FormError error=error />
                    <button class="button primary" type="submit" disabled=move || score.get() == 0>{t(T::SendRating)}</button>
                </form>
            })}
            {move || rated.get().then(|| view! { <p class="alert success" role="status">{t(T::ThanksRating)}</p> })}
            <button type="button" class="button" on:click=move |_| on_new.run(chat.id)>{t(T::NewChat)}</button>
        </div>
    }
}

/// The customer's earlier chats, with the tickets they became.
#[component]
fn PastChats(
    past: Load<Vec<ChatSummary>>,
    #[prop(into)] current: Signal<Option<i64>>,
) -> impl IntoView {
    let locale = i18n::locale();
    move || {
        let list: Vec<ChatSummary> = past
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|c| Some(c.id) != current.get() && c.state == ChatState::Closed)
            .collect();
        (!list.is_empty()).then(|| view! {
            <section class="past-chats" aria-labelledby="past-chats-title">
                <h2 id="past-chats-title">{t(T::PastChats)}</h2>
                <ul>
                    {list.into_iter().map(|c| {
                        let at = c.created_at;
                        view! {
                            <li>
                                <time datetime=format::iso(&at)>{move || format::datetime(&at, locale.get())}</time>
                                " — " {c.last_message.clone().unwrap_or_default()}
                                {c.ticket.map(|tk| view! {
                                    " · " <a href=Route::Ticket(tk.number).href()>{tr(T::TicketNumber).replace("{n}", &tk.number.to_string())}</a>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })
    }
}
