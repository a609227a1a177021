//! Who is logged in. The access token lives in memory only; the refresh token is the
//! HttpOnly cookie the server sets, so a reload restores the session through
//! `POST /auth/refresh` and no script can read a long-lived secret.

use std::cell::OnceCell;
use std::time::Duration;

use ayuda_types::{LoginResponse, RefreshRequest, Role, User};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::JsValue;

use crate::http::{self, ApiError, ApiResult, Body, Method, Response};
use crate::i18n;

thread_local! {
    static SESSION: OnceCell<Session> = const { OnceCell::new() };
}

/// The session: reactive user, in-memory access token.
#[derive(Clone, Copy)]
pub struct Session {
    /// The logged-in user, `None` when anonymous.
    pub user: RwSignal<Option<User>>,
    /// False until the start-up refresh has answered (guards wait for it).
    pub ready: RwSignal<bool>,
    token: StoredValue<Option<String>>,
    refreshing: StoredValue<bool>,
    /// Bumped on every new token, so a refresh timer of an older token does nothing.
    generation: StoredValue<u32>,
}

impl Session {
    /// Creates the session (once, in the root component) and restores it from the cookie.
    pub fn init() -> Self {
        let session = Self::anonymous(false);
        SESSION.with(|s| {
            let _ = s.set(session);
        });
        if signed_in_before() {
            spawn_local(async move {
                session.refresh().await;
                session.ready.set(true);
            });
        } else {
            // Nobody signed in on this browser: no refresh to try (it could only fail).
            session.ready.set(true);
        }
        session
    }

    /// The app's session.
    pub fn get() -> Self {
        // Without `init` (never in the app) a session that never logs in.
        SESSION.with(|s| *s.get_or_init(|| Self::anonymous(true)))
    }

    fn anonymous(ready: bool) -> Self {
        Self {
            user: RwSignal::new(None),
            ready: RwSignal::new(ready),
            token: StoredValue::new(None),
            refreshing: StoredValue::new(false),
            generation: StoredValue::new(0),
        }
    }

    /// The current access token.
    pub fn token(&self) -> Option<String> {
        self.token.get_value()
    }

    /// The logged-in user's role.
    pub fn role(&self) -> Option<Role> {
        self.user.with(|u| u.as_ref().map(|u| u.role))
    }

    /// Agents and admins.
    pub fn is_staff(&self) -> bool {
        self.role().is_some_and(Role::is_staff)
    }

    /// Takes a login answer (login, activation, reset, refresh): keeps the token, shows the
    /// user in their language, and refreshes a minute before the token expires.
    pub fn accept(self, login: LoginResponse) {
        self.token.set_value(Some(login.access_token));
        i18n::set_locale(login.user.locale);
        self.user.set(Some(login.user));
        let generation = self.generation.get_value().wrapping_add(1);
        self.generation.set_value(generation);
        let wait = login.expires_in.saturating_sub(60).max(10);
        set_timeout(
            move || {
                if self.generation.get_value() == generation {
                    spawn_local(async move {
                        self.refresh().await;
                    });
                }
            },
            Duration::from_secs(wait),
        );
    }

    /// Trades the refresh cookie for a new token; one refresh at a time, since a refresh
    /// token works once and presenting a spent one ends the whole session.
    pub async fn refresh(self) -> bool {
        if self.refreshing.get_value() {
            for _ in 0..200 {
                crate::format::sleep(50).await;
                if !self.refreshing.get_value() {
                    break;
                }
            }
            return self.token.get_value().is_some();
        }
        self.refreshing.set_value(true);
        let result: ApiResult<LoginResponse> = match start_refresh() {
            Some(request) => http::answer_of(request).await,
            None => Err(ApiError::network()),
        };
        self.refreshing.set_value(false);
        match result {
            Ok(login) => {
                self.accept(login);
                true
            }
            Err(error) => {
                // Only a refusal ends the session; a network hiccup keeps it.
                if error.status != 0 {
                    self.clear();
                    forget_signed_in();
                }
                false
            }
        }
    }

    /// After a 401 with `used`: if another call already refreshed, use that token;
    /// otherwise refresh now.
    async fn refresh_after_401(self, used: Option<&str>) -> bool {
        let current = self.token.get_value();
        if current.is_some() && current.as_deref() != used {
            return true;
        }
        self.refresh().await
    }

    /// Sends a request as the signed-in user: with the access token, and after a 401 (the
    /// token expired or was revoked) one refresh and one retry.
    pub async fn send(self, method: Method, path: &str, body: Body) -> ApiResult<Response> {
        let token = self.token();
        let mut response = http::attempt(&method, path, &body, token.as_deref()).await?;
        if response.status() == 401
            && token.is_some()
            && self.refresh_after_401(token.as_deref()).await
        {
            let token = self.token();
            response = http::attempt(&method, path, &body, token.as_deref()).await?;
        }
        http::checked(response).await
    }

    /// Forgets the session locally.
    pub fn clear(self) {
        self.token.set_value(None);
        self.generation
            .set_value(self.generation.get_value().wrapping_add(1));
        self.user.set(None);
    }

    /// Ends the session on the server (revoking the refresh cookie) and here.
    pub async fn logout(self) {
        // Whatever the server says, the session ends here.
        let _ = http::anonymous("/auth/logout", Body::json(&RefreshRequest::default())).await;
        self.clear();
    }
}

/// The server's hint that this browser holds a refresh cookie (`ayuda_signed_in`, set with
/// it at sign-in, removed at logout).
const SIGNED_IN_COOKIE: &str = "ayuda_signed_in=";

fn html_document() -> Option<web_sys::HtmlDocument> {
    web_sys::window()?.document()?.dyn_into().ok()
}

fn signed_in_before() -> bool {
    html_document()
        .and_then(|d| d.cookie().ok())
        .is_some_and(|cookies| cookies.split("; ").any(|c| c.starts_with(SIGNED_IN_COOKIE)))
}

/// Trades the refresh cookie (sent by the browser) for a new token through the page's
/// `ayudaRefresh` (`index.html`: one refresh at a time across tabs and page loads, and the
/// request outlives the page). The first call takes the refresh `index.html` started before
/// the app loaded; later ones need a new request, since the cookie it presented is spent.
fn start_refresh() -> Option<js_sys::Promise> {
    let window = web_sys::window()?;
    let early = JsValue::from_str("ayudaEarlyRefresh");
    if let Ok(request) = js_sys::Reflect::get(&window, &early) {
        let _ = js_sys::Reflect::delete_property(&window, &early);
        if let Ok(request) = request.dyn_into::<js_sys::Promise>() {
            return Some(request);
        }
    }
    let start: js_sys::Function = js_sys::Reflect::get(&window, &JsValue::from_str("ayudaRefresh"))
        .ok()?
        .dyn_into()
        .ok()?;
    start.call0(&window).ok()?.dyn_into().ok()
}

/// Drops the hint once the server refused the refresh (an expired or revoked session), so
/// the next visit does not try again.
fn forget_signed_in() {
    if let Some(document) = html_document() {
        let _ = document.set_cookie(&format!(
            "{SIGNED_IN_COOKIE}; Max-Age=0; Path=/; SameSite=Strict"
        ));
    }
}
