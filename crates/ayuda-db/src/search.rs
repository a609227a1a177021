//! Full-text query expressions for each backend, from the terms of
//! [`ayuda_domain::search::terms`] (letters and digits only, so nothing needs escaping).

/// An FTS5 `MATCH` expression: every term, the last also as a prefix (search as you type).
pub(crate) fn fts5_match(terms: &[String]) -> String {
    let mut parts: Vec<String> = terms.iter().map(|t| format!("\"{t}\"")).collect();
    if let Some(last) = parts.last_mut() {
        last.push('*');
    }
    parts.join(" ")
}

/// A PostgreSQL `to_tsquery` expression with the same meaning as [`fts5_match`].
pub(crate) fn tsquery(terms: &[String]) -> String {
    let mut parts: Vec<String> = terms.to_vec();
    if let Some(last) = parts.last_mut() {
        last.push_str(":*");
    }
    parts.join(" & ")
}

/// Continues a ranking (a CTE named `ranked` with columns `id` and `score`, best first) after
/// the row `after`: the rows ranked below it. An anchor that no longer matches ends the list.
pub(crate) fn push_after_anchor(sql: &mut crate::sql::Sql, after: Option<i64>) {
    if let Some(id) = after {
        sql.push(" CROSS JOIN (SELECT id AS anchor_id, score AS anchor FROM ranked WHERE id = ")
            .bind(id)
            .push(") a WHERE score < anchor OR (score = anchor AND id < anchor_id)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_require_every_term_and_prefix_the_last() {
        let terms = vec!["factura".to_owned(), "dobl".to_owned()];
        assert_eq!(fts5_match(&terms), "\"factura\" \"dobl\"*");
        assert_eq!(tsquery(&terms), "factura & dobl:*");
    }
}
