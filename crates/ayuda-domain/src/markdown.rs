//! User text to safe HTML: Markdown rendered by pulldown-cmark, then sanitized by ammonia.
//!
//! Every `body_html` Ayuda stores or serves comes from [`render`]; raw HTML in the Markdown
//! survives only as far as ammonia's allow-list lets it (no scripts, handlers, styles or
//! `javascript:` links).

use pulldown_cmark::{Options, Parser, html};

/// Renders Markdown to sanitized HTML. Links get `rel="noopener noreferrer nofollow"`.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut unsafe_html = String::with_capacity(markdown.len() * 5 / 4);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    sanitize(&unsafe_html)
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
        .clean(untrusted_html)
        .to_string()
}

/// Plain text of Markdown, for search snippets and email previews: the text without markup,
/// whitespace collapsed.
pub fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::TableCell,
            ) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

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
