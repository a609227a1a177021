//! Live chat (`CHAT.md`): chats, their events, the queue, the bot's keyword tree, and the
//! WebSocket frames.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::{Locale, UserRef};

/// Version of the event format (`"v"` of every frame).
pub const EVENT_VERSION: u8 = 1;

/// Longest message a customer (or agent) may send, in characters.
pub const CHAT_MESSAGE_MAX_CHARS: u64 = 4000;

wire_enum! {
    /// Where a chat is.
    ChatState {
        /// The bot answers.
        Bot = "bot",
        /// In the queue for a live agent.
        Waiting = "waiting",
        /// A live agent has it.
        Active = "active",
        /// Over.
        Closed = "closed",
    }
}

wire_enum! {
    /// Why a chat closed.
    CloseReason {
        /// The agent solved it.
        Resolved = "resolved",
        /// The customer ended it.
        CustomerClosed = "customer_closed",
        /// The customer went away while waiting.
        Abandoned = "abandoned",
        /// The customer was silent too long with an agent.
        Inactive = "inactive",
        /// Nobody wrote to the bot for too long.
        BotIdle = "bot_idle",
        /// No agent took it: a ticket was left instead.
        NoAgent = "no_agent",
        /// An agent turned it into a ticket.
        ConvertedToTicket = "converted_to_ticket",
    }
}

wire_enum! {
    /// Who wrote a chat message.
    AuthorKind {
        /// The customer.
        Customer = "customer",
        /// A live agent.
        Agent = "agent",
        /// The keyword bot.
        Bot = "bot",
        /// Ayuda itself ("Lucía joined", timers).
        System = "system",
    }
}

wire_enum! {
    /// An agent's chat presence.
    PresenceStatus {
        /// Takes chats.
        Online = "online",
        /// Takes none.
        Away = "away",
    }
}

wire_enum! {
    /// Why nobody can take a chat now.
    UnavailableReason {
        /// No agent is online with a live connection.
        NoAgents = "no_agents",
        /// The queue is at its limit.
        QueueFull = "queue_full",
    }
}

/// A chat's place in the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueInfo {
    /// 1 for the head of the queue.
    pub position: u32,
    /// Chats in the queue.
    pub queue_len: u32,
    /// When it joined (a chat sent back keeps its original time).
    pub queued_at: DateTime<Utc>,
    /// An honest estimate of the wait, once there are enough recent waits to tell.
    pub eta: Option<Eta>,
}

/// A wait estimate: a range of seconds from recent waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Eta {
    /// Seconds, low end.
    pub min_s: u32,
    /// Seconds, high end.
    pub max_s: u32,
}

/// The ticket a chat became.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatTicket {
    /// Ticket id.
    pub id: i64,
    /// Ticket number (the same as its id), as customers quote it.
    pub number: i64,
}

/// One event of a chat, as stored (with `seq`) or ephemeral (without): the frame of the
/// WebSocket and the items of a snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatEvent {
    /// Format version, 1.
    pub v: u8,
    /// `message.created`, `state.changed`, `agent.joined`, `agent.left`, `ticket.created`,
    /// `read`, `chat.closed`, `hidden` (an internal note, to customers); ephemeral:
    /// `hello`, `queue.updated`, `typing`, `availability`, `ack`, `resync_required`,
    /// `error`; on the agent socket also `queue.added`, `queue.removed`, `chat.assigned`,
    /// `presence.changed` (with the desk feed's `feed_seq`).
    #[serde(rename = "type")]
    pub kind: String,
    /// The chat (absent on desk-wide frames).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub chat_id: Option<i64>,
    /// Gapless per chat; absent on ephemeral events.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub seq: Option<i64>,
    /// The desk feed's own sequence (agent socket only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub feed_seq: Option<i64>,
    /// When it happened.
    pub ts: DateTime<Utc>,
    /// What happened; its fields depend on `type`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
}

/// A chat as its customer and the agents see it, with its events after `after_seq`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatSnapshot {
    /// Chat id.
    pub id: i64,
    /// Its state.
    pub state: ChatState,
    /// Whether the bot answers (always in `bot`, on demand while `waiting`).
    pub bot_active: bool,
    /// Its place in the queue, while waiting.
    pub queue: Option<QueueInfo>,
    /// The agent who has it.
    pub assignee: Option<UserRef>,
    /// The customer.
    pub customer: UserRef,
    /// The ticket it became.
    pub ticket: Option<ChatTicket>,
    /// Why it closed.
    pub close_reason: Option<CloseReason>,
    /// Its language.
    pub locale: Locale,
    /// The chat this one continues.
    pub previous_chat_id: Option<i64>,
    /// The last event's sequence number.
    pub last_seq: i64,
    /// What the customer has read, up to.
    pub customer_read_seq: i64,
    /// What the agent has read, up to.
    pub agent_read_seq: i64,
    /// The customer's rating, after a human-served close.
    pub rating: Option<u8>,
    /// Opened.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Events with `seq > after_seq` (all when not asked), in order.
    pub events: Vec<ChatEvent>,
}

/// A chat in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatSummary {
    /// Chat id.
    pub id: i64,
    /// Its state.
    pub state: ChatState,
    /// The customer.
    pub customer: UserRef,
    /// The agent who has it.
    pub assignee: Option<UserRef>,
    /// Its place in the queue, while waiting.
    pub queue: Option<QueueInfo>,
    /// Seconds it has waited in the queue, while waiting.
    pub waited_s: Option<i64>,
    /// Whether the bot answers.
    pub bot_active: bool,
    /// The ticket it became.
    pub ticket: Option<ChatTicket>,
    /// Why it closed.
    pub close_reason: Option<CloseReason>,
    /// Its language.
    pub locale: Locale,
    /// The last event's sequence number.
    pub last_seq: i64,
    /// The last message, its start.
    pub last_message: Option<String>,
    /// Opened.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// `POST /chats`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateChat {
    /// Language of the bot; the account's when absent.
    pub locale: Option<Locale>,
    /// A closed chat of the customer's that this one continues.
    pub previous_chat_id: Option<i64>,
}

/// `POST /chats/{id}/messages`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SendChatMessage {
    /// Markdown text; at most 4,000 characters. May be empty with a `choice_id` or
    /// attachments.
    #[serde(default)]
    #[validate(length(max = 4000, message = "must be at most 4000 characters"))]
    pub body: String,
    /// The client's id for this message (1-64 characters): sending it again returns the
    /// stored message instead of storing it twice.
    #[validate(length(min = 1, max = 64, message = "must be 1 to 64 characters"))]
    pub client_msg_id: String,
    /// A bot button: a keyword's id, or `live_agent`, `resume_bot`, `restart`,
    /// `leave_ticket`, `keep_waiting`.
    #[validate(length(max = 32, message = "is not a choice"))]
    pub choice_id: Option<String>,
    /// The sender's uploads to attach.
    #[serde(default)]
    #[validate(length(max = 10, message = "at most 10 files"))]
    pub attachment_ids: Vec<i64>,
    /// An agent's note for the staff only; never reaches the customer.
    #[serde(default)]
    pub internal: bool,
}

/// `201`/`200` of `POST /chats/{id}/messages`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SentChatMessage {
    /// The stored message.
    pub event: ChatEvent,
}

/// `POST /chats/{id}/resume-bot`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResumeBot {
    /// Give up the place in the queue (by default it is kept).
    #[serde(default)]
    pub leave_queue: bool,
}

/// `POST /chats/{id}/transfer`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TransferChat {
    /// The agent to hand it to; absent: back to the queue, keeping its original place.
    pub agent_id: Option<i64>,
}

/// `POST /chats/{id}/ticket`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChatToTicket {
    /// Ticket type; the default type when absent.
    pub type_id: Option<i64>,
    /// Title; from the customer's first message when absent.
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    pub title: Option<String>,
    /// Close the chat (the default) or keep talking.
    pub close_chat: Option<bool>,
}

/// `201` of `POST /chats/{id}/ticket` (and of leave-ticket).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatTicketCreated {
    /// The ticket.
    pub ticket: ChatTicket,
}

/// `POST /chats/{id}/read`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReadUpTo {
    /// The last event read.
    #[validate(range(min = 0, message = "must be 0 or more"))]
    pub up_to_seq: i64,
}

/// `POST /chats/{id}/rating`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RateChat {
    /// 1 (bad) to 5 (great).
    #[validate(range(min = 1, max = 5, message = "must be 1 to 5"))]
    pub score: u8,
    /// What the customer wants to add.
    #[validate(length(max = 2000, message = "must be at most 2000 characters"))]
    pub comment: Option<String>,
}

/// `POST /chats/{id}/close`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CloseChat {
    /// Why (agents: `resolved` by default); customers always close as `customer_closed`.
    pub reason: Option<CloseReason>,
}

/// A single-use ticket for opening a WebSocket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WsTicket {
    /// Pass as `?ticket=`; works once.
    pub ticket: String,
    /// Seconds it stays valid.
    pub expires_in: u64,
}

/// `GET /chat/availability` and the `availability` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Availability {
    /// A live agent can be asked for now.
    pub available: bool,
    /// Why not.
    pub reason: Option<UnavailableReason>,
    /// Chats waiting.
    pub queue_len: u32,
    /// Wait estimate for a newcomer, once known.
    pub eta: Option<Eta>,
    /// Agents online.
    pub agents_online: u32,
}

wire_enum! {
    /// Who gets a waiting chat.
    ChatRouting {
        /// Every online agent sees the queue; the first to accept gets the chat.
        Manual = "manual",
        /// The head of the queue goes to the online agent with the fewest chats.
        Auto = "auto",
    }
}

/// Most chats an admin may let wait at once.
pub const CHAT_QUEUE_LIMIT_MAX: u32 = 1000;

/// Longest wait limit an admin may set, in seconds (a day).
pub const CHAT_WAIT_MAX_SECS: u32 = 86_400;

/// The live chat's settings (`GET`/`PUT /chat/settings`): until an admin saves them,
/// the server's configuration (`AYUDA_CHAT_ROUTING`, `AYUDA_CHAT_QUEUE_LIMIT`,
/// `AYUDA_CHAT_SOFT_WAIT_SECS`, `AYUDA_CHAT_HARD_WAIT_SECS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChatSettings {
    /// `manual` (first accept wins) or `auto` (the least-loaded online agent).
    pub routing: ChatRouting,
    /// Waiting chats at which no further customer is offered a live agent (1-1000).
    #[validate(range(min = 1, max = CHAT_QUEUE_LIMIT_MAX, message = "must be 1 to 1000"))]
    pub queue_limit: u32,
    /// Seconds of waiting after which the bot offers to leave a ticket instead (60 to a
    /// day).
    #[validate(range(min = 60, max = CHAT_WAIT_MAX_SECS, message = "must be 60 to 86400 seconds"))]
    pub soft_wait_secs: u32,
    /// Seconds of waiting after which the chat becomes a ticket by itself: longer than the
    /// soft limit, at most a day.
    #[validate(range(min = 120, max = CHAT_WAIT_MAX_SECS, message = "must be 120 to 86400 seconds"))]
    pub hard_wait_secs: u32,
}

/// `PUT /agent/presence`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetPresence {
    /// `online` or `away`.
    pub status: PresenceStatus,
    /// Chats this agent takes at once (admins may change anyone's; 1-20).
    #[validate(range(min = 1, max = 20, message = "must be 1 to 20"))]
    pub max_chats: Option<u32>,
    /// Whose presence (admins only; the caller's when absent).
    pub agent_id: Option<i64>,
}

/// An agent's chat presence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentPresence {
    /// The agent.
    pub agent: UserRef,
    /// What they set.
    pub status: PresenceStatus,
    /// Whether a console connection of theirs is live (online counts only with one).
    pub connected: bool,
    /// Chats they take at once.
    pub max_chats: u32,
    /// Chats they have now.
    pub active_chats: u32,
}

/// `?state=` of `GET /agent/chats` and `GET /chats`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ChatListParams {
    /// Only chats in this state.
    pub state: Option<ChatState>,
    /// Items per page, 1 to 100 (default 25).
    pub limit: Option<u64>,
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// `?after_seq=` of `GET /chats/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AfterSeq {
    /// Only events after this one (0: all).
    pub after_seq: Option<i64>,
}

/// A node of the bot's keyword tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BotKeyword {
    /// Id (what a button sends as `choice_id`).
    pub id: i64,
    /// The keyword shown as the choice.
    pub keyword: String,
    /// Other words that pick it.
    pub aliases: Vec<String>,
    /// The bot's answer, Markdown.
    pub response: String,
    /// The answer, sanitized HTML.
    pub response_html: String,
    /// Its parent; null: a top-level keyword of the greeting.
    pub parent_id: Option<i64>,
    /// Child keywords offered after its answer, in order.
    pub follow_ups: Vec<i64>,
    /// Its language.
    pub locale: Locale,
    /// Forum articles the answer links to.
    pub article_ids: Vec<i64>,
    /// Order among its siblings.
    pub position: i32,
}

/// `POST /bot/keywords`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateBotKeyword {
    /// The keyword shown as a choice.
    #[validate(
        length(min = 1, max = 80, message = "must be 1 to 80 characters"),
        custom(function = "crate::validate::single_line")
    )]
    pub keyword: String,
    /// Other words that pick it.
    #[serde(default)]
    #[validate(length(max = 20, message = "at most 20 aliases"))]
    pub aliases: Vec<String>,
    /// The bot's answer, Markdown.
    #[validate(length(min = 1, max = 4000, message = "must be 1 to 4000 characters"))]
    pub response: String,
    /// Child keywords (their ids): they are moved under this one, in this order.
    #[serde(default)]
    pub follow_ups: Vec<i64>,
    /// The parent keyword; absent: a top-level one.
    pub parent_id: Option<i64>,
    /// Its language.
    pub locale: Locale,
    /// Published forum articles to link.
    #[serde(default)]
    #[validate(length(max = 5, message = "at most 5 articles"))]
    pub article_ids: Vec<i64>,
    /// Order among its siblings (last when absent).
    pub position: Option<i32>,
}

/// `PATCH /bot/keywords/{id}`: absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateBotKeyword {
    /// The keyword shown as a choice.
    #[validate(
        length(min = 1, max = 80, message = "must be 1 to 80 characters"),
        custom(function = "crate::validate::single_line")
    )]
    pub keyword: Option<String>,
    /// Other words that pick it.
    #[validate(length(max = 20, message = "at most 20 aliases"))]
    pub aliases: Option<Vec<String>>,
    /// The bot's answer, Markdown.
    #[validate(length(min = 1, max = 4000, message = "must be 1 to 4000 characters"))]
    pub response: Option<String>,
    /// Child keywords, in order (replaces the list: the ones left out become top-level).
    pub follow_ups: Option<Vec<i64>>,
    /// The parent keyword (`null`: top level).
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub parent_id: Option<Option<i64>>,
    /// Its language.
    pub locale: Option<Locale>,
    /// Published forum articles to link.
    #[validate(length(max = 5, message = "at most 5 articles"))]
    pub article_ids: Option<Vec<i64>>,
    /// Order among its siblings.
    pub position: Option<i32>,
}

/// A frame a client sends on a chat or agent socket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ClientFrame {
    /// A message (or a bot button).
    Send {
        /// The client's id of the message.
        client_msg_id: String,
        /// Its text.
        #[serde(default)]
        body: String,
        /// A bot button.
        #[serde(default)]
        choice_id: Option<String>,
        /// The chat (agent socket: required; chat socket: its own chat).
        #[serde(default)]
        chat_id: Option<i64>,
        /// An agent's internal note.
        #[serde(default)]
        internal: bool,
    },
    /// Typing on or off.
    Typing {
        /// On.
        on: bool,
        /// The chat (agent socket).
        #[serde(default)]
        chat_id: Option<i64>,
    },
    /// Read up to this event.
    Read {
        /// The last event read.
        up_to_seq: i64,
        /// The chat (agent socket).
        #[serde(default)]
        chat_id: Option<i64>,
    },
    /// Replay after a gap.
    Resume {
        /// The last event applied.
        after_seq: i64,
        /// The chat (agent socket).
        #[serde(default)]
        chat_id: Option<i64>,
    },
    /// Agent socket: follow a chat's events too.
    Subscribe {
        /// The chat.
        chat_id: i64,
        /// The last event the console has of it.
        #[serde(default)]
        after_seq: i64,
    },
    /// Agent socket: stop following a chat.
    Unsubscribe {
        /// The chat.
        chat_id: i64,
    },
    /// Keep-alive; answered with `pong`.
    Ping,
}
