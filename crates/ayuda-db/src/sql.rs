//! A small builder for the hand-written queries (joined views, full-text search), which
//! writes the right placeholders for each backend (`?` for SQLite, `$n` for PostgreSQL).

use sea_orm::{DbBackend, Statement, Value};

/// SQL text with its bound values.
pub(crate) struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    /// Starts a statement for `backend`.
    pub(crate) fn new(backend: DbBackend, text: &str) -> Self {
        Self {
            backend,
            text: text.to_owned(),
            values: Vec::new(),
        }
    }

    /// Appends literal SQL.
    pub(crate) fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub(crate) fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        match self.backend {
            DbBackend::Postgres => {
                self.text.push('$');
                self.text.push_str(&self.values.len().to_string());
            }
            _ => self.text.push('?'),
        }
        self
    }

    /// Appends `(?, ?, ...)` bound to `values`.
    pub(crate) fn bind_list(
        &mut self,
        values: impl IntoIterator<Item = impl Into<Value>>,
    ) -> &mut Self {
        self.push("(");
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(value);
        }
        self.push(")")
    }

    /// The finished statement.
    pub(crate) fn build(self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text, self.values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_backend() {
        let mut pg = Sql::new(DbBackend::Postgres, "SELECT 1 WHERE a = ");
        pg.bind(1i64).push(" AND b IN ").bind_list([2i64, 3]);
        assert_eq!(pg.build().sql, "SELECT 1 WHERE a = $1 AND b IN ($2, $3)");
        let mut lite = Sql::new(DbBackend::Sqlite, "SELECT 1 WHERE a = ");
        lite.bind(1i64);
        assert_eq!(lite.build().sql, "SELECT 1 WHERE a = ?");
    }
}
