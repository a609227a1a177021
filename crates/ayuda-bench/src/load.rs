//! The load generator: `connections` tasks send requests back to back for a fixed time;
//! latencies go into an HDR histogram.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde_json::json;

type MakeRequest = dyn Fn(&reqwest::Client, u64) -> reqwest::RequestBuilder + Send + Sync;

/// One endpoint under load.
pub struct Workload {
    /// Row name in the table.
    pub name: String,
    make: Arc<MakeRequest>,
}

/// What a workload measured.
pub struct Report {
    /// Successful requests per second.
    pub per_second: f64,
    /// Median latency.
    pub p50_ms: f64,
    /// 99th percentile latency.
    pub p99_ms: f64,
    /// Requests that failed or answered an error status.
    pub errors: u64,
    /// Database statements per successful request, from the server's `Server-Timing`
    /// header (0 when it sends none).
    pub statements: f64,
}

/// The statement count of a `Server-Timing: db;dur=..;desc="N statements"` header.
fn statements_of(res: &reqwest::Response) -> Option<u64> {
    let header = res.headers().get("server-timing")?.to_str().ok()?;
    header
        .split("desc=\"")
        .nth(1)?
        .split(' ')
        .next()?
        .parse()
        .ok()
}

fn pick(seed: u64, first: i64, last: i64) -> i64 {
    let span = u64::try_from(last - first + 1).unwrap_or(1).max(1);
    first + i64::try_from(seed % span).unwrap_or(0)
}

impl Workload {
    fn new(
        name: &str,
        make: impl Fn(&reqwest::Client, u64) -> reqwest::RequestBuilder + Send + Sync + 'static,
    ) -> Self {
        Self {
            name: name.to_owned(),
            make: Arc::new(make),
        }
    }

    /// GET one URL, with a token or without.
    pub fn get(name: &str, url: String, token: Option<String>) -> Self {
        Self::new(name, move |c, _| {
            let req = c.get(&url);
            match &token {
                Some(t) => req.bearer_auth(t),
                None => req,
            }
        })
    }

    /// GET a random seeded ticket as the agent.
    pub fn get_random_ticket(base: &str, token: &str, first: i64, last: i64) -> Self {
        let (base, token) = (base.to_owned(), token.to_owned());
        Self::new("get ticket", move |c, seed| {
            c.get(format!("{base}/api/v1/tickets/{}", pick(seed, first, last)))
                .bearer_auth(&token)
        })
    }

    /// Open tickets as several customers.
    pub fn create_ticket(base: &str, tokens: &[String], type_id: i64) -> Self {
        let (url, tokens) = (format!("{base}/api/v1/tickets"), tokens.to_vec());
        Self::new("create ticket", move |c, seed| {
            let token = &tokens[usize::try_from(seed).unwrap_or(0) % tokens.len()];
            c.post(&url).bearer_auth(token).json(&json!({
                "title": "No puedo descargar la factura",
                "type_id": type_id,
                "description": "Al pulsar *Descargar* aparece un error. ¿Podéis revisarlo?"
            }))
        })
    }

    /// Agent replies to random tickets that are not closed.
    pub fn reply(base: &str, token: &str, first: i64, last: i64) -> Self {
        let (base, token) = (base.to_owned(), token.to_owned());
        Self::new("add reply", move |c, seed| {
            c.post(format!(
                "{base}/api/v1/tickets/{}/replies",
                crate::seed::open_ticket_number(pick(seed, first, last))
            ))
            .bearer_auth(&token)
            .json(&json!({"body": "Gracias, lo revisamos y te respondemos hoy mismo."}))
        })
    }

    /// Raw email to the inbound endpoint, a new message every time.
    pub fn inbound_email(base: &str, token: &str) -> Self {
        let (url, token) = (format!("{base}/api/v1/inbound/email"), token.to_owned());
        Self::new(
            "email intake, webhook (a message per request)",
            move |c, seed| {
                c.post(&url)
                    .bearer_auth(&token)
                    .header("content-type", "message/rfc822")
                    .body(crate::intake::message(seed))
            },
        )
    }

    /// An attacker's credential flood: made-up activation links and wrong passwords for
    /// real accounts, alternately (each wrong password costs an Argon2 verification).
    pub fn credential_flood(base: &str, emails: &[String]) -> Self {
        let (base, emails) = (base.to_owned(), emails.to_vec());
        Self::new(
            "abuse: bogus activations and wrong passwords",
            move |c, seed| {
                if seed % 2 == 0 {
                    c.post(format!("{base}/api/v1/auth/activate")).json(&json!({
                        "token": format!("made-up-{seed:x}"),
                        "password": "a new password of mine"
                    }))
                } else {
                    let email = &emails[usize::try_from(seed / 2).unwrap_or(0) % emails.len()];
                    c.post(format!("{base}/api/v1/auth/login"))
                        .json(&json!({"login": email, "password": format!("guess {seed}")}))
                }
            },
        )
    }

    /// Ranked ticket search as the agent. The generated conversations draw from 32 words,
    /// so every query matches most tickets: the ranking's worst case, as for articles.
    pub fn search_tickets(base: &str, token: &str) -> Self {
        Self::search(
            "ticket search",
            format!("{base}/api/v1/tickets"),
            Some(token),
            false,
        )
    }

    /// Anonymous ranked article search with a few different queries, each asked again and
    /// again (as customers and the chat bot do): answered mostly from the server's cache.
    pub fn search_articles(base: &str) -> Self {
        Self::search(
            "article search",
            format!("{base}/api/v1/forum/articles"),
            None,
            false,
        )
    }

    /// Anonymous ranked article search where no query was asked before: the same few
    /// queries, each after a word of its own that matches nothing, so the server's cache
    /// never answers and every search ranks all the articles it matches.
    pub fn search_articles_new(base: &str) -> Self {
        Self::search(
            "article search, a new query every time",
            format!("{base}/api/v1/forum/articles"),
            None,
            true,
        )
    }

    /// GET `url?q=` with one of a few queries in turn; `unique` adds a word of its own.
    fn search(name: &str, url: String, token: Option<&str>, unique: bool) -> Self {
        const QUERIES: [&str; 5] = [
            "factura",
            "contraseña acceso",
            "login",
            "descarga",
            "mobile sync",
        ];
        let token = token.map(str::to_owned);
        Self::new(name, move |c, seed| {
            let q = QUERIES[usize::try_from(seed).unwrap_or(0) % QUERIES.len()];
            let req = if unique {
                c.get(format!("{url}?q=zq{seed:x} {q}"))
            } else {
                c.get(format!("{url}?q={q}"))
            };
            match &token {
                Some(t) => req.bearer_auth(t),
                None => req,
            }
        })
    }
}

/// An empty latency histogram: 1 µs to 60 s, 3 significant digits.
#[expect(
    clippy::expect_used,
    reason = "the bounds are constants that hdrhistogram accepts"
)]
fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds")
}

/// Runs `workload` with `connections` concurrent request loops for `duration`.
pub async fn run(
    client: &reqwest::Client,
    workload: &Workload,
    connections: usize,
    duration: Duration,
) -> Report {
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::with_capacity(connections);
    for task in 0..connections {
        let client = client.clone();
        let make = workload.make.clone();
        tasks.push(tokio::spawn(async move {
            let mut histogram = histogram();
            let mut errors = 0u64;
            let mut statements = 0u64;
            let mut seed = 0x9e37_79b9_7f4a_7c15u64 ^ (task as u64 + 1);
            while Instant::now() < deadline {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let sent = Instant::now();
                let ok = match make(&client, seed).send().await {
                    Ok(res) => {
                        let good = res.status().is_success();
                        if good {
                            statements += statements_of(&res).unwrap_or(0);
                        }
                        // Read the whole body: a client waits for it too.
                        res.bytes().await.is_ok() && good
                    }
                    Err(_) => false,
                };
                if ok {
                    let micros = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
                    let _ = histogram.record(micros.max(1));
                } else {
                    errors += 1;
                }
            }
            (histogram, errors, statements)
        }));
    }
    let mut total = histogram();
    let (mut errors, mut statements) = (0, 0);
    for task in tasks {
        if let Ok((h, e, n)) = task.await {
            let _ = total.add(h);
            errors += e;
            statements += n;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    Report {
        per_second: total.len() as f64 / elapsed,
        p50_ms: total.value_at_quantile(0.50) as f64 / 1000.0,
        p99_ms: total.value_at_quantile(0.99) as f64 / 1000.0,
        errors,
        statements: statements as f64 / total.len().max(1) as f64,
    }
}
