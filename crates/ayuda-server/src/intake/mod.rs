//! Email intake (SPEC journey 1 and section 7): raw messages from the IMAP poller or the
//! inbound endpoint become tickets and replies.
//!
//! One pipeline for both ways in. Per message: read it ([`ayuda_mail::inbound::parse`]),
//! store its files, then in the database: skip it if the same message was taken before,
//! find or create the sender's account, decide where it belongs ([`route`]), add it there,
//! and record the message with its bytes and the reason for what was done. A batch of
//! messages shares one transaction (each in its own savepoint, so one bad message spoils
//! nothing else) and is durable when [`ingest_batch`] returns: only then may the mail
//! server or webhook caller be told the messages were taken.

pub mod imap;
mod route;

use ayuda_db::attachments::NewAttachment;
use ayuda_db::inbound::{self, NewInbound};
use ayuda_db::users::{self, Lookup, NewUser, UserRow};
use ayuda_db::{ConnectionTrait, DatabaseTransaction, TransactionTrait, attachments, outbox};
use ayuda_domain::content;
use ayuda_mail::inbound::{InboundEmail, Mailbox, Origin};
use ayuda_mail::replies;
use ayuda_types::{Channel, IntakeOutcome, Role};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tickets::{self, Body, Opening, Writing};
use route::Route;

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

/// Takes in one raw message; see [`ingest_batch`].
pub async fn ingest(state: &AppState, raw: &[u8], source: Source) -> ApiResult<Outcome> {
    let mut outcomes = ingest_batch(state, &[raw], source).await?;
    outcomes
        .pop()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("intake returned no outcome")))
}

/// Takes in raw messages in one transaction; every message gets an outcome, and all of them
/// are durable when this returns `Ok`. An `Err` means nothing was stored (the database
/// failed): the caller must keep the messages and try again.
pub async fn ingest_batch(
    state: &AppState,
    raws: &[&[u8]],
    source: Source,
) -> ApiResult<Vec<Outcome>> {
    // Reading and file storage happen before the transaction, which stays short.
    let mut prepared = Vec::with_capacity(raws.len());
    for raw in raws {
        prepared.push(prepare(state, raw).await?);
    }
    let now = Utc::now();
    let txn = ayuda_db::begin_write(&state.writer).await?;
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
    state.outbox_wake.notify_one();
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
    too_large: bool,
    /// Its files, stored and ready to record as attachments.
    files: Vec<NewAttachment>,
}

async fn prepare(state: &AppState, raw: &[u8]) -> ApiResult<Prepared> {
    let too_large = raw.len() as u64 > state.settings.inbound_max_bytes;
    let mut email = ayuda_mail::inbound::parse(raw);
    // The same Message-ID from the same sender is the same message (a redelivery); keyed
    // by both, so nobody can shadow someone else's message by reusing its Message-ID.
    let dedupe_key = match email
        .as_ref()
        .and_then(|e| e.message_id.as_ref().map(|id| (e, id)))
    {
        Some((e, id)) => {
            let from = e.from.as_ref().map_or("", |f| f.address.as_str());
            let digest = Sha256::digest(format!("{from}\n{id}").as_bytes());
            format!("mid:{}", crate::storage::hex(&digest))
        }
        None => format!("raw:{}", crate::storage::hex(&Sha256::digest(raw))),
    };
    let mut files = Vec::new();
    if let (Some(email), false) = (&mut email, too_large) {
        for file in &mut email.files {
            // The bytes move to the store; the rest of the message is still needed.
            let bytes = std::mem::take(&mut file.bytes);
            let stored =
                state.blobs.put_bytes(bytes).await.map_err(|e| {
                    ApiError::Internal(anyhow::anyhow!("storing an email file: {e}"))
                })?;
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
        too_large,
        files,
    })
}

/// One message, inside its savepoint.
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
    let mut record = Record::new(message, source);
    let Some(email) = &message.email else {
        return record
            .done(
                conn,
                raw,
                IntakeOutcome::Failed,
                "not a readable email message",
                now,
            )
            .await;
    };
    if message.too_large {
        let reason = format!(
            "the message is {:.1} MB, more than the {:.1} MB limit (AYUDA_INBOUND_MAX_BYTES); kept, not made into a ticket",
            mb(raw.len() as u64),
            mb(state.settings.inbound_max_bytes)
        );
        return record
            .done(conn, raw, IntakeOutcome::Rejected, &reason, now)
            .await;
    }
    let Some(from) = &email.from else {
        return record
            .done(
                conn,
                raw,
                IntakeOutcome::Failed,
                "no sender address: not a readable email message",
                now,
            )
            .await;
    };
    if let Origin::Bounce { original, reason } = &email.origin {
        let found = match original {
            Some(id) => outbox::mark_bounced(conn, id, reason, now).await?,
            None => false,
        };
        let reason = match (original, found) {
            (Some(id), true) => format!("delivery failure of our message <{id}>: {reason}"),
            (Some(id), false) => {
                format!("delivery failure of <{id}>, not a message of ours: {reason}")
            }
            (None, _) => format!("delivery failure naming no message: {reason}"),
        };
        return record
            .done(conn, raw, IntakeOutcome::Bounce, &reason, now)
            .await;
    }
    if is_ours(state, &from.address) {
        return record
            .done(
                conn,
                raw,
                IntakeOutcome::Ignored,
                "sent from our own address (a mail loop)",
                now,
            )
            .await;
    }
    // Answers count against the sender's cap on automatic mail, like every other cause.
    let may_answer = email.origin.may_answer()
        && crate::outbound::automatic_mail_allowed(conn, &state.settings, &from.address).await?;
    let (sender, created) = sender(conn, state, from, may_answer, now).await?;
    if !sender.active {
        return record
            .done(
                conn,
                raw,
                IntakeOutcome::Ignored,
                "the sender's account is deactivated",
                now,
            )
            .await;
    }
    record.new.answered = created && may_answer;
    let route = route::decide(conn, state, email, &sender).await?;
    match route {
        Route::Reply { ticket, reason } => {
            if !email.origin.may_answer() {
                record.new.ticket_id = Some(ticket.id);
                let reason =
                    format!("{reason}; an automatic message, not added to the conversation");
                return record
                    .done(conn, raw, IntakeOutcome::Ignored, &reason, now)
                    .await;
            }
            let writing = Writing {
                body: Body::plain(&replies::new_part(&email.text)),
                internal: false,
                attachment_ids: store_files(conn, &sender, &message.files, now).await?,
            };
            let added =
                tickets::add_reply(conn, state, &sender, ticket, writing, Channel::Email, now)
                    .await?;
            record.new.ticket_id = Some(added.ticket_number);
            record.new.ticket_message_id = Some(added.message_id);
            record.new.answered |= added.followed_up;
            let (disposition, reason) = if added.followed_up {
                (
                    IntakeOutcome::Ticketed,
                    format!(
                        "{reason}; that ticket is closed, so follow-up #{} was opened",
                        added.ticket_number
                    ),
                )
            } else {
                (IntakeOutcome::Threaded, reason)
            };
            record.done(conn, raw, disposition, &reason, now).await
        }
        Route::New { parent, reason } => {
            let type_id = route::email_ticket_type(conn).await?;
            let title = replies::clean_subject(&email.subject)
                .unwrap_or_else(|| "(no subject)".to_owned())
                .chars()
                .take(200)
                .collect::<String>();
            let opened = tickets::open_ticket(
                conn,
                state,
                &sender,
                Opening {
                    ticket: ayuda_db::tickets::NewTicket {
                        title,
                        type_id,
                        requester_id: sender.id,
                        channel: Channel::Email,
                        parent_id: parent,
                    },
                    body: Body::plain(&email.text),
                    attachment_ids: store_files(conn, &sender, &message.files, now).await?,
                    tell_requester: may_answer,
                },
                now,
            )
            .await?;
            let copied: Vec<String> = email
                .cc
                .iter()
                .map(|m| m.address.clone())
                .filter(|a| a != &sender.email && !is_ours(state, a))
                .collect();
            inbound::add_participants(conn, opened.number, &copied, now).await?;
            record.new.ticket_id = Some(opened.number);
            record.new.ticket_message_id = Some(opened.message_id);
            record.new.answered |= may_answer;
            record
                .done(conn, raw, IntakeOutcome::Ticketed, &reason, now)
                .await
        }
    }
}

/// When a message failed inside its savepoint: a duplicate that raced us, or a real failure,
/// which is recorded (the bytes kept) so that nothing is lost silently.
async fn settle_failure(
    conn: &DatabaseTransaction,
    raw: &[u8],
    message: &Prepared,
    source: Source,
    err: ApiError,
    now: DateTime<Utc>,
) -> ApiResult<Outcome> {
    if let Some(seen) = inbound::find_by_key(conn, &message.dedupe_key).await? {
        return Ok(duplicate(&seen));
    }
    tracing::warn!(error = %err, "inbound email could not be made into a ticket");
    let reason = match &err {
        ApiError::Conflict(why) => format!("not added: {why}"),
        other => format!("could not be made into a ticket: {other}"),
    };
    Record::new(message, source)
        .done(conn, raw, IntakeOutcome::Failed, &reason, now)
        .await
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
        }
    }

    async fn done(
        mut self,
        conn: &impl ConnectionTrait,
        raw: &[u8],
        disposition: IntakeOutcome,
        reason: &str,
        now: DateTime<Utc>,
    ) -> ApiResult<Outcome> {
        self.new.outcome = disposition.as_str().to_owned();
        self.new.reason = reason.to_owned();
        self.new.raw_size = i64::try_from(raw.len()).unwrap_or(i64::MAX);
        let row = inbound::insert(conn, self.new, raw, now).await?;
        Ok(Outcome {
            disposition,
            ticket_number: row.ticket_id,
            inbound_id: Some(row.id),
            reason: row.reason,
        })
    }
}

/// Whether `address` is the support mailbox or one of its reply addresses.
fn is_ours(state: &AppState, address: &str) -> bool {
    let support = state.settings.support_address.to_ascii_lowercase();
    address == support
        || ayuda_mail::signing::token_in_address(&state.settings.reply_to_pattern(), address)
            .is_some()
}

/// The sender's account, created (as a customer, with the welcome email when answers are
/// allowed) when the address is new. `true` with a new account.
async fn sender(
    conn: &impl ConnectionTrait,
    state: &AppState,
    from: &Mailbox,
    may_answer: bool,
    now: DateTime<Utc>,
) -> ApiResult<(UserRow, bool)> {
    if let Some(user) = users::find(conn, Lookup::Email(&from.address)).await? {
        return Ok((user, false));
    }
    let name = from
        .name
        .clone()
        .unwrap_or_else(|| {
            from.address
                .split('@')
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .chars()
        .take(100)
        .collect::<String>();
    let user = users::insert(
        conn,
        NewUser {
            email: from.address.clone(),
            name,
            username: None,
            phone: None,
            role: Role::Customer,
            locale: state.settings.default_locale(),
            password_hash: None,
        },
        now,
    )
    .await?;
    if may_answer {
        crate::accounts::send_activation(conn, state, &user, false).await?;
    }
    Ok((user, true))
}

/// Records the stored files as uploads of `sender`, ready to link to the message.
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

fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
