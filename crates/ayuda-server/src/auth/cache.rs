//! The callers' accounts, remembered per instance for a few seconds.
//!
//! Every authenticated request needs its caller's account and whether the token's session
//! is still live. Reading both from the database on every request was half the statements
//! of a ticket view; here they are kept for [`TTL`], and forgotten as soon as they change:
//! every change of an account or of its sessions (deactivation, role, profile, password,
//! logout, a reused refresh token) calls [`changed`], which forgets the account on this
//! instance and, on PostgreSQL, signals the others to forget it too. After a lost
//! listener connection an instance forgets everything (signals in between are lost).
//! [`TTL`] bounds what a change made outside Ayuda (by hand in the database) takes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ayuda_db::users::UserRow;

use crate::state::AppState;

/// How long an account read stays in use when nothing says it changed.
pub const TTL: Duration = Duration::from_secs(5);

/// Beyond this many sessions the expired ones are dropped (or all, if none expired).
const MAX_ENTRIES: usize = 50_000;

/// Accounts by (user id, session).
#[derive(Debug, Default)]
pub struct AccountCache {
    entries: Mutex<HashMap<(i64, String), (Instant, UserRow)>>,
    /// Bumped by every forget: a read that began before one is not stored, since it may
    /// have seen the account as it was before the change.
    generation: AtomicU64,
}

impl AccountCache {
    /// The account of `user_id` in `session`, if read less than [`TTL`] ago.
    pub fn get(&self, user_id: i64, session: &str) -> Option<UserRow> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        // Keyed by an owned string; the lookup allocates nothing else.
        let (read_at, row) = entries.get(&(user_id, session.to_owned()))?;
        (read_at.elapsed() < TTL).then(|| row.clone())
    }

    /// The generation to pass to [`Self::put`]: take it before reading the database.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Remembers an account read from the database, unless something was forgotten since
    /// `generation` was taken.
    pub fn put(&self, session: &str, row: &UserRow, generation: u64) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        // Checked under the lock that `forget` takes too: no forget slips in between.
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (read_at, _)| read_at.elapsed() < TTL);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert((row.id, session.to_owned()), (Instant::now(), row.clone()));
    }

    /// Forgets one user's sessions, or everyone's.
    pub fn forget(&self, user_id: Option<i64>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        match user_id {
            Some(id) => entries.retain(|(user, _), _| *user != id),
            None => entries.clear(),
        }
    }
}

/// After a change to `user_id`'s account or sessions has committed: forget it here and
/// on every other instance.
pub async fn changed(state: &AppState, user_id: i64) {
    state.accounts.forget(Some(user_id));
    let signal = crate::realtime::Signal {
        accounts: vec![user_id],
        ..crate::realtime::Signal::default()
    };
    crate::realtime::listener::signal_others(state, signal, "an account change").await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64) -> UserRow {
        let now = chrono::Utc::now();
        UserRow {
            id,
            email: format!("u{id}@example.com"),
            name: "U".into(),
            username: None,
            phone: None,
            password_hash: None,
            role: "customer".into(),
            locale: "en".into(),
            active: true,
            activated_at: Some(now),
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn remembers_per_session_and_forgets_per_user() {
        let cache = AccountCache::default();
        cache.put("s1", &row(1), cache.generation());
        cache.put("s2", &row(2), cache.generation());
        assert_eq!(cache.get(1, "s1").map(|r| r.id), Some(1));
        assert!(
            cache.get(1, "s2").is_none(),
            "another session is not this one"
        );
        cache.forget(Some(1));
        assert!(cache.get(1, "s1").is_none());
        assert_eq!(cache.get(2, "s2").map(|r| r.id), Some(2));
        cache.forget(None);
        assert!(cache.get(2, "s2").is_none());
    }

    #[test]
    fn a_read_that_began_before_a_forget_is_not_kept() {
        let cache = AccountCache::default();
        let before = cache.generation();
        cache.forget(Some(7));
        cache.put("s", &row(7), before);
        assert!(cache.get(7, "s").is_none());
    }
}
