//! Agents' chat presence and capacity, the availability customers see, and the single-use
//! tickets that open WebSockets.

use ayuda_db::chats::{self, PresenceRow};
use ayuda_db::users::{self, UserRow};
use ayuda_types::{AgentPresence, Availability, PresenceStatus, SetPresence, UserRef, WsTicket};
use chrono::Utc;
use serde_json::json;

use super::queue::{self, QueueNow};
use super::write::ChatWrite;
use crate::auth::require_staff;
use crate::auth::secret::{random_token, token_hash};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Seconds a WebSocket ticket stays valid.
pub const WS_TICKET_SECS: u64 = 60;

/// Whether a customer can get a live agent now.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn availability(state: &AppState) -> ApiResult<Availability> {
    let now = Utc::now();
    let queue = QueueNow::read(&state.db, now).await?;
    Ok(queue::availability(&state.db, &state.chat_settings.get(), &queue, now).await?)
}

/// Sets an agent's status (and, for themselves or as an admin for anyone, capacity).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set(state: &AppState, user: &UserRow, input: SetPresence) -> ApiResult<AgentPresence> {
    require_staff(user)?;
    let target = match input.agent_id {
        None => user.id,
        Some(id) if id == user.id => id,
        Some(id) => {
            crate::auth::require_admin(user)?;
            users::find_by_id(&state.db, id)
                .await?
                .filter(users::is_staff)
                .ok_or_else(|| {
                    ApiError::field("agent_id", "unknown_reference", "must be an agent's id")
                })?
                .id
        }
    };
    let mut w = ChatWrite::begin(state).await?;
    let max = i32::try_from(state.settings.chat_max_chats).unwrap_or(3);
    chats::ensure_presence(&w.txn, target, max, w.now).await?;
    let status = match input.status {
        PresenceStatus::Online => "online",
        PresenceStatus::Away => "away",
    };
    let max_chats = input.max_chats.and_then(|m| i32::try_from(m).ok());
    chats::set_presence(&w.txn, target, status, max_chats, w.now).await?;
    w.desk(
        "presence.changed",
        None,
        json!({"agent_id": target, "status": status, "max_chats": max_chats}),
    )
    .await?;
    w.presence_changed();
    w.commit(state).await?;
    let row = chats::presence(&state.db, target)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(to_wire(&row, Utc::now()))
}

/// Every agent's presence and load.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(state: &AppState, user: &UserRow) -> ApiResult<Vec<AgentPresence>> {
    require_staff(user)?;
    let now = Utc::now();
    Ok(chats::presences(&state.db)
        .await?
        .iter()
        .map(|r| to_wire(r, now))
        .collect())
}

fn to_wire(row: &PresenceRow, now: chrono::DateTime<Utc>) -> AgentPresence {
    AgentPresence {
        agent: UserRef {
            id: row.user_id,
            name: row.name.clone(),
        },
        status: if row.status == "online" {
            PresenceStatus::Online
        } else {
            PresenceStatus::Away
        },
        connected: row.connected_until.is_some_and(|u| u > now),
        max_chats: u32::try_from(row.max_chats).unwrap_or(0),
        active_chats: u32::try_from(row.active_chats).unwrap_or(0),
    }
}

/// A single-use ticket for a WebSocket: a chat's (`chat_id`, its participants) or the agent
/// console's (`None`, agents).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ws_ticket(
    state: &AppState,
    user: &UserRow,
    chat_id: Option<i64>,
) -> ApiResult<WsTicket> {
    match chat_id {
        Some(id) => {
            super::visible(&state.db, user, id, false).await?;
        }
        None => {
            require_staff(user)?;
        }
    }
    let token = random_token().map_err(ApiError::Internal)?;
    let expires = Utc::now() + chrono::Duration::seconds(WS_TICKET_SECS as i64);
    chats::insert_ws_ticket(
        &state.writer,
        &token_hash(&token),
        user.id,
        chat_id,
        expires,
    )
    .await?;
    Ok(WsTicket {
        ticket: token,
        expires_in: WS_TICKET_SECS,
    })
}
