//! What a message is, decided from the message alone, before anything is written: the
//! writers of [`super`] then carry out one verdict each.

use ayuda_mail::inbound::{InboundEmail, Mailbox, Origin};
use ayuda_types::IntakeOutcome;

/// What to do with one message.
#[derive(Debug)]
pub(super) enum Verdict<'a> {
    /// Keep the message as a record with this outcome and reason, and do nothing else.
    Record {
        outcome: IntakeOutcome,
        reason: String,
    },
    /// A delivery failure report, about our message `original` when it names one.
    Bounce {
        original: Option<&'a str>,
        reason: &'a str,
    },
    /// Mail from `from` (a person, or a machine that may not be answered): it belongs to a
    /// conversation, new or existing.
    Correspondence {
        email: &'a InboundEmail,
        from: &'a Mailbox,
    },
}

/// The verdict on a message of `size` bytes, read as `email` (`None`: not an email at all),
/// when messages over `limit` bytes are refused and `ours` tells the support mailbox's
/// own addresses.
pub(super) fn classify<'a>(
    email: Option<&'a InboundEmail>,
    size: u64,
    limit: u64,
    ours: impl Fn(&str) -> bool,
) -> Verdict<'a> {
    let record = |outcome, reason: &str| Verdict::Record {
        outcome,
        reason: reason.to_owned(),
    };
    let Some(email) = email else {
        return record(IntakeOutcome::Failed, "not a readable email message");
    };
    if size > limit {
        return Verdict::Record {
            outcome: IntakeOutcome::Rejected,
            reason: format!(
                "the message is {:.1} MB, more than the {:.1} MB limit (AYUDA_INBOUND_MAX_BYTES); kept, not made into a ticket",
                mb(size),
                mb(limit)
            ),
        };
    }
    let Some(from) = &email.from else {
        return record(
            IntakeOutcome::Failed,
            "no usable sender address (missing, malformed or longer than 254 characters)",
        );
    };
    if let Origin::Bounce { original, reason } = &email.origin {
        return Verdict::Bounce {
            original: original.as_deref(),
            reason,
        };
    }
    if ours(&from.address) {
        return record(
            IntakeOutcome::Ignored,
            "sent from our own address (a mail loop)",
        );
    }
    Verdict::Correspondence { email, from }
}

/// Bytes in megabytes, for reasons people read.
pub(super) fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

#[cfg(test)]
mod tests {
    use ayuda_mail::inbound::{FileLimits, parse};

    use super::*;

    const LIMITS: FileLimits = FileLimits {
        max_files: 10,
        max_bytes: 1 << 20,
    };

    fn email(headers: &str) -> InboundEmail {
        let raw = format!("{headers}\r\nSubject: Hola\r\n\r\nTexto.\r\n");
        parse(raw.as_bytes(), LIMITS).expect("an email")
    }

    fn ours(address: &str) -> bool {
        address == "support@ayuda.test"
    }

    fn verdict_of(email: Option<&InboundEmail>, size: u64) -> String {
        match classify(email, size, 1000, ours) {
            Verdict::Record { outcome, reason } => format!("{outcome}: {reason}"),
            Verdict::Bounce { original, .. } => format!("bounce of {original:?}"),
            Verdict::Correspondence { from, .. } => format!("from {}", from.address),
        }
    }

    #[test]
    fn each_kind_of_message_gets_its_verdict() {
        let person = email("From: Ana <ana@example.test>\r\nMessage-ID: <1@example.test>");
        let loop_back = email("From: support@ayuda.test\r\nMessage-ID: <2@example.test>");
        let no_sender = email("From: not an address\r\nMessage-ID: <3@example.test>");
        let out_of_office = email(
            "From: ana@example.test\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <4@example.test>",
        );
        let cases: [(Option<&InboundEmail>, u64, &str); 6] = [
            (None, 10, "failed: not a readable email message"),
            (
                Some(&person),
                5 * 1024 * 1024,
                "rejected: the message is 5.0 MB",
            ),
            (Some(&no_sender), 10, "failed: no usable sender address"),
            (Some(&loop_back), 10, "ignored: sent from our own address"),
            (Some(&person), 10, "from ana@example.test"),
            // Automatic mail is correspondence too: the writers record it against its
            // ticket without answering it.
            (Some(&out_of_office), 10, "from ana@example.test"),
        ];
        for (message, size, expected) in cases {
            let got = verdict_of(message, size);
            assert!(
                got.starts_with(expected),
                "{got:?} should start {expected:?}"
            );
        }
    }

    #[test]
    fn a_delivery_report_is_a_bounce_of_the_message_it_names() {
        let raw = "From: MAILER-DAEMON@mx.example.test\r\n\
            To: support@ayuda.test\r\n\
            Subject: Undelivered Mail Returned to Sender\r\n\
            Message-ID: <dsn-1@mx.example.test>\r\n\
            MIME-Version: 1.0\r\n\
            Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
            --b\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n\
            --b\r\nContent-Type: message/delivery-status\r\n\r\n\
            Reporting-MTA: dns; mx.example.test\r\n\r\n\
            Final-Recipient: rfc822; gone@example.test\r\nAction: failed\r\nStatus: 5.1.1\r\n\
            Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n\
            --b\r\nContent-Type: text/rfc822-headers\r\n\r\n\
            Message-ID: <ticket-1000.abc@ayuda.test>\r\nSubject: [#1000]\r\n\r\n\
            --b--\r\n";
        let report = parse(raw.as_bytes(), LIMITS).expect("an email");
        assert_eq!(
            verdict_of(Some(&report), 10),
            "bounce of Some(\"ticket-1000.abc@ayuda.test\")"
        );
    }
}
