//! Admin › Forum: categories (add, rename and translate, delete when empty) and articles
//! (write, edit, publish, translate, delete).

use ayuda_types::{
    ArticleStatus, ArticleSummary, CategoryText, CategoryTranslations, CreateArticle,
    CreateCategory, ForumCategory, Locale, UpdateArticle, UpdateCategory,
};
use leptos::prelude::*;

use super::{RenameForm, Texts, TextsFields, confirm, save_then};
use crate::api::{self, ApiError};
use crate::components::common::{ErrorAlert, FormError, Loading, TextField};
use crate::components::forum::categories;
use crate::components::markdown::MarkdownEditor;
use crate::i18n::{T, t, tr};
use crate::load::Load;
use crate::route::Route;

fn category_text(name: String, description: String) -> CategoryText {
    CategoryText { name, description }
}

#[component]
pub(super) fn ForumAdmin() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let cats = categories();
    let articles = Load::new(move || {
        reload.track();
        async {
            let mut all = Vec::new();
            for status in ["draft", "published"] {
                let filters = [
                    ("status", Some(status.to_owned())),
                    ("limit", Some("100".to_owned())),
                ];
                if let Ok(page) = api::forum::articles(&filters).await {
                    all.extend(page.items);
                }
            }
            all
        }
    });
    let editing = RwSignal::new(None::<Option<String>>);
    let cat_texts = Texts::empty();
    let cat_error = RwSignal::new(None::<ApiError>);
    let create_category = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        cat_error.set(None);
        let request = CreateCategory {
            name: cat_texts.base_name(),
            slug: None,
            description: cat_texts.base_description(),
            translations: CategoryTranslations {
                es: cat_texts.es(category_text),
                en: cat_texts.en(category_text),
            },
            position: 0,
        };
        leptos::task::spawn_local(async move {
            match api::forum::create_category(&request).await {
                Ok(_) => {
                    cat_texts.clear();
                    cats.refetch();
                }
                Err(e) => {
                    cat_error.try_set(Some(e));
                }
            }
        });
    };
    let cat_editing = RwSignal::new(None::<ForumCategory>);
    let cat_list_error = RwSignal::new(None::<ApiError>);
    let delete_category = move |id: i64| {
        if !confirm(T::ConfirmDeleteCategory) {
            return;
        }
        cat_list_error.set(None);
        leptos::task::spawn_local(async move {
            match api::forum::delete_category(id).await {
                Ok(()) => cats.refetch(),
                Err(e) => {
                    cat_list_error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <h2>{t(T::Articles)}</h2>
        <div class="actions">
            <button class="button primary" on:click=move |_| editing.set(Some(None))>{t(T::NewArticle)}</button>
        </div>
        {move || editing.get().map(|slug| view! {
            <ArticleEditor slug=slug articles=Signal::derive(move || articles.get().unwrap_or_default()) on_done=Callback::new(move |_| { editing.set(None); reload.update(|r| *r += 1); cats.refetch(); }) />
        })}
        {move || match articles.get() {
            None => view! { <Loading /> }.into_any(),
            Some(list) => view! {
                <table class="admin-table">
                    <thead><tr>
                        <th scope="col">{t(T::Title)}</th>
                        <th scope="col">{t(T::Category)}</th>
                        <th scope="col">{t(T::Status)}</th>
                        <th scope="col"><span class="visually-hidden">{t(T::Actions)}</span></th>
                    </tr></thead>
                    <tbody>
                        {list.into_iter().map(|a| {
                            let slug = a.slug.clone();
                            view! {
                                <tr>
                                    <td><a href=Route::Article(a.slug.clone()).href()>{a.title.clone()}</a></td>
                                    <td>{a.category.name.clone()}</td>
                                    <td>{if a.status == ArticleStatus::Published { t(T::Published) } else { t(T::Draft) }}</td>
                                    <td><button class="button subtle small" on:click=move |_| editing.set(Some(Some(slug.clone())))>{t(T::Edit)}</button></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
        <h2>{t(T::Categories)}</h2>
        <ErrorAlert error=cat_list_error />
        {move || cat_editing.get().map(|c| view! {
            <CategoryEditor category=c on_done=Callback::new(move |_| { cat_editing.set(None); cats.refetch(); reload.update(|r| *r += 1); }) />
        })}
        <table class="admin-table">
            <thead><tr>
                <th scope="col">{t(T::Name)}</th>
                <th scope="col">{t(T::Description)}</th>
                <th scope="col">{t(T::PublishedArticles)}</th>
                <th scope="col"><span class="visually-hidden">{t(T::Actions)}</span></th>
            </tr></thead>
            <tbody>
                {move || cats.get().unwrap_or_default().into_iter().map(|c| {
                    let id = c.id;
                    let (rename_label, delete_label) = (c.name.clone(), c.name.clone());
                    let for_editor = c.clone();
                    view! {
                        <tr>
                            <td><a href=Route::Forum.with(&[("category", Some(c.slug.clone()))])>{c.name.clone()}</a></td>
                            <td>{c.description.clone()}</td>
                            <td>{c.article_count}</td>
                            <td class="row-actions">
                                <button class="button subtle small" aria-label=move || format!("{} {}", tr(T::Rename), rename_label)
                                    on:click=move |_| cat_editing.set(Some(for_editor.clone()))>
                                    {t(T::Rename)}
                                </button>
                                <button class="button subtle small" aria-label=move || format!("{} {}", tr(T::Delete), delete_label)
                                    on:click=move |_| delete_category(id)>
                                    {t(T::Delete)}
                                </button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <h3>{t(T::NewCategory)}</h3>
        <form class="stack inline-form" on:submit=create_category novalidate=true>
            <FormError error=cat_error />
            <TextsFields texts=cat_texts error=cat_error ids=["category-name", "category-description",
                "category-name-es", "category-description-es", "category-name-en", "category-description-en"] />
            <div class="actions"><button class="button primary" type="submit">{t(T::Create)}</button></div>
        </form>
    }
}

/// Renames or translates a forum category; every text is sent as it stands in the form.
#[component]
fn CategoryEditor(category: ForumCategory, on_done: Callback<()>) -> impl IntoView {
    let id = category.id;
    fn pair(t: &CategoryText) -> (&str, &str) {
        (&t.name, &t.description)
    }
    let translations = &category.translations;
    let texts = Texts::new(
        (&category.base_name, &category.base_description),
        translations.es.as_ref().map(pair),
        translations.en.as_ref().map(pair),
    );
    let error = RwSignal::new(None::<ApiError>);
    let save = move |_| {
        error.set(None);
        let change = UpdateCategory {
            name: Some(texts.base_name()),
            description: Some(texts.base_description()),
            translations: Some(CategoryTranslations {
                es: texts.es(category_text),
                en: texts.en(category_text),
            }),
            position: None,
        };
        save_then(
            async move { api::forum::update_category(id, &change).await },
            error,
            on_done,
        );
    };
    view! {
        <RenameForm title=category.name.clone() error=error on_save=Callback::new(save) on_cancel=on_done>
            <TextsFields texts=texts error=error ids=["edit-category-name", "edit-category-description",
                "edit-category-name-es", "edit-category-description-es", "edit-category-name-en",
                "edit-category-description-en"] />
        </RenameForm>
    }
}

/// Writes a new article (`slug` None) or edits one; `articles` are those it may translate.
#[component]
fn ArticleEditor(
    slug: Option<String>,
    articles: Signal<Vec<ArticleSummary>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let title = RwSignal::new(String::new());
    let translation_of = RwSignal::new(None::<i64>);
    let body = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let locale = RwSignal::new(Locale::Es);
    let status = RwSignal::new(ArticleStatus::Draft);
    let error = RwSignal::new(None::<ApiError>);
    let cats = categories();
    let existing = slug.clone();
    if let Some(slug) = slug.clone() {
        leptos::task::spawn_local(async move {
            if let Ok(a) = api::forum::article(&slug).await {
                title.try_set(a.summary.title);
                body.try_set(a.body);
                category.try_set(a.summary.category.id.to_string());
                locale.try_set(a.summary.locale);
                status.try_set(a.summary.status);
                translation_of.try_set(a.summary.translation_of);
            }
        });
    }
    let existing = StoredValue::new(existing);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let category_id = category.get_untracked().parse::<i64>().unwrap_or(0);
        leptos::task::spawn_local(async move {
            let result = match existing.get_value() {
                None => {
                    api::forum::create_article(&CreateArticle {
                        title: title.get_untracked(),
                        body: body.get_untracked(),
                        category_id,
                        slug: None,
                        locale: Some(locale.get_untracked()),
                        status: Some(status.get_untracked()),
                        translation_of: translation_of.get_untracked(),
                    })
                    .await
                }
                Some(slug) => {
                    api::forum::update_article(
                        &slug,
                        &UpdateArticle {
                            title: Some(title.get_untracked()),
                            body: Some(body.get_untracked()),
                            category_id: Some(category_id),
                            slug: None,
                            locale: Some(locale.get_untracked()),
                            status: Some(status.get_untracked()),
                            translation_of: Some(translation_of.get_untracked()),
                        },
                    )
                    .await
                }
            };
            match result {
                Ok(_) => on_done.run(()),
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let remove = move |_| {
        let Some(slug) = existing.get_value() else {
            return;
        };
        if !confirm(T::ConfirmDelete) {
            return;
        }
        leptos::task::spawn_local(async move {
            match api::forum::delete_article(&slug).await {
                Ok(()) => on_done.run(()),
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <form class="stack editor" on:submit=save novalidate=true>
            <h3>{if slug.is_some() { t(T::EditArticle) } else { t(T::NewArticle) }}</h3>
            <FormError error=error />
            <TextField id="title" label=T::Title value=title error=error required=true />
            <div class="field-row">
                <div class="field">
                    <label for="article-category">{t(T::Category)}</label>
                    <select id="article-category" on:change=move |ev| category.set(event_target_value(&ev))>
                        <option value="">{t(T::ChooseCategory)}</option>
                        {move || cats.get().unwrap_or_default().into_iter().map(|c| {
                            let value = c.id.to_string();
                            let selected = category.get() == value;
                            view! { <option value=value selected=selected>{c.name}</option> }
                        }).collect_view()}
                    </select>
                    <p class="field-error" aria-live="polite">{move || error.with(|e| e.as_ref().and_then(|e| e.field("category_id")))}</p>
                </div>
                <div class="field">
                    <label for="article-locale">{t(T::Language)}</label>
                    <select id="article-locale" on:change=move |ev| locale.set(Locale::parse(&event_target_value(&ev)).unwrap_or_default())>
                        <option value="es" selected=move || locale.get() == Locale::Es>"Español"</option>
                        <option value="en" selected=move || locale.get() == Locale::En>"English"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="article-status">{t(T::Status)}</label>
                    <select id="article-status" on:change=move |ev| status.set(ArticleStatus::parse(&event_target_value(&ev)).unwrap_or(ArticleStatus::Draft))>
                        <option value="draft" selected=move || status.get() == ArticleStatus::Draft>{t(T::Draft)}</option>
                        <option value="published" selected=move || status.get() == ArticleStatus::Published>{t(T::Published)}</option>
                    </select>
                </div>
            </div>
            <div class="field">
                <label for="article-translation-of">{t(T::TranslationOf)}</label>
                <select id="article-translation-of" aria-describedby="article-translation-of-error"
                    on:change=move |ev| translation_of.set(event_target_value(&ev).parse().ok())>
                    <option value="" selected=move || translation_of.get().is_none()>{t(T::NotATranslation)}</option>
                    {
                        let own = existing.get_value();
                        move || articles.get().into_iter()
                            .filter(|a| a.locale != locale.get() && Some(&a.slug) != own.as_ref())
                            .map(|a| {
                                let id = a.id;
                                view! {
                                    <option value=id.to_string() selected=move || translation_of.get() == Some(id)>
                                        {format!("{} ({})", a.title, a.locale.as_str())}
                                    </option>
                                }
                            })
                            .collect_view()
                    }
                </select>
                <p class="field-error" id="article-translation-of-error" aria-live="polite">{move || error.with(|e| e.as_ref().and_then(|e| e.field("translation_of")))}</p>
            </div>
            <MarkdownEditor id="body" label=T::Body value=body error=Signal::derive(move || error.get()) rows=12 required=true />
            <div class="actions">
                <button class="button primary" type="submit">{t(T::Save)}</button>
                <button class="button subtle" type="button" on:click=move |_| on_done.run(())>{t(T::Cancel)}</button>
                {slug.is_some().then(|| view! { <button class="button danger" type="button" on:click=remove>{t(T::Delete)}</button> })}
            </div>
        </form>
    }
}
