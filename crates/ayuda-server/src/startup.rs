//! Building and running the application: database, state, HTTP server, workers.

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{DefaultHeaders, ErrorHandlers, from_fn};
use actix_web::web::{self, Data};
use actix_web::{App, HttpResponse, HttpServer};
use anyhow::Context;
use ayuda_mail::Mailer;
use tokio::sync::{Notify, watch};
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::{JwtKeys, Limiters};
use crate::config::Settings;
use crate::error::ApiError;
use crate::openapi::ApiDoc;
use crate::state::AppState;
use crate::{accounts, middleware, routes, spa, telemetry, workers};

/// A built application: bound to its port, not yet serving.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
    mailer: Mailer,
}

/// Connects to the database named by the settings and applies migrations.
pub async fn open_database(settings: &Settings) -> anyhow::Result<ayuda_db::Connections> {
    create_private_dir(&settings.data_dir).with_context(|| {
        format!(
            "creating the data directory {}",
            settings.data_dir.display()
        )
    })?;
    let url = settings.database_url();
    let db = ayuda_db::connect(&url, settings.db_max_connections)
        .await
        .with_context(|| format!("connecting to {}", crate::config::redact_url(&url)))?;
    ayuda_db::migrate(db.write.connection())
        .await
        .context("applying migrations")?;
    Ok(db)
}

/// Shared state for the settings: database (migrated), keys, limiters.
pub async fn build_state(settings: Settings) -> anyhow::Result<AppState> {
    let db = open_database(&settings).await?;
    let secret = jwt_secret(&settings)?;
    let state = AppState {
        db: db.read,
        writer: db.write,
        jwt: JwtKeys::new(secret.as_bytes()),
        limiters: Arc::new(Limiters::new(settings.quotas())),
        accounts: Arc::default(),
        searches: Arc::default(),
        passwords: crate::auth::password::Hasher::for_this_machine(),
        proxies: Arc::new(settings.trusted_proxies.clone()),
        realtime: Arc::new(crate::realtime::Realtime::new(Arc::new(Notify::new()))),
        views: Arc::default(),
        blobs: crate::storage::BlobStore::new(settings.attachments_dir()),
        raw_mail: crate::storage::BlobStore::new(settings.raw_mail_dir()),
        mailbox: ayuda_mail::identity::SupportMailbox::new(
            &settings.support_address,
            &settings.reply_to_pattern(),
            secret.as_bytes(),
        ),
        cursors: crate::pagination::Cursors::new(secret.as_bytes()),
        instance: Arc::from(uuid::Uuid::new_v4().simple().to_string()),
        node: Arc::from(node_name(&settings.addr)),
        chat_settings: Arc::new(crate::chat::settings::Current::configured(&settings)),
        settings: Arc::new(settings),
    };
    crate::chat::settings::reload(&state)
        .await
        .context("reading the chat settings")?;
    Ok(state)
}

/// This machine's name and the listen address: what an instance that restarts here shares
/// with the one it replaces.
fn node_name(addr: &str) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default();
    format!("{}|{addr}", host.trim())
}

/// `AYUDA_JWT_SECRET`, or a random secret generated once and kept in the data directory
/// (readable by the owner only), so tokens survive restarts.
fn jwt_secret(settings: &Settings) -> anyhow::Result<String> {
    if let Some(secret) = &settings.jwt_secret {
        anyhow::ensure!(
            secret.len() >= 32,
            "AYUDA_JWT_SECRET must be at least 32 characters"
        );
        return Ok(secret.to_string());
    }
    let path = settings.data_dir.join("jwt_secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_owned();
        if existing.len() >= 32 {
            return Ok(existing);
        }
    }
    let secret = crate::auth::secret::random_token()? + &crate::auth::secret::random_token()?;
    write_private(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a JWT secret");
    Ok(secret)
}

/// Creates `dir` (and missing parents) readable by the owner only: it holds the database,
/// attachments, raw mail and the generated secret. An existing directory is left as it is.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents.as_bytes())
}

impl Application {
    /// Opens the database, creates the first admin if configured, and binds the listener.
    pub async fn build(mut settings: Settings) -> anyhow::Result<Self> {
        telemetry::init_metrics();
        let mailer =
            Mailer::from_url(settings.smtp_url.as_deref()).context("invalid AYUDA_SMTP_URL")?;
        let listener = TcpListener::bind(&settings.addr).with_context(|| {
            format!(
                "cannot listen on {} (is another program using it? set AYUDA_ADDR)",
                settings.addr
            )
        })?;
        let local = listener.local_addr()?;
        let port = local.port();
        // With port 0 the address is only known once bound (it names this instance's node).
        settings.addr = local.to_string();
        // With port 0 the default public URL is only known once bound.
        if settings.public_url.is_none() {
            settings.public_url = Some(format!("http://{local}"));
        }
        if !settings.dist_dir.join("index.html").is_file() {
            tracing::warn!(
                dist_dir = %settings.dist_dir.display(),
                "the web app is not built there; `cargo xtask run` builds it (or set AYUDA_DIST_DIR)"
            );
        }
        let state = build_state(settings).await?;
        // Registered before any worker leases work under this instance's name.
        ayuda_db::instances::start(
            &state.writer,
            &state.instance,
            &state.node,
            chrono::Utc::now(),
        )
        .await?;
        accounts::bootstrap_admin(&state).await?;
        crate::chat::keywords::ensure_minimal(&state).await?;
        let settings = state.settings.clone();
        let workers = if settings.workers == 0 {
            std::thread::available_parallelism().map_or(2, usize::from)
        } else {
            settings.workers
        };
        let app_state = state.clone();
        let server = HttpServer::new(move || app(app_state.clone()))
            .listen(listener)?
            .workers(workers)
            .shutdown_timeout(30)
            .run();
        tracing::info!(port, settings = ?settings, "Ayuda listening");
        Ok(Self {
            port,
            server,
            state,
            mailer,
        })
    }

    /// The bound port (useful with `AYUDA_ADDR=127.0.0.1:0`).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state (tests use its database).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT/SIGTERM, then lets in-flight requests, the outbox worker's
    /// message in hand and the IMAP poller's batch in hand finish.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let outbox = tokio::spawn(workers::outbox::run(
            self.state.clone(),
            self.mailer,
            stop_rx.clone(),
        ));
        let auto_close = tokio::spawn(workers::auto_close::run(
            self.state.clone(),
            stop_rx.clone(),
        ));
        let views = tokio::spawn(crate::view_counts::run(self.state.clone(), stop_rx.clone()));
        let heartbeat = tokio::spawn(workers::heartbeat::run(self.state.clone(), stop_rx.clone()));
        let sweep = tokio::spawn(workers::file_sweep::run(
            self.state.clone(),
            stop_rx.clone(),
        ));
        let chat_timers = tokio::spawn(workers::chat_timers::run(
            self.state.clone(),
            stop_rx.clone(),
        ));
        let realtime = tokio::spawn(crate::realtime::listener::run(
            self.state.clone(),
            stop_rx.clone(),
        ));
        let imap = tokio::spawn(crate::intake::imap::run(self.state.clone(), stop_rx));
        // Sockets close with 1012 ("restarting") as soon as a stop is asked for, so their
        // clients reconnect elsewhere instead of holding the shutdown up.
        let sockets = self.state.realtime.clone();
        tokio::spawn(async move {
            stop_requested().await;
            let _ = sockets.shutdown.send(true);
        });
        let result = self.server.await;
        let _ = stop_tx.send(true);
        workers::stop("outbox", outbox, Duration::from_secs(30)).await;
        workers::stop("auto-close", auto_close, Duration::from_secs(30)).await;
        workers::stop("imap", imap, Duration::from_secs(30)).await;
        workers::stop("chat timers", chat_timers, Duration::from_secs(10)).await;
        workers::stop("realtime", realtime, Duration::from_secs(5)).await;
        workers::stop("file sweep", sweep, Duration::from_secs(10)).await;
        workers::stop("view counts", views, Duration::from_secs(10)).await;
        // Last: the other workers have given back what they held.
        workers::stop("heartbeat", heartbeat, Duration::from_secs(5)).await;
        result.context("HTTP server")
    }
}

/// Resolves on SIGINT or SIGTERM (actix stops the server on the same signals).
async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The actix application for one worker thread.
fn app(
    state: AppState,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let limit = state.settings.max_json_bytes;
    let dist = state.settings.dist_dir.clone();
    let state_settings = state.settings.clone();
    App::new()
        .app_data(Data::new(state))
        .app_data(
            web::JsonConfig::default()
                .limit(limit)
                .error_handler(middleware::json_error),
        )
        .app_data(web::PayloadConfig::default().limit(limit))
        .app_data(web::QueryConfig::default().error_handler(middleware::query_error))
        .app_data(web::PathConfig::default().error_handler(middleware::path_error))
        .wrap(ErrorHandlers::new().default_handler(middleware::problem_fallback))
        .wrap(security_headers(&state_settings))
        .wrap(from_fn(middleware::request_id_and_metrics))
        .wrap(TracingLogger::default())
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::mount)
        .openapi_service(|api| SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", api))
        .into_app()
        .route(
            "/api/docs",
            web::get().to(|| async {
                HttpResponse::PermanentRedirect()
                    .insert_header(("Location", "/api/docs/"))
                    .finish()
            }),
        )
        // Unmatched paths inside a scope (`/api/v1/...`) go to the app's default service;
        // other `/api/...` paths to this scope's; everything else to the SPA.
        .default_service(web::to(api_fallback))
        .service(web::scope("/api").default_service(web::to(api_fallback)))
        .service(spa::service(dist))
}

/// Headers on every answer; HSTS only when the public URL is https (over plain http a
/// browser ignores it, and on a developer's machine it would pin `localhost` to https).
fn security_headers(settings: &Settings) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("X-Frame-Options", "DENY"));
    if settings.public_url_is_https() {
        headers.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ))
    } else {
        headers
    }
}

/// Unmatched `/api` requests: 405 when the path is documented for other methods, else 404.
async fn api_fallback(req: actix_web::HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(match KNOWN_PATHS.allowed_methods(req.path()) {
        Some(allow) => ApiError::MethodNotAllowed { allow: Some(allow) },
        None => ApiError::NotFound,
    })
}

/// The documented path templates and their methods, taken from the OpenAPI document (every
/// route is registered with its documentation, so the two cannot disagree).
static KNOWN_PATHS: std::sync::LazyLock<KnownPaths> = std::sync::LazyLock::new(|| {
    let api = crate::openapi::document();
    KnownPaths(
        api.paths
            .paths
            .iter()
            .map(|(template, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ];
                let allow = methods
                    .iter()
                    .filter(|(_, on)| *on)
                    .map(|(m, _)| *m)
                    .collect::<Vec<_>>()
                    .join(", ");
                (template.split('/').map(str::to_owned).collect(), allow)
            })
            .collect(),
    )
});

struct KnownPaths(Vec<(Vec<String>, String)>);

impl KnownPaths {
    fn allowed_methods(&self, path: &str) -> Option<String> {
        let segments: Vec<&str> = path.split('/').collect();
        self.0.iter().find_map(|(template, allow)| {
            let fits = template.len() == segments.len()
                && template
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t == s || (t.starts_with('{') && !s.is_empty()));
            fits.then(|| allow.clone())
        })
    }
}
