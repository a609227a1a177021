//! A ticket's conversation and the reply box, shared by the customer's and the agent's
//! ticket screens. New replies appear by polling (every 10 s while the tab is visible).

use std::time::Duration;

use ayuda_types::{CreateReply, Page, Reply, Role};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiError, ApiResult};
use crate::components::attachments::{AttachmentList, AttachmentPicker, Uploads};
use crate::components::common::FormError;
use crate::components::markdown::MarkdownEditor;
use crate::format;
use crate::i18n::{self, T, t, tr};
use crate::pages::ticket::TicketData;

/// Every reply of a ticket, oldest first (pages of 100 until the end).
pub async fn load_replies(number: i64) -> ApiResult<Vec<Reply>> {
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let path = format!(
            "/tickets/{number}/replies{}",
            api::query(&[("limit", Some("100".into())), ("cursor", cursor)])
        );
        let page: Page<Reply> = api::get(&path).await?;
        all.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(all),
        }
    }
}

/// A counter that goes up every `seconds` while the page is visible: resources that read
/// it refetch.
pub fn poll_tick(seconds: u64) -> RwSignal<u32> {
    let tick = RwSignal::new(0u32);
    if let Ok(handle) = set_interval_with_handle(
        move || {
            let visible = web_sys::window()
                .and_then(|w| w.document())
                .is_none_or(|d| !d.hidden());
            if visible {
                tick.update(|t| *t = t.wrapping_add(1));
            }
        },
        Duration::from_secs(seconds),
    ) {
        on_cleanup(move || handle.clear());
    }
    tick
}

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
/// notes (`internal`). A customer's reply to a closed ticket lands in a new follow-up
/// ticket, which it then opens.
#[component]
pub fn Composer(
    data: TicketData,
    #[prop(optional)] staff: bool,
    #[prop(optional)] internal: Option<RwSignal<bool>>,
    #[prop(optional)] textarea: NodeRef<leptos::html::Textarea>,
) -> impl IntoView {
    let number = data.number;
    let navigate = use_navigate();
    let internal = internal.unwrap_or_else(|| RwSignal::new(false));
    let body = RwSignal::new(String::new());
    let uploads = Uploads::new();
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if uploads.busy() || busy.get_untracked() {
            return;
        }
        error.set(None);
        busy.set(true);
        let request = CreateReply {
            body: body.get_untracked(),
            internal: staff && internal.get_untracked(),
            attachment_ids: uploads.ids(),
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::post::<_, Reply>(&format!("/tickets/{number}/replies"), &request).await {
                Ok(reply) => {
                    body.set(String::new());
                    uploads.clear();
                    if reply.ticket_number == number {
                        data.refetch();
                    } else {
                        navigate(
                            &format!("/tickets/{}", reply.ticket_number),
                            Default::default(),
                        );
                    }
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let label = move || {
        if internal.get() {
            T::InternalNote
        } else {
            T::YourReply
        }
    };
    view! {
        <Show when=move || data.closed.get().is_some()>
        <form class="composer" class:internal=move || internal.get() on:submit=send.clone() novalidate=true>
            <h2 class="visually-hidden">{t(T::Reply)}</h2>
            {staff.then(|| view! {
                <div class="tabs" role="tablist" aria-label=t(T::ReplyKind)>
                    <button type="button" role="tab" aria-selected=move || (!internal.get()).to_string() on:click=move |_| internal.set(false)>
                        {t(T::PublicReply)}
                    </button>
                    <button type="button" role="tab" aria-selected=move || internal.get().to_string() on:click=move |_| internal.set(true)>
                        {t(T::InternalNote)}
                    </button>
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
                <button class="button primary" type="submit" disabled=move || busy.get() || uploads.busy()>
                    {move || if internal.get() { tr(T::AddNote) } else { tr(T::SendReply) }}
                </button>
            </div>
        </form>
        </Show>
    }
}
