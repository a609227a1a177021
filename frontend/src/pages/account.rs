//! Sign in, register, activate (the welcome link), forgot and reset password.

use ayuda_types::{
    ConfirmEmailRequest, FieldError, ForgotPasswordRequest, LoginRequest, RegisterRequest, Role,
    SetPasswordRequest, User,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use validator::Validate;

use crate::api::auth::PasswordLink;
use crate::api::{self, ApiError};
use crate::components::common::{ErrorAlert, FormError, Loading, TextField, focus_first_invalid};
use crate::components::guard::is_return_path;
use crate::components::layout::page_title;
use crate::i18n::{self, T, t, tr};
use crate::load::{Load, watch};
use crate::route::Route;
use crate::session::Session;

/// Where to go after signing in: the `next` page if it is one to return to, else home.
fn next_page(next: Option<String>, role: Role) -> String {
    match next {
        Some(n) if is_return_path(&n) => n,
        _ if role.is_staff() => Route::Agent.href(),
        _ => Route::Home.href(),
    }
}

#[component]
pub fn Login() -> impl IntoView {
    page_title(|| tr(T::SignIn).to_owned());
    let session = Session::get();
    let query = use_query_map();
    let navigate = use_navigate();
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    // Someone signed in (already, or just now) has nothing more to do here.
    watch(move || {
        if session.ready.get()
            && let Some(role) = session.role()
        {
            let next = query.with_untracked(|q| q.get("next"));
            navigate(&next_page(next, role), Default::default());
        }
    });
    focus_first_invalid(error);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let request = LoginRequest {
            login: login.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        };
        // An empty field is said at that field (it used to read "wrong password").
        if let Err(errors) = request.validate() {
            error.set(Some(ApiError::fields(FieldError::of_rules(&errors))));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::auth::login(&request).await {
                // Signed in: the effect above takes the user on.
                Ok(response) => session.accept(response),
                Err(e) => {
                    error.try_set(Some(e));
                    busy.try_set(false);
                }
            }
        });
    };
    view! {
        <section class="page narrow auth">
            <h1>{t(T::SignIn)}</h1>
            <form on:submit=submit novalidate=true>
                {move || error.get().filter(|e| !e.has_fields()).map(|e| {
                    let text = if e.status == 401 || e.status == 422 { tr(T::LoginFailed).to_owned() } else { crate::components::common::error_text(&e) };
                    view! { <div class="alert error" role="alert">{text}</div> }
                })}
                <TextField id="login" label=T::LoginField value=login error=error required=true autocomplete="username" />
                <TextField id="password" label=T::Password value=password error=error kind="password" required=true autocomplete="current-password" />
                <button class="button primary" type="submit" disabled=move || busy.get()>{t(T::SignIn)}</button>
            </form>
            <p class="auth-links">
                <a href=Route::ForgotPassword.href()>{t(T::ForgotPassword)}</a>
                " · "
                <a href=Route::Register.href()>{t(T::CreateAccount)}</a>
            </p>
        </section>
    }
}

#[component]
pub fn Register() -> impl IntoView {
    page_title(|| tr(T::CreateAccount).to_owned());
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let done = RwSignal::new(false);
    let optional = |s: RwSignal<String>| {
        let v = s.get_untracked().trim().to_owned();
        (!v.is_empty()).then_some(v)
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        let request = RegisterRequest {
            email: email.get_untracked().trim().to_owned(),
            name: name.get_untracked().trim().to_owned(),
            username: optional(username),
            phone: optional(phone),
            locale: Some(i18n::locale().get_untracked()),
        };
        leptos::task::spawn_local(async move {
            match api::auth::register(&request).await {
                Ok(_) => {
                    done.try_set(true);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            busy.try_set(false);
        });
    };
    let field_error = Signal::derive(move || error.get());
    view! {
        <section class="page narrow auth">
            <h1>{t(T::CreateAccount)}</h1>
            <Show
                when=move || done.get()
                fallback=move || view! {
                    <form on:submit=submit novalidate=true>
                        <FormError error=error />
                        <TextField id="email" label=T::Email value=email error=field_error kind="email" required=true autocomplete="email" />
                        <TextField id="name" label=T::Name value=name error=field_error required=true autocomplete="name" />
                        <TextField id="username" label=T::UsernameOptional value=username error=field_error autocomplete="username" />
                        <TextField id="phone" label=T::PhoneOptional value=phone error=field_error kind="tel" autocomplete="tel" />
                        <button class="button primary" type="submit" disabled=move || busy.get()>{t(T::Register)}</button>
                    </form>
                    <p class="auth-links"><a href=Route::Login.href()>{t(T::HaveAccount)}</a></p>
                }
            >
                <div class="alert success" role="status">
                    <p><strong>{t(T::CheckYourEmail)}</strong></p>
                    <p>{t(T::RegisterSent)}</p>
                </div>
            </Show>
        </section>
    }
}

/// The welcome link (`/activate?token=`) and the reset link (`/reset-password?token=`) are
/// the same screen: choose a password, then you are logged in.
#[component]
fn SetPassword(link: PasswordLink, title: T, button: T) -> impl IntoView {
    page_title(move || tr(title).to_owned());
    let session = Session::get();
    let navigate = use_navigate();
    let query = use_query_map();
    let token = move || query.with(|q| q.get("token")).unwrap_or_default();
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let mismatch = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let config = Load::new(|| async { api::files::config().await.ok() });
    let min_length = move || config.get().flatten().map_or(8, |c| c.password_min_length);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        if password.get_untracked() != confirm.get_untracked() {
            mismatch.set(true);
            return;
        }
        mismatch.set(false);
        busy.set(true);
        let request = SetPasswordRequest {
            token: token(),
            password: password.get_untracked(),
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::auth::set_password(link, &request).await {
                Ok(response) => {
                    session.accept(response);
                    navigate(&Route::Home.href(), Default::default());
                }
                Err(e) => {
                    error.try_set(Some(e));
                    busy.try_set(false);
                }
            }
        });
    };
    let token_error = move || {
        error.with(|e| {
            e.as_ref().and_then(|e| {
                (e.field("token").is_some() || e.status == 404 || e.status == 410)
                    .then(|| tr(T::LinkExpired))
            })
        })
    };
    view! {
        <section class="page narrow auth">
            <h1>{t(title)}</h1>
            <Show when=move || !token().is_empty() fallback=|| view! { <div class="alert error" role="alert">{t(T::LinkMissing)}</div> }>
                <form on:submit=submit.clone() novalidate=true>
                    {move || token_error().map(|text| view! {
                        <div class="alert error" role="alert">
                            {text} " " <a href=Route::ForgotPassword.href()>{t(T::SendNewLink)}</a>
                        </div>
                    })}
                    <ErrorAlert error=Signal::derive(move || error.get().filter(|e| !e.has_fields() && e.status != 404 && e.status != 410)) />
                    <ul class="rules" id="password-rules">
                        <li>{move || tr(T::PasswordRuleLength).replace("{n}", &min_length().to_string())}</li>
                        <li>{t(T::PasswordRuleAdvice)}</li>
                    </ul>
                    <TextField id="password" label=T::NewPassword value=password error=Signal::derive(move || error.get()) kind="password" required=true autocomplete="new-password" />
                    <div class="field" class:invalid=move || mismatch.get()>
                        <label for="confirm">{t(T::ConfirmPassword)}</label>
                        <input
                            id="confirm"
                            type="password"
                            autocomplete="new-password"
                            required=true
                            aria-invalid=move || mismatch.get().then_some("true")
                            aria-describedby="confirm-error"
                            prop:value=move || confirm.get()
                            on:input=move |ev| confirm.set(event_target_value(&ev))
                        />
                        <p class="field-error" id="confirm-error" aria-live="polite">
                            {move || mismatch.get().then(|| tr(T::PasswordsDiffer))}
                        </p>
                    </div>
                    <button class="button primary" type="submit" disabled=move || busy.get()>{t(button)}</button>
                </form>
            </Show>
        </section>
    }
}

#[component]
pub fn Activate() -> impl IntoView {
    view! { <SetPassword link=PasswordLink::Activate title=T::ActivateTitle button=T::ConfirmAndLogIn /> }
}

#[component]
pub fn Reset() -> impl IntoView {
    view! { <SetPassword link=PasswordLink::Reset title=T::ResetTitle button=T::SavePasswordAndLogIn /> }
}

#[component]
pub fn Forgot() -> impl IntoView {
    page_title(|| tr(T::ForgotPassword).to_owned());
    let email = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let done = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        let request = ForgotPasswordRequest {
            email: email.get_untracked().trim().to_owned(),
        };
        leptos::task::spawn_local(async move {
            match api::auth::forgot_password(&request).await {
                Ok(_) => {
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
        <section class="page narrow auth">
            <h1>{t(T::ForgotPassword)}</h1>
            <Show
                when=move || done.get()
                fallback=move || view! {
                    <p>{t(T::ForgotIntro)}</p>
                    <form on:submit=submit novalidate=true>
                        <FormError error=error />
                        <TextField id="email" label=T::Email value=email error=Signal::derive(move || error.get()) kind="email" required=true autocomplete="email" />
                        <button class="button primary" type="submit" disabled=move || busy.get()>{t(T::SendLink)}</button>
                    </form>
                }
            >
                <div class="alert success" role="status">
                    <p><strong>{t(T::CheckYourEmail)}</strong></p>
                    <p>{t(T::ForgotSent)}</p>
                </div>
            </Show>
            <p class="auth-links"><a href=Route::Login.href()>{t(T::BackToSignIn)}</a></p>
        </section>
    }
}

/// The page of the link sent to a new email address: confirms it once, and says so.
#[component]
pub fn ConfirmEmail() -> impl IntoView {
    page_title(|| tr(T::ConfirmEmailTitle).to_owned());
    let session = Session::get();
    let query = use_query_map();
    let token = query.with_untracked(|q| q.get("token")).unwrap_or_default();
    let outcome = RwSignal::new(None::<Result<User, ApiError>>);
    leptos::task::spawn_local(async move {
        let answer = api::auth::confirm_email(&ConfirmEmailRequest { token }).await;
        if let Ok(user) = &answer
            && session.user.with_untracked(|u| u.as_ref().map(|u| u.id)) == Some(user.id)
        {
            session.user.set(Some(user.clone()));
        }
        outcome.try_set(Some(answer));
    });
    view! {
        <section class="page narrow">
            <h1>{t(T::ConfirmEmailTitle)}</h1>
            {move || match outcome.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Ok(user)) => view! {
                    <div class="alert success" role="status">{tr(T::EmailChanged).replace("{email}", &user.email)}</div>
                    <p><a class="button primary" href=Route::Profile.href()>{t(T::MyProfile)}</a></p>
                }.into_any(),
                Some(Err(e)) => view! { <ErrorAlert error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
            }}
        </section>
    }
}
