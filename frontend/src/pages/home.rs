//! The portal home: Forum, Submit a request, Check existing requests.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::i18n::{T, t};
use crate::session::Session;

#[component]
pub fn Home() -> impl IntoView {
    let session = Session::get();
    let navigate = use_navigate();
    let q = RwSignal::new(String::new());
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let term = q.get_untracked();
        navigate(
            &format!("/forum{}", crate::api::query(&[("q", Some(term))])),
            Default::default(),
        );
    };
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
                <form class="search-bar" role="search" on:submit=search>
                    <label for="home-search" class="visually-hidden">{t(T::SearchForum)}</label>
                    <input
                        id="home-search"
                        type="search"
                        placeholder=t(T::SearchForumPlaceholder)
                        prop:value=move || q.get()
                        on:input=move |ev| q.set(event_target_value(&ev))
                    />
                    <button class="button primary" type="submit">{t(T::Search)}</button>
                </form>
            </div>
            <ul class="cards">
                <li class="card">
                    <h2><a href="/forum">{t(T::Forum)}</a></h2>
                    <p>{t(T::ForumCard)}</p>
                </li>
                <li class="card">
                    <h2><a href="/tickets/new">{t(T::SubmitRequest)}</a></h2>
                    <p>{t(T::SubmitCard)}</p>
                </li>
                <li class="card">
                    <h2><a href="/tickets">{t(T::CheckRequests)}</a></h2>
                    <p>{t(T::CheckCard)}</p>
                </li>
            </ul>
        </section>
    }
}
