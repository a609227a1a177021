//! Short-lived JWT access tokens (HS256).

use ayuda_types::Role;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

/// What an access token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: String,
    /// Role when the token was issued (the extractor re-reads the user anyway).
    pub role: Role,
    /// The session (refresh-token family) the token belongs to: once it is revoked (logout,
    /// password reset, deactivation) the token is refused, however long it had to live.
    pub sid: String,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Expires at, seconds since the epoch.
    pub exp: i64,
}

/// Signing and verifying keys from one secret.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl JwtKeys {
    /// Keys for a secret.
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// A token for `user_id` in session `sid`, valid for `ttl_secs`.
    pub fn issue(
        &self,
        user_id: i64,
        role: Role,
        sid: &str,
        ttl_secs: u64,
    ) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            role,
            sid: sid.to_owned(),
            iat: now,
            exp: now + i64::try_from(ttl_secs).unwrap_or(i64::MAX / 2),
        };
        Ok(encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// The user id and session id of a valid, unexpired token. Tokens without a session
    /// (issued before sessions were bound) fail to decode and are refused.
    pub fn verify(&self, token: &str) -> Option<(i64, String)> {
        let data = decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        Some((data.claims.sub.parse().ok()?, data.claims.sid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_with_the_same_secret_only() {
        let keys = JwtKeys::new(b"one secret of enough length for hs256");
        let other = JwtKeys::new(b"another secret of enough length....");
        let token = keys.issue(42, Role::Agent, "s1", 60).unwrap_or_default();
        assert_eq!(keys.verify(&token), Some((42, "s1".to_owned())));
        assert_eq!(other.verify(&token), None);
        assert_eq!(keys.verify("garbage"), None);
    }

    #[test]
    fn expired_tokens_are_refused() {
        let keys = JwtKeys::new(b"one secret of enough length for hs256");
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: "1".into(),
            role: Role::Customer,
            sid: "s1".into(),
            iat: now - 100,
            exp: now - 60,
        };
        let token =
            encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding).unwrap_or_default();
        assert_eq!(keys.verify(&token), None);
    }
}
