//! Argon2id password hashing, off the async threads (a hash costs tens of milliseconds).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::LazyLock;

use ayuda_domain::Password;

/// Hashes a password (Argon2id, the crate's default parameters, random salt).
pub async fn hash(password: &Password) -> anyhow::Result<String> {
    let plain = password.expose().to_owned();
    tokio::task::spawn_blocking(move || {
        let mut salt_bytes = [0u8; 16];
        getrandom::fill(&mut salt_bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
        Argon2::default()
            .hash_password(plain.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing: {e}"))
    })
    .await?
}

/// Whether `plain` matches `stored`. With no stored hash (unknown user, account not yet
/// activated) a dummy hash is checked anyway, so the answer takes as long either way and
/// its timing does not tell whether an account exists.
pub async fn verify(stored: Option<String>, plain: &str) -> anyhow::Result<bool> {
    let plain = plain.to_owned();
    tokio::task::spawn_blocking(move || {
        let (hash, real) = match stored {
            Some(h) => (h, true),
            None => (DUMMY_HASH.clone(), false),
        };
        let parsed = PasswordHash::new(&hash).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
        let ok = Argon2::default()
            .verify_password(plain.as_bytes(), &parsed)
            .is_ok();
        Ok(ok && real)
    })
    .await?
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

    #[tokio::test]
    async fn hashes_verify_and_dummy_never_matches() {
        let password = Password::parse("contraseña segura", 8).map_err(|e| e.to_string());
        let Ok(password) = password else {
            panic!("valid password refused")
        };
        let stored = hash(&password).await.ok();
        assert!(
            stored
                .as_deref()
                .is_some_and(|h| h.starts_with("$argon2id$"))
        );
        assert!(
            verify(stored.clone(), "contraseña segura")
                .await
                .unwrap_or(false)
        );
        assert!(!verify(stored, "wrong").await.unwrap_or(true));
        assert!(!verify(None, "anything").await.unwrap_or(true));
    }
}
