//! Argon2id password hashing, off the async threads and bounded.
//!
//! One hash costs tens of milliseconds and 19 MiB of memory (the crate's default
//! parameters), so a flood of requests that hash would exhaust memory and starve honest
//! logins. [`Hasher`] lets only a few hashes run at once; a request that cannot get a slot
//! within a moment is answered 503 with `Retry-After` instead of queueing without end.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use tokio::sync::Semaphore;

use ayuda_domain::Password;

use crate::error::{ApiError, ApiResult};

/// How long a request waits for a hashing slot before it is told to come back.
const SLOT_WAIT: Duration = Duration::from_secs(2);

/// Runs Argon2 with a bound on how many hashes run at once.
#[derive(Clone)]
pub struct Hasher {
    slots: Arc<Semaphore>,
    wait: Duration,
}

impl Hasher {
    /// A hasher that runs at most `concurrent` hashes at once and lets a request wait `wait`
    /// for a slot.
    pub fn new(concurrent: usize, wait: Duration) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(concurrent.max(1))),
            wait,
        }
    }

    /// Two slots per core: enough to keep the cores busy, few enough to bound memory.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Self::new(2 * cores, SLOT_WAIT)
    }

    /// Hashes a password (Argon2id, the crate's default parameters, random salt).
    pub async fn hash(&self, password: &Password) -> ApiResult<String> {
        let plain = password.expose().to_owned();
        self.run(move || {
            let mut salt_bytes = [0u8; 16];
            getrandom::fill(&mut salt_bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
            let salt =
                SaltString::encode_b64(&salt_bytes).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
            Argon2::default()
                .hash_password(plain.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| anyhow::anyhow!("hashing: {e}"))
        })
        .await
    }

    /// Whether `plain` matches `stored`. With no stored hash (unknown user, account not yet
    /// activated) a dummy hash is checked anyway, so the answer takes as long either way and
    /// its timing does not tell whether an account exists.
    pub async fn verify(&self, stored: Option<String>, plain: &str) -> ApiResult<bool> {
        let plain = plain.to_owned();
        self.run(move || {
            let (hash, real) = match stored {
                Some(h) => (h, true),
                None => (DUMMY_HASH.clone(), false),
            };
            let parsed =
                PasswordHash::new(&hash).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
            let ok = Argon2::default()
                .verify_password(plain.as_bytes(), &parsed)
                .is_ok();
            Ok(ok && real)
        })
        .await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
    ) -> ApiResult<T> {
        let slot = tokio::time::timeout(self.wait, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| {
                metrics::counter!("ayuda_password_hash_busy_total").increment(1);
                ApiError::Busy { retry_after: 1 }
            })?
            .map_err(|e| anyhow::anyhow!("hashing slots closed: {e}"))?;
        let result = tokio::task::spawn_blocking(move || {
            let _slot = slot;
            work()
        })
        .await
        .map_err(|e| anyhow::anyhow!("hashing task: {e}"))?;
        Ok(result?)
    }
}

/// An Argon2id hash (default parameters) of a random string nobody knows, made once.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let mut bytes = [0u8; 32];
    let _ = getrandom::fill(&mut bytes);
    let salt = SaltString::encode_b64(&bytes[..16]).ok();
    salt.and_then(|salt| {
        Argon2::default()
            .hash_password(&bytes[16..], &salt)
            .ok()
            .map(|h| h.to_string())
    })
    .unwrap_or_default()
});

#[cfg(test)]
mod tests {
    use super::*;

    fn password(raw: &str) -> Password {
        match Password::parse(raw, 8) {
            Ok(p) => p,
            Err(_) => panic!("valid password refused"),
        }
    }

    #[tokio::test]
    async fn hashes_verify_and_dummy_never_matches() {
        let hasher = Hasher::new(2, SLOT_WAIT);
        let stored = hasher.hash(&password("contraseña segura")).await.ok();
        assert!(
            stored
                .as_deref()
                .is_some_and(|h| h.starts_with("$argon2id$"))
        );
        assert!(
            hasher
                .verify(stored.clone(), "contraseña segura")
                .await
                .unwrap_or(false)
        );
        assert!(!hasher.verify(stored, "wrong").await.unwrap_or(true));
        assert!(!hasher.verify(None, "anything").await.unwrap_or(true));
    }

    #[tokio::test]
    async fn a_request_without_a_slot_is_told_to_retry() {
        let hasher = Hasher::new(1, Duration::from_millis(50));
        let held = hasher.slots.clone().acquire_owned().await;
        assert!(held.is_ok());
        let busy = hasher.verify(None, "anything").await;
        assert!(matches!(busy, Err(ApiError::Busy { retry_after: 1 })));
    }
}
