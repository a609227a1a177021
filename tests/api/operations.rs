//! Operations: health, readiness, metrics, request ids, the OpenAPI document and docs
//! page, configuration, and the outbox's behaviour without a reachable SMTP server.

use std::path::PathBuf;
use std::time::Duration;

use ayuda_db::entity::outbox_email;
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::helpers::{spawn_app, spawn_app_with};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = spawn_app().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()
            .get("x-request-id")
            .is_some_and(|v| !v.is_empty())
    );
    assert_eq!(
        res.json::<Value>().await.expect("json"),
        json!({"status": "ok"})
    );
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);

    app.get("/api/v1/me").await; // one 401 to count
    let metrics = app.get("/metrics").await.text().await.expect("metrics");
    assert!(metrics.contains("http_requests_total"), "{metrics}");
    assert!(metrics.contains("route=\"/api/v1/me\""), "{metrics}");
    assert!(metrics.contains("ayuda_outbox_queued"), "{metrics}");
}

#[tokio::test]
async fn the_openapi_document_is_served_and_matches_the_committed_file() {
    let app = spawn_app().await;
    let served: Value = app
        .get("/api/openapi.json")
        .await
        .json()
        .await
        .expect("openapi");
    let generated = ayuda_server::openapi::document_json().expect("document");
    assert_eq!(
        served,
        serde_json::from_str::<Value>(&generated).expect("json")
    );

    let path = repo_root().join("openapi/openapi.json");
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(&path, &generated).expect("write openapi.json");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `UPDATE_OPENAPI=1 cargo xtask test openapi` \
         (or `cargo run -p ayuda-server -- openapi --output openapi/openapi.json`) and commit it"
    );
    for path in [
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/me",
        "/api/v1/users/{id}",
        "/readyz",
    ] {
        assert!(served["paths"][path].is_object(), "{path} undocumented");
    }
    assert_eq!(
        served["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(served["components"]["schemas"]["ProblemDetails"].is_object());
    // Every reference resolves (shared error answers are named once, in
    // components/responses, and must be registered there).
    let text = served.to_string();
    for reference in text.split("\"$ref\":\"#/").skip(1) {
        let pointer = reference.split('"').next().unwrap_or_default();
        assert!(
            served.pointer(&format!("/{pointer}")).is_some(),
            "dangling $ref #/{pointer}"
        );
    }
    assert_eq!(
        served["paths"]["/api/v1/agents"]["get"]["responses"]["401"]["$ref"],
        "#/components/responses/Unauthorized"
    );
}

#[tokio::test]
async fn the_api_docs_page_works_without_internet() {
    let app = spawn_app().await;
    let res = app.get("/api/docs").await; // redirects to /api/docs/
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.expect("html");
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://"),
        "the docs page must not load anything from the internet"
    );
    let init = app
        .get("/api/docs/swagger-initializer.js")
        .await
        .text()
        .await
        .expect("js");
    assert!(init.contains("/api/openapi.json"));
}

/// The README's configuration table is the settings' own declaration, row for row.
#[test]
fn the_readme_documents_every_environment_variable() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let table: Vec<&str> = readme
        .lines()
        .filter(|l| {
            l.starts_with("| `AYUDA_")
                || l.starts_with("| `DATABASE_URL`")
                || l.starts_with("| `RUST_LOG`")
        })
        .collect();
    let declared: Vec<String> = ayuda_server::config::SETTINGS
        .iter()
        .map(|s| s.row())
        .collect();
    assert_eq!(
        table, declared,
        "README.md's table differs from config.rs's declarations"
    );
}

#[tokio::test]
async fn the_first_admin_comes_from_the_settings() {
    let app = spawn_app_with(|s| {
        s.admin_email = Some("boss@example.com".into());
        s.admin_password = Some("boss password".into());
    })
    .await;
    let session = app.login("boss@example.com", "boss password").await;
    assert_eq!(session.user.role, ayuda_types::Role::Admin);
    assert_eq!(
        app.get_as(&session.access_token, "/api/v1/users")
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn without_smtp_mail_stays_queued_and_is_logged_once() {
    let app = spawn_app_with(|s| s.smtp_url = None).await;
    let res = app
        .post(
            "/api/v1/auth/register",
            &json!({"email": "queued@example.com", "name": "Queued"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let row = wait_for_row(&app, |r| r.logged_at.is_some()).await;
    assert_eq!(row.status, "queued");
    assert_eq!(row.kind, "welcome");
    assert!(row.sent_at.is_none());
    assert!(row.text_body.contains("/activate?token="));
}

#[tokio::test]
async fn an_unreachable_smtp_server_is_retried_with_backoff_and_nothing_is_lost() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let app =
        spawn_app_with(|s| s.smtp_url = Some(format!("smtp://127.0.0.1:{port}").into())).await;
    app.post(
        "/api/v1/auth/register",
        &json!({"email": "retry@example.com", "name": "Retry"}),
    )
    .await;
    let row = wait_for_row(&app, |r| r.attempts >= 1).await;
    assert_eq!(
        row.status, "queued",
        "a transient failure keeps the message queued"
    );
    assert!(row.last_error.is_some());
    assert!(row.next_attempt_at > row.created_at + chrono::Duration::seconds(20));
    // The account is there, and the link will arrive once SMTP is back.
    let user = ayuda_db::users::find(&app.db, ayuda_db::users::Lookup::Email("retry@example.com"))
        .await
        .expect("db");
    assert!(user.is_some());
}

async fn wait_for_row(
    app: &crate::helpers::TestApp,
    ready: impl Fn(&outbox_email::Model) -> bool,
) -> outbox_email::Model {
    for _ in 0..100 {
        let rows = outbox_email::Entity::find()
            .all(&app.db)
            .await
            .expect("outbox");
        if let Some(row) = rows.into_iter().find(|r| ready(r)) {
            return row;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("outbox row did not reach the expected state");
}

#[tokio::test]
async fn demo_data_has_tickets_in_every_state_and_a_forum_and_loads_once() {
    use ayuda_types::{ArticleSummary, Page, Ticket, TicketStatus};
    let app = crate::helpers::spawn_app().await;
    ayuda_server::demo::load(&app.state).await.expect("demo");
    ayuda_server::demo::load(&app.state)
        .await
        .expect("demo again");
    let agent = app.login("lucia", ayuda_server::demo::DEMO_PASSWORD).await;
    let page: Page<Ticket> = app
        .get_as(&agent.access_token, "/api/v1/tickets?limit=100")
        .await
        .json()
        .await
        .unwrap();
    // Six demo tickets, and the one Jorge left from a chat when nobody was online.
    assert_eq!(page.items.len(), 7, "loaded once");
    for status in TicketStatus::ALL {
        assert!(
            page.items.iter().any(|t| t.status == *status),
            "a demo ticket is {status}"
        );
    }
    let articles: Page<ArticleSummary> = app
        .get("/api/v1/forum/articles?q=contraseña")
        .await
        .json()
        .await
        .unwrap();
    assert!(!articles.items.is_empty());
    let english: Page<ArticleSummary> = app
        .get("/api/v1/forum/articles?locale=en")
        .await
        .json()
        .await
        .unwrap();
    // Five in English, two of them translations of Spanish originals.
    assert_eq!(english.items.len(), 5);
    assert_eq!(
        english
            .items
            .iter()
            .filter(|a| a.translation_of.is_some())
            .count(),
        2
    );
    // Every demo username signs in (jorge had none), and the stories are spread over days,
    // each message after the one before (they all shared one instant).
    for username in ["admin", "lucia", "tom", "maria", "jorge", "emma"] {
        app.login(username, ayuda_server::demo::DEMO_PASSWORD).await;
    }
    let opened: std::collections::BTreeSet<_> = page
        .items
        .iter()
        .map(|t| t.created_at.date_naive())
        .collect();
    assert!(
        opened.len() >= 5,
        "tickets opened on different days: {opened:?}"
    );
    for ticket in &page.items {
        let replies = app.replies(&agent.access_token, ticket.number).await;
        assert!(
            replies
                .windows(2)
                .all(|w| w[0].created_at < w[1].created_at),
            "#{}: each message after the one before",
            ticket.number
        );
        // The demo's history lies in the past; the chat-made ticket is from the load itself.
        if ticket.channel != ayuda_types::Channel::Chat {
            assert!(ticket.created_at < chrono::Utc::now() - chrono::Duration::hours(12));
        }
    }
    // Shared canned replies in both languages, loaded once.
    let canned: Vec<ayuda_types::CannedReply> = app
        .get_as(&agent.access_token, "/api/v1/canned-replies")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(canned.len(), 6);
    assert!(canned.iter().any(|c| c.locale == ayuda_types::Locale::En));
}

#[tokio::test]
async fn logs_to_a_file_or_pipe_carry_no_colour_codes() {
    let bin = std::env::var("AYUDA_BIN").expect("AYUDA_BIN is not set: run `cargo xtask test`");
    let data = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let log = data.path().join("ayuda.log");
    let mut child = std::process::Command::new(bin)
        .arg("serve")
        .env("AYUDA_ADDR", format!("127.0.0.1:{port}"))
        .env("AYUDA_DATA_DIR", data.path())
        .env("AYUDA_DIST_DIR", data.path().join("no-spa"))
        .env("RUST_LOG", "info")
        .env_remove("DATABASE_URL")
        .env_remove("AYUDA_CONFIG")
        .env_remove("AYUDA_LOG_FORMAT")
        .stdout(std::fs::File::create(&log).expect("log file"))
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start ayuda serve");
    let client = reqwest::Client::new();
    let mut up = false;
    for _ in 0..300 {
        if client
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Stopped by its pid (only the process this test started).
    let _ = child.kill();
    let _ = child.wait();
    assert!(up, "ayuda serve did not come up");
    let text = std::fs::read_to_string(&log).expect("log");
    assert!(text.contains("INFO"), "the log has lines: {text}");
    assert!(
        !text.contains('\u{1b}'),
        "no ANSI escape codes in a log file: {text:?}"
    );
}
