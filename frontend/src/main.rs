//! Ayuda's single-page app (Leptos, client-side rendered). This is the shell the server
//! serves; the portal, ticket and agent screens build on it.

use ayuda_types::Locale;
use leptos::prelude::*;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// The browser's preferred language, if it is one Ayuda speaks.
fn browser_locale() -> Locale {
    window()
        .navigator()
        .language()
        .as_deref()
        .and_then(Locale::parse)
        .unwrap_or_default()
}

/// Texts of the shell in both languages.
fn text(locale: Locale) -> (&'static str, &'static str, &'static str) {
    match locale {
        Locale::Es => (
            "Soporte al cliente",
            "Ayuda está en marcha. El portal de clientes y el espacio de trabajo de los agentes llegan pronto; mientras tanto, la API está documentada aquí:",
            "Documentación de la API",
        ),
        Locale::En => (
            "Customer support",
            "Ayuda is up. The customer portal and the agent workspace are on their way; meanwhile the API is documented here:",
            "API documentation",
        ),
    }
}

#[component]
fn App() -> impl IntoView {
    let locale = RwSignal::new(browser_locale());
    view! {
        <main class="shell">
            <h1>"Ayuda"</h1>
            <p><strong>{move || text(locale.get()).0}</strong></p>
            <p>{move || text(locale.get()).1} " " <a href="/api/docs/">{move || text(locale.get()).2}</a></p>
            <div class="lang" role="group" aria-label="Idioma / Language">
                <button aria-pressed=move || (locale.get() == Locale::Es).to_string() on:click=move |_| locale.set(Locale::Es)>"Español"</button>
                <button aria-pressed=move || (locale.get() == Locale::En).to_string() on:click=move |_| locale.set(Locale::En)>"English"</button>
            </div>
        </main>
    }
}
