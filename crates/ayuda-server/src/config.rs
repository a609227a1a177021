//! Settings: defaults, then an optional TOML file (`AYUDA_CONFIG`), then environment
//! variables.
//!
//! Each setting is declared once, in [`settings!`] below: its field, type, default, variable
//! and the README's description. The struct, its defaults, reading the file and the
//! environment, and the README's table (checked by a test) all come from that declaration.
//! Values are typed ([`Quota`], [`Locale`], [`LogFormat`], [`Secret`], ...) and parsed once,
//! at start: a bad value stops the server with a message naming the variable.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use ayuda_domain::{PASSWORD_MIN_LENGTH_FLOOR, Quota};
use ayuda_types::Locale;

use crate::auth::client::TrustedProxies;

/// A value a setting can hold, read from the text of a variable or a file entry.
pub trait SettingValue: Sized {
    /// Parses the text; the error says what was expected.
    fn read(raw: &str) -> anyhow::Result<Self>;
}

macro_rules! from_str_values {
    ($($ty:ty),*) => {$(
        impl SettingValue for $ty {
            fn read(raw: &str) -> anyhow::Result<Self> {
                raw.trim().parse().map_err(|e| anyhow::anyhow!("{e}"))
            }
        }
    )*};
}
from_str_values!(u32, u64, usize, bool);

impl SettingValue for String {
    fn read(raw: &str) -> anyhow::Result<Self> {
        Ok(raw.to_owned())
    }
}

impl SettingValue for PathBuf {
    fn read(raw: &str) -> anyhow::Result<Self> {
        Ok(raw.into())
    }
}

/// An empty value means "not set".
impl<T: SettingValue> SettingValue for Option<T> {
    fn read(raw: &str) -> anyhow::Result<Self> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            T::read(raw).map(Some)
        }
    }
}

impl SettingValue for Quota {
    fn read(raw: &str) -> anyhow::Result<Self> {
        Quota::parse(raw).map_err(|e| anyhow::anyhow!("{e}"))
    }
}

impl SettingValue for Locale {
    fn read(raw: &str) -> anyhow::Result<Self> {
        Locale::parse(raw.trim()).context("expected es or en")
    }
}

impl SettingValue for TrustedProxies {
    fn read(raw: &str) -> anyhow::Result<Self> {
        TrustedProxies::parse(raw).map_err(|e| anyhow::anyhow!("{e}"))
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// For people (coloured on a terminal).
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

impl SettingValue for LogFormat {
    fn read(raw: &str) -> anyhow::Result<Self> {
        match raw.trim() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            _ => bail!("expected text or json"),
        }
    }
}

pub use ayuda_types::ChatRouting;

impl SettingValue for ChatRouting {
    fn read(raw: &str) -> anyhow::Result<Self> {
        ChatRouting::parse(raw.trim()).ok_or_else(|| anyhow::anyhow!("expected manual or auto"))
    }
}

/// A password or token: never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

/// A URL that may carry a user and password: printed without them.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretUrl(String);

macro_rules! secret_values {
    ($($ty:ident),*) => {$(
        impl SettingValue for $ty {
            fn read(raw: &str) -> anyhow::Result<Self> {
                Ok($ty(raw.to_owned()))
            }
        }

        impl std::ops::Deref for $ty {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $ty {
            fn from(value: &str) -> Self {
                $ty(value.to_owned())
            }
        }

        impl From<String> for $ty {
            fn from(value: String) -> Self {
                $ty(value)
            }
        }
    )*};
}
secret_values!(Secret, SecretUrl);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl std::fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&redact_url(&self.0))
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

/// One setting as the README documents it.
#[derive(Debug, Clone, Copy)]
pub struct Documented {
    /// The environment variable.
    pub name: &'static str,
    /// What it sets.
    pub meaning: &'static str,
    /// Its default, as the README shows it.
    pub default: &'static str,
}

impl Documented {
    /// The README table row.
    pub fn row(&self) -> String {
        format!(
            "| `{}` | {} | {} |",
            self.name,
            self.meaning.trim(),
            self.default
        )
    }
}

macro_rules! settings {
    ($(
        $(#[doc = $doc:literal])+
        $field:ident : $ty:ty = $default:expr, $env:literal, $shown:literal;
    )+) => {
        /// Server settings. Every field has a default, so an empty environment runs Ayuda.
        #[derive(Clone, Debug)]
        pub struct Settings {
            $(
                $(#[doc = $doc])+
                #[doc = concat!("\n\n`", $env, "`, default ", $shown, ".")]
                pub $field: $ty,
            )+
        }

        impl Default for Settings {
            fn default() -> Self {
                Self { $($field: $default,)+ }
            }
        }

        /// Every setting's variable, meaning and default, in the README's order.
        pub const SETTINGS: &[Documented] = &[
            Documented {
                name: "AYUDA_CONFIG",
                meaning: "optional TOML file with any of these settings (keys in lowercase without the `AYUDA_` prefix, e.g. `smtp_url`)",
                default: "none",
            },
            $(Documented { name: $env, meaning: concat!($($doc),+), default: $shown },)+
            Documented { name: "RUST_LOG", meaning: "log filter", default: "`info`" },
        ];

        impl Settings {
            /// Sets the setting whose variable is `name` (or, with `by_key`, whose file key
            /// is `name`) from `raw`; false when no setting has that name.
            fn set(&mut self, name: &str, by_key: bool, raw: &str) -> anyhow::Result<bool> {
                $(
                    if (if by_key { name == stringify!($field) } else { name == $env }) {
                        self.$field = <$ty as SettingValue>::read(raw)
                            .with_context(|| format!("invalid {}", $env))?;
                        return Ok(true);
                    }
                )+
                Ok(false)
            }
        }
    };
}

settings! {
    /// listen address
    addr: String = "127.0.0.1:8080".into(), "AYUDA_ADDR", "`127.0.0.1:8080`";
    /// SQLite file, attachments, raw mail, generated secrets
    data_dir: PathBuf = PathBuf::from("./data"), "AYUDA_DATA_DIR", "`./data`";
    /// `sqlite://...` or `postgres://...`
    database_url: Option<SecretUrl> = None, "DATABASE_URL", "SQLite in the data directory";
    /// base of links in emails
    public_url: Option<String> = None, "AYUDA_PUBLIC_URL", "`http://` + the listen address";
    /// signing secret of access tokens
    jwt_secret: Option<Secret> = None, "AYUDA_JWT_SECRET", "generated once and kept in the data directory";
    /// first admin, created at start if no admin exists
    admin_email: Option<String> = None, "AYUDA_ADMIN_EMAIL", "none";
    /// password of that first admin
    admin_password: Option<Secret> = None, "AYUDA_ADMIN_PASSWORD", "none";
    /// outbound SMTP, lettre URL form (`smtp://host:port`, `smtps://user:pass@host`)
    smtp_url: Option<SecretUrl> = None, "AYUDA_SMTP_URL", "none: mail stays queued and is logged";
    /// the support mailbox; `From` of outbound mail
    support_address: String = "support@localhost".into(), "AYUDA_SUPPORT_ADDRESS", "`support@localhost`";
    /// support mailbox to poll: `imaps://user:pass@host:port/INBOX` (TLS), or `imap://` (STARTTLS, required unless the host is local); user and password URL-encoded
    imap_url: Option<SecretUrl> = None, "AYUDA_IMAP_URL", "none";
    /// bearer token for `POST /api/v1/inbound/email` (raw `message/rfc822` from an MTA pipe or a mail provider's webhook)
    inbound_token: Option<Secret> = None, "AYUDA_INBOUND_TOKEN", "none: the endpoint answers 404";
    /// add a `Server-Timing` header to every response: the database statements it ran and their time (for profiling and the benchmark; it tells clients how much database work a request took)
    server_timing: bool = false, "AYUDA_SERVER_TIMING", "`false`";
    /// bearer token `GET /metrics` asks for (give it to your Prometheus as `authorization: credentials`)
    metrics_token: Option<Secret> = None, "AYUDA_METRICS_TOKEN", "none: `/metrics` is open";
    /// minimum password length (5 or more)
    password_min_length: usize = 8, "AYUDA_PASSWORD_MIN_LENGTH", "`8`";
    /// lifetime of access tokens, seconds
    access_token_ttl_secs: u64 = 15 * 60, "AYUDA_ACCESS_TOKEN_TTL_SECS", "`900`";
    /// lifetime of refresh tokens, days
    refresh_token_ttl_days: u64 = 30, "AYUDA_REFRESH_TOKEN_TTL_DAYS", "`30`";
    /// lifetime of activation links, hours
    activation_ttl_hours: u64 = 72, "AYUDA_ACTIVATION_TTL_HOURS", "`72`";
    /// lifetime of password-reset links, hours
    reset_ttl_hours: u64 = 2, "AYUDA_RESET_TTL_HOURS", "`2`";
    /// failed logins allowed per account, `N/SECONDS`
    rate_login_account: Quota = Quota::per(10, 300), "AYUDA_RATE_LOGIN_ACCOUNT", "`10/300`";
    /// failed logins allowed per client address, `N/SECONDS`
    rate_login_address: Quota = Quota::per(100, 300), "AYUDA_RATE_LOGIN_ADDRESS", "`100/300`";
    /// registrations allowed per client address, `N/SECONDS`
    rate_register: Quota = Quota::per(30, 3600), "AYUDA_RATE_REGISTER", "`30/3600`";
    /// password-forgot requests allowed per client address, `N/SECONDS`
    rate_forgot: Quota = Quota::per(30, 3600), "AYUDA_RATE_FORGOT", "`30/3600`";
    /// failed activation and password-reset attempts (unknown, spent or expired links) allowed per client address, `N/SECONDS`
    rate_token: Quota = Quota::per(20, 300), "AYUDA_RATE_TOKEN", "`20/300`";
    /// your reverse proxies, comma-separated addresses or CIDR blocks (`10.0.0.0/8, ::1`): behind them the client is the rightmost `X-Forwarded-For` hop that is not one of them; IPv6 clients count per /64
    trusted_proxies: TrustedProxies = TrustedProxies::default(), "AYUDA_TRUSTED_PROXIES", "none: the peer address is the client";
    /// directory of the built SPA
    dist_dir: PathBuf = PathBuf::from("dist"), "AYUDA_DIST_DIR", "`dist`";
    /// HTTP worker threads (0 = number of CPUs)
    workers: usize = 0, "AYUDA_WORKERS", "`0`";
    /// largest database pool
    db_max_connections: u32 = 16, "AYUDA_DB_MAX_CONNECTIONS", "`16`";
    /// language for users who chose none (`es` or `en`)
    default_locale: Locale = Locale::Es, "AYUDA_DEFAULT_LOCALE", "`es`";
    /// largest JSON request body, bytes
    max_json_bytes: usize = 256 * 1024, "AYUDA_MAX_JSON_BYTES", "`262144`";
    /// outbox worker's polling interval, milliseconds (it is also woken at once by new mail)
    outbox_poll_ms: u64 = 2000, "AYUDA_OUTBOX_POLL_MS", "`2000`";
    /// `text` or `json`
    log_format: LogFormat = LogFormat::Text, "AYUDA_LOG_FORMAT", "`text`";
    /// largest attachment, bytes
    attachment_max_bytes: u64 = 10 * 1024 * 1024, "AYUDA_ATTACHMENT_MAX_BYTES", "`10485760` (10 MiB)";
    /// bytes one user may upload in 24 hours (attachments and screenshots); over it uploads answer 429
    upload_quota_bytes: u64 = 500 * 1024 * 1024, "AYUDA_UPLOAD_QUOTA_BYTES", "`524288000` (500 MiB)";
    /// uploads allowed per user, `N/SECONDS`
    rate_upload: Quota = Quota::per(120, 3600), "AYUDA_RATE_UPLOAD", "`120/3600`";
    /// forum comments allowed per user, `N/SECONDS`
    rate_comment: Quota = Quota::per(10, 600), "AYUDA_RATE_COMMENT", "`10/600`";
    /// Markdown previews (`POST /api/v1/markdown/render`) allowed per user, `N/SECONDS`
    rate_markdown: Quota = Quota::per(600, 600), "AYUDA_RATE_MARKDOWN", "`600/600`";
    /// days a resolved ticket waits before it closes by itself
    auto_close_days: u32 = 7, "AYUDA_AUTO_CLOSE_DAYS", "`7`";
    /// how often the auto-close job runs, seconds
    auto_close_interval_secs: u64 = 300, "AYUDA_AUTO_CLOSE_INTERVAL_SECS", "`300`";
    /// "was this helpful" votes allowed per client address, `N/SECONDS`
    rate_feedback: Quota = Quota::per(60, 3600), "AYUDA_RATE_FEEDBACK", "`60/3600`";
    /// `Reply-To` of ticket email; `{token}` is replaced by a signed per-ticket token (leave it out if the mailbox has no plus addressing)
    reply_to_address: Option<String> = None, "AYUDA_REPLY_TO_ADDRESS", "the support address with `+{token}` before the `@`";
    /// how often the IMAP poller looks for mail when the server offers no IDLE (and how long one IDLE waits), seconds
    imap_interval_secs: u64 = 30, "AYUDA_IMAP_INTERVAL_SECS", "`30`";
    /// IMAP folder processed mail is moved to (created if missing)
    imap_processed_folder: Option<String> = None, "AYUDA_IMAP_PROCESSED_FOLDER", "none: processed mail is flagged `\\Seen` and `$AyudaDone` and left in place";
    /// largest inbound email made into a ticket, bytes; larger ones are kept unread (raw) and rejected
    inbound_max_bytes: u64 = 15 * 1024 * 1024, "AYUDA_INBOUND_MAX_BYTES", "`15728640` (15 MiB)";
    /// files (attachments and inline images) kept of one inbound email; the rest are not stored and the ticket says so
    inbound_max_files: usize = 100, "AYUDA_INBOUND_MAX_FILES", "`100`";
    /// decoded bytes of the files kept of one inbound email, all together; files beyond it are not stored and the ticket says so
    inbound_max_file_bytes: u64 = 15 * 1024 * 1024, "AYUDA_INBOUND_MAX_FILE_BYTES", "`15728640` (15 MiB)";
    /// seconds an upload may stay unattached to any message before it is deleted
    unlinked_upload_ttl_secs: u64 = 24 * 3600, "AYUDA_UNLINKED_UPLOAD_TTL_SECS", "`86400` (24 hours)";
    /// how often stored files are swept: unattached uploads past their time, and files no attachment refers to
    file_sweep_interval_secs: u64 = 3600, "AYUDA_FILE_SWEEP_INTERVAL_SECS", "`3600`";
    /// automatic mail one address may receive, whatever caused it (registrations, password resets, answers to inbound mail), `N/SECONDS`; counted in the database, so it holds across instances
    auto_mail_per_recipient: Quota = Quota::per(5, 3600), "AYUDA_AUTO_MAIL_PER_RECIPIENT", "`5/3600`";
    /// who gets a waiting chat: `manual` (every online agent sees the queue, the first to accept gets it) or `auto` (the online agent with the fewest chats, ties to the one idle longest); admins change it at run time
    chat_routing: ChatRouting = ChatRouting::Manual, "AYUDA_CHAT_ROUTING", "`manual`";
    /// chats an agent takes at once unless an admin sets otherwise
    chat_max_chats: u32 = 3, "AYUDA_CHAT_MAX_CHATS", "`3`";
    /// chats that may wait at once; beyond it customers are offered a ticket (admins change it at run time: the Bot tab, `PUT /chat/settings`)
    chat_queue_limit: u32 = 20, "AYUDA_CHAT_QUEUE_LIMIT", "`20`";
    /// seconds of waiting after which the bot offers "keep waiting" or "leave a ticket" (admins change it at run time)
    chat_soft_wait_secs: u64 = 600, "AYUDA_CHAT_SOFT_WAIT_SECS", "`600`";
    /// seconds of waiting after which the chat becomes a ticket by itself (admins change it at run time)
    chat_hard_wait_secs: u64 = 1800, "AYUDA_CHAT_HARD_WAIT_SECS", "`1800`";
    /// seconds an agent may be without a live connection before their chats go back to the front of the queue
    chat_agent_gone_secs: u64 = 120, "AYUDA_CHAT_AGENT_GONE_SECS", "`120`";
    /// seconds of customer silence in a live chat before they are warned
    chat_inactive_warn_secs: u64 = 600, "AYUDA_CHAT_INACTIVE_WARN_SECS", "`600`";
    /// seconds of customer silence in a live chat before it closes
    chat_inactive_secs: u64 = 900, "AYUDA_CHAT_INACTIVE_SECS", "`900`";
    /// seconds without a word in a chat with the bot before it closes
    chat_bot_idle_secs: u64 = 1800, "AYUDA_CHAT_BOT_IDLE_SECS", "`1800`";
    /// seconds a customer must be offline before agent messages are emailed to them
    chat_offline_mail_secs: u64 = 120, "AYUDA_CHAT_OFFLINE_MAIL_SECS", "`120`";
    /// at most one email of unseen chat messages per chat in this many seconds
    chat_offline_mail_every_secs: u64 = 300, "AYUDA_CHAT_OFFLINE_MAIL_EVERY_SECS", "`300`";
    /// how often the chat timers (waits, idle, gone agents, offline email) run, milliseconds
    chat_timer_interval_ms: u64 = 1000, "AYUDA_CHAT_TIMER_INTERVAL_MS", "`1000`";
    /// seconds between WebSocket pings (a socket silent for two of them is closed)
    chat_heartbeat_secs: u64 = 25, "AYUDA_CHAT_HEARTBEAT_SECS", "`25`";
    /// messages one chat socket may send, `N/SECONDS`; beyond it the socket closes with 4029
    chat_socket_rate: Quota = Quota::per(5, 1), "AYUDA_CHAT_SOCKET_RATE", "`5/1`";
}

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

impl Settings {
    /// Defaults, then the `AYUDA_CONFIG` file, then the environment.
    pub fn load() -> anyhow::Result<Self> {
        let mut settings = Settings::default();
        if let Ok(path) = std::env::var("AYUDA_CONFIG") {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading AYUDA_CONFIG {path}"))?;
            settings
                .read_file(&text)
                .with_context(|| format!("in AYUDA_CONFIG {path}"))?;
        }
        for (name, instead) in REMOVED_VARS {
            if std::env::var_os(name).is_some() {
                bail!("{name} is no longer read: {instead}");
            }
        }
        for setting in SETTINGS {
            if let Ok(value) = std::env::var(setting.name)
                && !value.is_empty()
            {
                settings.set(setting.name, false, &value)?;
            }
        }
        settings.check()?;
        Ok(settings)
    }

    /// Applies a TOML file's entries (keys are the field names); an unknown key is an error.
    fn read_file(&mut self, text: &str) -> anyhow::Result<()> {
        let table: toml::Table = toml::from_str(text).context("not TOML")?;
        for (key, value) in table {
            let raw = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_) => {
                    value.to_string()
                }
                other => bail!(
                    "{key}: expected a string or a number, not {}",
                    other.type_str()
                ),
            };
            if !self.set(&key, true, &raw)? {
                bail!("unknown setting {key}");
            }
        }
        Ok(())
    }

    /// Refuses settings that cannot work together, with a message naming the setting.
    pub fn check(&self) -> anyhow::Result<()> {
        if self.password_min_length < PASSWORD_MIN_LENGTH_FLOOR {
            bail!("AYUDA_PASSWORD_MIN_LENGTH must be {PASSWORD_MIN_LENGTH_FLOOR} or more");
        }
        if ayuda_domain::Email::parse(&self.support_address).is_none() {
            bail!("AYUDA_SUPPORT_ADDRESS must be an email address");
        }
        if let Some(url) = &self.public_url {
            url::Url::parse(url).context("invalid AYUDA_PUBLIC_URL")?;
        }
        for (name, value) in [
            ("AYUDA_ATTACHMENT_MAX_BYTES", self.attachment_max_bytes),
            (
                "AYUDA_AUTO_CLOSE_INTERVAL_SECS",
                self.auto_close_interval_secs,
            ),
            ("AYUDA_IMAP_INTERVAL_SECS", self.imap_interval_secs),
            ("AYUDA_INBOUND_MAX_BYTES", self.inbound_max_bytes),
            (
                "AYUDA_FILE_SWEEP_INTERVAL_SECS",
                self.file_sweep_interval_secs,
            ),
            ("AYUDA_CHAT_TIMER_INTERVAL_MS", self.chat_timer_interval_ms),
            ("AYUDA_CHAT_HEARTBEAT_SECS", self.chat_heartbeat_secs),
            ("AYUDA_CHAT_MAX_CHATS", u64::from(self.chat_max_chats)),
        ] {
            if value == 0 {
                bail!("{name} must be more than 0");
            }
        }
        if let Some(url) = &self.imap_url {
            let parsed = url::Url::parse(url).context("invalid AYUDA_IMAP_URL")?;
            if !matches!(parsed.scheme(), "imap" | "imaps") || parsed.host_str().is_none() {
                bail!("AYUDA_IMAP_URL must be imap://user:pass@host:port/FOLDER or imaps://...");
            }
        }
        if !self.reply_to_pattern().contains('@') {
            bail!(
                "AYUDA_REPLY_TO_ADDRESS must be an email address (with {{token}} where the token goes)"
            );
        }
        Ok(())
    }

    /// The database URL in force.
    pub fn database_url(&self) -> String {
        self.database_url
            .as_deref()
            .map(str::to_owned)
            .unwrap_or_else(|| {
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

    /// The outbox polling interval.
    pub fn outbox_poll(&self) -> Duration {
        Duration::from_millis(self.outbox_poll_ms.max(10))
    }

    /// The rate limits.
    pub fn quotas(&self) -> Quotas {
        Quotas {
            login_account: self.rate_login_account,
            login_address: self.rate_login_address,
            register: self.rate_register,
            forgot: self.rate_forgot,
            token: self.rate_token,
            feedback: self.rate_feedback,
            auto_mail: self.auto_mail_per_recipient,
            upload: self.rate_upload,
            comment: self.rate_comment,
            markdown: self.rate_markdown,
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

    /// Where the bytes of large inbound messages are kept (smaller ones are kept in the
    /// database).
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
    fn values_are_parsed_once_and_bad_ones_name_their_variable() {
        let mut s = Settings::default();
        assert!(s.set("AYUDA_RATE_LOGIN_ACCOUNT", false, "3/60").unwrap());
        assert_eq!(s.rate_login_account, Quota::per(3, 60));
        for (name, bad) in [
            ("AYUDA_RATE_LOGIN_ACCOUNT", "10"),
            ("AYUDA_RATE_LOGIN_ACCOUNT", "0/10"),
            ("AYUDA_DEFAULT_LOCALE", "fr"),
            ("AYUDA_LOG_FORMAT", "xml"),
            ("AYUDA_TRUSTED_PROXIES", "proxy.local"),
            ("AYUDA_WORKERS", "many"),
        ] {
            let err = s.set(name, false, bad).unwrap_err();
            assert!(err.to_string().contains(name), "{err:#}");
        }
        assert!(!s.set("AYUDA_NO_SUCH_THING", false, "1").unwrap());
    }

    #[test]
    fn a_file_sets_what_it_names_and_refuses_unknown_keys() {
        let mut s = Settings::default();
        s.read_file("addr = \"0.0.0.0:9000\"\nworkers = 3\nrate_upload = \"5/60\"\nimap_processed_folder = \"\"")
            .unwrap();
        assert_eq!(s.addr, "0.0.0.0:9000");
        assert_eq!(s.workers, 3);
        assert_eq!(s.rate_upload, Quota::per(5, 60));
        assert_eq!(s.imap_processed_folder, None);
        assert!(s.read_file("adress = \"x\"").is_err());
        assert!(s.read_file("workers = \"many\"").is_err());
    }

    /// The README's default of each setting is the default in force: setting the value the
    /// table shows (where it is a literal: a `code` span, perhaps with a note in brackets)
    /// changes nothing.
    #[test]
    fn the_documented_defaults_are_the_defaults() {
        let defaults = format!("{:?}", Settings::default());
        for setting in SETTINGS {
            let Some((shown, after)) = setting
                .default
                .strip_prefix('`')
                .and_then(|rest| rest.split_once('`'))
            else {
                continue;
            };
            if !(after.is_empty() || after.starts_with(" (")) {
                continue;
            }
            let mut s = Settings::default();
            if s.set(setting.name, false, shown).unwrap_or(false) {
                assert_eq!(
                    format!("{s:?}"),
                    defaults,
                    "{} documented as {shown}",
                    setting.name
                );
            }
        }
    }

    #[test]
    fn secrets_never_print() {
        let s = Settings {
            jwt_secret: Some("top secret".into()),
            smtp_url: Some("smtps://user:pw@mail.example:465".into()),
            ..Settings::default()
        };
        let printed = format!("{s:?}");
        assert!(
            !printed.contains("top secret") && !printed.contains("pw@"),
            "{printed}"
        );
        assert!(printed.contains("smtps://***@mail.example:465"));
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
