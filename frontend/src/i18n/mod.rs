//! Every text of the UI in Spanish and English. A key without both texts does not compile.
//! The language comes from the profile once logged in, else from the last choice on this
//! browser, else from the browser's own preference.

use std::cell::OnceCell;

use ayuda_types::Locale;
use leptos::prelude::*;

mod problems;
mod texts;

pub use problems::{field_text, problem_text};
pub use texts::T;

thread_local! {
    static LOCALE: OnceCell<RwSignal<Locale>> = const { OnceCell::new() };
}

const STORAGE_KEY: &str = "ayuda.locale";

/// Sets up the language signal (once, in the root component).
pub fn init() {
    let initial = stored_locale().or_else(browser_locale).unwrap_or_default();
    let signal = RwSignal::new(initial);
    LOCALE.with(|l| {
        let _ = l.set(signal);
    });
    // Screen readers and hyphenation follow <html lang>.
    Effect::new(move |_| {
        let lang = signal.get().as_str();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang);
        }
    });
}

/// The current language (reactive).
pub fn locale() -> RwSignal<Locale> {
    LOCALE.with(|l| *l.get_or_init(|| RwSignal::new(Locale::default())))
}

/// Shows the UI in `locale` (from a login answer: the profile's language).
pub fn set_locale(value: Locale) {
    locale().set(value);
    if let Some(storage) = storage() {
        let _ = storage.set_item(STORAGE_KEY, value.as_str());
    }
}

/// A reactive text: use as `{t(T::SignIn)}` or an attribute value.
pub fn t(key: T) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    move || key.text(locale().get())
}

/// The text in the current language (tracked when called inside a reactive scope).
pub fn tr(key: T) -> &'static str {
    key.text(locale().get())
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn stored_locale() -> Option<Locale> {
    storage()?
        .get_item(STORAGE_KEY)
        .ok()
        .flatten()
        .as_deref()
        .and_then(Locale::parse)
}

fn browser_locale() -> Option<Locale> {
    window()
        .navigator()
        .language()
        .as_deref()
        .and_then(Locale::parse)
}
