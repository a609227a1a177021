//! Live chat (CHAT.md): open and read chats, send, the state moves, the agents' queue and
//! presence, single-use socket tickets, and the bot's keyword tree.

use ayuda_types::{
    AgentPresence, Availability, BotKeyword, ChatSettings, ChatSnapshot, ChatState, ChatSummary,
    ChatTicketCreated, ChatToTicket, CreateBotKeyword, CreateChat, Page, RateChat, ReadUpTo,
    SendChatMessage, SentChatMessage, SetPresence, TransferChat, UpdateBotKeyword, WsTicket,
};

use super::{ApiResult, delete, get, patch, post, post_empty, post_no_content};

/// `POST /chats`: a new chat, or the customer's open one.
pub async fn open(request: &CreateChat) -> ApiResult<ChatSnapshot> {
    post("/chats", request).await
}

/// `GET /chats`: the customer's own chats, newest first.
pub async fn mine() -> ApiResult<Page<ChatSummary>> {
    get("/chats?limit=20").await
}

/// `GET /chats/{id}?after_seq=`: the chat now, with its events after `after_seq`.
pub async fn snapshot(id: i64, after_seq: i64) -> ApiResult<ChatSnapshot> {
    get(&format!("/chats/{id}?after_seq={after_seq}")).await
}

/// `POST /chats/{id}/messages`; sending the same `client_msg_id` again is safe.
pub async fn send(id: i64, message: &SendChatMessage) -> ApiResult<SentChatMessage> {
    post(&format!("/chats/{id}/messages"), message).await
}

/// A state move of CHAT.md that is not a bot button (the customer's moves, Live Agent
/// Request, Resume Chat With Bot, Restart and Leave a ticket, are sent as the bot's
/// choices, like any other button).
#[derive(Debug, Clone, PartialEq)]
pub enum Move {
    Close,
    Accept,
    /// To an agent, or back to the queue.
    Transfer(Option<i64>),
    Handback,
}

/// `POST /chats/{id}/{move}`: the chat after the move.
pub async fn act(id: i64, action: Move) -> ApiResult<ChatSnapshot> {
    let name = match action {
        Move::Close => "close",
        Move::Accept => "accept",
        Move::Transfer(_) => "transfer",
        Move::Handback => "handback",
    };
    let path = format!("/chats/{id}/{name}");
    match action {
        Move::Transfer(agent_id) => post(&path, &TransferChat { agent_id }).await,
        _ => post_empty(&path).await,
    }
}

/// `POST /chats/{id}/ticket` (agents): the chat becomes a ticket.
pub async fn to_ticket(id: i64, request: &ChatToTicket) -> ApiResult<ChatTicketCreated> {
    post(&format!("/chats/{id}/ticket"), request).await
}

/// `POST /chats/{id}/read`.
pub async fn read(id: i64, up_to_seq: i64) -> ApiResult<()> {
    post_no_content(&format!("/chats/{id}/read"), &ReadUpTo { up_to_seq }).await
}

/// `POST /chats/{id}/rating`.
pub async fn rate(id: i64, rating: &RateChat) -> ApiResult<()> {
    post_no_content(&format!("/chats/{id}/rating"), rating).await
}

/// `POST /chats/{id}/ws-ticket`: a single-use ticket for the chat's socket.
pub async fn socket_ticket(id: i64) -> ApiResult<WsTicket> {
    post_empty(&format!("/chats/{id}/ws-ticket")).await
}

/// The chat's socket address (same origin as the app), after `after_seq`.
pub fn socket_url(id: i64, ticket: &str, after_seq: i64) -> String {
    socket(&format!(
        "/chats/{id}/ws?ticket={}&after_seq={after_seq}",
        super::enc(ticket)
    ))
}

/// `POST /agent/ws-ticket`: a single-use ticket for the agent's desk socket.
pub async fn desk_ticket() -> ApiResult<WsTicket> {
    post_empty("/agent/ws-ticket").await
}

/// The desk socket's address.
pub fn desk_url(ticket: &str) -> String {
    socket(&format!("/agent/ws?ticket={}", super::enc(ticket)))
}

fn socket(path: &str) -> String {
    let location = web_sys::window().map(|w| w.location());
    let host = location
        .as_ref()
        .and_then(|l| l.host().ok())
        .unwrap_or_default();
    let secure = location
        .and_then(|l| l.protocol().ok())
        .is_some_and(|p| p == "https:");
    let scheme = if secure { "wss" } else { "ws" };
    format!("{scheme}://{host}{}{path}", crate::http::BASE)
}

/// `GET /agent/chats?state=`: the queue (`waiting`) or the chats agents have (`active`).
pub async fn desk(state: ChatState) -> ApiResult<Vec<ChatSummary>> {
    get(&format!("/agent/chats?state={}", state.as_str())).await
}

/// `GET /agent/presence`: every agent's presence.
pub async fn presences() -> ApiResult<Vec<AgentPresence>> {
    get("/agent/presence").await
}

/// `PUT /agent/presence`.
pub async fn set_presence(request: &SetPresence) -> ApiResult<AgentPresence> {
    super::put("/agent/presence", request).await
}

/// `GET /chat/settings`: routing, queue limit, wait limits.
pub async fn settings() -> ApiResult<ChatSettings> {
    get("/chat/settings").await
}

/// `PUT /chat/settings` (admins).
pub async fn save_settings(settings: &ChatSettings) -> ApiResult<ChatSettings> {
    super::put("/chat/settings", settings).await
}

/// `GET /chat/availability`.
pub async fn availability() -> ApiResult<Availability> {
    get("/chat/availability").await
}

/// `GET /bot/keywords`: the whole tree, both languages.
pub async fn keywords() -> ApiResult<Vec<BotKeyword>> {
    get("/bot/keywords").await
}

/// `POST /bot/keywords` (admins).
pub async fn create_keyword(request: &CreateBotKeyword) -> ApiResult<BotKeyword> {
    post("/bot/keywords", request).await
}

/// `PATCH /bot/keywords/{id}` (admins).
pub async fn update_keyword(id: i64, change: &UpdateBotKeyword) -> ApiResult<BotKeyword> {
    patch(&format!("/bot/keywords/{id}"), change).await
}

/// `DELETE /bot/keywords/{id}` (admins).
pub async fn delete_keyword(id: i64) -> ApiResult<()> {
    delete(&format!("/bot/keywords/{id}")).await
}
