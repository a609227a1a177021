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
}
