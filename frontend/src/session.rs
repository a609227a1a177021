//! Who is logged in. The access token lives in memory only; the refresh token is the
//! HttpOnly cookie the server sets, so a reload restores the session through
//! `POST /auth/refresh` and no script can read a long-lived secret.

use std::cell::OnceCell;
use std::time::Duration;

use ayuda_types::{LoginResponse, RefreshRequest, Role, User};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
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
        spawn_local(async move {
            session.refresh().await;
            session.ready.set(true);
        });
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
        // Tabs share the cookie: while another tab refreshes, wait for its new cookie
        // instead of presenting the same token (which would end the session everywhere,
        // e.g. when a browser restores several tabs at once).
        let lock = take_tab_lock().await;
        let result: api::ApiResult<LoginResponse> =
            api::post_anonymous("/auth/refresh", &RefreshRequest::default()).await;
        release_tab_lock(&lock);
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
                }
                false
            }
        }
    }

    /// After a 401 with `used`: if another call already refreshed, use that token;
    /// otherwise refresh now.
    pub async fn refresh_after_401(self, used: Option<&str>) -> bool {
        let current = self.token.get_value();
        if current.is_some() && current.as_deref() != used {
            return true;
        }
        self.refresh().await
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
        let _ = api::post_anonymous_empty("/auth/logout", &RefreshRequest::default()).await;
        self.clear();
    }
}

/// The localStorage key a tab holds while it refreshes: `<millis>:<random>`.
const TAB_LOCK: &str = "ayuda.refreshing";
/// A lock older than this is from a tab that went away mid-refresh.
const TAB_LOCK_MS: f64 = 5000.0;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn tab_lock() -> Option<String> {
    storage()?.get_item(TAB_LOCK).ok().flatten()
}

fn is_fresh(lock: &str) -> bool {
    lock.split(':')
        .next()
        .and_then(|t| t.parse::<f64>().ok())
        .is_some_and(|since| js_sys::Date::now() - since < TAB_LOCK_MS)
}

/// Takes the cross-tab refresh lock: wait while another tab holds a fresh one, write ours,
/// and keep it only if no other tab overwrote it meanwhile (the last writer wins). Gives
/// up after a few seconds, so a broken storage never blocks the session.
async fn take_tab_lock() -> String {
    let tab = js_sys::Math::random().to_string();
    let stamped = || format!("{}:{tab}", js_sys::Date::now());
    let Some(storage) = storage() else {
        return stamped();
    };
    for _ in 0..50 {
        while tab_lock().is_some_and(|held| !held.ends_with(&tab) && is_fresh(&held)) {
            crate::format::sleep(50).await;
        }
        let mine = stamped();
        if storage.set_item(TAB_LOCK, &mine).is_err() {
            return mine;
        }
        crate::format::sleep(30).await;
        if tab_lock().as_deref() == Some(mine.as_str()) {
            return mine;
        }
    }
    stamped()
}

fn release_tab_lock(mine: &str) {
    if let Some(storage) = storage()
        && tab_lock().as_deref() == Some(mine)
    {
        let _ = storage.remove_item(TAB_LOCK);
    }
}
