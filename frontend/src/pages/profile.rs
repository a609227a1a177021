//! The user's own profile: display name, language, and for agents and admins the ticket
//! types they are notified about (an admin edits anyone's from the users screen).

use ayuda_types::{ChangeEmailRequest, ChangePasswordRequest, UpdateMe};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::common::{FormError, TextField, role_text};
use crate::components::guard::RequireLogin;
use crate::components::layout::page_title;
use crate::components::layout::{LanguageSwitch, choose_locale};
use crate::components::subscriptions::SubscriptionsEditor;
use crate::i18n::{T, t, tr};
use crate::session::Session;

#[component]
pub fn Profile() -> impl IntoView {
    page_title(|| tr(T::MyProfile).to_owned());
    view! { <RequireLogin><ProfilePage /></RequireLogin> }
}

#[component]
fn ProfilePage() -> impl IntoView {
    let session = Session::get();
    // The guard renders this page for logged-in users only.
    let Some(user) = session.user.get_untracked() else {
        return ().into_any();
    };
    let name = RwSignal::new(user.name.clone());
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        saved.set(false);
        let change = UpdateMe {
            name: Some(name.get_untracked().trim().to_owned()),
            locale: None,
        };
        leptos::task::spawn_local(async move {
            match api::me::update(&change).await {
                Ok(updated) => {
                    name.try_set(updated.name.clone());
                    session.user.set(Some(updated));
                    saved.try_set(true);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let choose = Callback::new(move |locale| {
        leptos::task::spawn_local(choose_locale(locale));
    });
    let optional =
        |label: T, value: Option<String>| value.map(|v| view! { <dt>{t(label)}</dt><dd>{v}</dd> });
    view! {
        <section class="page narrow">
            <h1>{t(T::MyProfile)}</h1>
            <form class="stack" on:submit=submit novalidate=true>
                {move || saved.get().then(|| view! { <div class="alert success" role="status">{t(T::Saved)}</div> })}
                <FormError error=error />
                <TextField id="name" label=T::Name value=name error=error required=true autocomplete="name" maxlength=200 />
                <div class="actions"><button class="button primary" type="submit">{t(T::Save)}</button></div>
            </form>
            <dl class="details">
                <dt>{t(T::Email)}</dt><dd>{user.email.clone()}</dd>
                {optional(T::Username, user.username.clone())}
                {optional(T::Phone, user.phone.clone())}
                <dt>{t(T::Role)}</dt><dd>{t(role_text(user.role))}</dd>
            </dl>
            <h2>{t(T::Language)}</h2>
            <LanguageSwitch on_choose=choose />
            <h2>{t(T::ChangePassword)}</h2>
            <PasswordForm />
            <h2>{t(T::ChangeEmail)}</h2>
            <EmailForm />
            {user.role.is_staff().then(|| view! {
                <h2>{t(T::Notifications)}</h2>
                <SubscriptionsEditor user_id=user.id />
            })}
        </section>
    }
    .into_any()
}

/// Current password and a new one; other sessions end, this one goes on.
#[component]
fn PasswordForm() -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        done.set(false);
        busy.set(true);
        let request = ChangePasswordRequest {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::me::change_password(&request).await {
                Ok(()) => {
                    current.try_set(String::new());
                    new.try_set(String::new());
                    done.try_set(true);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            busy.try_set(false);
        });
    };
    view! {
        <form class="stack" on:submit=submit novalidate=true>
            {move || done.get().then(|| view! { <div class="alert success" role="status">{t(T::PasswordChanged)}</div> })}
            <FormError error=error />
            <TextField id="current_password" label=T::CurrentPassword value=current error=error kind="password" required=true autocomplete="current-password" />
            <TextField id="new_password" label=T::NewPassword value=new error=error kind="password" required=true autocomplete="new-password" />
            <div class="actions">
                <button class="button primary" type="submit" disabled=move || busy.get()>{t(T::ChangePassword)}</button>
            </div>
        </form>
    }
}

/// A new address and the current password; the change waits for the link sent there.
#[component]
fn EmailForm() -> impl IntoView {
    let new_email = RwSignal::new(String::new());
    let current = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let sent_to = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        sent_to.set(None);
        busy.set(true);
        let request = ChangeEmailRequest {
            new_email: new_email.get_untracked().trim().to_owned(),
            current_password: current.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            let address = request.new_email.clone();
            match api::me::change_email(&request).await {
                Ok(_) => {
                    current.try_set(String::new());
                    sent_to.try_set(Some(address));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            busy.try_set(false);
        });
    };
    view! {
        <form class="stack" on:submit=submit novalidate=true>
            {move || sent_to.get().map(|a| view! { <div class="alert success" role="status">{tr(T::EmailChangeSent).replace("{email}", &a)}</div> })}
            <FormError error=error />
            <TextField id="new_email" label=T::NewEmail value=new_email error=error kind="email" required=true autocomplete="email" />
            <TextField id="email_current_password" field="current_password" label=T::CurrentPassword value=current error=error kind="password" required=true autocomplete="current-password" />
            <div class="actions">
                <button class="button primary" type="submit" disabled=move || busy.get()>{t(T::ChangeEmail)}</button>
            </div>
        </form>
    }
}
