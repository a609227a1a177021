//! Email from chats: the transcript when a chat closes, and a batch of the agent's
//! messages to a customer who has been away (at most one per chat every few minutes).

use ayuda_db::chats::{self, ChatChanges};
use ayuda_db::users;
use ayuda_domain::markdown;
use ayuda_mail::{ChatRef, MessageContent, Template};

use super::write::ChatWrite;
use super::{chat_locale, convert};
use crate::error::ApiResult;
use crate::outbound::{link, queue_for_user};
use crate::state::AppState;

/// Queues the transcript of chat `chat_id` to its customer, in the chat's language.
pub(crate) async fn transcript(w: &mut ChatWrite, state: &AppState, chat_id: i64) -> ApiResult<()> {
    let Some(chat) = chats::find(&w.txn, chat_id).await? else {
        return Ok(());
    };
    let Some(customer) = users::find_by_id(&w.txn, chat.customer_id).await? else {
        return Ok(());
    };
    let text = convert::transcript(&w.txn, chat_id, chat_locale(&chat)).await?;
    if text.trim().is_empty() {
        return Ok(());
    }
    let html = markdown::render(&text);
    let chat_link = link(&state.settings, &format!("/chat/{chat_id}"));
    let template = Template::ChatTranscript {
        name: &customer.name,
        chat: ChatRef {
            id: chat_id,
            link: &chat_link,
        },
        transcript: MessageContent {
            text: &text,
            html: &html,
        },
        ticket: chat.ticket_id,
    };
    queue_for_user(&w.txn, &state.settings, &customer, &template).await?;
    w.mailed();
    Ok(())
}

/// Emails chat `chat_id`'s customer the agent messages they have not seen, if they are
/// still away and none was mailed recently (checked again under the lock).
pub(crate) async fn unseen(state: &AppState, chat_id: i64) -> ApiResult<bool> {
    let mut w = ChatWrite::begin(state).await?;
    let Some(chat) = chats::find_for_update(&w.txn, chat_id).await? else {
        return Ok(false);
    };
    let settings = &state.settings;
    let offline_since = w.now - chrono::Duration::seconds(secs(settings.chat_offline_mail_secs));
    let every = w.now - chrono::Duration::seconds(secs(settings.chat_offline_mail_every_secs));
    if chat.customer_seen_at > offline_since || chat.mailed_at.is_some_and(|m| m > every) {
        return Ok(false);
    }
    let after = chat.mailed_seq.max(chat.customer_read_seq);
    let rows = chats::events_after(&w.txn, chat_id, after, 200).await?;
    let unseen: Vec<_> = rows
        .iter()
        .filter(|e| {
            e.kind == super::events::kind::MESSAGE
                && e.author_kind.as_deref() == Some("agent")
                && !e.internal
        })
        .collect();
    let Some(last) = rows.last() else {
        return Ok(false);
    };
    if unseen.is_empty() {
        return Ok(false);
    }
    let Some(customer) = users::find_by_id(&w.txn, chat.customer_id).await? else {
        return Ok(false);
    };
    let text = unseen
        .iter()
        .map(|e| {
            format!(
                "**{}**: {}",
                e.author_name.clone().unwrap_or_default(),
                e.body.clone().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    let html = markdown::render(&text);
    let chat_link = link(settings, &format!("/chat/{chat_id}"));
    let template = Template::ChatUnseen {
        name: &customer.name,
        chat: ChatRef {
            id: chat_id,
            link: &chat_link,
        },
        messages: MessageContent {
            text: &text,
            html: &html,
        },
    };
    queue_for_user(&w.txn, settings, &customer, &template).await?;
    chats::update(
        &w.txn,
        chat_id,
        ChatChanges {
            mailed: Some((last.seq, w.now)),
            ..ChatChanges::default()
        },
        w.now,
    )
    .await?;
    w.mailed();
    w.commit(state).await?;
    Ok(true)
}

fn secs(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX / 1000)
}
