//! The page for unknown paths (and, for customers, agents' paths: they learn nothing more).

use leptos::prelude::*;

use crate::components::layout::page_title;
use crate::i18n::{T, t, tr};
use crate::route::Route;

#[component]
pub fn NotFound() -> impl IntoView {
    page_title(|| tr(T::NotFoundTitle).to_owned());
    view! {
        <section class="page narrow">
            <h1>{t(T::NotFoundTitle)}</h1>
            <p>{t(T::NotFoundText)}</p>
            <p><a class="button" href=Route::Home.href()>{t(T::BackHome)}</a></p>
        </section>
    }
}
