//! Who may see what: one rule for tickets and for the files attached to their messages.
//!
//! A customer must not learn that someone else's ticket or file exists, so callers answer
//! "not found" where these say no.

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    /// Their user id.
    pub id: i64,
    /// Agents and admins.
    pub staff: bool,
}

/// Where a file is attached: the requester of its ticket, and whether it came with an
/// internal note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attached {
    /// The ticket's requester.
    pub requester_id: i64,
    /// Attached to an internal note (staff only).
    pub internal: bool,
}

impl Viewer {
    /// Staff see every ticket; a customer only those they requested.
    pub fn sees_ticket(self, requester_id: i64) -> bool {
        self.staff || requester_id == self.id
    }

    /// Its uploader sees a file always; once attached, whoever sees the ticket, except
    /// that an internal note's files are for staff alone.
    pub fn sees_file(self, uploader_id: i64, attached: Option<Attached>) -> bool {
        uploader_id == self.id
            || attached.is_some_and(|a| self.staff || (a.requester_id == self.id && !a.internal))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CUSTOMER: Viewer = Viewer {
        id: 7,
        staff: false,
    };
    const OTHER: Viewer = Viewer {
        id: 8,
        staff: false,
    };
    const AGENT: Viewer = Viewer { id: 1, staff: true };

    #[test]
    fn tickets_are_seen_by_their_requester_and_staff() {
        assert!(CUSTOMER.sees_ticket(7));
        assert!(!OTHER.sees_ticket(7));
        assert!(AGENT.sees_ticket(7));
    }

    #[test]
    fn files_follow_their_ticket_and_internal_notes_stay_with_staff() {
        let public = Some(Attached {
            requester_id: 7,
            internal: false,
        });
        let internal = Some(Attached {
            requester_id: 7,
            internal: true,
        });
        // Not yet attached: the uploader alone, staff included.
        assert!(CUSTOMER.sees_file(7, None));
        assert!(!AGENT.sees_file(7, None));
        assert!(!OTHER.sees_file(7, None));
        // On a public message: the requester and staff.
        assert!(CUSTOMER.sees_file(1, public));
        assert!(AGENT.sees_file(7, public));
        assert!(!OTHER.sees_file(7, public));
        // On an internal note: staff, and the uploader (an agent) themself.
        assert!(!CUSTOMER.sees_file(1, internal));
        assert!(AGENT.sees_file(1, internal));
        assert!(!OTHER.sees_file(1, internal));
    }
}
