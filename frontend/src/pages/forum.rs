//! The forum / knowledge base: categories, ranked search with highlighted snippets, the
//! article page with "was this helpful" and comments.

use ayuda_types::{ArticleSummary, CreateComment, FeedbackCounts, Locale};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::api::{self, ApiError};
use crate::components::common::{ErrorAlert, FormError, Loading, Pager, PagerButtons, SearchBar};
use crate::components::forum::categories;
use crate::components::layout::page_title;
use crate::components::markdown::MarkdownEditor;
use crate::components::not_found::NotFound;
use crate::format;
use crate::i18n::{self, T, t, tr};
use crate::load::Load;
use crate::route::{self, Route};
use crate::session::Session;

#[component]
pub fn ForumIndex() -> impl IntoView {
    page_title(|| tr(T::Forum).to_owned());
    let query = use_query_map();
    let navigate = use_navigate();
    let q = Memo::new(move |_| query.with(|q| q.get("q")).filter(|v| !v.trim().is_empty()));
    let category = Memo::new(move |_| query.with(|q| q.get("category")).filter(|v| !v.is_empty()));
    let text = RwSignal::new(q.get_untracked().unwrap_or_default());
    let pager = Pager::new();
    Effect::new(move |previous: Option<()>| {
        q.track();
        category.track();
        if previous.is_some() {
            pager.reset();
        }
    });
    let cats = categories();
    let locale = i18n::locale();
    let articles = Load::new(move || {
        // In the reader's language, and what exists only in the other one.
        let filters = [
            ("q", q.get()),
            ("category", category.get()),
            ("lang", Some(locale.get().as_str().to_owned())),
            ("cursor", pager.cursor.get()),
        ];
        async move { api::forum::articles(&filters).await }
    });
    let go = move |q: Option<String>, category: Option<String>| {
        pager.reset();
        navigate(
            &Route::Forum.with(&[("q", q), ("category", category)]),
            Default::default(),
        );
    };
    let search = go.clone();
    let next = Signal::derive(move || {
        articles
            .get()
            .and_then(|r| r.ok())
            .and_then(|p| p.next_cursor)
    });
    view! {
        <section class="page forum">
            <h1>{t(T::Forum)}</h1>
            <p class="lead">{t(T::ForumLead)}</p>
            <SearchBar
                id="forum-search"
                label=T::SearchForum
                placeholder=T::SearchForumPlaceholder
                value=text
                on_search=Callback::new(move |text| search(Some(text), category.get_untracked()))
                primary=true
            />
            <nav class="chips" aria-label=t(T::Categories)>
                {
                    let go = go.clone();
                    view! {
                        <button class="chip" aria-pressed=move || category.get().is_none().to_string() on:click=move |_| go(q.get_untracked(), None)>
                            {t(T::AllCategories)}
                        </button>
                    }
                }
                {move || cats.get().unwrap_or_default().into_iter().map(|c| {
                    let slug = c.slug.clone();
                    let pressed = category.get().as_deref() == Some(c.slug.as_str());
                    let go = go.clone();
                    view! {
                        <button class="chip" aria-pressed=pressed.to_string() on:click=move |_| go(q.get_untracked(), Some(slug.clone()))>
                            {c.name} <span class="count">{c.article_count}</span>
                        </button>
                    }
                }).collect_view()}
            </nav>
            {move || match articles.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(e)) => view! { <ErrorAlert error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                Some(Ok(page)) if page.items.is_empty() => view! {
                    <div class="empty">
                        <p>{t(T::NoArticles)}</p>
                        <a class="button" href=Route::NewTicket.href()>{t(T::SubmitRequest)}</a>
                    </div>
                }.into_any(),
                Some(Ok(page)) => view! {
                    <ul class="articles">
                        {page.items.into_iter().map(|a| view! { <ArticleItem article=a /> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <PagerButtons pager=pager next=next />
        </section>
    }
}

#[component]
fn ArticleItem(article: ArticleSummary) -> impl IntoView {
    let href = Route::Article(article.slug.clone()).href();
    let language = article.locale;
    view! {
        <li class="article-item">
            <h2>
                <a href=href lang=language.as_str()>{article.title.clone()}</a>
                {move || other_language(language)().map(|l| view! { " " <span class="badge language">{l}</span> })}
            </h2>
            {match article.snippet_html.clone() {
                // Highlighted by the server (terms in <mark>, everything else escaped).
                Some(snippet) => view! { <p class="snippet" lang=language.as_str() inner_html=snippet></p> }.into_any(),
                None => view! { <p class="excerpt" lang=language.as_str()>{article.excerpt.clone()}</p> }.into_any(),
            }}
            <p class="meta muted">
                <span>{article.category.name.clone()}</span>
                <span>{move || tr(T::HelpfulCount).replace("{n}", &article.helpful_yes.to_string())}</span>
                <span>{move || tr(T::ReadCount).replace("{n}", &article.views.to_string())}</span>
            </p>
        </li>
    }
}

/// A language's name in itself.
fn language_name(locale: Locale) -> &'static str {
    match locale {
        Locale::Es => "Español",
        Locale::En => "English",
    }
}

#[component]
pub fn ArticlePage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.with(|p| p.get(route::SLUG)).unwrap_or_default());
    let article = Load::new(move || {
        let slug = slug.get();
        async move { api::forum::article(&slug).await }
    });
    page_title(move || {
        article
            .get()
            .and_then(Result::ok)
            .map_or_else(|| tr(T::Forum).to_owned(), |a| a.summary.title)
    });
    let locale = i18n::locale();
    view! {
        <section class="page article">
            {move || match article.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(e)) if e.status == 404 => view! { <NotFound /> }.into_any(),
                Some(Err(e)) => view! { <ErrorAlert error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                Some(Ok(a)) => {
                    let updated = a.summary.updated_at;
                    let slug = a.summary.slug.clone();
                    let language = a.summary.locale;
                    let translations = a.translations.clone();
                    view! {
                        <p class="breadcrumb">
                            <a href=Route::Forum.href()>{t(T::Forum)}</a> " › "
                            <a href=Route::Forum.with(&[("category", Some(a.summary.category.slug.clone()))])>{a.summary.category.name.clone()}</a>
                        </p>
                        <article lang=language.as_str()>
                            <h1>
                                {a.summary.title.clone()}
                                {move || other_language(language)().map(|l| view! { " " <span class="badge language">{l}</span> })}
                            </h1>
                            <p class="meta muted">
                                {a.summary.author.name.clone()} " · "
                                <time datetime=format::iso(&updated)>{move || format::datetime(&updated, locale.get())}</time>
                            </p>
                            {(!translations.is_empty()).then(|| view! {
                                <p class="translations" lang=move || locale.get().as_str()>
                                    {t(T::AlsoIn)} " "
                                    {translations.into_iter().map(|tr| view! {
                                        <a href=Route::Article(tr.slug.clone()).href() hreflang=tr.locale.as_str() lang=tr.locale.as_str()>
                                            {language_name(tr.locale)} ": " {tr.title}
                                        </a>
                                    }).collect_view()}
                                </p>
                            })}
                            <div class="prose" inner_html=a.body_html.clone()></div>
                        </article>
                        <Helpful slug=slug.clone() yes=a.summary.helpful_yes no=a.summary.helpful_no mine=a.my_vote />
                        <Comments slug=slug />
                    }.into_any()
                }
            }}
        </section>
    }
}

/// "Was this helpful?": one vote per reader, shown pressed and changeable.
#[component]
fn Helpful(slug: String, yes: i64, no: i64, mine: Option<bool>) -> impl IntoView {
    let counts = RwSignal::new(FeedbackCounts {
        helpful_yes: yes,
        helpful_no: no,
    });
    let mine = RwSignal::new(mine);
    let thanked = RwSignal::new(false);
    let slug = StoredValue::new(slug);
    let vote = move |helpful: bool| {
        if mine.get_untracked() == Some(helpful) {
            return;
        }
        let slug = slug.get_value();
        leptos::task::spawn_local(async move {
            if let Ok(c) = api::forum::feedback(&slug, helpful).await {
                counts.try_set(c);
                mine.try_set(Some(helpful));
                thanked.try_set(true);
            }
        });
    };
    let pressed = move |helpful: bool| move || (mine.get() == Some(helpful)).to_string();
    view! {
        <div class="helpful" role="group" aria-labelledby="helpful-q">
            <p id="helpful-q"><strong>{t(T::WasThisHelpful)}</strong></p>
            <button class="button subtle" aria-pressed=pressed(true) on:click=move |_| vote(true)>{t(T::Yes)}</button>
            <button class="button subtle" aria-pressed=pressed(false) on:click=move |_| vote(false)>{t(T::No)}</button>
            <p role="status">
                {move || thanked.get().then(|| t(T::ThanksFeedback))}
                {move || (!thanked.get() && mine.get().is_some()).then(|| t(T::YouVoted))}
            </p>
            <p class="muted">
                {move || tr(T::HelpfulCounts)
                    .replace("{yes}", &counts.get().helpful_yes.to_string())
                    .replace("{no}", &counts.get().helpful_no.to_string())}
            </p>
        </div>
    }
}

#[component]
fn Comments(slug: String) -> impl IntoView {
    let session = Session::get();
    let slug = StoredValue::new(slug);
    let reload = RwSignal::new(0u32);
    let comments = Load::new(move || {
        reload.track();
        let slug = slug.get_value();
        async move {
            api::forum::comments(&slug)
                .await
                .map(|p| p.items)
                .unwrap_or_default()
        }
    });
    let body = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        let slug = slug.get_value();
        let request = CreateComment {
            body: body.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::forum::comment(&slug, &request).await {
                Ok(_) => {
                    body.try_set(String::new());
                    reload.try_update(|r| *r += 1);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            busy.try_set(false);
        });
    };
    let locale = i18n::locale();
    let login_link = move || {
        crate::components::guard::login_returning_to(&Route::Article(slug.get_value()).href())
    };
    view! {
        <section class="comments" aria-labelledby="comments-title">
            <h2 id="comments-title">{t(T::Comments)}</h2>
            <ol class="comment-list">
                {move || comments.get().unwrap_or_default().into_iter().map(|c| {
                    let at = c.created_at;
                    let hidden = c.hidden_at.is_some();
                    let id = c.id;
                    // Staff hide a comment from readers; it is kept, and staff still see it.
                    let hide = move |_| {
                        let slug = slug.get_value();
                        leptos::task::spawn_local(async move {
                            if api::forum::delete_comment(&slug, id).await.is_ok() {
                                reload.try_update(|r| *r += 1);
                            }
                        });
                    };
                    view! {
                        <li class="comment" class:hidden-comment=hidden>
                            <p class="meta"><strong>{c.author.name.clone()}</strong> " · "
                                <time class="muted" datetime=format::iso(&at)>{move || format::datetime(&at, locale.get())}</time>
                                {hidden.then(|| view! { " · " <span class="badge">{t(T::HiddenComment)}</span> })}
                                {(session.is_staff() && !hidden).then(|| view! {
                                    " · " <button type="button" class="link-button" on:click=hide>{t(T::HideComment)}</button>
                                })}
                            </p>
                            <div class="prose" inner_html=c.body_html.clone()></div>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <Show
                when=move || session.user.with(Option::is_some)
                fallback=move || view! { <p><a href=login_link>{t(T::SignInToComment)}</a></p> }
            >
                <form on:submit=send class="stack" novalidate=true>
                    <FormError error=error />
                    <MarkdownEditor id="body" label=T::AddComment value=body error=Signal::derive(move || error.get()) rows=3 required=true />
                    <div class="actions">
                        <button class="button primary" type="submit" disabled=move || busy.get()>{t(T::PostComment)}</button>
                    </div>
                </form>
            </Show>
        </section>
    }
}

/// "In English" for an article written in `locale`, when the UI is in another language.
fn other_language(locale: Locale) -> impl Fn() -> Option<&'static str> {
    move || {
        (locale != i18n::locale().get()).then(|| match locale {
            Locale::Es => tr(T::InSpanish),
            Locale::En => tr(T::InEnglish),
        })
    }
}
