//! A WebSocket session (`CHAT.md`, "WebSocket"): a chat's socket (its customer or staff)
//! or an agent console's (the desk feed plus any chats it subscribes to).
//!
//! On connect the socket is subscribed first, then replays `seq > after_seq` from the
//! database, then goes live dropping what it already sent; a gap in live frames (two
//! writers publishing out of order, or another instance) is filled from the database. An
//! outbound queue that overflows, or a send blocked for 5 s, closes with 4008; the client
//! resumes from its last `seq`.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{AggregatedMessage, CloseCode, CloseReason, Session};
use ayuda_db::chats;
use ayuda_db::users::{self, UserRow};
use ayuda_types::{ChatState, ClientFrame, SendChatMessage};
use serde_json::json;

use super::hub::{Frame, Mailbox, Topic};
use crate::chat::queue::QueueNow;
use crate::chat::{events, messages};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Largest frame a client may send.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;
/// A send blocked this long means a slow consumer.
const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// Events read per query when replaying.
const REPLAY_PAGE: u64 = 500;

/// Close codes of `CHAT.md`.
pub mod close {
    /// Not authenticated, or the ticket expired or was used.
    pub const UNAUTHENTICATED: u16 = 4401;
    /// Not a participant of the chat.
    pub const FORBIDDEN: u16 = 4403;
    /// No such chat.
    pub const NOT_FOUND: u16 = 4404;
    /// The outbound queue overflowed or blocked: resume.
    pub const SLOW_CONSUMER: u16 = 4008;
    /// Over the message rate.
    pub const RATE_LIMITED: u16 = 4029;
    /// A frame over 64 KiB.
    pub const TOO_BIG: u16 = 1009;
    /// The server is restarting.
    pub const RESTARTING: u16 = 1012;
}

/// Refuses a browser's socket from another site: an `Origin`, when sent, must be the
/// public URL's.
pub fn check_origin(state: &AppState, req: &HttpRequest) -> ApiResult<()> {
    let Some(origin) = req.headers().get(actix_web::http::header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or_default().trim_end_matches('/');
    let public = state.settings.public_url();
    let expected = url::Url::parse(&public)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or(public);
    if origin.eq_ignore_ascii_case(&expected) {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// Who a ticket let in, or the close code that refuses them.
async fn admit(
    state: &AppState,
    ticket: Option<&str>,
    chat_id: Option<i64>,
) -> Result<(UserRow, bool), u16> {
    let Some(ticket) = ticket.filter(|t| !t.is_empty()) else {
        return Err(close::UNAUTHENTICATED);
    };
    let hash = crate::auth::secret::token_hash(ticket);
    let taken = chats::take_ws_ticket(&state.writer, &hash, chrono::Utc::now())
        .await
        .map_err(|_| close::UNAUTHENTICATED)?;
    let Some((user_id, bound_chat)) = taken else {
        return Err(close::UNAUTHENTICATED);
    };
    let user = users::find_by_id(&state.db, user_id)
        .await
        .ok()
        .flatten()
        .filter(|u| u.active)
        .ok_or(close::UNAUTHENTICATED)?;
    let staff = users::is_staff(&user);
    match chat_id {
        Some(id) => {
            if bound_chat.is_some() && bound_chat != Some(id) {
                return Err(close::FORBIDDEN);
            }
            let chat = chats::find(&state.db, id)
                .await
                .map_err(|_| close::NOT_FOUND)?
                .ok_or(close::NOT_FOUND)?;
            if !staff && chat.customer_id != user.id {
                return Err(close::FORBIDDEN);
            }
        }
        None => {
            if !staff || bound_chat.is_some() {
                return Err(close::FORBIDDEN);
            }
        }
    }
    Ok((user, staff))
}

/// Query of the chat socket.
#[derive(Debug, serde::Deserialize)]
pub struct ChatSocketQuery {
    /// Single-use ticket.
    pub ticket: Option<String>,
    /// The last event the client has.
    pub after_seq: Option<i64>,
}

/// Query of the agent console's socket.
#[derive(Debug, serde::Deserialize)]
pub struct AgentSocketQuery {
    /// Single-use ticket.
    pub ticket: Option<String>,
    /// The last desk feed entry the console has.
    pub feed_after: Option<i64>,
}

/// Upgrades to a chat's socket.
pub async fn chat_socket(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
    chat_id: i64,
    query: ChatSocketQuery,
) -> Result<HttpResponse, actix_web::Error> {
    check_origin(&state, &req)?;
    let (response, session, stream) = actix_ws::handle(&req, body)?;
    let state = state.into_inner();
    actix_web::rt::spawn(async move {
        match admit(&state, query.ticket.as_deref(), Some(chat_id)).await {
            Err(code) => close_with(session, code).await,
            Ok((user, staff)) => {
                let mut conn = Conn::new(state, session, user, staff, false);
                conn.follow(chat_id, query.after_seq.unwrap_or(0).max(0))
                    .await;
                conn.run(stream, Some(chat_id)).await;
            }
        }
    });
    Ok(response)
}

/// Upgrades to an agent console's socket.
pub async fn agent_socket(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
    query: AgentSocketQuery,
) -> Result<HttpResponse, actix_web::Error> {
    check_origin(&state, &req)?;
    let (response, session, stream) = actix_ws::handle(&req, body)?;
    let state = state.into_inner();
    actix_web::rt::spawn(async move {
        match admit(&state, query.ticket.as_deref(), None).await {
            Err(code) => close_with(session, code).await,
            Ok((user, _)) => {
                let user_id = user.id;
                if state.realtime.agent_connected(user_id) {
                    super::listener::agent_online(&state, user_id).await;
                }
                let mut conn = Conn::new(state.clone(), session, user, true, true);
                conn.follow_desk(query.feed_after.unwrap_or(-1)).await;
                conn.run(stream, None).await;
                if state.realtime.agent_disconnected(user_id) {
                    super::listener::agent_offline(&state, user_id).await;
                }
            }
        }
    });
    Ok(response)
}

async fn close_with(session: Session, code: u16) {
    let _ = session
        .close(Some(CloseReason {
            code: CloseCode::Other(code),
            description: None,
        }))
        .await;
}

/// Why a session ends.
enum End {
    Code(u16),
    ClientLeft,
}

struct Conn {
    state: Arc<AppState>,
    session: Session,
    mailbox: Mailbox,
    user: UserRow,
    staff: bool,
    console: bool,
    /// The last `seq` sent of each followed chat.
    sent: HashMap<i64, i64>,
    /// The last desk feed `seq` sent.
    desk_sent: i64,
    recent_sends: VecDeque<Instant>,
    ended: Option<End>,
}

impl Conn {
    fn new(
        state: Arc<AppState>,
        session: Session,
        user: UserRow,
        staff: bool,
        console: bool,
    ) -> Self {
        let mailbox = state.realtime.hub.open();
        Conn {
            state,
            session,
            mailbox,
            user,
            staff,
            console,
            sent: HashMap::new(),
            desk_sent: 0,
            recent_sends: VecDeque::new(),
            ended: None,
        }
    }

    /// Subscribes to a chat, says hello, replays what the client misses.
    async fn follow(&mut self, chat_id: i64, after_seq: i64) {
        self.state
            .realtime
            .hub
            .subscribe(self.mailbox.id, Topic::Chat(chat_id));
        let chat = match chats::find(&self.state.db, chat_id).await {
            Ok(Some(chat)) => chat,
            _ => {
                self.ended = Some(End::Code(close::NOT_FOUND));
                return;
            }
        };
        let now = chrono::Utc::now();
        // The place in the queue at once; `queue.updated` follows on every change.
        let queue = if chat.state == ChatState::Waiting.as_str() {
            QueueNow::read(&self.state.db, now)
                .await
                .ok()
                .and_then(|q| q.info(chat_id))
        } else {
            None
        };
        let hello = events::ephemeral(
            "hello",
            Some(chat_id),
            json!({
                "state": chat.state,
                "last_seq": chat.last_seq,
                "heartbeat_s": self.state.settings.chat_heartbeat_secs,
                "bot_active": chat.bot_active,
                "queue": queue,
            }),
            now,
        );
        self.send(events::json_text(&hello)).await;
        if !self.staff && chat.state != ChatState::Closed.as_str() {
            self.customer_seen(chat_id).await;
        }
        self.sent.insert(chat_id, after_seq);
        self.replay(chat_id).await;
    }

    /// Subscribes to the desk feed and replays it from `feed_after` (-1: from now).
    async fn follow_desk(&mut self, feed_after: i64) {
        self.state
            .realtime
            .hub
            .subscribe(self.mailbox.id, Topic::Desk);
        let (first, last) = chats::desk_bounds(&self.state.db).await.unwrap_or((0, 0));
        let hello = events::ephemeral(
            "hello",
            None,
            json!({"feed_seq": last, "heartbeat_s": self.state.settings.chat_heartbeat_secs}),
            chrono::Utc::now(),
        );
        self.send(events::json_text(&hello)).await;
        if feed_after < 0 {
            self.desk_sent = last;
            return;
        }
        if first > feed_after + 1 {
            let resync = events::ephemeral(
                "resync_required",
                None,
                json!({"feed_seq": last, "reason": "the feed no longer holds what you missed; reload the queue"}),
                chrono::Utc::now(),
            );
            self.send(events::json_text(&resync)).await;
            self.desk_sent = last;
            return;
        }
        self.desk_sent = feed_after;
        self.replay_desk().await;
    }

    /// Sends the chat's stored events after the last one sent, in order.
    async fn replay(&mut self, chat_id: i64) {
        loop {
            let after = self.sent.get(&chat_id).copied().unwrap_or(0);
            let rows = match chats::events_after(&self.state.db, chat_id, after, REPLAY_PAGE).await
            {
                Ok(rows) => rows,
                Err(err) => {
                    tracing::warn!(error = %err, "replay failed");
                    return;
                }
            };
            let n = rows.len();
            for row in rows {
                let json = events::json_text(&events::to_wire(&row, !self.staff));
                self.sent.insert(chat_id, row.seq);
                self.state.realtime.note_delivered(chat_id, row.seq);
                self.send(json).await;
                if self.ended.is_some() {
                    return;
                }
            }
            if (n as u64) < REPLAY_PAGE {
                return;
            }
        }
    }

    async fn replay_desk(&mut self) {
        loop {
            let rows = match chats::desk_after(&self.state.db, self.desk_sent, REPLAY_PAGE).await {
                Ok(rows) => rows,
                Err(_) => return,
            };
            let n = rows.len();
            for row in rows {
                self.desk_sent = row.seq;
                self.send(events::json_text(&events::desk_to_wire(&row)))
                    .await;
            }
            if (n as u64) < REPLAY_PAGE {
                return;
            }
        }
    }

    /// Sends a text frame; a send blocked for 5 s ends the session as a slow consumer.
    async fn send(&mut self, text: String) {
        if self.ended.is_some() {
            return;
        }
        match tokio::time::timeout(SEND_TIMEOUT, self.session.text(text)).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) => self.ended = Some(End::ClientLeft),
            Err(_) => self.ended = Some(End::Code(close::SLOW_CONSUMER)),
        }
    }

    /// Sends a live frame from the hub: stored events in `seq` order without repeats.
    async fn deliver(&mut self, frame: Arc<Frame>) {
        if let Some(feed_seq) = frame.feed_seq {
            if feed_seq <= self.desk_sent {
                return;
            }
            if feed_seq > self.desk_sent + 1 {
                self.replay_desk().await;
                return;
            }
            self.desk_sent = feed_seq;
            self.send(frame.staff.to_string()).await;
            return;
        }
        if frame.customer_only && self.staff {
            return;
        }
        let text = if self.staff {
            frame.staff.clone()
        } else {
            frame
                .customer
                .clone()
                .unwrap_or_else(|| frame.staff.clone())
        };
        match (frame.chat_id, frame.seq) {
            (Some(chat_id), Some(seq)) => {
                let Some(last) = self.sent.get(&chat_id).copied() else {
                    return;
                };
                if seq <= last {
                    return;
                }
                if seq > last + 1 {
                    self.replay(chat_id).await;
                    return;
                }
                self.sent.insert(chat_id, seq);
                if let Some(stored_at) = frame.stored_at {
                    metrics::histogram!("ayuda_chat_delivery_seconds")
                        .record(stored_at.elapsed().as_secs_f64());
                }
                self.send(text.to_string()).await;
            }
            _ => self.send(text.to_string()).await,
        }
    }

    /// The main loop: client frames, hub frames, heartbeats, shutdown.
    async fn run(mut self, stream: actix_ws::MessageStream, own_chat: Option<i64>) {
        let mut stream = stream
            .max_frame_size(MAX_FRAME_BYTES)
            .aggregate_continuations()
            .max_continuation_size(MAX_FRAME_BYTES);
        let beat = Duration::from_secs(self.state.settings.chat_heartbeat_secs);
        let mut heartbeat = tokio::time::interval(beat);
        heartbeat.tick().await;
        let mut last_heard = Instant::now();
        let mut shutdown = self.state.realtime.shutdown.subscribe();
        while self.ended.is_none() {
            if self.mailbox.kicked.load(Ordering::Acquire) {
                self.ended = Some(End::Code(close::SLOW_CONSUMER));
                break;
            }
            tokio::select! {
                biased;
                _ = shutdown.changed() => {
                    self.ended = Some(End::Code(close::RESTARTING));
                }
                frame = self.mailbox.rx.recv() => match frame {
                    Some(frame) => self.deliver(frame).await,
                    None => self.ended = Some(End::Code(close::SLOW_CONSUMER)),
                },
                msg = stream.recv() => {
                    last_heard = Instant::now();
                    match msg {
                        Some(Ok(AggregatedMessage::Text(text))) => self.on_text(&text, own_chat).await,
                        Some(Ok(AggregatedMessage::Binary(_))) => {
                            self.error(None, 400, "send JSON text frames").await;
                        }
                        Some(Ok(AggregatedMessage::Ping(bytes))) => {
                            let _ = self.session.pong(&bytes).await;
                        }
                        Some(Ok(AggregatedMessage::Pong(_))) => {}
                        Some(Ok(AggregatedMessage::Close(_))) | None => {
                            self.ended = Some(End::ClientLeft);
                        }
                        Some(Err(actix_ws::ProtocolError::Overflow)) => {
                            self.ended = Some(End::Code(close::TOO_BIG));
                        }
                        Some(Err(_)) => self.ended = Some(End::ClientLeft),
                    }
                }
                _ = heartbeat.tick() => {
                    // Silent for two beats, or gone: either way the client has left.
                    if last_heard.elapsed() > beat * 2 || self.session.ping(b"").await.is_err() {
                        self.ended = Some(End::ClientLeft);
                    }
                    if !self.staff && let Some(chat_id) = own_chat {
                        self.customer_seen(chat_id).await;
                    }
                }
            }
        }
        self.state.realtime.hub.close(self.mailbox.id);
        self.state.realtime.forget_unwatched();
        if let Some(End::Code(code)) = self.ended {
            close_with(self.session, code).await;
        } else {
            let _ = self.session.close(None).await;
        }
    }

    /// The customer is here: offline email waits.
    async fn customer_seen(&self, chat_id: i64) {
        let _ = chats::update(
            &self.state.writer,
            chat_id,
            chats::ChatChanges {
                customer_seen_at: Some(chrono::Utc::now()),
                ..chats::ChatChanges::default()
            },
            chrono::Utc::now(),
        )
        .await;
    }

    async fn error(&mut self, chat_id: Option<i64>, status: u16, detail: &str) {
        let frame = events::ephemeral(
            "error",
            chat_id,
            json!({"status": status, "detail": detail}),
            chrono::Utc::now(),
        );
        self.send(events::json_text(&frame)).await;
    }

    async fn problem(&mut self, chat_id: Option<i64>, err: ApiError, client_msg_id: Option<&str>) {
        let p = err.problem();
        let frame = events::ephemeral(
            "error",
            chat_id,
            json!({"status": p.status, "detail": p.detail, "code": p.code, "errors": p.errors, "client_msg_id": client_msg_id}),
            chrono::Utc::now(),
        );
        self.send(events::json_text(&frame)).await;
    }

    /// The chat a frame is about: a chat socket's own, or the one an agent console names.
    fn target(&self, own_chat: Option<i64>, named: Option<i64>) -> Option<i64> {
        match own_chat {
            Some(own) => Some(own),
            None => named.filter(|id| self.sent.contains_key(id)),
        }
    }

    async fn on_text(&mut self, text: &str, own_chat: Option<i64>) {
        let frame: ClientFrame = match serde_json::from_str(text) {
            Ok(frame) => frame,
            Err(err) => {
                self.error(None, 400, &format!("not a frame of this protocol: {err}"))
                    .await;
                return;
            }
        };
        match frame {
            ClientFrame::Ping => {
                let pong = events::ephemeral("pong", own_chat, json!({}), chrono::Utc::now());
                self.send(events::json_text(&pong)).await;
            }
            ClientFrame::Send {
                client_msg_id,
                body,
                choice_id,
                chat_id,
                internal,
            } => {
                if !self.allow_send() {
                    self.ended = Some(End::Code(close::RATE_LIMITED));
                    return;
                }
                let Some(chat_id) = self.target(own_chat, chat_id) else {
                    self.error(None, 404, "subscribe to the chat first").await;
                    return;
                };
                let input = SendChatMessage {
                    body,
                    client_msg_id: client_msg_id.clone(),
                    choice_id,
                    attachment_ids: Vec::new(),
                    internal,
                };
                let result = match crate::error::validated(input) {
                    Ok(input) => messages::send(&self.state, &self.user, chat_id, input).await,
                    Err(err) => Err(err),
                };
                match result {
                    Ok(sent) => {
                        let ack = events::ephemeral(
                            "ack",
                            Some(chat_id),
                            json!({"client_msg_id": client_msg_id, "seq": sent.event.seq}),
                            chrono::Utc::now(),
                        );
                        // Through the socket's own queue: after the event it acknowledges.
                        let _ = self.mailbox.sender().try_send(Arc::new(Frame::ephemeral(
                            Some(chat_id),
                            events::json_text(&ack),
                        )));
                    }
                    Err(err) => self.problem(Some(chat_id), err, Some(&client_msg_id)).await,
                }
            }
            ClientFrame::Typing { on, chat_id } => {
                if let Some(chat_id) = self.target(own_chat, chat_id) {
                    let who = if self.staff { "agent" } else { "customer" };
                    let frame = events::ephemeral(
                        "typing",
                        Some(chat_id),
                        json!({"who": who, "user_id": self.user.id, "name": self.user.name, "on": on}),
                        chrono::Utc::now(),
                    );
                    super::listener::broadcast_ephemeral(
                        &self.state,
                        chat_id,
                        events::json_text(&frame),
                    )
                    .await;
                }
            }
            ClientFrame::Read { up_to_seq, chat_id } => {
                if let Some(chat_id) = self.target(own_chat, chat_id)
                    && let Err(err) =
                        messages::read(&self.state, &self.user, chat_id, up_to_seq).await
                {
                    self.problem(Some(chat_id), err, None).await;
                }
            }
            ClientFrame::Resume { after_seq, chat_id } => {
                if let Some(chat_id) = self.target(own_chat, chat_id) {
                    self.sent.insert(chat_id, after_seq.max(0));
                    self.replay(chat_id).await;
                }
            }
            ClientFrame::Subscribe { chat_id, after_seq } => {
                if !self.console {
                    self.error(None, 400, "only the agent console subscribes")
                        .await;
                    return;
                }
                match chats::find(&self.state.db, chat_id).await {
                    Ok(Some(_)) => self.follow(chat_id, after_seq.max(0)).await,
                    _ => self.error(Some(chat_id), 404, "no such chat").await,
                }
            }
            ClientFrame::Unsubscribe { chat_id } => {
                if self.console {
                    self.sent.remove(&chat_id);
                    self.state
                        .realtime
                        .hub
                        .unsubscribe(self.mailbox.id, Topic::Chat(chat_id));
                }
            }
        }
    }

    /// Whether one more message is within the socket's rate.
    fn allow_send(&mut self) -> bool {
        let quota = self.state.settings.chat_socket_rate;
        let now = Instant::now();
        while self
            .recent_sends
            .front()
            .is_some_and(|t| now.duration_since(*t) >= quota.window)
        {
            self.recent_sends.pop_front();
        }
        if self.recent_sends.len() >= quota.max as usize {
            return false;
        }
        self.recent_sends.push_back(now);
        true
    }
}
