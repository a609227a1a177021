//! Outbound email: what Ayuda writes ([`templates`]) and how it leaves ([`transport`]).
//!
//! Composition is pure (a template and its values in, subject + text + HTML out), so it is
//! unit-tested here; delivery goes through lettre's SMTP transport, or nowhere when no SMTP
//! server is configured (the outbox worker then logs the message instead).

pub mod templates;
pub mod transport;

pub use templates::{Composed, Template};
pub use transport::{Envelope, Mailer, MailerError};

/// A fresh `Message-ID` (without angle brackets) in the domain of `from_address`.
pub fn new_message_id(from_address: &str) -> String {
    let domain = from_address
        .rsplit_once('@')
        .map_or("localhost", |(_, d)| d);
    format!("{}@{}", uuid::Uuid::new_v4().simple(), domain)
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
