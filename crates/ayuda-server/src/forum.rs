//! Forum use cases: public reading and search, agents' authoring, comments and feedback.
//!
//! Drafts exist only for agents: to anyone else a draft's slug is "not found".

pub use ayuda_db::forum::Voter;
use std::sync::Arc;

use ayuda_db::forum::{self, ArticleChanges, ArticleFilter, ArticleHit, ArticleView, NewArticle};
use ayuda_db::users::{self, UserRow};
use ayuda_db::{is_foreign_key_violation, is_unique_violation, stored};
use ayuda_domain::{markdown, search};
use ayuda_types::{
    Article, ArticleStatus, ArticleSummary, ArticleTranslation, Author, CategoryRef, CategoryText,
    CategoryTranslations, Comment, CreateArticle, CreateCategory, ForumCategory,
    ListArticlesParams, ListCategoriesParams, Locale, OldestFirstParams, Page, Role, UpdateArticle,
    UpdateCategory, UserRef,
};
use chrono::Utc;

use crate::error::{ApiError, ApiResult};
use crate::pagination::{self, ListCursor};
use crate::people::user_locale;
use crate::search_cache;
use crate::state::AppState;

fn is_staff(user: Option<&UserRow>) -> bool {
    user.is_some_and(users::is_staff)
}

/// Characters of the excerpt shown in lists.
const EXCERPT_CHARS: usize = 200;

/// The language a reader of the forum is shown: the one asked for, else the signed-in
/// user's, else the site's.
fn reader_locale(state: &AppState, user: Option<&UserRow>, lang: Option<Locale>) -> Locale {
    lang.unwrap_or_else(|| match user {
        Some(user) => user_locale(&state.settings, user),
        None => state.settings.default_locale,
    })
}

fn summary(a: &ArticleView, snippet: Option<&str>, lang: Locale) -> ApiResult<ArticleSummary> {
    let excerpt = markdown::excerpt(&a.body, EXCERPT_CHARS);
    let translated = match lang {
        Locale::Es => a.category_name_es.as_deref(),
        Locale::En => a.category_name_en.as_deref(),
    };
    let category_name = translated.unwrap_or(&a.category_name);
    Ok(ArticleSummary {
        id: a.id,
        slug: a.slug.clone(),
        title: a.title.clone(),
        excerpt,
        snippet_html: snippet.map(search::snippet_html),
        category: CategoryRef {
            id: a.category_id,
            slug: a.category_slug.clone(),
            name: category_name.to_owned(),
        },
        locale: stored::read("forum_articles.locale", &a.locale, Locale::parse)?,
        status: stored::read("forum_articles.status", &a.status, ArticleStatus::parse)?,
        author: UserRef {
            id: a.author_id,
            name: a.author_name.clone(),
        },
        views: a.views,
        helpful_yes: a.helpful_yes,
        helpful_no: a.helpful_no,
        published_at: a.published_at,
        updated_at: a.updated_at,
        translation_of: a.translation_of,
    })
}

/// The whole article; its category is named in the article's own language.
#[tracing::instrument(level = "debug", skip_all)]
async fn article(
    state: &AppState,
    user: Option<&UserRow>,
    view: &ArticleView,
    my_vote: Option<bool>,
) -> ApiResult<Article> {
    let locale = stored::read("forum_articles.locale", &view.locale, Locale::parse)?;
    let summary = summary(view, None, locale)?;
    let original = view.translation_of.unwrap_or(view.id);
    let mut translations = Vec::new();
    for t in forum::translations(&state.db, original).await? {
        if t.id != view.id && (t.status == ArticleStatus::Published.as_str() || is_staff(user)) {
            translations.push(ArticleTranslation {
                id: t.id,
                slug: t.slug,
                title: t.title,
                locale: stored::read("forum_articles.locale", &t.locale, Locale::parse)?,
            });
        }
    }
    Ok(Article {
        summary,
        body: view.body.clone(),
        body_html: view.body_html.clone(),
        my_vote,
        translations,
    })
}

fn category(c: forum::CategoryView, lang: Locale) -> ForumCategory {
    let text = |name: Option<String>, description: Option<String>| {
        name.map(|name| CategoryText {
            name,
            description: description.unwrap_or_default(),
        })
    };
    let translations = CategoryTranslations {
        es: text(c.name_es, c.description_es),
        en: text(c.name_en, c.description_en),
    };
    let (name, description, locale) = match translations.get(lang) {
        Some(text) => (text.name.clone(), text.description.clone(), Some(lang)),
        None => (c.name.clone(), c.description.clone(), None),
    };
    ForumCategory {
        id: c.id,
        slug: c.slug,
        name,
        description,
        locale,
        base_name: c.name,
        base_description: c.description,
        translations,
        article_count: c.article_count,
    }
}

/// Categories with their published-article counts, texts in the reader's language.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn categories(
    state: &AppState,
    user: Option<&UserRow>,
    params: ListCategoriesParams,
) -> ApiResult<Vec<ForumCategory>> {
    let lang = reader_locale(state, user, params.lang);
    Ok(forum::categories(&state.db, Some(lang.as_str()))
        .await?
        .into_iter()
        .map(|c| category(c, lang))
        .collect())
}

fn category_texts(translations: CategoryTranslations) -> forum::CategoryTexts {
    let text = |t: CategoryText| (t.name.trim().to_owned(), t.description.trim().to_owned());
    forum::CategoryTexts {
        es: translations.es.map(text),
        en: translations.en.map(text),
    }
}

/// Creates a category (agents).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn create_category(
    state: &AppState,
    user: &UserRow,
    input: CreateCategory,
) -> ApiResult<ForumCategory> {
    if !is_staff(Some(user)) {
        return Err(ApiError::Forbidden);
    }
    let name = input.name.trim().to_owned();
    let slug = input.slug.unwrap_or_else(|| search::slugify(&name));
    let row = forum::insert_category(
        &state.writer,
        slug,
        (name, input.description.trim().to_owned()),
        category_texts(input.translations),
        input.position,
        Utc::now(),
    )
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            ApiError::conflict("slug_taken", "a category with this slug exists")
        } else {
            e.into()
        }
    })?;
    // A new category holds no articles: its view is the row as stored.
    let view = forum::CategoryView {
        id: row.id,
        slug: row.slug,
        name: row.name,
        description: row.description,
        name_es: row.name_es,
        name_en: row.name_en,
        description_es: row.description_es,
        description_en: row.description_en,
        article_count: 0,
    };
    Ok(category(view, user_locale(&state.settings, user)))
}

/// Renames or translates a category, or changes its description or order (agents).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update_category(
    state: &AppState,
    user: &UserRow,
    id: i64,
    input: UpdateCategory,
) -> ApiResult<ForumCategory> {
    if !is_staff(Some(user)) {
        return Err(ApiError::Forbidden);
    }
    let changes = forum::CategoryChanges {
        name: input.name.map(|n| n.trim().to_owned()),
        description: input.description.map(|d| d.trim().to_owned()),
        texts: input.translations.map(category_texts),
        position: input.position,
    };
    let txn = state.writer.begin().await?;
    if forum::update_category(&txn, id, changes).await?.is_none() {
        return Err(ApiError::NotFound);
    }
    // Read back in the same transaction, with its article count.
    let lang = user_locale(&state.settings, user);
    let view = forum::category(&txn, id, Some(lang.as_str()))
        .await?
        .ok_or(ApiError::NotFound)?;
    txn.commit().await?;
    // Results name their articles' categories.
    search_cache::changed(state).await;
    Ok(category(view, lang))
}

/// Deletes an empty category (agents); one that still holds articles, drafts included,
/// is a conflict: its articles would be left without a place.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete_category(state: &AppState, user: &UserRow, id: i64) -> ApiResult<()> {
    if !is_staff(Some(user)) {
        return Err(ApiError::Forbidden);
    }
    let txn = state.writer.begin().await?;
    let held = forum::articles_in_category(&txn, id).await?;
    if held > 0 {
        return Err(ApiError::Conflict {
            code: "category_not_empty",
            detail: format!(
                "the category still holds {held} article(s), drafts included; move or delete them first"
            ),
            count: Some(held as i64),
        });
    }
    let deleted = forum::delete_category(&txn, id).await.map_err(|e| {
        // An article written into it meanwhile (PostgreSQL's concurrent writers).
        if is_foreign_key_violation(&e) {
            ApiError::conflict(
                "category_not_empty",
                "the category still holds article(s), drafts included; move or delete them first",
            )
        } else {
            e.into()
        }
    })?;
    txn.commit().await?;
    if deleted {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// Published articles (drafts for agents who ask), newest first or ranked by `q`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    state: &AppState,
    user: Option<&UserRow>,
    params: ListArticlesParams,
) -> ApiResult<Page<ArticleSummary>> {
    let limit = pagination::limit(params.limit)?;
    let status = match params.status {
        Some(ArticleStatus::Draft) if is_staff(user) => ArticleStatus::Draft,
        Some(ArticleStatus::Draft) => return Err(ApiError::Forbidden),
        _ => ArticleStatus::Published,
    };
    let category_id = match params.category.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(slug) => match forum::category_by_slug(&state.db, slug).await? {
            Some(c) => Some(c.id),
            None => {
                return Ok(Page {
                    items: Vec::new(),
                    next_cursor: None,
                });
            }
        },
    };
    let filter = ArticleFilter {
        status: status.as_str(),
        category_id,
        locale: params.locale.map(Locale::as_str),
        shown_in: params.lang.map(Locale::as_str),
    };
    let lang = reader_locale(state, user, params.lang);
    let terms = params.q.as_deref().map(search::terms).unwrap_or_default();
    if terms.is_empty() {
        let before = state.cursors.decode_id(params.cursor.as_deref())?;
        let rows = forum::list(&state.db, &filter, before, limit).await?;
        state.cursors.try_page(
            rows,
            limit,
            |a| ListCursor::Id(a.id),
            |a| summary(a, None, lang),
        )
    } else {
        let after = state.cursors.decode_ranked(params.cursor.as_deref())?;
        let hits = search_articles(state, &filter, &terms, after, limit).await?;
        state.cursors.try_page(
            hits.iter().collect(),
            limit,
            |(a, _, _)| ListCursor::Ranked(a.id),
            |(a, _, snippet)| summary(a, Some(snippet), lang),
        )
    }
}

/// Ranked article search ([`forum::search`]), answered from this instance's
/// [`crate::search_cache`] when the same search was made moments ago.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn search_articles(
    state: &AppState,
    filter: &ArticleFilter,
    terms: &[search::Term],
    after: Option<i64>,
    limit: u64,
) -> ApiResult<Arc<Vec<ArticleHit>>> {
    let query = search_cache::Query::new(filter, terms, after, limit);
    if let Some(hits) = state.searches.get(&query) {
        return Ok(hits);
    }
    let generation = state.searches.generation();
    let hits = Arc::new(forum::search(&state.db, filter, terms, after, limit).await?);
    state.searches.put(query, Arc::clone(&hits), generation);
    Ok(hits)
}

/// The article `slug` if `user` may read it (drafts: agents only).
#[tracing::instrument(level = "debug", skip_all)]
async fn readable(state: &AppState, user: Option<&UserRow>, slug: &str) -> ApiResult<ArticleView> {
    forum::find_by_slug(&state.db, slug)
        .await?
        .filter(|a| a.status == ArticleStatus::Published.as_str() || is_staff(user))
        .ok_or(ApiError::NotFound)
}

/// Reads an article, counting the view once per reader (a user, or a client address) in a
/// few hours; the count is written a few seconds later (see [`crate::view_counts`]).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn read(
    state: &AppState,
    user: Option<&UserRow>,
    voter: Option<&Voter>,
    client: &str,
    slug: &str,
) -> ApiResult<Article> {
    let mut view = readable(state, user, slug).await?;
    if view.status == ArticleStatus::Published.as_str() {
        let reader = user.map_or_else(|| client.to_owned(), |u| format!("user:{}", u.id));
        view.views += state.views.count(view.id, reader);
    }
    let my_vote = match voter {
        Some(voter) => forum::vote_of(&state.db, view.id, voter).await?,
        None => None,
    };
    article(state, user, &view, my_vote).await
}

/// A free slug: the one asked for (409 when taken), or one made from the title with a
/// number appended until it is free.
#[tracing::instrument(level = "debug", skip_all)]
async fn choose_slug(state: &AppState, asked: Option<String>, title: &str) -> ApiResult<String> {
    if let Some(slug) = asked {
        if forum::slug_taken(&state.db, &slug).await? {
            return Err(ApiError::conflict(
                "slug_taken",
                "an article with this slug exists",
            ));
        }
        return Ok(slug);
    }
    let base = search::slugify(title);
    let mut candidate = base.clone();
    for n in 2.. {
        if !forum::slug_taken(&state.db, &candidate).await? {
            break;
        }
        candidate = format!("{base}-{n}");
    }
    Ok(candidate)
}

fn slug_conflict(err: ayuda_db::DbErr) -> ApiError {
    if is_unique_violation(&err) {
        ApiError::conflict("slug_taken", "an article with this slug exists")
    } else {
        err.into()
    }
}

/// The original of the group of translations that article `id` (`None`: a new one) in
/// `locale` joins by translating article `target`. A group holds one article per language,
/// and an original with translations of its own cannot join another group.
#[tracing::instrument(level = "debug", skip_all)]
async fn join_translations(
    state: &AppState,
    id: Option<i64>,
    locale: Locale,
    target: i64,
) -> ApiResult<i64> {
    let not_article = || {
        ApiError::field(
            "translation_of",
            "unknown_reference",
            "is not a forum article",
        )
    };
    let target = forum::find_article(&state.db, target)
        .await?
        .ok_or_else(not_article)?;
    let original = target.translation_of.unwrap_or(target.id);
    if let Some(id) = id {
        if id == original || id == target.id {
            return Err(ApiError::field(
                "translation_of",
                "not_allowed",
                "is this article or one of its translations",
            ));
        }
        if forum::translations(&state.db, id).await?.len() > 1 {
            return Err(ApiError::conflict(
                "translation_taken",
                "this article has translations of its own; link them to the other article instead",
            ));
        }
    }
    one_per_language(state, id, locale, original).await?;
    Ok(original)
}

/// 409 when the group of translations of `original` already has an article other than
/// `id` in `locale`.
#[tracing::instrument(level = "debug", skip_all)]
async fn one_per_language(
    state: &AppState,
    id: Option<i64>,
    locale: Locale,
    original: i64,
) -> ApiResult<()> {
    let group = forum::translations(&state.db, original).await?;
    match group
        .iter()
        .find(|t| Some(t.id) != id && t.locale == locale.as_str())
    {
        Some(taken) => Err(ApiError::conflict(
            "translation_taken",
            format!(
                "the article already has a version in this language: {}",
                taken.slug
            ),
        )),
        None => Ok(()),
    }
}

#[tracing::instrument(level = "debug", skip_all)]
async fn require_category(state: &AppState, id: i64) -> ApiResult<()> {
    if forum::category_exists(&state.db, id).await? {
        Ok(())
    } else {
        Err(ApiError::field(
            "category_id",
            "unknown_reference",
            "is not a forum category",
        ))
    }
}

/// Writes an article (agents).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn create(state: &AppState, user: &UserRow, input: CreateArticle) -> ApiResult<Article> {
    if !is_staff(Some(user)) {
        return Err(ApiError::Forbidden);
    }
    require_category(state, input.category_id).await?;
    let title = input.title.trim().to_owned();
    let slug = choose_slug(state, input.slug, &title).await?;
    let locale = input
        .locale
        .unwrap_or_else(|| user_locale(&state.settings, user));
    let translation_of = match input.translation_of {
        Some(target) => Some(join_translations(state, None, locale, target).await?),
        None => None,
    };
    let row = forum::insert_article(
        &state.db,
        NewArticle {
            category_id: input.category_id,
            slug,
            title,
            body_html: markdown::render(&input.body),
            body: input.body,
            locale: locale.as_str().to_owned(),
            status: input
                .status
                .unwrap_or(ArticleStatus::Draft)
                .as_str()
                .to_owned(),
            author_id: user.id,
            translation_of,
        },
        Utc::now(),
    )
    .await
    .map_err(slug_conflict)?;
    search_cache::changed(state).await;
    let view = readable(state, Some(user), &row.slug).await?;
    article(state, Some(user), &view, None).await
}

/// Edits an article (agents).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(
    state: &AppState,
    user: &UserRow,
    slug: &str,
    input: UpdateArticle,
) -> ApiResult<Article> {
    if !is_staff(Some(user)) {
        return Err(ApiError::Forbidden);
    }
    let current = readable(state, Some(user), slug).await?;
    if let Some(id) = input.category_id {
        require_category(state, id).await?;
    }
    let new_slug = match input.slug.filter(|s| s != slug) {
        Some(s) => Some(choose_slug(state, Some(s), "").await?),
        None => None,
    };
    let row = forum::find_article(&state.db, current.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let locale = match input.locale {
        Some(locale) => locale,
        None => stored::read("forum_articles.locale", &row.locale, Locale::parse)?,
    };
    let translation_of = match input.translation_of {
        Some(Some(target)) => Some(Some(
            join_translations(state, Some(row.id), locale, target).await?,
        )),
        other => other,
    };
    if input.locale.is_some() && !matches!(translation_of, Some(Some(_))) {
        // A new language must still be the only one of its group.
        let original = translation_of
            .unwrap_or(row.translation_of)
            .unwrap_or(row.id);
        one_per_language(state, Some(row.id), locale, original).await?;
    }
    let changes = ArticleChanges {
        title: input.title.map(|t| t.trim().to_owned()),
        body: input.body.map(|b| {
            let html = markdown::render(&b);
            (b, html)
        }),
        category_id: input.category_id,
        slug: new_slug,
        locale: input.locale.map(|l| l.as_str().to_owned()),
        status: input.status.map(|s| s.as_str().to_owned()),
        translation_of,
    };
    let row = forum::update_article(&state.writer, row, changes, Utc::now())
        .await
        .map_err(slug_conflict)?;
    search_cache::changed(state).await;
    let view = readable(state, Some(user), &row.slug).await?;
    article(state, Some(user), &view, None).await
}

/// Deletes an article and its comments (agents).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(state: &AppState, user: &UserRow, slug: &str) -> ApiResult<()> {
    if !is_staff(Some(user)) {
        return Err(ApiError::Forbidden);
    }
    let article = readable(state, Some(user), slug).await?;
    let txn = state.writer.begin().await?;
    forum::delete_article(&txn, article.id).await?;
    txn.commit().await?;
    search_cache::changed(state).await;
    Ok(())
}

fn comment(c: &forum::CommentView) -> ApiResult<Comment> {
    Ok(Comment {
        id: c.id,
        author: Author {
            id: c.author_id,
            name: c.author_name.clone(),
            role: stored::read("users.role", &c.author_role, Role::parse)?,
        },
        body: c.body.clone(),
        body_html: c.body_html.clone(),
        created_at: c.created_at,
        hidden_at: c.hidden_at,
    })
}

/// An article's comments, oldest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn comments(
    state: &AppState,
    user: Option<&UserRow>,
    slug: &str,
    params: OldestFirstParams,
) -> ApiResult<Page<Comment>> {
    let article = readable(state, user, slug).await?;
    let limit = pagination::limit(params.limit)?;
    let after: Option<i64> = state.cursors.decode(params.cursor.as_deref())?;
    let rows = forum::comments(&state.db, article.id, after, limit, is_staff(user)).await?;
    state.cursors.try_page(rows, limit, |c| c.id, comment)
}

/// Comments on an article (logged-in users).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add_comment(
    state: &AppState,
    user: &UserRow,
    slug: &str,
    body: String,
) -> ApiResult<Comment> {
    let article = readable(state, Some(user), slug).await?;
    state.limiters.comment(&user.id.to_string())?;
    let html = markdown::render(&body);
    let row = forum::insert_comment(&state.writer, article.id, user.id, body, html, Utc::now())
        .await?
        .ok_or(ApiError::NotFound)?;
    comment(&row)
}

/// Hides a comment (agents): readers no longer see it; it is kept, with who hid it and when,
/// and staff still see it marked hidden.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn hide_comment(state: &AppState, user: &UserRow, slug: &str, id: i64) -> ApiResult<()> {
    if !is_staff(Some(user)) {
        return Err(ApiError::Forbidden);
    }
    let article = readable(state, Some(user), slug).await?;
    let txn = state.writer.begin().await?;
    if !forum::hide_comment(&txn, article.id, id, user.id, Utc::now()).await? {
        return Err(ApiError::NotFound);
    }
    txn.commit().await?;
    tracing::info!(comment = id, article = %slug, by = user.id, "forum comment hidden");
    Ok(())
}

/// Records `voter`'s "was this helpful" vote (one per reader, changeable) and returns the
/// counts after it.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn feedback(
    state: &AppState,
    user: Option<&UserRow>,
    voter: &Voter,
    slug: &str,
    helpful: bool,
) -> ApiResult<(i64, i64)> {
    let article = readable(state, user, slug).await?;
    let txn = state.writer.begin().await?;
    let counts = forum::vote(&txn, article.id, voter, helpful, Utc::now()).await?;
    txn.commit().await?;
    Ok(counts)
}
