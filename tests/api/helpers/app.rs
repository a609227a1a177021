//! Starting a server for one test.

use std::sync::LazyLock;

use ayuda_server::state::AppState;
use ayuda_server::{Application, Settings};
use ayuda_types::{LoginResponse, Role};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

/// Password of users made by [`TestApp::user`].
pub const PASSWORD: &str = "correct horse battery";

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// HTTP client with a cookie store (like a browser).
    pub api: reqwest::Client,
    /// The server's database.
    pub db: ayuda_db::DatabaseConnection,
    /// The server's shared state (settings, database, keys).
    pub state: AppState,
    _data_dir: tempfile::TempDir,
    _pg: Option<PgDatabase>,
}

static LOGS: LazyLock<()> = LazyLock::new(|| {
    if std::env::var("TEST_LOG").is_ok() {
        ayuda_server::telemetry::init_logs(false);
    }
});

/// A server with test defaults.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A server with test defaults changed by `change`.
pub async fn spawn_app_with(change: impl FnOnce(&mut Settings)) -> TestApp {
    LazyLock::force(&LOGS);
    let data_dir = tempfile::tempdir().expect("temp dir");
    // A stand-in for the built SPA, so links in emails can be followed.
    let dist = data_dir.path().join("dist");
    std::fs::create_dir_all(&dist).expect("dist dir");
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>Ayuda</title><h1>Ayuda SPA</h1>",
    )
    .expect("index.html");
    let pg = match std::env::var("TEST_DATABASE_URL") {
        Ok(base) => Some(PgDatabase::create(&base).await),
        Err(_) => None,
    };
    let mut settings = Settings {
        addr: "127.0.0.1:0".into(),
        data_dir: data_dir.path().to_path_buf(),
        database_url: pg.as_ref().map(|p| p.url.clone().into()),
        smtp_url: Some(
            std::env::var("TEST_SMTP_URL")
                .expect(
                    "TEST_SMTP_URL is not set: run the tests with `cargo xtask test`, which starts an SMTP server",
                )
                .into(),
        ),
        support_address: "support@ayuda.test".into(),
        dist_dir: dist,
        workers: 1,
        db_max_connections: 5,
        outbox_poll_ms: 100,
        ..Settings::default()
    };
    change(&mut settings);
    let app = Application::build(settings).await.expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        api: reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client"),
        db: state.db.clone(),
        state,
        _data_dir: data_dir,
        _pg: pg,
    }
}

impl TestApp {
    /// A second instance on the same database and data directory (several instances on
    /// PostgreSQL share both), on its own port. It must not outlive `self`, which owns them.
    pub async fn sibling(&self) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut settings = (*self.state.settings).clone();
        settings.addr = "127.0.0.1:0".into();
        settings.public_url = None;
        let app = Application::build(settings).await.expect("build sibling");
        let address = format!("http://127.0.0.1:{}", app.port());
        let state = app.state().clone();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address,
            api: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .expect("client"),
            db: state.db.clone(),
            state,
            _data_dir: data_dir,
            _pg: None,
        }
    }

    /// Full URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// POST JSON.
    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.api
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// POST JSON with a bearer token.
    pub async fn post_as(&self, token: &str, path: &str, body: &Value) -> Response {
        self.api
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// PATCH JSON with a bearer token.
    pub async fn patch_as(&self, token: &str, path: &str, body: &Value) -> Response {
        self.api
            .patch(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// DELETE with a bearer token.
    pub async fn delete_as(&self, token: &str, path: &str) -> Response {
        self.api
            .delete(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// GET with a bearer token.
    pub async fn get_as(&self, token: &str, path: &str) -> Response {
        self.api
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// GET without credentials.
    pub async fn get(&self, path: &str) -> Response {
        self.api.get(self.url(path)).send().await.expect("request")
    }

    /// Registers, reads the welcome email, activates with [`PASSWORD`]: the user's way in.
    pub async fn register_and_activate(&self, email: &str, name: &str) -> LoginResponse {
        let res = self
            .post(
                "/api/v1/auth/register",
                &json!({"email": email, "name": name}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::ACCEPTED);
        let mail = self.wait_for_email(email, |_| true).await;
        let token = mail.link_token("/activate?token=");
        let res = self
            .post(
                "/api/v1/auth/activate",
                &json!({"token": token, "password": PASSWORD}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.expect("login response")
    }

    /// An activated user with a role, logged in; created directly in the database (admins
    /// and agents cannot register themselves).
    pub async fn user(&self, role: Role) -> LoginResponse {
        let email = format!(
            "{}-{}@example.com",
            role.as_str(),
            uuid::Uuid::new_v4().simple()
        );
        let user = ayuda_server::accounts::ensure_admin(&self.state, &email, PASSWORD, "Test User")
            .await
            .expect("user");
        if role != Role::Admin {
            ayuda_db::users::update_access(&self.db, user, Some(role), None, chrono::Utc::now())
                .await
                .expect("role");
        }
        self.login(&email, PASSWORD).await
    }

    /// Logs in, expecting success.
    pub async fn login(&self, login: &str, password: &str) -> LoginResponse {
        let res = self
            .post(
                "/api/v1/auth/login",
                &json!({"login": login, "password": password}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "login as {login}");
        res.json().await.expect("login response")
    }
}

/// Asserts a problem+json answer with this status and returns its body.
pub async fn assert_problem(res: Response, status: StatusCode) -> Value {
    assert_eq!(res.status(), status);
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = res.json().await.expect("problem body");
    assert_eq!(body["status"], status.as_u16());
    assert!(
        body["type"].is_string() && body["title"].is_string() && body["detail"].is_string(),
        "{body}"
    );
    body
}

/// The fields named in a 422's `errors`.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A PostgreSQL database made for one test and dropped after it.
pub struct PgDatabase {
    /// Its URL.
    pub url: String,
    base: String,
    name: String,
}

impl PgDatabase {
    /// A fresh database on the server of `base`.
    pub async fn create(base: &str) -> Self {
        use sqlx::Connection;
        let name = format!("ayuda_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(base)
            .await
            .expect("connect to TEST_DATABASE_URL");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut conn)
            .await
            .expect("create test database");
        // Same server and credentials, the new database's name as the path.
        let mut url = url::Url::parse(base).expect("TEST_DATABASE_URL is a URL");
        url.set_path(&name);
        let url = url.to_string();
        Self {
            url,
            base: base.to_owned(),
            name,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let base = self.base.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime; a thread with its own runtime may block.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                use sqlx::Connection;
                if let Ok(mut conn) = sqlx::PgConnection::connect(&base).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                    )))
                    .execute(&mut conn)
                    .await;
                }
            });
        })
        .join();
    }
}
