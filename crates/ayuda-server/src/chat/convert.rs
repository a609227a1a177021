//! A chat becomes a ticket: channel `chat`, the transcript as its description, linked both
//! ways, and the customer's usual "ticket received" email with the number.

use ayuda_db::chats::{self, ChatChanges, ChatView};
use ayuda_db::users::{self, UserRow};
use ayuda_db::{ConnectionTrait, DbErr};
use ayuda_domain::chat::Move;
use ayuda_types::{AuthorKind, Channel, ChatToTicket, Locale};
use chrono::{DateTime, Utc};
use serde_json::json;

use super::events::kind;
use super::moves::{begin, rule, transition};
use super::write::ChatWrite;
use super::{Side, chat_locale};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tickets::{Body, Opening};

/// Characters of a transcript kept in a ticket's description (the API's limit).
const TRANSCRIPT_MAX_CHARS: usize = 100_000;

/// The chat's messages as Markdown: who, when, what (internal notes left out).
pub async fn transcript(
    conn: &impl ConnectionTrait,
    chat_id: i64,
    locale: Locale,
) -> Result<String, DbErr> {
    let rows = chats::transcript(conn, chat_id).await?;
    let mut out = String::new();
    for row in rows {
        let who = match (row.author_kind.as_deref(), &row.author_name) {
            (Some("bot"), _) => if locale == Locale::Es {
                "Asistente"
            } else {
                "Assistant"
            }
            .to_owned(),
            (Some("system"), _) => "Ayuda".to_owned(),
            (_, Some(name)) => name.clone(),
            _ => "?".to_owned(),
        };
        out.push_str(&format!(
            "**{}** ({}):\n{}\n\n",
            who,
            row.created_at.format("%Y-%m-%d %H:%M UTC"),
            row.body.unwrap_or_default().trim()
        ));
    }
    if out.chars().count() > TRANSCRIPT_MAX_CHARS {
        out = out.chars().take(TRANSCRIPT_MAX_CHARS).collect();
    }
    Ok(out)
}

/// Opens the ticket of `chat` inside the write and links both; returns its number.
pub(crate) async fn to_ticket(
    w: &mut ChatWrite,
    state: &AppState,
    chat: &ChatView,
    agent: Option<&UserRow>,
    title: Option<String>,
    type_id: Option<i64>,
) -> ApiResult<i64> {
    if let Some(existing) = chat.ticket_id {
        return Ok(existing);
    }
    let customer = users::find_by_id(&w.txn, chat.customer_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let locale = chat_locale(chat);
    let type_id = match type_id {
        Some(id) if ayuda_db::ticket_types::is_active(&w.txn, id).await? => id,
        Some(_) => {
            return Err(ApiError::field(
                "type_id",
                "unknown_reference",
                "is not an active ticket type",
            ));
        }
        None => crate::intake::threading::email_ticket_type(&w.txn).await?,
    };
    let title = match title {
        Some(t) => t.trim().to_owned(),
        None => default_title(&w.txn, chat, locale, w.now).await?,
    };
    let description = transcript(&w.txn, chat.id, locale).await?;
    let opened = crate::tickets::open_ticket(
        &w.txn,
        state,
        &customer,
        Opening {
            ticket: ayuda_db::tickets::NewTicket {
                title,
                type_id,
                requester_id: customer.id,
                channel: Channel::Chat,
                parent_id: None,
            },
            body: Body::markdown(&description),
            attachment_ids: Vec::new(),
            tell_requester: true,
            author_id: agent.map(|a| a.id),
        },
        w.now,
    )
    .await?;
    chats::link_ticket(&w.txn, opened.number, chat.id).await?;
    chats::update(
        &w.txn,
        chat.id,
        ChatChanges {
            ticket_id: Some(opened.number),
            ..ChatChanges::default()
        },
        w.now,
    )
    .await?;
    w.fact(
        chat.id,
        kind::TICKET,
        json!({"ticket": {"id": opened.number, "number": opened.number}}),
    )
    .await?;
    w.mailed();
    Ok(opened.number)
}

/// The customer's first words, else "Chat #id".
async fn default_title(
    conn: &impl ConnectionTrait,
    chat: &ChatView,
    locale: Locale,
    _now: DateTime<Utc>,
) -> Result<String, DbErr> {
    let first = chats::transcript(conn, chat.id)
        .await?
        .into_iter()
        .find(|e| e.author_kind.as_deref() == Some(AuthorKind::Customer.as_str()))
        .and_then(|e| e.body)
        .map(|b| ayuda_domain::markdown::excerpt(&b, 80))
        .filter(|t| !t.trim().is_empty());
    Ok(first.unwrap_or_else(|| {
        if locale == Locale::Es {
            format!("Chat n.º {}", chat.id)
        } else {
            format!("Chat #{}", chat.id)
        }
    }))
}

/// `POST /chats/{id}/ticket`: an agent turns the chat into a ticket, closing it unless
/// `close_chat` is false.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_agent(
    state: &AppState,
    user: &UserRow,
    id: i64,
    input: ChatToTicket,
) -> ApiResult<i64> {
    let (mut w, chat, side) = begin(state, user, id).await?;
    if side != Side::Staff {
        return Err(ApiError::Forbidden);
    }
    let keep_open = !input.close_chat.unwrap_or(true);
    let after = rule(&chat, Move::Ticket { keep_open })?;
    if chat.ticket_id.is_some() && keep_open {
        return Err(ApiError::conflict(
            "chat_state",
            format!(
                "this chat is ticket {} already",
                chat.ticket_id.unwrap_or_default()
            ),
        ));
    }
    let number = to_ticket(&mut w, state, &chat, Some(user), input.title, input.type_id).await?;
    w.message(
        id,
        &super::write::Author::system(),
        &super::texts::ticket_left(chat_locale(&chat), number),
        json!({"ticket": {"id": number, "number": number}}),
        None,
        false,
    )
    .await?;
    if !keep_open {
        let chat = ChatView {
            ticket_id: Some(number),
            ..chat
        };
        transition(&mut w, state, &chat, after).await?;
    }
    w.commit(state).await?;
    Ok(number)
}
