//! Ayuda's single-page app (Leptos, client-side rendered): the customer portal, the agent
//! workspace and the admin screens, in Spanish and English. It talks only to the REST API
//! (`/api/v1`), through the wire types of `ayuda-types`.

// The layers, each importing only those below it (`cargo xtask test` checks it):
// `app` (the route table) → `pages` → `components` → `load` and `chat` (data for screens,
// polled or live) → `api` (one typed function per endpoint) → `session` (who is signed in,
// the token and its refresh) → `http` (requests, no session) → `i18n`, `route`, `format`
// (texts, addresses, helpers: no app state).
mod api;
mod app;
mod chat;
mod components;
mod format;
mod http;
mod i18n;
mod load;
mod pages;
mod route;
mod session;

fn main() {
    console_error_panic_hook::set_once();
    // The static shell of index.html stood in while the app loaded.
    if let Some(shell) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app-shell"))
    {
        shell.remove();
    }
    leptos::mount::mount_to_body(app::App);
}
