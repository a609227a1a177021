//! Admin › Users: the directory by role and search, roles and deactivation, inviting an
//! agent, and each staff member's ticket-type notifications.

use ayuda_types::{CreateUser, Role, UpdateUser};
use leptos::prelude::*;

use super::ask;
use crate::api::{self, ApiError};
use crate::components::common::{
    ErrorAlert, FormError, Loading, Pager, PagerButtons, SearchBar, TextField, role_text,
};
use crate::components::subscriptions::SubscriptionsEditor;
use crate::i18n::{T, t, tr};
use crate::load::Load;
use crate::session::Session;
use wasm_bindgen::JsCast;

#[component]
pub(super) fn UsersAdmin() -> impl IntoView {
    let session = Session::get();
    let me = session.user.with_untracked(|u| u.as_ref().map(|u| u.id));
    let reload = RwSignal::new(0u32);
    let role_filter = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let search_text = RwSignal::new(String::new());
    let pager = Pager::new();
    let users = Load::new(move || {
        reload.track();
        let filters = [
            ("role", Some(role_filter.get())),
            ("q", Some(search.get()).filter(|q| !q.trim().is_empty())),
            ("cursor", pager.cursor.get()),
        ];
        async move { api::users::list(&filters).await }
    });
    let list_error = RwSignal::new(None::<ApiError>);
    // The staff member whose notifications are open below their row.
    let editing = RwSignal::new(None::<i64>);
    let done = RwSignal::new(None::<String>);
    let update = move |id: i64, change: UpdateUser, line: String| {
        list_error.set(None);
        done.set(None);
        leptos::task::spawn_local(async move {
            match api::users::update(id, &change).await {
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
            match api::users::create(&request).await {
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
