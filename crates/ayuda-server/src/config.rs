//! Settings: defaults, then an optional TOML file (`AYUDA_CONFIG`), then environment variables.
//!
//! The variable names of SPEC section 8 are a contract with outside tools. [`ENV_VARS`] is
//! the one list of every variable, its meaning and default; the README's table is checked
//! against it by a test.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use ayuda_domain::{PASSWORD_MIN_LENGTH_FLOOR, Quota};
use ayuda_types::Locale;
use serde::Deserialize;

/// Server settings. Every field has a default, so an empty environment runs Ayuda.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Listen address (`AYUDA_ADDR`).
    pub addr: String,
    /// Directory for the SQLite file, attachments, raw mail and generated secrets.
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`; SQLite in the data directory when unset.
    pub database_url: Option<String>,
    /// Base of links in emails; `http://` + the listen address when unset.
    pub public_url: Option<String>,
    /// JWT signing secret; generated once and kept in the data directory when unset.
    pub jwt_secret: Option<String>,
    /// First admin's email, created at start if no admin exists.
    pub admin_email: Option<String>,
    /// First admin's password.
    pub admin_password: Option<String>,
    /// Outbound SMTP URL (lettre form); without it mail stays queued and is logged.
    pub smtp_url: Option<String>,
    /// The support mailbox, `From` of outbound mail.
    pub support_address: String,
    /// Mailbox to poll for inbound mail (email intake).
    pub imap_url: Option<String>,
    /// Bearer token for `POST /api/v1/inbound/email` (email intake).
    pub inbound_token: Option<String>,
    /// Bearer token `/metrics` asks for; open to all when unset.
    pub metrics_token: Option<String>,
    /// Minimum password length (5 or more).
    pub password_min_length: usize,
    /// Lifetime of access tokens, in seconds.
    pub access_token_ttl_secs: u64,
    /// Lifetime of refresh tokens (a session idle this long must log in again), in days.
    pub refresh_token_ttl_days: u64,
    /// Lifetime of activation links, in hours.
    pub activation_ttl_hours: u64,
    /// Lifetime of password-reset links, in hours.
    pub reset_ttl_hours: u64,
    /// Failed logins allowed per account, `N/SECONDS`.
    pub rate_login_account: String,
    /// Failed logins allowed per client address, `N/SECONDS`.
    pub rate_login_address: String,
    /// Registrations allowed per client address, `N/SECONDS`.
    pub rate_register: String,
    /// Password-forgot requests allowed per client address, `N/SECONDS`.
    pub rate_forgot: String,
    /// Failed uses of emailed links (activation, reset) allowed per client address, `N/SECONDS`.
    pub rate_token: String,
    /// Proxies (addresses or CIDR blocks, comma-separated) whose `X-Forwarded-For` entries
    /// name the client; empty: the peer address is the client.
    pub trusted_proxies: String,
    /// Directory of the built SPA (`trunk build --release` output).
    pub dist_dir: PathBuf,
    /// HTTP worker threads; the number of CPUs when 0.
    pub workers: usize,
    /// Largest database pool.
    pub db_max_connections: u32,
    /// Language for users who have not chosen one.
    pub default_locale: String,
    /// Largest JSON request body, in bytes.
    pub max_json_bytes: usize,
    /// How often the outbox worker looks for due mail when not woken, in milliseconds.
    pub outbox_poll_ms: u64,
    /// Log format: `text` or `json`.
    pub log_format: String,
    /// Largest attachment, in bytes.
    pub attachment_max_bytes: u64,
    /// Bytes one user may upload in 24 hours.
    pub upload_quota_bytes: u64,
    /// Uploads allowed per user, `N/SECONDS`.
    pub rate_upload: String,
    /// Forum comments allowed per user, `N/SECONDS`.
    pub rate_comment: String,
    /// Markdown previews allowed per user, `N/SECONDS`.
    pub rate_markdown: String,
    /// Days a resolved ticket stays resolved before it closes by itself.
    pub auto_close_days: u32,
    /// How often the auto-close job runs, in seconds.
    pub auto_close_interval_secs: u64,
    /// Article feedback votes allowed per client address, `N/SECONDS`.
    pub rate_feedback: String,
    /// `Reply-To` of ticket email, with `{token}` where the per-ticket token goes; the
    /// support address with `+{token}` when unset.
    pub reply_to_address: Option<String>,
    /// How often the IMAP poller looks for mail when the server offers no IDLE, seconds.
    pub imap_interval_secs: u64,
    /// IMAP folder processed mail is moved to; it is only flagged when unset.
    pub imap_processed_folder: Option<String>,
    /// Largest inbound email taken into a ticket, in bytes; larger ones are kept unread (raw)
    /// and rejected.
    pub inbound_max_bytes: u64,
    /// Files (attachments and inline images) kept of one inbound email; the rest are left
    /// out and the ticket says so.
    pub inbound_max_files: usize,
    /// Decoded bytes of files kept of one inbound email, all together.
    pub inbound_max_file_bytes: u64,
    /// Seconds an upload may stay unlinked to any message before it is deleted.
    pub unlinked_upload_ttl_secs: u64,
    /// How often stored files are swept (unlinked uploads and files nothing refers to),
    /// seconds.
    pub file_sweep_interval_secs: u64,
    /// Automatic mail (welcome, password reset, answers to inbound mail) allowed per
    /// recipient address, whatever caused it, `N/SECONDS`.
    pub auto_mail_per_recipient: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            public_url: None,
            jwt_secret: None,
            admin_email: None,
            admin_password: None,
            smtp_url: None,
            support_address: "support@localhost".into(),
            imap_url: None,
            inbound_token: None,
            metrics_token: None,
            password_min_length: 8,
            access_token_ttl_secs: 15 * 60,
            refresh_token_ttl_days: 30,
            activation_ttl_hours: 72,
            reset_ttl_hours: 2,
            rate_login_account: "10/300".into(),
            rate_login_address: "100/300".into(),
            rate_register: "30/3600".into(),
            rate_forgot: "30/3600".into(),
            rate_token: "20/300".into(),
            trusted_proxies: String::new(),
            dist_dir: PathBuf::from("dist"),
            workers: 0,
            db_max_connections: 16,
            default_locale: "es".into(),
            max_json_bytes: 256 * 1024,
            outbox_poll_ms: 2000,
            log_format: "text".into(),
            attachment_max_bytes: 10 * 1024 * 1024,
            upload_quota_bytes: 500 * 1024 * 1024,
            rate_upload: "120/3600".into(),
            rate_comment: "10/600".into(),
            rate_markdown: "600/600".into(),
            auto_close_days: 7,
            auto_close_interval_secs: 300,
            rate_feedback: "60/3600".into(),
            reply_to_address: None,
            imap_interval_secs: 30,
            imap_processed_folder: None,
            inbound_max_bytes: 15 * 1024 * 1024,
            inbound_max_files: 100,
            inbound_max_file_bytes: 15 * 1024 * 1024,
            unlinked_upload_ttl_secs: 24 * 3600,
            file_sweep_interval_secs: 3600,
            auto_mail_per_recipient: "5/3600".into(),
        }
    }
}

impl std::fmt::Debug for Settings {
    // Credentials live in several URLs and secrets: print only what is safe.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("addr", &self.addr)
            .field("data_dir", &self.data_dir)
            .field("database", &self.database_url.as_deref().map(redact_url))
            .field("public_url", &self.public_url())
            .field("smtp", &self.smtp_url.as_deref().map(redact_url))
            .field("imap", &self.imap_url.as_deref().map(redact_url))
            .field("support_address", &self.support_address)
            .field("dist_dir", &self.dist_dir)
            .finish_non_exhaustive()
    }
}

/// A URL without its user info, for logs.
pub fn redact_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) => {
            if !url.username().is_empty() || url.password().is_some() {
                let _ = url.set_username("***");
                let _ = url.set_password(None);
            }
            url.to_string()
        }
        Err(_) => "<unparseable url>".into(),
    }
}

type Setter = fn(&mut Settings, String) -> anyhow::Result<()>;

/// Every environment variable: name, meaning, default (as the README shows it), setter.
pub const ENV_VARS: &[(&str, &str, &str, Setter)] = &[
    (
        "AYUDA_CONFIG",
        "optional TOML file with any of these settings (keys in lowercase without the `AYUDA_` prefix, e.g. `smtp_url`)",
        "none",
        |_, _| Ok(()),
    ),
    (
        "AYUDA_ADDR",
        "listen address",
        "`127.0.0.1:8080`",
        |s, v| {
            s.addr = v;
            Ok(())
        },
    ),
    (
        "AYUDA_DATA_DIR",
        "SQLite file, attachments, raw mail, generated secrets",
        "`./data`",
        |s, v| {
            s.data_dir = v.into();
            Ok(())
        },
    ),
    (
        "DATABASE_URL",
        "`sqlite://...` or `postgres://...`",
        "SQLite in the data directory",
        |s, v| {
            s.database_url = Some(v);
            Ok(())
        },
    ),
    (
        "AYUDA_PUBLIC_URL",
        "base of links in emails",
        "`http://` + the listen address",
        |s, v| {
            s.public_url = Some(v);
            Ok(())
        },
    ),
    (
        "AYUDA_JWT_SECRET",
        "signing secret of access tokens",
        "generated once and kept in the data directory",
        |s, v| {
            s.jwt_secret = Some(v);
            Ok(())
        },
    ),
    (
        "AYUDA_ADMIN_EMAIL",
        "first admin, created at start if no admin exists",
        "none",
        |s, v| {
            s.admin_email = Some(v);
            Ok(())
        },
    ),
    (
        "AYUDA_ADMIN_PASSWORD",
        "password of that first admin",
        "none",
        |s, v| {
            s.admin_password = Some(v);
            Ok(())
        },
    ),
    (
        "AYUDA_SMTP_URL",
        "outbound SMTP, lettre URL form (`smtp://host:port`, `smtps://user:pass@host`)",
        "none: mail stays queued and is logged",
        |s, v| {
            s.smtp_url = Some(v);
            Ok(())
        },
    ),
    (
        "AYUDA_SUPPORT_ADDRESS",
        "the support mailbox; `From` of outbound mail",
        "`support@localhost`",
        |s, v| {
            s.support_address = v;
            Ok(())
        },
    ),
    (
        "AYUDA_IMAP_URL",
        "support mailbox to poll: `imaps://user:pass@host:port/INBOX` (TLS), or `imap://` (STARTTLS, required unless the host is local); user and password URL-encoded",
        "none",
        |s, v| {
            s.imap_url = Some(v);
            Ok(())
        },
    ),
    (
        "AYUDA_INBOUND_TOKEN",
        "bearer token for `POST /api/v1/inbound/email` (raw `message/rfc822` from an MTA pipe or a mail provider's webhook)",
        "none: the endpoint answers 404",
        |s, v| {
            s.inbound_token = Some(v);
            Ok(())
        },
    ),
    (
        "AYUDA_METRICS_TOKEN",
        "bearer token `GET /metrics` asks for (give it to your Prometheus as `authorization: credentials`)",
        "none: `/metrics` is open",
        |s, v| {
            s.metrics_token = Some(v);
            Ok(())
        },
    ),
    (
        "AYUDA_PASSWORD_MIN_LENGTH",
        "minimum password length (5 or more)",
        "`8`",
        |s, v| {
            s.password_min_length = parse(&v)?;
            Ok(())
        },
    ),
    (
        "AYUDA_ACCESS_TOKEN_TTL_SECS",
        "lifetime of access tokens, seconds",
        "`900`",
        |s, v| {
            s.access_token_ttl_secs = parse(&v)?;
            Ok(())
        },
    ),
    (
        "AYUDA_REFRESH_TOKEN_TTL_DAYS",
        "lifetime of refresh tokens, days",
        "`30`",
        |s, v| {
            s.refresh_token_ttl_days = parse(&v)?;
            Ok(())
        },
    ),
    (
        "AYUDA_ACTIVATION_TTL_HOURS",
        "lifetime of activation links, hours",
        "`72`",
        |s, v| {
            s.activation_ttl_hours = parse(&v)?;
            Ok(())
        },
    ),
    (
        "AYUDA_RESET_TTL_HOURS",
        "lifetime of password-reset links, hours",
        "`2`",
        |s, v| {
            s.reset_ttl_hours = parse(&v)?;
            Ok(())
        },
    ),
    (
        "AYUDA_RATE_LOGIN_ACCOUNT",
        "failed logins allowed per account, `N/SECONDS`",
        "`10/300`",
        |s, v| {
            s.rate_login_account = v;
            Ok(())
        },
    ),
    (
        "AYUDA_RATE_LOGIN_ADDRESS",
        "failed logins allowed per client address, `N/SECONDS`",
        "`100/300`",
        |s, v| {
            s.rate_login_address = v;
            Ok(())
        },
    ),
    (
        "AYUDA_RATE_REGISTER",
        "registrations allowed per client address, `N/SECONDS`",
        "`30/3600`",
        |s, v| {
            s.rate_register = v;
            Ok(())
        },
    ),
    (
        "AYUDA_RATE_FORGOT",
        "password-forgot requests allowed per client address, `N/SECONDS`",
        "`30/3600`",
        |s, v| {
            s.rate_forgot = v;
            Ok(())
        },
    ),
    (
        "AYUDA_RATE_TOKEN",
        "failed activation and password-reset attempts (unknown, spent or expired links) allowed per client address, `N/SECONDS`",
        "`20/300`",
        |s, v| {
            s.rate_token = v;
            Ok(())
        },
    ),
    (
        "AYUDA_TRUSTED_PROXIES",
        "your reverse proxies, comma-separated addresses or CIDR blocks (`10.0.0.0/8, ::1`): behind them the client is the rightmost `X-Forwarded-For` hop that is not one of them; IPv6 clients count per /64",
        "none: the peer address is the client",
        |s, v| {
            s.trusted_proxies = v;
            Ok(())
        },
    ),
    (
        "AYUDA_DIST_DIR",
        "directory of the built SPA",
        "`dist`",
        |s, v| {
            s.dist_dir = v.into();
            Ok(())
        },
    ),
    (
        "AYUDA_WORKERS",
        "HTTP worker threads (0 = number of CPUs)",
        "`0`",
        |s, v| {
            s.workers = parse(&v)?;
            Ok(())
        },
    ),
    (
        "AYUDA_DB_MAX_CONNECTIONS",
        "largest database pool",
        "`16`",
        |s, v| {
            s.db_max_connections = parse(&v)?;
            Ok(())
        },
    ),
    (
        "AYUDA_DEFAULT_LOCALE",
        "language for users who chose none (`es` or `en`)",
        "`es`",
        |s, v| {
            s.default_locale = v;
            Ok(())
        },
    ),
    (
        "AYUDA_MAX_JSON_BYTES",
        "largest JSON request body, bytes",
        "`262144`",
        |s, v| {
            s.max_json_bytes = parse(&v)?;
            Ok(())
        },
    ),
    (
        "AYUDA_OUTBOX_POLL_MS",
        "outbox worker's polling interval, milliseconds (it is also woken at once by new mail)",
        "`2000`",
        |s, v| {
            s.outbox_poll_ms = parse(&v)?;
            Ok(())
        },
    ),
    ("AYUDA_LOG_FORMAT", "`text` or `json`", "`text`", |s, v| {
        s.log_format = v;
        Ok(())
    }),
    (
        "AYUDA_ATTACHMENT_MAX_BYTES",
        "largest attachment, bytes",
        "`10485760` (10 MiB)",
        |s, v| {
            s.attachment_max_bytes = parse(&v)?;
            Ok(())
        },
    ),
    (
        "AYUDA_UPLOAD_QUOTA_BYTES",
        "bytes one user may upload in 24 hours (attachments and screenshots); over it uploads answer 429",
        "`524288000` (500 MiB)",
        |s, v| {
            s.upload_quota_bytes = parse(&v)?;
            Ok(())
        },
    ),
    (
        "AYUDA_RATE_UPLOAD",
        "uploads allowed per user, `N/SECONDS`",
        "`120/3600`",
        |s, v| {
            s.rate_upload = v;
            Ok(())
        },
    ),
    (
        "AYUDA_RATE_COMMENT",
        "forum comments allowed per user, `N/SECONDS`",
        "`10/600`",
        |s, v| {
            s.rate_comment = v;
            Ok(())
        },
    ),
    (
        "AYUDA_RATE_MARKDOWN",
        "Markdown previews (`POST /api/v1/markdown/render`) allowed per user, `N/SECONDS`",
        "`600/600`",
        |s, v| {
            s.rate_markdown = v;
            Ok(())
        },
    ),
    (
        "AYUDA_AUTO_CLOSE_DAYS",
        "days a resolved ticket waits before it closes by itself",
        "`7`",
        |s, v| {
            s.auto_close_days = parse(&v)?;
            Ok(())
        },
    ),
    (
        "AYUDA_AUTO_CLOSE_INTERVAL_SECS",
        "how often the auto-close job runs, seconds",
        "`300`",
        |s, v| {
            s.auto_close_interval_secs = parse(&v)?;
            Ok(())
        },
    ),
    (
        "AYUDA_RATE_FEEDBACK",
        "\"was this helpful\" votes allowed per client address, `N/SECONDS`",
        "`60/3600`",
        |s, v| {
            s.rate_feedback = v;
            Ok(())
        },
    ),
    (
        "AYUDA_REPLY_TO_ADDRESS",
        "`Reply-To` of ticket email; `{token}` is replaced by a signed per-ticket token (leave it out if the mailbox has no plus addressing)",
        "the support address with `+{token}` before the `@`",
        |s, v| {
            s.reply_to_address = Some(v);
            Ok(())
        },
    ),
    (
        "AYUDA_IMAP_INTERVAL_SECS",
        "how often the IMAP poller looks for mail when the server offers no IDLE (and how long one IDLE waits), seconds",
        "`30`",
        |s, v| {
            s.imap_interval_secs = parse(&v)?;
            Ok(())
        },
    ),
    (
        "AYUDA_IMAP_PROCESSED_FOLDER",
        "IMAP folder processed mail is moved to (created if missing)",
        "none: processed mail is flagged `\\Seen` and `$AyudaDone` and left in place",
        |s, v| {
            s.imap_processed_folder = Some(v).filter(|f| !f.trim().is_empty());
            Ok(())
        },
    ),
    (
        "AYUDA_INBOUND_MAX_BYTES",
        "largest inbound email made into a ticket, bytes; larger ones are kept unread (raw) and rejected",
        "`15728640` (15 MiB)",
        |s, v| {
            s.inbound_max_bytes = parse(&v)?;
            Ok(())
        },
    ),
    (
        "AYUDA_INBOUND_MAX_FILES",
        "files (attachments and inline images) kept of one inbound email; the rest are not stored and the ticket says so",
        "`100`",
        |s, v| {
            s.inbound_max_files = parse(&v)?;
            Ok(())
        },
    ),
    (
        "AYUDA_INBOUND_MAX_FILE_BYTES",
        "decoded bytes of the files kept of one inbound email, all together; files beyond it are not stored and the ticket says so",
        "`15728640` (15 MiB)",
        |s, v| {
            s.inbound_max_file_bytes = parse(&v)?;
            Ok(())
        },
    ),
    (
        "AYUDA_UNLINKED_UPLOAD_TTL_SECS",
        "seconds an upload may stay unattached to any message before it is deleted",
        "`86400` (24 hours)",
        |s, v| {
            s.unlinked_upload_ttl_secs = parse(&v)?;
            Ok(())
        },
    ),
    (
        "AYUDA_FILE_SWEEP_INTERVAL_SECS",
        "how often stored files are swept: unattached uploads past their time, and files no attachment refers to",
        "`3600`",
        |s, v| {
            s.file_sweep_interval_secs = parse(&v)?;
            Ok(())
        },
    ),
    (
        "AYUDA_AUTO_MAIL_PER_RECIPIENT",
        "automatic mail one address may receive, whatever caused it (registrations, password resets, answers to inbound mail), `N/SECONDS`; counted in the database, so it holds across instances",
        "`5/3600`",
        |s, v| {
            s.auto_mail_per_recipient = v;
            Ok(())
        },
    ),
    ("RUST_LOG", "log filter", "`info`", |_, _| Ok(())),
];

/// Settings that were replaced, and what replaced them: refused at start rather than ignored,
/// so nobody runs with a limit they believe is in force.
const REMOVED_VARS: &[(&str, &str)] = &[
    (
        "AYUDA_TRUST_PROXY",
        "name your proxies in AYUDA_TRUSTED_PROXIES (addresses or CIDR blocks)",
    ),
    (
        "AYUDA_RATE_AUTO_ANSWER",
        "answers to inbound mail count against AYUDA_AUTO_MAIL_PER_RECIPIENT",
    ),
];

fn parse<T: std::str::FromStr>(value: &str) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    value
        .trim()
        .parse::<T>()
        .map_err(|e| anyhow::anyhow!("{e}"))
}

impl Settings {
    /// Defaults, then the `AYUDA_CONFIG` file, then the environment.
    pub fn load() -> anyhow::Result<Self> {
        let mut settings = match std::env::var("AYUDA_CONFIG") {
            Ok(path) => {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("reading AYUDA_CONFIG {path}"))?;
                toml::from_str(&text).with_context(|| format!("parsing AYUDA_CONFIG {path}"))?
            }
            Err(_) => Settings::default(),
        };
        for (name, instead) in REMOVED_VARS {
            if std::env::var_os(name).is_some() {
                bail!("{name} is no longer read: {instead}");
            }
        }
        for (name, _, _, set) in ENV_VARS {
            if let Ok(value) = std::env::var(name)
                && !value.is_empty()
            {
                set(&mut settings, value).with_context(|| format!("invalid {name}"))?;
            }
        }
        settings.check()?;
        Ok(settings)
    }

    /// Refuses settings that cannot work, with a message naming the setting.
    pub fn check(&self) -> anyhow::Result<()> {
        if self.password_min_length < PASSWORD_MIN_LENGTH_FLOOR {
            bail!("AYUDA_PASSWORD_MIN_LENGTH must be {PASSWORD_MIN_LENGTH_FLOOR} or more");
        }
        if Locale::parse(&self.default_locale).is_none() {
            bail!("AYUDA_DEFAULT_LOCALE must be es or en");
        }
        if ayuda_domain::Email::parse(&self.support_address).is_none() {
            bail!("AYUDA_SUPPORT_ADDRESS must be an email address");
        }
        for (name, value) in [
            ("AYUDA_RATE_LOGIN_ACCOUNT", &self.rate_login_account),
            ("AYUDA_RATE_LOGIN_ADDRESS", &self.rate_login_address),
            ("AYUDA_RATE_REGISTER", &self.rate_register),
            ("AYUDA_RATE_FORGOT", &self.rate_forgot),
            ("AYUDA_RATE_TOKEN", &self.rate_token),
            ("AYUDA_RATE_FEEDBACK", &self.rate_feedback),
            ("AYUDA_RATE_UPLOAD", &self.rate_upload),
            ("AYUDA_RATE_COMMENT", &self.rate_comment),
            ("AYUDA_RATE_MARKDOWN", &self.rate_markdown),
            (
                "AYUDA_AUTO_MAIL_PER_RECIPIENT",
                &self.auto_mail_per_recipient,
            ),
        ] {
            parse_quota(value).with_context(|| format!("invalid {name}"))?;
        }
        if let Some(url) = &self.public_url {
            url::Url::parse(url).context("invalid AYUDA_PUBLIC_URL")?;
        }
        self.trusted_proxies()?;
        if self.attachment_max_bytes == 0 {
            bail!("AYUDA_ATTACHMENT_MAX_BYTES must be more than 0");
        }
        if self.auto_close_interval_secs == 0 {
            bail!("AYUDA_AUTO_CLOSE_INTERVAL_SECS must be more than 0");
        }
        if let Some(url) = &self.imap_url {
            let parsed = url::Url::parse(url).context("invalid AYUDA_IMAP_URL")?;
            if !matches!(parsed.scheme(), "imap" | "imaps") || parsed.host_str().is_none() {
                bail!("AYUDA_IMAP_URL must be imap://user:pass@host:port/FOLDER or imaps://...");
            }
        }
        if self.imap_interval_secs == 0 {
            bail!("AYUDA_IMAP_INTERVAL_SECS must be more than 0");
        }
        if self.inbound_max_bytes == 0 {
            bail!("AYUDA_INBOUND_MAX_BYTES must be more than 0");
        }
        if self.file_sweep_interval_secs == 0 {
            bail!("AYUDA_FILE_SWEEP_INTERVAL_SECS must be more than 0");
        }
        if !self.reply_to_pattern().contains('@') {
            bail!(
                "AYUDA_REPLY_TO_ADDRESS must be an email address (with {{token}} where the token goes)"
            );
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            bail!("AYUDA_LOG_FORMAT must be text or json");
        }
        Ok(())
    }

    /// The database URL in force.
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("ayuda.db").display()
            )
        })
    }

    /// The base of links in emails, without a trailing slash.
    pub fn public_url(&self) -> String {
        let url = self
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.addr));
        url.trim_end_matches('/').to_owned()
    }

    /// Whether cookies must be `Secure`.
    pub fn public_url_is_https(&self) -> bool {
        self.public_url().starts_with("https://")
    }

    /// The proxies whose `X-Forwarded-For` entries are believed.
    pub fn trusted_proxies(&self) -> anyhow::Result<crate::auth::client::TrustedProxies> {
        crate::auth::client::TrustedProxies::parse(&self.trusted_proxies)
            .map_err(|e| anyhow::anyhow!("invalid AYUDA_TRUSTED_PROXIES: {e}"))
    }

    /// The default language.
    pub fn default_locale(&self) -> Locale {
        Locale::parse(&self.default_locale).unwrap_or_default()
    }

    /// The outbox polling interval.
    pub fn outbox_poll(&self) -> Duration {
        Duration::from_millis(self.outbox_poll_ms.max(10))
    }

    /// Parsed rate-limit quotas (validated by [`Settings::check`]).
    pub fn quotas(&self) -> Quotas {
        let q = |v: &str| {
            parse_quota(v).unwrap_or(Quota {
                max: 10,
                window: Duration::from_secs(300),
            })
        };
        Quotas {
            login_account: q(&self.rate_login_account),
            login_address: q(&self.rate_login_address),
            register: q(&self.rate_register),
            forgot: q(&self.rate_forgot),
            token: q(&self.rate_token),
            feedback: q(&self.rate_feedback),
            auto_mail: q(&self.auto_mail_per_recipient),
            upload: q(&self.rate_upload),
            comment: q(&self.rate_comment),
            markdown: q(&self.rate_markdown),
        }
    }

    /// The `Reply-To` pattern of ticket email, with `{token}` where the token goes.
    pub fn reply_to_pattern(&self) -> String {
        self.reply_to_address.clone().unwrap_or_else(|| {
            match self.support_address.rsplit_once('@') {
                Some((local, domain)) => format!("{local}+{{token}}@{domain}"),
                None => self.support_address.clone(),
            }
        })
    }

    /// Where raw inbound mail is kept.
    pub fn raw_mail_dir(&self) -> std::path::PathBuf {
        self.data_dir.join("mail")
    }

    /// How often the IMAP poller polls (or re-IDLEs).
    pub fn imap_interval(&self) -> Duration {
        Duration::from_secs(self.imap_interval_secs)
    }

    /// Where attachment bytes are kept.
    pub fn attachments_dir(&self) -> std::path::PathBuf {
        self.data_dir.join("attachments")
    }
}

/// The configured rate limits.
#[derive(Debug, Clone, Copy)]
pub struct Quotas {
    /// Failed logins per account.
    pub login_account: Quota,
    /// Failed logins per client address.
    pub login_address: Quota,
    /// Registrations per client address.
    pub register: Quota,
    /// Forgot-password requests per client address.
    pub forgot: Quota,
    /// Failed uses of emailed links per client address.
    pub token: Quota,
    /// Article feedback votes per client address.
    pub feedback: Quota,
    /// Automatic mail per recipient address, across all causes.
    pub auto_mail: Quota,
    /// Uploads per user.
    pub upload: Quota,
    /// Forum comments per user.
    pub comment: Quota,
    /// Markdown previews per user.
    pub markdown: Quota,
}

/// Parses `N/SECONDS`.
fn parse_quota(value: &str) -> anyhow::Result<Quota> {
    let (max, secs) = value
        .split_once('/')
        .context("expected N/SECONDS, e.g. 10/300")?;
    let max: u32 = parse(max)?;
    let secs: u64 = parse(secs)?;
    if max == 0 || secs == 0 {
        bail!("both numbers must be positive");
    }
    Ok(Quota {
        max,
        window: Duration::from_secs(secs),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_pass_the_checks() {
        assert!(Settings::default().check().is_ok());
        assert_eq!(Settings::default().public_url(), "http://127.0.0.1:8080");
    }

    #[test]
    fn password_floor_is_enforced() {
        let s = Settings {
            password_min_length: 4,
            ..Settings::default()
        };
        assert!(s.check().is_err());
    }

    #[test]
    fn quotas_parse() {
        assert_eq!(
            parse_quota("10/300").ok(),
            Some(Quota {
                max: 10,
                window: Duration::from_secs(300)
            })
        );
        assert!(parse_quota("10").is_err());
        assert!(parse_quota("0/10").is_err());
    }

    #[test]
    fn urls_lose_their_credentials_in_logs() {
        assert_eq!(
            redact_url("smtps://user:pw@mail.example:465"),
            "smtps://***@mail.example:465"
        );
        assert_eq!(redact_url("smtp://127.0.0.1:25"), "smtp://127.0.0.1:25");
    }
}
