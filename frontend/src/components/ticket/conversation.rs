//! A ticket's conversation and the reply box, shared by the customer's and the agent's
//! ticket screens. New replies appear by polling (every 10 s while the tab is visible).

use ayuda_types::canned::{self, PlaceholderValues};
use ayuda_types::{CreateReply, Reply, Role, TicketStatus};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiError};
use crate::components::attachments::{AttachmentList, AttachmentPicker, Uploads};
use crate::components::common::{FormError, status_text};
use crate::components::markdown::MarkdownEditor;
use crate::format;
use crate::i18n::{self, T, t, tr};
use crate::load::{Load, watch};

use super::TicketData;
use crate::route::Route;
use crate::session::Session;
use wasm_bindgen::JsCast;

/// The messages, oldest first; internal notes marked as such.
#[component]
pub fn Conversation(#[prop(into)] replies: Signal<Vec<Reply>>) -> impl IntoView {
    let locale = i18n::locale();
    view! {
        <ol class="conversation" aria-label=t(T::Conversation)>
            <For
                each=move || replies.get()
                key=|r| r.id
                children=move |reply: Reply| {
                    let staff = reply.author.role.is_staff();
                    let created = reply.created_at;
                    let role = match reply.author.role {
                        Role::Customer => T::RoleCustomer,
                        Role::Agent => T::RoleAgent,
                        Role::Admin => T::RoleAgent,
                    };
                    let email = reply.email.clone();
                    view! {
                        <li class="message" class:internal=reply.internal class:staff=staff class:customer=!staff>
                            <header class="message-head">
                                <strong class="author">{reply.author.name.clone()}</strong>
                                <span class="role-tag">{t(role)}</span>
                                {reply.internal.then(|| view! { <span class="badge internal-tag">{t(T::InternalNote)}</span> })}
                                {(reply.channel == ayuda_types::Channel::Email).then(|| view! { <span class="muted">{t(T::ViaEmail)}</span> })}
                                <time class="muted" datetime=format::iso(&created)>{move || format::datetime(&created, locale.get())}</time>
                            </header>
                            <div class="prose" inner_html=reply.body_html.clone()></div>
                            <AttachmentList attachments=reply.attachments.clone() />
                            {email.map(|e| view! {
                                <p class="email-reason muted">
                                    {t(T::ReceivedFrom)} " " {e.from_address} " — " {e.reason}
                                </p>
                            })}
                        </li>
                    }
                }
            />
        </ol>
    }
}

/// The reply box, shown once the ticket has loaded. With `staff`, it also writes internal
/// notes (`internal`), inserts canned replies and sets the status the reply leaves the
/// ticket in. A customer's reply to a closed ticket lands in a new follow-up ticket, which
/// it then opens. What is typed is kept per ticket (this browser, this user) until sent,
/// so leaving the page loses nothing.
#[component]
pub fn Composer(
    data: TicketData,
    #[prop(optional)] staff: bool,
    #[prop(optional)] internal: Option<RwSignal<bool>>,
    #[prop(optional)] textarea: NodeRef<leptos::html::Textarea>,
    /// The text being written, for a caller that watches it (the agent's presence).
    #[prop(optional)]
    body: Option<RwSignal<String>>,
) -> impl IntoView {
    let number = data.number;
    let navigate = use_navigate();
    let internal = internal.unwrap_or_else(|| RwSignal::new(false));
    let draft = Draft::new(number);
    let body = body.unwrap_or_else(|| RwSignal::new(String::new()));
    body.set(draft.load());
    watch(move || draft.save(&body.get()));
    let submit_status = RwSignal::new(None::<TicketStatus>);
    let uploads = Uploads::new();
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let sent = RwSignal::new(None::<String>);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if uploads.busy() || busy.get_untracked() {
            return;
        }
        error.set(None);
        sent.set(None);
        busy.set(true);
        let note = staff && internal.get_untracked();
        let request = CreateReply {
            body: body.get_untracked(),
            internal: note,
            attachment_ids: uploads.ids(),
            status: if staff {
                submit_status.get_untracked()
            } else {
                None
            },
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::tickets::reply(number, &request).await {
                Ok(reply) => {
                    draft.clear();
                    body.try_set(String::new());
                    uploads.clear();
                    submit_status.try_set(None);
                    if reply.ticket_number == number {
                        sent.try_set(Some(
                            tr(if note { T::NoteSaved } else { T::ReplySent }).to_owned(),
                        ));
                        data.refetch();
                    } else {
                        navigate(
                            &Route::Ticket(reply.ticket_number).href(),
                            Default::default(),
                        );
                    }
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            busy.try_set(false);
        });
    };
    let label = move || {
        if internal.get() {
            T::InternalNote
        } else {
            T::YourReply
        }
    };
    let insert = move |text: String| {
        body.update(|b| {
            if !b.trim().is_empty() {
                b.push_str("\n\n");
            }
            b.push_str(&text);
        });
        if let Some(area) = textarea.get_untracked() {
            let _ = area.focus();
        }
    };
    view! {
        <Show when=move || data.closed.get().is_some()>
        <form class="composer" class:internal=move || internal.get() on:submit=send.clone() novalidate=true>
            <h2 class="visually-hidden">{t(T::Reply)}</h2>
            {staff.then(|| view! {
                <div class="composer-head">
                    <div class="tabs" role="tablist" aria-label=t(T::ReplyKind)>
                        <button type="button" role="tab" aria-selected=move || (!internal.get()).to_string() on:click=move |_| internal.set(false)>
                            {t(T::PublicReply)}
                        </button>
                        <button type="button" role="tab" aria-selected=move || internal.get().to_string() on:click=move |_| internal.set(true)>
                            {t(T::InternalNote)}
                        </button>
                    </div>
                    <CannedPicker data=data on_pick=Callback::new(insert) />
                </div>
            })}
            <Show when=move || data.closed.get() == Some(true)>
                <p class="alert info">{t(T::ClosedReplyNotice)}</p>
            </Show>
            <FormError error=error />
            <MarkdownEditor
                id="body"
                label=label
                value=body
                error=Signal::derive(move || error.get())
                on_files=Callback::new(move |files| uploads.add(files))
                rows=5
                node_ref=textarea
                required=true
            />
            <AttachmentPicker uploads=uploads id="reply-files" />
            <div class="actions">
                {staff.then(|| view! {
                    <label for="submit-status">{t(T::SubmitAs)}</label>
                    <select id="submit-status" on:change=move |ev| submit_status.set(TicketStatus::parse(&event_target_value(&ev)))>
                        <option value="" selected=move || submit_status.get().is_none()>
                            {move || if internal.get() { tr(T::StatusUnchanged) } else { tr(T::StatusPendingUsual) }}
                        </option>
                        {[TicketStatus::Open, TicketStatus::Pending, TicketStatus::Resolved].into_iter().map(|s| view! {
                            <option value=s.as_str() selected=move || submit_status.get() == Some(s)>{t(status_text(s))}</option>
                        }).collect_view()}
                    </select>
                })}
                <button class="button primary" type="submit" disabled=move || busy.get() || uploads.busy()>
                    {move || if internal.get() { tr(T::AddNote) } else { tr(T::SendReply) }}
                </button>
            </div>
            <p class="confirmation" role="status">{move || sent.get()}</p>
        </form>
        </Show>
    }
}

/// What is being typed on a ticket, kept in this browser's storage for this user until it
/// is sent.
#[derive(Clone, Copy)]
struct Draft {
    key: StoredValue<Option<String>>,
}

impl Draft {
    fn new(number: i64) -> Self {
        let user = Session::get()
            .user
            .with_untracked(|u| u.as_ref().map(|u| u.id));
        Self {
            key: StoredValue::new(user.map(|id| format!("ayuda.draft.{id}.{number}"))),
        }
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    fn load(&self) -> String {
        self.key
            .get_value()
            .and_then(|key| Self::storage()?.get_item(&key).ok().flatten())
            .unwrap_or_default()
    }

    fn save(&self, text: &str) {
        let (Some(key), Some(storage)) = (self.key.try_get_value().flatten(), Self::storage())
        else {
            return;
        };
        let _ = if text.trim().is_empty() {
            storage.remove_item(&key)
        } else {
            storage.set_item(&key, text)
        };
    }

    fn clear(&self) {
        self.save("");
    }
}

/// Canned replies to insert, with their placeholders filled in from this ticket: the
/// requester's language first.
#[component]
fn CannedPicker(data: TicketData, on_pick: Callback<String>) -> impl IntoView {
    let session = Session::get();
    let replies = Load::new(|| async { api::tickets::canned_replies().await.unwrap_or_default() });
    let pick = move |ev: leptos::ev::Event| {
        let Ok(id) = event_target_value(&ev).parse::<i64>() else {
            return;
        };
        let (Some(reply), Some(Ok(ticket))) = (
            replies
                .get_untracked()
                .and_then(|list| list.into_iter().find(|r| r.id == id)),
            data.ticket.get_untracked(),
        ) else {
            return;
        };
        let values = PlaceholderValues {
            customer_name: ticket.requester.name.clone(),
            agent_name: session
                .user
                .with_untracked(|u| u.as_ref().map(|u| u.name.clone()).unwrap_or_default()),
            ticket_number: ticket.number,
            ticket_title: ticket.title.clone(),
        };
        on_pick.run(canned::fill(&reply.body, &values));
        // Back to the prompt, so the same reply can be inserted again.
        if let Some(select) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
        {
            select.set_value("");
        }
    };
    view! {
        <div class="canned">
            <label for="canned-reply" class="visually-hidden">{t(T::InsertCanned)}</label>
            <select id="canned-reply" on:change=pick>
                <option value="" selected=true>{t(T::InsertCanned)}</option>
                {move || replies.get().unwrap_or_default().into_iter().map(|r| {
                    let label = format!("{} ({})", r.title, r.locale.as_str());
                    view! { <option value=r.id.to_string()>{label}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}
