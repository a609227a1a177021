//! `/api/v1/chats`, `/api/v1/agent/...`, `/api/v1/chat/availability`: live chat's REST
//! side and its WebSockets (see the `chat` tag's description for the socket protocol).

use actix_web::http::header;
use actix_web::web::{Bytes, Data, Json, Path, Payload, Query};
use actix_web::{HttpRequest, HttpResponse, get, post, put};
use ayuda_types::{
    AfterSeq, AgentPresence, Availability, ChatListParams, ChatSettings, ChatSnapshot, ChatSummary,
    ChatTicket, ChatTicketCreated, ChatToTicket, CloseChat, CreateChat, Page, ProblemDetails,
    RateChat, ReadUpTo, ResumeBot, SendChatMessage, SentChatMessage, SetPresence, TransferChat,
    WsTicket,
};
use serde::de::DeserializeOwned;
use utoipa_actix_web::service_config::ServiceConfig;

use super::responses::{
    AdminsOnly, AgentsOnly, ChatMoveRefused, InvalidCursor, InvalidFields, NoSuchChat, StaffOnly,
    Unauthorized,
};
use super::tags;
use crate::auth::AuthUser;
use crate::chat::{self, convert, messages, moves, presence};
use crate::error::{ApiError, ApiResult, validated};
use crate::realtime::socket;
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(open_chat)
        .service(list_chats)
        .service(get_chat)
        .service(send_message)
        .service(live_agent)
        .service(resume_bot)
        .service(restart)
        .service(leave_ticket)
        .service(close_chat)
        .service(accept)
        .service(transfer)
        .service(handback)
        .service(to_ticket)
        .service(read)
        .service(rate)
        .service(chat_ws_ticket)
        .service(chat_ws)
        .service(agent_ws_ticket)
        .service(agent_ws)
        .service(agent_chats)
        .service(set_presence)
        .service(list_presence)
        .service(availability)
        .service(get_settings)
        .service(put_settings);
}

/// A JSON body that may be left out (its default then), still refused when malformed.
fn optional_body<T: DeserializeOwned + Default + validator::Validate>(
    req: &HttpRequest,
    body: &Bytes,
) -> ApiResult<T> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return Err(ApiError::UnsupportedMediaType(
            "expected Content-Type: application/json".into(),
        ));
    }
    let value: T = serde_json::from_slice(body)
        .map_err(|e| ApiError::BadRequest(format!("invalid JSON body: {e}")))?;
    validated(value)
}

/// Start a chat with the bot (customers). A customer with an open chat gets that one back
/// (200); otherwise 201 with the bot's greeting and its keyword choices.
#[utoipa::path(
    tag = tags::CHAT,
    security(("bearer" = [])),
    request_body(content = Option<CreateChat>, description = "Optional"),
    responses(
        (status = 201, description = "Opened", body = ChatSnapshot),
        (status = 200, description = "The customer's open chat", body = ChatSnapshot),
        (status = 401, response = Unauthorized),
        (status = 403, description = "Staff do not open chats", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, response = InvalidFields),
    )
)]
#[post("/chats")]
async fn open_chat(
    state: Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    body: Bytes,
) -> ApiResult<HttpResponse> {
    let input: CreateChat = optional_body(&req, &body)?;
    let (snapshot, created) = chat::open(&state, &user.account, input).await?;
    let mut res = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(res
        .insert_header((header::LOCATION, format!("/api/v1/chats/{}", snapshot.id)))
        .json(snapshot))
}

/// Chats, newest first: a customer's own; all of them for staff (`?state=` filters).
#[utoipa::path(
    tag = tags::CHAT,
    security(("bearer" = [])),
    params(ChatListParams),
    responses(
        (status = 200, description = "One page", body = Page<ChatSummary>),
        (status = 400, response = InvalidCursor),
        (status = 401, response = Unauthorized),
    )
)]
#[get("/chats")]
async fn list_chats(
    state: Data<AppState>,
    user: AuthUser,
    query: Query<ChatListParams>,
) -> ApiResult<Json<Page<ChatSummary>>> {
    Ok(Json(
        chat::list(&state, &user.account, query.into_inner()).await?,
    ))
}

/// A chat with its events after `after_seq` (all when absent): its customer, or staff.
#[utoipa::path(
    tag = tags::CHAT,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Chat id"), AfterSeq),
    responses(
        (status = 200, description = "The chat", body = ChatSnapshot),
        (status = 401, response = Unauthorized),
        (status = 404, response = NoSuchChat),
    )
)]
#[get("/chats/{id}")]
async fn get_chat(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<i64>,
    query: Query<AfterSeq>,
) -> ApiResult<Json<ChatSnapshot>> {
    Ok(Json(
        chat::snapshot(&state, &user.account, id.into_inner(), query.after_seq).await?,
    ))
}

/// Send a message (at most 4,000 characters), or press a bot button with `choice_id`.
/// The same `client_msg_id` again answers 200 with the stored message, never a second
/// one. Agents write to the customer once they have the chat; `internal` notes (agents
/// only) never reach the customer.
#[utoipa::path(
    tag = tags::CHAT,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Chat id")),
    request_body = SendChatMessage,
    responses(
        (status = 201, description = "Stored", body = SentChatMessage),
        (status = 200, description = "Sent before with this client_msg_id: the stored one", body = SentChatMessage),
        (status = 401, response = Unauthorized),
        (status = 404, response = NoSuchChat),
        (status = 409, response = ChatMoveRefused),
        (status = 422, response = InvalidFields),
    )
)]
#[post("/chats/{id}/messages")]
async fn send_message(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<i64>,
    body: Json<SendChatMessage>,
) -> ApiResult<HttpResponse> {
    let input = validated(body.into_inner())?;
    let sent = messages::send(&state, &user.account, id.into_inner(), input).await?;
    let mut res = if sent.created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(res.json(SentChatMessage { event: sent.event }))
}

macro_rules! chat_move {
    // A move without a body.
    ($(#[doc = $doc:literal])+ $name:ident, $path:literal, $who:literal, |$state:ident, $user:ident, $id:ident| $call:expr) => {
        $(#[doc = $doc])+
        #[utoipa::path(
            tag = tags::CHAT,
            security(("bearer" = [])),
            params(("id" = i64, Path, description = "Chat id")),
            responses(
                (status = 200, description = "The chat after the move, with the events it stored", body = ChatSnapshot),
                (status = 401, response = Unauthorized),
                (status = 403, description = $who, body = ProblemDetails, content_type = "application/problem+json"),
                (status = 404, response = NoSuchChat),
                (status = 409, response = ChatMoveRefused),
            )
        )]
        #[post($path)]
        async fn $name($state: Data<AppState>, user: AuthUser, $id: Path<i64>) -> ApiResult<Json<ChatSnapshot>> {
            let $user = &user.account;
            let $id = $id.into_inner();
            Ok(Json($call))
        }
    };
    // A move with an optional JSON body of type `$input`.
    ($(#[doc = $doc:literal])+ $name:ident, $path:literal, $who:literal, |$state:ident, $user:ident, $id:ident, $body:ident: $input:ty| $call:expr) => {
        $(#[doc = $doc])+
        #[utoipa::path(
            tag = tags::CHAT,
            security(("bearer" = [])),
            params(("id" = i64, Path, description = "Chat id")),
            request_body(content = Option<$input>, description = "Optional"),
            responses(
                (status = 200, description = "The chat after the move, with the events it stored", body = ChatSnapshot),
                (status = 401, response = Unauthorized),
                (status = 403, description = $who, body = ProblemDetails, content_type = "application/problem+json"),
                (status = 404, response = NoSuchChat),
                (status = 409, response = ChatMoveRefused),
                (status = 422, response = InvalidFields),
            )
        )]
        #[post($path)]
        async fn $name(
            $state: Data<AppState>,
            user: AuthUser,
            $id: Path<i64>,
            req: HttpRequest,
            raw: Bytes,
        ) -> ApiResult<Json<ChatSnapshot>> {
            let $user = &user.account;
            let $id = $id.into_inner();
            let $body: $input = optional_body(&req, &raw)?;
            Ok(Json($call))
        }
    };
}

chat_move!(
    /// Ask for a live agent: the chat joins the queue when someone can take it; otherwise
    /// it stays with the bot, which says why (`unavailable.reason`) and offers a ticket.
    live_agent, "/chats/{id}/live-agent", "Only its customer",
    |state, user, id| moves::live_agent(&state, user, id).await?
);

chat_move!(
    /// Back to the bot while waiting: it answers again at once and the place in the queue
    /// is kept; `{"leave_queue": true}` gives the place up.
    resume_bot, "/chats/{id}/resume-bot", "Only its customer",
    |state, user, id, input: ResumeBot| moves::resume_bot(&state, user, id, input.leave_queue).await?
);

chat_move!(
    /// Back to the greeting's keywords; a waiting chat leaves the queue (the others move up).
    restart, "/chats/{id}/restart", "Only its customer",
    |state, user, id| moves::restart(&state, user, id).await?
);

chat_move!(
    /// End the chat: its customer (`customer_closed`, or `abandoned` while waiting) or an
    /// agent (`resolved` unless `reason` says otherwise). The transcript is emailed.
    close_chat, "/chats/{id}/close", "Never (both sides may close)",
    |state, user, id, input: CloseChat| moves::close(&state, user, id, input.reason).await?
);

chat_move!(
    /// Take a waiting chat (agents). One conditional update: of agents accepting at once
    /// exactly one wins, the others get 409 `already_taken`; 409 `at_capacity` beyond the
    /// agent's `max_chats`.
    accept, "/chats/{id}/accept", "Customers may not",
    |state, user, id| moves::accept(&state, user, id).await?
);

chat_move!(
    /// Hand the chat to another agent (`agent_id`, within their capacity), or back to the
    /// queue keeping its original place (no `agent_id`): its agent, or an admin.
    transfer, "/chats/{id}/transfer", "Customers may not",
    |state, user, id, input: TransferChat| moves::transfer(&state, user, id, input).await?
);

chat_move!(
    /// Hand the chat back to the bot: its agent, or an admin.
    handback, "/chats/{id}/handback", "Customers may not",
    |state, user, id| moves::handback(&state, user, id).await?
);

/// No agent: the customer leaves a ticket instead. The chat closes as `no_agent` and
/// becomes a ticket (channel `chat`, the transcript as its description); its number is
/// shown and emailed, and the customer continues by email.
#[utoipa::path(
    tag = tags::CHAT,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Chat id")),
    responses(
        (status = 201, description = "The ticket", body = ChatTicketCreated),
        (status = 401, response = Unauthorized),
        (status = 403, description = "Only its customer", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, response = NoSuchChat),
        (status = 409, response = ChatMoveRefused),
    )
)]
#[post("/chats/{id}/leave-ticket")]
async fn leave_ticket(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<i64>,
) -> ApiResult<HttpResponse> {
    let number = moves::leave_ticket(&state, &user.account, id.into_inner()).await?;
    Ok(created_ticket(number))
}

fn created_ticket(number: i64) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/tickets/{number}")))
        .json(ChatTicketCreated {
            ticket: ChatTicket { id: number, number },
        })
}

/// Turn the chat into a ticket (agents): channel `chat`, the transcript as its
/// description, linked both ways; the chat closes as `converted_to_ticket` unless
/// `close_chat` is false. The customer gets the usual "ticket received" email.
#[utoipa::path(
    tag = tags::CHAT,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Chat id")),
    request_body(content = Option<ChatToTicket>, description = "Optional"),
    responses(
        (status = 201, description = "The ticket", body = ChatTicketCreated),
        (status = 401, response = Unauthorized),
        (status = 403, response = StaffOnly),
        (status = 404, response = NoSuchChat),
        (status = 409, response = ChatMoveRefused),
        (status = 422, response = InvalidFields),
    )
)]
#[post("/chats/{id}/ticket")]
async fn to_ticket(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<i64>,
    req: HttpRequest,
    body: Bytes,
) -> ApiResult<HttpResponse> {
    let input: ChatToTicket = optional_body(&req, &body)?;
    let number = convert::by_agent(&state, &user.account, id.into_inner(), input).await?;
    Ok(created_ticket(number))
}

/// Read receipt: the caller (its customer, or staff) has read up to `up_to_seq`.
#[utoipa::path(
    tag = tags::CHAT,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Chat id")),
    request_body = ReadUpTo,
    responses(
        (status = 204, description = "Recorded (a `read` event when it moved forward)"),
        (status = 401, response = Unauthorized),
        (status = 404, response = NoSuchChat),
        (status = 422, response = InvalidFields),
    )
)]
#[post("/chats/{id}/read")]
async fn read(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<i64>,
    body: Json<ReadUpTo>,
) -> ApiResult<HttpResponse> {
    let input = validated(body.into_inner())?;
    messages::read(&state, &user.account, id.into_inner(), input.up_to_seq).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Rate a chat an agent served, after it closed (its customer): 1-5 and a comment.
#[utoipa::path(
    tag = tags::CHAT,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Chat id")),
    request_body = RateChat,
    responses(
        (status = 204, description = "Rated"),
        (status = 401, response = Unauthorized),
        (status = 403, description = "Only its customer", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, response = NoSuchChat),
        (status = 409, description = "Still open, or no agent served it", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, response = InvalidFields),
    )
)]
#[post("/chats/{id}/rating")]
async fn rate(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<i64>,
    body: Json<RateChat>,
) -> ApiResult<HttpResponse> {
    let input = validated(body.into_inner())?;
    messages::rate(&state, &user.account, id.into_inner(), input).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A single-use ticket (60 s) for this chat's WebSocket: its customer, or staff.
#[utoipa::path(
    tag = tags::CHAT,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Chat id")),
    responses(
        (status = 200, description = "The ticket", body = WsTicket),
        (status = 401, response = Unauthorized),
        (status = 404, response = NoSuchChat),
    )
)]
#[post("/chats/{id}/ws-ticket")]
async fn chat_ws_ticket(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<i64>,
) -> ApiResult<Json<WsTicket>> {
    Ok(Json(
        presence::ws_ticket(&state, &user.account, Some(id.into_inner())).await?,
    ))
}

/// The chat's WebSocket (see the tag's description): `?ticket=` from
/// `POST /chats/{id}/ws-ticket`, `?after_seq=` the last event the client has.
#[utoipa::path(
    tag = tags::CHAT,
    params(
        ("id" = i64, Path, description = "Chat id"),
        ("ticket" = String, Query, description = "Single-use ticket"),
        ("after_seq" = Option<i64>, Query, description = "Replay events after this one"),
    ),
    responses(
        (status = 101, description = "Switching protocols; refusals after the upgrade close with 4401, 4403 or 4404"),
        (status = 403, description = "An Origin other than the public URL's", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/chats/{id}/ws")]
async fn chat_ws(
    state: Data<AppState>,
    req: HttpRequest,
    body: Payload,
    id: Path<i64>,
    query: Query<socket::ChatSocketQuery>,
) -> Result<HttpResponse, actix_web::Error> {
    socket::chat_socket(state, req, body, id.into_inner(), query.into_inner()).await
}

/// A single-use ticket (60 s) for the agent console's WebSocket (agents).
#[utoipa::path(
    tag = tags::CHAT,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The ticket", body = WsTicket),
        (status = 401, response = Unauthorized),
        (status = 403, response = AgentsOnly),
    )
)]
#[post("/agent/ws-ticket")]
async fn agent_ws_ticket(state: Data<AppState>, user: AuthUser) -> ApiResult<Json<WsTicket>> {
    Ok(Json(
        presence::ws_ticket(&state, &user.account, None).await?,
    ))
}

/// The agent console's WebSocket: the desk feed after `feed_after` (from now when
/// absent) and any chat it subscribes to. While it is open the agent counts as connected.
#[utoipa::path(
    tag = tags::CHAT,
    params(
        ("ticket" = String, Query, description = "Single-use ticket"),
        ("feed_after" = Option<i64>, Query, description = "Replay the desk feed after this entry"),
    ),
    responses(
        (status = 101, description = "Switching protocols; refusals after the upgrade close with 4401 or 4403"),
        (status = 403, description = "An Origin other than the public URL's", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/agent/ws")]
async fn agent_ws(
    state: Data<AppState>,
    req: HttpRequest,
    body: Payload,
    query: Query<socket::AgentSocketQuery>,
) -> Result<HttpResponse, actix_web::Error> {
    socket::agent_socket(state, req, body, query.into_inner()).await
}

/// The agents' view: the queue in order (`?state=waiting`, the default) or the active
/// chats (`?state=active`), with position, seconds waited and assignee.
#[utoipa::path(
    tag = tags::CHAT,
    security(("bearer" = [])),
    params(ChatListParams),
    responses(
        (status = 200, description = "The chats", body = Vec<ChatSummary>),
        (status = 401, response = Unauthorized),
        (status = 403, response = AgentsOnly),
        (status = 422, response = InvalidFields),
    )
)]
#[get("/agent/chats")]
async fn agent_chats(
    state: Data<AppState>,
    user: AuthUser,
    query: Query<ChatListParams>,
) -> ApiResult<Json<Vec<ChatSummary>>> {
    Ok(Json(chat::desk(&state, &user.account, query.state).await?))
}

/// Set the caller's chat presence (`online` or `away`) and capacity; admins may set any
/// agent's with `agent_id`. Online counts only while a console socket is connected.
#[utoipa::path(
    tag = tags::CHAT,
    security(("bearer" = [])),
    request_body = SetPresence,
    responses(
        (status = 200, description = "The presence", body = AgentPresence),
        (status = 401, response = Unauthorized),
        (status = 403, description = "Customers may not; only admins set others'", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, response = InvalidFields),
    )
)]
#[put("/agent/presence")]
async fn set_presence(
    state: Data<AppState>,
    user: AuthUser,
    body: Json<SetPresence>,
) -> ApiResult<Json<AgentPresence>> {
    let input = validated(body.into_inner())?;
    Ok(Json(presence::set(&state, &user.account, input).await?))
}

/// Every agent's presence, connection and load (agents).
#[utoipa::path(
    tag = tags::CHAT,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Presences", body = Vec<AgentPresence>),
        (status = 401, response = Unauthorized),
        (status = 403, response = AgentsOnly),
    )
)]
#[get("/agent/presence")]
async fn list_presence(
    state: Data<AppState>,
    user: AuthUser,
) -> ApiResult<Json<Vec<AgentPresence>>> {
    Ok(Json(presence::list(&state, &user.account).await?))
}

/// Whether a live agent can be asked for now (any logged-in user): someone online with a
/// live connection and the queue below its limit; otherwise `reason`.
#[utoipa::path(
    tag = tags::CHAT,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Availability", body = Availability),
        (status = 401, response = Unauthorized),
    )
)]
#[get("/chat/availability")]
async fn availability(state: Data<AppState>, _user: AuthUser) -> ApiResult<Json<Availability>> {
    Ok(Json(presence::availability(&state).await?))
}

/// The chat settings in force: routing, queue limit, wait limits (agents and admins).
#[utoipa::path(
    tag = tags::CHAT,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings", body = ChatSettings),
        (status = 401, response = Unauthorized),
        (status = 403, response = AgentsOnly),
    )
)]
#[get("/chat/settings")]
async fn get_settings(state: Data<AppState>, user: AuthUser) -> ApiResult<Json<ChatSettings>> {
    crate::auth::require_staff(&user.account)?;
    Ok(Json(state.chat_settings.get()))
}

/// Change the chat settings (admins): they apply at once, on every instance. The hard wait
/// limit must be longer than the soft one.
#[utoipa::path(
    tag = tags::CHAT,
    security(("bearer" = [])),
    request_body = ChatSettings,
    responses(
        (status = 200, description = "The settings now in force", body = ChatSettings),
        (status = 401, response = Unauthorized),
        (status = 403, response = AdminsOnly),
        (status = 422, response = InvalidFields),
    )
)]
#[put("/chat/settings")]
async fn put_settings(
    state: Data<AppState>,
    user: AuthUser,
    body: Json<ChatSettings>,
) -> ApiResult<Json<ChatSettings>> {
    let input = validated(body.into_inner())?;
    Ok(Json(
        chat::settings::save(&state, &user.account, input).await?,
    ))
}
