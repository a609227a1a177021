//! Turning what a person typed into search terms, the same way for every database.

/// Most terms a query uses; the rest are ignored.
const MAX_TERMS: usize = 12;
/// Longest term kept, in characters.
const MAX_TERM_CHARS: usize = 64;

/// The words of a search query: runs of letters and digits, lowercased, at most 12, each at
/// most 64 characters. Punctuation and operators are dropped, so the result can be put into
/// an FTS5 or `tsquery` expression without escaping problems.
pub fn terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.chars()
                .take(MAX_TERM_CHARS)
                .collect::<String>()
                .to_lowercase()
        })
        .take(MAX_TERMS)
        .collect()
}

/// A URL name made from a title: accents folded, lowercase letters and digits joined by
/// dashes, at most 80 characters; `article` when nothing is left.
pub fn slugify(title: &str) -> String {
    let mut slug = String::with_capacity(title.len());
    for c in title.chars().flat_map(char::to_lowercase) {
        let c = fold_accent(c);
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 80 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "article".to_owned()
    } else {
        slug.to_owned()
    }
}

fn fold_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        other => other,
    }
}

/// HTML for a search snippet whose matches the database wrapped in `\u{1}` ... `\u{2}`:
/// the text escaped, the matches in `<mark>`.
pub fn snippet_html(marked: &str) -> String {
    let mut out = String::with_capacity(marked.len() + 32);
    for c in marked.chars() {
        match c {
            '\u{1}' => out.push_str("<mark>"),
            '\u{2}' => out.push_str("</mark>"),
            c => crate::markdown::push_escaped(&mut out, c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_readable_ascii() {
        assert_eq!(
            slugify("¿Cómo cambio mi contraseña?"),
            "como-cambio-mi-contrasena"
        );
        assert_eq!(
            slugify("  Billing & invoices 2026 "),
            "billing-invoices-2026"
        );
        assert_eq!(slugify("!!!"), "article");
        assert!(slugify(&"a ".repeat(100)).len() <= 80);
    }

    #[test]
    fn snippets_escape_text_and_mark_matches() {
        assert_eq!(
            snippet_html("<b>\u{1}factura\u{2}</b> & co"),
            "&lt;b&gt;<mark>factura</mark>&lt;/b&gt; &amp; co"
        );
    }

    #[test]
    fn terms_are_words_without_operators() {
        assert_eq!(terms("  Factura DOBLE!! "), vec!["factura", "doble"]);
        assert_eq!(terms("a\" OR 1=1 --"), vec!["a", "or", "1", "1"]);
        assert_eq!(terms("¿contraseña?"), vec!["contraseña"]);
        assert!(terms("*** ''").is_empty());
    }
}
