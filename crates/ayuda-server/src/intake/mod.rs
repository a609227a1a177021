//! Email intake (SPEC journey 1 and section 7): raw messages from the IMAP poller or the
//! inbound endpoint become tickets and replies.
//!
//! One pipeline for both ways in. Per message: read it ([`ayuda_mail::inbound::parse`]),
//! store its files, then in the database: skip it if the same message was taken before,
//! decide what it is ([`classify`], from the message alone), find or create the sender's
//! account, decide where it belongs ([`threading`]), add it there,
//! and record the message with its bytes and the reason for what was done (the bytes of a
//! message of [`RAW_FILE_FROM`] or more go to a file, like its attachments). A batch of
//! messages shares one transaction (each in its own savepoint, so one bad message spoils
//! nothing else) and is durable when [`ingest_batch`] returns: only then may the mail
//! server or webhook caller be told the messages were taken.
//!
//! Poison never stops intake: every value read from a message is bounded before it reaches
//! the database, recording a failure falls back to a record without the message's details,
//! and a message that still cannot be stored after one retry while the database answers is
//! set aside (see [`ingest`] and the IMAP poller) so the next one goes through. Files are
//! stored only for messages that may become a ticket or a reply, at most
//! `AYUDA_INBOUND_MAX_FILES` of them; a sweep ([`crate::workers::file_sweep`]) removes any
//! that nothing came to refer to.

mod classify;
pub mod imap;
pub mod records;
pub(crate) mod threading;

use ayuda_db::attachments::NewAttachment;
use ayuda_db::inbound::{self, NewInbound, RawBytes};
use ayuda_db::tickets::TicketRow;
use ayuda_db::users::UserRow;
use ayuda_db::{ConnectionTrait, DatabaseTransaction, attachments, outbox};
use ayuda_domain::content;
use ayuda_mail::inbound::{FileLimits, InboundEmail, Mailbox, Omitted, Origin};
use ayuda_mail::replies;
use ayuda_types::{Channel, IntakeOutcome, Locale};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tickets::{self, Body, Opening, Writing};
use classify::{Verdict, classify, mb};
use threading::Threading;

/// Where a message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The IMAP poller.
    Imap,
    /// `POST /api/v1/inbound/email`.
    Webhook,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Imap => "imap",
            Source::Webhook => "webhook",
        }
    }
}

/// The result of taking in one message.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// What became of it.
    pub disposition: IntakeOutcome,
    /// The ticket it opened or joined.
    pub ticket_number: Option<i64>,
    /// The intake record (for agents: headers, raw message, reason).
    pub inbound_id: Option<i64>,
    /// Why, in words.
    pub reason: String,
}

/// Why messages could not be taken in; nothing of their batch was stored.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The database is down: keep the message and try again later.
    #[error("the database is unavailable")]
    Unavailable,
    /// The database failed.
    #[error("the database failed: {0}")]
    Database(#[from] ayuda_db::DbErr),
    /// Reading a message, storing its files or setting it aside failed.
    #[error("{0}")]
    Storage(String),
}

impl From<IntakeError> for ApiError {
    fn from(err: IntakeError) -> Self {
        match err {
            IntakeError::Unavailable => ApiError::Unavailable,
            other => ApiError::Internal(anyhow::anyhow!(other)),
        }
    }
}

/// Longest text of an email made into a ticket message, in characters (what the API allows
/// a message); the rest stays in the original, which is kept whole.
const TEXT_MAX_CHARS: usize = 100_000;
/// Longest reason recorded, in characters.
const REASON_MAX_CHARS: usize = 2000;
/// From this size, a message's bytes are kept as a file in the raw-mail store instead of
/// in its database row: megabytes in a row are written twice on SQLite (into the WAL, then
/// into the database at the checkpoint), a file once; below it, a row costs no file and
/// no fsync of its own.
pub const RAW_FILE_FROM: usize = 256 * 1024;

/// Takes in one raw message (the webhook); see [`ingest_batch`]. When storing it fails, it
/// is tried once more; when that fails too while the database answers, the message is the
/// problem: it is set aside as a file in the data directory (`inbound-failed/`) and the
/// outcome is `failed`, so the caller moves on. While the database is down the error stands
/// (503), and the caller should retry.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ingest(state: &AppState, raw: &[u8], source: Source) -> Result<Outcome, IntakeError> {
    let mut outcomes = match ingest_one(state, raw, source).await {
        Ok(outcomes) => outcomes,
        Err(SetAside(err)) => return set_aside(state, raw, &err).await,
        Err(Retry(err)) => {
            // The database is down: 503 tells the mail server to keep the message and retry.
            tracing::error!(error = %err, "inbound email not stored: the database is unavailable");
            return Err(IntakeError::Unavailable);
        }
    };
    outcomes
        .pop()
        .ok_or_else(|| IntakeError::Storage("intake returned no outcome".into()))
}

/// What to do with a message that could not be stored.
#[derive(Debug)]
pub enum Unstored {
    /// The database is down: keep the message and try again later.
    Retry(IntakeError),
    /// Tried twice while the database answered: the message itself fails; set it aside.
    SetAside(IntakeError),
}
use Unstored::{Retry, SetAside};

/// One message in its own batch, tried twice; see [`Unstored`].
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ingest_one(
    state: &AppState,
    raw: &[u8],
    source: Source,
) -> Result<Vec<Outcome>, Unstored> {
    let first = match ingest_batch(state, &[raw], source).await {
        Ok(outcomes) => return Ok(outcomes),
        Err(err) => err,
    };
    tracing::warn!(error = %first, "storing an inbound email failed; trying once more");
    match ingest_batch(state, &[raw], source).await {
        Ok(outcomes) => Ok(outcomes),
        Err(err) if ayuda_db::ping(&state.db).await.is_ok() => Err(SetAside(err)),
        Err(err) => Err(Retry(err)),
    }
}

/// Keeps a message that cannot be stored as a file for a person to look at.
#[tracing::instrument(level = "debug", skip_all)]
async fn set_aside(
    state: &AppState,
    raw: &[u8],
    err: &IntakeError,
) -> Result<Outcome, IntakeError> {
    let dir = state.settings.data_dir.join("inbound-failed");
    let name = format!(
        "{}-{}.eml",
        Utc::now().format("%Y%m%dT%H%M%SZ"),
        uuid::Uuid::new_v4().simple()
    );
    let write = async {
        tokio::fs::create_dir_all(&dir).await?;
        let mut file = tokio::fs::File::create(dir.join(&name)).await?;
        tokio::io::AsyncWriteExt::write_all(&mut file, raw).await?;
        file.sync_all().await
    };
    write
        .await
        .map_err(|e| IntakeError::Storage(format!("setting an inbound email aside: {e}")))?;
    tracing::error!(error = %err, file = %name, "inbound email could not be stored; set aside");
    metrics::counter!("ayuda_inbound_emails_total", "outcome" => "set_aside").increment(1);
    Ok(Outcome {
        disposition: IntakeOutcome::Failed,
        ticket_number: None,
        inbound_id: None,
        reason: format!("could not be stored: {err}; set aside as inbound-failed/{name}"),
    })
}

/// Takes in raw messages in one transaction; every message gets an outcome, and all of them
/// are durable when this returns `Ok`. An `Err` means nothing was stored (the database
/// failed): the caller must keep the messages and try again.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ingest_batch(
    state: &AppState,
    raws: &[&[u8]],
    source: Source,
) -> Result<Vec<Outcome>, IntakeError> {
    // Reading and file storage happen before the transaction, which stays short.
    let mut prepared = Vec::with_capacity(raws.len());
    for raw in raws {
        prepared.push(prepare(state, raw).await?);
    }
    let now = Utc::now();
    let txn = state.writer.begin().await?;
    let mut outcomes = Vec::with_capacity(raws.len());
    for (raw, message) in raws.iter().zip(&prepared) {
        let savepoint = txn.begin().await?;
        let outcome = match take(&savepoint, state, raw, message, source, now).await {
            Ok(outcome) => {
                savepoint.commit().await?;
                outcome
            }
            Err(err) => {
                savepoint.rollback().await?;
                settle_failure(&txn, raw, message, source, err, now).await?
            }
        };
        outcomes.push(outcome);
    }
    txn.commit().await?;
    state.mail_queued().await;
    for outcome in &outcomes {
        metrics::counter!("ayuda_inbound_emails_total", "outcome" => outcome.disposition.as_str())
            .increment(1);
        tracing::info!(
            outcome = outcome.disposition.as_str(),
            ticket = outcome.ticket_number,
            inbound_id = outcome.inbound_id,
            reason = %outcome.reason,
            "inbound email"
        );
    }
    Ok(outcomes)
}

/// A message read and its files stored, ready for the transaction.
struct Prepared {
    dedupe_key: String,
    email: Option<InboundEmail>,
    /// Its files, stored and ready to record as attachments.
    files: Vec<NewAttachment>,
    /// The raw-mail file holding its bytes (a large message), by SHA-256.
    raw_file: Option<String>,
}

#[tracing::instrument(level = "debug", skip_all)]
async fn prepare(state: &AppState, raw: &[u8]) -> Result<Prepared, IntakeError> {
    let too_large = raw.len() as u64 > state.settings.inbound_max_bytes;
    let limits = file_limits(state);
    let owned = raw.to_vec();
    // Reading takes CPU time in proportion to the message (tens of thousands of parts, say):
    // off the async workers, which serve other requests meanwhile.
    let (mut email, dedupe_key, owned) = tokio::task::spawn_blocking(move || {
        // A message over the limit is not read past its headers: nothing else of it is used.
        let email = if too_large {
            ayuda_mail::inbound::parse_headers(&owned)
        } else {
            ayuda_mail::inbound::parse(&owned, limits)
        };
        let key = dedupe_key(email.as_ref(), &owned);
        (email, key, owned)
    })
    .await
    .map_err(|e| IntakeError::Storage(format!("reading an email: {e}")))?;
    let keeps_files = email.as_ref().is_some_and(|e| may_keep_files(state, e));
    let large = owned.len() >= RAW_FILE_FROM;
    // A redelivery refers to what was stored the first time (read outside the transaction:
    // at worst a racing copy stores files that the sweep removes later).
    let new = (keeps_files || large)
        && inbound::find_by_key(&state.db, &dedupe_key)
            .await?
            .is_none();
    let raw_file = if large && new {
        let stored = state.raw_mail.put_bytes(owned).await;
        Some(
            stored
                .map_err(|e| IntakeError::Storage(format!("storing an email: {e}")))?
                .sha256,
        )
    } else {
        None
    };
    let mut files = Vec::new();
    if let Some(email) = email.as_mut().filter(|_| keeps_files && new) {
        for file in &mut email.files {
            // The bytes move to the store; the rest of the message is still needed.
            let bytes = std::mem::take(&mut file.bytes);
            let stored = state
                .blobs
                .put_bytes(bytes)
                .await
                .map_err(|e| IntakeError::Storage(format!("storing an email file: {e}")))?;
            files.push(NewAttachment {
                // The sender's account may not exist yet; set when recorded.
                uploader_id: 0,
                filename: content::clean_filename(&file.filename),
                content_type: content::sniff(&stored.head),
                size: i64::try_from(stored.size).unwrap_or(i64::MAX),
                sha256: stored.sha256,
            });
        }
    }
    Ok(Prepared {
        dedupe_key,
        email,
        files,
        raw_file,
    })
}

/// The same Message-ID from the same sender is the same message (a redelivery); keyed by
/// both, so nobody can shadow someone else's message by reusing its Message-ID. Without
/// one, the same bytes are the same message.
fn dedupe_key(email: Option<&InboundEmail>, raw: &[u8]) -> String {
    match email.and_then(|e| e.message_id.as_ref().map(|id| (e, id))) {
        Some((e, id)) => {
            let from = e.from.as_ref().map_or("", |f| f.address.as_str());
            let digest = Sha256::digest(format!("{from}\n{id}").as_bytes());
            format!("mid:{digest:x}")
        }
        None => format!("raw:{:x}", Sha256::digest(raw)),
    }
}

/// How many files of one message are kept.
fn file_limits(state: &AppState) -> FileLimits {
    FileLimits {
        max_files: state.settings.inbound_max_files,
        max_bytes: state.settings.inbound_max_file_bytes,
    }
}

/// Whether a message may become a ticket or a reply, so its files are worth storing: read,
/// within the size limit, from a person's address that is not ours, not a bounce.
fn may_keep_files(state: &AppState, email: &InboundEmail) -> bool {
    !email.files.is_empty()
        && !matches!(email.origin, Origin::Bounce { .. })
        && email
            .from
            .as_ref()
            .is_some_and(|f| !state.mailbox.is_ours(&f.address))
}

/// One message, inside its savepoint: taken before, or the writer of its verdict.
#[tracing::instrument(level = "debug", skip_all)]
async fn take(
    conn: &DatabaseTransaction,
    state: &AppState,
    raw: &[u8],
    message: &Prepared,
    source: Source,
    now: DateTime<Utc>,
) -> ApiResult<Outcome> {
    if let Some(seen) = inbound::find_by_key(conn, &message.dedupe_key).await? {
        return Ok(duplicate(&seen));
    }
    let record = Record::new(message, source);
    let verdict = classify(
        message.email.as_ref(),
        raw.len() as u64,
        state.settings.inbound_max_bytes,
        |address| state.mailbox.is_ours(address),
    );
    match verdict {
        Verdict::Record { outcome, reason } => {
            Ok(record.done(conn, raw, outcome, &reason, now).await?)
        }
        Verdict::Bounce { original, reason } => {
            bounce(conn, raw, record, original, reason, now).await
        }
        Verdict::Correspondence { email, from } => {
            let letter = Letter {
                raw,
                email,
                from,
                files: &message.files,
            };
            correspondence(conn, state, letter, record, now).await
        }
    }
}

/// Records a delivery failure and marks our message that bounced.
#[tracing::instrument(level = "debug", skip_all)]
async fn bounce(
    conn: &impl ConnectionTrait,
    raw: &[u8],
    record: Record,
    original: Option<&str>,
    reason: &str,
    now: DateTime<Utc>,
) -> ApiResult<Outcome> {
    let found = match original {
        Some(id) => outbox::mark_bounced(conn, id, reason, now).await?,
        None => false,
    };
    let reason = match (original, found) {
        (Some(id), true) => format!("delivery failure of our message <{id}>: {reason}"),
        (Some(id), false) => format!("delivery failure of <{id}>, not a message of ours: {reason}"),
        (None, _) => format!("delivery failure naming no message: {reason}"),
    };
    Ok(record
        .done(conn, raw, IntakeOutcome::Bounce, &reason, now)
        .await?)
}

/// A message that belongs to a conversation, with what the writers need of it.
struct Letter<'a> {
    raw: &'a [u8],
    email: &'a InboundEmail,
    from: &'a Mailbox,
    /// Its files, stored and ready to record.
    files: &'a [NewAttachment],
}

/// Mail from a person (or a machine): the sender's account, then a reply to the ticket it
/// belongs to, or a new ticket.
#[tracing::instrument(level = "debug", skip_all)]
async fn correspondence(
    conn: &DatabaseTransaction,
    state: &AppState,
    letter: Letter<'_>,
    mut record: Record,
    now: DateTime<Utc>,
) -> ApiResult<Outcome> {
    let (raw, email) = (letter.raw, letter.email);
    // Answers count against the sender's cap on automatic mail, like every other cause.
    let may_answer = email.origin.may_answer()
        && crate::outbound::automatic_mail_allowed(conn, &state.settings, &letter.from.address)
            .await?;
    let (sender, created) = sender(conn, state, letter.from, may_answer, now).await?;
    if !sender.active {
        let reason = "the sender's account is deactivated";
        return Ok(record
            .done(conn, raw, IntakeOutcome::Ignored, reason, now)
            .await?);
    }
    record.new.answered = created && may_answer;
    match threading::decide(conn, state, email, &sender).await? {
        Threading::Reply { ticket, reason } => {
            reply(conn, state, &letter, &sender, *ticket, &reason, record, now).await
        }
        Threading::New { parent, reason } => {
            let opening = NewConversation {
                parent,
                reason,
                may_answer,
            };
            open(conn, state, &letter, &sender, opening, record, now).await
        }
    }
}

/// Adds the message to `ticket` as `sender`'s reply (automatic mail is only recorded
/// against it); a closed ticket gets a follow-up.
#[expect(
    clippy::too_many_arguments,
    reason = "one writer of one verdict, all it needs"
)]
#[tracing::instrument(level = "debug", skip_all)]
async fn reply(
    conn: &DatabaseTransaction,
    state: &AppState,
    letter: &Letter<'_>,
    sender: &UserRow,
    ticket: TicketRow,
    reason: &str,
    mut record: Record,
    now: DateTime<Utc>,
) -> ApiResult<Outcome> {
    let (raw, email) = (letter.raw, letter.email);
    if !email.origin.may_answer() {
        record.new.ticket_id = Some(ticket.id);
        let reason = format!("{reason}; an automatic message, not added to the conversation");
        return Ok(record
            .done(conn, raw, IntakeOutcome::Ignored, &reason, now)
            .await?);
    }
    let (text, left_out) =
        conversation_text(email, file_limits(state), state.settings.default_locale);
    let reason = format!("{reason}{left_out}");
    let writing = Writing {
        body: Body::plain(&replies::new_part(&text)),
        internal: false,
        attachment_ids: store_files(conn, sender, letter.files, now).await?,
        status: None,
    };
    let added =
        tickets::add_reply(conn, state, sender, ticket, writing, Channel::Email, now).await?;
    record.new.ticket_id = Some(added.ticket_number);
    record.new.ticket_message_id = Some(added.message.id);
    record.new.answered |= added.followed_up;
    let (disposition, reason) = if added.followed_up {
        let number = added.ticket_number;
        let reason = format!("{reason}; that ticket is closed, so follow-up #{number} was opened");
        (IntakeOutcome::Ticketed, reason)
    } else {
        (IntakeOutcome::Threaded, reason)
    };
    Ok(record.done(conn, raw, disposition, &reason, now).await?)
}

/// A new ticket's threading: the ticket it follows up, why, and whether the sender may be
/// answered.
struct NewConversation {
    parent: Option<i64>,
    reason: String,
    may_answer: bool,
}

/// Opens a ticket from the message (of the type admins chose for email), its `Cc` as
/// participants.
#[tracing::instrument(level = "debug", skip_all)]
async fn open(
    conn: &DatabaseTransaction,
    state: &AppState,
    letter: &Letter<'_>,
    sender: &UserRow,
    new: NewConversation,
    mut record: Record,
    now: DateTime<Utc>,
) -> ApiResult<Outcome> {
    let email = letter.email;
    let (text, left_out) =
        conversation_text(email, file_limits(state), state.settings.default_locale);
    let reason = format!("{}{left_out}", new.reason);
    let title = replies::clean_subject(&email.subject)
        .unwrap_or_else(|| "(no subject)".to_owned())
        .chars()
        .take(200)
        .collect::<String>();
    let opening = Opening {
        ticket: ayuda_db::tickets::NewTicket {
            title,
            type_id: threading::email_ticket_type(conn).await?,
            requester_id: sender.id,
            channel: Channel::Email,
            parent_id: new.parent,
        },
        body: Body::plain(&text),
        attachment_ids: store_files(conn, sender, letter.files, now).await?,
        tell_requester: new.may_answer,
        author_id: None,
    };
    let opened = tickets::open_ticket(conn, state, sender, opening, now).await?;
    let copied: Vec<String> = email
        .cc
        .iter()
        .map(|m| m.address.clone())
        .filter(|a| a != &sender.email && !state.mailbox.is_ours(a))
        .collect();
    inbound::add_participants(conn, opened.number, &copied, now).await?;
    record.new.ticket_id = Some(opened.number);
    record.new.ticket_message_id = Some(opened.message.id);
    record.new.answered |= new.may_answer;
    Ok(record
        .done(conn, letter.raw, IntakeOutcome::Ticketed, &reason, now)
        .await?)
}

/// When a message failed inside its savepoint: a duplicate that raced us, or a real failure,
/// which is recorded (the bytes kept) so that nothing is lost silently.
#[tracing::instrument(level = "debug", skip_all)]
async fn settle_failure(
    conn: &ayuda_db::WriteTxn,
    raw: &[u8],
    message: &Prepared,
    source: Source,
    err: ApiError,
    now: DateTime<Utc>,
) -> Result<Outcome, IntakeError> {
    if let Some(seen) = inbound::find_by_key(conn, &message.dedupe_key).await? {
        return Ok(duplicate(&seen));
    }
    tracing::warn!(error = %err, "inbound email could not be made into a ticket");
    let reason = match &err {
        ApiError::Conflict { detail, .. } => format!("not added: {detail}"),
        other => format!("could not be made into a ticket: {other}"),
    };
    // Recording must not fail on what the message says: if its details cannot be stored,
    // the record keeps only the bytes and why.
    let savepoint = conn.begin().await?;
    match Record::new(message, source)
        .done(&savepoint, raw, IntakeOutcome::Failed, &reason, now)
        .await
    {
        Ok(outcome) => {
            savepoint.commit().await?;
            Ok(outcome)
        }
        Err(again) => {
            savepoint.rollback().await?;
            tracing::warn!(error = %again, "recording the failed inbound email with its details failed");
            let reason = format!("{reason}; its details could not be recorded: {again}");
            Ok(Record::bare(message, source)
                .done(conn, raw, IntakeOutcome::Failed, &reason, now)
                .await?)
        }
    }
}

/// The outcome of a message taken before.
fn duplicate(seen: &inbound::InboundRow) -> Outcome {
    Outcome {
        disposition: IntakeOutcome::Duplicate,
        ticket_number: seen.ticket_id,
        inbound_id: Some(seen.id),
        reason: format!("already taken as intake record {}", seen.id),
    }
}

/// The intake record of one message, filled in as it is handled.
struct Record {
    new: NewInbound,
    /// The raw-mail file holding the message's bytes, if they are not kept in the row.
    raw_file: Option<String>,
}

impl Record {
    fn new(message: &Prepared, source: Source) -> Self {
        let email = message.email.as_ref();
        Record {
            new: NewInbound {
                dedupe_key: message.dedupe_key.clone(),
                message_id: email.and_then(|e| e.message_id.clone()),
                source: source.as_str().to_owned(),
                from_address: email
                    .and_then(|e| e.from.as_ref())
                    .map(|f| f.address.clone()),
                from_name: email
                    .and_then(|e| e.from.as_ref())
                    .and_then(|f| f.name.clone()),
                subject: email.map(|e| e.subject.clone()).unwrap_or_default(),
                outcome: String::new(),
                reason: String::new(),
                ticket_id: None,
                ticket_message_id: None,
                answered: false,
                raw_size: 0,
                headers: email.map(|e| e.headers.clone()).unwrap_or_default(),
            },
            raw_file: message.raw_file.clone(),
        }
    }

    /// A record with nothing read from the message but its key (the bytes are kept).
    fn bare(message: &Prepared, source: Source) -> Self {
        let mut record = Record::new(message, source);
        let new = &mut record.new;
        new.message_id = None;
        new.from_address = None;
        new.from_name = None;
        new.subject = String::new();
        new.headers = String::new();
        record
    }

    async fn done(
        mut self,
        conn: &impl ConnectionTrait,
        raw: &[u8],
        disposition: IntakeOutcome,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Outcome, ayuda_db::DbErr> {
        self.new.outcome = disposition.as_str().to_owned();
        self.new.reason = reason.chars().take(REASON_MAX_CHARS).collect();
        self.new.raw_size = i64::try_from(raw.len()).unwrap_or(i64::MAX);
        let bytes = match &self.raw_file {
            Some(sha256) => RawBytes::File(sha256),
            None => RawBytes::Row(raw),
        };
        let row = inbound::insert(conn, self.new, bytes, now).await?;
        Ok(Outcome {
            disposition,
            ticket_number: row.ticket_id,
            inbound_id: Some(row.id),
            reason: row.reason,
        })
    }
}

/// The sender's account, created (as a customer, with the welcome email when answers are
/// allowed) when the address is new. `true` with a new account.
#[tracing::instrument(level = "debug", skip_all)]
async fn sender(
    conn: &impl ConnectionTrait,
    state: &AppState,
    from: &Mailbox,
    may_answer: bool,
    now: DateTime<Utc>,
) -> ApiResult<(UserRow, bool)> {
    crate::accounts::customer_by_email(
        conn,
        state,
        &from.address,
        from.name.as_deref(),
        may_answer,
        now,
    )
    .await
}

/// Records the stored files as uploads of `sender`, ready to link to the message.
#[tracing::instrument(level = "debug", skip_all)]
async fn store_files(
    conn: &impl ConnectionTrait,
    sender: &UserRow,
    files: &[NewAttachment],
    now: DateTime<Utc>,
) -> ApiResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(files.len());
    for file in files {
        let new = NewAttachment {
            uploader_id: sender.id,
            ..file.clone()
        };
        ids.push(attachments::insert(conn, new, now).await?.id);
    }
    Ok(ids)
}

/// The text of an email as it goes into the conversation: at most [`TEXT_MAX_CHARS`], with
/// a line (in `locale`) saying what was left out; and the same said for the intake record.
fn conversation_text(email: &InboundEmail, limits: FileLimits, locale: Locale) -> (String, String) {
    let cut = email
        .text
        .char_indices()
        .nth(TEXT_MAX_CHARS)
        .map(|(at, _)| at);
    let mut text = email.text[..cut.unwrap_or(email.text.len())].to_owned();
    let mut notes = Vec::new();
    let mut reason = String::new();
    if cut.is_some() {
        notes.push(match locale {
            Locale::Es => format!(
                "El texto seguía: se muestran los primeros {TEXT_MAX_CHARS} caracteres; el correo original se guarda completo."
            ),
            Locale::En => format!(
                "The text went on: the first {TEXT_MAX_CHARS} characters are shown; the original email is kept whole."
            ),
        });
        reason.push_str(&format!("; text cut at {TEXT_MAX_CHARS} characters"));
    }
    let Omitted { files, bytes } = email.omitted;
    if files > 0 {
        notes.push(match locale {
            Locale::Es => format!(
                "{files} archivo(s) adjunto(s) ({:.1} MB) no se guardaron: un correo puede traer como mucho {} archivos y {:.1} MB en total.",
                mb(bytes), limits.max_files, mb(limits.max_bytes)
            ),
            Locale::En => format!(
                "{files} attached file(s) ({:.1} MB) were not kept: one email may bring at most {} files and {:.1} MB in all.",
                mb(bytes), limits.max_files, mb(limits.max_bytes)
            ),
        });
        reason.push_str(&format!(
            "; {files} file(s) not kept (over AYUDA_INBOUND_MAX_FILES or AYUDA_INBOUND_MAX_FILE_BYTES)"
        ));
    }
    for note in notes {
        text.push_str(&format!("\n\n[Ayuda: {note}]"));
    }
    (text, reason)
}
