//! The keyword bot: what it offers (the keyword tree's choices and the fixed ones), and
//! how it answers a customer's text or button — a keyword's answer with its follow-ups,
//! a move (a human, restart, leave a ticket), or, when nothing matches, the forum's best
//! three articles for the text.

use ayuda_db::bot_keywords::{self, KeywordRow};
use ayuda_db::chats::{ChatChanges, ChatView};
use ayuda_db::forum::{self, ArticleFilter};
use ayuda_db::{ConnectionTrait, DbErr};
use ayuda_domain::chat::{Choice, Pick, pick};
use ayuda_types::{ArticleStatus, ChatState, Locale};
use serde_json::{Value, json};

use super::queue::QueueNow;
use super::write::{Author, ChatWrite};
use super::{chat_locale, moves, texts};
use crate::error::ApiResult;
use crate::state::AppState;

/// Misses in a row after which the bot offers a human.
const MISSES_BEFORE_HUMAN: i32 = 2;

/// A fixed choice (`live_agent`, `human`, `resume_bot`, `restart`, `leave_ticket`,
/// `keep_waiting`) as the event shows it.
pub fn fixed(locale: Locale, id: &str) -> Value {
    json!({"id": id, "label": texts::label(locale, id)})
}

fn keyword_choice(row: &KeywordRow) -> Value {
    json!({"id": row.id.to_string(), "label": row.keyword})
}

/// The keywords under `node` (the greeting's when `None`) and "Chatear con un humano" and
/// "Restart".
pub async fn menu(
    conn: &impl ConnectionTrait,
    locale: Locale,
    node: Option<i64>,
) -> Result<Value, DbErr> {
    let mut choices: Vec<Value> = bot_keywords::children(conn, locale.as_str(), node)
        .await?
        .iter()
        .map(keyword_choice)
        .collect();
    choices.push(fixed(locale, "human"));
    if node.is_some() {
        choices.push(fixed(locale, "restart"));
    }
    Ok(Value::Array(choices))
}

/// What a waiting customer may choose.
pub fn waiting_choices(locale: Locale) -> Value {
    json!([fixed(locale, "resume_bot"), fixed(locale, "leave_ticket")])
}

/// What the customer said, understood.
enum Turn {
    Node(KeywordRow),
    Human,
    Restart,
    ResumeBot,
    LeaveTicket,
    KeepWaiting,
    Nothing,
}

async fn understand(
    conn: &impl ConnectionTrait,
    chat: &ChatView,
    text: &str,
    choice_id: Option<&str>,
) -> Result<Turn, DbErr> {
    match choice_id {
        Some("live_agent" | "human") => return Ok(Turn::Human),
        Some("restart") => return Ok(Turn::Restart),
        Some("resume_bot") => return Ok(Turn::ResumeBot),
        Some("leave_ticket") => return Ok(Turn::LeaveTicket),
        Some("keep_waiting") => return Ok(Turn::KeepWaiting),
        Some(id) => {
            if let Ok(id) = id.parse::<i64>()
                && let Some(node) = bot_keywords::find(conn, id).await?
                && node.locale == chat.locale
            {
                return Ok(Turn::Node(node));
            }
            return Ok(Turn::Nothing);
        }
        None => {}
    }
    // The choices on screen first, then the greeting's (a customer may name any topic).
    let mut levels = vec![chat.bot_node_id];
    if chat.bot_node_id.is_some() {
        levels.push(None);
    }
    for level in levels {
        let rows = bot_keywords::children(conn, &chat.locale, level).await?;
        let words: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                let mut w = vec![r.keyword.clone()];
                w.extend(serde_json::from_str::<Vec<String>>(&r.aliases).unwrap_or_default());
                w
            })
            .collect();
        let refs: Vec<Vec<&str>> = words
            .iter()
            .map(|w| w.iter().map(String::as_str).collect())
            .collect();
        let choices: Vec<Choice<'_>> = rows
            .iter()
            .zip(&refs)
            .map(|(r, k)| Choice {
                id: r.id,
                keywords: k,
            })
            .collect();
        match pick(text, &choices) {
            Pick::Human => return Ok(Turn::Human),
            Pick::Restart => return Ok(Turn::Restart),
            Pick::Choice(id) => {
                if let Some(row) = rows.into_iter().find(|r| r.id == id) {
                    return Ok(Turn::Node(row));
                }
            }
            Pick::Nothing => {}
        }
    }
    Ok(Turn::Nothing)
}

/// Answers the customer's message in a chat the bot serves (or a button while waiting).
pub(crate) async fn respond(
    w: &mut ChatWrite,
    state: &AppState,
    chat: &ChatView,
    text: &str,
    choice_id: Option<&str>,
) -> ApiResult<()> {
    let started = std::time::Instant::now();
    let locale = chat_locale(chat);
    let waiting = chat.state == ChatState::Waiting.as_str();
    let turn = understand(&w.txn, chat, text, choice_id).await?;
    // While waiting without the bot, only buttons and universal words do something.
    if waiting && !chat.bot_active && matches!(turn, Turn::Node(_) | Turn::Nothing) {
        return Ok(());
    }
    match turn {
        Turn::Human => moves::ask_for_agent(w, state, chat).await?,
        Turn::Restart => moves::restart_in(w, state, chat).await?,
        Turn::ResumeBot if waiting => moves::resume(w, state, chat, false).await?,
        Turn::ResumeBot => {
            chats_update(w, chat, None, 0).await?;
            let choices = menu(&w.txn, locale, None).await?;
            w.message(
                chat.id,
                &Author::bot(),
                &texts::menu(locale),
                json!({"choices": choices}),
                None,
                false,
            )
            .await?;
        }
        Turn::LeaveTicket => {
            moves::leave_ticket_in(w, state, chat, None).await?;
        }
        Turn::KeepWaiting => {
            let position = QueueNow::read(&w.txn, w.now)
                .await?
                .info(chat.id)
                .map_or(0, |q| q.position);
            w.message(
                chat.id,
                &Author::bot(),
                &texts::keep_waiting(locale, position),
                json!({"choices": waiting_choices(locale)}),
                None,
                false,
            )
            .await?;
        }
        Turn::Node(node) => answer_node(w, state, chat, &node, waiting).await?,
        Turn::Nothing => answer_from_forum(w, state, chat, text, waiting).await?,
    }
    metrics::histogram!("ayuda_chat_bot_answer_seconds").record(started.elapsed().as_secs_f64());
    Ok(())
}

async fn chats_update(
    w: &ChatWrite,
    chat: &ChatView,
    node: Option<i64>,
    misses: i32,
) -> Result<(), DbErr> {
    ayuda_db::chats::update(
        &w.txn,
        chat.id,
        ChatChanges {
            bot_node_id: Some(node),
            bot_misses: Some(misses),
            ..ChatChanges::default()
        },
        w.now,
    )
    .await
}

/// After an answer: its follow-ups, then "Live Agent Request" and "Resume Chat With Bot"
/// (while waiting, the place is already kept: "Restart" instead of asking again).
async fn answer_node(
    w: &mut ChatWrite,
    state: &AppState,
    chat: &ChatView,
    node: &KeywordRow,
    waiting: bool,
) -> ApiResult<()> {
    let locale = chat_locale(chat);
    let mut choices: Vec<Value> = bot_keywords::children(&w.txn, &chat.locale, Some(node.id))
        .await?
        .iter()
        .map(keyword_choice)
        .collect();
    if waiting {
        choices.push(fixed(locale, "restart"));
    } else {
        choices.push(fixed(locale, "live_agent"));
        choices.push(fixed(locale, "resume_bot"));
    }
    let ids: Vec<i64> = serde_json::from_str(&node.article_ids).unwrap_or_default();
    let links = article_links(w, &state.settings.public_url(), &ids).await?;
    chats_update(w, chat, Some(node.id), 0).await?;
    w.message(
        chat.id,
        &Author::bot(),
        &node.response,
        json!({"choices": choices, "links": links, "keyword_id": node.id}),
        None,
        false,
    )
    .await?;
    Ok(())
}

/// Links to the published articles among `ids`.
async fn article_links(w: &ChatWrite, base: &str, ids: &[i64]) -> Result<Vec<Value>, DbErr> {
    let mut links = Vec::new();
    for id in ids {
        if let Some(a) = forum::find_article(&w.txn, *id).await?
            && a.status == ArticleStatus::Published.as_str()
        {
            links.push(json!({"title": a.title, "slug": a.slug, "url": format!("{base}/forum/{}", a.slug)}));
        }
    }
    Ok(links)
}

/// Nothing matched: the forum's three best published articles for the text, and after two
/// misses in a row an offer of a human.
async fn answer_from_forum(
    w: &mut ChatWrite,
    state: &AppState,
    chat: &ChatView,
    text: &str,
    waiting: bool,
) -> ApiResult<()> {
    let locale = chat_locale(chat);
    let terms = ayuda_domain::search::terms(text);
    let filter = ArticleFilter {
        status: ArticleStatus::Published.as_str(),
        category_id: None,
        locale: None,
        shown_in: Some(locale.as_str()),
    };
    let hits = crate::forum::search_articles(state, &filter, &terms, None, 3).await?;
    let links: Vec<Value> = hits
        .iter()
        .take(3)
        .map(|(a, _, _)| {
            json!({"title": a.title, "slug": a.slug, "url": format!("{}/forum/{}", state.settings.public_url(), a.slug)})
        })
        .collect();
    let misses = chat.bot_misses + 1;
    let mut body = texts::no_match(locale, !links.is_empty());
    for link in &links {
        body.push_str(&format!(
            "\n- [{}]({})",
            link["title"].as_str().unwrap_or_default(),
            link["url"].as_str().unwrap_or_default()
        ));
    }
    let mut choices = menu(&w.txn, locale, chat.bot_node_id).await?;
    if misses >= MISSES_BEFORE_HUMAN && !waiting {
        body.push_str("\n\n");
        body.push_str(&texts::offer_human(locale));
        choices = json!([fixed(locale, "live_agent"), fixed(locale, "restart")]);
    }
    chats_update(w, chat, chat.bot_node_id, misses).await?;
    w.message(
        chat.id,
        &Author::bot(),
        &body,
        json!({"choices": choices, "links": links}),
        None,
        false,
    )
    .await?;
    Ok(())
}
