//! The portal home: Forum, Submit a request, Check existing requests.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::components::common::SearchBar;
use crate::components::layout::page_title;
use crate::i18n::{T, t, tr};
use crate::route::Route;
use crate::session::Session;

#[component]
pub fn Home() -> impl IntoView {
    page_title(|| tr(T::CustomerSupport).to_owned());
    let session = Session::get();
    let navigate = use_navigate();
    let q = RwSignal::new(String::new());
    let search = Callback::new(move |term: String| {
        navigate(&Route::Forum.with(&[("q", Some(term))]), Default::default());
    });
    let greeting = move || {
        session.user.with(|u| match u {
            Some(u) => format!("{}, {}", crate::i18n::tr(T::Hello), u.name),
            None => crate::i18n::tr(T::HomeTitle).to_owned(),
        })
    };
    view! {
        <section class="page">
            <div class="hero">
                <h1>{greeting}</h1>
                <p class="lead">{t(T::HomeLead)}</p>
                <SearchBar id="home-search" label=T::SearchForum placeholder=T::SearchForumPlaceholder value=q on_search=search primary=true />
            </div>
            <ul class="cards">
                <li class="card">
                    <h2><a href=Route::Forum.href()>{t(T::Forum)}</a></h2>
                    <p>{t(T::ForumCard)}</p>
                </li>
                <li class="card">
                    <h2><a href=Route::NewTicket.href()>{t(T::SubmitRequest)}</a></h2>
                    <p>{t(T::SubmitCard)}</p>
                </li>
                <li class="card">
                    <h2><a href=Route::Tickets.href()>{t(T::CheckRequests)}</a></h2>
                    <p>{t(T::CheckCard)}</p>
                </li>
            </ul>
        </section>
    }
}
