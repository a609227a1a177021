//! The forum / knowledge base: categories, articles, comments, feedback (SPEC section 4).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::{Author, Locale, UserRef};

/// Whether readers can see an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    /// Seen by agents only.
    Draft,
    /// Public.
    Published,
}

impl ArticleStatus {
    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::Published => "published",
        }
    }

    /// Parses the wire and database name.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "draft" => Some(ArticleStatus::Draft),
            "published" => Some(ArticleStatus::Published),
            _ => None,
        }
    }
}

/// A category's name and description in one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryText {
    /// Name.
    #[validate(
        length(min = 1, max = 80, message = "must be 1 to 80 characters"),
        custom(function = "crate::validate::single_line")
    )]
    pub name: String,
    /// What it holds.
    #[serde(default)]
    #[validate(length(max = 500, message = "must be at most 500 characters"))]
    pub description: String,
}

/// A category's texts per language; readers of a language without them see the base texts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryTranslations {
    /// Spanish.
    #[validate(nested)]
    pub es: Option<CategoryText>,
    /// English.
    #[validate(nested)]
    pub en: Option<CategoryText>,
}

impl CategoryTranslations {
    /// The text in `locale`, if written.
    pub fn get(&self, locale: Locale) -> Option<&CategoryText> {
        match locale {
            Locale::Es => self.es.as_ref(),
            Locale::En => self.en.as_ref(),
        }
    }
}

/// A forum category (`GET /api/v1/forum/categories`). `name` and `description` are in the
/// reader's language where the category has them (`locale` says so), else the base texts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForumCategory {
    /// Stable id.
    pub id: i64,
    /// URL name.
    pub slug: String,
    /// Name, in the reader's language where it has one.
    pub name: String,
    /// What it holds, in the same language as `name`.
    pub description: String,
    /// The language of `name` and `description`; `null` for the base texts.
    pub locale: Option<Locale>,
    /// The stored base name (shown where no translation exists), for editing.
    pub base_name: String,
    /// The stored base description, for editing.
    pub base_description: String,
    /// The stored texts per language, for editing.
    pub translations: CategoryTranslations,
    /// Published articles in it (in the reader's language when the list is asked with
    /// `lang`).
    pub article_count: i64,
}

/// `GET /api/v1/forum/categories` query.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ListCategoriesParams {
    /// The reader's language: names and descriptions in it, and article counts of what a
    /// reader of it is shown (see `lang` of the article list). Default: the signed-in
    /// user's language, else the site's.
    pub lang: Option<Locale>,
}

/// `POST /api/v1/forum/categories` (agents).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateCategory {
    /// Base name, shown where no translation exists; the slug is made from it.
    #[validate(
        length(min = 1, max = 80, message = "must be 1 to 80 characters"),
        custom(function = "crate::validate::single_line")
    )]
    pub name: String,
    /// URL name; made from the name when left out.
    #[validate(custom(function = "crate::validate::slug"))]
    pub slug: Option<String>,
    /// Base description.
    #[serde(default)]
    #[validate(length(max = 1000, message = "must be at most 1000 characters"))]
    pub description: String,
    /// Names and descriptions per language.
    #[serde(default)]
    #[validate(nested)]
    pub translations: CategoryTranslations,
    /// Order among categories (smaller first).
    #[serde(default)]
    pub position: i32,
}

/// `PATCH /api/v1/forum/categories/{id}` (agents): what is given changes. The slug stays,
/// so links to the category keep working.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateCategory {
    /// New base name.
    #[validate(
        length(min = 1, max = 80, message = "must be 1 to 80 characters"),
        custom(function = "crate::validate::single_line")
    )]
    pub name: Option<String>,
    /// New base description.
    #[validate(length(max = 1000, message = "must be at most 1000 characters"))]
    pub description: Option<String>,
    /// Replaces the texts per language (a language left out has none after).
    #[validate(nested)]
    pub translations: Option<CategoryTranslations>,
    /// New order among categories (smaller first).
    pub position: Option<i32>,
}

/// The category an article is in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryRef {
    /// Category id.
    pub id: i64,
    /// URL name.
    pub slug: String,
    /// Name.
    pub name: String,
}

/// An article in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleSummary {
    /// Stable id.
    pub id: i64,
    /// URL name (`/api/v1/forum/articles/{slug}`).
    pub slug: String,
    /// Title.
    pub title: String,
    /// The start of the text, without markup.
    pub excerpt: String,
    /// For search results: the matching passage, HTML-escaped, matches in `<mark>`.
    pub snippet_html: Option<String>,
    /// Category.
    pub category: CategoryRef,
    /// Language it is written in.
    pub locale: Locale,
    /// Draft or published.
    pub status: ArticleStatus,
    /// Who wrote it.
    pub author: UserRef,
    /// Times read.
    pub views: i64,
    /// "Was this helpful?" yes votes.
    pub helpful_yes: i64,
    /// "Was this helpful?" no votes.
    pub helpful_no: i64,
    /// When it was first published.
    pub published_at: Option<DateTime<Utc>>,
    /// Last edit.
    pub updated_at: DateTime<Utc>,
    /// The article this one translates (the first of its group of translations); `null`
    /// for an original.
    pub translation_of: Option<i64>,
}

/// Another language's version of an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleTranslation {
    /// Stable id.
    pub id: i64,
    /// URL name.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Its language.
    pub locale: Locale,
}

/// A whole article (`GET /api/v1/forum/articles/{slug}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Article {
    /// Everything the list shows.
    #[serde(flatten)]
    pub summary: ArticleSummary,
    /// Markdown as written.
    pub body: String,
    /// `body` rendered to sanitized HTML.
    pub body_html: String,
    /// The reader's own "was this helpful" vote (signed in: theirs; anonymous: this
    /// browser's), `null` before they vote.
    #[serde(default)]
    pub my_vote: Option<bool>,
    /// The same article in other languages (published ones; drafts too for agents).
    #[serde(default)]
    pub translations: Vec<ArticleTranslation>,
}

/// `POST /api/v1/forum/articles` (agents).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateArticle {
    /// Title.
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        custom(function = "crate::validate::single_line")
    )]
    pub title: String,
    /// Markdown.
    #[validate(
        length(min = 1, max = 200000, message = "must be 1 to 200000 characters"),
        custom(function = "crate::validate::not_blank")
    )]
    pub body: String,
    /// Category id.
    pub category_id: i64,
    /// URL name; made from the title when left out.
    #[validate(custom(function = "crate::validate::slug"))]
    pub slug: Option<String>,
    /// Language; the author's when left out.
    pub locale: Option<Locale>,
    /// `draft` (default) or `published`.
    pub status: Option<ArticleStatus>,
    /// Id of the article this one translates (in another language).
    #[serde(default)]
    pub translation_of: Option<i64>,
}

/// `PATCH /api/v1/forum/articles/{slug}` (agents).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateArticle {
    /// New title.
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        custom(function = "crate::validate::single_line")
    )]
    pub title: Option<String>,
    /// New Markdown.
    #[validate(
        length(min = 1, max = 200000, message = "must be 1 to 200000 characters"),
        custom(function = "crate::validate::not_blank")
    )]
    pub body: Option<String>,
    /// New category.
    pub category_id: Option<i64>,
    /// New URL name.
    #[validate(custom(function = "crate::validate::slug"))]
    pub slug: Option<String>,
    /// New language.
    pub locale: Option<Locale>,
    /// Publish or unpublish.
    pub status: Option<ArticleStatus>,
    /// Id of the article this one translates; `null` makes it an original again.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::double_option"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub translation_of: Option<Option<i64>>,
}

/// `GET /api/v1/forum/articles` query.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ListArticlesParams {
    /// Full-text search over titles and bodies; results ranked by relevance.
    pub q: Option<String>,
    /// Only articles in the category with this slug.
    pub category: Option<String>,
    /// Only articles in this language.
    pub locale: Option<Locale>,
    /// The reader's language: articles in it, and those in another language that have no
    /// translation into it (their `locale` tells them apart).
    pub lang: Option<Locale>,
    /// `draft` lists drafts (agents only); published articles otherwise.
    pub status: Option<ArticleStatus>,
    /// Items per page, 1 to 100 (default 25).
    pub limit: Option<u64>,
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// A comment on an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comment {
    /// Stable id.
    pub id: i64,
    /// Who wrote it.
    pub author: Author,
    /// Markdown as written.
    pub body: String,
    /// Sanitized HTML.
    pub body_html: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When staff hid it; only staff see hidden comments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_at: Option<DateTime<Utc>>,
}

/// `POST /api/v1/forum/articles/{slug}/comments`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateComment {
    /// Markdown.
    #[validate(
        length(min = 1, max = 10000, message = "must be 1 to 10000 characters"),
        custom(function = "crate::validate::not_blank")
    )]
    pub body: String,
}

/// `POST /api/v1/forum/articles/{slug}/feedback`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Feedback {
    /// Whether the article helped.
    pub helpful: bool,
}

/// The votes after a feedback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackCounts {
    /// Yes votes.
    pub helpful_yes: i64,
    /// No votes.
    pub helpful_no: i64,
}
