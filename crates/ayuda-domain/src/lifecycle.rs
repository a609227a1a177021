//! The ticket lifecycle of SPEC section 5, as pure functions of the current status.
//!
//! `new → open → pending → resolved → closed`. Nothing leaves `closed`: a customer who writes
//! to a closed ticket gets a new ticket linked to it instead.

use ayuda_types::TicketStatus::{self, Closed, New, Open, Pending, Resolved};

/// Who acts on a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The ticket's requester.
    Requester,
    /// An agent or admin.
    Staff,
}

/// A move the lifecycle does not allow (answered with 409).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IllegalMove {
    /// Closed tickets are final.
    #[error("the ticket is closed; reply to it to open a follow-up ticket")]
    Closed,
    /// `new` is only the state of a ticket nobody has touched.
    #[error("a ticket cannot be moved back to new")]
    BackToNew,
    /// Resolving a resolved ticket.
    #[error("the ticket is already resolved")]
    AlreadyResolved,
    /// Reopening a ticket that is not resolved.
    #[error("only a resolved ticket can be reopened")]
    NotResolved,
}

/// An agent sets the status by hand. `Ok(None)` when nothing changes.
pub fn set_status(
    from: TicketStatus,
    to: TicketStatus,
) -> Result<Option<TicketStatus>, IllegalMove> {
    match (from, to) {
        (Closed, _) => Err(IllegalMove::Closed),
        (a, b) if a == b => Ok(None),
        (_, New) => Err(IllegalMove::BackToNew),
        (_, to) => Ok(Some(to)),
    }
}

/// The requester or an agent clicks Resolve.
pub fn resolve(from: TicketStatus) -> Result<TicketStatus, IllegalMove> {
    match from {
        Closed => Err(IllegalMove::Closed),
        Resolved => Err(IllegalMove::AlreadyResolved),
        New | Open | Pending => Ok(Resolved),
    }
}

/// The requester or an agent reopens a resolved ticket.
pub fn reopen(from: TicketStatus) -> Result<TicketStatus, IllegalMove> {
    match from {
        Resolved => Ok(Open),
        Closed => Err(IllegalMove::Closed),
        New | Open | Pending => Err(IllegalMove::NotResolved),
    }
}

/// What a new message does to its ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterReply {
    /// The message lands in the ticket, which moves to (or stays in) this status.
    Status(TicketStatus),
    /// The ticket is closed: the message opens a new ticket linked to it.
    FollowUp,
}

/// The status after a message by `actor` (`internal` for an agents-only note).
///
/// An agent's public reply waits for the customer (`pending`), except on a resolved ticket,
/// which an agent may comment on without reopening. A note means an agent is working a
/// new ticket (`open`). A customer's message wants attention again (`open`), except on a
/// ticket nobody has picked up yet (`new` stays `new`).
pub fn after_reply(
    from: TicketStatus,
    actor: Actor,
    internal: bool,
) -> Result<AfterReply, IllegalMove> {
    use AfterReply::{FollowUp, Status};
    match (actor, from) {
        (Actor::Staff, Closed) => Err(IllegalMove::Closed),
        (Actor::Requester, Closed) => Ok(FollowUp),
        (Actor::Staff, New) if internal => Ok(Status(Open)),
        (Actor::Staff, s) if internal => Ok(Status(s)),
        (Actor::Staff, Resolved) => Ok(Status(Resolved)),
        (Actor::Staff, _) => Ok(Status(Pending)),
        (Actor::Requester, New) => Ok(Status(New)),
        (Actor::Requester, _) => Ok(Status(Open)),
    }
}

/// The status after an agent assigns a ticket: picking up a new ticket opens it.
pub fn after_assign(from: TicketStatus) -> TicketStatus {
    if from == New { Open } else { from }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_set_any_status_but_new_and_never_leave_closed() {
        assert_eq!(set_status(New, Open), Ok(Some(Open)));
        assert_eq!(set_status(Pending, Pending), Ok(None));
        assert_eq!(set_status(Resolved, Closed), Ok(Some(Closed)));
        assert_eq!(set_status(Open, New), Err(IllegalMove::BackToNew));
        assert_eq!(set_status(Closed, Open), Err(IllegalMove::Closed));
    }

    #[test]
    fn resolve_and_reopen_follow_the_lifecycle() {
        for s in [New, Open, Pending] {
            assert_eq!(resolve(s), Ok(Resolved));
            assert_eq!(reopen(s), Err(IllegalMove::NotResolved));
        }
        assert_eq!(resolve(Resolved), Err(IllegalMove::AlreadyResolved));
        assert_eq!(resolve(Closed), Err(IllegalMove::Closed));
        assert_eq!(reopen(Resolved), Ok(Open));
        assert_eq!(reopen(Closed), Err(IllegalMove::Closed));
    }

    #[test]
    fn replies_move_the_status_as_the_spec_says() {
        use AfterReply::*;
        assert_eq!(after_reply(Open, Actor::Staff, false), Ok(Status(Pending)));
        assert_eq!(after_reply(New, Actor::Staff, false), Ok(Status(Pending)));
        assert_eq!(after_reply(New, Actor::Staff, true), Ok(Status(Open)));
        assert_eq!(
            after_reply(Pending, Actor::Staff, true),
            Ok(Status(Pending))
        );
        assert_eq!(
            after_reply(Pending, Actor::Requester, false),
            Ok(Status(Open))
        );
        assert_eq!(
            after_reply(Resolved, Actor::Requester, false),
            Ok(Status(Open))
        );
        assert_eq!(after_reply(New, Actor::Requester, false), Ok(Status(New)));
        assert_eq!(after_reply(Closed, Actor::Requester, false), Ok(FollowUp));
        assert_eq!(
            after_reply(Closed, Actor::Staff, false),
            Err(IllegalMove::Closed)
        );
        assert_eq!(after_assign(New), Open);
        assert_eq!(after_assign(Pending), Pending);
    }
}
