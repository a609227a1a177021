//! Ticket use cases: open, see, list, search, change, resolve, reopen, reply.
//!
//! Handlers call these; each write is one transaction holding the ticket change, its audit
//! events and the notifications it causes (through the outbox). Visibility is decided here
//! once: a customer sees only tickets they requested, and anything else is "not found".

mod changes;
mod conversation;
mod notify;
mod presence;

pub use changes::{bulk_update, reopen, resolve, update};
pub use conversation::{Added, Writing, add_reply, create_reply, list_replies};
pub use presence::{here, leave};

use ayuda_db::audit::{self, NewEvent};
use ayuda_db::tickets::{
    self as repo, AssigneeFilter, NewTicket, PublicMessage, TicketFilter, TicketView,
};
use ayuda_db::users::{self, UserRow, is_staff};
use ayuda_db::{ConnectionTrait, attachments, messages, ticket_types};
use ayuda_domain::access::Viewer;
use ayuda_domain::{Email, markdown, search};
use ayuda_types::{
    Channel, CreateTicket, LastMessage, ListTicketsParams, Locale, OldestFirstParams, Page,
    Priority, Requester, Ticket, TicketCounts, TicketEvent, TicketSort, TicketStatus, TypeRef,
    UserRef, WorkspaceView,
};
use chrono::{DateTime, Utc};

use crate::accounts;
use crate::error::{ApiError, ApiResult};
use crate::pagination::{self, ListCursor};
use crate::people::user_locale;
use crate::state::AppState;

/// The ticket `number` if `user` may see it; 404 otherwise (never 403: a customer must not
/// learn that someone else's ticket exists).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn visible(
    conn: &impl ConnectionTrait,
    user: &UserRow,
    number: i64,
) -> ApiResult<TicketView> {
    let viewer = Viewer {
        id: user.id,
        staff: is_staff(user),
    };
    repo::find_view(conn, number)
        .await?
        .filter(|t| viewer.sees_ticket(t.requester_id))
        .ok_or(ApiError::NotFound)
}

/// The API view of a ticket for `user`.
pub fn to_wire(state: &AppState, user: &UserRow, view: &TicketView) -> ApiResult<Ticket> {
    Ok(ticket_wire(view, user_locale(&state.settings, user))?)
}

/// The text of a new message, as written and as sanitized HTML.
#[derive(Debug, Clone)]
pub struct Body {
    /// As written.
    pub text: String,
    /// Rendered and sanitized.
    pub html: String,
}

impl Body {
    /// Markdown written in the SPA or the API.
    pub fn markdown(text: &str) -> Self {
        Body {
            text: text.to_owned(),
            html: markdown::render(text),
        }
    }

    /// Plain text from an email.
    pub fn plain(text: &str) -> Self {
        Body {
            text: text.to_owned(),
            html: markdown::render_plain(text),
        }
    }
}

/// A ticket to open: the ticket, its description and files, and whether the requester is
/// told its number (not when a machine wrote to us: it would answer, and loop).
#[derive(Debug, Clone)]
pub struct Opening {
    /// The ticket.
    pub ticket: NewTicket,
    /// Its description, the first message.
    pub body: Body,
    /// Uploads of the requester to attach.
    pub attachment_ids: Vec<i64>,
    /// Send the "ticket received" email.
    pub tell_requester: bool,
    /// Who wrote it when not the requester: an agent opening it on their behalf (after a
    /// phone call, say). The description and uploads are the agent's, and so is the
    /// "created" entry of the audit trail.
    pub author_id: Option<i64>,
}

/// A ticket just opened.
#[derive(Debug, Clone)]
pub struct Opened {
    /// Its number.
    pub number: i64,
    /// Its first message, as stored.
    pub message: messages::MessageRow,
}

/// Opens a ticket for `user`: the ticket, its description as the first message, the
/// attachments, the audit event and the notifications, in one transaction.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn create(
    state: &AppState,
    user: &UserRow,
    input: CreateTicket,
    channel: Channel,
) -> ApiResult<TicketView> {
    let now = Utc::now();
    let on_behalf = input.requester_id.is_some() || input.requester.is_some();
    if on_behalf && !is_staff(user) {
        return Err(ApiError::Forbidden);
    }
    let txn = state.writer.begin().await?;
    if !ticket_types::is_active(&txn, input.type_id).await? {
        return Err(ApiError::field(
            "type_id",
            "unknown_reference",
            "is not an active ticket type",
        ));
    }
    let requester = match (input.requester_id, &input.requester) {
        (None, None) => user.clone(),
        (Some(_), Some(_)) => {
            return Err(ApiError::field(
                "requester",
                "not_allowed",
                "give either requester_id or requester, not both",
            ));
        }
        (Some(id), None) => users::find_by_id(&txn, id)
            .await?
            .filter(|u| !is_staff(u))
            .ok_or_else(|| {
                ApiError::field(
                    "requester_id",
                    "unknown_reference",
                    "must be a customer's id",
                )
            })?,
        (None, Some(new)) => {
            let email = Email::parse(&new.email).ok_or_else(|| {
                ApiError::field(
                    "requester.email",
                    "invalid_email",
                    "must be a valid email address",
                )
            })?;
            let (customer, _) = accounts::customer_by_email(
                &txn,
                state,
                email.as_str(),
                new.name.as_deref(),
                true,
                now,
            )
            .await?;
            if is_staff(&customer) {
                return Err(ApiError::field(
                    "requester.email",
                    "not_allowed",
                    "belongs to staff, not a customer",
                ));
            }
            customer
        }
    };
    let opened = open_ticket(
        &txn,
        state,
        &requester,
        Opening {
            ticket: NewTicket {
                title: input.title.trim().to_owned(),
                type_id: input.type_id,
                requester_id: requester.id,
                channel,
                parent_id: None,
            },
            body: Body::markdown(&input.description),
            attachment_ids: input.attachment_ids,
            tell_requester: true,
            author_id: on_behalf.then_some(user.id),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    state.mail_queued().await;
    repo::find_view(&state.db, opened.number)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Stores a new ticket with its first message and tells the requester and the agents.
/// Runs inside the caller's transaction.
#[tracing::instrument(level = "debug", skip_all)]
pub(crate) async fn open_ticket(
    conn: &impl ConnectionTrait,
    state: &AppState,
    requester: &UserRow,
    opening: Opening,
    now: DateTime<Utc>,
) -> ApiResult<Opened> {
    let channel = opening.ticket.channel;
    let parent = opening.ticket.parent_id;
    let author_id = opening.author_id.unwrap_or(requester.id);
    // The opening message is the request itself, whoever typed it: the customer waits.
    let first = repo::PublicMessage {
        at: now,
        excerpt: markdown::excerpt(&opening.body.text, LAST_MESSAGE_CHARS),
        staff: false,
    };
    let ticket = repo::insert(conn, opening.ticket, first, now).await?;
    let message = messages::insert(
        conn,
        messages::NewMessage {
            ticket_id: ticket.id,
            author_id,
            body: opening.body.text,
            body_html: opening.body.html,
            internal: false,
            channel: channel.as_str().to_owned(),
        },
        now,
    )
    .await?;
    link_attachments(
        conn,
        &opening.attachment_ids,
        author_id,
        ticket.id,
        message.id,
    )
    .await?;
    audit::record(
        conn,
        NewEvent {
            ticket_id: ticket.id,
            actor_id: Some(author_id),
            kind: "created",
            from: parent.map(|p| p.to_string()),
            ..Default::default()
        },
        now,
    )
    .await?;
    notify::ticket_opened(
        conn,
        state,
        &ticket,
        requester,
        &message,
        opening.tell_requester,
    )
    .await?;
    Ok(Opened {
        number: ticket.id,
        message,
    })
}

/// Characters of a ticket's last message that lists show (the column holds as many).
const LAST_MESSAGE_CHARS: usize = 200;

/// How lists show a public message: its plain-text start, and who wrote it.
pub(crate) fn public_message(message: &messages::MessageRow, staff: bool) -> PublicMessage {
    PublicMessage {
        at: message.created_at,
        excerpt: markdown::excerpt(&message.body, LAST_MESSAGE_CHARS),
        staff,
    }
}

/// Links the caller's uploads to a message, refusing the request when any id is not an
/// unsent upload of theirs.
#[tracing::instrument(level = "debug", skip_all)]
async fn link_attachments(
    conn: &impl ConnectionTrait,
    ids: &[i64],
    uploader_id: i64,
    ticket_id: i64,
    message_id: i64,
) -> ApiResult<()> {
    let unique = crate::attachments::distinct(ids);
    let linked = attachments::link(conn, &unique, uploader_id, ticket_id, message_id).await?;
    if linked != unique.len() as u64 {
        return Err(crate::attachments::not_own_unsent());
    }
    Ok(())
}

/// The sizes of the agent workspace's views, for `user` (agents and admins only).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn counts(state: &AppState, user: &UserRow) -> ApiResult<TicketCounts> {
    if !is_staff(user) {
        return Err(ApiError::Forbidden);
    }
    let count =
        |view: WorkspaceView| repo::count(&state.db, view.statuses(), view_assignee(view, user));
    Ok(TicketCounts {
        unassigned: count(WorkspaceView::Unassigned).await?,
        mine: count(WorkspaceView::Mine).await?,
        open: count(WorkspaceView::Open).await?,
        pending: count(WorkspaceView::Pending).await?,
        resolved: count(WorkspaceView::Resolved).await?,
    })
}

/// Whose tickets a workspace view holds: nobody's, the caller's, or anyone's.
fn view_assignee(view: WorkspaceView, user: &UserRow) -> Option<AssigneeFilter> {
    match view {
        WorkspaceView::Unassigned => Some(AssigneeFilter::Nobody),
        WorkspaceView::Mine => Some(AssigneeFilter::User(user.id)),
        WorkspaceView::Open | WorkspaceView::Pending | WorkspaceView::Resolved => None,
    }
}

/// The statuses and assignee of `view` combined with the list's own filters; `None` when
/// they contradict each other (`view=pending&status=new`).
fn narrow_to_view(
    view: WorkspaceView,
    user: &UserRow,
    status: Option<TicketStatus>,
    assignee: Option<AssigneeFilter>,
) -> Option<(Vec<TicketStatus>, Option<AssigneeFilter>)> {
    let statuses = match status {
        Some(status) if view.statuses().contains(&status) => vec![status],
        Some(_) => return None,
        None => view.statuses().to_vec(),
    };
    let assignee = match (view_assignee(view, user), assignee) {
        (Some(by_view), Some(asked)) if by_view != asked => return None,
        (Some(by_view), _) => Some(by_view),
        (None, asked) => asked,
    };
    Some((statuses, assignee))
}

/// One page of the tickets `user` may see, newest first, or ranked by relevance with `q`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    state: &AppState,
    user: &UserRow,
    params: ListTicketsParams,
) -> ApiResult<Page<Ticket>> {
    let limit = pagination::limit(params.limit)?;
    let staff = is_staff(user);
    let mut assignee = match params.assignee_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("none") => Some(AssigneeFilter::Nobody),
        Some(id) => Some(AssigneeFilter::User(id.parse().map_err(|_| {
            ApiError::field("assignee_id", "invalid", "must be a user id or none")
        })?)),
    };
    let mut statuses: Vec<TicketStatus> = params.status.into_iter().collect();
    if let Some(view) = params.view {
        if !staff {
            return Err(ApiError::Forbidden);
        }
        match narrow_to_view(view, user, params.status, assignee) {
            Some(narrowed) => (statuses, assignee) = narrowed,
            // A filter that contradicts the view: nothing matches both.
            None => {
                return Ok(Page {
                    items: Vec::new(),
                    next_cursor: None,
                });
            }
        }
    }
    let filter = TicketFilter {
        // Customers see their own tickets whatever they ask for.
        requester_id: if staff {
            params.requester_id
        } else {
            Some(user.id)
        },
        statuses,
        type_id: params.type_id,
        assignee,
    };
    let locale = user_locale(&state.settings, user);
    let query = params.q.as_deref().map(search::terms).unwrap_or_default();
    if query.is_empty() {
        let sort = params.sort.unwrap_or(TicketSort::Newest);
        let (after, position): (_, fn(i64) -> ListCursor) = match sort {
            TicketSort::Newest => (
                state.cursors.decode_id(params.cursor.as_deref())?,
                ListCursor::Id,
            ),
            _ => (
                state.cursors.decode_sorted(params.cursor.as_deref())?,
                ListCursor::Sorted,
            ),
        };
        let rows = repo::list(&state.db, &filter, sort, after, limit).await?;
        Ok(state
            .cursors
            .try_page(rows, limit, |t| position(t.id), |t| ticket_wire(t, locale))?)
    } else {
        let after = state.cursors.decode_ranked(params.cursor.as_deref())?;
        let rows = repo::search(&state.db, &filter, &query, staff, after, limit).await?;
        Ok(state.cursors.try_page(
            rows,
            limit,
            |(t, _)| ListCursor::Ranked(t.id),
            |(t, _)| ticket_wire(t, locale),
        )?)
    }
}

/// The audit trail of ticket `number`, oldest first (agents only).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list_events(
    state: &AppState,
    user: &UserRow,
    number: i64,
    params: OldestFirstParams,
) -> ApiResult<Page<TicketEvent>> {
    // A customer asking about their own ticket's trail gets 403; about another's, 404.
    let ticket = visible(&state.db, user, number).await?;
    if !is_staff(user) {
        return Err(ApiError::Forbidden);
    }
    let limit = pagination::limit(params.limit)?;
    let after: Option<i64> = state.cursors.decode(params.cursor.as_deref())?;
    let rows = audit::list(&state.db, ticket.id, after, limit).await?;
    Ok(state.cursors.page(
        rows,
        limit,
        |e| e.id,
        |e| TicketEvent {
            id: e.id,
            actor: e
                .actor_id
                .zip(e.actor_name.clone())
                .map(|(id, name)| UserRef { id, name }),
            kind: e.kind.clone(),
            field: e.field.clone(),
            from: e.from_value.clone(),
            to: e.to_value.clone(),
            created_at: e.created_at,
        },
    ))
}

/// The API view of a ticket, with the type named in `locale`; an unknown status, priority
/// or channel is an error.
fn ticket_wire(v: &TicketView, locale: Locale) -> Result<Ticket, ayuda_db::DbErr> {
    Ok(Ticket {
        id: v.id,
        number: v.id,
        title: v.title.clone(),
        ticket_type: TypeRef {
            id: v.type_id,
            name: crate::ticket_types::localized_name(
                &v.type_name,
                v.type_name_es.as_deref(),
                v.type_name_en.as_deref(),
                locale,
            )
            .to_owned(),
        },
        status: repo::status_of(&v.status)?,
        priority: ayuda_db::stored::read("tickets.priority", &v.priority, Priority::parse)?,
        channel: ayuda_db::stored::read("tickets.channel", &v.channel, Channel::parse)?,
        requester: Requester {
            id: v.requester_id,
            name: v.requester_name.clone(),
            email: v.requester_email.clone(),
        },
        assignee: v
            .assignee_id
            .zip(v.assignee_name.clone())
            .map(|(id, name)| UserRef { id, name }),
        parent_number: v.parent_id,
        chat_id: v.chat_id,
        created_at: v.created_at,
        updated_at: v.updated_at,
        resolved_at: v.resolved_at,
        closed_at: v.closed_at,
        waiting_since: v.waiting_since,
        last_message: v.last_message_at.map(|at| LastMessage {
            at,
            excerpt: v.last_message_excerpt.clone().unwrap_or_default(),
            from_staff: v.last_message_staff.unwrap_or(false),
        }),
    })
}
