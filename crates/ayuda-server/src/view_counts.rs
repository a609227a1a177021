//! Article view counts, kept off the database's write path.
//!
//! Counting a view with an `UPDATE` per request puts every anonymous page view on SQLite's
//! single writer, where a flood of views starves logins and ticket writes. Instead a view is
//! counted in memory (once per reader per article per [`READER_WINDOW`]: reloading does not
//! inflate it) and the sums are written every few seconds in one short transaction.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::state::AppState;

/// A reader's views of one article count once within this window.
pub const READER_WINDOW: Duration = Duration::from_secs(6 * 3600);
/// How often counted views are written to the database.
const FLUSH_EVERY: Duration = Duration::from_secs(5);
/// Readers remembered at most; beyond it the oldest half is forgotten (they may count again).
const MAX_READERS: usize = 200_000;

/// Views counted but not yet written, and who has been counted recently.
#[derive(Debug, Default)]
pub struct ViewCounts {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    pending: HashMap<i64, i64>,
    seen: HashMap<(i64, String), Instant>,
}

impl ViewCounts {
    /// Counts a view of `article` by `reader` (a user id or a client address), once per
    /// reader within [`READER_WINDOW`]; answers the article's views not yet written, which
    /// the reader adds to the stored count.
    pub fn count(&self, article: i64, reader: String) -> i64 {
        let now = Instant::now();
        let mut inner = self.lock();
        let key = (article, reader);
        let counted_lately = inner
            .seen
            .get(&key)
            .is_some_and(|at| now.duration_since(*at) < READER_WINDOW);
        if !counted_lately {
            if inner.seen.len() >= MAX_READERS {
                inner.forget_oldest_half(now);
            }
            inner.seen.insert(key, now);
            *inner.pending.entry(article).or_default() += 1;
        }
        inner.pending.get(&article).copied().unwrap_or(0)
    }

    /// A poisoned lock only means another thread panicked mid-update; the counts still hold.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn take(&self) -> HashMap<i64, i64> {
        std::mem::take(&mut self.lock().pending)
    }

    fn put_back(&self, counts: HashMap<i64, i64>) {
        let mut inner = self.lock();
        for (article, n) in counts {
            *inner.pending.entry(article).or_default() += n;
        }
    }
}

impl Inner {
    fn forget_oldest_half(&mut self, now: Instant) {
        self.seen
            .retain(|_, at| now.duration_since(*at) < READER_WINDOW);
        if self.seen.len() >= MAX_READERS {
            let mut ages: Vec<Instant> = self.seen.values().copied().collect();
            let middle = ages.len() / 2;
            let cut = *ages.select_nth_unstable(middle).1;
            self.seen.retain(|_, at| *at > cut);
        }
    }
}

/// Writes counted views every few seconds, and once more when stopping.
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(FLUSH_EVERY) => {}
            _ = shutdown.changed() => {}
        }
        flush(&state).await;
        if *shutdown.borrow() {
            break;
        }
    }
}

/// Writes the pending counts in one transaction; on failure they are kept for the next try.
pub async fn flush(state: &AppState) {
    let counts = state.views.take();
    if counts.is_empty() {
        return;
    }
    let written = async {
        let txn = state.writer.begin().await?;
        for (&article, &n) in &counts {
            ayuda_db::forum::count_views(&txn, article, n).await?;
        }
        txn.commit().await
    }
    .await;
    if let Err(err) = written {
        tracing::warn!(error = %err, "article views not written; kept for the next try");
        state.views.put_back(counts);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_counts_once_per_article_and_sums_wait_to_be_written() {
        let views = ViewCounts::default();
        assert_eq!(views.count(1, "user:7".into()), 1);
        assert_eq!(
            views.count(1, "user:7".into()),
            1,
            "a reload does not count"
        );
        assert_eq!(views.count(1, "198.51.100.1".into()), 2);
        assert_eq!(views.count(2, "user:7".into()), 1);
        let taken = views.take();
        assert_eq!(taken.get(&1), Some(&2));
        // Still remembered after the sums were taken; nothing pending until put back.
        assert_eq!(views.count(1, "user:7".into()), 0);
        views.put_back(taken);
        assert_eq!(views.count(1, "user:7".into()), 2);
    }
}
