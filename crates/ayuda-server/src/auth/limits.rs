//! Rate limits on login, registration, password-forgot, emailed-link use (SPEC section 3),
//! article feedback, uploads, forum comments and Markdown previews.
//!
//! Kept in memory per instance: behind a load balancer each instance counts on its own,
//! which loosens the limits by the number of instances but needs no shared store.
//!
//! Attempts that may fail (a login, a link) are *reserved* before the work starts and taken
//! back when they succeed, so a burst of parallel failures cannot slip past the limit while
//! each of them is still being checked.

use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use ayuda_domain::{Quota, SlidingWindow};

use crate::config::Quotas;
use crate::error::{ApiError, ApiResult};

/// The limiters of one server instance.
#[derive(Debug)]
pub struct Limiters {
    quotas: Quotas,
    login_account: Mutex<SlidingWindow>,
    login_address: Mutex<SlidingWindow>,
    register: Mutex<SlidingWindow>,
    forgot: Mutex<SlidingWindow>,
    tokens: Mutex<SlidingWindow>,
    feedback: Mutex<SlidingWindow>,
    uploads: Mutex<SlidingWindow>,
    comments: Mutex<SlidingWindow>,
    previews: Mutex<SlidingWindow>,
}

impl Limiters {
    /// Empty limiters with these quotas.
    pub fn new(quotas: Quotas) -> Self {
        Self {
            quotas,
            login_account: Mutex::default(),
            login_address: Mutex::default(),
            register: Mutex::default(),
            forgot: Mutex::default(),
            tokens: Mutex::default(),
            feedback: Mutex::default(),
            uploads: Mutex::default(),
            comments: Mutex::default(),
            previews: Mutex::default(),
        }
    }

    /// The quotas in force (parsed once, at start).
    pub fn quotas(&self) -> Quotas {
        self.quotas
    }

    /// Reserves a login attempt against the account and the address, refusing it while
    /// either has too many recent failures. Both are checked and charged under their locks
    /// together, so of 80 parallel attempts only the quota's worth get through.
    pub fn reserve_login(&self, account_key: &str, address: &str) -> ApiResult<()> {
        let now = Instant::now();
        let mut account = lock(&self.login_account);
        let mut by_address = lock(&self.login_address);
        for (window, key, quota) in [
            (&mut account, account_key, self.quotas.login_account),
            (&mut by_address, address, self.quotas.login_address),
        ] {
            if let Err(wait) = window.check(key, quota, now) {
                return Err(limited(wait));
            }
        }
        account.record(account_key, now);
        by_address.record(address, now);
        Ok(())
    }

    /// A successful login: the account's failures are forgotten and the address's reserved
    /// attempt taken back.
    pub fn login_succeeded(&self, account_key: &str, address: &str) {
        lock(&self.login_account).clear(account_key);
        lock(&self.login_address).take_back(address);
    }

    /// Reserves an attempt to use an emailed link (activation, password reset) from
    /// `address`; only failures count, so call [`Limiters::token_succeeded`] on success.
    pub fn reserve_token(&self, address: &str) -> ApiResult<()> {
        charge(&self.tokens, address, self.quotas.token)
    }

    /// The link worked: its reserved attempt does not count.
    pub fn token_succeeded(&self, address: &str) {
        lock(&self.tokens).take_back(address);
    }

    /// Counts a registration from `address`, refusing it over the quota.
    pub fn register(&self, address: &str) -> ApiResult<()> {
        charge(&self.register, address, self.quotas.register)
    }

    /// Counts a forgot-password request from `address`, refusing it over the quota.
    pub fn forgot(&self, address: &str) -> ApiResult<()> {
        charge(&self.forgot, address, self.quotas.forgot)
    }

    /// Counts an upload by user `user`, refusing it over the quota.
    pub fn upload(&self, user: &str) -> ApiResult<()> {
        charge(&self.uploads, user, self.quotas.upload)
    }

    /// Counts a forum comment by user `user`, refusing it over the quota.
    pub fn comment(&self, user: &str) -> ApiResult<()> {
        charge(&self.comments, user, self.quotas.comment)
    }

    /// Counts a Markdown preview by user `user`, refusing it over the quota.
    pub fn preview(&self, user: &str) -> ApiResult<()> {
        charge(&self.previews, user, self.quotas.markdown)
    }

    /// Counts an article feedback vote from `address`, refusing it over the quota.
    pub fn feedback(&self, address: &str) -> ApiResult<()> {
        charge(&self.feedback, address, self.quotas.feedback)
    }
}

/// A poisoned lock only means another thread panicked mid-update; the counts are still usable.
fn lock(limiter: &Mutex<SlidingWindow>) -> MutexGuard<'_, SlidingWindow> {
    limiter
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn limited(wait: std::time::Duration) -> ApiError {
    ApiError::RateLimited {
        retry_after: wait.as_secs().max(1),
    }
}

/// Checks `key` against `quota` and, when under it, records one event.
fn charge(limiter: &Mutex<SlidingWindow>, key: &str, quota: Quota) -> ApiResult<()> {
    let now = Instant::now();
    let mut window = lock(limiter);
    window.check(key, quota, now).map_err(limited)?;
    window.record(key, now);
    Ok(())
}
