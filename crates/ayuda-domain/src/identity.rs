//! Emails, passwords and the identifiers a user logs in with.

use ayuda_types::FieldError;
use ayuda_types::validate::normalize_phone;

/// The shortest minimum password length an operator may configure.
pub const PASSWORD_MIN_LENGTH_FLOOR: usize = 5;
/// Longest password accepted; bounds the hashing work one request can cause.
pub const PASSWORD_MAX_LENGTH: usize = 1024;

/// An email address, trimmed and lowercased so that lookups are case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Parses an address; `None` if it is not a plausible email.
    pub fn parse(raw: &str) -> Option<Self> {
        let value = raw.trim().to_lowercase();
        if value.len() > 254 || !validator::ValidateEmail::validate_email(&value) {
            return None;
        }
        Some(Self(value))
    }

    /// The normalized address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that meets the configured policy. Never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

/// Why a password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer characters than the policy asks.
    #[error("must be at least {0} characters")]
    TooShort(usize),
    /// More than [`PASSWORD_MAX_LENGTH`] characters.
    #[error("must be at most {PASSWORD_MAX_LENGTH} characters")]
    TooLong,
    /// Only whitespace.
    #[error("must not be only spaces")]
    Blank,
}

impl PasswordError {
    /// The error as a field error of `field`, with its code and limit.
    pub fn field_error(&self, field: &str) -> FieldError {
        let message = self.to_string();
        match self {
            PasswordError::TooShort(min) => {
                FieldError::new(field, "too_short", message).with("min", *min as i64)
            }
            PasswordError::TooLong => {
                FieldError::new(field, "too_long", message).with("max", PASSWORD_MAX_LENGTH as i64)
            }
            PasswordError::Blank => FieldError::new(field, "password_blank", message),
        }
    }
}

impl Password {
    /// Checks `raw` against a minimum length (counted in characters, not bytes, so
    /// "contraseña" is ten). `min_length` below the floor is raised to the floor.
    pub fn parse(raw: &str, min_length: usize) -> Result<Self, PasswordError> {
        let min = min_length.max(PASSWORD_MIN_LENGTH_FLOOR);
        let chars = raw.chars().count();
        if chars > PASSWORD_MAX_LENGTH {
            return Err(PasswordError::TooLong);
        }
        if raw.trim().is_empty() {
            return Err(PasswordError::Blank);
        }
        if chars < min {
            return Err(PasswordError::TooShort(min));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The password itself, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// What the `login` field of a login request names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginId {
    /// Contains `@`: an email address (lowercased).
    Email(String),
    /// Starts with `+` and parses as a phone number (normalized).
    Phone(String),
    /// Anything else: a username (lowercased).
    Username(String),
}

impl LoginId {
    /// Classifies the login field. Usernames can hold neither `@` nor `+`, so the three
    /// kinds never overlap.
    pub fn parse(raw: &str) -> Self {
        let value = raw.trim();
        if value.contains('@') {
            return LoginId::Email(value.to_lowercase());
        }
        if let Some(phone) = normalize_phone(value) {
            return LoginId::Phone(phone);
        }
        LoginId::Username(value.to_lowercase())
    }

    /// A key for per-account rate limiting.
    pub fn rate_key(&self) -> String {
        match self {
            LoginId::Email(v) => format!("email:{v}"),
            LoginId::Phone(v) => format!("phone:{v}"),
            LoginId::Username(v) => format!("user:{v}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        let email = Email::parse("  Maria.Lopez@Example.COM ").map(|e| e.as_str().to_owned());
        assert_eq!(email.as_deref(), Some("maria.lopez@example.com"));
        assert!(Email::parse("not-an-email").is_none());
        assert!(Email::parse("").is_none());
    }

    #[test]
    fn password_length_counts_characters_and_respects_the_floor() {
        assert!(Password::parse("contraseña", 10).is_ok());
        assert_eq!(Password::parse("abcd", 3), Err(PasswordError::TooShort(5)));
        assert_eq!(
            Password::parse("abcdefg", 8),
            Err(PasswordError::TooShort(8))
        );
        assert_eq!(Password::parse("        ", 8), Err(PasswordError::Blank));
        assert_eq!(
            Password::parse(&"x".repeat(1025), 8),
            Err(PasswordError::TooLong)
        );
        assert_eq!(
            format!("{:?}", Password::parse("secret123", 8)),
            "Ok(Password(..))"
        );
    }

    #[test]
    fn login_ids_are_told_apart() {
        assert_eq!(
            LoginId::parse("Ana@Example.com"),
            LoginId::Email("ana@example.com".into())
        );
        assert_eq!(
            LoginId::parse("+34 600 123 456"),
            LoginId::Phone("+34600123456".into())
        );
        assert_eq!(
            LoginId::parse("Ana.Lopez"),
            LoginId::Username("ana.lopez".into())
        );
    }
}
