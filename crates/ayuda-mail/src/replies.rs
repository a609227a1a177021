//! The new part of a reply, and what a subject says about its ticket.
//!
//! Mail programs quote the whole conversation under (or over) a reply and add signatures;
//! a ticket keeps only what the person wrote this time. The original stays available to
//! agents, so a cut that goes wrong loses nothing.

use std::sync::LazyLock;

use regex::Regex;

static SUBJECT_TAG: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\[#(\d{1,18})\]").ok());
static REPLY_PREFIX: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*((re|fw|fwd|aw|wg|rv|r|tr|sv|vs|antw|rif)\s*(\[\d+\])?\s*:\s*)+").ok()
});
/// The first line of a quoted-history block, in the forms common mail programs write.
static HISTORY_START: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^\s*(
            on\s.{0,200}\swrote:\s*$                    # Gmail, Apple Mail, Thunderbird (en)
          | el\s.{0,200}\sescribi[óo]:\s*$              # (es)
          | le\s.{0,200}\sa\s[ée]crit\s*:\s*$            # (fr)
          | am\s.{0,200}\sschrieb\s.{0,100}:\s*$         # (de)
          | -{2,}\s*(original\s+message|mensaje\s+original|message\s+d'origine|urspr[üu]ngliche\s+nachricht)\s*-{2,}
          | _{10,}\s*$                                  # Outlook's rule above the old header
          | (from|de|von):\s.+\s(sent|enviado|envoy[ée]|gesendet):\s # Outlook on one line
        )",
    )
    .ok()
});
/// A header line of an Outlook-style quoted block (`From:` followed by `Sent:`/`Date:`).
static OUTLOOK_FROM: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*\*?(from|de|von)\s*:\*?\s+\S").ok());
static OUTLOOK_NEXT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*\*?(sent|date|enviado|fecha|gesendet|datum|to|para|an|subject|asunto)\s*:")
        .ok()
});

/// The ticket number in a `[#1042]` subject tag.
pub fn subject_tag(subject: &str) -> Option<i64> {
    SUBJECT_TAG
        .as_ref()?
        .captures(subject)?
        .get(1)?
        .as_str()
        .parse()
        .ok()
}

/// A ticket title from a subject: reply prefixes (`Re:`, `RV:`, `AW:`, ...) and the ticket
/// tag removed; `None` when nothing is left.
pub fn clean_subject(subject: &str) -> Option<String> {
    let mut s = subject.to_owned();
    if let Some(re) = SUBJECT_TAG.as_ref() {
        s = re.replace_all(&s, " ").into_owned();
    }
    if let Some(re) = REPLY_PREFIX.as_ref() {
        s = re.replace(&s, "").into_owned();
    }
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

/// What the sender wrote this time: quoted history (a `On ... wrote:` block and everything
/// under it, Outlook's original-message header, trailing `>` lines) and a `-- ` signature
/// removed. Falls back to the whole text when nothing would be left (a reply written under
/// the quote, say).
pub fn new_part(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut end = lines.len();
    for (i, line) in lines.iter().enumerate() {
        if starts_history(line, lines.get(i + 1).copied(), lines.get(i + 2).copied()) {
            end = i;
            break;
        }
        // Standard signature separator (RFC 3676): "-- " alone on a line.
        if *line == "-- " || *line == "--" {
            end = i;
            break;
        }
    }
    let mut kept = &lines[..end];
    // Quoted lines at the end (bottom quoting without an attribution line).
    while let Some((last, rest)) = kept.split_last() {
        if last.trim().is_empty() || last.trim_start().starts_with('>') {
            kept = rest;
        } else {
            break;
        }
    }
    let result = kept.join("\n").trim().to_owned();
    if result.is_empty() {
        text.trim().to_owned()
    } else {
        result
    }
}

fn starts_history(line: &str, next: Option<&str>, after: Option<&str>) -> bool {
    let matches =
        |re: &LazyLock<Option<Regex>>, s: &str| re.as_ref().is_some_and(|r| r.is_match(s));
    if matches(&HISTORY_START, line) {
        return true;
    }
    // "On Mon, 1 Jan 2026 at 10:00, Ana <ana@example.com>" wrapped before "wrote:".
    if let Some(next) = next {
        let joined = format!("{} {}", line.trim_end(), next.trim());
        if (line.trim_start().starts_with("On ") || line.trim_start().starts_with("El "))
            && matches(&HISTORY_START, &joined)
        {
            return true;
        }
    }
    // Outlook: "From: ..." followed by "Sent:"/"Date:" within two lines.
    matches(&OUTLOOK_FROM, line)
        && (next.is_some_and(|n| matches(&OUTLOOK_NEXT, n))
            || after.is_some_and(|n| matches(&OUTLOOK_NEXT, n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_tags_and_titles() {
        assert_eq!(subject_tag("Re: [#1042] Printer on fire"), Some(1042));
        assert_eq!(subject_tag("Printer on fire"), None);
        assert_eq!(subject_tag("[#abc] x"), None);
        assert_eq!(
            clean_subject("RE: AW: [#1042] Printer on fire").as_deref(),
            Some("Printer on fire")
        );
        assert_eq!(
            clean_subject("RV: Factura  de marzo").as_deref(),
            Some("Factura de marzo")
        );
        assert_eq!(clean_subject("Re: "), None);
        assert_eq!(
            clean_subject("Reunión mañana").as_deref(),
            Some("Reunión mañana")
        );
    }

    #[test]
    fn gmail_style_history_is_cut() {
        let text = "Thanks, that fixed it.\n\nOn Mon, 23 Nov 2026 at 10:02, Ayuda <support@x.test> wrote:\n> Try turning it off.\n> And on again.";
        assert_eq!(new_part(text), "Thanks, that fixed it.");
    }

    #[test]
    fn wrapped_attribution_and_spanish_are_cut() {
        let text = "Sigue sin funcionar.\n\nEl lun, 23 nov 2026 a las 10:02, Ayuda (<support@x.test>)\nescribió:\n> Pruebe a reiniciar.";
        assert_eq!(new_part(text), "Sigue sin funcionar.");
        let text = "Still broken.\n\nOn Mon, 23 Nov 2026 at 10:02, Ayuda Support <support@x.test>\nwrote:\n> Restart it.";
        assert_eq!(new_part(text), "Still broken.");
    }

    #[test]
    fn outlook_history_and_signatures_are_cut() {
        let text = "Here is the invoice.\n\nFrom: Ayuda <support@x.test>\nSent: Monday, 23 November 2026 10:02\nTo: Ana\nSubject: [#1042] Invoice\n\nPlease send the invoice.";
        assert_eq!(new_part(text), "Here is the invoice.");
        let text = "Works now.\n-- \nAna Pérez\nACME Ltd.";
        assert_eq!(new_part(text), "Works now.");
        let text = "Yes.\n\n-----Original Message-----\nFrom: x";
        assert_eq!(new_part(text), "Yes.");
    }

    #[test]
    fn bottom_quotes_are_cut_and_inline_answers_kept() {
        let text = "New info below.\n\n> old line one\n> old line two\n";
        assert_eq!(new_part(text), "New info below.");
        let text = "> Is it plugged in?\nYes, it is.\n> Which model?\nThe X200.";
        assert_eq!(new_part(text), text);
    }

    #[test]
    fn an_all_quote_message_is_kept_whole() {
        let text = "> only a quote";
        assert_eq!(new_part(text), "> only a quote");
        assert_eq!(new_part(""), "");
    }
}
