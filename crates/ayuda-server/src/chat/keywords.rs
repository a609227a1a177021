//! The bot's keyword tree, managed by admins (agents may read it), and the tree a fresh
//! install starts with.

use ayuda_db::bot_keywords::{self, KeywordFields, KeywordRow};
use ayuda_db::users::UserRow;
use ayuda_db::{ConnectionTrait, DbErr};
use ayuda_domain::markdown;
use ayuda_types::{ArticleStatus, BotKeyword, CreateBotKeyword, Locale, UpdateBotKeyword};
use chrono::Utc;

use crate::auth::{require_admin, require_staff};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The whole tree (agents and admins).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(state: &AppState, user: &UserRow) -> ApiResult<Vec<BotKeyword>> {
    require_staff(user)?;
    let rows = bot_keywords::all(&state.db).await?;
    rows.iter().map(|r| to_wire(r, &rows)).collect()
}

/// Adds a keyword (admins).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn create(
    state: &AppState,
    user: &UserRow,
    input: CreateBotKeyword,
) -> ApiResult<BotKeyword> {
    require_admin(user)?;
    let txn = state.writer.begin().await?;
    let now = Utc::now();
    let fields = checked(
        &txn,
        None,
        Draft {
            parent_id: input.parent_id,
            locale: input.locale,
            keyword: input.keyword,
            aliases: input.aliases,
            response: input.response,
            article_ids: input.article_ids,
            position: input.position,
        },
    )
    .await?;
    let id = bot_keywords::insert(&txn, fields, now).await?;
    adopt(&txn, id, input.locale, &input.follow_ups, now).await?;
    txn.commit().await?;
    read(state, id).await
}

/// Changes a keyword (admins); absent fields stay.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(
    state: &AppState,
    user: &UserRow,
    id: i64,
    input: UpdateBotKeyword,
) -> ApiResult<BotKeyword> {
    require_admin(user)?;
    let txn = state.writer.begin().await?;
    let now = Utc::now();
    let row = bot_keywords::find(&txn, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let locale = input
        .locale
        .unwrap_or_else(|| Locale::parse(&row.locale).unwrap_or(Locale::Es));
    let fields = checked(
        &txn,
        Some(id),
        Draft {
            parent_id: input.parent_id.unwrap_or(row.parent_id),
            locale,
            keyword: input.keyword.unwrap_or(row.keyword.clone()),
            aliases: match input.aliases {
                Some(a) => a,
                None => serde_json::from_str(&row.aliases).unwrap_or_default(),
            },
            response: input.response.unwrap_or(row.response.clone()),
            article_ids: match input.article_ids {
                Some(a) => a,
                None => serde_json::from_str(&row.article_ids).unwrap_or_default(),
            },
            position: Some(input.position.unwrap_or(row.position)),
        },
    )
    .await?;
    bot_keywords::update(&txn, id, fields, now).await?;
    if let Some(follow_ups) = input.follow_ups {
        bot_keywords::release_children(&txn, id, &follow_ups, now).await?;
        adopt(&txn, id, locale, &follow_ups, now).await?;
    }
    txn.commit().await?;
    read(state, id).await
}

/// Deletes a keyword (admins); its follow-ups move up to its parent.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(state: &AppState, user: &UserRow, id: i64) -> ApiResult<()> {
    require_admin(user)?;
    let txn = state.writer.begin().await?;
    let row = bot_keywords::find(&txn, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    bot_keywords::delete(&txn, &row).await?;
    txn.commit().await?;
    Ok(())
}

struct Draft {
    parent_id: Option<i64>,
    locale: Locale,
    keyword: String,
    aliases: Vec<String>,
    response: String,
    article_ids: Vec<i64>,
    position: Option<i32>,
}

/// The stored values of a draft, refusing a parent in another language or below the node
/// itself, unknown articles and unusable aliases.
async fn checked(
    conn: &impl ConnectionTrait,
    id: Option<i64>,
    d: Draft,
) -> ApiResult<KeywordFields> {
    if let Some(parent) = d.parent_id {
        let row = bot_keywords::find(conn, parent)
            .await?
            .ok_or_else(|| ApiError::field("parent_id", "unknown_reference", "is not a keyword"))?;
        if row.locale != d.locale.as_str() {
            return Err(ApiError::field(
                "parent_id",
                "not_allowed",
                "is a keyword of another language",
            ));
        }
        if let Some(me) = id {
            // Walk up from the new parent: meeting the node itself would make a loop.
            let mut at = Some(parent);
            while let Some(node) = at {
                if node == me {
                    return Err(ApiError::field(
                        "parent_id",
                        "not_allowed",
                        "is this keyword or one below it",
                    ));
                }
                at = bot_keywords::find(conn, node)
                    .await?
                    .and_then(|r| r.parent_id);
            }
        }
    }
    let mut aliases = Vec::new();
    for alias in d.aliases {
        let alias = alias.trim().to_owned();
        if alias.is_empty() || alias.chars().count() > 80 || alias.contains('\n') {
            return Err(ApiError::field(
                "aliases",
                "invalid",
                "each must be one line of 1 to 80 characters",
            ));
        }
        aliases.push(alias);
    }
    for article in &d.article_ids {
        let ok = ayuda_db::forum::find_article(conn, *article)
            .await?
            .is_some_and(|a| a.status == ArticleStatus::Published.as_str());
        if !ok {
            return Err(ApiError::field(
                "article_ids",
                "unknown_reference",
                "must name published forum articles",
            ));
        }
    }
    let position = match d.position {
        Some(p) => p,
        None => {
            let siblings = bot_keywords::children(conn, d.locale.as_str(), d.parent_id).await?;
            siblings.iter().map(|s| s.position + 1).max().unwrap_or(0)
        }
    };
    Ok(KeywordFields {
        parent_id: d.parent_id,
        locale: d.locale.as_str(),
        keyword: d.keyword.trim().to_owned(),
        aliases: serde_json::to_string(&aliases).unwrap_or_else(|_| "[]".into()),
        response_html: markdown::render(&d.response),
        response: d.response,
        article_ids: serde_json::to_string(&d.article_ids).unwrap_or_else(|_| "[]".into()),
        position,
    })
}

/// Moves `children` under `parent`, in the order given.
async fn adopt(
    conn: &impl ConnectionTrait,
    parent: i64,
    locale: Locale,
    children: &[i64],
    now: chrono::DateTime<Utc>,
) -> ApiResult<()> {
    for (i, child) in children.iter().enumerate() {
        let row = bot_keywords::find(conn, *child)
            .await?
            .filter(|r| r.locale == locale.as_str() && r.id != parent)
            .ok_or_else(|| {
                ApiError::field(
                    "follow_ups",
                    "unknown_reference",
                    "must name keywords of the same language",
                )
            })?;
        // A follow-up that is an ancestor of the parent would make a loop.
        let mut at = Some(parent);
        while let Some(node) = at {
            if node == row.id {
                return Err(ApiError::field(
                    "follow_ups",
                    "not_allowed",
                    "may not name a keyword above this one",
                ));
            }
            at = bot_keywords::find(conn, node)
                .await?
                .and_then(|r| r.parent_id);
        }
        bot_keywords::set_parent(
            conn,
            row.id,
            Some(parent),
            i32::try_from(i).unwrap_or(0),
            now,
        )
        .await?;
    }
    Ok(())
}

async fn read(state: &AppState, id: i64) -> ApiResult<BotKeyword> {
    let rows = bot_keywords::all(&state.db).await?;
    let row = rows.iter().find(|r| r.id == id).ok_or(ApiError::NotFound)?;
    to_wire(row, &rows)
}

fn to_wire(row: &KeywordRow, all: &[KeywordRow]) -> ApiResult<BotKeyword> {
    Ok(BotKeyword {
        id: row.id,
        keyword: row.keyword.clone(),
        aliases: serde_json::from_str(&row.aliases).unwrap_or_default(),
        response: row.response.clone(),
        response_html: row.response_html.clone(),
        parent_id: row.parent_id,
        follow_ups: all
            .iter()
            .filter(|r| r.parent_id == Some(row.id))
            .map(|r| r.id)
            .collect(),
        locale: ayuda_db::stored::read("bot_keywords.locale", &row.locale, Locale::parse)?,
        article_ids: serde_json::from_str(&row.article_ids).unwrap_or_default(),
        position: row.position,
    })
}

/// A node of a seed tree: keyword, aliases, answer, follow-ups.
pub struct Seed {
    /// Keyword.
    pub keyword: &'static str,
    /// Aliases.
    pub aliases: &'static [&'static str],
    /// Answer, Markdown.
    pub response: &'static str,
    /// Follow-ups.
    pub children: &'static [Seed],
}

/// Stores a tree in `locale`, its top-level nodes after any there.
pub async fn seed(conn: &impl ConnectionTrait, locale: Locale, tree: &[Seed]) -> Result<(), DbErr> {
    let now = Utc::now();
    let mut stack: Vec<(Option<i64>, &[Seed])> = vec![(None, tree)];
    while let Some((parent, nodes)) = stack.pop() {
        for (i, node) in nodes.iter().enumerate() {
            let id = bot_keywords::insert(
                conn,
                KeywordFields {
                    parent_id: parent,
                    locale: locale.as_str(),
                    keyword: node.keyword.to_owned(),
                    aliases: serde_json::to_string(node.aliases).unwrap_or_else(|_| "[]".into()),
                    response: node.response.to_owned(),
                    response_html: markdown::render(node.response),
                    article_ids: "[]".into(),
                    position: i32::try_from(i).unwrap_or(0),
                },
                now,
            )
            .await?;
            if !node.children.is_empty() {
                stack.push((Some(id), node.children));
            }
        }
    }
    Ok(())
}

/// The tree of a fresh install: a few universal topics in each language, for admins to
/// change.
pub const MINIMAL_ES: &[Seed] = &[
    Seed {
        keyword: "Contraseña",
        aliases: &["clave", "acceso", "entrar"],
        response: "Para cambiar tu contraseña entra en **Mi perfil**. Si no puedes entrar, usa **¿Olvidaste tu contraseña?** en la página de acceso y te enviaremos un enlace.",
        children: &[],
    },
    Seed {
        keyword: "Facturación",
        aliases: &["factura", "facturas", "pago", "cobro"],
        response: "Las consultas de facturación las atiende una persona del equipo. Elige **Live Agent Request** o déjanos un ticket con el número de factura.",
        children: &[],
    },
    Seed {
        keyword: "Problema técnico",
        aliases: &["error", "fallo", "no funciona"],
        response: "Cuéntanos qué ocurre en una frase y buscaré en el foro; si no se resuelve, un agente te ayudará.",
        children: &[],
    },
];

/// The English twin of [`MINIMAL_ES`].
pub const MINIMAL_EN: &[Seed] = &[
    Seed {
        keyword: "Password",
        aliases: &["login", "sign in", "access"],
        response: "To change your password open **My profile**. If you cannot sign in, use **Forgot your password?** on the sign-in page and we will email you a link.",
        children: &[],
    },
    Seed {
        keyword: "Billing",
        aliases: &["invoice", "invoices", "payment", "charge"],
        response: "Billing questions are answered by a person of the team. Choose **Live Agent Request** or leave us a ticket with the invoice number.",
        children: &[],
    },
    Seed {
        keyword: "Technical problem",
        aliases: &["error", "bug", "not working"],
        response: "Tell me what happens in one sentence and I will search the forum; if that does not solve it, an agent will help you.",
        children: &[],
    },
];

/// Gives a fresh install its minimal tree (nothing when any keyword exists).
pub async fn ensure_minimal(state: &AppState) -> Result<(), DbErr> {
    let txn = state.writer.begin().await?;
    if !bot_keywords::any(&txn).await? {
        seed(&txn, Locale::Es, MINIMAL_ES).await?;
        seed(&txn, Locale::En, MINIMAL_EN).await?;
    }
    txn.commit().await
}
