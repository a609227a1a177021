//! `ayuda-bench`: seeds a database with N tickets, starts the real `ayuda` binary on it, and
//! drives the API with 64 concurrent connections, endpoint by endpoint, reporting
//! requests/s and p50/p99 latency as a Markdown table. `/healthz` of the same server in the
//! same run is the ceiling of the machine and the HTTP stack.
//!
//! ```text
//! cargo build --release -p ayuda-server -p ayuda-bench
//! target/release/ayuda-bench --db sqlite --tickets 10000
//! target/release/ayuda-bench --db postgres --tickets 1000000
//! target/release/ayuda-bench --chat --db sqlite              # live chat
//! target/release/ayuda-bench --chat --db postgres --instances 2
//! ```

mod chat;
mod intake;
mod load;
mod seed;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use ayuda_server::Settings;
use clap::{Parser, ValueEnum};
use futures_util::StreamExt;
use serde_json::json;

use crate::load::{Workload, run};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Db {
    Sqlite,
    Postgres,
}

/// Load benchmark of the Ayuda API.
#[derive(Debug, Parser)]
struct Args {
    /// Database to run on.
    #[arg(long, value_enum, default_value = "sqlite")]
    db: Db,
    /// Tickets to seed.
    #[arg(long, default_value_t = 10_000)]
    tickets: i64,
    /// Seconds per workload.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Concurrent connections.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// PostgreSQL server (a database is created on it and dropped after).
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres: String,
    /// Run only the workloads whose name contains this (for profiling one of them).
    #[arg(long)]
    only: Option<String>,
    /// The `ayuda` binary; next to this one by default.
    #[arg(long)]
    server: Option<PathBuf>,
    /// Benchmark live chat instead of the ticket workloads.
    #[arg(long)]
    chat: bool,
    /// Chats served at once (one customer socket and one agent socket each).
    #[arg(long, default_value_t = 1000)]
    chats: usize,
    /// Chat messages per second, in all.
    #[arg(long, default_value_t = 200)]
    rate: u64,
    /// Server instances (2 needs PostgreSQL): customers on the first, the agent on the last.
    #[arg(long, default_value_t = 1)]
    instances: usize,
    /// Idle sockets to open at the end of the chat benchmark (0: skip).
    #[arg(long, default_value_t = 10_000)]
    idle: usize,
}

/// Kills the server when the benchmark ends, however it ends.
struct Server(Child);

impl Server {
    fn pid(&self) -> u32 {
        self.0.id()
    }
}

/// Starts the `ayuda` binary on the database with the benchmark's settings (and `extra`
/// variables); returns it with its base URL.
fn start_server(
    args: &Args,
    data_dir: &std::path::Path,
    database_url: &str,
    extra: &[(&str, String)],
) -> anyhow::Result<(Server, String)> {
    let port = free_port()?;
    let binary = match &args.server {
        Some(path) => path.clone(),
        None => std::env::current_exe()?
            .parent()
            .context("binary directory")?
            .join("ayuda"),
    };
    let mut command = Command::new(&binary);
    command
        .arg("serve")
        .env("AYUDA_ADDR", format!("127.0.0.1:{port}"))
        .env("AYUDA_DATA_DIR", data_dir)
        .env("DATABASE_URL", database_url)
        .env("AYUDA_JWT_SECRET", JWT_SECRET)
        .env("AYUDA_ACCESS_TOKEN_TTL_SECS", "7200")
        .env("AYUDA_RATE_LOGIN_ADDRESS", "100000/60")
        // The flood below measures the bounds on hashing, not the rate limits.
        .env("AYUDA_RATE_LOGIN_ACCOUNT", "100000/60")
        .env("AYUDA_RATE_TOKEN", "100000/60")
        .env("AYUDA_INBOUND_TOKEN", INBOUND_TOKEN)
        // Statements per request, read from each answer.
        .env("AYUDA_SERVER_TIMING", "true")
        .env("AYUDA_DIST_DIR", data_dir.join("no-spa"))
        .env("RUST_LOG", "error")
        .stdout(Stdio::null());
    for (name, value) in extra {
        command.env(name, value);
    }
    let child = command
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    Ok((Server(child), format!("http://127.0.0.1:{port}")))
}

/// Live chat: bot answers, delivery across `--chats` served chats at `--rate`, then idle
/// sockets; each figure beside `/healthz` of the same server.
async fn chat_bench(
    args: &Args,
    data_dir: &std::path::Path,
    database_url: &str,
) -> anyhow::Result<()> {
    if args.instances > 1 && matches!(args.db, Db::Sqlite) {
        bail!("several instances need --db postgres");
    }
    let settings = Settings {
        data_dir: data_dir.to_path_buf(),
        database_url: Some(database_url.into()),
        ..Settings::default()
    };
    let db = ayuda_server::startup::open_database(&settings).await?;
    let customers = chat::seed_customers(db.write.connection(), args.chats).await?;
    db.read.close().await?;
    db.write.connection().clone().close().await?;
    let extra = [
        ("AYUDA_CHAT_MAX_CHATS", "1000000".to_owned()),
        ("AYUDA_CHAT_QUEUE_LIMIT", "1000000".to_owned()),
        ("AYUDA_DB_MAX_CONNECTIONS", "32".to_owned()),
    ];
    let mut servers = Vec::new();
    let mut nodes = Vec::new();
    for _ in 0..args.instances.max(1) {
        let (server, base) = start_server(args, data_dir, database_url, &extra)?;
        servers.push(server);
        nodes.push(chat::Node { base });
    }
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    for node in &nodes {
        wait_ready(&client, &node.base).await?;
    }
    let (front, back) = (&nodes[0], &nodes[nodes.len() - 1]);
    // The seeded agent (tickets seed) or, with --tickets 0, none: make sure there is one.
    let agent = login(&client, &back.base, "agent@bench.test").await?;
    let mut tokens = Vec::new();
    let logins = futures_util::stream::iter(customers.iter().cloned())
        .map(|email| {
            let (client, base) = (client.clone(), front.base.clone());
            async move { login(&client, &base, &email).await }
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    for token in logins {
        tokens.push(token?);
    }
    let healthz = run(
        &client,
        &Workload::get("healthz", format!("{}/healthz", front.base), None),
        64,
        Duration::from_secs(args.seconds.min(5)),
    )
    .await;
    println!(
        "\nlive chat, {} database, {} instance(s), {} chats, {} messages/s for {} s\n",
        match args.db {
            Db::Sqlite => "SQLite",
            Db::Postgres => "PostgreSQL",
        },
        nodes.len(),
        args.chats,
        args.rate,
        args.seconds
    );
    println!("| measure | value | ratio to /healthz p50 |");
    println!("| --- | ---: | ---: |");
    println!(
        "| /healthz (64 connections): requests/s, p50 | {:.0}/s, {:.2} ms | 1 |",
        healthz.per_second, healthz.p50_ms
    );
    chat::bot_answers(&client, front, &tokens).await?;
    let bot =
        chat::server_quantile(&client, front, "ayuda_chat_bot_answer_seconds", "0.99").await?;
    println!(
        "| bot answer in the server, p99 ({} answers) | {bot:.2} ms | {:.1} |",
        tokens.len(),
        bot / healthz.p50_ms
    );
    // The bot chats are closed so that each customer can open the chat the agent serves.
    for token in &tokens {
        let list: serde_json::Value = client
            .get(format!("{}/api/v1/chats?limit=1", front.base))
            .bearer_auth(token)
            .send()
            .await?
            .json()
            .await?;
        if let Some(id) = list["items"][0]["id"].as_i64() {
            client
                .post(format!("{}/api/v1/chats/{id}/close", front.base))
                .bearer_auth(token)
                .send()
                .await?
                .error_for_status()?;
        }
    }
    let d = chat::delivery(
        &client,
        front,
        back,
        &agent,
        &tokens,
        args.rate,
        args.seconds,
    )
    .await?;
    println!(
        "| delivery send → other side, p50 / p99 / max | {:.2} / {:.2} / {:.2} ms | {:.1} / {:.1} |",
        d.p50_ms,
        d.p99_ms,
        d.max_ms,
        d.p50_ms / healthz.p50_ms,
        d.p99_ms / healthz.p50_ms
    );
    println!(
        "| messages sent / lost / duplicated | {} / {} / {} | |",
        d.sent, d.lost, d.duplicates
    );
    if args.idle > 0 {
        let (secs, kib) = chat::idle(
            &client,
            back,
            &agent,
            servers[servers.len() - 1].pid(),
            args.idle,
        )
        .await?;
        println!(
            "| {} idle sockets: all connected in / server memory each | {secs:.2} s / {kib:.1} KiB | |",
            args.idle
        );
    }
    Ok(())
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let data = tempfile::tempdir()?;
    let (database_url, pg_name) = match args.db {
        Db::Sqlite => (format!("sqlite://{}/ayuda.db", data.path().display()), None),
        Db::Postgres => {
            let name = format!("ayuda_bench_{}", std::process::id());
            admin_sql(&args.postgres, &format!("CREATE DATABASE \"{name}\"")).await?;
            let mut url = url::Url::parse(&args.postgres)?;
            url.set_path(&name);
            (url.to_string(), Some(name))
        }
    };
    let result = bench(&args, data.path().to_path_buf(), &database_url).await;
    if let Some(name) = pg_name {
        admin_sql(
            &args.postgres,
            &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
        )
        .await?;
    }
    result
}

async fn admin_sql(url: &str, sql: &str) -> anyhow::Result<()> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url).await?;
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut conn)
        .await?;
    Ok(())
}

async fn bench(args: &Args, data_dir: PathBuf, database_url: &str) -> anyhow::Result<()> {
    let settings = Settings {
        data_dir: data_dir.clone(),
        database_url: Some(database_url.into()),
        ..Settings::default()
    };
    let db = ayuda_server::startup::open_database(&settings).await?;
    let started = Instant::now();
    let seeded = seed::seed(db.write.connection(), args.tickets).await?;
    eprintln!(
        "seeded {} tickets in {:.1} s",
        args.tickets,
        started.elapsed().as_secs_f64()
    );
    db.read.close().await?;
    db.write.connection().clone().close().await?;

    if args.chat {
        return chat_bench(args, &data_dir, database_url).await;
    }
    let (_server, base) = start_server(args, &data_dir, database_url, &[])?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.connections)
        .build()?;
    wait_ready(&client, &base).await?;

    let agent = login(&client, &base, &seeded.agent_email).await?;
    let mut customers = Vec::new();
    for email in seeded.customer_emails.iter().take(16) {
        customers.push(login(&client, &base, email).await?);
    }
    let (deep_cursor, followed) = follow_cursor(&client, &base, &agent, 400).await?;
    let (first, last) = seeded.tickets;

    let workloads = vec![
        Workload::get("healthz", format!("{base}/healthz"), None),
        Workload::get_random_ticket(&base, &agent, first, last),
        Workload::get(
            "list tickets, first page",
            format!("{base}/api/v1/tickets"),
            Some(agent.clone()),
        ),
        Workload::get(
            &format!("list tickets, cursor followed {followed} times"),
            format!("{base}/api/v1/tickets?cursor={deep_cursor}"),
            Some(agent.clone()),
        ),
        Workload::create_ticket(&base, &customers, seeded.type_id),
        Workload::reply(&base, &agent, first, last),
        Workload::search_articles(&base),
        Workload::search_articles_new(&base),
        Workload::search_tickets(&base, &agent),
        Workload::inbound_email(&base, INBOUND_TOKEN),
    ];
    println!(
        "\n{} tickets, {} database, {} connections, {} s per workload\n",
        args.tickets,
        match args.db {
            Db::Sqlite => "SQLite",
            Db::Postgres => "PostgreSQL",
        },
        args.connections,
        args.seconds
    );
    println!(
        "| workload | requests/s | ratio to /healthz | p50 ms | p99 ms | statements per request | errors |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    // /healthz always runs: it is what the other rows are compared with.
    let selected = workloads.into_iter().filter(|w| {
        w.name == "healthz" || args.only.as_ref().is_none_or(|only| w.name.contains(only))
    });
    let mut ceiling = None;
    for workload in selected {
        let report = run(
            &client,
            &workload,
            args.connections,
            Duration::from_secs(args.seconds),
        )
        .await;
        let ceiling = *ceiling.get_or_insert(report.per_second);
        println!(
            "| {} | {:.0} | {:.4} | {:.2} | {:.2} | {:.1} | {} |",
            workload.name,
            report.per_second,
            report.per_second / ceiling,
            report.p50_ms,
            report.p99_ms,
            report.statements,
            report.errors
        );
    }

    if args
        .only
        .as_ref()
        .is_none_or(|o| "abuse".contains(o.as_str()))
    {
        flood(
            &client,
            &base,
            _server.pid(),
            &seeded.customer_emails,
            args.seconds,
        )
        .await?;
    }

    // The pipeline itself, as the IMAP poller drives it: batches sharing a transaction.
    if args
        .only
        .as_ref()
        .is_none_or(|o| "email intake".contains(o.as_str()))
    {
        let state = ayuda_server::startup::build_state(Settings {
            data_dir: data_dir.clone(),
            database_url: Some(database_url.into()),
            jwt_secret: Some(JWT_SECRET.into()),
            ..Settings::default()
        })
        .await?;
        let per_second = intake::pipeline(&state, 1, 50, Duration::from_secs(args.seconds)).await?;
        let ratio = ceiling.map_or(0.0, |c| per_second / c);
        println!(
            "| email intake, pipeline (batches of 50, as from IMAP) | {per_second:.0} | {ratio:.4} | | | | 0 |"
        );
        let ms = intake::large(&state, 10 * 1024 * 1024).await?;
        let floor = intake::durable_write(&data_dir, 10 * 1024 * 1024)?;
        println!(
            "| email intake, one 10 MB message ({:.1}× writing 10 MB with fsync: {floor:.0} ms) | | | {ms:.0} | | | 0 |",
            ms / floor
        );
    }
    Ok(())
}

/// 400 attackers flood activation and login (rate limits lifted) while a real user logs in
/// twice a second: the real logins' worst time and the server's peak memory.
async fn flood(
    client: &reqwest::Client,
    base: &str,
    pid: u32,
    emails: &[String],
    seconds: u64,
) -> anyhow::Result<()> {
    let flood = Workload::credential_flood(base, &emails[1..]);
    let attack = run(client, &flood, 400, Duration::from_secs(seconds));
    let honest = async {
        let mut worst = Duration::ZERO;
        let mut failed = 0;
        let deadline = Instant::now() + Duration::from_secs(seconds);
        while Instant::now() < deadline {
            let started = Instant::now();
            if login(client, base, &emails[0]).await.is_err() {
                failed += 1;
            }
            worst = worst.max(started.elapsed());
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        (worst, failed)
    };
    let (report, (worst, failed)) = tokio::join!(attack, honest);
    println!(
        "| {} (400 clients; answers/s, any status) | {:.0} | | {:.2} | {:.2} | | |",
        flood.name,
        report.per_second + report.errors as f64 / seconds as f64,
        report.p50_ms,
        report.p99_ms
    );
    println!(
        "| a real login during that flood (worst of {}) | | | {:.0} | | | {failed} |",
        seconds * 2,
        worst.as_secs_f64() * 1000.0
    );
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map_or("unknown".to_owned(), |v| v.trim().to_owned());
    println!("| server peak memory (VmHWM) after the flood | {peak} | | | | | |");
    Ok(())
}

/// The inbound token the benchmark's server is started with.
const INBOUND_TOKEN: &str = "bench-inbound-token";
/// The benchmark server's signing secret.
const JWT_SECRET: &str = "bench-secret-bench-secret-bench-secret!";

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

async fn wait_ready(client: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    for _ in 0..300 {
        if let Ok(res) = client.get(format!("{base}/readyz")).send().await
            && res.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the server did not become ready in 30 s")
}

async fn login(client: &reqwest::Client, base: &str, email: &str) -> anyhow::Result<String> {
    let res: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"login": email, "password": seed::PASSWORD}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    res["access_token"]
        .as_str()
        .map(str::to_owned)
        .context("no access token")
}

/// The cursor reached by following up to `times` cursors of the agent's ticket list (fewer
/// when the list ends first), and how many were followed.
async fn follow_cursor(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    times: usize,
) -> anyhow::Result<(String, usize)> {
    let mut cursor = String::new();
    for followed in 0..times {
        let page: serde_json::Value = client
            .get(format!("{base}/api/v1/tickets?cursor={cursor}"))
            .bearer_auth(token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => return Ok((cursor, followed)),
        }
    }
    Ok((cursor, times))
}
