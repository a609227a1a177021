//! Rate limits on login, registration, password-forgot (SPEC section 3) and article feedback.
//!
//! Kept in memory per instance: behind a load balancer each instance counts on its own,
//! which loosens the limits by the number of instances but needs no shared store.

use std::sync::Mutex;
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
    feedback: Mutex<SlidingWindow>,
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
            feedback: Mutex::default(),
        }
    }

    /// The quotas in force (parsed once, at start).
    pub fn quotas(&self) -> Quotas {
        self.quotas
    }

    /// Refuses a login attempt while the account or the address has too many recent failures.
    pub fn check_login(&self, account_key: &str, address: &str) -> ApiResult<()> {
        check(
            &self.login_account,
            account_key,
            self.quotas.login_account,
            false,
        )?;
        check(
            &self.login_address,
            address,
            self.quotas.login_address,
            false,
        )
    }

    /// Counts a failed login against the account and the address.
    pub fn login_failed(&self, account_key: &str, address: &str) {
        let now = Instant::now();
        for (limiter, key) in [
            (&self.login_account, account_key),
            (&self.login_address, address),
        ] {
            if let Ok(mut window) = limiter.lock() {
                window.record(key, now);
            }
        }
    }

    /// A successful login clears the account's failures.
    pub fn login_succeeded(&self, account_key: &str) {
        if let Ok(mut window) = self.login_account.lock() {
            window.clear(account_key);
        }
    }

    /// Counts a registration from `address`, refusing it over the quota.
    pub fn register(&self, address: &str) -> ApiResult<()> {
        check(&self.register, address, self.quotas.register, true)
    }

    /// Counts a forgot-password request from `address`, refusing it over the quota.
    pub fn forgot(&self, address: &str) -> ApiResult<()> {
        check(&self.forgot, address, self.quotas.forgot, true)
    }

    /// Counts an article feedback vote from `address`, refusing it over the quota.
    pub fn feedback(&self, address: &str) -> ApiResult<()> {
        check(&self.feedback, address, self.quotas.feedback, true)
    }
}

fn check(limiter: &Mutex<SlidingWindow>, key: &str, quota: Quota, record: bool) -> ApiResult<()> {
    let now = Instant::now();
    // A poisoned lock only means another thread panicked mid-update; the counts are still usable.
    let mut window = limiter
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Err(wait) = window.check(key, quota, now) {
        return Err(ApiError::RateLimited {
            retry_after: wait.as_secs().max(1),
        });
    }
    if record {
        window.record(key, now);
    }
    Ok(())
}
