//! Reading inbound email: what a raw RFC 822 message says, as far as a helpdesk cares.
//!
//! MIME, encodings and charsets are mail-parser's job (ISO-8859-1, Windows-1252, UTF-7 and
//! the rest, with `full_encoding`); this module picks out the sender, the threading headers,
//! the readable text, the files, and whether a machine wrote the message. Pure: bytes in,
//! values out.

use std::borrow::Cow;

use mail_parser::{Address, HeaderValue, Message, MessageParser, MimeHeaders, PartType};

/// A mailbox: address (lower case) and display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    /// The address, lower case.
    pub address: String,
    /// The display name, if any.
    pub name: Option<String>,
}

/// A file carried by the message: an attachment or an inline image.
#[derive(Debug, Clone)]
pub struct InboundFile {
    /// The file name given, or one made up from the part's position.
    pub filename: String,
    /// The content type the sender declared (not trusted: the bytes are sniffed on storing).
    pub declared_type: String,
    /// The bytes, decoded.
    pub bytes: Vec<u8>,
    /// Whether it was shown in the message body (`Content-Disposition: inline` or a
    /// `Content-ID` an HTML body refers to) rather than attached.
    pub inline: bool,
}

/// Whether a person or a machine wrote the message, which decides if Ayuda may answer it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Written by a person: answer as usual.
    Person,
    /// An automatic reply (out of office, `Auto-Submitted`, `X-Autoreply`, ...): record it,
    /// never answer it.
    AutoReply(String),
    /// Bulk or list mail (`Precedence: bulk|junk|list`, `List-Id`): record it, never answer.
    Bulk(String),
    /// A delivery status notification about a message we sent; `original` is that
    /// message's `Message-ID` when the report carries it.
    Bounce {
        /// The `Message-ID` of the message that bounced.
        original: Option<String>,
        /// The reason given, shortened.
        reason: String,
    },
}

impl Origin {
    /// Whether automatic answers (welcome, "ticket received") may go to the sender.
    pub fn may_answer(&self) -> bool {
        matches!(self, Origin::Person)
    }
}

/// What an inbound message says.
#[derive(Debug, Clone)]
pub struct InboundEmail {
    /// `Message-ID` without angle brackets.
    pub message_id: Option<String>,
    /// `In-Reply-To` and `References` ids, without angle brackets, most recent first.
    pub refers_to: Vec<String>,
    /// The sender.
    pub from: Option<Mailbox>,
    /// Every address the message was sent to (`To`, `Cc`, `Delivered-To`,
    /// `X-Original-To`), lower case.
    pub recipients: Vec<String>,
    /// The `Cc` mailboxes (participants of the conversation).
    pub cc: Vec<Mailbox>,
    /// The subject, decoded; empty when there is none.
    pub subject: String,
    /// The readable text: the text part, or the HTML part turned into text (scripts and
    /// styles dropped).
    pub text: String,
    /// Attachments and inline images.
    pub files: Vec<InboundFile>,
    /// Person or machine.
    pub origin: Origin,
    /// The header block as received, for agents who need to look.
    pub headers: String,
}

/// Reads `raw`; `None` when it is not an email at all (no header could be read).
pub fn parse(raw: &[u8]) -> Option<InboundEmail> {
    let message = MessageParser::default().parse(raw)?;
    if message.headers().is_empty() {
        return None;
    }
    let from = message.from().and_then(first_mailbox);
    let mut refers_to = ids(message.in_reply_to());
    for id in ids(message.references()).into_iter().rev() {
        if !refers_to.contains(&id) {
            refers_to.push(id);
        }
    }
    let mut recipients = Vec::new();
    for mailbox in message
        .to()
        .into_iter()
        .chain(message.cc())
        .flat_map(all_mailboxes)
    {
        recipients.push(mailbox.address);
    }
    for name in ["Delivered-To", "X-Original-To"] {
        for value in message.header_values(name) {
            if let Some(text) = value.as_text() {
                recipients.push(self::text(strip_brackets(text)).to_ascii_lowercase());
            }
        }
    }
    let cc = message.cc().map(all_mailboxes).unwrap_or_default();
    let origin = origin(&message, from.as_ref());
    Some(InboundEmail {
        // Over-long ids are not ids anyone threads by; they would only bloat the index.
        message_id: message
            .message_id()
            .map(|id| text(strip_brackets(id)))
            .filter(|id| !id.is_empty() && id.len() <= 250),
        refers_to,
        from,
        recipients,
        cc,
        subject: text(message.subject().unwrap_or_default().trim()),
        text: text(&body_text(&message)),
        files: files(&message),
        origin,
        headers: text(&header_block(raw)),
    })
}

/// Text fit to store: NUL characters (which no mail program shows, and PostgreSQL refuses)
/// removed.
fn text(s: &str) -> String {
    s.replace('\0', "")
}

fn first_mailbox(address: &Address<'_>) -> Option<Mailbox> {
    all_mailboxes(address).into_iter().next()
}

fn all_mailboxes(address: &Address<'_>) -> Vec<Mailbox> {
    address
        .iter()
        .filter_map(|addr| {
            let address = addr.address()?.trim().to_ascii_lowercase();
            address.contains('@').then(|| Mailbox {
                address: text(&address),
                name: addr
                    .name()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(text),
            })
        })
        .collect()
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => vec![text(strip_brackets(id))],
        HeaderValue::TextList(list) => list.iter().map(|id| text(strip_brackets(id))).collect(),
        _ => Vec::new(),
    }
}

fn strip_brackets(id: &str) -> &str {
    id.trim().trim_start_matches('<').trim_end_matches('>')
}

/// The text part, else the HTML part as text, else nothing.
fn body_text(message: &Message<'_>) -> String {
    let text = message
        .body_text(0)
        .or_else(|| message.body_html(0).map(|h| Cow::Owned(html_text(&h))))
        .unwrap_or_default();
    text.replace("\r\n", "\n").trim().to_owned()
}

fn html_text(html: &str) -> String {
    mail_parser::decoders::html::html_to_text(html)
}

fn files(message: &Message<'_>) -> Vec<InboundFile> {
    message
        .attachments()
        .enumerate()
        .filter_map(|(i, part)| {
            let bytes = part.contents();
            if bytes.is_empty() {
                return None;
            }
            let declared_type = part.content_type().map_or_else(
                || "application/octet-stream".to_owned(),
                |ct| match ct.subtype() {
                    Some(sub) => format!("{}/{}", ct.ctype(), sub),
                    None => ct.ctype().to_owned(),
                },
            );
            let inline = part
                .content_disposition()
                .is_some_and(|d| d.ctype().eq_ignore_ascii_case("inline"))
                || part.content_id().is_some();
            let filename = match (part.attachment_name(), &part.body) {
                (Some(name), _) => name.to_owned(),
                (None, PartType::Message(_)) => format!("message-{}.eml", i + 1),
                (None, _) => format!("attachment-{}", i + 1),
            };
            Some(InboundFile {
                filename,
                declared_type,
                bytes: bytes.to_vec(),
                inline,
            })
        })
        .collect()
}

/// Person, auto-reply, bulk or bounce (RFC 3834, RFC 2369, RFC 3464 and common practice).
fn origin(message: &Message<'_>, from: Option<&Mailbox>) -> Origin {
    if let Some(bounce) = bounce(message, from) {
        return bounce;
    }
    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|v| v.trim().to_ascii_lowercase())
    };
    if let Some(value) = header("Auto-Submitted").filter(|v| v != "no") {
        return Origin::AutoReply(format!("Auto-Submitted: {value}"));
    }
    for name in ["X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"] {
        if let Some(value) = header(name) {
            // Outlook sets X-Auto-Response-Suppress on ordinary mail too; only "All" and
            // "OOF" mark a message that is itself automatic.
            if name == "X-Auto-Response-Suppress" && !matches!(value.as_str(), "all" | "oof") {
                continue;
            }
            return Origin::AutoReply(format!("{name}: {value}"));
        }
    }
    if let Some(value) = header("Precedence")
        .filter(|v| matches!(v.as_str(), "bulk" | "junk" | "list" | "auto_reply"))
    {
        return if value == "auto_reply" {
            Origin::AutoReply(format!("Precedence: {value}"))
        } else {
            Origin::Bulk(format!("Precedence: {value}"))
        };
    }
    if let Some(value) = header("List-Id") {
        return Origin::Bulk(format!("List-Id: {value}"));
    }
    Origin::Person
}

fn bounce(message: &Message<'_>, from: Option<&Mailbox>) -> Option<Origin> {
    let is_report = message.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
            && ct
                .attribute("report-type")
                .is_some_and(|t| t.eq_ignore_ascii_case("delivery-status"))
    });
    let from_daemon = from.is_some_and(|f| {
        let local = f.address.split('@').next().unwrap_or_default();
        local == "mailer-daemon" || local == "postmaster"
    });
    if !is_report && !from_daemon {
        return None;
    }
    let mut original = None;
    let mut reason = String::new();
    for part in message.parts.iter() {
        match &part.body {
            PartType::Message(inner) if original.is_none() => {
                original = inner.message_id().map(|id| strip_brackets(id).to_owned());
            }
            PartType::Text(_) | PartType::Binary(_) | PartType::InlineBinary(_) => {
                let ct = part.content_type();
                let is = |sub: &str| {
                    ct.is_some_and(|c| c.subtype().is_some_and(|s| s.eq_ignore_ascii_case(sub)))
                };
                let text = String::from_utf8_lossy(part.contents());
                if is("rfc822-headers") && original.is_none() {
                    original = message_id_in(&text);
                } else if is("delivery-status") && reason.is_empty() {
                    reason = text
                        .lines()
                        .find(|l| l.to_ascii_lowercase().starts_with("diagnostic-code:"))
                        .or_else(|| {
                            text.lines()
                                .find(|l| l.to_ascii_lowercase().starts_with("status:"))
                        })
                        .unwrap_or_default()
                        .trim()
                        .to_owned();
                }
            }
            _ => {}
        }
    }
    if original.is_none() {
        original = ids(message.in_reply_to()).into_iter().next();
    }
    if reason.is_empty() {
        reason = message.subject().unwrap_or("delivery failed").to_owned();
    }
    Some(Origin::Bounce {
        original,
        reason: reason.chars().take(500).collect(),
    })
}

fn message_id_in(headers: &str) -> Option<String> {
    headers.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("message-id")
            .then(|| strip_brackets(value).to_owned())
    })
}

fn header_block(raw: &[u8]) -> String {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n"))
        .unwrap_or(raw.len().min(64 * 1024));
    String::from_utf8_lossy(&raw[..end.min(raw.len())]).into_owned()
}
