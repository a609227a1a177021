//! Admin: ticket types, users and roles (invite an agent), forum categories and articles.

use ayuda_types::{
    Article, ArticleStatus, ArticleSummary, CategoryText, CategoryTranslations, CreateArticle,
    CreateCategory, CreateTicketType, CreateUser, ForumCategory, Locale, Page, Role, TicketType,
    TypeText, TypeTranslations, UpdateArticle, UpdateCategory, UpdateTicketType, UpdateUser, User,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{self, ApiError};
use crate::components::common::{
    ErrorAlert, FormError, Loading, Pager, PagerButtons, SearchBar, TextField,
};
use crate::components::guard::RequireStaff;
use crate::components::layout::page_title;
use crate::components::markdown::MarkdownEditor;
use crate::i18n::{T, t, tr};
use crate::load::Load;
use crate::pages::forum::categories;
use crate::pages::profile::SubscriptionsEditor;
use crate::session::Session;
use wasm_bindgen::JsCast;

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
                            on:click=move |_| navigate(&format!("/admin?tab={id}"), Default::default())
                        >
                            {t(label)}
                        </button>
                    }
                }).collect_view()}
            </nav>
            {move || match tab.get().as_str() {
                "users" => view! { <UsersAdmin /> }.into_any(),
                "forum" => view! { <ForumAdmin /> }.into_any(),
                _ => view! { <TypesAdmin /> }.into_any(),
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

fn type_text(name: String, description: String) -> TypeText {
    TypeText { name, description }
}

fn category_text(name: String, description: String) -> CategoryText {
    CategoryText { name, description }
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

#[component]
fn TypesAdmin() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let types = Load::new(move || {
        reload.track();
        async { api::get::<Vec<TicketType>>("/ticket-types?include_inactive=true").await }
    });
    let texts = Texts::empty();
    let error = RwSignal::new(None::<ApiError>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let request = CreateTicketType {
            name: texts.base_name(),
            description: texts.base_description(),
            translations: TypeTranslations {
                es: texts.es(type_text),
                en: texts.en(type_text),
            },
        };
        leptos::task::spawn_local(async move {
            match api::post::<_, TicketType>("/ticket-types", &request).await {
                Ok(_) => {
                    texts.clear();
                    reload.try_update(|r| *r += 1);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let list_error = RwSignal::new(None::<ApiError>);
    let update = move |id: i64, change: UpdateTicketType| {
        list_error.set(None);
        leptos::task::spawn_local(async move {
            if let Err(e) =
                api::patch::<_, TicketType>(&format!("/ticket-types/{id}"), &change).await
            {
                list_error.try_set(Some(e));
            }
            reload.try_update(|r| *r += 1);
        });
    };
    let editing = RwSignal::new(None::<TicketType>);
    view! {
        <h2>{t(T::TicketTypes)}</h2>
        <ErrorAlert error=list_error />
        {move || editing.get().map(|ty| view! {
            <TypeEditor ticket_type=ty on_done=Callback::new(move |_| { editing.set(None); reload.update(|r| *r += 1); }) />
        })}
        {move || match types.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(e)) => view! { <ErrorAlert error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
            Some(Ok(list)) => view! {
                <table class="admin-table">
                    <thead><tr>
                        <th scope="col">{t(T::Name)}</th>
                        <th scope="col">"Español"</th>
                        <th scope="col">"English"</th>
                        <th scope="col">{t(T::Status)}</th>
                        <th scope="col"><span class="visually-hidden">{t(T::Actions)}</span></th>
                    </tr></thead>
                    <tbody>
                        {list.into_iter().map(|ty| {
                            let id = ty.id;
                            let active = ty.active;
                            let is_default = ty.is_default;
                            let label = ty.name.clone();
                            let rename_label = ty.name.clone();
                            let default_label = ty.name.clone();
                            let for_editor = ty.clone();
                            view! {
                                <tr class:inactive=!active>
                                    <td>
                                        {ty.base_name.clone()}
                                        {is_default.then(|| view! { " " <span class="badge replied" title=move || tr(T::DefaultTypeHint)>{t(T::DefaultType)}</span> })}
                                    </td>
                                    <td>{ty.translations.es.as_ref().map(|t| t.name.clone())}</td>
                                    <td>{ty.translations.en.as_ref().map(|t| t.name.clone())}</td>
                                    <td>{if active { t(T::Active) } else { t(T::Inactive) }}</td>
                                    <td class="row-actions">
                                        <button class="button subtle small" aria-label=move || format!("{} {}", tr(T::Rename), rename_label)
                                            on:click=move |_| editing.set(Some(for_editor.clone()))>
                                            {t(T::Rename)}
                                        </button>
                                        {(!is_default).then(|| view! {
                                            <button class="button subtle small" aria-label=move || format!("{} {}", tr(if active { T::Deactivate } else { T::Activate }), label)
                                                on:click=move |_| update(id, UpdateTicketType { active: Some(!active), ..Default::default() })>
                                                {if active { t(T::Deactivate) } else { t(T::Activate) }}
                                            </button>
                                        })}
                                        {(active && !is_default).then(|| view! {
                                            <button class="button subtle small" aria-label=move || format!("{}: {}", tr(T::MakeDefaultType), default_label)
                                                on:click=move |_| update(id, UpdateTicketType { is_default: Some(true), ..Default::default() })>
                                                {t(T::MakeDefaultType)}
                                            </button>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
        <h3>{t(T::NewTicketType)}</h3>
        <form class="stack inline-form" on:submit=create novalidate=true>
            <FormError error=error />
            <TextsFields texts=texts error=error ids=["name", "description", "translations.es.name",
                "translations.es.description", "translations.en.name", "translations.en.description"] />
            <div class="actions"><button class="button primary" type="submit">{t(T::Create)}</button></div>
        </form>
    }
}

/// Renames a ticket type and its translations; every text is sent as it stands in the
/// form (filled in with what is stored), so what is not touched is kept.
#[component]
fn TypeEditor(ticket_type: TicketType, on_done: Callback<()>) -> impl IntoView {
    let id = ticket_type.id;
    fn pair(t: &TypeText) -> (&str, &str) {
        (&t.name, &t.description)
    }
    let translations = &ticket_type.translations;
    let texts = Texts::new(
        (&ticket_type.base_name, &ticket_type.base_description),
        translations.es.as_ref().map(pair),
        translations.en.as_ref().map(pair),
    );
    let error = RwSignal::new(None::<ApiError>);
    let save = move |_| {
        error.set(None);
        let change = UpdateTicketType {
            name: Some(texts.base_name()),
            description: Some(texts.base_description()),
            translations: Some(TypeTranslations {
                es: texts.es(type_text),
                en: texts.en(type_text),
            }),
            ..Default::default()
        };
        patch_then(format!("/ticket-types/{id}"), change, error, on_done);
    };
    view! {
        <RenameForm title=ticket_type.name.clone() error=error on_save=Callback::new(save) on_cancel=on_done>
            <TextsFields texts=texts error=error ids=["edit-name", "edit-description", "edit-name-es",
                "edit-description-es", "edit-name-en", "edit-description-en"] />
        </RenameForm>
    }
}

/// Sends `change` as `PATCH path`, then runs `on_done`, or shows the error in `error`.
fn patch_then<B: serde::Serialize + 'static>(
    path: String,
    change: B,
    error: RwSignal<Option<ApiError>>,
    on_done: Callback<()>,
) {
    leptos::task::spawn_local(async move {
        // The answer is not needed: the list refetches.
        match api::patch::<_, serde::de::IgnoredAny>(&path, &change).await {
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

pub(crate) fn role_text(role: Role) -> T {
    match role {
        Role::Customer => T::RoleCustomer,
        Role::Agent => T::RoleAgent,
        Role::Admin => T::RoleAdmin,
    }
}

#[component]
fn UsersAdmin() -> impl IntoView {
    let session = Session::get();
    let me = session.user.with_untracked(|u| u.as_ref().map(|u| u.id));
    let reload = RwSignal::new(0u32);
    let role_filter = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let search_text = RwSignal::new(String::new());
    let pager = Pager::new();
    let users = Load::new(move || {
        reload.track();
        let path = format!(
            "/users{}",
            api::query(&[
                ("role", Some(role_filter.get())),
                ("q", Some(search.get()).filter(|q| !q.trim().is_empty())),
                ("cursor", pager.cursor.get())
            ])
        );
        async move { api::get::<Page<User>>(&path).await }
    });
    let list_error = RwSignal::new(None::<ApiError>);
    // The staff member whose notifications are open below their row.
    let editing = RwSignal::new(None::<i64>);
    let done = RwSignal::new(None::<String>);
    let update = move |id: i64, change: UpdateUser, line: String| {
        list_error.set(None);
        done.set(None);
        leptos::task::spawn_local(async move {
            match api::patch::<_, User>(&format!("/users/{id}"), &change).await {
                Ok(_) => {
                    done.try_set(Some(line));
                }
                Err(e) => {
                    list_error.try_set(Some(e));
                }
            }
            reload.try_update(|r| *r += 1);
        });
    };
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Agent);
    let error = RwSignal::new(None::<ApiError>);
    let invited = RwSignal::new(None::<String>);
    let invite = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        invited.set(None);
        let request = CreateUser {
            email: email.get_untracked().trim().to_owned(),
            name: name.get_untracked().trim().to_owned(),
            role: role.get_untracked(),
            locale: None,
        };
        leptos::task::spawn_local(async move {
            match api::post::<_, User>("/users", &request).await {
                Ok(user) => {
                    invited.try_set(Some(user.email));
                    email.try_set(String::new());
                    name.try_set(String::new());
                    reload.try_update(|r| *r += 1);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let next = Signal::derive(move || users.get().and_then(|r| r.ok()).and_then(|p| p.next_cursor));
    view! {
        <h2>{t(T::Users)}</h2>
        <div class="field inline">
            <label for="role-filter">{t(T::Role)}</label>
            <select id="role-filter" on:change=move |ev| { role_filter.set(event_target_value(&ev)); pager.reset(); }>
                <option value="">{t(T::AllRoles)}</option>
                {[Role::Customer, Role::Agent, Role::Admin].into_iter().map(|r| view! { <option value=r.as_str()>{t(role_text(r))}</option> }).collect_view()}
            </select>
        </div>
        <SearchBar
            id="user-search"
            label=T::SearchUsers
            placeholder=T::SearchUsers
            value=search_text
            on_search=Callback::new(move |text: String| { search.set(text); pager.reset(); })
        />
        <ErrorAlert error=list_error />
        <p class="confirmation" role="status">{move || done.get()}</p>
        {move || match users.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(e)) => view! { <ErrorAlert error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
            Some(Ok(page)) => view! {
                <table class="admin-table">
                    <thead><tr>
                        <th scope="col">{t(T::Name)}</th>
                        <th scope="col">{t(T::Email)}</th>
                        <th scope="col">{t(T::Role)}</th>
                        <th scope="col">{t(T::Status)}</th>
                        <th scope="col">{t(T::Notifications)}</th>
                    </tr></thead>
                    <tbody>
                        {page.items.into_iter().map(|u| {
                            let id = u.id;
                            let active = u.active;
                            let current = u.role;
                            let select_id = format!("role-{id}");
                            // Nobody demotes or deactivates themselves (the server refuses too).
                            let myself = Some(id) == me;
                            let who = u.name.clone();
                            let state = if !active {
                                T::StateDeactivated
                            } else if u.activated_at.is_none() {
                                T::Invited
                            } else {
                                T::StateActive
                            };
                            view! {
                                <tr class:inactive=!active>
                                    <td>{u.name.clone()}{myself.then(|| view! { " " <span class="muted">{t(T::You)}</span> })}</td>
                                    <td>{u.email.clone()}</td>
                                    <td>
                                        <label class="visually-hidden" for=select_id.clone()>{format!("{} {}", tr(T::Role), u.name)}</label>
                                        <select id=select_id disabled=myself on:change={
                                            let who = who.clone();
                                            move |ev| {
                                                let Some(r) = Role::parse(&event_target_value(&ev)) else { return };
                                                let question = tr(T::ConfirmRoleChange)
                                                    .replace("{name}", &who)
                                                    .replace("{role}", tr(role_text(r)));
                                                if ask(&question) {
                                                    let line = tr(T::RoleChanged).replace("{name}", &who).replace("{role}", tr(role_text(r)));
                                                    update(id, UpdateUser { role: Some(r), active: None }, line);
                                                } else if let Some(select) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) {
                                                    // Declined: the select shows the role the user still has.
                                                    select.set_value(current.as_str());
                                                }
                                            }
                                        }>
                                            {[Role::Customer, Role::Agent, Role::Admin].into_iter().map(|r| view! {
                                                <option value=r.as_str() selected=r == current>{t(role_text(r))}</option>
                                            }).collect_view()}
                                        </select>
                                    </td>
                                    <td>
                                        <span class=if active { "badge state-active" } else { "badge state-inactive" }>{t(state)}</span>
                                        {(!myself).then(|| {
                                            let who = who.clone();
                                            view! {
                                                " "
                                                <button class="button subtle small" aria-label=format!("{} {}", if active { tr(T::Deactivate) } else { tr(T::Activate) }, u.name) on:click=move |_| {
                                                    let (question, line) = if active { (T::ConfirmDeactivate, T::UserDeactivated) } else { (T::ConfirmActivate, T::UserActivated) };
                                                    if ask(&tr(question).replace("{name}", &who)) {
                                                        update(id, UpdateUser { role: None, active: Some(!active) }, tr(line).replace("{name}", &who));
                                                    }
                                                }>
                                                    {if active { t(T::Deactivate) } else { t(T::Activate) }}
                                                </button>
                                            }
                                        })}
                                    </td>
                                    <td>
                                        {current.is_staff().then(|| view! {
                                            <button
                                                class="button subtle small"
                                                aria-expanded=move || (editing.get() == Some(id)).to_string()
                                                aria-label=format!("{} {}", tr(T::Notifications), u.name)
                                                on:click=move |_| editing.update(|e| *e = if *e == Some(id) { None } else { Some(id) })
                                            >
                                                {t(T::Notifications)}
                                            </button>
                                        })}
                                    </td>
                                </tr>
                                {move || (editing.get() == Some(id)).then(|| view! {
                                    <tr class="detail-row"><td colspan="5"><SubscriptionsEditor user_id=id /></td></tr>
                                })}
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
        <PagerButtons pager=pager next=next />
        <h3>{t(T::InviteUser)}</h3>
        <form class="stack inline-form" on:submit=invite novalidate=true>
            {move || invited.get().map(|e| view! { <div class="alert success" role="status">{tr(T::InvitationSent).replace("{email}", &e)}</div> })}
            <FormError error=error />
            <TextField id="email" label=T::Email value=email error=error kind="email" required=true />
            <TextField id="name" label=T::Name value=name error=error required=true />
            <div class="field">
                <label for="invite-role">{t(T::Role)}</label>
                <select id="invite-role" on:change=move |ev| {
                    if let Some(r) = Role::parse(&event_target_value(&ev)) {
                        role.set(r);
                    }
                }>
                    {[Role::Agent, Role::Admin, Role::Customer].into_iter().map(|r| view! {
                        <option value=r.as_str() selected=move || role.get() == r>{t(role_text(r))}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="actions"><button class="button primary" type="submit">{t(T::SendInvitation)}</button></div>
        </form>
    }
}

#[component]
fn ForumAdmin() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let cats = categories();
    let articles = Load::new(move || {
        reload.track();
        async {
            let mut all = Vec::new();
            for status in ["draft", "published"] {
                if let Ok(page) = api::get::<Page<ArticleSummary>>(&format!(
                    "/forum/articles?status={status}&limit=100"
                ))
                .await
                {
                    all.extend(page.items);
                }
            }
            all
        }
    });
    let editing = RwSignal::new(None::<Option<String>>);
    let cat_texts = Texts::empty();
    let cat_error = RwSignal::new(None::<ApiError>);
    let create_category = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        cat_error.set(None);
        let request = CreateCategory {
            name: cat_texts.base_name(),
            slug: None,
            description: cat_texts.base_description(),
            translations: CategoryTranslations {
                es: cat_texts.es(category_text),
                en: cat_texts.en(category_text),
            },
            position: 0,
        };
        leptos::task::spawn_local(async move {
            match api::post::<_, ForumCategory>("/forum/categories", &request).await {
                Ok(_) => {
                    cat_texts.clear();
                    cats.refetch();
                }
                Err(e) => {
                    cat_error.try_set(Some(e));
                }
            }
        });
    };
    let cat_editing = RwSignal::new(None::<ForumCategory>);
    let cat_list_error = RwSignal::new(None::<ApiError>);
    let delete_category = move |id: i64| {
        if !confirm(T::ConfirmDeleteCategory) {
            return;
        }
        cat_list_error.set(None);
        leptos::task::spawn_local(async move {
            match api::delete(&format!("/forum/categories/{id}")).await {
                Ok(()) => cats.refetch(),
                Err(e) => {
                    cat_list_error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <h2>{t(T::Articles)}</h2>
        <div class="actions">
            <button class="button primary" on:click=move |_| editing.set(Some(None))>{t(T::NewArticle)}</button>
        </div>
        {move || editing.get().map(|slug| view! {
            <ArticleEditor slug=slug articles=Signal::derive(move || articles.get().unwrap_or_default()) on_done=Callback::new(move |_| { editing.set(None); reload.update(|r| *r += 1); cats.refetch(); }) />
        })}
        {move || match articles.get() {
            None => view! { <Loading /> }.into_any(),
            Some(list) => view! {
                <table class="admin-table">
                    <thead><tr>
                        <th scope="col">{t(T::Title)}</th>
                        <th scope="col">{t(T::Category)}</th>
                        <th scope="col">{t(T::Status)}</th>
                        <th scope="col"><span class="visually-hidden">{t(T::Actions)}</span></th>
                    </tr></thead>
                    <tbody>
                        {list.into_iter().map(|a| {
                            let slug = a.slug.clone();
                            view! {
                                <tr>
                                    <td><a href=format!("/forum/{}", a.slug)>{a.title.clone()}</a></td>
                                    <td>{a.category.name.clone()}</td>
                                    <td>{if a.status == ArticleStatus::Published { t(T::Published) } else { t(T::Draft) }}</td>
                                    <td><button class="button subtle small" on:click=move |_| editing.set(Some(Some(slug.clone())))>{t(T::Edit)}</button></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
        <h2>{t(T::Categories)}</h2>
        <ErrorAlert error=cat_list_error />
        {move || cat_editing.get().map(|c| view! {
            <CategoryEditor category=c on_done=Callback::new(move |_| { cat_editing.set(None); cats.refetch(); reload.update(|r| *r += 1); }) />
        })}
        <table class="admin-table">
            <thead><tr>
                <th scope="col">{t(T::Name)}</th>
                <th scope="col">{t(T::Description)}</th>
                <th scope="col">{t(T::PublishedArticles)}</th>
                <th scope="col"><span class="visually-hidden">{t(T::Actions)}</span></th>
            </tr></thead>
            <tbody>
                {move || cats.get().unwrap_or_default().into_iter().map(|c| {
                    let id = c.id;
                    let (rename_label, delete_label) = (c.name.clone(), c.name.clone());
                    let for_editor = c.clone();
                    view! {
                        <tr>
                            <td><a href=format!("/forum?category={}", c.slug)>{c.name.clone()}</a></td>
                            <td>{c.description.clone()}</td>
                            <td>{c.article_count}</td>
                            <td class="row-actions">
                                <button class="button subtle small" aria-label=move || format!("{} {}", tr(T::Rename), rename_label)
                                    on:click=move |_| cat_editing.set(Some(for_editor.clone()))>
                                    {t(T::Rename)}
                                </button>
                                <button class="button subtle small" aria-label=move || format!("{} {}", tr(T::Delete), delete_label)
                                    on:click=move |_| delete_category(id)>
                                    {t(T::Delete)}
                                </button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <h3>{t(T::NewCategory)}</h3>
        <form class="stack inline-form" on:submit=create_category novalidate=true>
            <FormError error=cat_error />
            <TextsFields texts=cat_texts error=cat_error ids=["category-name", "category-description",
                "category-name-es", "category-description-es", "category-name-en", "category-description-en"] />
            <div class="actions"><button class="button primary" type="submit">{t(T::Create)}</button></div>
        </form>
    }
}

/// Renames or translates a forum category; every text is sent as it stands in the form.
#[component]
fn CategoryEditor(category: ForumCategory, on_done: Callback<()>) -> impl IntoView {
    let id = category.id;
    fn pair(t: &CategoryText) -> (&str, &str) {
        (&t.name, &t.description)
    }
    let translations = &category.translations;
    let texts = Texts::new(
        (&category.base_name, &category.base_description),
        translations.es.as_ref().map(pair),
        translations.en.as_ref().map(pair),
    );
    let error = RwSignal::new(None::<ApiError>);
    let save = move |_| {
        error.set(None);
        let change = UpdateCategory {
            name: Some(texts.base_name()),
            description: Some(texts.base_description()),
            translations: Some(CategoryTranslations {
                es: texts.es(category_text),
                en: texts.en(category_text),
            }),
            position: None,
        };
        patch_then(format!("/forum/categories/{id}"), change, error, on_done);
    };
    view! {
        <RenameForm title=category.name.clone() error=error on_save=Callback::new(save) on_cancel=on_done>
            <TextsFields texts=texts error=error ids=["edit-category-name", "edit-category-description",
                "edit-category-name-es", "edit-category-description-es", "edit-category-name-en",
                "edit-category-description-en"] />
        </RenameForm>
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

/// Writes a new article (`slug` None) or edits one; `articles` are those it may translate.
#[component]
fn ArticleEditor(
    slug: Option<String>,
    articles: Signal<Vec<ArticleSummary>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let title = RwSignal::new(String::new());
    let translation_of = RwSignal::new(None::<i64>);
    let body = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let locale = RwSignal::new(Locale::Es);
    let status = RwSignal::new(ArticleStatus::Draft);
    let error = RwSignal::new(None::<ApiError>);
    let cats = categories();
    let existing = slug.clone();
    if let Some(slug) = slug.clone() {
        leptos::task::spawn_local(async move {
            if let Ok(a) = api::get::<Article>(&format!("/forum/articles/{slug}")).await {
                title.try_set(a.summary.title);
                body.try_set(a.body);
                category.try_set(a.summary.category.id.to_string());
                locale.try_set(a.summary.locale);
                status.try_set(a.summary.status);
                translation_of.try_set(a.summary.translation_of);
            }
        });
    }
    let existing = StoredValue::new(existing);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let category_id = category.get_untracked().parse::<i64>().unwrap_or(0);
        leptos::task::spawn_local(async move {
            let result = match existing.get_value() {
                None => {
                    api::post::<_, Article>(
                        "/forum/articles",
                        &CreateArticle {
                            title: title.get_untracked(),
                            body: body.get_untracked(),
                            category_id,
                            slug: None,
                            locale: Some(locale.get_untracked()),
                            status: Some(status.get_untracked()),
                            translation_of: translation_of.get_untracked(),
                        },
                    )
                    .await
                }
                Some(slug) => {
                    api::patch::<_, Article>(
                        &format!("/forum/articles/{slug}"),
                        &UpdateArticle {
                            title: Some(title.get_untracked()),
                            body: Some(body.get_untracked()),
                            category_id: Some(category_id),
                            slug: None,
                            locale: Some(locale.get_untracked()),
                            status: Some(status.get_untracked()),
                            translation_of: Some(translation_of.get_untracked()),
                        },
                    )
                    .await
                }
            };
            match result {
                Ok(_) => on_done.run(()),
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let remove = move |_| {
        let Some(slug) = existing.get_value() else {
            return;
        };
        if !confirm(T::ConfirmDelete) {
            return;
        }
        leptos::task::spawn_local(async move {
            match api::delete(&format!("/forum/articles/{slug}")).await {
                Ok(()) => on_done.run(()),
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <form class="stack editor" on:submit=save novalidate=true>
            <h3>{if slug.is_some() { t(T::EditArticle) } else { t(T::NewArticle) }}</h3>
            <FormError error=error />
            <TextField id="title" label=T::Title value=title error=error required=true />
            <div class="field-row">
                <div class="field">
                    <label for="article-category">{t(T::Category)}</label>
                    <select id="article-category" on:change=move |ev| category.set(event_target_value(&ev))>
                        <option value="">{t(T::ChooseCategory)}</option>
                        {move || cats.get().unwrap_or_default().into_iter().map(|c| {
                            let value = c.id.to_string();
                            let selected = category.get() == value;
                            view! { <option value=value selected=selected>{c.name}</option> }
                        }).collect_view()}
                    </select>
                    <p class="field-error" aria-live="polite">{move || error.with(|e| e.as_ref().and_then(|e| e.field("category_id")))}</p>
                </div>
                <div class="field">
                    <label for="article-locale">{t(T::Language)}</label>
                    <select id="article-locale" on:change=move |ev| locale.set(Locale::parse(&event_target_value(&ev)).unwrap_or_default())>
                        <option value="es" selected=move || locale.get() == Locale::Es>"Español"</option>
                        <option value="en" selected=move || locale.get() == Locale::En>"English"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="article-status">{t(T::Status)}</label>
                    <select id="article-status" on:change=move |ev| status.set(ArticleStatus::parse(&event_target_value(&ev)).unwrap_or(ArticleStatus::Draft))>
                        <option value="draft" selected=move || status.get() == ArticleStatus::Draft>{t(T::Draft)}</option>
                        <option value="published" selected=move || status.get() == ArticleStatus::Published>{t(T::Published)}</option>
                    </select>
                </div>
            </div>
            <div class="field">
                <label for="article-translation-of">{t(T::TranslationOf)}</label>
                <select id="article-translation-of" aria-describedby="article-translation-of-error"
                    on:change=move |ev| translation_of.set(event_target_value(&ev).parse().ok())>
                    <option value="" selected=move || translation_of.get().is_none()>{t(T::NotATranslation)}</option>
                    {
                        let own = existing.get_value();
                        move || articles.get().into_iter()
                            .filter(|a| a.locale != locale.get() && Some(&a.slug) != own.as_ref())
                            .map(|a| {
                                let id = a.id;
                                view! {
                                    <option value=id.to_string() selected=move || translation_of.get() == Some(id)>
                                        {format!("{} ({})", a.title, a.locale.as_str())}
                                    </option>
                                }
                            })
                            .collect_view()
                    }
                </select>
                <p class="field-error" id="article-translation-of-error" aria-live="polite">{move || error.with(|e| e.as_ref().and_then(|e| e.field("translation_of")))}</p>
            </div>
            <MarkdownEditor id="body" label=T::Body value=body error=Signal::derive(move || error.get()) rows=12 required=true />
            <div class="actions">
                <button class="button primary" type="submit">{t(T::Save)}</button>
                <button class="button subtle" type="button" on:click=move |_| on_done.run(())>{t(T::Cancel)}</button>
                {slug.is_some().then(|| view! { <button class="button danger" type="button" on:click=remove>{t(T::Delete)}</button> })}
            </div>
        </form>
    }
}
