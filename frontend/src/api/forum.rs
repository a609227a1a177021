//! The forum: categories, articles, feedback and comments.

use ayuda_types::{
    Article, ArticleSummary, Comment, CreateArticle, CreateCategory, CreateComment, Feedback,
    FeedbackCounts, ForumCategory, Locale, Page, UpdateArticle, UpdateCategory,
};

use super::{ApiResult, delete, enc, get, patch, post};
use crate::format::{Query, query};

/// `GET /forum/categories`, named in `locale`.
pub async fn categories(locale: Locale) -> ApiResult<Vec<ForumCategory>> {
    get(&format!("/forum/categories?lang={}", locale.as_str())).await
}

/// `POST /forum/categories`.
pub async fn create_category(request: &CreateCategory) -> ApiResult<ForumCategory> {
    post("/forum/categories", request).await
}

/// `PATCH /forum/categories/{id}`.
pub async fn update_category(id: i64, change: &UpdateCategory) -> ApiResult<ForumCategory> {
    patch(&format!("/forum/categories/{id}"), change).await
}

/// `DELETE /forum/categories/{id}`.
pub async fn delete_category(id: i64) -> ApiResult<()> {
    delete(&format!("/forum/categories/{id}")).await
}

/// `GET /forum/articles` with filters (`q`, `category`, `lang`, `status`, `limit`, `cursor`).
pub async fn articles(filters: Query<'_>) -> ApiResult<Page<ArticleSummary>> {
    get(&format!("/forum/articles{}", query(filters))).await
}

/// `GET /forum/articles/{slug}`.
pub async fn article(slug: &str) -> ApiResult<Article> {
    get(&format!("/forum/articles/{}", enc(slug))).await
}

/// `POST /forum/articles`.
pub async fn create_article(request: &CreateArticle) -> ApiResult<Article> {
    post("/forum/articles", request).await
}

/// `PATCH /forum/articles/{slug}`.
pub async fn update_article(slug: &str, change: &UpdateArticle) -> ApiResult<Article> {
    patch(&format!("/forum/articles/{}", enc(slug)), change).await
}

/// `DELETE /forum/articles/{slug}`.
pub async fn delete_article(slug: &str) -> ApiResult<()> {
    delete(&format!("/forum/articles/{}", enc(slug))).await
}

/// `POST /forum/articles/{slug}/feedback`: helpful or not.
pub async fn feedback(slug: &str, helpful: bool) -> ApiResult<FeedbackCounts> {
    post(
        &format!("/forum/articles/{}/feedback", enc(slug)),
        &Feedback { helpful },
    )
    .await
}

/// The first 100 comments of an article.
pub async fn comments(slug: &str) -> ApiResult<Page<Comment>> {
    get(&format!("/forum/articles/{}/comments?limit=100", enc(slug))).await
}

/// `POST /forum/articles/{slug}/comments`.
pub async fn comment(slug: &str, request: &CreateComment) -> ApiResult<Comment> {
    post(&format!("/forum/articles/{}/comments", enc(slug)), request).await
}

/// `DELETE /forum/articles/{slug}/comments/{id}`.
pub async fn delete_comment(slug: &str, id: i64) -> ApiResult<()> {
    delete(&format!("/forum/articles/{}/comments/{id}", enc(slug))).await
}
