//! Who hears of what (issue "notifications"): emails queued in the caller's transaction.
//!
//! - ticket opened: "received" (with the number) to the requester; "new ticket" to the agents
//!   subscribed to its type, or all agents when none are;
//! - agent's public reply: to the requester;
//! - customer's reply: to the assignee, or the type's agents when unassigned;
//! - resolved: to the requester (unless they resolved it themselves).
//!
//! Internal notes are never sent to anyone outside the staff. Nobody is told of their own
//! action.

use ayuda_db::messages::MessageRow;
use ayuda_db::tickets::TicketRow;
use ayuda_db::users::{self, UserRow};
use ayuda_db::{ConnectionTrait, DbErr, ticket_types};
use ayuda_domain::lifecycle::Actor;
use ayuda_mail::{MessageContent, Template, TicketRef};
use ayuda_types::Channel;

use crate::outbound::{link, queue_ticket_mail};
use crate::state::AppState;

fn ticket_ref<'a>(ticket: &'a TicketRow, link: &'a str) -> TicketRef<'a> {
    TicketRef {
        number: ticket.id,
        title: &ticket.title,
        link,
    }
}

fn portal_link(state: &AppState, number: i64) -> String {
    link(&state.settings, &format!("/tickets/{number}"))
}

fn content(message: &MessageRow) -> MessageContent<'_> {
    MessageContent {
        text: &message.body,
        html: &message.body_html,
    }
}

/// A ticket was opened by `requester` with `message` as its description; the requester
/// hears of it when `tell_requester`.
#[tracing::instrument(level = "debug", skip_all)]
pub(super) async fn ticket_opened(
    conn: &impl ConnectionTrait,
    state: &AppState,
    ticket: &TicketRow,
    requester: &UserRow,
    message: &MessageRow,
    tell_requester: bool,
) -> Result<(), DbErr> {
    let link = portal_link(state, ticket.id);
    let t = ticket_ref(ticket, &link);
    if tell_requester {
        queue_ticket_mail(
            conn,
            state,
            requester,
            &Template::TicketReceived {
                name: &requester.name,
                ticket: t,
            },
            ticket.id,
            // Anyone can write to the support address in someone else's name.
            ticket.channel == Channel::Email.as_str(),
        )
        .await?;
    }
    for agent in ticket_types::staff_to_notify(conn, ticket.type_id).await? {
        if agent.id == requester.id {
            continue;
        }
        let template = Template::NewTicket {
            name: &agent.name,
            ticket: t,
            requester: &requester.name,
            message: content(message),
        };
        queue_ticket_mail(conn, state, &agent, &template, ticket.id, false).await?;
    }
    Ok(())
}

/// `author` wrote the public `message` on `ticket`.
#[tracing::instrument(level = "debug", skip_all)]
pub(super) async fn replied(
    conn: &impl ConnectionTrait,
    state: &AppState,
    ticket: &TicketRow,
    author: &UserRow,
    message: &MessageRow,
    actor: Actor,
) -> Result<(), DbErr> {
    let link = portal_link(state, ticket.id);
    let t = ticket_ref(ticket, &link);
    match actor {
        Actor::Staff => {
            if ticket.requester_id == author.id {
                return Ok(());
            }
            let Some(requester) = users::find_by_id(conn, ticket.requester_id).await? else {
                return Ok(());
            };
            let template = Template::AgentReplied {
                name: &requester.name,
                ticket: t,
                author: &author.name,
                message: content(message),
            };
            queue_ticket_mail(conn, state, &requester, &template, ticket.id, false).await
        }
        Actor::Requester => {
            let assignee = match ticket.assignee_id {
                Some(id) => users::find_by_id(conn, id).await?.filter(|u| u.active),
                None => None,
            };
            let recipients = match assignee {
                Some(a) => vec![a],
                None => ticket_types::staff_to_notify(conn, ticket.type_id).await?,
            };
            for agent in recipients.iter().filter(|a| a.id != author.id) {
                let template = Template::CustomerReplied {
                    name: &agent.name,
                    ticket: t,
                    author: &author.name,
                    message: content(message),
                };
                queue_ticket_mail(conn, state, agent, &template, ticket.id, false).await?;
            }
            Ok(())
        }
    }
}

/// `actor` resolved `ticket`.
#[tracing::instrument(level = "debug", skip_all)]
pub(super) async fn resolved(
    conn: &impl ConnectionTrait,
    state: &AppState,
    ticket: &TicketRow,
    actor: &UserRow,
) -> Result<(), DbErr> {
    if ticket.requester_id == actor.id {
        return Ok(());
    }
    let Some(requester) = users::find_by_id(conn, ticket.requester_id).await? else {
        return Ok(());
    };
    let link = portal_link(state, ticket.id);
    let template = Template::TicketResolved {
        name: &requester.name,
        ticket: ticket_ref(ticket, &link),
    };
    queue_ticket_mail(conn, state, &requester, &template, ticket.id, false).await
}
