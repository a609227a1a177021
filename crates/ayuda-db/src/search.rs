//! Full-text query expressions for each backend, from the terms of
//! [`ayuda_domain::search::terms`] (letters and digits only, so nothing needs escaping).
//!
//! Any term may match: the ranking (BM25 on SQLite, `ts_rank` on PostgreSQL) puts rows that
//! match more of the terms, and rarer ones, first.

use ayuda_domain::search::Term;

/// An FTS5 `MATCH` expression: any of the terms, prefixes where the term says so.
pub(crate) fn fts5_match(terms: &[Term]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{}\"{}", t.text, if t.prefix { "*" } else { "" }))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// A PostgreSQL `to_tsquery` expression with the same meaning as [`fts5_match`].
pub(crate) fn tsquery(terms: &[Term]) -> String {
    terms
        .iter()
        .map(|t| format!("{}{}", t.text, if t.prefix { ":*" } else { "" }))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// `to_tsquery(...)` of [`tsquery`] written into the statement as a literal, not bound.
/// A bound query gets PostgreSQL's generic plan after a few runs, which guesses that 0.5 %
/// of rows match: for a common word it then reads every match through the index and sorts
/// them (1.3 s at 750,000 matches) where the newest-first scan it picks with the value in
/// hand takes 1.5 ms. The terms are letters and digits; quotes are doubled all the same.
pub(crate) fn tsquery_literal(terms: &[Term]) -> String {
    format!(
        "to_tsquery('ayuda_search', '{}')",
        tsquery(terms).replace('\'', "''")
    )
}

/// Continues a ranking (a CTE named `ranked` with columns `id` and `score`, best first) after
/// the row `after`: the rows ranked below it. An anchor that no longer matches ends the list.
pub(crate) fn push_after_anchor(sql: &mut crate::sql::Sql, after: Option<i64>) {
    // A row value against one uncorrelated subquery: the anchor is read once, not once per
    // ranked row as a joined subquery may be.
    if let Some(id) = after {
        sql.push(" WHERE (score, id) < (SELECT score, id FROM ranked WHERE id = ")
            .bind(id)
            .push(")");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_match_any_term_with_its_prefixes() {
        let terms = vec![
            Term {
                text: "factur".to_owned(),
                prefix: true,
            },
            Term {
                text: "2026".to_owned(),
                prefix: false,
            },
        ];
        assert_eq!(fts5_match(&terms), "\"factur\"* OR \"2026\"");
        assert_eq!(tsquery(&terms), "factur:* | 2026");
    }

    #[test]
    fn a_literal_query_cannot_end_its_string() {
        let odd = vec![Term {
            text: "o'brien".to_owned(),
            prefix: false,
        }];
        assert_eq!(
            tsquery_literal(&odd),
            "to_tsquery('ayuda_search', 'o''brien')"
        );
    }
}
