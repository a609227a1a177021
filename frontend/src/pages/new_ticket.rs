//! New ticket → the Open Ticket form: title (with forum suggestions), type, description in
//! Markdown with preview, screenshots and files, "Open ticket".

use std::time::Duration;

use ayuda_types::{ArticleSummary, CreateTicket, FieldError, NewRequester, User};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiError};
use crate::components::attachments::{AttachmentPicker, Uploads};
use crate::components::common::{FieldMessage, FormError, SearchBar};
use crate::components::guard::RequireLogin;
use crate::components::layout::flash;
use crate::components::layout::page_title;
use crate::components::markdown::MarkdownEditor;
use crate::components::ticket::ticket_types;
use crate::i18n::{T, t, tr};
use crate::load::watch;
use crate::route::Route;
use crate::session::Session;

/// The longest title (the server's rule): counted as it is typed, never cut mid-word.
const TITLE_MAX: usize = 200;

#[component]
pub fn NewTicket() -> impl IntoView {
    page_title(|| tr(T::NewTicket).to_owned());
    view! { <RequireLogin><NewTicketForm /></RequireLogin> }
}

#[component]
fn NewTicketForm() -> impl IntoView {
    let navigate = use_navigate();
    let title = RwSignal::new(String::new());
    let type_id = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let uploads = Uploads::new();
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let types = ticket_types();
    let suggestions = suggestions_for(title);
    let staff = Session::get().is_staff();
    let requester = RequesterChoice::new();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if uploads.busy() {
            return;
        }
        error.set(None);
        let chosen_type = type_id.get_untracked().parse::<i64>().ok();
        let request = CreateTicket {
            title: title.get_untracked().trim().to_owned(),
            type_id: chosen_type.unwrap_or_default(),
            description: description.get_untracked(),
            attachment_ids: uploads.ids(),
            requester_id: requester.chosen.get_untracked().map(|u| u.id),
            requester: requester.new_customer(),
        };
        // Every problem at once, in the form's order, before anything is sent: the server's
        // rules for these fields (not `CreateTicket::validate`, whose email rule for the
        // requester would bring a regex engine into the wasm).
        let mut problems = Vec::new();
        let title_chars = request.title.chars().count();
        let max = TITLE_MAX as i64;
        if title_chars == 0 {
            let empty = FieldError::new("title", "blank", "must not be blank");
            problems.push(empty.with("max", max));
        } else if title_chars > TITLE_MAX {
            let long = FieldError::new("title", "too_long", "too long");
            problems.push(long.with("max", max));
        } else if let Err(e) = ayuda_types::validate::single_line(&request.title) {
            problems.push(FieldError::of_rule("title", &e));
        }
        if let Err(e) = ayuda_types::validate::not_blank(&request.description) {
            problems.push(FieldError::of_rule("description", &e));
        }
        if chosen_type.is_none() {
            // Worded here: the list's own words, not a generic "required".
            problems.push(FieldError::new("type_id", "not_chosen", tr(T::ChooseType)));
        }
        if !problems.is_empty() {
            error.set(Some(ApiError::fields(problems)));
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::tickets::create(&request).await {
                Ok(ticket) => {
                    uploads.clear();
                    let path = Route::Ticket(ticket.number).href();
                    flash(
                        path.clone(),
                        tr(T::TicketCreated).replace("{n}", &ticket.number.to_string()),
                    );
                    navigate(&path, Default::default());
                }
                Err(e) => {
                    error.try_set(Some(e));
                    busy.try_set(false);
                }
            }
        });
    };
    let message = move |field: &'static str| {
        Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field(field))))
    };
    view! {
        <section class="page form-page">
            <p class="breadcrumb"><a href=Route::Tickets.href()>{t(T::Tickets)}</a> " › " {t(T::NewTicket)}</p>
            <h1>{t(T::OpenTicketTitle)}</h1>
            <form on:submit=submit novalidate=true class="stack">
                <FormError error=error />
                {staff.then(|| view! { <RequesterPicker choice=requester error=error /> })}
                <div class="field" class:invalid=move || message("title").get().is_some()>
                    <label for="title">{t(T::Title)}<span class="required" aria-hidden="true">" *"</span></label>
                    <input
                        id="title"
                        required=true
                        autocomplete="off"
                        aria-describedby="title-count title-error suggestions"
                        aria-invalid=move || message("title").get().is_some().then_some("true")
                        prop:value=move || title.get()
                        on:input=move |ev| title.set(event_target_value(&ev))
                    />
                    <p id="title-count" class="counter muted" class:over=move || title.with(|t| t.trim().chars().count() > TITLE_MAX)>
                        {move || format!("{}/{TITLE_MAX}", title.with(|t| t.trim().chars().count()))}
                    </p>
                    <FieldMessage id="title-error".into() message=message("title") />
                    <div id="suggestions" aria-live="polite">
                        {move || {
                            let found = suggestions.get();
                            (!found.is_empty()).then(|| view! {
                                <div class="suggestions">
                                    <p><strong>{t(T::MaybeThisSolvesIt)}</strong></p>
                                    <ul>
                                        {found.into_iter().map(|a| view! {
                                            <li>
                                                <a href=Route::Article(a.slug.clone()).href() target="_blank" rel="noopener">{a.title}</a>
                                                <span class="muted">" · " {a.category.name}</span>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                </div>
                            })
                        }}
                    </div>
                </div>
                <div class="field" class:invalid=move || message("type_id").get().is_some()>
                    <label for="type_id">{t(T::Type)}<span class="required" aria-hidden="true">" *"</span></label>
                    <select
                        id="type_id"
                        required=true
                        aria-describedby="type_id-error"
                        aria-invalid=move || message("type_id").get().is_some().then_some("true")
                        on:change=move |ev| type_id.set(event_target_value(&ev))
                    >
                        <option value="" selected=move || type_id.get().is_empty()>{t(T::ChooseType)}</option>
                        {move || types.get().unwrap_or_default().into_iter().map(|ty| {
                            let value = ty.id.to_string();
                            let selected = type_id.get_untracked() == value;
                            view! { <option value=value selected=selected title=ty.description.clone()>{ty.name}</option> }
                        }).collect_view()}
                    </select>
                    <FieldMessage id="type_id-error".into() message=message("type_id") />
                </div>
                <MarkdownEditor
                    id="description"
                    label=T::Description
                    value=description
                    error=Signal::derive(move || error.get())
                    on_files=Callback::new(move |files| uploads.add(files))
                    placeholder=T::DescriptionPlaceholder
                    required=true
                />
                <fieldset class="field">
                    <legend>{t(T::ScreenshotsAndFiles)}</legend>
                    <AttachmentPicker uploads=uploads id="ticket-files" />
                    <FieldMessage id="attachment_ids-error".into() message=message("attachment_ids") />
                </fieldset>
                <div class="actions">
                    <button class="button primary" type="submit" disabled=move || busy.get() || uploads.busy()>
                        {t(T::OpenTicket)}
                    </button>
                    <a class="button subtle" href=Route::Tickets.href()>{t(T::Cancel)}</a>
                </div>
            </form>
        </section>
    }
}

/// For whom an agent opens a ticket: an existing customer found by name or email, or a new
/// one by address (who gets an account and the welcome email); nobody means the agent.
#[derive(Clone, Copy)]
struct RequesterChoice {
    chosen: RwSignal<Option<User>>,
    email: RwSignal<String>,
    name: RwSignal<String>,
}

impl RequesterChoice {
    fn new() -> Self {
        Self {
            chosen: RwSignal::new(None),
            email: RwSignal::new(String::new()),
            name: RwSignal::new(String::new()),
        }
    }

    /// The new customer typed in, when no existing one was chosen.
    fn new_customer(&self) -> Option<NewRequester> {
        if self.chosen.get_untracked().is_some() {
            return None;
        }
        let email = self.email.get_untracked().trim().to_owned();
        let name = self.name.get_untracked().trim().to_owned();
        (!email.is_empty()).then(|| NewRequester {
            email,
            name: (!name.is_empty()).then_some(name),
        })
    }
}

#[component]
fn RequesterPicker(choice: RequesterChoice, error: RwSignal<Option<ApiError>>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Vec<User>>);
    let search = move |text: String| {
        if text.trim().is_empty() {
            found.set(None);
            return;
        }
        leptos::task::spawn_local(async move {
            let filters = [("q", Some(text)), ("limit", Some("8".into()))];
            let users = api::users::list(&filters)
                .await
                .map(|p| p.items)
                .unwrap_or_default();
            found.try_set(Some(users));
        });
    };
    let message = move |field: &'static str| {
        Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field(field))))
    };
    view! {
        <fieldset class="field requester-picker">
            <legend>{t(T::ForCustomer)}</legend>
            <p class="muted">{t(T::ForCustomerHint)}</p>
            {move || match choice.chosen.get() {
                Some(user) => view! {
                    <p class="chosen" role="status">
                        <strong>{user.name.clone()}</strong> " <" {user.email.clone()} ">"
                        " "
                        <button type="button" class="link-button" on:click=move |_| choice.chosen.set(None)>{t(T::Change)}</button>
                    </p>
                }.into_any(),
                None => view! {
                    <SearchBar
                        id="requester-search"
                        label=T::FindCustomer
                        placeholder=T::FindCustomer
                        value=query
                        on_search=Callback::new(search)
                    />
                    {move || found.get().map(|users| if users.is_empty() {
                        view! { <p class="muted">{t(T::NoCustomerFound)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="customer-results">
                                {users.into_iter().map(|u| {
                                    let label = format!("{} <{}>", u.name, u.email);
                                    view! {
                                        <li><button type="button" class="link-button" on:click=move |_| { choice.chosen.set(Some(u.clone())); found.set(None); }>{label}</button></li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    })}
                    <p class="muted">{t(T::OrNewCustomer)}</p>
                    <div class="field">
                        <label for="requester-email">{t(T::CustomerEmail)}</label>
                        <input id="requester-email" type="email" autocomplete="off"
                            aria-describedby="requester-email-error"
                            aria-invalid=move || message("requester.email").get().is_some().then_some("true")
                            prop:value=move || choice.email.get()
                            on:input=move |ev| choice.email.set(event_target_value(&ev)) />
                        <FieldMessage id="requester-email-error".into() message=message("requester.email") />
                    </div>
                    <div class="field">
                        <label for="requester-name">{t(T::CustomerName)}</label>
                        <input id="requester-name" autocomplete="off"
                            prop:value=move || choice.name.get()
                            on:input=move |ev| choice.name.set(event_target_value(&ev)) />
                        <FieldMessage id="requester-name-error".into() message=message("requester.name") />
                    </div>
                }.into_any(),
            }}
        </fieldset>
    }
}

/// Up to three published articles matching the title, looked up once typing pauses.
fn suggestions_for(title: RwSignal<String>) -> RwSignal<Vec<ArticleSummary>> {
    let found = RwSignal::new(Vec::new());
    let generation = StoredValue::new(0u32);
    watch(move || {
        let text = title.get().trim().to_owned();
        let lang = crate::i18n::locale().get_untracked();
        let mine = generation.get_value().wrapping_add(1);
        generation.set_value(mine);
        if text.chars().count() < 3 {
            found.set(Vec::new());
            return;
        }
        set_timeout(
            move || {
                // The page may be gone by now (its values disposed).
                if generation.try_get_value() != Some(mine) {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let filters = [
                        ("q", Some(text)),
                        ("lang", Some(lang.as_str().to_owned())),
                        ("limit", Some("3".into())),
                    ];
                    let page = api::forum::articles(&filters).await;
                    // A later keystroke wins over an older answer.
                    if generation.try_get_value() == Some(mine) {
                        found.try_set(page.map(|p| p.items).unwrap_or_default());
                    }
                });
            },
            Duration::from_millis(300),
        );
    });
    found
}
