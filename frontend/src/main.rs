//! Ayuda's single-page app (Leptos, client-side rendered): the customer portal, the agent
//! workspace and the admin screens, in Spanish and English. It talks only to the REST API
//! (`/api/v1`), through the wire types of `ayuda-types`.

mod api;
mod app;
mod components;
mod format;
mod i18n;
mod load;
mod pages;
mod session;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
