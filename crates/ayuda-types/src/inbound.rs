//! Email intake: the inbound endpoint's answer, and what agents see of received email.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

wire_enum! {
    /// What became of an inbound email.
    IntakeOutcome {
        /// A new ticket was opened.
        Ticketed = "ticketed",
        /// It was added to an existing ticket.
        Threaded = "threaded",
        /// The same message was taken before; nothing new was made.
        Duplicate = "duplicate",
        /// A delivery failure report, recorded against the message that bounced.
        Bounce = "bounce",
        /// Kept, not made into anything (a mail loop, an automatic reply to a ticket, a
        /// deactivated sender).
        Ignored = "ignored",
        /// Too large: kept as raw bytes, not made into a ticket.
        Rejected = "rejected",
        /// Could not be read or made into a ticket: kept as raw bytes and reported.
        Failed = "failed",
    }
}

/// `202` answer of `POST /api/v1/inbound/email`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboundReceipt {
    /// The ticket the message opened or joined.
    pub ticket_number: Option<i64>,
    /// Whether a new ticket was opened.
    pub created: bool,
    /// What became of the message.
    pub outcome: IntakeOutcome,
    /// Why, in words.
    pub reason: String,
    /// The intake record (agents can read it at `/api/v1/inbound/emails/{id}`).
    pub inbound_id: Option<i64>,
}

/// A received email as agents see it in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboundEmail {
    /// Stable id.
    pub id: i64,
    /// `imap` or `webhook`.
    pub source: String,
    /// The `Message-ID`.
    pub message_id: Option<String>,
    /// Sender address.
    pub from_address: Option<String>,
    /// Sender name.
    pub from_name: Option<String>,
    /// Subject.
    pub subject: String,
    /// What became of it.
    pub outcome: IntakeOutcome,
    /// Why: how it was threaded, or why it was not.
    pub reason: String,
    /// The ticket it opened or joined.
    pub ticket_number: Option<i64>,
    /// Whether automatic answers (welcome, ticket received) went to the sender.
    pub answered: bool,
    /// Size of the raw message, bytes.
    pub size: i64,
    /// When it was received.
    pub received_at: DateTime<Utc>,
}

/// A received email with its header block (`GET /api/v1/inbound/emails/{id}`); the whole
/// original is at `/api/v1/inbound/emails/{id}/raw`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboundEmailDetail {
    /// The summary.
    #[serde(flatten)]
    pub email: InboundEmail,
    /// The header block as received.
    pub headers: String,
}

/// `GET /api/v1/inbound/emails` query.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ListInboundParams {
    /// Only emails with this outcome.
    pub outcome: Option<IntakeOutcome>,
    /// Items per page, 1 to 100 (default 25).
    pub limit: Option<u64>,
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// Where a reply written by email came from (agents only): the intake record and why it
/// was added to this ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplyEmail {
    /// The intake record (headers and original at `/api/v1/inbound/emails/{id}`).
    pub inbound_id: i64,
    /// The sender address.
    pub from_address: Option<String>,
    /// How it was threaded.
    pub reason: String,
}
