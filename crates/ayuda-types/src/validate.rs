//! Field checks shared by request types (used through `validator`'s `custom`).
//!
//! The server runs them at the boundary; the SPA can run the same ones before sending.

use validator::ValidationError;

fn error(code: &'static str, message: &'static str) -> ValidationError {
    ValidationError::new(code).with_message(message.into())
}

/// A display name: one line of text (see [`single_line`]).
pub fn display_name(value: &str) -> Result<(), ValidationError> {
    single_line(value)
}

/// One line of text (a name, a title): not blank and free of control characters.
pub fn single_line(value: &str) -> Result<(), ValidationError> {
    not_blank(value)?;
    if value.chars().any(char::is_control) {
        return Err(error("control", "must not contain control characters"));
    }
    Ok(())
}

/// Free text (a description, a reply): something other than whitespace, and no NUL
/// characters (no one can type them, and PostgreSQL cannot store them).
pub fn not_blank(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(error("blank", "must not be blank"));
    }
    if value.contains('\0') {
        return Err(error("nul", "must not contain NUL characters"));
    }
    Ok(())
}

/// A URL name: 1 to 100 of `a-z 0-9 -`, not starting or ending with `-`.
pub fn slug(value: &str) -> Result<(), ValidationError> {
    let ok = (1..=100).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !value.starts_with('-')
        && !value.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(error(
            "slug",
            "must be 1 to 100 lowercase letters, digits and dashes, not at either end",
        ))
    }
}

/// A username: 3 to 40 of `a-z 0-9 . _ -`, starting with a letter or digit.
/// Letters may be uppercase on input; they are stored lowercase.
pub fn username(value: &str) -> Result<(), ValidationError> {
    let len = value.chars().count();
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    let first_ok = value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if !(3..=40).contains(&len) || !first_ok || !value.chars().all(allowed) {
        return Err(error(
            "username",
            "must be 3 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit",
        ));
    }
    // An all-digit username reads like a phone number to people typing it at login.
    if value.chars().all(|c| c.is_ascii_digit()) {
        return Err(error("username_digits", "must contain at least one letter"));
    }
    Ok(())
}

/// A phone number in international form: `+` then 7 to 15 digits; spaces, dashes,
/// dots and parentheses between them are allowed and dropped.
pub fn phone(value: &str) -> Result<(), ValidationError> {
    match normalize_phone(value) {
        Some(_) => Ok(()),
        None => Err(error(
            "phone",
            "must be an international number like +34 600 123 456",
        )),
    }
}

/// The canonical form of a phone number (`+` and digits), or `None` when it is not one.
pub fn normalize_phone(value: &str) -> Option<String> {
    let rest = value.trim().strip_prefix('+')?;
    let mut digits = String::from("+");
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    (8..=16).contains(&digits.len()).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_normalize_to_plus_and_digits() {
        assert_eq!(
            normalize_phone("+34 600-123 456").as_deref(),
            Some("+34600123456")
        );
        assert_eq!(
            normalize_phone("+1 (555) 010.9999").as_deref(),
            Some("+15550109999")
        );
        assert_eq!(normalize_phone("600123456"), None);
        assert_eq!(normalize_phone("+12"), None);
        assert_eq!(normalize_phone("+34 600 12a 456"), None);
    }

    #[test]
    fn usernames_follow_the_rules() {
        assert!(username("maria.lopez").is_ok());
        assert!(username("Ana_99").is_ok());
        assert!(username("ab").is_err());
        assert!(username(".dot").is_err());
        assert!(username("12345").is_err());
        assert!(username("josé").is_err());
        assert!(username("a b c").is_err());
    }

    #[test]
    fn names_must_not_be_blank_or_hold_control_characters() {
        assert!(display_name("María José ñandú").is_ok());
        assert!(display_name("مرحبا").is_ok());
        assert!(display_name("   ").is_err());
        assert!(display_name("a\u{0007}b").is_err());
    }
}
