//! Signed threading identifiers: the `Message-ID`s and `Reply-To` addresses of ticket email.
//!
//! Each one names a ticket and the user it was sent to, with an HMAC over both. A reply that
//! refers to one proves that its sender saw an email Ayuda sent to that user about that
//! ticket, which a forged `In-Reply-To` or a spoofed `From` cannot: without the key nobody
//! can make an identifier for a ticket or a recipient of their choosing. Tokens are lower
//! case hex, because mail servers may change the case of an address's local part.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of MAC kept (80 bits): forging one means guessing it.
const MAC_BYTES: usize = 10;

/// Who an identifier was made for: a ticket and the recipient user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Addressee {
    /// The ticket number.
    pub ticket: i64,
    /// The id of the user the email went to.
    pub user: i64,
}

/// The key that signs and checks threading identifiers.
#[derive(Clone)]
pub struct MailSigner {
    key: Vec<u8>,
}

impl std::fmt::Debug for MailSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MailSigner(..)")
    }
}

impl MailSigner {
    /// A signer whose key is derived from `secret` (the server secret), so that the key is
    /// never the secret itself and signing mail cannot be confused with signing tokens.
    pub fn new(secret: &[u8]) -> Self {
        let key = mac(secret, &[b"ayuda mail threading v1"]);
        MailSigner { key }
    }

    /// A fresh `Message-ID` (without angle brackets) for an email to `to` about a ticket:
    /// `ayuda.<ticket>.<user>.<nonce>.<mac>@<domain>`.
    pub fn message_id(&self, to: Addressee, domain: &str) -> String {
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        let nonce = &nonce[..12];
        let tag = self.tag(b"mid", to, nonce);
        format!("ayuda.{}.{}.{nonce}.{tag}@{domain}", to.ticket, to.user)
    }

    /// The ticket and recipient of one of our `Message-ID`s, if it is ours and intact.
    pub fn verify_message_id(&self, id: &str) -> Option<Addressee> {
        let id = id.trim().trim_start_matches('<').trim_end_matches('>');
        let (local, _domain) = id.rsplit_once('@')?;
        let mut parts = local.split('.');
        let (prefix, ticket, user, nonce, tag) = (
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
        );
        if prefix != "ayuda" || parts.next().is_some() {
            return None;
        }
        let to = Addressee {
            ticket: ticket.parse().ok()?,
            user: user.parse().ok()?,
        };
        self.check(b"mid", to, nonce, tag).then_some(to)
    }

    /// The token of a per-ticket reply address: `<ticket>.<user>.<mac>`.
    pub fn reply_token(&self, to: Addressee) -> String {
        format!("{}.{}.{}", to.ticket, to.user, self.tag(b"rt", to, ""))
    }

    /// The ticket and recipient of a reply token, if it is intact.
    pub fn verify_reply_token(&self, token: &str) -> Option<Addressee> {
        let mut parts = token.trim().split('.');
        let (ticket, user, tag) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let to = Addressee {
            ticket: ticket.parse().ok()?,
            user: user.parse().ok()?,
        };
        self.check(b"rt", to, "", tag).then_some(to)
    }

    fn tag(&self, purpose: &[u8], to: Addressee, nonce: &str) -> String {
        hex(&mac(&self.key, &message(purpose, to, nonce))[..MAC_BYTES])
    }

    fn check(&self, purpose: &[u8], to: Addressee, nonce: &str, tag: &str) -> bool {
        let Some(given) = unhex(&tag.to_ascii_lowercase()) else {
            return false;
        };
        if given.len() != MAC_BYTES {
            return false;
        }
        let Ok(mut mac) = HmacSha256::new_from_slice(&self.key) else {
            return false;
        };
        for part in message(purpose, to, nonce) {
            mac.update(&part);
        }
        mac.verify_truncated_left(&given).is_ok()
    }
}

/// The reply address for `token` under `pattern`: `{token}` in the pattern is replaced; a
/// pattern without it is used as it is (a mailbox without plus addressing).
pub fn reply_address(pattern: &str, token: &str) -> String {
    pattern.replace("{token}", token)
}

/// The token in `address` if it matches `pattern` (case-insensitive, as mail servers are).
pub fn token_in_address<'a>(pattern: &str, address: &'a str) -> Option<&'a str> {
    let (before, after) = pattern.split_once("{token}")?;
    let lower = address.to_ascii_lowercase();
    if lower.len() < before.len() + after.len()
        || !lower.starts_with(&before.to_ascii_lowercase())
        || !lower.ends_with(&after.to_ascii_lowercase())
    {
        return None;
    }
    address
        .get(before.len()..address.len() - after.len())
        .filter(|t| !t.is_empty())
}

fn message(purpose: &[u8], to: Addressee, nonce: &str) -> [Vec<u8>; 4] {
    [
        purpose.to_vec(),
        format!("|{}", to.ticket).into_bytes(),
        format!("|{}", to.user).into_bytes(),
        format!("|{nonce}").into_bytes(),
    ]
}

fn mac(key: &[u8], parts: &[impl AsRef<[u8]>]) -> Vec<u8> {
    // HMAC takes keys of any length; this cannot fail.
    let mut mac = match HmacSha256::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return Vec::new(),
    };
    for part in parts {
        mac.update(part.as_ref());
    }
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TO: Addressee = Addressee {
        ticket: 1042,
        user: 7,
    };

    #[test]
    fn message_ids_round_trip_and_resist_tampering() {
        let signer = MailSigner::new(b"a secret of some length for the tests");
        let id = signer.message_id(TO, "ayuda.example");
        assert!(id.starts_with("ayuda.1042.7."), "{id}");
        assert!(id.ends_with("@ayuda.example"));
        assert_eq!(signer.verify_message_id(&format!("<{id}>")), Some(TO));
        assert_ne!(id, signer.message_id(TO, "ayuda.example"), "ids are unique");

        // Another ticket or recipient with the same tag: refused.
        let forged = id.replacen("ayuda.1042.7.", "ayuda.1042.8.", 1);
        assert_eq!(signer.verify_message_id(&forged), None);
        let forged = id.replacen("ayuda.1042.", "ayuda.1043.", 1);
        assert_eq!(signer.verify_message_id(&forged), None);
        // Another key: refused.
        let other = MailSigner::new(b"another secret of some length, too");
        assert_eq!(other.verify_message_id(&id), None);
        // Not ours at all.
        assert_eq!(signer.verify_message_id("CAF=abc@mail.gmail.com"), None);
        assert_eq!(signer.verify_message_id("ayuda.1.2.3.zz@x"), None);
    }

    #[test]
    fn reply_tokens_round_trip_through_addresses() {
        let signer = MailSigner::new(b"a secret of some length for the tests");
        let token = signer.reply_token(TO);
        let pattern = "support+{token}@ayuda.example";
        let address = reply_address(pattern, &token);
        assert!(address.starts_with("support+1042.7."));
        // Mail servers may upper-case the local part.
        let shouted = address.to_ascii_uppercase();
        let found = token_in_address(pattern, &shouted).map(str::to_owned);
        assert_eq!(
            found.as_deref().and_then(|t| signer.verify_reply_token(t)),
            Some(TO)
        );
        assert_eq!(token_in_address(pattern, "support@ayuda.example"), None);
        assert_eq!(token_in_address(pattern, "other+1.2.3@ayuda.example"), None);
        assert_eq!(signer.verify_reply_token("1042.8.00ff"), None);
        assert_eq!(
            reply_address("support@ayuda.example", &token),
            "support@ayuda.example"
        );
    }
}
