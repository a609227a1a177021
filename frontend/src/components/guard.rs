//! Route guards. They only decide what to render; the API is the real guard (a customer's
//! token gets 403/404 from every agent endpoint), but agent screens are never even asked
//! for their data by a customer's browser.

use ayuda_types::Role;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use crate::components::common::Loading;
use crate::components::not_found::NotFound;
use crate::route::Route;
use crate::session::Session;

/// Whether `path` may be gone to after signing in: a path of this site (not `//host` or
/// `/\host`, which browsers read as another site) that is not a sign-in page itself.
pub fn is_return_path(path: &str) -> bool {
    let page = path.split(['?', '#']).next().unwrap_or_default();
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !Route::AUTH
            .iter()
            .any(|auth| page.trim_end_matches('/') == auth.href())
}

/// The sign-in page, returning to `here` afterwards when that is a page to return to.
pub fn login_returning_to(here: &str) -> String {
    if is_return_path(here) {
        Route::Login.with(&[("next", Some(here.to_owned()))])
    } else {
        Route::Login.href()
    }
}

/// Renders `children` for logged-in users; sends others to the login page and back.
#[component]
pub fn RequireLogin(children: ChildrenFn) -> impl IntoView {
    let session = Session::get();
    let location = use_location();
    // A memo: a changed name or language (a new `User` value) must not rebuild the page
    // and lose what is typed in it; only logging in or out does.
    let logged_in = Memo::new(move |_| session.user.with(Option::is_some));
    move || {
        if !session.ready.get() {
            return view! { <Loading /> }.into_any();
        }
        if !logged_in.get() {
            // Untracked: this closure must not re-run (and redirect again) as the
            // location changes on the way to the login page.
            let here = format!(
                "{}{}",
                location.pathname.get_untracked(),
                location.search.get_untracked()
            );
            return view! { <Redirect path=login_returning_to(&here) /> }.into_any();
        }
        children().into_any()
    }
}

/// Renders `children` for agents and admins (with `admin`, admins only); everyone else
/// gets the not-found page.
#[component]
pub fn RequireStaff(children: ChildrenFn, #[prop(optional)] admin: bool) -> impl IntoView {
    let session = Session::get();
    let children = StoredValue::new(children);
    let role = Memo::new(move |_| session.role());
    view! {
        <RequireLogin>
            {move || {
                let allowed = match role.get() {
                    Some(Role::Admin) => true,
                    Some(Role::Agent) => !admin,
                    _ => false,
                };
                if allowed {
                    children.with_value(|c| c()).into_any()
                } else {
                    view! { <NotFound /> }.into_any()
                }
            }}
        </RequireLogin>
    }
}
