//! Turning what a person typed into search terms, the same way for every database.

use rust_stemmers::{Algorithm, Stemmer};

/// Most terms a query uses; the rest are ignored.
const MAX_TERMS: usize = 12;
/// Longest term kept, in characters.
const MAX_TERM_CHARS: usize = 64;
/// Shortest stem searched as a prefix; shorter words are searched as typed.
const MIN_STEM_CHARS: usize = 3;

/// Words that say nothing about what is searched for, in Spanish and English (accents
/// folded): "no puedo cambiar la contraseña" searches for "cambiar contraseña".
const STOP_WORDS: &[&str] = &[
    // Spanish
    "a", "al", "algo", "ante", "como", "con", "cual", "cuando", "de", "del", "desde", "donde",
    "durante", "e", "el", "ella", "ellas", "ellos", "en", "entre", "era", "es", "esa", "ese",
    "eso", "esta", "estan", "estas", "este", "esto", "estos", "estoy", "fue", "ha", "han", "hasta",
    "hay", "he", "hemos", "la", "las", "le", "les", "lo", "los", "me", "mi", "mis", "muy", "nada",
    "ni", "no", "nos", "o", "os", "para", "pero", "poco", "por", "porque", "puedo", "puede", "que",
    "quien", "se", "ser", "si", "sin", "sobre", "son", "su", "sus", "te", "tengo", "ti", "tiene",
    "tu", "tus", "un", "una", "uno", "unos", "y", "ya", "yo", // English
    "about", "am", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "cannot",
    "cant", "could", "did", "do", "does", "dont", "for", "from", "had", "has", "have", "her",
    "his", "how", "i", "if", "in", "is", "it", "its", "my", "of", "on", "or", "our", "she", "so",
    "that", "the", "their", "them", "there", "they", "this", "to", "was", "we", "were", "what",
    "when", "where", "which", "who", "why", "will", "with", "would", "you", "your",
];

/// One word of a query as the databases look for it: accents folded, lowercase; with
/// `prefix`, any word starting with it matches (a stem, or the word being typed).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Term {
    /// Letters and digits only, so it needs no escaping in FTS5 or `tsquery`.
    pub text: String,
    /// Whether longer words starting with `text` match too.
    pub prefix: bool,
}

/// The terms of a search query, for ranked search that any of them may match (more
/// matched terms, and rarer ones, rank higher): words of letters and digits, accents folded
/// and lowercased as the indexes store them, stop words dropped (unless nothing else is
/// left), each cut to its stem and matched as a prefix ("cobraron" finds "cobro",
/// "charged" finds "charge"), at most 12. Empty when nothing searchable was typed.
pub fn terms(query: &str) -> Vec<Term> {
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.chars()
                .take(MAX_TERM_CHARS)
                .flat_map(char::to_lowercase)
                .map(fold_accent)
                .collect::<String>()
        })
        .collect();
    let meaningful: Vec<&String> = words
        .iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect();
    let chosen = if meaningful.is_empty() {
        words.iter().collect()
    } else {
        meaningful
    };
    let mut terms: Vec<Term> = Vec::new();
    for word in chosen {
        let term = stem(word);
        if !terms.contains(&term) {
            terms.push(term);
        }
        if terms.len() == MAX_TERMS {
            break;
        }
    }
    terms
}

/// The shorter of the Spanish and English stems of `word`, as a prefix; the word itself
/// (a prefix too: it may still be being typed) when the stem would be too short to tell
/// words apart.
fn stem(word: &str) -> Term {
    let spanish = Stemmer::create(Algorithm::Spanish);
    let english = Stemmer::create(Algorithm::English);
    let (es, en) = (spanish.stem(word), english.stem(word));
    let shorter = if es.chars().count() <= en.chars().count() {
        es
    } else {
        en
    };
    let text: String = shorter.chars().filter(|c| c.is_alphanumeric()).collect();
    if text.chars().count() >= MIN_STEM_CHARS && word.starts_with(&text) {
        Term { text, prefix: true }
    } else {
        Term {
            text: word.to_owned(),
            prefix: true,
        }
    }
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

pub(crate) fn fold_accent(c: char) -> char {
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
/// the text escaped, the matches in `<mark>`. The database cuts snippets from the Markdown
/// as written, so its marks are dropped here: emphasis and code ticks, heading hashes,
/// table bars and rules, and link targets (`[text](url)` reads as `text`).
pub fn snippet_html(marked: &str) -> String {
    let mut out = String::with_capacity(marked.len() + 32);
    let mut chars = marked.chars().peekable();
    let mut last_space = true;
    while let Some(c) = chars.next() {
        let text = match c {
            '\u{1}' => {
                out.push_str("<mark>");
                continue;
            }
            '\u{2}' => {
                out.push_str("</mark>");
                continue;
            }
            '*' | '`' | '#' | '[' | '~' => continue,
            ']' if chars.peek() == Some(&'(') => {
                // A link's target is not text: skip to its closing parenthesis.
                for skipped in chars.by_ref() {
                    if skipped == ')' {
                        break;
                    }
                }
                continue;
            }
            '-' if chars.peek() == Some(&'-') => {
                while chars.peek() == Some(&'-') {
                    chars.next();
                }
                ' '
            }
            '|' | '\n' | '\r' | '\t' => ' ',
            c => c,
        };
        if text == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        crate::markdown::push_escaped(&mut out, text);
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_lose_their_markdown_and_keep_their_matches() {
        assert_eq!(
            snippet_html(
                "un **\u{1}reintento\u{2}** de tu [banco](https://x.example/a?b=1) | Conexión |\n---"
            ),
            "un <mark>reintento</mark> de tu banco Conexión"
        );
        assert_eq!(snippet_html("## Título <b>"), "Título &lt;b&gt;");
        assert_eq!(snippet_html("3 - 5 días"), "3 - 5 días");
    }

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

    fn texts(query: &str) -> Vec<String> {
        terms(query).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn terms_are_stems_of_the_words_that_matter() {
        assert_eq!(
            texts("no puedo cambiar la contraseña"),
            ["cambi", "contrasen"]
        );
        assert_eq!(texts("me cobraron dos veces"), ["cobr", "dos", "vec"]);
        assert_eq!(
            texts("I was charged twice this month"),
            ["charg", "twic", "month"]
        );
        assert!(terms("factura").iter().all(|t| t.prefix));
    }

    #[test]
    fn terms_are_words_without_operators() {
        assert_eq!(texts("  Factura DOBLE!! "), ["factur", "dobl"]);
        // Operators are dropped, like the stop words "a" and "or"; "1" twice counts once.
        assert_eq!(texts("a\" OR 1=1 --"), ["1"]);
        // Nothing but stop words: they are searched after all.
        assert_eq!(texts("The Who"), ["the", "who"]);
        assert_eq!(texts("¿Contraseña?"), ["contrasen"]);
        assert!(terms("*** ''").is_empty());
        assert!(
            terms(&"palabra ".repeat(40)).len() == 1,
            "repeats count once"
        );
    }
}
