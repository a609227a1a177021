//! The live chat client (CHAT.md, "WebSocket"): one chat's stored events in `seq` order,
//! its state, queue place, availability and typing, kept current over a reconnecting
//! socket. The rules that make it lossless: only the next `seq` is applied, what is already
//! here is dropped, a gap is filled from the server (`GET /chats/{id}?after_seq=`), and
//! messages are sent over REST with a `client_msg_id` that is resent, the same, until the
//! server has stored them, so a message typed offline goes out once when back.

use std::rc::Rc;

use ayuda_types::{Availability, ChatEvent, ChatSnapshot, ChatState, QueueInfo, SendChatMessage};
use leptos::prelude::*;

use crate::api::chat::Move;
use crate::api::{self, ApiError};

mod socket;

pub use socket::{Address, Handlers, Socket};

/// A message on its way: shown at once, marked as sending until the server stored it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub client_msg_id: String,
    pub body: String,
    pub choice_id: Option<String>,
    pub internal: bool,
    /// Uploads that go with it.
    pub attachment_ids: Vec<i64>,
}

/// Which side of the chat this client is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Customer,
    Agent,
}

/// One chat, live. Cheap to copy; [`LiveChat::stop`] (or the owner's cleanup) closes it.
#[derive(Clone, Copy)]
pub struct LiveChat {
    pub id: i64,
    pub side: Side,
    /// The chat's facts (state, assignee, ticket...) as of the last snapshot; its `events`
    /// are always empty (they are in [`LiveChat::events`]).
    pub facts: RwSignal<ChatSnapshot>,
    /// Stored events, gapless, in `seq` order.
    pub events: RwSignal<Vec<ChatEvent>>,
    /// The place in the queue while waiting (pushed on every change).
    pub queue: RwSignal<Option<QueueInfo>>,
    /// Whether a live agent can be asked for (pushed).
    pub availability: RwSignal<Option<Availability>>,
    /// Who is typing on the other side.
    pub typing: RwSignal<Option<String>>,
    /// The socket is open.
    pub connected: RwSignal<bool>,
    /// Sent, not yet stored.
    pub pending: RwSignal<Vec<Outgoing>>,
    /// What the other side has read, up to.
    pub peer_read: RwSignal<i64>,
    /// The last refusal of a message or move (shown once).
    pub error: RwSignal<Option<ApiError>>,
    /// What this side has read, up to.
    pub read_up_to: RwSignal<i64>,
    last_seq: StoredValue<i64>,
    /// A message is on its way (they go one at a time, in order).
    sending: StoredValue<bool>,
    socket: StoredValue<Option<Socket>, LocalStorage>,
}

impl LiveChat {
    /// Shows `snapshot` and follows the chat from there. The socket closes with the
    /// component that calls this.
    pub fn follow(mut snapshot: ChatSnapshot, side: Side) -> Self {
        let events = std::mem::take(&mut snapshot.events);
        let queue = snapshot.queue.clone();
        let (mine, peer_read) = match side {
            Side::Customer => (snapshot.customer_read_seq, snapshot.agent_read_seq),
            Side::Agent => (snapshot.agent_read_seq, snapshot.customer_read_seq),
        };
        let chat = LiveChat {
            id: snapshot.id,
            side,
            facts: RwSignal::new(snapshot),
            events: RwSignal::new(Vec::new()),
            queue: RwSignal::new(queue),
            availability: RwSignal::new(None),
            typing: RwSignal::new(None),
            connected: RwSignal::new(false),
            pending: RwSignal::new(Vec::new()),
            peer_read: RwSignal::new(peer_read),
            error: RwSignal::new(None),
            read_up_to: RwSignal::new(mine),
            last_seq: StoredValue::new(0),
            sending: StoredValue::new(false),
            socket: StoredValue::new_local(None),
        };
        chat.take_events(events);
        if side == Side::Customer {
            leptos::task::spawn_local(async move {
                if let Ok(a) = api::chat::availability().await {
                    chat.availability.try_set(Some(a));
                }
            });
        }
        let id = chat.id;
        let address: Address = Rc::new(move || {
            Box::pin(async move {
                let after = chat.last_seq.try_get_value()?;
                let ticket = api::chat::socket_ticket(id).await.ok()?;
                Some(api::chat::socket_url(id, &ticket.ticket, after))
            })
        });
        let handlers = Handlers {
            frame: Box::new(move |event| chat.on_frame(event)),
            connected: Box::new(move |up| {
                chat.connected.try_set(up);
                if up {
                    chat.flush();
                }
            }),
        };
        // Messages typed offline go out as soon as the browser is back online, and are
        // retried every few seconds meanwhile (the socket may not have noticed the outage).
        let online = window_event_listener(leptos::ev::online, move |_| chat.flush());
        let retry = set_interval_with_handle(
            move || {
                if chat.pending.with_untracked(|p| !p.is_empty()) {
                    chat.flush();
                }
            },
            std::time::Duration::from_secs(3),
        )
        .ok();
        on_cleanup(move || {
            online.remove();
            if let Some(retry) = retry {
                retry.clear();
            }
        });
        let socket = Socket::open(address, handlers);
        chat.socket.set_value(Some(socket.clone()));
        let socket = send_wrapper::SendWrapper::new(socket);
        on_cleanup(move || socket.stop());
        chat
    }

    /// The chat's state now.
    pub fn state(&self) -> ChatState {
        self.facts.with(|f| f.state)
    }

    fn on_frame(self, event: ChatEvent) {
        if event.seq.is_some() {
            self.take_events(vec![event]);
            return;
        }
        match event.kind.as_str() {
            "hello" => {
                let last = event.data["last_seq"].as_i64().unwrap_or(0);
                if let Ok(queue) = serde_json::from_value(event.data["queue"].clone()) {
                    self.queue.try_set(queue);
                }
                if last > self.last_seq.get_value() {
                    self.catch_up();
                }
            }
            "queue.updated" => {
                if let Ok(queue) = serde_json::from_value::<QueueInfo>(event.data) {
                    self.queue.try_set(Some(queue));
                }
            }
            "availability" => {
                if let Ok(a) = serde_json::from_value::<Availability>(event.data) {
                    self.availability.try_set(Some(a));
                }
            }
            "typing" => {
                let on = event.data["on"].as_bool().unwrap_or(false);
                let mine = match self.side {
                    Side::Customer => event.data["who"] == "customer",
                    Side::Agent => event.data["who"] != "customer",
                };
                if !mine {
                    let name = event.data["name"].as_str().unwrap_or_default().to_owned();
                    self.typing.try_set(on.then_some(name));
                }
            }
            "resync_required" => self.catch_up(),
            _ => {}
        }
    }

    /// Applies stored events: the next `seq` only; what is here already is dropped, and a
    /// gap is filled from the server before going on.
    fn take_events(self, events: Vec<ChatEvent>) {
        let mut refresh = false;
        let mut gap = false;
        for event in events {
            let Some(seq) = event.seq else { continue };
            let last = self.last_seq.get_value();
            if seq <= last {
                continue;
            }
            if seq > last + 1 {
                gap = true;
                break;
            }
            self.last_seq.set_value(seq);
            match event.kind.as_str() {
                "message.created" => {
                    let id = event.data["client_msg_id"].as_str().map(str::to_owned);
                    if let Some(id) = id {
                        self.drop_pending(&id);
                    }
                    self.typing.set(None);
                }
                "read" => {
                    let theirs = match self.side {
                        Side::Customer => event.data["who"] != "customer",
                        Side::Agent => event.data["who"] == "customer",
                    };
                    if theirs {
                        let up_to = event.data["up_to_seq"].as_i64().unwrap_or(0);
                        self.peer_read.update(|r| *r = (*r).max(up_to));
                    }
                }
                "state.changed" | "agent.joined" | "agent.left" | "ticket.created"
                | "chat.closed" => refresh = true,
                _ => {}
            }
            self.events.update(|list| list.push(event));
        }
        if gap || refresh {
            self.catch_up();
        }
    }

    /// Reads the chat's facts and the events after the last one shown.
    pub fn catch_up(self) {
        leptos::task::spawn_local(async move {
            let Some(after) = self.last_seq.try_get_value() else {
                return;
            };
            if let Ok(snapshot) = api::chat::snapshot(self.id, after).await {
                self.take_snapshot(snapshot);
            }
        });
    }

    fn take_snapshot(self, mut snapshot: ChatSnapshot) {
        let events = std::mem::take(&mut snapshot.events);
        if snapshot.state != ChatState::Waiting {
            self.queue.try_set(None);
        } else if snapshot.queue.is_some() {
            self.queue.try_set(snapshot.queue.clone());
        }
        self.facts.try_set(snapshot);
        self.take_events(events);
    }

    /// Sends a message (text and uploaded files, or a bot button's `choice_id`); it shows
    /// at once as sending and goes out again, the same, until stored.
    pub fn send(self, body: String, choice_id: Option<String>, internal: bool, files: Vec<i64>) {
        let message = Outgoing {
            client_msg_id: new_message_id(),
            body,
            choice_id,
            internal,
            attachment_ids: files,
        };
        self.pending.update(|p| p.push(message));
        self.error.set(None);
        self.flush();
    }

    /// Sends the pending messages one after the other, in the order they were written;
    /// stops at the first that cannot reach the server (it goes again on reconnect).
    pub fn flush(self) {
        if self.sending.get_value() {
            return;
        }
        let Some(message) = self
            .pending
            .try_with_untracked(|p| p.first().cloned())
            .flatten()
        else {
            return;
        };
        self.sending.set_value(true);
        leptos::task::spawn_local(async move {
            let request = SendChatMessage {
                body: message.body.clone(),
                client_msg_id: message.client_msg_id.clone(),
                choice_id: message.choice_id.clone(),
                attachment_ids: message.attachment_ids.clone(),
                internal: message.internal,
            };
            let answer = api::chat::send(self.id, &request).await;
            if self.sending.try_set_value(false).is_some() {
                // The screen is gone.
                return;
            }
            match answer {
                Ok(sent) => {
                    self.take_events(vec![sent.event]);
                    // Stored, even if its event came first over the socket.
                    self.drop_pending(&message.client_msg_id);
                    self.flush();
                }
                // Not reached: it stays, and goes out when the socket is back.
                Err(e) if e.status == 0 || e.status >= 500 => {}
                Err(e) => {
                    // Refused (too long, the chat closed): it will never be stored.
                    self.drop_pending(&message.client_msg_id);
                    self.error.set(Some(e));
                    self.flush();
                }
            }
        });
    }

    fn drop_pending(&self, client_msg_id: &str) {
        self.pending
            .update(|p| p.retain(|o| o.client_msg_id != client_msg_id));
    }

    /// A state move; the chat shows what it stored.
    pub fn act(self, action: Move) {
        self.error.set(None);
        leptos::task::spawn_local(async move {
            match api::chat::act(self.id, action).await {
                Ok(snapshot) => {
                    if self.events.try_get_untracked().is_some() {
                        self.take_snapshot(snapshot);
                    }
                }
                Err(e) => {
                    self.error.try_set(Some(e));
                }
            }
        });
    }

    /// Tells the other side this side is typing (or stopped).
    pub fn set_typing(&self, on: bool) {
        if let Some(socket) = self.socket.get_value() {
            socket.send(&serde_json::json!({"op": "typing", "on": on}));
        }
    }

    /// Marks the other side's messages shown as read (only messages: a read mark is an
    /// event too, and marking those would answer each other forever).
    pub fn read_all(self) {
        let Some(last) = self.events.try_with_untracked(|list| {
            list.iter()
                .rev()
                .find(|e| e.kind == "message.created" && !self.is_mine(e))
                .and_then(|e| e.seq)
        }) else {
            return;
        };
        let Some(last) = last.filter(|seq| *seq > self.read_up_to.get_untracked()) else {
            return;
        };
        self.read_up_to.set(last);
        leptos::task::spawn_local(async move {
            let _ = api::chat::read(self.id, last).await;
        });
    }

    /// Whether a message event was written by this side.
    pub fn is_mine(&self, event: &ChatEvent) -> bool {
        let kind = event.data["author"]["kind"].as_str().unwrap_or_default();
        match self.side {
            Side::Customer => kind == "customer",
            Side::Agent => kind == "agent",
        }
    }

    /// The other side's messages not read yet (for agents: the customer's).
    pub fn unread(&self) -> usize {
        let read = self.read_up_to.get();
        let theirs = |e: &ChatEvent| {
            let customer = e.data["author"]["kind"] == "customer";
            match self.side {
                Side::Customer => !customer,
                Side::Agent => customer,
            }
        };
        self.events.with(|list| {
            list.iter()
                .filter(|e| e.kind == "message.created" && theirs(e))
                .filter(|e| e.seq.is_some_and(|s| s > read))
                .count()
        })
    }

    /// Closes the socket now (the owner's cleanup does it too).
    pub fn stop(&self) {
        if let Some(socket) = self.socket.try_get_value().flatten() {
            socket.stop();
        }
    }
}

/// A message id unique enough per client: time and randomness.
fn new_message_id() -> String {
    let now = js_sys::Date::now() as u64;
    let random = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    format!("web-{now:x}-{random:08x}")
}
