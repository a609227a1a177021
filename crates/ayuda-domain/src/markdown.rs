//! User text to safe HTML: Markdown rendered by pulldown-cmark, then sanitized by ammonia.
//!
//! Every `body_html` Ayuda stores or serves comes from [`render`]; raw HTML in the Markdown
//! survives only as far as ammonia's allow-list lets it (no scripts, handlers, styles or
//! `javascript:` links).
//!
//! Images from other sites would load as soon as an agent opens the ticket or a mail
//! program the email (a tracking pixel tells the sender who read it, when and where): a
//! Markdown image with an absolute address becomes a link to it, and an HTML `<img>` with
//! one loses its source. Images of Ayuda's own (relative addresses, as attachments are
//! linked) stay images.

use std::borrow::Cow;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd, html};

/// Renders Markdown to sanitized HTML. Links get `rel="noopener noreferrer nofollow"`.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut unsafe_html = String::with_capacity(markdown.len() * 5 / 4);
    // Whether each image open now was turned into a link (images nest in link text).
    let mut open_images: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Start(Tag::Image {
            dest_url, title, ..
        }) if is_remote(&dest_url) => {
            open_images.push(true);
            Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url,
                title,
                id: "".into(),
            })
        }
        Event::Start(image @ Tag::Image { .. }) => {
            open_images.push(false);
            Event::Start(image)
        }
        Event::End(TagEnd::Image) if open_images.pop() == Some(true) => Event::End(TagEnd::Link),
        other => other,
    });
    html::push_html(&mut unsafe_html, events);
    sanitize(&unsafe_html)
}

/// Whether an address points at another site (absolute or protocol-relative).
fn is_remote(url: &str) -> bool {
    // Browsers read a backslash as a slash: `/\host` is as remote as `//host`.
    let url = url.trim().replace('\\', "/");
    url.starts_with("//")
        || url
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.contains('/'))
}

/// HTML of plain text as a mail program wrote it (email replies): every character escaped,
/// blank lines separate paragraphs, other line breaks kept. Nothing in the text is markup,
/// so nothing can be injected.
pub fn render_plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let normalized = text.replace("\r\n", "\n");
    for paragraph in normalized.split("\n\n").map(|p| p.trim_matches('\n')) {
        if paragraph.trim().is_empty() {
            continue;
        }
        out.push_str("<p>");
        for (i, line) in paragraph.lines().enumerate() {
            if i > 0 {
                out.push_str("<br>\n");
            }
            escape_into(&mut out, line);
        }
        out.push_str("</p>\n");
    }
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        push_escaped(out, c);
    }
}

/// Appends `c` to HTML text, escaped.
pub(crate) fn push_escaped(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        c => out.push(c),
    }
}

/// Sanitizes HTML from an untrusted source.
pub fn sanitize(untrusted_html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .attribute_filter(|element, attribute, value| {
            let remote_source =
                element == "img" && matches!(attribute, "src" | "srcset") && is_remote(value);
            (!remote_source).then_some(Cow::Borrowed(value))
        })
        .clean(untrusted_html)
        .to_string()
}

/// Plain text of Markdown, for search snippets and email previews: the text without markup,
/// whitespace collapsed.
pub fn plain_text(markdown: &str) -> String {
    plain_text_upto(markdown, usize::MAX)
}

/// The plain text of Markdown up to a little more than `max_chars` characters: parsing
/// stops there, so a list of long articles does not pay for their whole bodies.
fn plain_text_upto(markdown: &str, max_chars: usize) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut text = Collapsed {
        // One character more than asked for, so that `excerpt` can tell it was cut.
        max_chars: max_chars.saturating_add(1),
        ..Collapsed::default()
    };
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::TableCell,
            ) => text.push(" "),
            _ => {}
        }
        if text.is_full() {
            break;
        }
    }
    text.out
}

/// Text with every run of whitespace made one space, none at the ends, of at most
/// `max_chars` characters.
#[derive(Default)]
struct Collapsed {
    out: String,
    chars: usize,
    max_chars: usize,
    space: bool,
}

impl Collapsed {
    /// Adds `text`, as much of it as fits: a paragraph is one text of the parser, and an
    /// excerpt of a long one must not walk all of it (it was 40 % of a search's time).
    fn push(&mut self, text: &str) {
        for c in text.chars() {
            if self.is_full() {
                return;
            }
            if c.is_whitespace() {
                self.space = !self.out.is_empty();
                continue;
            }
            if self.space {
                self.out.push(' ');
                self.chars += 1;
                self.space = false;
                if self.is_full() {
                    return;
                }
            }
            self.out.push(c);
            self.chars += 1;
        }
    }

    fn is_full(&self) -> bool {
        self.chars >= self.max_chars
    }
}

/// The start of Markdown's plain text, for lists: at most `max_chars` characters, cut at
/// a word where there is one, with "…" when something was left out.
pub fn excerpt(markdown: &str, max_chars: usize) -> String {
    let text = plain_text_upto(markdown, max_chars);
    if text.chars().count() <= max_chars {
        return text;
    }
    let cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    let at_word = match cut.rfind(' ') {
        Some(space) if space > cut.len() / 2 => &cut[..space],
        _ => &cut,
    };
    format!("{}…", at_word.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_images_become_links_and_lose_their_source() {
        let html = render("mira ![el logo](https://tracker.example/p.gif?u=1) aquí");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("<a href=\"https://tracker.example/p.gif?u=1\"")
                && html.contains(">el logo</a>"),
            "{html}"
        );
        for raw in [
            "<img src=\"https://tracker.example/p.gif\" alt=\"x\">",
            "<img src=\"//tracker.example/p.gif\">",
            "<img srcset=\"https://tracker.example/p.gif 2x\">",
        ] {
            let html = render(raw);
            assert!(!html.contains("tracker.example"), "{raw} -> {html}");
        }
        let own = render("![captura](/api/v1/attachments/12)");
        assert!(own.contains("<img src=\"/api/v1/attachments/12\""), "{own}");
        // A remote image inside a link becomes plain link text, not a link in a link.
        let nested = render("[![b](https://x.example/b.png)](https://ayuda.example)");
        assert!(!nested.contains("<img"), "{nested}");
    }

    #[test]
    fn markdown_renders() {
        let html = render("**bold** and [link](https://example.com)");
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(
            html.contains("rel=\"noopener noreferrer nofollow\""),
            "{html}"
        );
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        for payload in [
            "<script>alert(1)</script>hi",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil\"></iframe>",
            "<p style=\"background:url(x)\">s</p>",
        ] {
            let html = render(payload);
            assert!(!html.contains("<script"), "{payload} -> {html}");
            assert!(!html.contains("onerror"), "{payload} -> {html}");
            assert!(!html.contains("javascript:"), "{payload} -> {html}");
            assert!(!html.contains("<iframe"), "{payload} -> {html}");
            assert!(!html.contains("style="), "{payload} -> {html}");
        }
    }

    #[test]
    fn excerpts_are_short_plain_and_cut_at_a_word() {
        assert_eq!(excerpt("**Hola**, ¿qué tal?", 50), "Hola, ¿qué tal?");
        assert_eq!(excerpt("uno dos tres cuatro", 12), "uno dos…");
        assert_eq!(excerpt(&"ñ".repeat(30), 10), format!("{}…", "ñ".repeat(9)));
        assert!(excerpt(&"palabra ".repeat(100), 200).chars().count() <= 200);
        // Only the start is read: what follows the excerpt changes nothing.
        let start = "Para cambiar tu **contraseña** entra en *Mi perfil* y elige una nueva.";
        for tail in [
            "",
            "\n\nOtro párrafo.",
            "\n\n# Título\n\n- uno\n- dos\n\n`código`",
        ] {
            assert_eq!(
                excerpt(&format!("{start}{tail}"), 30),
                "Para cambiar tu contraseña…"
            );
        }
        assert_eq!(excerpt("uno  \n\n  dos\ttres", 50), "uno dos tres");
        // Exactly as long as allowed: whole; one character more: cut.
        assert_eq!(excerpt("uno dos tres", 12), "uno dos tres");
        assert_eq!(excerpt("uno dos tres ", 12), "uno dos tres");
        assert_eq!(excerpt("uno dos tresx", 12), "uno dos…");
        // A long paragraph (one text of the parser) is cut the same as its start.
        let long = format!("{start} {}", "y otra frase más ".repeat(500));
        assert_eq!(excerpt(&long, 30), "Para cambiar tu contraseña…");
        // Unbounded, the whole of it.
        assert!(plain_text(&long).ends_with("y otra frase más"));
        assert_eq!(plain_text(&long).matches("otra frase").count(), 500);
    }

    #[test]
    fn plain_text_drops_markup() {
        assert_eq!(plain_text("# Título\n\n*hola* `x`."), "Título hola x.");
    }

    #[test]
    fn plain_text_keeps_lines_and_escapes_everything() {
        let html = super::render_plain("Hola <b>Ana</b>,\r\nline two\n\n\n<script>x</script>");
        assert_eq!(
            html,
            "<p>Hola &lt;b&gt;Ana&lt;/b&gt;,<br>\nline two</p>\n<p>&lt;script&gt;x&lt;/script&gt;</p>\n"
        );
        assert_eq!(super::render_plain("  \n\n"), "");
    }
}
