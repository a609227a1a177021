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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_words_without_operators() {
        assert_eq!(terms("  Factura DOBLE!! "), vec!["factura", "doble"]);
        assert_eq!(terms("a\" OR 1=1 --"), vec!["a", "or", "1", "1"]);
        assert_eq!(terms("¿contraseña?"), vec!["contraseña"]);
        assert!(terms("*** ''").is_empty());
    }
}
