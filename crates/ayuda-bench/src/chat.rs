//! The live chat benchmark: `chats` chats served by one agent (one customer socket and one
//! agent socket each), messages sent over the sockets at a fixed total rate, alternating
//! sides; delivery is the time from sending a frame to the other side receiving its event
//! (both ends in this process, one clock). With two instances the customers talk to one and
//! the agent to the other. Then idle sockets: how much memory each costs the server and how
//! fast they all connect.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::stream::{SplitSink, StreamExt};
use futures_util::{SinkExt, future};
use hdrhistogram::Histogram;
use sea_orm::{EntityTrait, Set};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Sink = SplitSink<WebSocketStream<MaybeTlsStream<TcpStream>>, Message>;

/// Seeds `n` customers who can log in with the bench password.
pub async fn seed_customers(
    db: &sea_orm::DatabaseConnection,
    n: usize,
) -> anyhow::Result<Vec<String>> {
    use ayuda_db::entity::user;
    let password = ayuda_domain::Password::parse(crate::seed::PASSWORD, 8)
        .map_err(|e| anyhow::anyhow!("password: {e}"))?;
    let hash = ayuda_server::auth::password::Hasher::for_this_machine()
        .hash(&password)
        .await?;
    let now = chrono::Utc::now();
    let emails: Vec<String> = (0..n).map(|i| format!("chatter{i}@bench.test")).collect();
    for chunk in emails.chunks(500) {
        let rows = chunk.iter().map(|email| user::ActiveModel {
            email: Set(email.clone()),
            name: Set(email.split('@').next().unwrap_or("x").to_owned()),
            role: Set("customer".into()),
            locale: Set("en".into()),
            password_hash: Set(Some(hash.clone())),
            active: Set(true),
            activated_at: Set(Some(now)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        user::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(emails)
}

/// One instance's address.
#[derive(Clone)]
pub struct Node {
    /// `http://127.0.0.1:port`.
    pub base: String,
}

impl Node {
    fn ws(&self, path: &str) -> String {
        format!("{}{path}", self.base.replacen("http", "ws", 1))
    }
}

async fn post(
    client: &reqwest::Client,
    node: &Node,
    token: &str,
    path: &str,
    body: Value,
) -> anyhow::Result<Value> {
    let res = client
        .post(format!("{}/api/v1{path}", node.base))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await?;
    let status = res.status();
    let text = res.text().await?;
    if !status.is_success() {
        bail!("POST {path}: {status} {text}");
    }
    Ok(if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text)?
    })
}

/// Opens a socket with a fresh ticket; returns it once `hello` arrived.
async fn socket(
    client: &reqwest::Client,
    node: &Node,
    token: &str,
    chat: Option<i64>,
    after_seq: i64,
) -> anyhow::Result<WebSocketStream<MaybeTlsStream<TcpStream>>> {
    let (ticket_path, path) = match chat {
        Some(id) => (
            format!("/chats/{id}/ws-ticket"),
            format!("/api/v1/chats/{id}/ws"),
        ),
        None => ("/agent/ws-ticket".to_owned(), "/api/v1/agent/ws".to_owned()),
    };
    let ticket = post(client, node, token, &ticket_path, json!({})).await?;
    let ticket = ticket["ticket"].as_str().context("ticket")?;
    let param = if chat.is_some() {
        "after_seq"
    } else {
        "feed_after"
    };
    let url = node.ws(&format!("{path}?ticket={ticket}&{param}={after_seq}"));
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await?;
    while let Some(msg) = ws.next().await {
        if let Message::Text(text) = msg?
            && text.contains("\"hello\"")
        {
            return Ok(ws);
        }
    }
    bail!("socket closed before hello")
}

/// Shared by the readers: when each message was sent, and what each side received.
#[derive(Default)]
struct Tally {
    sent: HashMap<String, Instant>,
    received: HashSet<String>,
    duplicates: u64,
    latency: Option<Histogram<u64>>,
}

/// What the delivery run measured.
pub struct Delivery {
    /// Messages sent.
    pub sent: u64,
    /// Sent but never received by the other side.
    pub lost: u64,
    /// Received more than once.
    pub duplicates: u64,
    /// Send → receive, ms.
    pub p50_ms: f64,
    /// Send → receive, ms.
    pub p99_ms: f64,
    /// Largest, ms.
    pub max_ms: f64,
}

/// Sets up `chats` served chats (customers on `front`, the agent on `back`), then sends
/// `rate` messages per second for `seconds`.
pub async fn delivery(
    client: &reqwest::Client,
    front: &Node,
    back: &Node,
    agent: &str,
    customers: &[String],
    rate: u64,
    seconds: u64,
) -> anyhow::Result<Delivery> {
    // The agent's console makes them online; then every customer asks and is accepted.
    // It is read for the whole run, as a browser does: a socket nobody reads never answers
    // the server's pings and fills its outbound queue, so the server would close it and,
    // 120 s later, count the agent as gone and put every chat back in the queue.
    let mut console = socket(client, back, agent, None, -1).await?;
    tokio::spawn(async move { while let Some(Ok(_)) = console.next().await {} });
    client
        .put(format!("{}/api/v1/agent/presence", back.base))
        .bearer_auth(agent)
        .json(&json!({"status": "online"}))
        .send()
        .await?
        .error_for_status()?;
    let tally = Arc::new(Mutex::new(Tally {
        latency: Some(Histogram::new(3)?),
        ..Tally::default()
    }));
    let started = Instant::now();
    let setups = futures_util::stream::iter(customers.iter().cloned().enumerate())
        .map(|(n, token)| {
            let (client, front, back, agent, tally) = (
                client.clone(),
                front.clone(),
                back.clone(),
                agent.to_owned(),
                tally.clone(),
            );
            async move {
                let chat = post(&client, &front, &token, "/chats", json!({})).await?;
                let id = chat["id"].as_i64().context("chat id")?;
                post(
                    &client,
                    &front,
                    &token,
                    &format!("/chats/{id}/live-agent"),
                    json!({}),
                )
                .await?;
                let accepted = post(
                    &client,
                    &back,
                    &agent,
                    &format!("/chats/{id}/accept"),
                    json!({}),
                )
                .await?;
                let seq = accepted["last_seq"].as_i64().unwrap_or(0);
                let customer_ws = socket(&client, &front, &token, Some(id), seq).await?;
                let agent_ws = socket(&client, &back, &agent, Some(id), seq).await?;
                let (customer_sink, customer_stream) = customer_ws.split();
                let (agent_sink, agent_stream) = agent_ws.split();
                tokio::spawn(read(customer_stream, "agent", tally.clone()));
                tokio::spawn(read(agent_stream, "customer", tally));
                anyhow::Ok((n, id, customer_sink, agent_sink))
            }
        })
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await;
    let mut pairs = Vec::new();
    for setup in setups {
        let (_, _, customer, agent) = setup?;
        pairs.push((
            tokio::sync::Mutex::new(customer),
            tokio::sync::Mutex::new(agent),
        ));
    }
    eprintln!(
        "{} chats served, {} sockets, in {:.1} s",
        pairs.len(),
        pairs.len() * 2 + 1,
        started.elapsed().as_secs_f64()
    );

    let total = rate * seconds;
    let every = Duration::from_secs_f64(1.0 / rate as f64);
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let pairs = Arc::new(pairs);
    let mut sends = Vec::new();
    for n in 0..total {
        tick.tick().await;
        let pairs = pairs.clone();
        let tally = tally.clone();
        sends.push(tokio::spawn(async move {
            let index = usize::try_from(n).unwrap_or(0) % pairs.len();
            let id = format!("b-{n}");
            let frame = json!({"op": "send", "client_msg_id": id, "body": format!("message {n}")});
            lock(&tally).sent.insert(id, Instant::now());
            let (customer, agent) = &pairs[index];
            let sink: &tokio::sync::Mutex<Sink> = if n % 2 == 0 { customer } else { agent };
            let _ = sink
                .lock()
                .await
                .send(Message::Text(frame.to_string().into()))
                .await;
        }));
    }
    future::join_all(sends).await;
    // Let the last ones arrive.
    for _ in 0..50 {
        if lock(&tally).received.len() as u64 >= total {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let tally = lock(&tally);
    let histogram = tally.latency.as_ref().context("histogram")?;
    let ms = |q: f64| histogram.value_at_quantile(q) as f64 / 1000.0;
    Ok(Delivery {
        sent: total,
        lost: total.saturating_sub(tally.received.len() as u64),
        duplicates: tally.duplicates,
        p50_ms: ms(0.5),
        p99_ms: ms(0.99),
        max_ms: histogram.max() as f64 / 1000.0,
    })
}

/// The tally, even if a reader panicked while holding it.
fn lock(tally: &Mutex<Tally>) -> std::sync::MutexGuard<'_, Tally> {
    tally
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Reads a socket; messages written by `from` are deliveries to time.
async fn read(
    mut stream: futures_util::stream::SplitStream<WebSocketStream<MaybeTlsStream<TcpStream>>>,
    from: &'static str,
    tally: Arc<Mutex<Tally>>,
) {
    while let Some(Ok(msg)) = stream.next().await {
        let Message::Text(text) = msg else { continue };
        let Ok(frame) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        if frame["type"] != "message.created" || frame["data"]["author"]["kind"] != from {
            continue;
        }
        let Some(id) = frame["data"]["client_msg_id"].as_str() else {
            continue;
        };
        let mut tally = lock(&tally);
        let Some(sent) = tally.sent.get(id).copied() else {
            continue;
        };
        if tally.received.insert(id.to_owned()) {
            let micros = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
            if let Some(h) = tally.latency.as_mut() {
                let _ = h.record(micros.max(1));
            }
        } else {
            tally.duplicates += 1;
        }
    }
}

/// Each customer asks the bot one keyword; the server's p99 of its answers, ms.
pub async fn bot_answers(
    client: &reqwest::Client,
    node: &Node,
    customers: &[String],
) -> anyhow::Result<()> {
    let results = futures_util::stream::iter(customers.iter().cloned())
        .map(|token| {
            let (client, node) = (client.clone(), node.clone());
            async move {
                let chat = post(&client, &node, &token, "/chats", json!({})).await?;
                let id = chat["id"].as_i64().context("chat id")?;
                let body = json!({"body": "invoices", "client_msg_id": format!("bot-{id}")});
                post(
                    &client,
                    &node,
                    &token,
                    &format!("/chats/{id}/messages"),
                    body,
                )
                .await?;
                anyhow::Ok(())
            }
        })
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await;
    for r in results {
        r?;
    }
    Ok(())
}

/// A quantile of a summary on `/metrics`, in ms.
pub async fn server_quantile(
    client: &reqwest::Client,
    node: &Node,
    metric: &str,
    q: &str,
) -> anyhow::Result<f64> {
    let text = client
        .get(format!("{}/metrics", node.base))
        .send()
        .await?
        .text()
        .await?;
    let prefix = format!("{metric}{{quantile=\"{q}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map(|s| s * 1000.0)
        .with_context(|| format!("{metric} not on /metrics"))
}

/// Resident memory of a process, KiB.
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// `n` idle agent-console sockets: seconds until all are connected, and the server's
/// memory per socket in KiB.
pub async fn idle(
    client: &reqwest::Client,
    node: &Node,
    agent: &str,
    pid: u32,
    n: usize,
) -> anyhow::Result<(f64, f64)> {
    let tickets = futures_util::stream::iter(0..n)
        .map(|_| {
            let (client, node, agent) = (client.clone(), node.clone(), agent.to_owned());
            async move {
                let t = post(&client, &node, &agent, "/agent/ws-ticket", json!({})).await?;
                t["ticket"].as_str().map(str::to_owned).context("ticket")
            }
        })
        .buffer_unordered(32)
        .collect::<Vec<_>>()
        .await;
    let tickets: Vec<String> = tickets.into_iter().collect::<anyhow::Result<_>>()?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = rss_kib(pid);
    let started = Instant::now();
    let sockets = futures_util::stream::iter(tickets)
        .map(|ticket| {
            let url = node.ws(&format!("/api/v1/agent/ws?ticket={ticket}&feed_after=-1"));
            async move {
                let (mut ws, _) = tokio_tungstenite::connect_async(url).await?;
                while let Some(msg) = ws.next().await {
                    if let Message::Text(text) = msg?
                        && text.contains("\"hello\"")
                    {
                        return anyhow::Ok(ws);
                    }
                }
                bail!("closed before hello")
            }
        })
        .buffer_unordered(256)
        .collect::<Vec<_>>()
        .await;
    let connected = started.elapsed().as_secs_f64();
    let open: Vec<_> = sockets.into_iter().filter_map(Result::ok).collect();
    if open.len() < n {
        bail!("only {} of {n} idle sockets connected", open.len());
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = rss_kib(pid);
    let per = after.saturating_sub(before) as f64 / n as f64;
    drop(open);
    Ok((connected, per))
}
