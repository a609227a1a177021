//! Admin, one tab per module: ticket types, users and roles (invite an agent), forum
//! categories and articles, the chat bot; and the form pieces the tabs share.

use std::future::Future;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{ApiError, ApiResult};
use crate::components::common::{FormError, TextField};
use crate::components::guard::RequireStaff;
use crate::components::layout::page_title;
use crate::i18n::{T, t, tr};
use crate::route::Route;

mod bot;
mod forum;
mod types;
mod users;

#[component]
pub fn Admin() -> impl IntoView {
    page_title(|| tr(T::Admin).to_owned());
    view! { <RequireStaff admin=true><AdminPage /></RequireStaff> }
}

#[component]
fn AdminPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let tab = Memo::new(move |_| {
        query
            .with(|q| q.get("tab"))
            .unwrap_or_else(|| "types".into())
    });
    let tabs = [
        ("types", T::TicketTypes),
        ("users", T::Users),
        ("forum", T::Forum),
        ("bot", T::Bot),
    ];
    view! {
        <section class="page admin">
            <h1>{t(T::Admin)}</h1>
            <nav class="tabs" aria-label=t(T::Admin)>
                {tabs.into_iter().map(|(id, label)| {
                    let navigate = navigate.clone();
                    view! {
                        <button
                            class="tab"
                            aria-current=move || (tab.get() == id).then_some("page")
                            on:click=move |_| navigate(&Route::Admin.with(&[("tab", Some(id.to_owned()))]), Default::default())
                        >
                            {t(label)}
                        </button>
                    }
                }).collect_view()}
            </nav>
            {move || match tab.get().as_str() {
                "users" => view! { <users::UsersAdmin /> }.into_any(),
                "forum" => view! { <forum::ForumAdmin /> }.into_any(),
                "bot" => view! { <bot::BotAdmin /> }.into_any(),
                _ => view! { <types::TypesAdmin /> }.into_any(),
            }}
        </section>
    }
}

/// A base name and description with their Spanish and English versions, as form state
/// (ticket types and forum categories are named alike).
#[derive(Clone, Copy)]
struct Texts {
    name: RwSignal<String>,
    description: RwSignal<String>,
    name_es: RwSignal<String>,
    description_es: RwSignal<String>,
    name_en: RwSignal<String>,
    description_en: RwSignal<String>,
}

impl Texts {
    /// The form filled in with what is stored: base texts and (name, description) per
    /// language.
    fn new(base: (&str, &str), es: Option<(&str, &str)>, en: Option<(&str, &str)>) -> Self {
        let signal = |text: &str| RwSignal::new(text.to_owned());
        let (es, en) = (es.unwrap_or_default(), en.unwrap_or_default());
        Texts {
            name: signal(base.0),
            description: signal(base.1),
            name_es: signal(es.0),
            description_es: signal(es.1),
            name_en: signal(en.0),
            description_en: signal(en.1),
        }
    }

    fn empty() -> Self {
        Self::new(("", ""), None, None)
    }

    fn all(self) -> [RwSignal<String>; 6] {
        [
            self.name,
            self.description,
            self.name_es,
            self.description_es,
            self.name_en,
            self.description_en,
        ]
    }

    fn clear(self) {
        for s in self.all() {
            s.try_set(String::new());
        }
    }

    fn base_name(self) -> String {
        self.name.get_untracked().trim().to_owned()
    }

    fn base_description(self) -> String {
        self.description.get_untracked().trim().to_owned()
    }

    /// One language's (name, description); none without a name.
    fn translation<T>(
        name: RwSignal<String>,
        description: RwSignal<String>,
        make: fn(String, String) -> T,
    ) -> Option<T> {
        let name = name.get_untracked().trim().to_owned();
        (!name.is_empty()).then(|| make(name, description.get_untracked().trim().to_owned()))
    }

    fn es<T>(self, make: fn(String, String) -> T) -> Option<T> {
        Self::translation(self.name_es, self.description_es, make)
    }

    fn en<T>(self, make: fn(String, String) -> T) -> Option<T> {
        Self::translation(self.name_en, self.description_en, make)
    }
}

/// The six fields of [`Texts`]; `ids` are the inputs' ids in the order of [`Texts::all`].
#[component]
fn TextsFields(
    texts: Texts,
    ids: [&'static str; 6],
    error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let [
        name,
        description,
        name_es,
        description_es,
        name_en,
        description_en,
    ] = ids;
    view! {
        <TextField id=name field="name" label=T::Name value=texts.name error=error required=true />
        <TextField id=description field="description" label=T::Description value=texts.description error=error />
        <TextField id=name_es field="translations.es.name" label=T::NameSpanish value=texts.name_es error=error />
        <TextField id=description_es field="translations.es.description" label=T::DescriptionSpanish value=texts.description_es error=error />
        <TextField id=name_en field="translations.en.name" label=T::NameEnglish value=texts.name_en error=error />
        <TextField id=description_en field="translations.en.description" label=T::DescriptionEnglish value=texts.description_en error=error />
    }
}

/// Runs `call`, a change whose answer is not needed (the list refetches), then
/// `on_done`; or shows the error in `error`.
fn save_then<T: 'static>(
    call: impl Future<Output = ApiResult<T>> + 'static,
    error: RwSignal<Option<ApiError>>,
    on_done: Callback<()>,
) {
    leptos::task::spawn_local(async move {
        match call.await {
            Ok(_) => on_done.run(()),
            Err(e) => {
                error.try_set(Some(e));
            }
        }
    });
}

/// The frame of a rename form: heading, errors not about one field, the fields, Save and
/// Cancel.
#[component]
fn RenameForm(
    title: String,
    error: RwSignal<Option<ApiError>>,
    on_save: Callback<()>,
    on_cancel: Callback<()>,
    children: Children,
) -> impl IntoView {
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_save.run(());
    };
    view! {
        <form class="stack editor" on:submit=submit novalidate=true>
            <h3>{t(T::Rename)} " — " {title}</h3>
            <FormError error=error />
            {children()}
            <div class="actions">
                <button class="button primary" type="submit">{t(T::Save)}</button>
                <button class="button subtle" type="button" on:click=move |_| on_cancel.run(())>{t(T::Cancel)}</button>
            </div>
        </form>
    }
}

/// Asks the browser's confirmation dialog; false when declined (or without a window).
fn confirm(question: T) -> bool {
    ask(tr(question))
}

/// [`confirm`] with a question already written out.
fn ask(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}
