//! Article search results, remembered per instance for a few seconds.
//!
//! The forum changes rarely and is searched all the time: by the portal as customers type,
//! and by the chat bot for every message its keywords do not match, mostly with the same
//! few questions. Ranking a query costs milliseconds (BM25 or `ts_rank` over every matching
//! article, and a snippet for each listed one), so a result is kept for [`TTL`] and
//! forgotten at once by every forum write: here by [`changed`], on the other PostgreSQL
//! instances through the chat signal, and everywhere after a lost listener connection.
//! What a result shows besides the articles themselves may be up to [`TTL`] old: view
//! counts (written a few seconds late anyway), helpful votes (anonymous voters must not be
//! able to empty every instance's cache) and an author's renamed name.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ayuda_db::forum::{ArticleFilter, ArticleHit};
use ayuda_domain::search::Term;

use crate::state::AppState;

/// How long a result stays in use when no forum write says otherwise.
pub const TTL: Duration = Duration::from_secs(10);

/// The most text the remembered results may hold, in bytes (about a thousand pages of
/// ordinary articles); beyond it the expired ones are dropped, or all of them.
const MAX_BYTES: usize = 16 << 20;

/// What a search asked for: every input of [`ayuda_db::forum::search`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Query {
    status: &'static str,
    category_id: Option<i64>,
    locale: Option<&'static str>,
    shown_in: Option<&'static str>,
    terms: Vec<Term>,
    after: Option<i64>,
    limit: u64,
}

impl Query {
    /// The query of a search with these inputs.
    pub fn new(filter: &ArticleFilter, terms: &[Term], after: Option<i64>, limit: u64) -> Self {
        Self {
            status: filter.status,
            category_id: filter.category_id,
            locale: filter.locale,
            shown_in: filter.shown_in,
            terms: terms.to_vec(),
            after,
            limit,
        }
    }
}

#[derive(Debug, Default)]
struct Entries {
    by_query: HashMap<Query, (Instant, Arc<Vec<ArticleHit>>)>,
    /// The text held by `by_query`, in bytes.
    bytes: usize,
}

/// Search results by query.
#[derive(Debug, Default)]
pub struct SearchCache {
    entries: Mutex<Entries>,
    /// Bumped by every forget: a search that began before one is not stored, since it may
    /// have read the forum as it was before the write.
    generation: AtomicU64,
}

impl SearchCache {
    /// The result of `query`, if found less than [`TTL`] ago.
    pub fn get(&self, query: &Query) -> Option<Arc<Vec<ArticleHit>>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (found_at, hits) = entries.by_query.get(query)?;
        (found_at.elapsed() < TTL).then(|| Arc::clone(hits))
    }

    /// The generation to pass to [`Self::put`]: take it before searching the database.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Remembers a result read from the database, unless the forum was written since
    /// `generation` was taken.
    pub fn put(&self, query: Query, hits: Arc<Vec<ArticleHit>>, generation: u64) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        // Checked under the lock that `forget` takes too: no forget slips in between.
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        let size = bytes_of(&hits);
        if size > MAX_BYTES {
            return;
        }
        if entries.bytes + size > MAX_BYTES {
            entries
                .by_query
                .retain(|_, (found_at, _)| found_at.elapsed() < TTL);
            entries.bytes = entries.by_query.values().map(|(_, h)| bytes_of(h)).sum();
            if entries.bytes + size > MAX_BYTES {
                entries.by_query.clear();
                entries.bytes = 0;
            }
        }
        entries.bytes += size;
        if let Some((_, replaced)) = entries.by_query.insert(query, (Instant::now(), hits)) {
            entries.bytes -= bytes_of(&replaced);
        }
    }

    /// Forgets every result.
    pub fn forget(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.by_query.clear();
        entries.bytes = 0;
    }
}

/// The text a result holds, in bytes (what its memory grows with).
fn bytes_of(hits: &[ArticleHit]) -> usize {
    hits.iter()
        .map(|(a, _, snippet)| a.body.len() + a.body_html.len() + a.title.len() + snippet.len())
        .sum::<usize>()
        + 64
}

/// After a forum write has committed: forget every result here and on every other
/// instance.
pub async fn changed(state: &AppState) {
    state.searches.forget();
    let signal = crate::realtime::Signal {
        forum: true,
        ..crate::realtime::Signal::default()
    };
    crate::realtime::listener::signal_others(state, signal, "a forum change").await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(term: &str) -> Query {
        let filter = ArticleFilter {
            status: "published",
            category_id: None,
            locale: None,
            shown_in: Some("es"),
        };
        let terms = [Term {
            text: term.to_owned(),
            prefix: true,
        }];
        Query::new(&filter, &terms, None, 20)
    }

    #[test]
    fn remembers_by_query_and_forgets_everything_on_a_write() {
        let cache = SearchCache::default();
        cache.put(query("factura"), Arc::new(Vec::new()), cache.generation());
        assert!(cache.get(&query("factura")).is_some());
        assert!(cache.get(&query("facturas")).is_none(), "another query");
        cache.forget();
        assert!(cache.get(&query("factura")).is_none());
    }

    #[test]
    fn a_search_that_began_before_a_write_is_not_kept() {
        let cache = SearchCache::default();
        let before = cache.generation();
        cache.forget();
        cache.put(query("factura"), Arc::new(Vec::new()), before);
        assert!(cache.get(&query("factura")).is_none());
    }
}
