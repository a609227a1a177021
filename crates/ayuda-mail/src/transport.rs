//! Building RFC 5322 messages and handing them to an SMTP server.

use lettre::message::header::{self, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Everything needed to send one stored email.
#[derive(Debug, Clone)]
pub struct Envelope<'a> {
    /// `From` address (the support address).
    pub from_address: &'a str,
    /// `From` display name.
    pub from_name: &'a str,
    /// Recipient address.
    pub to_address: &'a str,
    /// Recipient name.
    pub to_name: &'a str,
    /// Subject.
    pub subject: &'a str,
    /// Plain-text part.
    pub text: &'a str,
    /// HTML part.
    pub html: &'a str,
    /// `Message-ID` without angle brackets.
    pub message_id: &'a str,
    /// `In-Reply-To` without angle brackets.
    pub in_reply_to: Option<&'a str>,
    /// `References`: space-separated ids without angle brackets.
    pub references: Option<&'a str>,
    /// `Reply-To` address; defaults to the `From` address.
    pub reply_to: Option<&'a str>,
}

/// Why a message could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    /// An address or header was invalid; retrying will not help.
    #[error("invalid message: {0}")]
    Invalid(String),
    /// The SMTP server refused or could not be reached; worth retrying.
    #[error("smtp: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

impl MailerError {
    /// Whether a later attempt may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            MailerError::Invalid(_) => false,
            MailerError::Smtp(e) => !e.is_permanent(),
        }
    }
}

/// Where outbound mail goes.
#[derive(Clone)]
pub enum Mailer {
    /// An SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// No SMTP configured: mail stays in the outbox and is logged.
    None,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The transport holds credentials: never print it.
        f.write_str(match self {
            Mailer::Smtp(_) => "Mailer::Smtp(..)",
            Mailer::None => "Mailer::None",
        })
    }
}

impl Mailer {
    /// A mailer for a lettre SMTP URL (`smtp://host:port`, `smtps://user:pass@host`,
    /// `smtp://host?tls=required`), or [`Mailer::None`] without one.
    pub fn from_url(url: Option<&str>) -> Result<Self, MailerError> {
        match url {
            None => Ok(Mailer::None),
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
                    .timeout(Some(std::time::Duration::from_secs(30)))
                    .build();
                Ok(Mailer::Smtp(transport))
            }
        }
    }

    /// Whether mail actually leaves.
    pub fn delivers(&self) -> bool {
        matches!(self, Mailer::Smtp(_))
    }

    /// Sends one message. With [`Mailer::None`] this is an error: callers check
    /// [`Mailer::delivers`] first.
    pub async fn send(&self, envelope: &Envelope<'_>) -> Result<(), MailerError> {
        let message = build_message(envelope)?;
        match self {
            Mailer::Smtp(transport) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(MailerError::from),
            Mailer::None => Err(MailerError::Invalid("no SMTP server configured".into())),
        }
    }
}

/// The RFC 5322 message for an envelope: multipart/alternative (text, then HTML), with
/// `Message-ID`, `Date`, `From`, `Reply-To` and the threading headers.
pub fn build_message(envelope: &Envelope<'_>) -> Result<Message, MailerError> {
    let invalid =
        |what: &str, e: &dyn std::fmt::Display| MailerError::Invalid(format!("{what}: {e}"));
    let from = Mailbox::new(
        Some(envelope.from_name.to_owned()),
        envelope
            .from_address
            .parse()
            .map_err(|e| invalid("from", &e))?,
    );
    let to = Mailbox::new(
        Some(envelope.to_name.to_owned()),
        envelope.to_address.parse().map_err(|e| invalid("to", &e))?,
    );
    let reply_to = match envelope.reply_to {
        Some(addr) => Mailbox::new(None, addr.parse().map_err(|e| invalid("reply-to", &e))?),
        None => from.clone(),
    };
    let mut builder = Message::builder()
        .from(from)
        .reply_to(reply_to)
        .to(to)
        .subject(envelope.subject)
        .message_id(Some(format!("<{}>", envelope.message_id)))
        .date_now()
        .header(AutoSubmitted::auto_generated());
    if let Some(parent) = envelope.in_reply_to {
        builder = builder.in_reply_to(format!("<{parent}>"));
    }
    if let Some(refs) = envelope.references {
        let joined = refs
            .split_whitespace()
            .map(|r| format!("<{r}>"))
            .collect::<Vec<_>>()
            .join(" ");
        builder = builder.references(joined);
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            envelope.text.to_owned(),
            envelope.html.to_owned(),
        ))
        .map_err(|e| invalid("body", &e))
}

/// `Auto-Submitted: auto-generated` (RFC 3834), so well-behaved auto-responders stay quiet
/// and mail loops between two systems cannot start.
#[derive(Debug, Clone)]
struct AutoSubmitted(String);

impl AutoSubmitted {
    fn auto_generated() -> Self {
        Self("auto-generated".into())
    }
}

impl header::Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_carries_threading_and_identity_headers() {
        let envelope = Envelope {
            from_address: "support@ayuda.example",
            from_name: "Ayuda",
            to_address: "ana@example.com",
            to_name: "Ana Núñez",
            subject: "Bienvenido [#1042]",
            text: "hola",
            html: "<p>hola</p>",
            message_id: "abc@ayuda.example",
            in_reply_to: Some("parent@ayuda.example"),
            references: Some("root@ayuda.example parent@ayuda.example"),
            reply_to: Some("support+t@ayuda.example"),
        };
        let raw = String::from_utf8(
            build_message(&envelope)
                .map(|m| m.formatted())
                .unwrap_or_default(),
        )
        .unwrap_or_default();
        assert!(raw.contains("Message-ID: <abc@ayuda.example>"), "{raw}");
        assert!(raw.contains("In-Reply-To: <parent@ayuda.example>"), "{raw}");
        assert!(
            raw.contains("References: <root@ayuda.example> <parent@ayuda.example>"),
            "{raw}"
        );
        assert!(raw.contains("Reply-To: support+t@ayuda.example"), "{raw}");
        assert!(raw.contains("Auto-Submitted: auto-generated"), "{raw}");
        assert!(raw.contains("Date: "), "{raw}");
        assert!(raw.contains("multipart/alternative"), "{raw}");
    }

    #[test]
    fn bad_recipient_is_a_permanent_error() {
        let envelope = Envelope {
            from_address: "support@ayuda.example",
            from_name: "Ayuda",
            to_address: "not an address",
            to_name: "x",
            subject: "s",
            text: "t",
            html: "h",
            message_id: "m@x",
            in_reply_to: None,
            references: None,
            reply_to: None,
        };
        let err = build_message(&envelope).err();
        assert!(err.is_some_and(|e| !e.is_transient()));
    }
}
