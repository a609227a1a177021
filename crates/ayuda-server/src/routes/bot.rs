//! `/api/v1/bot/keywords`: the chat bot's keyword tree (admins manage it; agents read it).

use actix_web::http::header;
use actix_web::web::{Data, Json, Path};
use actix_web::{HttpResponse, delete, get, patch, post};
use ayuda_types::{BotKeyword, CreateBotKeyword, UpdateBotKeyword};
use utoipa_actix_web::service_config::ServiceConfig;

use super::responses::{AdminsOnly, InvalidFields, StaffOnly, Unauthorized};
use super::tags;
use crate::auth::AuthUser;
use crate::chat::keywords;
use crate::error::{ApiResult, validated};
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(list_keywords)
        .service(create_keyword)
        .service(update_keyword)
        .service(delete_keyword);
}

/// The whole keyword tree, both languages: each keyword with its aliases, answer, linked
/// articles and `follow_ups` (its child keywords); those without a parent form the
/// greeting (agents and admins).
#[utoipa::path(
    tag = tags::CHAT,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The tree, by language, parent and position", body = Vec<BotKeyword>),
        (status = 401, response = Unauthorized),
        (status = 403, response = StaffOnly),
    )
)]
#[get("/bot/keywords")]
async fn list_keywords(state: Data<AppState>, user: AuthUser) -> ApiResult<Json<Vec<BotKeyword>>> {
    Ok(Json(keywords::list(&state, &user.account).await?))
}

/// Add a keyword (admins). Its answer is Markdown, sanitized when shown; `follow_ups`
/// moves existing keywords under it.
#[utoipa::path(
    tag = tags::CHAT,
    security(("bearer" = [])),
    request_body = CreateBotKeyword,
    responses(
        (status = 201, description = "Added", body = BotKeyword),
        (status = 401, response = Unauthorized),
        (status = 403, response = AdminsOnly),
        (status = 422, response = InvalidFields),
    )
)]
#[post("/bot/keywords")]
async fn create_keyword(
    state: Data<AppState>,
    user: AuthUser,
    body: Json<CreateBotKeyword>,
) -> ApiResult<HttpResponse> {
    let input = validated(body.into_inner())?;
    let keyword = keywords::create(&state, &user.account, input).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/bot/keywords/{}", keyword.id),
        ))
        .json(keyword))
}

/// Change a keyword (admins); absent fields stay. `follow_ups` replaces its children
/// (those left out become top-level).
#[utoipa::path(
    tag = tags::CHAT,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Keyword id")),
    request_body = UpdateBotKeyword,
    responses(
        (status = 200, description = "Changed", body = BotKeyword),
        (status = 401, response = Unauthorized),
        (status = 403, response = AdminsOnly),
        (status = 404, description = "No such keyword", body = ayuda_types::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, response = InvalidFields),
    )
)]
#[patch("/bot/keywords/{id}")]
async fn update_keyword(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<i64>,
    body: Json<UpdateBotKeyword>,
) -> ApiResult<Json<BotKeyword>> {
    let input = validated(body.into_inner())?;
    Ok(Json(
        keywords::update(&state, &user.account, id.into_inner(), input).await?,
    ))
}

/// Delete a keyword (admins); its follow-ups move up to its parent.
#[utoipa::path(
    tag = tags::CHAT,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Keyword id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = Unauthorized),
        (status = 403, response = AdminsOnly),
        (status = 404, description = "No such keyword", body = ayuda_types::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/bot/keywords/{id}")]
async fn delete_keyword(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<i64>,
) -> ApiResult<HttpResponse> {
    keywords::delete(&state, &user.account, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
