//! Reading inbound email: what a raw RFC 822 message says, as far as a helpdesk cares.
//!
//! MIME, encodings and charsets are mail-parser's job (ISO-8859-1, Windows-1252, UTF-7 and
//! the rest, with `full_encoding`); this module picks out the sender, the threading headers,
//! the readable text, the files, and whether a machine wrote the message. Pure: bytes in,
//! values out.

use std::borrow::Cow;

use ayuda_domain::Email;
use mail_parser::{Address, HeaderValue, Message, MessageParser, MimeHeaders, PartType};

/// Longest subject kept, in characters (a folded header may run on for megabytes).
pub const SUBJECT_MAX_CHARS: usize = 1000;
/// Longest display name kept, in characters.
pub const NAME_MAX_CHARS: usize = 200;
/// Longest `Message-ID` threaded by; a longer one is dropped (nobody threads by it, and it
/// would only bloat the index).
pub const MESSAGE_ID_MAX_CHARS: usize = 250;
/// Most ids kept from `In-Reply-To` and `References` (the most recent ones).
const REFERENCES_MAX: usize = 50;
/// Most recipients kept (they are only matched against our own addresses).
const RECIPIENTS_MAX: usize = 100;
/// Longest header block kept for agents to look at, in bytes.
pub const HEADERS_MAX_BYTES: usize = 64 * 1024;

/// How many of a message's files are kept: at most `max_files`, and at most `max_bytes`
/// decoded bytes of them in all. Files beyond either are left out (and counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileLimits {
    /// Files (attachments and inline images) kept per message.
    pub max_files: usize,
    /// Decoded bytes of all kept files together.
    pub max_bytes: u64,
}

/// Files of a message left out by [`FileLimits`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Omitted {
    /// How many.
    pub files: usize,
    /// Their decoded bytes.
    pub bytes: u64,
}

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
    /// Attachments and inline images, within the [`FileLimits`] given.
    pub files: Vec<InboundFile>,
    /// The files left out by those limits.
    pub omitted: Omitted,
    /// Person or machine.
    pub origin: Origin,
    /// The header block as received, for agents who need to look.
    pub headers: String,
}

/// Reads `raw`; `None` when it is not an email at all (no header could be read). Every
/// value is bounded (see the constants of this module), so what comes out fits the database
/// whatever came in; an address that is not a plausible one (malformed, or longer than 254
/// characters) is left out, so a message without a usable sender has `from: None`.
pub fn parse(raw: &[u8], limits: FileLimits) -> Option<InboundEmail> {
    let message = MessageParser::default().parse(raw)?;
    read(&message, raw, Some(limits))
}

/// Reads only the header block of `raw`, for a message too large to read whole: who sent it
/// and what it is about, no text and no files.
pub fn parse_headers(raw: &[u8]) -> Option<InboundEmail> {
    let mut head = raw[..header_end(raw).min(HEADERS_MAX_BYTES)].to_vec();
    head.extend_from_slice(b"\r\n\r\n");
    let message = MessageParser::default().parse(&head)?;
    read(&message, raw, None)
}

fn read(message: &Message<'_>, raw: &[u8], limits: Option<FileLimits>) -> Option<InboundEmail> {
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
    refers_to.truncate(REFERENCES_MAX);
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
            if let Some(address) = value
                .as_text()
                .and_then(|t| Email::parse(strip_brackets(t)))
            {
                recipients.push(address.as_str().to_owned());
            }
        }
    }
    recipients.truncate(RECIPIENTS_MAX);
    let mut cc = message.cc().map(all_mailboxes).unwrap_or_default();
    cc.truncate(RECIPIENTS_MAX);
    let origin = origin(message, from.as_ref());
    let (files, omitted) = match limits {
        Some(limits) => files(message, limits),
        None => (Vec::new(), Omitted::default()),
    };
    Some(InboundEmail {
        message_id: message
            .message_id()
            .map(|id| text(strip_brackets(id)))
            .filter(|id| !id.is_empty() && id.chars().count() <= MESSAGE_ID_MAX_CHARS),
        refers_to,
        from,
        recipients,
        cc,
        subject: clip(
            &text(message.subject().unwrap_or_default().trim()),
            SUBJECT_MAX_CHARS,
        ),
        text: if limits.is_some() {
            text(&body_text(message))
        } else {
            String::new()
        },
        files,
        omitted,
        origin,
        headers: text(&header_block(raw)),
    })
}

/// At most `max` characters of `s`.
fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((end, _)) => s[..end].to_owned(),
        None => s.to_owned(),
    }
}

/// Text fit to store: NUL characters (which no mail program shows, and PostgreSQL refuses)
/// removed.
fn text(s: &str) -> String {
    s.replace('\0', "")
}

fn first_mailbox(address: &Address<'_>) -> Option<Mailbox> {
    all_mailboxes(address).into_iter().next()
}

/// The plausible mailboxes of a header (the same rule as a registration's address).
fn all_mailboxes(address: &Address<'_>) -> Vec<Mailbox> {
    address
        .iter()
        .filter_map(|addr| {
            let address = Email::parse(&text(addr.address()?))?;
            Some(Mailbox {
                address: address.as_str().to_owned(),
                name: addr
                    .name()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(|n| clip(&text(n), NAME_MAX_CHARS)),
            })
        })
        .collect()
}

/// The message ids of a threading header, over-long ones dropped.
fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let all = match value {
        HeaderValue::Text(id) => vec![text(strip_brackets(id))],
        HeaderValue::TextList(list) => list.iter().map(|id| text(strip_brackets(id))).collect(),
        _ => Vec::new(),
    };
    all.into_iter()
        .filter(|id| !id.is_empty() && id.chars().count() <= MESSAGE_ID_MAX_CHARS)
        .collect()
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

/// The files within `limits`, in the order the message has them, and what was left out.
fn files(message: &Message<'_>, limits: FileLimits) -> (Vec<InboundFile>, Omitted) {
    let (mut kept, mut kept_bytes) = (0usize, 0u64);
    let mut omitted = Omitted::default();
    let files = message
        .attachments()
        .enumerate()
        .filter_map(|(i, part)| {
            let bytes = part.contents();
            if bytes.is_empty() {
                return None;
            }
            let size = bytes.len() as u64;
            if kept >= limits.max_files || kept_bytes + size > limits.max_bytes {
                omitted.files += 1;
                omitted.bytes += size;
                return None;
            }
            kept += 1;
            kept_bytes += size;
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
        .collect();
    (files, omitted)
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

/// Where the header block of `raw` ends (the whole of it when there is no body).
fn header_end(raw: &[u8]) -> usize {
    raw.windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n"))
        .unwrap_or(raw.len())
}

/// The header block as text, at most [`HEADERS_MAX_BYTES`] of it.
fn header_block(raw: &[u8]) -> String {
    let end = header_end(raw).min(HEADERS_MAX_BYTES);
    let mut block = String::from_utf8_lossy(&raw[..end]).into_owned();
    if block.len() > HEADERS_MAX_BYTES {
        // Lossy decoding can grow the text; cut at a character boundary.
        let mut cut = HEADERS_MAX_BYTES;
        while !block.is_char_boundary(cut) {
            cut -= 1;
        }
        block.truncate(cut);
    }
    block
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOMY: FileLimits = FileLimits {
        max_files: 100,
        max_bytes: 1 << 20,
    };

    /// A message with `n` small attachments of `size` bytes each.
    fn with_attachments(n: usize, size: usize) -> Vec<u8> {
        let mut raw = String::from(
            "From: Ana <ana@example.com>\r\nSubject: files\r\nMessage-ID: <m1@example.com>\r\n\
             MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
             --b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n",
        );
        for i in 0..n {
            raw.push_str(&format!(
                "--b\r\nContent-Type: application/octet-stream\r\n\
                 Content-Disposition: attachment; filename=\"f{i}.bin\"\r\n\r\n{}\r\n",
                "x".repeat(size)
            ));
        }
        raw.push_str("--b--\r\n");
        raw.into_bytes()
    }

    #[test]
    fn files_beyond_the_count_limit_are_left_out_and_counted() {
        let raw = with_attachments(250, 10);
        let limits = FileLimits {
            max_files: 100,
            ..ROOMY
        };
        let email = parse(&raw, limits).unwrap();
        assert_eq!(email.files.len(), 100);
        assert_eq!(email.files[0].filename, "f0.bin");
        assert_eq!(email.files[99].filename, "f99.bin");
        assert_eq!(
            email.omitted,
            Omitted {
                files: 150,
                bytes: 1500
            }
        );
        assert_eq!(email.text, "See attached.");
    }

    #[test]
    fn files_beyond_the_byte_limit_are_left_out_and_counted() {
        let raw = with_attachments(5, 400);
        let email = parse(
            &raw,
            FileLimits {
                max_files: 100,
                max_bytes: 1000,
            },
        )
        .unwrap();
        assert_eq!(email.files.len(), 2);
        assert_eq!(
            email.omitted,
            Omitted {
                files: 3,
                bytes: 1200
            }
        );
    }

    #[test]
    fn over_long_and_malformed_values_are_bounded_or_dropped() {
        let long_address = format!("{}@example.com", "a".repeat(400));
        let raw = format!(
            "From: Someone <{long_address}>\r\nCc: ok@example.com, <not an address>, {long_address}\r\n\
             Subject: {}\r\nMessage-ID: <{}@example.com>\r\nReferences: <{}@x> <short@x>\r\n\r\nhi\r\n",
            "s".repeat(5000),
            "m".repeat(300),
            "r".repeat(300),
        );
        let email = parse(raw.as_bytes(), ROOMY).unwrap();
        assert_eq!(
            email.from, None,
            "a 413-character address is not an address"
        );
        assert_eq!(
            email
                .cc
                .iter()
                .map(|m| m.address.as_str())
                .collect::<Vec<_>>(),
            ["ok@example.com"]
        );
        assert_eq!(email.subject.chars().count(), SUBJECT_MAX_CHARS);
        assert_eq!(email.message_id, None);
        assert_eq!(email.refers_to, ["short@x"]);

        let raw = "From: \"Ana\" <ana@@example..com>\r\nSubject: x\r\n\r\nhi\r\n";
        assert_eq!(parse(raw.as_bytes(), ROOMY).unwrap().from, None);
        let raw = format!("From: {} <ana@example.com>\r\n\r\nhi\r\n", "N".repeat(900));
        let from = parse(raw.as_bytes(), ROOMY).unwrap().from.unwrap();
        assert_eq!(from.address, "ana@example.com");
        assert_eq!(from.name.unwrap().chars().count(), NAME_MAX_CHARS);
    }

    #[test]
    fn the_header_block_kept_is_bounded() {
        let raw = format!(
            "From: ana@example.com\r\nX-Filler: {}\r\nSubject: big\r\n\r\nbody\r\n",
            "é".repeat(HEADERS_MAX_BYTES)
        );
        let email = parse(raw.as_bytes(), ROOMY).unwrap();
        assert!(email.headers.len() <= HEADERS_MAX_BYTES);
        assert!(email.headers.starts_with("From: ana@example.com"));
    }

    #[test]
    fn a_message_read_by_its_headers_has_no_text_and_no_files() {
        let raw = with_attachments(3, 10);
        let email = parse_headers(&raw).unwrap();
        assert_eq!(email.subject, "files");
        assert_eq!(email.message_id.as_deref(), Some("m1@example.com"));
        assert_eq!(email.from.unwrap().address, "ana@example.com");
        assert!(email.text.is_empty());
        assert!(email.files.is_empty());
    }
}
