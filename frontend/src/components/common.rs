//! Small shared pieces: loading and error states, status badges, form fields.

use ayuda_types::{Priority, ProblemDetails, Role, TicketStatus};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::ApiError;
use crate::i18n::{T, t, tr};
use crate::load::watch;

/// A placeholder while data loads (keeps its height, so the page does not jump).
#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <div class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {t(T::Loading)}
        </div>
    }
}

/// The words for a failed call.
pub fn error_text(error: &ApiError) -> String {
    match error.status {
        0 => tr(T::ErrorNetwork).to_owned(),
        401 => tr(T::ErrorSession).to_owned(),
        403 => tr(T::ErrorForbidden).to_owned(),
        404 => tr(T::ErrorNotFound).to_owned(),
        429 => tr(T::ErrorRateLimited).to_owned(),
        500.. => tr(T::ErrorServer).to_owned(),
        // The server's own explanation (409 conflicts, 413, 415, 422 without fields).
        _ => problem_words(&error.problem),
    }
}

/// A problem in the reader's language where the app knows its code, else the server's
/// own words.
pub fn problem_words(problem: &ProblemDetails) -> String {
    crate::i18n::problem_text(problem).unwrap_or_else(|| problem.detail.clone())
}

/// A banner for an error that is not about one field.
#[component]
pub fn ErrorAlert(#[prop(into)] error: Signal<Option<ApiError>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            view! {
                <div class="alert error" role="alert">{error_text(&e)}</div>
            }
        })
    }
}

/// When `error` names fields, the first invalid field of the page gets the focus (once it
/// has rendered), so a keyboard or screen-reader user lands where the problem is.
pub fn focus_first_invalid(error: RwSignal<Option<ApiError>>) {
    watch(move || {
        if error.with(|e| e.as_ref().is_some_and(ApiError::has_fields)) {
            set_timeout(
                || {
                    if let Some(field) = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| {
                            d.query_selector("main [aria-invalid=\"true\"]")
                                .ok()
                                .flatten()
                        })
                        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        let _ = field.focus();
                    }
                },
                std::time::Duration::ZERO,
            );
        }
    });
}

/// The banner of a form: the errors its fields do not show themselves (field errors are
/// shown at their fields).
#[component]
pub fn FormError(error: RwSignal<Option<ApiError>>) -> impl IntoView {
    focus_first_invalid(error);
    view! { <ErrorAlert error=Signal::derive(move || error.get().filter(|e| !e.has_fields())) /> }
}

/// A search form: a labelled search field and its button.
#[component]
pub fn SearchBar(
    id: &'static str,
    label: T,
    placeholder: T,
    value: RwSignal<String>,
    on_search: Callback<String>,
    #[prop(optional)] primary: bool,
) -> impl IntoView {
    view! {
        <form role="search" class="search-bar" on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            on_search.run(value.get_untracked());
        }>
            <label for=id class="visually-hidden">{t(label)}</label>
            <input
                id=id
                type="search"
                placeholder=t(placeholder)
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <button class="button" class:primary=primary type="submit">{t(T::Search)}</button>
        </form>
    }
}

/// A labelled text input with its field error from the API.
#[component]
pub fn TextField(
    /// The input's id, and the API field of its errors unless `field` names another.
    id: &'static str,
    #[prop(optional)] field: Option<&'static str>,
    label: T,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<ApiError>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<T>,
    #[prop(optional)] maxlength: Option<u32>,
) -> impl IntoView {
    let field = field.unwrap_or(id);
    // An error stops showing once the field is edited: it was about the old value.
    let edited = RwSignal::new(false);
    watch(move || {
        error.track();
        edited.set(false);
    });
    let message = move || {
        if edited.get() {
            return None;
        }
        error.with(|e| e.as_ref().and_then(|e| e.field(field)))
    };
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if message().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:invalid=move || message().is_some()>
            <label for=id>{t(label)}{required.then_some(view! { <span class="required" aria-hidden="true">" *"</span> })}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{t(h)}</p> })}
            <input
                id=id
                name=field
                type=kind
                required=required
                autocomplete=autocomplete
                maxlength=maxlength
                aria-invalid=move || message().is_some().then_some("true")
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    edited.set(true);
                }
            />
            <FieldMessage id=error_id message=Signal::derive(message) />
        </div>
    }
}

/// The error line under a field.
#[component]
pub fn FieldMessage(id: String, #[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p class="field-error" id=id aria-live="polite">
            {move || message.get()}
        </p>
    }
}

/// A ticket status as a colored badge, in the reader's words (see [`status_label`]).
#[component]
pub fn StatusBadge(status: TicketStatus) -> impl IntoView {
    view! {
        <span class=format!("badge status-{}", status.as_str())>{t(status_label(status))}</span>
    }
}

/// A status as the signed-in reader says it: to a customer, "pending" is "awaiting your
/// reply" (the agents' word reads as "not handled yet").
pub fn status_label(status: TicketStatus) -> T {
    if status == TicketStatus::Pending && !crate::session::Session::get().is_staff() {
        T::StatusAwaitingYou
    } else {
        status_text(status)
    }
}

/// A role in the reader's words.
pub fn role_text(role: Role) -> T {
    match role {
        Role::Customer => T::RoleCustomer,
        Role::Agent => T::RoleAgent,
        Role::Admin => T::RoleAdmin,
    }
}

/// A status in the reader's words.
pub fn status_text(status: TicketStatus) -> T {
    match status {
        TicketStatus::New => T::StatusNew,
        TicketStatus::Open => T::StatusOpen,
        TicketStatus::Pending => T::StatusPending,
        TicketStatus::Resolved => T::StatusResolved,
        TicketStatus::Closed => T::StatusClosed,
    }
}

pub fn priority_text(priority: Priority) -> T {
    match priority {
        Priority::Low => T::PriorityLow,
        Priority::Normal => T::PriorityNormal,
        Priority::High => T::PriorityHigh,
        Priority::Urgent => T::PriorityUrgent,
    }
}

/// Previous/next buttons over keyset pages: the cursors of the pages seen so far are kept,
/// so "previous" goes back without offsets.
#[derive(Clone, Copy)]
pub struct Pager {
    /// Cursor of the page shown (`None` = first page).
    pub cursor: RwSignal<Option<String>>,
    stack: RwSignal<Vec<Option<String>>>,
}

impl Pager {
    pub fn new() -> Self {
        Self {
            cursor: RwSignal::new(None),
            stack: RwSignal::new(Vec::new()),
        }
    }

    /// Back to the first page (filters changed).
    pub fn reset(&self) {
        self.stack.set(Vec::new());
        self.cursor.set(None);
    }

    fn next(&self, next: String) {
        let current = self.cursor.get_untracked();
        self.stack.update(|s| s.push(current));
        self.cursor.set(Some(next));
    }

    fn previous(&self) {
        let mut back = None;
        self.stack.update(|s| back = s.pop());
        if let Some(cursor) = back {
            self.cursor.set(cursor);
        }
    }
}

#[component]
pub fn PagerButtons(pager: Pager, #[prop(into)] next: Signal<Option<String>>) -> impl IntoView {
    let has_previous = move || pager.stack.with(|s| !s.is_empty());
    view! {
        <Show when=move || has_previous() || next.with(Option::is_some)>
            <nav class="pager" aria-label=t(T::Pages)>
                <button class="button subtle" disabled=move || !has_previous() on:click=move |_| pager.previous()>
                    {t(T::Previous)}
                </button>
                <button
                    class="button subtle"
                    disabled=move || next.with(Option::is_none)
                    on:click=move |_| {
                        if let Some(n) = next.get() {
                            pager.next(n);
                        }
                    }
                >
                    {t(T::Next)}
                </button>
            </nav>
        </Show>
    }
}

/// True when a key press belongs to a text field, not to a shortcut.
pub fn typing(ev: &web_sys::KeyboardEvent) -> bool {
    if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
        return true;
    }
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}
