//! The frame of every page: top bar with the profile menu, left navigation, content.

use ayuda_types::{Locale, Role, UpdateMe};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

use crate::api;
use crate::i18n::{self, T, t, tr};
use crate::load::watch;
use crate::route::Route;
use crate::session::Session;
use wasm_bindgen::JsCast;

#[component]
pub fn Shell(children: Children) -> impl IntoView {
    // Made here, by the frame that lives as long as the app: a signal belongs to the
    // component that creates it, and would go with a page that happened to make it first.
    let spoken = announcer();
    flash_signal();
    let nav_open = RwSignal::new(false);
    // Closing the mobile menu on navigation keeps it from covering the new page.
    let location = use_location();
    watch(move || {
        location.pathname.track();
        nav_open.set(false);
    });
    // The drawer closes on Escape and on a tap outside it, like any menu.
    close_on_escape_or_outside(nav_open, ".sidebar, .nav-toggle");
    view! {
        <a class="skip-link" href="#main">{t(T::SkipToContent)}</a>
        <header class="topbar">
            <button
                class="icon-button nav-toggle"
                aria-controls="sidebar"
                aria-expanded=move || nav_open.get().to_string()
                on:click=move |_| nav_open.update(|o| *o = !*o)
            >
                <span aria-hidden="true">"☰"</span>
                <span class="visually-hidden">{t(T::Menu)}</span>
            </button>
            <a class="brand" href=Route::Home.href()>"Ayuda"</a>
            <div class="topbar-end">
                <ProfileMenu />
            </div>
        </header>
        <div class="frame">
            <nav id="sidebar" class="sidebar" class:open=move || nav_open.get() aria-label=t(T::MainNavigation)>
                <Sidebar />
            </nav>
            <main id="main" class="content" tabindex="-1">
                <p class="visually-hidden" aria-live="polite" aria-atomic="true">{move || spoken.get()}</p>
                <FlashLine />
                {children()}
            </main>
        </div>
    }
}

thread_local! {
    static ANNOUNCER: std::cell::OnceCell<RwSignal<String>> = const { std::cell::OnceCell::new() };
    static FLASH: std::cell::OnceCell<RwSignal<Option<(String, String)>>> = const { std::cell::OnceCell::new() };
}

fn announcer() -> RwSignal<String> {
    ANNOUNCER.with(|a| *a.get_or_init(|| RwSignal::new(String::new())))
}

/// Names the screen: the browser tab says "`title` · Ayuda", and screen readers hear the
/// title when a navigation lands on it (a single-page app otherwise changes silently).
/// `title` may read signals (the language, data still loading).
pub fn page_title(title: impl Fn() -> String + 'static) {
    watch(move || {
        let text = title();
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(&if text.is_empty() {
                "Ayuda".to_owned()
            } else {
                format!("{text} · Ayuda")
            });
        }
        announcer().try_set(text);
    });
}

fn flash_signal() -> RwSignal<Option<(String, String)>> {
    FLASH.with(|f| *f.get_or_init(|| RwSignal::new(None)))
}

/// Says `text` on the page at `path` (the one about to be opened): "Ticket #1006 created".
/// It stays until the reader goes elsewhere.
pub fn flash(path: impl Into<String>, text: impl Into<String>) {
    flash_signal().set(Some((path.into(), text.into())));
}

/// The confirmation of the last action, on the page it was meant for.
#[component]
fn FlashLine() -> impl IntoView {
    let location = use_location();
    let message = flash_signal();
    // Leaving the page it belongs to drops it.
    watch(move || {
        let path = location.pathname.get();
        if message.with_untracked(|m| m.as_ref().is_some_and(|(p, _)| *p != path)) {
            message.set(None);
        }
    });
    move || {
        let path = location.pathname.get();
        message
            .get()
            .filter(|(p, _)| *p == path)
            .map(|(_, text)| view! { <p class="alert success flash" role="status">{text}</p> })
    }
}

/// A link of the left navigation, marked current in its section.
#[component]
fn NavLink(to: Route, label: T) -> impl IntoView {
    let location = use_location();
    let session = Session::get();
    let href = to.href();
    let mine = href.clone();
    let current = move || Route::section_of(&location.pathname.get(), session.is_staff()) == mine;
    view! {
        <a href=href class="nav-link" aria-current=move || current().then_some("page")>
            {t(label)}
        </a>
    }
}

thread_local! {
    static LAST_QUEUE: std::cell::RefCell<String> = std::cell::RefCell::new(Route::Agent.href());
}

/// Remembers the workspace view an agent is on (its URL), for the way back from a ticket.
pub fn remember_queue(url: String) {
    LAST_QUEUE.with(|q| *q.borrow_mut() = url);
}

/// The workspace view the agent came from (the workspace's first view before any).
pub fn queue_url() -> String {
    LAST_QUEUE.with(|q| q.borrow().clone())
}

#[component]
fn Sidebar() -> impl IntoView {
    let session = Session::get();
    let staff = move || session.is_staff();
    let admin = move || session.role() == Some(Role::Admin);
    view! {
        <ul class="nav-list">
            <li><NavLink to=Route::Home label=T::Home /></li>
            <li><NavLink to=Route::Forum label=T::Forum /></li>
            <li class="nav-group">
                <span class="nav-heading" id="nav-support">{t(T::CustomerSupport)}</span>
                <ul aria-labelledby="nav-support">
                    <li><NavLink to=Route::Chat label=T::ChatSupport /></li>
                    <li><NavLink to=Route::Tickets label=T::EmailSupport /></li>
                </ul>
            </li>
            <Show when=staff>
                <li class="nav-group">
                    <span class="nav-heading" id="nav-agents">{t(T::Agents)}</span>
                    <ul aria-labelledby="nav-agents">
                        <li><NavLink to=Route::Agent label=T::Workspace /></li>
                        <li><ChatsLink /></li>
                        <Show when=admin>
                            <li><NavLink to=Route::Admin label=T::Admin /></li>
                        </Show>
                    </ul>
                </li>
            </Show>
        </ul>
    }
}

/// The agents' chat console, with the number of chats waiting (refreshed every 15 s).
#[component]
fn ChatsLink() -> impl IntoView {
    let tick = crate::load::poll_tick(15);
    let waiting = crate::load::Load::new(move || {
        tick.track();
        async {
            api::chat::desk(ayuda_types::ChatState::Waiting)
                .await
                .map_or(0, |q| q.len())
        }
    });
    let location = use_location();
    let href = Route::AgentChats.href();
    let mine = href.clone();
    let current = move || Route::section_of(&location.pathname.get(), true) == mine;
    view! {
        <a href=href class="nav-link" aria-current=move || current().then_some("page")>
            {t(T::Chats)}
            {move || waiting.get().filter(|n| *n > 0).map(|n| view! {
                " " <span class="badge count" aria-label=move || tr(T::WaitingCount).replace("{n}", &n.to_string())>{n.to_string()}</span>
            })}
        </a>
    }
}

/// Closes an open menu (`open`) on Escape anywhere, and on a press outside the elements
/// matching `inside` (a CSS selector).
fn close_on_escape_or_outside(open: RwSignal<bool>, inside: &'static str) {
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && open.get_untracked() {
            open.set(false);
        }
    });
    let presses = window_event_listener(leptos::ev::pointerdown, move |ev| {
        if !open.get_untracked() {
            return;
        }
        let within = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest(inside).ok().flatten())
            .is_some();
        if !within {
            open.set(false);
        }
    });
    on_cleanup(move || {
        keys.remove();
        presses.remove();
    });
}

/// Top right: the user's name opening a menu (language, logout), or sign-in links.
#[component]
fn ProfileMenu() -> impl IntoView {
    let session = Session::get();
    let open = RwSignal::new(false);
    let navigate = use_navigate();
    let logout = move |_| {
        open.set(false);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            session.logout().await;
            navigate(&Route::Login.href(), Default::default());
        });
    };
    let choose = move |locale: Locale| {
        leptos::task::spawn_local(choose_locale(locale));
    };
    close_on_escape_or_outside(open, ".profile");
    // Escape closes the menu and gives focus back to its button.
    let button = NodeRef::<leptos::html::Button>::new();
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            open.set(false);
            if let Some(b) = button.get() {
                let _ = b.focus();
            }
        }
    };
    view! {
        <div class="profile" on:keydown=on_key>
            {move || match session.user.get() {
                Some(user) => view! {
                    <button
                        node_ref=button
                        class="profile-button"
                        aria-haspopup="true"
                        aria-expanded=move || open.get().to_string()
                        aria-controls="profile-menu"
                        on:click=move |_| open.update(|o| *o = !*o)
                    >
                        <span class="avatar" aria-hidden="true">{initials(&user.name)}</span>
                        <span class="profile-name">{user.name.clone()}</span>
                        <span aria-hidden="true">"▾"</span>
                    </button>
                }.into_any(),
                None => view! {
                    <LanguageSwitch on_choose=Callback::new(choose) />
                    <a class="button subtle" href=Route::Login.href()>{t(T::SignIn)}</a>
                }.into_any(),
            }}
            <Show when=move || open.get() && session.user.with(Option::is_some)>
                <div id="profile-menu" class="menu" role="group" aria-label=t(T::Profile)>
                    <p class="menu-user">
                        <strong>{move || session.user.with(|u| u.as_ref().map(|u| u.name.clone()))}</strong>
                        <br />
                        <span class="muted">{move || session.user.with(|u| u.as_ref().map(|u| u.email.clone()))}</span>
                    </p>
                    <LanguageSwitch on_choose=Callback::new(choose) />
                    <a class="menu-item" href=Route::Profile.href() on:click=move |_| open.set(false)>{t(T::MyProfile)}</a>
                    <button class="menu-item danger" on:click=logout.clone()>{t(T::Logout)}</button>
                </div>
            </Show>
        </div>
    }
}

/// The user picked a language: show it, remember it here, and save it to the profile.
pub async fn choose_locale(value: Locale) {
    i18n::set_locale(value);
    let session = Session::get();
    if session.user.with_untracked(Option::is_some) {
        let change = UpdateMe {
            name: None,
            locale: Some(value),
        };
        if let Ok(user) = api::me::update(&change).await {
            session.user.set(Some(user));
        }
    }
}

/// The es/en switch; the current language is pressed.
#[component]
pub fn LanguageSwitch(on_choose: Callback<Locale>) -> impl IntoView {
    let current = i18n::locale();
    // On a phone's header the language shows as its code ("ES"); its name stays the
    // button's accessible name.
    let option = move |locale: Locale, label: &'static str| {
        view! {
            <button
                class="lang-option"
                lang=locale.as_str()
                aria-label=label
                aria-pressed=move || (current.get() == locale).to_string()
                on:click=move |_| on_choose.run(locale)
            >
                <span class="lang-long">{label}</span>
                <span class="lang-short" aria-hidden="true">{locale.as_str().to_uppercase()}</span>
            </button>
        }
    };
    view! {
        <div class="lang-switch" role="group" aria-label=t(T::Language)>
            {option(Locale::Es, "Español")}
            {option(Locale::En, "English")}
        </div>
    }
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}
