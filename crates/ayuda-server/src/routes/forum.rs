//! `/api/v1/forum`: the public knowledge base. Reading is open to everyone; agents write.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::http::header;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use ayuda_types::{
    Article, ArticleSummary, Comment, CreateArticle, CreateCategory, CreateComment, Feedback,
    FeedbackCounts, ForumCategory, ListArticlesParams, ListCategoriesParams, OldestFirstParams,
    Page, ProblemDetails, UpdateArticle, UpdateCategory,
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::responses::{AgentsOnly, InvalidCursor, InvalidFields, StaffOnly, Unauthorized};
use super::tags;
use crate::auth::secret::random_token;
use crate::auth::{AuthUser, ClientAddr};
use crate::error::{ApiResult, validated};
use crate::forum::{self, Voter};
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(list_categories)
        .service(create_category)
        .service(update_category)
        .service(delete_category)
        .service(list_articles)
        .service(create_article)
        .service(get_article)
        .service(update_article)
        .service(delete_article)
        .service(list_comments)
        .service(hide_comment)
        .service(create_comment)
        .service(give_feedback);
}

/// Forum categories in display order, with their published-article counts, named in the
/// reader's language. Public.
#[utoipa::path(
    tag = tags::FORUM,
    params(ListCategoriesParams),
    responses((status = 200, description = "The categories", body = Vec<ForumCategory>))
)]
#[get("/forum/categories")]
async fn list_categories(
    state: Data<AppState>,
    user: Option<AuthUser>,
    query: Query<ListCategoriesParams>,
) -> ApiResult<Json<Vec<ForumCategory>>> {
    let user = user.map(|u| u.account);
    Ok(Json(
        forum::categories(&state, user.as_ref(), query.into_inner()).await?,
    ))
}

/// Create a category (agents).
#[utoipa::path(
    tag = tags::FORUM,
    security(("bearer" = [])),
    request_body = CreateCategory,
    responses(
        (status = 201, description = "Created", body = ForumCategory),
        (status = 401, response = Unauthorized),
        (status = 403, response = AgentsOnly),
        (status = 409, description = "The slug is taken", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, response = InvalidFields),
    )
)]
#[post("/forum/categories")]
async fn create_category(
    state: Data<AppState>,
    user: AuthUser,
    body: Json<CreateCategory>,
) -> ApiResult<HttpResponse> {
    let category =
        forum::create_category(&state, &user.account, validated(body.into_inner())?).await?;
    Ok(HttpResponse::Created().json(category))
}

/// Rename a category, or change its description or order (agents). The slug stays.
#[utoipa::path(
    tag = tags::FORUM,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Category id")),
    request_body = UpdateCategory,
    responses(
        (status = 200, description = "The category as it is now", body = ForumCategory),
        (status = 401, response = Unauthorized),
        (status = 403, response = AgentsOnly),
        (status = 404, description = "No such category", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, response = InvalidFields),
    )
)]
#[patch("/forum/categories/{id}")]
async fn update_category(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<i64>,
    body: Json<UpdateCategory>,
) -> ApiResult<Json<ForumCategory>> {
    let input = validated(body.into_inner())?;
    Ok(Json(
        forum::update_category(&state, &user.account, id.into_inner(), input).await?,
    ))
}

/// Delete an empty category (agents).
#[utoipa::path(
    tag = tags::FORUM,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Category id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = Unauthorized),
        (status = 403, response = AgentsOnly),
        (status = 404, description = "No such category", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "It still holds articles (drafts included)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/forum/categories/{id}")]
async fn delete_category(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<i64>,
) -> ApiResult<HttpResponse> {
    forum::delete_category(&state, &user.account, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Published articles, newest first; with `q`, a ranked full-text search with highlighted
/// snippets. Public. Agents may list drafts with `status=draft`.
#[utoipa::path(
    tag = tags::FORUM,
    params(ListArticlesParams),
    responses(
        (status = 200, description = "One page of articles", body = Page<ArticleSummary>),
        (status = 400, response = InvalidCursor),
        (status = 403, description = "Drafts are for agents", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Limit out of range", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/forum/articles")]
async fn list_articles(
    state: Data<AppState>,
    user: Option<AuthUser>,
    query: Query<ListArticlesParams>,
) -> ApiResult<Json<Page<ArticleSummary>>> {
    let user = user.map(|u| u.account);
    Ok(Json(
        forum::list(&state, user.as_ref(), query.into_inner()).await?,
    ))
}

/// Write an article (agents), as a draft unless `status` is `published`.
#[utoipa::path(
    tag = tags::FORUM,
    security(("bearer" = [])),
    request_body = CreateArticle,
    responses(
        (status = 201, description = "Created; `Location` names it", body = Article),
        (status = 401, response = Unauthorized),
        (status = 403, response = AgentsOnly),
        (status = 409, description = "The slug is taken", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or unknown category", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/forum/articles")]
async fn create_article(
    state: Data<AppState>,
    user: AuthUser,
    body: Json<CreateArticle>,
) -> ApiResult<HttpResponse> {
    let article = forum::create(&state, &user.account, validated(body.into_inner())?).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/forum/articles/{}", article.summary.slug),
        ))
        .json(article))
}

/// One article with its Markdown and sanitized HTML; counts a view. Public (drafts: agents).
#[utoipa::path(
    tag = tags::FORUM,
    params(("slug" = String, Path, description = "Article slug")),
    responses(
        (status = 200, description = "The article", body = Article),
        (status = 404, description = "No such published article", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/forum/articles/{slug}")]
async fn get_article(
    state: Data<AppState>,
    req: HttpRequest,
    user: Option<AuthUser>,
    client: ClientAddr,
    slug: Path<String>,
) -> ApiResult<Json<Article>> {
    let voter = voter_of(&req, user.as_ref());
    let user = user.map(|u| u.account);
    Ok(Json(
        forum::read(&state, user.as_ref(), voter.as_ref(), &client.0, &slug).await?,
    ))
}

/// Edit, publish or unpublish an article (agents).
#[utoipa::path(
    tag = tags::FORUM,
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "Article slug")),
    request_body = UpdateArticle,
    responses(
        (status = 200, description = "The updated article", body = Article),
        (status = 401, response = Unauthorized),
        (status = 403, response = AgentsOnly),
        (status = 404, description = "No such article", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The new slug is taken", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or unknown category", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/forum/articles/{slug}")]
async fn update_article(
    state: Data<AppState>,
    user: AuthUser,
    slug: Path<String>,
    body: Json<UpdateArticle>,
) -> ApiResult<Json<Article>> {
    let input = validated(body.into_inner())?;
    Ok(Json(
        forum::update(&state, &user.account, &slug, input).await?,
    ))
}

/// Delete an article and its comments (agents).
#[utoipa::path(
    tag = tags::FORUM,
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "Article slug")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = Unauthorized),
        (status = 403, response = AgentsOnly),
        (status = 404, description = "No such article", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/forum/articles/{slug}")]
async fn delete_article(
    state: Data<AppState>,
    user: AuthUser,
    slug: Path<String>,
) -> ApiResult<HttpResponse> {
    forum::delete(&state, &user.account, &slug).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An article's comments, oldest first. Public.
#[utoipa::path(
    tag = tags::FORUM,
    params(("slug" = String, Path, description = "Article slug"), OldestFirstParams),
    responses(
        (status = 200, description = "One page of comments", body = Page<Comment>),
        (status = 404, description = "No such published article", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/forum/articles/{slug}/comments")]
async fn list_comments(
    state: Data<AppState>,
    user: Option<AuthUser>,
    slug: Path<String>,
    query: Query<OldestFirstParams>,
) -> ApiResult<Json<Page<Comment>>> {
    let user = user.map(|u| u.account);
    Ok(Json(
        forum::comments(&state, user.as_ref(), &slug, query.into_inner()).await?,
    ))
}

/// Comment on an article (logged-in users). Markdown, rendered sanitized.
#[utoipa::path(
    tag = tags::FORUM,
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "Article slug")),
    request_body = CreateComment,
    responses(
        (status = 201, description = "Stored", body = Comment),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such published article", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, response = InvalidFields),
        (status = 429, description = "Too many comments (AYUDA_RATE_COMMENT)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/forum/articles/{slug}/comments")]
async fn create_comment(
    state: Data<AppState>,
    user: AuthUser,
    slug: Path<String>,
    body: Json<CreateComment>,
) -> ApiResult<HttpResponse> {
    let input = validated(body.into_inner())?;
    let comment = forum::add_comment(&state, &user.account, &slug, input.body).await?;
    Ok(HttpResponse::Created().json(comment))
}

/// Hide a comment (agents). Readers no longer see it; it is kept with who hid it and when,
/// and agents still see it, marked with `hidden_at`.
#[utoipa::path(
    tag = tags::FORUM,
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "Article slug"),
        ("id" = i64, Path, description = "Comment id"),
    ),
    responses(
        (status = 204, description = "Hidden (or already hidden)"),
        (status = 401, response = Unauthorized),
        (status = 403, response = StaffOnly),
        (status = 404, description = "No such article, or no such comment on it", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/forum/articles/{slug}/comments/{id}")]
async fn hide_comment(
    state: Data<AppState>,
    user: AuthUser,
    path: Path<(String, i64)>,
) -> ApiResult<HttpResponse> {
    let (slug, id) = path.into_inner();
    forum::hide_comment(&state, &user.account, &slug, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// "Was this helpful?" Anyone may vote, once per article: a signed-in reader's vote is theirs
/// in any browser; an anonymous reader's belongs to the browser (the `ayuda_voter` cookie,
/// set with the first vote). Voting again changes the vote. Votes are also rate-limited per
/// client address, so clearing cookies does not stuff the counts.
#[utoipa::path(
    tag = tags::FORUM,
    params(("slug" = String, Path, description = "Article slug")),
    request_body = Feedback,
    responses(
        (status = 200, description = "The counts after the vote", body = FeedbackCounts),
        (status = 404, description = "No such published article", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many votes from this address", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/forum/articles/{slug}/feedback")]
async fn give_feedback(
    state: Data<AppState>,
    req: HttpRequest,
    user: Option<AuthUser>,
    addr: ClientAddr,
    slug: Path<String>,
    body: Json<Feedback>,
) -> ApiResult<HttpResponse> {
    state.limiters.feedback(&addr.0)?;
    let (voter, new_cookie) = match voter_of(&req, user.as_ref()) {
        Some(voter) => (voter, None),
        None => {
            let id = random_token()?;
            (Voter::Browser(id.clone()), Some(voter_cookie(&state, id)))
        }
    };
    let user = user.map(|u| u.account);
    let (helpful_yes, helpful_no) =
        forum::feedback(&state, user.as_ref(), &voter, &slug, body.helpful).await?;
    let mut response = HttpResponse::Ok();
    if let Some(cookie) = new_cookie {
        response.cookie(cookie);
    }
    Ok(response.json(FeedbackCounts {
        helpful_yes,
        helpful_no,
    }))
}

/// The cookie that names an anonymous browser's votes: a random id, nothing else.
const VOTER_COOKIE: &str = "ayuda_voter";

/// Who is voting: the signed-in user, else the browser of a well-formed voter cookie.
fn voter_of(req: &HttpRequest, user: Option<&AuthUser>) -> Option<Voter> {
    if let Some(user) = user {
        return Some(Voter::User(user.id));
    }
    let id = req.cookie(VOTER_COOKIE)?.value().to_owned();
    let well_formed = (16..=62).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    well_formed.then_some(Voter::Browser(id))
}

fn voter_cookie(state: &AppState, id: String) -> Cookie<'static> {
    Cookie::build(VOTER_COOKIE, id)
        .path("/api/v1/forum")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.public_url_is_https())
        .max_age(time::Duration::days(365))
        .finish()
}
