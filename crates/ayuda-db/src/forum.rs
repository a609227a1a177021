//! The forum / knowledge base: categories, articles and their full-text search, comments.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};

use crate::entity::{article_vote, forum_article, forum_category, forum_comment};
use crate::sql::Sql;

pub use crate::entity::forum_article::Model as ArticleRow;
pub use crate::entity::forum_category::Model as CategoryRow;

/// A category with its number of published articles.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct CategoryView {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub name_es: Option<String>,
    pub name_en: Option<String>,
    pub description_es: Option<String>,
    pub description_en: Option<String>,
    pub article_count: i64,
}

/// Categories with their published-article counts (those a reader of `lang` is shown,
/// when given), up to the end of the FROM clause.
fn category_select(backend: DbBackend, lang: Option<&str>) -> Sql {
    let mut sql = Sql::new(
        backend,
        "SELECT c.id, c.slug, c.name, c.description, c.name_es, c.name_en, \
         c.description_es, c.description_en, \
         (SELECT COUNT(*) FROM forum_articles a WHERE a.category_id = c.id AND a.status = ",
    );
    sql.bind("published");
    if let Some(lang) = lang {
        push_shown_in(&mut sql, lang);
    }
    sql.push(") AS article_count FROM forum_categories c");
    sql
}

/// Keeps articles (alias `a`) that a reader of `lang` is shown: those written in it, and
/// those of a group of translations that has no published article in it.
fn push_shown_in(sql: &mut Sql, lang: &str) {
    sql.push(" AND (a.locale = ")
        .bind(lang.to_owned())
        .push(" OR NOT EXISTS (SELECT 1 FROM forum_articles t WHERE t.locale = ")
        .bind(lang.to_owned())
        .push(" AND t.status = ")
        .bind("published")
        .push(
            " AND (t.id = COALESCE(a.translation_of, a.id) \
             OR t.translation_of = COALESCE(a.translation_of, a.id))))",
        );
}

/// Categories in display order, with counts, in one query.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn categories(
    conn: &impl ConnectionTrait,
    lang: Option<&str>,
) -> Result<Vec<CategoryView>, DbErr> {
    let mut sql = category_select(conn.get_database_backend(), lang);
    sql.push(" ORDER BY c.position, c.id");
    CategoryView::find_by_statement(sql.build()).all(conn).await
}

/// One category with its count.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn category(
    conn: &impl ConnectionTrait,
    id: i64,
    lang: Option<&str>,
) -> Result<Option<CategoryView>, DbErr> {
    let mut sql = category_select(conn.get_database_backend(), lang);
    sql.push(" WHERE c.id = ").bind(id);
    CategoryView::find_by_statement(sql.build()).one(conn).await
}

/// The category with this slug.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn category_by_slug(
    conn: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<CategoryRow>, DbErr> {
    forum_category::Entity::find()
        .filter(forum_category::Column::Slug.eq(slug))
        .one(conn)
        .await
}

/// Whether a category exists.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn category_exists(conn: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    Ok(forum_category::Entity::find_by_id(id)
        .one(conn)
        .await?
        .is_some())
}

/// A name and description in one language.
pub type CategoryText = (String, String);

/// A category's texts: the base ones and those per language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CategoryTexts {
    pub es: Option<CategoryText>,
    pub en: Option<CategoryText>,
}

/// Stores a category; a taken slug fails with a unique violation.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert_category(
    conn: &impl ConnectionTrait,
    slug: String,
    (name, description): CategoryText,
    texts: CategoryTexts,
    position: i32,
    now: DateTime<Utc>,
) -> Result<CategoryRow, DbErr> {
    let (name_es, description_es) = texts.es.unzip();
    let (name_en, description_en) = texts.en.unzip();
    forum_category::ActiveModel {
        slug: Set(slug),
        name: Set(name),
        description: Set(description),
        name_es: Set(name_es),
        description_es: Set(description_es),
        name_en: Set(name_en),
        description_en: Set(description_en),
        position: Set(position),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
}

/// Changes to a category; `None` leaves a field alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CategoryChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Replaces the texts per language.
    pub texts: Option<CategoryTexts>,
    pub position: Option<i32>,
}

/// Changes a category's names, descriptions or order; `None` when there is no such category.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update_category(
    conn: &impl ConnectionTrait,
    id: i64,
    changes: CategoryChanges,
) -> Result<Option<CategoryRow>, DbErr> {
    let Some(row) = forum_category::Entity::find_by_id(id).one(conn).await? else {
        return Ok(None);
    };
    let mut active: forum_category::ActiveModel = row.into();
    if let Some(v) = changes.name {
        active.name = Set(v);
    }
    if let Some(v) = changes.description {
        active.description = Set(v);
    }
    if let Some(texts) = changes.texts {
        let (name_es, description_es) = texts.es.unzip();
        let (name_en, description_en) = texts.en.unzip();
        active.name_es = Set(name_es);
        active.description_es = Set(description_es);
        active.name_en = Set(name_en);
        active.description_en = Set(description_en);
    }
    if let Some(v) = changes.position {
        active.position = Set(v);
    }
    active.update(conn).await.map(Some)
}

/// Number of articles in a category, drafts included.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn articles_in_category(conn: &impl ConnectionTrait, id: i64) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    forum_article::Entity::find()
        .filter(forum_article::Column::CategoryId.eq(id))
        .count(conn)
        .await
}

/// Deletes a category; false when there was none.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete_category(conn: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    let result = forum_category::Entity::delete_by_id(id).exec(conn).await?;
    Ok(result.rows_affected > 0)
}

/// An article with its category and author names.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct ArticleView {
    pub id: i64,
    pub category_id: i64,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub body_html: String,
    pub locale: String,
    pub status: String,
    pub author_id: i64,
    pub views: i64,
    pub helpful_yes: i64,
    pub helpful_no: i64,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub translation_of: Option<i64>,
    pub category_slug: String,
    pub category_name: String,
    pub category_name_es: Option<String>,
    pub category_name_en: Option<String>,
    pub author_name: String,
}

const VIEW_COLUMNS: &str = "SELECT a.id, a.category_id, a.slug, a.title, a.body, \
     a.body_html, a.locale, a.status, a.author_id, a.views, a.helpful_yes, a.helpful_no, \
     a.published_at, a.created_at, a.updated_at, a.translation_of, \
     c.slug AS category_slug, c.name AS category_name, c.name_es AS category_name_es, \
     c.name_en AS category_name_en, u.name AS author_name";

const VIEW_FROM: &str = " FROM forum_articles a \
     JOIN forum_categories c ON c.id = a.category_id \
     JOIN users u ON u.id = a.author_id";

fn view_select() -> String {
    format!("{VIEW_COLUMNS}{VIEW_FROM}")
}

/// The article with this slug.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_by_slug(
    conn: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<ArticleView>, DbErr> {
    let mut sql = Sql::new(conn.get_database_backend(), &view_select());
    sql.push(" WHERE a.slug = ").bind(slug);
    ArticleView::find_by_statement(sql.build()).one(conn).await
}

/// Filters of article lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleFilter {
    /// `published` or `draft`.
    pub status: &'static str,
    /// Only this category.
    pub category_id: Option<i64>,
    /// Only this language.
    pub locale: Option<&'static str>,
    /// What a reader of this language is shown: its articles, and the others' that have no
    /// translation into it.
    pub shown_in: Option<&'static str>,
}

impl ArticleFilter {
    fn push_conditions(&self, sql: &mut Sql) {
        sql.push(" AND a.status = ").bind(self.status);
        if let Some(id) = self.category_id {
            sql.push(" AND a.category_id = ").bind(id);
        }
        if let Some(locale) = self.locale {
            sql.push(" AND a.locale = ").bind(locale);
        }
        if let Some(lang) = self.shown_in {
            push_shown_in(sql, lang);
        }
    }
}

/// The list query, exposed so tests can `EXPLAIN` it: newest first, below `before`.
pub fn list_statement(
    backend: DbBackend,
    filter: &ArticleFilter,
    before: Option<i64>,
    limit: u64,
) -> Statement {
    let mut sql = Sql::new(backend, &view_select());
    sql.push(" WHERE 1 = 1");
    filter.push_conditions(&mut sql);
    if let Some(before) = before {
        sql.push(" AND a.id < ").bind(before);
    }
    sql.push(" ORDER BY a.id DESC LIMIT ")
        .bind(i64::try_from(limit + 1).unwrap_or(i64::MAX));
    sql.build()
}

/// One page of articles, newest first (see [`list_statement`]).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &ArticleFilter,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<ArticleView>, DbErr> {
    let stmt = list_statement(conn.get_database_backend(), filter, before, limit);
    ArticleView::find_by_statement(stmt).all(conn).await
}

/// A search hit: the article, its score, and a passage with the matches between `\u{1}` and
/// `\u{2}`.
pub type ArticleHit = (ArticleView, f64, String);

/// Articles matching `filter` that contain every term (the last as a prefix), best first
/// (title matches weigh more); `limit + 1` rows after `(score, id)`.
///
/// One statement: the ranking reads only ids and scores, and the articles and their
/// snippets are joined to the page alone, so a query matching many articles costs little
/// more than one matching few.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn search(
    conn: &impl ConnectionTrait,
    filter: &ArticleFilter,
    terms: &[ayuda_domain::search::Term],
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<ArticleHit>, DbErr> {
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let backend = conn.get_database_backend();
    // PostgreSQL's query is a literal (see `tsquery_literal`), SQLite's a bound value.
    let q = crate::search::tsquery_literal(terms);
    let query = crate::search::fts5_match(terms);
    let mut sql = Sql::new(backend, "WITH ranked AS (");
    match backend {
        DbBackend::Postgres => {
            sql.push(&format!(
                "SELECT a.id AS id, ROUND(ts_rank(a.search, {q})::numeric, 6)::float8 AS score \
                 FROM forum_articles a WHERE a.search @@ {q}"
            ));
        }
        _ => {
            sql.push(
                "SELECT a.id AS id, ROUND(-bm25(forum_article_fts, 5.0, 1.0), 6) AS score \
                 FROM forum_article_fts CROSS JOIN forum_articles a ON a.id = forum_article_fts.rowid \
                 WHERE forum_article_fts MATCH ",
            )
            .bind(query.clone());
        }
    }
    filter.push_conditions(&mut sql);
    sql.push("), page AS MATERIALIZED (SELECT id, score FROM ranked");
    crate::search::push_after_anchor(&mut sql, after);
    sql.push(" ORDER BY score DESC, id DESC LIMIT ")
        .bind(i64::try_from(limit + 1).unwrap_or(i64::MAX))
        .push(") ")
        .push(VIEW_COLUMNS)
        .push(", page.score AS score, ");
    match backend {
        DbBackend::Postgres => {
            sql.push(&format!("ts_headline('ayuda_search', a.body, {q}, "))
                .push(
                    "'StartSel=\u{1}, StopSel=\u{2}, MaxWords=30, MinWords=12') AS snippet \
                     FROM page JOIN forum_articles a ON a.id = page.id",
                );
        }
        _ => {
            // snippet() needs the full-text row under a MATCH: joined by rowid to the page
            // alone (CROSS JOIN keeps that order), so only the page's snippets are made.
            sql.push(
                "snippet(forum_article_fts, 1, char(1), char(2), '…', 24) AS snippet \
                 FROM page CROSS JOIN forum_article_fts ON forum_article_fts.rowid = page.id \
                 CROSS JOIN forum_articles a ON a.id = page.id",
            );
        }
    }
    sql.push(" JOIN forum_categories c ON c.id = a.category_id JOIN users u ON u.id = a.author_id");
    if backend != DbBackend::Postgres {
        sql.push(" WHERE forum_article_fts MATCH ").bind(query);
    }
    sql.push(" ORDER BY page.score DESC, page.id DESC");
    conn.query_all_raw(sql.build())
        .await?
        .iter()
        .map(|row| {
            Ok((
                ArticleView::from_query_result(row, "")?,
                row.try_get::<f64>("", "score")?,
                row.try_get::<String>("", "snippet")?,
            ))
        })
        .collect()
}

/// An article to store.
#[derive(Debug, Clone)]
pub struct NewArticle {
    pub category_id: i64,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub body_html: String,
    pub locale: String,
    pub status: String,
    pub author_id: i64,
    pub translation_of: Option<i64>,
}

/// Whether a slug is taken.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn slug_taken(conn: &impl ConnectionTrait, slug: &str) -> Result<bool, DbErr> {
    Ok(forum_article::Entity::find()
        .filter(forum_article::Column::Slug.eq(slug))
        .one(conn)
        .await?
        .is_some())
}

/// Stores an article; `published_at` is set when it is stored published.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert_article(
    conn: &impl ConnectionTrait,
    new: NewArticle,
    now: DateTime<Utc>,
) -> Result<ArticleRow, DbErr> {
    let published = (new.status == "published").then_some(now);
    forum_article::ActiveModel {
        category_id: Set(new.category_id),
        slug: Set(new.slug),
        title: Set(new.title),
        body: Set(new.body),
        body_html: Set(new.body_html),
        locale: Set(new.locale),
        status: Set(new.status),
        author_id: Set(new.author_id),
        views: Set(0),
        helpful_yes: Set(0),
        helpful_no: Set(0),
        published_at: Set(published),
        created_at: Set(now),
        updated_at: Set(now),
        translation_of: Set(new.translation_of),
        ..Default::default()
    }
    .insert(conn)
    .await
}

/// The stored article `id`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_article(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<ArticleRow>, DbErr> {
    forum_article::Entity::find_by_id(id).one(conn).await
}

/// Changes to an article; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct ArticleChanges {
    pub title: Option<String>,
    /// New Markdown with its rendering.
    pub body: Option<(String, String)>,
    pub category_id: Option<i64>,
    pub slug: Option<String>,
    pub locale: Option<String>,
    pub status: Option<String>,
    /// `Some(None)` makes it an original.
    pub translation_of: Option<Option<i64>>,
}

/// Applies `changes`; publishing for the first time stamps `published_at`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update_article(
    conn: &impl ConnectionTrait,
    row: ArticleRow,
    changes: ArticleChanges,
    now: DateTime<Utc>,
) -> Result<ArticleRow, DbErr> {
    let first_publish = row.published_at.is_none();
    let mut active: forum_article::ActiveModel = row.into();
    if let Some(v) = changes.title {
        active.title = Set(v);
    }
    if let Some((body, html)) = changes.body {
        active.body = Set(body);
        active.body_html = Set(html);
    }
    if let Some(v) = changes.category_id {
        active.category_id = Set(v);
    }
    if let Some(v) = changes.slug {
        active.slug = Set(v);
    }
    if let Some(v) = changes.locale {
        active.locale = Set(v);
    }
    if let Some(v) = changes.translation_of {
        active.translation_of = Set(v);
    }
    if let Some(v) = changes.status {
        if v == "published" && first_publish {
            active.published_at = Set(Some(now));
        }
        active.status = Set(v);
    }
    active.updated_at = Set(now);
    active.update(conn).await
}

/// Deletes an article and its comments. When it was the original of translations, the
/// oldest of them becomes their original.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete_article(conn: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    forum_comment::Entity::delete_many()
        .filter(forum_comment::Column::ArticleId.eq(id))
        .exec(conn)
        .await?;
    forum_article::Entity::delete_by_id(id).exec(conn).await?;
    let heir: Option<i64> = forum_article::Entity::find()
        .select_only()
        .column(forum_article::Column::Id)
        .filter(forum_article::Column::TranslationOf.eq(id))
        .order_by_asc(forum_article::Column::Id)
        .into_tuple()
        .one(conn)
        .await?;
    if let Some(heir) = heir {
        forum_article::Entity::update_many()
            .col_expr(
                forum_article::Column::TranslationOf,
                Expr::value(Option::<i64>::None),
            )
            .filter(forum_article::Column::Id.eq(heir))
            .exec(conn)
            .await?;
        forum_article::Entity::update_many()
            .col_expr(forum_article::Column::TranslationOf, Expr::value(heir))
            .filter(forum_article::Column::TranslationOf.eq(id))
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// An article of a group of translations.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct Translation {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub locale: String,
    pub status: String,
}

/// The articles of the group of translations whose original is `original` (itself
/// included), oldest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn translations(
    conn: &impl ConnectionTrait,
    original: i64,
) -> Result<Vec<Translation>, DbErr> {
    forum_article::Entity::find()
        .select_only()
        .columns([
            forum_article::Column::Id,
            forum_article::Column::Slug,
            forum_article::Column::Title,
            forum_article::Column::Locale,
            forum_article::Column::Status,
        ])
        .filter(
            forum_article::Column::Id
                .eq(original)
                .or(forum_article::Column::TranslationOf.eq(original)),
        )
        .order_by_asc(forum_article::Column::Id)
        .into_model()
        .all(conn)
        .await
}

/// Adds `n` reads to an article (a single atomic increment, no read-modify-write).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn count_views(conn: &impl ConnectionTrait, id: i64, n: i64) -> Result<(), DbErr> {
    forum_article::Entity::update_many()
        .col_expr(
            forum_article::Column::Views,
            Expr::col(forum_article::Column::Views).add(n),
        )
        .filter(forum_article::Column::Id.eq(id))
        .exec(conn)
        .await
        .map(|_| ())
}

/// A reader of articles who votes: a signed-in user, or an anonymous browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Voter {
    /// A signed-in user, one vote per article whatever the browser.
    User(i64),
    /// An anonymous browser, by the random id of its cookie.
    Browser(String),
}

impl Voter {
    fn key(&self) -> String {
        match self {
            Voter::User(id) => format!("u:{id}"),
            Voter::Browser(id) => format!("b:{id}"),
        }
    }
}

/// Records `voter`'s "was this helpful" vote on an article, replacing an earlier one of
/// theirs, and keeps the article's counts in step: a vote is counted once, and a changed
/// vote moves from one count to the other. Returns the counts after it.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn vote(
    conn: &impl ConnectionTrait,
    article_id: i64,
    voter: &Voter,
    helpful: bool,
    now: DateTime<Utc>,
) -> Result<(i64, i64), DbErr> {
    let key = voter.key();
    let inserted = article_vote::Entity::insert(article_vote::ActiveModel {
        article_id: Set(article_id),
        voter: Set(key.clone()),
        helpful: Set(helpful),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([article_vote::Column::ArticleId, article_vote::Column::Voter])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    let column = |helpful: bool| {
        if helpful {
            forum_article::Column::HelpfulYes
        } else {
            forum_article::Column::HelpfulNo
        }
    };
    let mut update = forum_article::Entity::update_many();
    if inserted == 1 {
        update = update.col_expr(column(helpful), Expr::col(column(helpful)).add(1));
    } else {
        // Voted before: change the vote only if it differs (the conditional update also
        // keeps two racing changes from moving the count twice).
        let changed = article_vote::Entity::update_many()
            .col_expr(article_vote::Column::Helpful, Expr::value(helpful))
            .col_expr(article_vote::Column::UpdatedAt, Expr::value(now))
            .filter(article_vote::Column::ArticleId.eq(article_id))
            .filter(article_vote::Column::Voter.eq(key))
            .filter(article_vote::Column::Helpful.eq(!helpful))
            .exec(conn)
            .await?
            .rows_affected;
        if changed == 1 {
            update = update
                .col_expr(column(helpful), Expr::col(column(helpful)).add(1))
                .col_expr(column(!helpful), Expr::col(column(!helpful)).sub(1));
        }
    }
    update
        .filter(forum_article::Column::Id.eq(article_id))
        .exec(conn)
        .await?;
    let counts: Option<(i64, i64)> = forum_article::Entity::find_by_id(article_id)
        .select_only()
        .column(forum_article::Column::HelpfulYes)
        .column(forum_article::Column::HelpfulNo)
        .into_tuple()
        .one(conn)
        .await?;
    counts.ok_or_else(|| DbErr::RecordNotFound(format!("article {article_id}")))
}

/// The vote `voter` gave the article, if any.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn vote_of(
    conn: &impl ConnectionTrait,
    article_id: i64,
    voter: &Voter,
) -> Result<Option<bool>, DbErr> {
    article_vote::Entity::find()
        .select_only()
        .column(article_vote::Column::Helpful)
        .filter(article_vote::Column::ArticleId.eq(article_id))
        .filter(article_vote::Column::Voter.eq(voter.key()))
        .into_tuple()
        .one(conn)
        .await
}

/// A comment with its author.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct CommentView {
    pub id: i64,
    pub article_id: i64,
    pub author_id: i64,
    pub author_name: String,
    pub author_role: String,
    pub body: String,
    pub body_html: String,
    pub created_at: DateTime<Utc>,
    pub hidden_at: Option<DateTime<Utc>>,
}

const COMMENT_SELECT: &str = "SELECT m.id, m.article_id, m.author_id, u.name AS author_name, \
     u.role AS author_role, m.body, m.body_html, m.created_at, m.hidden_at \
     FROM forum_comments m JOIN users u ON u.id = m.author_id";

/// A page of an article's comments, oldest first, after comment `after`; `limit + 1` rows.
/// Hidden comments only with `with_hidden`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn comments(
    conn: &impl ConnectionTrait,
    article_id: i64,
    after: Option<i64>,
    limit: u64,
    with_hidden: bool,
) -> Result<Vec<CommentView>, DbErr> {
    let mut sql = Sql::new(conn.get_database_backend(), COMMENT_SELECT);
    sql.push(" WHERE m.article_id = ").bind(article_id);
    if !with_hidden {
        sql.push(" AND m.hidden_at IS NULL");
    }
    if let Some(after) = after {
        sql.push(" AND m.id > ").bind(after);
    }
    sql.push(" ORDER BY m.id ASC LIMIT ")
        .bind(i64::try_from(limit + 1).unwrap_or(i64::MAX));
    CommentView::find_by_statement(sql.build()).all(conn).await
}

/// Hides comment `id` of article `article_id` (kept, with who hid it and when); `false`
/// when the article has no such comment. Hiding a hidden comment changes nothing.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn hide_comment(
    conn: &impl ConnectionTrait,
    article_id: i64,
    id: i64,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use crate::entity::forum_comment::{Column, Entity};
    let Some(comment) = Entity::find_by_id(id)
        .filter(Column::ArticleId.eq(article_id))
        .one(conn)
        .await?
    else {
        return Ok(false);
    };
    if comment.hidden_at.is_none() {
        Entity::update_many()
            .col_expr(Column::HiddenAt, Some(now).into())
            .col_expr(Column::HiddenBy, Some(by).into())
            .filter(Column::Id.eq(id))
            .filter(Column::HiddenAt.is_null())
            .exec(conn)
            .await?;
    }
    Ok(true)
}

/// Stores a comment and returns it with its author.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert_comment(
    conn: &impl ConnectionTrait,
    article_id: i64,
    author_id: i64,
    body: String,
    body_html: String,
    now: DateTime<Utc>,
) -> Result<Option<CommentView>, DbErr> {
    let row = forum_comment::ActiveModel {
        article_id: Set(article_id),
        author_id: Set(author_id),
        body: Set(body),
        body_html: Set(body_html),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let mut sql = Sql::new(conn.get_database_backend(), COMMENT_SELECT);
    sql.push(" WHERE m.id = ").bind(row.id);
    CommentView::find_by_statement(sql.build()).one(conn).await
}
