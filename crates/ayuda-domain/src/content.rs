//! What an uploaded file is, decided from its bytes, and a safe name for it.

/// Media types shown inline (as images) when downloaded; everything else is served as a
/// download. SVG is not here: it can carry scripts.
const INLINE_IMAGES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// The media type of a file from its first bytes (the client's claim is ignored): a known
/// signature, else `text/plain` for UTF-8 text, else `application/octet-stream`.
pub fn sniff(head: &[u8]) -> String {
    if let Some(kind) = infer::get(head) {
        return kind.mime_type().to_owned();
    }
    let text = match std::str::from_utf8(head) {
        Ok(_) => true,
        // A multi-byte character cut at the end of the sniffed prefix is still text.
        Err(e) => e.error_len().is_none(),
    };
    if text && !head.contains(&0) {
        "text/plain".to_owned()
    } else {
        "application/octet-stream".to_owned()
    }
}

/// Whether a file of this media type may be shown inline in the browser.
pub fn is_inline_image(content_type: &str) -> bool {
    INLINE_IMAGES.contains(&content_type)
}

/// A file name safe to store and to put in a `Content-Disposition` header: the last path
/// component, without control characters, quotes or backslashes, at most 200 characters;
/// `file` when nothing is left.
pub fn clean_filename(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c) && !matches!(c, '"' | '\\'))
        .take(200)
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() {
        "file".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Unicode's bidirectional formatting characters: in a file name they make
/// `invoice` + U+202E + `fdp.exe` display as `invoiceexe.pdf`.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(sniff(PNG), "image/png");
        assert_eq!(
            sniff(b"<!DOCTYPE html><html><script>x</script>"),
            "text/html"
        );
        assert_eq!(sniff("hola, ¿qué tal?".as_bytes()), "text/plain");
        assert_eq!(sniff(b"\0\x01\x02garbage"), "application/octet-stream");
        assert!(is_inline_image("image/png"));
        assert!(!is_inline_image("text/html"));
        assert!(!is_inline_image("image/svg+xml"));
    }

    #[test]
    fn filenames_lose_paths_and_header_breakers() {
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("C:\\Users\\x\\shot.png"), "shot.png");
        assert_eq!(clean_filename("a\"b\r\nc.txt"), "abc.txt");
        assert_eq!(clean_filename("..."), "file");
        assert_eq!(clean_filename("captura ñ.png"), "captura ñ.png");
    }

    #[test]
    fn filenames_lose_bidi_controls_that_disguise_their_extension() {
        assert_eq!(clean_filename("factura\u{202E}fdp.exe"), "facturafdp.exe");
        assert_eq!(
            clean_filename("\u{2066}a\u{2069}\u{200F}b\u{061C}.pdf"),
            "ab.pdf"
        );
        assert_eq!(clean_filename("مرحبا.pdf"), "مرحبا.pdf");
    }
}
