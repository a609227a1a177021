//! Email: what Ayuda writes ([`templates`]) and how it leaves ([`transport`]); what comes
//! in ([`inbound`]), what of a reply is new ([`replies`]), and the support mailbox's identity
//! ([`identity`]: our addresses, and the signed identifiers that thread replies back to
//! tickets, [`signing`]).
//!
//! Everything but delivery is pure (values in, values out), so it is unit-tested here;
//! delivery goes through lettre's SMTP transport, or nowhere when no SMTP server is
//! configured (the outbox worker then logs the message instead).

pub mod identity;
pub mod inbound;
pub mod replies;
pub mod signing;
pub mod templates;
pub mod transport;

pub use templates::{ChatRef, Composed, MessageContent, Template, TicketRef};
pub use transport::{Envelope, Mailer, MailerError};

/// A fresh `Message-ID` (without angle brackets) in the domain of `from_address`.
pub fn new_message_id(from_address: &str) -> String {
    format!(
        "{}@{}",
        uuid::Uuid::new_v4().simple(),
        domain_of(from_address)
    )
}

/// The domain of an address (`localhost` when it has none): where our `Message-ID`s live.
pub fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map_or("localhost", |(_, d)| d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn message_ids_use_the_support_domain_and_are_unique() {
        let a = super::new_message_id("support@ayuda.example");
        let b = super::new_message_id("support@ayuda.example");
        assert!(a.ends_with("@ayuda.example"));
        assert_ne!(a, b);
        assert!(super::new_message_id("nobody").ends_with("@localhost"));
    }
}
