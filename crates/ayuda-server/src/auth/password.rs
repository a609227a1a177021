//! Argon2id password hashing, off the async threads and bounded.
//!
//! One hash costs tens of milliseconds and 19 MiB of memory (the crate's default
//! parameters), so a flood of requests that hash would exhaust memory and starve honest
//! logins. [`Hasher`] lets only a few hashes run at once; a request that cannot get a slot
//! within a moment is answered 503 with `Retry-After` instead of queueing without end.
//!
//! Verification (what a flood of wrong passwords makes us do) runs in memory the hasher
//! keeps and reuses, one block buffer per slot: allocating 19 MiB per attempt let glibc's
//! per-thread arenas keep the freed buffers, and a flood of 400 clients grew the server to
//! 1.3 GB although only four hashes ever ran at once.

use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
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
    /// Argon2 memory of finished verifications, for the next ones (at most one per slot).
    buffers: Arc<Mutex<Vec<Vec<Block>>>>,
}

impl Hasher {
    /// A hasher that runs at most `concurrent` hashes at once and lets a request wait `wait`
    /// for a slot.
    pub fn new(concurrent: usize, wait: Duration) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(concurrent.max(1))),
            wait,
            buffers: Arc::default(),
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
        let buffers = self.buffers.clone();
        self.run(move || {
            let (hash, real) = match stored {
                Some(h) => (h, true),
                None => (DUMMY_HASH.clone(), false),
            };
            // A slot is held: at most one buffer per slot is ever out of the pool.
            let mut memory = buffers
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .pop()
                .unwrap_or_default();
            let ok = verify_in(&hash, plain.as_bytes(), &mut memory);
            buffers
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(memory);
            Ok(ok? && real)
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

/// Whether `plain` hashes to the PHC string `stored`, computed in `memory` (grown to the
/// hash's memory cost when smaller); the comparison takes the same time however much of the
/// hash matches.
fn verify_in(stored: &str, plain: &[u8], memory: &mut Vec<Block>) -> anyhow::Result<bool> {
    let parsed = PasswordHash::new(stored).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
    let params = Params::try_from(&parsed).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
    let algorithm =
        Algorithm::try_from(parsed.algorithm).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
    let version = parsed
        .version
        .map(Version::try_from)
        .transpose()
        .map_err(|e| anyhow::anyhow!("stored hash: {e}"))?
        .unwrap_or_default();
    let (Some(expected), Some(salt)) = (parsed.hash, parsed.salt) else {
        anyhow::bail!("stored hash without a salt or a hash");
    };
    let mut salt_bytes = [0u8; 64];
    let salt = salt
        .decode_b64(&mut salt_bytes)
        .map_err(|e| anyhow::anyhow!("stored salt: {e}"))?;
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(plain, salt, &mut out, memory.as_mut_slice())
        .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
    // `Output`'s equality is constant-time.
    Ok(Output::new(&out).map_err(|e| anyhow::anyhow!("hash output: {e}"))? == expected)
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
    async fn hashes_of_other_parameters_verify_in_the_reused_memory() {
        let hasher = Hasher::new(1, SLOT_WAIT);
        // Smaller, then larger memory than the default: the one buffer is reused and grown.
        for m_cost in [8 * 1024, 32 * 1024] {
            let params = Params::new(m_cost, 2, 1, None).unwrap();
            let salt = SaltString::encode_b64(b"sixteen byte slt").unwrap();
            let stored = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
                .hash_password(b"otra clave", &salt)
                .unwrap()
                .to_string();
            assert!(
                hasher
                    .verify(Some(stored.clone()), "otra clave")
                    .await
                    .unwrap()
            );
            assert!(!hasher.verify(Some(stored), "otra clavE").await.unwrap());
        }
        assert_eq!(
            hasher.buffers.lock().unwrap().len(),
            1,
            "one buffer, reused"
        );
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
