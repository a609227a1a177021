//! Ticket types, tickets, replies, attachments and the audit trail (SPEC sections 4 and 5).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::Role;

wire_enum! {
    /// Where a ticket is in its lifecycle (SPEC section 5).
    TicketStatus {
        /// Just created, nobody has worked it yet.
        New = "new",
        /// Being worked, or the customer wrote again.
        Open = "open",
        /// An agent answered and waits for the customer.
        Pending = "pending",
        /// Solved; closes by itself after the configured days.
        Resolved = "resolved",
        /// Final; a reply opens a new linked ticket.
        Closed = "closed",
    }
}

wire_enum! {
    /// How urgent a ticket is.
    Priority {
        /// Whenever there is time.
        Low = "low",
        /// The default.
        Normal = "normal",
        /// Before normal ones.
        High = "high",
        /// Drop everything.
        Urgent = "urgent",
    }
}

wire_enum! {
    /// How a ticket or message reached Ayuda.
    Channel {
        /// The portal / SPA.
        Web = "web",
        /// The support mailbox.
        Email = "email",
        /// Live chat.
        Chat = "chat",
        /// The REST API by an integrator.
        Api = "api",
    }
}

/// A ticket type in one language, for the type's translations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TypeText {
    /// Name shown in the dropdown.
    #[validate(
        length(min = 1, max = 80, message = "must be 1 to 80 characters"),
        custom(function = "crate::validate::single_line")
    )]
    pub name: String,
    /// One line on what belongs in this type.
    #[serde(default)]
    #[validate(length(max = 1000, message = "must be at most 1000 characters"))]
    pub description: String,
}

/// Names of a ticket type per language; a language without one shows the base name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TypeTranslations {
    /// Spanish.
    #[validate(nested)]
    pub es: Option<TypeText>,
    /// English.
    #[validate(nested)]
    pub en: Option<TypeText>,
}

/// A ticket type (`GET /api/v1/ticket-types`). `name` and `description` are in the caller's
/// language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketType {
    /// Stable id.
    pub id: i64,
    /// Name in the caller's language.
    pub name: String,
    /// The stored base name (shown where no translation exists), for editing.
    pub base_name: String,
    /// Description in the caller's language (the base description where the translation
    /// has none).
    pub description: String,
    /// The stored base description, for editing.
    pub base_description: String,
    /// Inactive types are kept for old tickets but offered for no new ones.
    pub active: bool,
    /// The type of tickets that arrive by email or chat (exactly one active type is).
    #[serde(default)]
    pub is_default: bool,
    /// The stored texts, for editing.
    pub translations: TypeTranslations,
}

/// `POST /api/v1/ticket-types` (admin).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateTicketType {
    /// Base name, unique; shown where no translation exists.
    #[validate(
        length(min = 1, max = 80, message = "must be 1 to 80 characters"),
        custom(function = "crate::validate::single_line")
    )]
    pub name: String,
    /// Base description.
    #[serde(default)]
    #[validate(length(max = 1000, message = "must be at most 1000 characters"))]
    pub description: String,
    /// Names per language.
    #[serde(default)]
    #[validate(nested)]
    pub translations: TypeTranslations,
}

/// `PATCH /api/v1/ticket-types/{id}` (admin): rename, translate, deactivate or reactivate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateTicketType {
    /// New base name.
    #[validate(
        length(min = 1, max = 80, message = "must be 1 to 80 characters"),
        custom(function = "crate::validate::single_line")
    )]
    pub name: Option<String>,
    /// New base description.
    #[validate(length(max = 1000, message = "must be at most 1000 characters"))]
    pub description: Option<String>,
    /// Replaces the translations.
    #[validate(nested)]
    pub translations: Option<TypeTranslations>,
    /// `false` hides the type from new tickets (not the default type's: choose another
    /// default first).
    pub active: Option<bool>,
    /// `true` makes this the type of tickets that arrive by email or chat, in place of the
    /// one before (`false` is refused: choose another type instead).
    pub is_default: Option<bool>,
}

/// `GET /api/v1/ticket-types` query.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ListTicketTypesParams {
    /// Also list inactive types (agents and admins only).
    #[serde(default)]
    pub include_inactive: bool,
}

/// The ticket types an agent is notified about (`/api/v1/users/{id}/subscriptions`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Subscriptions {
    /// Ticket type ids; empty means "notify me of nothing in particular".
    #[validate(length(max = 200, message = "must list at most 200 types"))]
    pub type_ids: Vec<i64>,
}

/// A ticket type as a ticket names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TypeRef {
    /// Type id.
    pub id: i64,
    /// Name in the caller's language.
    pub name: String,
}

/// The customer a ticket is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Requester {
    /// User id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Email address.
    pub email: String,
}

/// A user named by a ticket (assignee) or an event (actor).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserRef {
    /// User id.
    pub id: i64,
    /// Display name.
    pub name: String,
}

/// The author of a reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Author {
    /// User id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Role, so the conversation can tell staff from customers.
    pub role: Role,
}

/// A ticket (SPEC section 4). `id` and `number` are the same value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ticket {
    /// Stable id (equal to the number).
    pub id: i64,
    /// Ticket number, 1000 upwards, never reused.
    pub number: i64,
    /// Title.
    pub title: String,
    /// Type.
    #[serde(rename = "type")]
    pub ticket_type: TypeRef,
    /// Lifecycle status.
    pub status: TicketStatus,
    /// Priority.
    pub priority: Priority,
    /// Where it came from.
    pub channel: Channel,
    /// The customer it is for.
    pub requester: Requester,
    /// The agent working it.
    pub assignee: Option<UserRef>,
    /// The closed ticket this one follows up, if any.
    pub parent_number: Option<i64>,
    /// The live chat it was made from, if any.
    #[serde(default)]
    pub chat_id: Option<i64>,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// Last change of the ticket or its conversation.
    pub updated_at: DateTime<Utc>,
    /// When it was last resolved (null while unresolved).
    pub resolved_at: Option<DateTime<Utc>>,
    /// When it closed (null until then).
    pub closed_at: Option<DateTime<Utc>>,
    /// Since when the customer has waited for an answer: their oldest message after the
    /// last public staff reply; null once staff answered, or the ticket is resolved.
    pub waiting_since: Option<DateTime<Utc>>,
    /// The last public message (never an internal note), null for none.
    pub last_message: Option<LastMessage>,
}

/// The last public message of a ticket, as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LastMessage {
    /// When it was written.
    pub at: DateTime<Utc>,
    /// Its start as plain text, at most 200 characters.
    pub excerpt: String,
    /// Whether staff wrote it (for the customer: "the agent replied").
    pub from_staff: bool,
}

/// `POST /api/v1/tickets`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateTicket {
    /// One line saying what is wrong.
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        custom(function = "crate::validate::single_line")
    )]
    #[cfg_attr(feature = "openapi", schema(example = "I was charged twice"))]
    pub title: String,
    /// An active ticket type.
    pub type_id: i64,
    /// The problem, in Markdown.
    #[validate(
        length(min = 1, max = 100000, message = "must be 1 to 100000 characters"),
        custom(function = "crate::validate::not_blank")
    )]
    pub description: String,
    /// Files uploaded by the caller with `POST /api/v1/attachments`.
    #[serde(default)]
    #[validate(length(max = 20, message = "at most 20 attachments"))]
    pub attachment_ids: Vec<i64>,
    /// Agents only: the customer the ticket is for, by user id (a ticket opened on their
    /// behalf, after a phone call say). Left out, the caller is the requester.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_id: Option<i64>,
    /// Agents only: the customer the ticket is for, by email address. A new address gets a
    /// customer account and the welcome email with its activation link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(nested)]
    pub requester: Option<NewRequester>,
}

/// The customer of a ticket an agent opens on their behalf, by address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewRequester {
    /// Their email address.
    #[validate(
        email(message = "must be a valid email address"),
        length(max = 254, message = "must be at most 254 characters")
    )]
    pub email: String,
    /// Their name, for a new account (the address's local part when left out).
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        custom(function = "crate::validate::display_name")
    )]
    pub name: Option<String>,
}

wire_enum! {
    /// A view of the agent workspace (`GET /api/v1/tickets?view=`); its size is in
    /// [`TicketCounts`].
    WorkspaceView {
        /// New, open or pending, assigned to nobody.
        Unassigned = "unassigned",
        /// New, open or pending, assigned to the caller.
        Mine = "mine",
        /// New or open (waiting for an agent).
        Open = "open",
        /// Pending (waiting for the customer).
        Pending = "pending",
        /// Resolved.
        Resolved = "resolved",
    }
}

/// `POST /api/v1/tickets/bulk` (agents): one change to several tickets, each applied on
/// its own (one ticket refusing it does not stop the others).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkUpdate {
    /// The tickets, 1 to 100 numbers.
    #[validate(length(min = 1, max = 100, message = "must name 1 to 100 tickets"))]
    pub numbers: Vec<i64>,
    /// The change, as for `PATCH /api/v1/tickets/{number}`.
    pub changes: UpdateTicket,
}

/// What a bulk change did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkOutcome {
    /// The tickets changed, as they are now.
    pub updated: Vec<Ticket>,
    /// The tickets that refused the change, and why.
    pub failed: Vec<BulkFailure>,
}

/// A ticket a bulk change could not change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkFailure {
    /// The ticket.
    pub number: i64,
    /// Why, as the single-ticket change would have answered.
    pub problem: crate::ProblemDetails,
}

/// `PUT /api/v1/tickets/{number}/viewers/me`: "I have this ticket open".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Presence {
    /// Whether the caller is writing a reply or note.
    #[serde(default)]
    pub replying: bool,
}

/// Another staff member with the same ticket open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Viewer {
    /// Who.
    pub user: UserRef,
    /// Whether they are writing a reply or note.
    pub replying: bool,
    /// When their browser last said so.
    pub seen_at: DateTime<Utc>,
}

wire_enum! {
    /// The order of a ticket list (`GET /api/v1/tickets?sort=`); a search (`q`) is ranked
    /// by relevance instead.
    TicketSort {
        /// Newest first (the default).
        Newest = "newest",
        /// The customer waiting longest first; tickets nobody waits on after them.
        OldestWaiting = "oldest_waiting",
        /// Urgent first, then high, normal, low; the longest wait first within each.
        Priority = "priority",
        /// Most recently updated first.
        Updated = "updated",
    }
}

impl WorkspaceView {
    /// The statuses the view holds.
    pub fn statuses(self) -> &'static [TicketStatus] {
        use TicketStatus::{New, Open, Pending, Resolved};
        match self {
            WorkspaceView::Unassigned | WorkspaceView::Mine => &[New, Open, Pending],
            WorkspaceView::Open => &[New, Open],
            WorkspaceView::Pending => &[Pending],
            WorkspaceView::Resolved => &[Resolved],
        }
    }
}

/// `GET /api/v1/tickets/counts`: how many tickets each view of the agent workspace holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketCounts {
    /// New, open or pending, assigned to nobody.
    pub unassigned: u64,
    /// New, open or pending, assigned to the caller.
    pub mine: u64,
    /// New or open (waiting for an agent).
    pub open: u64,
    /// Pending (waiting for the customer).
    pub pending: u64,
    /// Resolved (closing by themselves after the configured days).
    pub resolved: u64,
}

/// `GET /api/v1/tickets` query. Customers always see only their own tickets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ListTicketsParams {
    /// Only the tickets of this agent-workspace view (agents and admins); combines with the
    /// other filters.
    pub view: Option<WorkspaceView>,
    /// Only tickets in this status.
    pub status: Option<TicketStatus>,
    /// Only tickets of this type.
    pub type_id: Option<i64>,
    /// Only tickets assigned to this user id, or `none` for unassigned ones.
    pub assignee_id: Option<String>,
    /// Only tickets of this requester (agents).
    pub requester_id: Option<i64>,
    /// Full-text search over titles and conversations; results ranked by relevance. Over
    /// the whole desk the 1,000 newest matching titles and as many messages are ranked (a
    /// narrower query reaches older tickets); a customer's search, or one with
    /// `requester_id`, ranks all of that requester's tickets.
    pub q: Option<String>,
    /// The order, newest first by default (ignored with `q`).
    pub sort: Option<TicketSort>,
    /// Items per page, 1 to 100 (default 25).
    pub limit: Option<u64>,
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// `PATCH /api/v1/tickets/{number}` (agents). Send only what changes: a field left out
/// keeps its value. Only `assignee_id` may be `null` (unassign); `null` for another field
/// is refused, so that "no change" and "clear" can never be confused.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateTicket {
    /// New status (not `new`; nothing leaves `closed`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub status: Option<TicketStatus>,
    /// New priority.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub priority: Option<Priority>,
    /// New (active) type.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub type_id: Option<i64>,
    /// An agent's id, or `null` to unassign.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::double_option"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub assignee_id: Option<Option<i64>>,
}

/// A field that, when present, must have a value (`null` is an error, not "no change").
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    use serde::de::Error;
    match Option::<T>::deserialize(deserializer)? {
        Some(value) => Ok(Some(value)),
        None => Err(D::Error::custom(
            "null is not a value here: leave the field out to keep it",
        )),
    }
}

/// An attachment as replies and uploads show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    /// Id for `GET /api/v1/attachments/{id}`.
    pub id: i64,
    /// File name as uploaded (sanitized).
    pub filename: String,
    /// Media type detected from the bytes.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
}

/// A message of a ticket's conversation (SPEC section 4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reply {
    /// Stable id.
    pub id: i64,
    /// The ticket it belongs to (a customer's reply to a closed ticket lands in a new one).
    pub ticket_number: i64,
    /// Who wrote it.
    pub author: Author,
    /// Markdown as written.
    pub body: String,
    /// `body` rendered to sanitized HTML.
    pub body_html: String,
    /// An agents-only note.
    pub internal: bool,
    /// How it was written.
    pub channel: Channel,
    /// Files sent with it.
    pub attachments: Vec<Attachment>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// Written by email: the intake record and why it joined this ticket (agents only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<crate::ReplyEmail>,
}

/// `POST /api/v1/tickets/{number}/replies`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateReply {
    /// Markdown.
    #[validate(
        length(min = 1, max = 100000, message = "must be 1 to 100000 characters"),
        custom(function = "crate::validate::not_blank")
    )]
    pub body: String,
    /// An internal note, seen by agents only (agents only).
    #[serde(default)]
    pub internal: bool,
    /// Files uploaded by the caller with `POST /api/v1/attachments`.
    #[serde(default)]
    #[validate(length(max = 20, message = "at most 20 attachments"))]
    pub attachment_ids: Vec<i64>,
    /// Agents only: the status the ticket takes with this reply ("submit as resolved"),
    /// instead of the usual one (a public reply sets `pending`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<TicketStatus>,
}

/// One entry of a ticket's audit trail (`GET /api/v1/tickets/{number}/events`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketEvent {
    /// Stable id.
    pub id: i64,
    /// Who did it; null for Ayuda itself (auto-close).
    pub actor: Option<UserRef>,
    /// `created`, `changed`, `replied`, `noted`, `resolved`, `reopened`, `closed`, `followed_up`.
    pub kind: String,
    /// The field that changed, for `changed`.
    pub field: Option<String>,
    /// Value before.
    pub from: Option<String>,
    /// Value after.
    pub to: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// `GET /api/v1/tickets/{number}/replies` and `/events` query.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct OldestFirstParams {
    /// Items per page, 1 to 100 (default 25).
    pub limit: Option<u64>,
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_updates_carry_only_what_changes() {
        let priority = UpdateTicket {
            priority: Some(Priority::Urgent),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&priority).unwrap(),
            r#"{"priority":"urgent"}"#
        );
        let unassign = UpdateTicket {
            assignee_id: Some(None),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&unassign).unwrap(),
            r#"{"assignee_id":null}"#
        );
        let read: UpdateTicket = serde_json::from_str(r#"{"assignee_id":null}"#).unwrap();
        assert_eq!(read, unassign);
        let read: UpdateTicket = serde_json::from_str(r#"{"priority":"low"}"#).unwrap();
        assert_eq!(read.assignee_id, None, "absent: unchanged");
        assert!(serde_json::from_str::<UpdateTicket>(r#"{"status":null}"#).is_err());
        assert!(serde_json::from_str::<UpdateTicket>(r#"{"type_id":null}"#).is_err());
    }

    #[test]
    fn enums_round_trip_their_names() {
        for status in TicketStatus::ALL {
            assert_eq!(TicketStatus::parse(status.as_str()), Some(*status));
        }
        assert_eq!(Priority::parse("urgent"), Some(Priority::Urgent));
        assert_eq!(Channel::parse("fax"), None);
    }

    #[test]
    fn null_assignee_differs_from_a_missing_one() {
        let unassign: UpdateTicket = serde_json::from_str(r#"{"assignee_id": null}"#).unwrap();
        assert_eq!(unassign.assignee_id, Some(None));
        let untouched: UpdateTicket = serde_json::from_str(r#"{"status": "open"}"#).unwrap();
        assert_eq!(untouched.assignee_id, None);
    }
}
