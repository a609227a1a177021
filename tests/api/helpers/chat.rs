//! Live chat from the outside: REST calls and a real WebSocket client (tokio-tungstenite).

use std::time::Duration;

use ayuda_types::{LoginResponse, Role};
use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::TestApp;

/// How long a test waits for a frame it expects.
const FRAME_WAIT: Duration = Duration::from_secs(10);

/// A connected WebSocket and every frame it has read.
pub struct Ws {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// Frames read so far, in order.
    pub seen: Vec<Value>,
    /// The close code, once the server closed.
    pub closed: Option<u16>,
}

/// How a connection attempt ended.
pub enum Dial {
    /// Upgraded.
    Open(Box<Ws>),
    /// Refused before the upgrade, with this HTTP status.
    Refused(u16),
}

impl Dial {
    /// The socket, or a panic naming the refusal.
    pub fn open(self) -> Ws {
        match self {
            Dial::Open(ws) => *ws,
            Dial::Refused(status) => panic!("socket refused with HTTP {status}"),
        }
    }
}

/// Connects to `url` (`ws://...`), sending `origin` when given.
pub async fn dial(url: &str, origin: Option<&str>) -> Dial {
    let mut request = url.into_client_request().expect("ws request");
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", HeaderValue::from_str(origin).expect("origin"));
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((stream, _)) => Dial::Open(Box::new(Ws {
            stream,
            seen: Vec::new(),
            closed: None,
        })),
        Err(tungstenite::Error::Http(res)) => Dial::Refused(res.status().as_u16()),
        Err(e) => panic!("cannot connect to {url}: {e}"),
    }
}

impl Ws {
    /// The next JSON frame, or `None` once closed (its code in `closed`) or after `wait`.
    pub async fn next_within(&mut self, wait: Duration) -> Option<Value> {
        loop {
            let msg = match tokio::time::timeout(wait, self.stream.next()).await {
                Err(_) => return None,
                Ok(None) => {
                    self.closed.get_or_insert(1006);
                    return None;
                }
                Ok(Some(Err(_))) => {
                    self.closed.get_or_insert(1006);
                    return None;
                }
                Ok(Some(Ok(msg))) => msg,
            };
            match msg {
                Message::Text(text) => {
                    let value: Value = serde_json::from_str(&text).expect("JSON frame");
                    self.seen.push(value.clone());
                    return Some(value);
                }
                Message::Close(frame) => {
                    self.closed = Some(frame.map_or(1005, |f| u16::from(f.code)));
                    return None;
                }
                _ => {}
            }
        }
    }

    /// Reads until a frame of `kind` whose data satisfies `matches`; panics after 10 s.
    pub async fn until(&mut self, kind: &str, matches: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + FRAME_WAIT;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_within(left).await {
                Some(frame) if frame["type"] == kind && matches(&frame["data"]) => return frame,
                Some(_) => {}
                None => panic!(
                    "no {kind} frame (closed: {:?}); seen: {}",
                    self.closed,
                    json!(self.seen)
                ),
            }
        }
    }

    /// Reads until the server closes; returns its close code.
    pub async fn close_code(&mut self) -> u16 {
        let deadline = tokio::time::Instant::now() + FRAME_WAIT;
        while self.closed.is_none() {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                panic!("the socket was not closed; seen: {}", json!(self.seen));
            }
            self.next_within(left).await;
        }
        self.closed.unwrap_or_default()
    }

    /// Sends a JSON frame.
    pub async fn send(&mut self, frame: Value) {
        self.stream
            .send(Message::Text(frame.to_string().into()))
            .await
            .expect("send frame");
    }

    /// Sends raw text (for oversized or malformed frames); false when the socket is gone.
    pub async fn send_text(&mut self, text: String) -> bool {
        self.stream.send(Message::Text(text.into())).await.is_ok()
    }

    /// Drops the connection without a close frame, as a lost network does.
    pub fn drop_connection(self) {
        drop(self.stream);
    }

    /// Stored events (with a `seq`) read so far, in the order they came.
    pub fn seqs(&self) -> Vec<i64> {
        self.seen.iter().filter_map(|f| f["seq"].as_i64()).collect()
    }
}

/// A chat message's body as a frame or an event shows it.
pub fn body(event: &Value) -> &str {
    event["data"]["body"].as_str().unwrap_or_default()
}

/// The choice ids a bot message offers.
pub fn choice_ids(event: &Value) -> Vec<String> {
    event["data"]["choices"]
        .as_array()
        .map(|cs| {
            cs.iter()
                .filter_map(|c| c["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The labels of the choices a bot message offers.
pub fn choice_labels(event: &Value) -> Vec<String> {
    event["data"]["choices"]
        .as_array()
        .map(|cs| {
            cs.iter()
                .filter_map(|c| c["label"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

impl TestApp {
    /// `ws://` URL of a path.
    pub fn ws_url(&self, path: &str) -> String {
        format!("{}{}", self.address.replacen("http", "ws", 1), path)
    }

    /// A customer with this preferred language, logged in.
    pub async fn customer(&self, locale: &str) -> LoginResponse {
        let login = self.user(Role::Customer).await;
        let res = self
            .patch_as(
                &login.access_token,
                "/api/v1/me",
                &json!({"locale": locale}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "set locale");
        login
    }

    /// Opens (or gets back) the customer's chat; returns its snapshot.
    pub async fn open_chat(&self, token: &str) -> Value {
        let res = self.post_as(token, "/api/v1/chats", &json!({})).await;
        assert!(
            res.status() == StatusCode::CREATED || res.status() == StatusCode::OK,
            "open chat: {}",
            res.status()
        );
        res.json().await.expect("snapshot")
    }

    /// A chat's snapshot with its events after `after_seq`.
    pub async fn chat(&self, token: &str, id: i64, after_seq: i64) -> Value {
        let res = self
            .get_as(token, &format!("/api/v1/chats/{id}?after_seq={after_seq}"))
            .await;
        assert_eq!(res.status(), StatusCode::OK, "get chat {id}");
        res.json().await.expect("snapshot")
    }

    /// POSTs a chat move (`live-agent`, `accept`...) with an optional body.
    pub async fn chat_move(
        &self,
        token: &str,
        id: i64,
        action: &str,
        body: Value,
    ) -> reqwest::Response {
        self.post_as(token, &format!("/api/v1/chats/{id}/{action}"), &body)
            .await
    }

    /// A chat move expected to succeed; returns the snapshot after it.
    pub async fn chat_move_ok(&self, token: &str, id: i64, action: &str) -> Value {
        let res = self.chat_move(token, id, action, json!({})).await;
        let status = res.status();
        let body: Value = res.json().await.expect("json");
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
        body
    }

    /// Sends a chat message over REST.
    pub async fn send_message(
        &self,
        token: &str,
        id: i64,
        text: &str,
        client_msg_id: &str,
    ) -> reqwest::Response {
        self.post_as(
            token,
            &format!("/api/v1/chats/{id}/messages"),
            &json!({"body": text, "client_msg_id": client_msg_id}),
        )
        .await
    }

    /// Sends a chat message over REST; returns the status and the body.
    pub async fn say(
        &self,
        token: &str,
        id: i64,
        text: &str,
        client_msg_id: &str,
    ) -> (StatusCode, Value) {
        let res = self.send_message(token, id, text, client_msg_id).await;
        let status = res.status();
        (status, res.json().await.expect("json"))
    }

    /// Presses a bot button.
    pub async fn choose(&self, token: &str, id: i64, choice_id: &str) -> Value {
        let res = self
            .post_as(
                token,
                &format!("/api/v1/chats/{id}/messages"),
                &json!({"body": "", "choice_id": choice_id, "client_msg_id": uuid::Uuid::new_v4().to_string()}),
            )
            .await;
        let status = res.status();
        let body: Value = res.json().await.expect("json");
        assert_eq!(status, StatusCode::CREATED, "choose {choice_id}: {body}");
        body
    }

    /// A single-use socket ticket for a chat (`Some`) or the agent console (`None`).
    pub async fn ws_ticket(&self, token: &str, chat_id: Option<i64>) -> String {
        let path = match chat_id {
            Some(id) => format!("/api/v1/chats/{id}/ws-ticket"),
            None => "/api/v1/agent/ws-ticket".to_owned(),
        };
        let res = self.post_as(token, &path, &json!({})).await;
        let status = res.status();
        let body: Value = res.json().await.expect("json");
        assert_eq!(status, StatusCode::OK, "ws ticket: {body}");
        assert_eq!(body["expires_in"], 60);
        body["ticket"].as_str().expect("ticket").to_owned()
    }

    /// A chat's socket, replaying after `after_seq`.
    pub async fn chat_socket(&self, token: &str, chat_id: i64, after_seq: i64) -> Ws {
        let ticket = self.ws_ticket(token, Some(chat_id)).await;
        let mut ws = dial(
            &self.ws_url(&format!(
                "/api/v1/chats/{chat_id}/ws?ticket={ticket}&after_seq={after_seq}"
            )),
            None,
        )
        .await
        .open();
        ws.until("hello", |_| true).await;
        ws
    }

    /// An agent console's socket.
    pub async fn agent_socket(&self, token: &str) -> Ws {
        let ticket = self.ws_ticket(token, None).await;
        let mut ws = dial(
            &self.ws_url(&format!("/api/v1/agent/ws?ticket={ticket}")),
            None,
        )
        .await
        .open();
        ws.until("hello", |_| true).await;
        ws
    }

    /// An agent who is online with a live console socket (what makes chat available).
    pub async fn online_agent(&self) -> (LoginResponse, Ws) {
        let agent = self.user(Role::Agent).await;
        let ws = self.agent_socket(&agent.access_token).await;
        self.set_presence(&agent.access_token, "online").await;
        (agent, ws)
    }

    /// Sets the caller's presence.
    pub async fn set_presence(&self, token: &str, status: &str) {
        let res = self
            .api
            .put(self.url("/api/v1/agent/presence"))
            .bearer_auth(token)
            .json(&json!({"status": status}))
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), StatusCode::OK, "presence");
    }

    /// A customer's chat that waits in the queue; returns its id.
    pub async fn waiting_chat(&self, token: &str) -> i64 {
        let chat = self.open_chat(token).await;
        let id = chat["id"].as_i64().expect("id");
        let after = self.chat_move_ok(token, id, "live-agent").await;
        assert_eq!(after["state"], "waiting", "{after}");
        id
    }
}
