//! The support mailbox's identity, every rule of it in one place: its address and reply
//! addresses (mail from them is our own, a loop), the signed `Message-ID` and `Reply-To` of
//! each ticket email (see [`crate::signing`]), and the per-ticket thread root that mail
//! programs group a conversation by.

use crate::signing::{self, Addressee, MailSigner};

/// The support address, its reply-address pattern and the key that signs its ids.
#[derive(Debug, Clone)]
pub struct SupportMailbox {
    address: String,
    reply_to_pattern: String,
    signer: MailSigner,
}

/// The threading headers of an email about a ticket to one recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketHeaders {
    /// A fresh `Message-ID`, signed for the ticket and the recipient.
    pub message_id: String,
    /// The ticket's thread root (`In-Reply-To` and `References`).
    pub thread: String,
    /// The signed per-ticket reply address.
    pub reply_to: String,
}

impl SupportMailbox {
    /// The mailbox at `address`; `reply_to_pattern` has `{token}` where a reply token goes
    /// (`support+{token}@example.com`); ids are signed with a key derived from `secret`.
    pub fn new(address: &str, reply_to_pattern: &str, secret: &[u8]) -> Self {
        SupportMailbox {
            address: address.to_ascii_lowercase(),
            reply_to_pattern: reply_to_pattern.to_owned(),
            signer: MailSigner::new(secret),
        }
    }

    /// The domain of our `Message-ID`s.
    pub fn domain(&self) -> &str {
        crate::domain_of(&self.address)
    }

    /// Whether `address` is the support mailbox or one of its reply addresses: mail from
    /// there is our own, coming back.
    pub fn is_ours(&self, address: &str) -> bool {
        address.eq_ignore_ascii_case(&self.address)
            || signing::token_in_address(&self.reply_to_pattern, address).is_some()
    }

    /// The headers of an email to `to.user` about ticket `to.ticket`.
    pub fn ticket_headers(&self, to: Addressee) -> TicketHeaders {
        TicketHeaders {
            message_id: self.signer.message_id(to, self.domain()),
            thread: self.thread_root(to.ticket),
            reply_to: signing::reply_address(&self.reply_to_pattern, &self.signer.reply_token(to)),
        }
    }

    /// The thread root every email about ticket `number` refers to.
    pub fn thread_root(&self, number: i64) -> String {
        format!("ticket-{number}@{}", self.domain())
    }

    /// The ticket of our (unsigned) thread root `id`, if it is one.
    pub fn ticket_of_thread_root(&self, id: &str) -> Option<i64> {
        let (local, domain) = id.rsplit_once('@')?;
        if !domain.eq_ignore_ascii_case(self.domain()) {
            return None;
        }
        local.strip_prefix("ticket-")?.parse().ok()
    }

    /// Our signed identifiers among a message's `In-Reply-To`/`References` (`refers_to`)
    /// and its recipients' reply addresses, each with where it was found.
    pub fn signed_references(
        &self,
        refers_to: &[String],
        recipients: &[String],
    ) -> Vec<(Addressee, &'static str)> {
        let by_id = refers_to
            .iter()
            .filter_map(|id| self.signer.verify_message_id(id))
            .map(|to| (to, "In-Reply-To/References"));
        let by_address = recipients
            .iter()
            .filter_map(|rcpt| signing::token_in_address(&self.reply_to_pattern, rcpt))
            .filter_map(|token| self.signer.verify_reply_token(token))
            .map(|to| (to, "reply address"));
        by_id.chain(by_address).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox() -> SupportMailbox {
        SupportMailbox::new(
            "Support@Ayuda.test",
            "support+{token}@ayuda.test",
            b"secret",
        )
    }

    #[test]
    fn our_own_addresses_are_recognised_and_nothing_else() {
        let ours = mailbox();
        assert!(ours.is_ours("support@ayuda.test"));
        assert!(ours.is_ours("SUPPORT@ayuda.test"));
        assert!(ours.is_ours("support+abc123@ayuda.test"));
        assert!(!ours.is_ours("support@elsewhere.test"));
        assert!(!ours.is_ours("ana@ayuda.test"));
    }

    #[test]
    fn ticket_mail_threads_back_to_its_ticket_and_recipient() {
        let ours = mailbox();
        let to = Addressee {
            ticket: 1042,
            user: 7,
        };
        let headers = ours.ticket_headers(to);
        assert_eq!(headers.thread, "ticket-1042@ayuda.test");
        assert_eq!(ours.ticket_of_thread_root(&headers.thread), Some(1042));
        assert_eq!(
            ours.ticket_of_thread_root("ticket-1042@elsewhere.test"),
            None
        );
        assert!(headers.message_id.ends_with("@ayuda.test"));
        // A reply naming the Message-ID, or sent to the reply address, is signed for them.
        let by_id = ours.signed_references(std::slice::from_ref(&headers.message_id), &[]);
        assert_eq!(by_id, [(to, "In-Reply-To/References")]);
        let by_address = ours.signed_references(&[], &[headers.reply_to.to_ascii_lowercase()]);
        assert_eq!(by_address, [(to, "reply address")]);
        // Another key's ids are not ours.
        let other =
            SupportMailbox::new("support@ayuda.test", "support+{token}@ayuda.test", b"other");
        assert!(
            other
                .signed_references(&[headers.message_id], &[headers.reply_to])
                .is_empty()
        );
    }
}
