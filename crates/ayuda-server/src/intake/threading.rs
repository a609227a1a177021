//! Where an inbound message belongs: an existing ticket, or a new one.
//!
//! In order of trust:
//! 1. a signed reference (one of our `Message-ID`s in `In-Reply-To`/`References`, or a
//!    per-ticket reply address among the recipients) made for the sender: the message is
//!    theirs to add, as whoever they are (an agent's email reply becomes their public reply);
//! 2. an unsigned hint (a signed reference made for someone else, a `Message-ID` we received
//!    for a ticket, our thread root, a `[#number]` subject tag): added only when the sender
//!    is the ticket's requester or was copied on its email, and then as a customer;
//! 3. otherwise a new ticket, linked to the hinted one if there was one, never silently
//!    appended to it. A spoofed agent `From` therefore never writes as an agent, and a
//!    forged `In-Reply-To` never reaches a customer through our SMTP.

use ayuda_db::tickets::{self, TicketRow};
use ayuda_db::users::{self, UserRow};
use ayuda_db::{ConnectionTrait, inbound, ticket_types};
use ayuda_mail::inbound::InboundEmail;
use ayuda_mail::replies;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The decision, with the reason recorded for agents.
pub(super) enum Threading {
    /// Add to this ticket as the sender.
    Reply {
        /// The ticket, locked for the change (boxed: a row is large beside `New`).
        ticket: Box<TicketRow>,
        /// Why.
        reason: String,
    },
    /// Open a new ticket, linked to `parent` when the message hinted at one.
    New {
        /// The hinted ticket.
        parent: Option<i64>,
        /// Why.
        reason: String,
    },
}

/// Decides where `email` from `sender` belongs.
#[tracing::instrument(level = "debug", skip_all)]
pub(super) async fn decide(
    conn: &impl ConnectionTrait,
    state: &AppState,
    email: &InboundEmail,
    sender: &UserRow,
) -> ApiResult<Threading> {
    let mut hint: Option<(i64, String)> = None;

    // 1. Signed references.
    for (to, how) in state
        .mailbox
        .signed_references(&email.refers_to, &email.recipients)
    {
        if to.user == sender.id {
            if let Some(ticket) = tickets::find_for_update(conn, to.ticket).await? {
                return Ok(Threading::Reply {
                    ticket: Box::new(ticket),
                    reason: format!(
                        "reply to our email about #{} sent to {} ({how}, signature verified)",
                        to.ticket, sender.email
                    ),
                });
            }
        } else if hint.is_none() {
            hint = Some((
                to.ticket,
                format!(
                    "{how} of an email about #{} sent to someone else",
                    to.ticket
                ),
            ));
        }
    }

    // 2. Unsigned hints.
    if hint.is_none()
        && let Some(ticket) = inbound::ticket_of_received(conn, &email.refers_to).await?
    {
        hint = Some((
            ticket,
            format!("In-Reply-To/References name a message of #{ticket}"),
        ));
    }
    if hint.is_none()
        && let Some(ticket) = email
            .refers_to
            .iter()
            .find_map(|id| state.mailbox.ticket_of_thread_root(id))
    {
        hint = Some((ticket, format!("References name the thread of #{ticket}")));
    }
    if hint.is_none()
        && let Some(ticket) = replies::subject_tag(&email.subject)
    {
        hint = Some((ticket, format!("subject tag [#{ticket}]")));
    }
    let Some((number, how)) = hint else {
        return Ok(Threading::New {
            parent: None,
            reason: "a new conversation".to_owned(),
        });
    };
    let Some(ticket) = tickets::find_for_update(conn, number).await? else {
        return Ok(Threading::New {
            parent: None,
            reason: format!("{how}, but there is no such ticket; a new conversation"),
        });
    };
    let staff = users::role_of(sender)?.is_staff();
    if ticket.requester_id == sender.id {
        return Ok(Threading::Reply {
            ticket: Box::new(ticket),
            reason: format!("{how}, from the ticket's requester"),
        });
    }
    if !staff && inbound::is_participant(conn, ticket.id, &sender.email).await? {
        return Ok(Threading::Reply {
            ticket: Box::new(ticket),
            reason: format!("{how}, from {} who was copied on it", sender.email),
        });
    }
    let why = if staff {
        "from an agent's address but without a reference signed for them (a From can be forged)"
    } else {
        "but the sender is not its requester nor was copied on it"
    };
    Ok(Threading::New {
        parent: Some(ticket.id),
        reason: format!("{how}, {why}; opened as a new ticket linked to #{number}"),
    })
}

/// The type of tickets opened by email: the one admins chose as the default. Should none
/// be (a database changed by hand), the first active type, with a warning.
#[tracing::instrument(level = "debug", skip_all)]
pub(crate) async fn email_ticket_type(conn: &impl ConnectionTrait) -> ApiResult<i64> {
    if let Some(chosen) = ticket_types::default_type(conn).await? {
        return Ok(chosen.id);
    }
    let first = ticket_types::list(conn, false)
        .await?
        .first()
        .map(|t| t.id)
        .ok_or_else(|| ApiError::conflict("no_ticket_type", "there is no active ticket type"))?;
    tracing::warn!(
        type_id = first,
        "no default ticket type; email goes to the first active one"
    );
    Ok(first)
}
