//! Canned replies: texts agents insert from the composer, with placeholders filled in from
//! the ticket at hand. The placeholder rules live here so the server (which refuses unknown
//! placeholders) and the SPA (which fills them in) agree.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

use crate::{Locale, UserRef};

/// The placeholders a canned reply may use, each written `{{name}}`.
pub const PLACEHOLDERS: [&str; 5] = [
    "customer.name",
    "customer.first_name",
    "ticket.number",
    "ticket.title",
    "agent.name",
];

/// The values placeholders stand for, on one ticket.
#[derive(Debug, Clone, Default)]
pub struct PlaceholderValues {
    /// The requester's name.
    pub customer_name: String,
    /// The agent's name.
    pub agent_name: String,
    /// The ticket number.
    pub ticket_number: i64,
    /// The ticket title.
    pub ticket_title: String,
}

/// The placeholder names in `text`, in order (`{{ name }}`, spaces allowed inside).
fn placeholders(text: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let start = from + text[from..].find("{{")?;
        let end = start + text[start..].find("}}")? + 2;
        from = end;
        Some((start, end, text[start + 2..end - 2].trim()))
    })
}

/// `text` with every known placeholder replaced by its value (unknown ones stay as written).
pub fn fill(text: &str, values: &PlaceholderValues) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (start, end, name) in placeholders(text) {
        let value = match name {
            "customer.name" => values.customer_name.clone(),
            "customer.first_name" => values
                .customer_name
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned(),
            "ticket.number" => values.ticket_number.to_string(),
            "ticket.title" => values.ticket_title.clone(),
            "agent.name" => values.agent_name.clone(),
            _ => continue,
        };
        out.push_str(&text[copied..start]);
        out.push_str(&value);
        copied = end;
    }
    out.push_str(&text[copied..]);
    out
}

/// Only known placeholders (a typo would otherwise reach a customer as `{{custmer.name}}`).
pub fn known_placeholders(text: &str) -> Result<(), ValidationError> {
    crate::validate::not_blank(text)?;
    match placeholders(text).find(|(_, _, name)| !PLACEHOLDERS.contains(name)) {
        None => Ok(()),
        Some(_) => Err(ValidationError::new("unknown_placeholder").with_message(
            "uses an unknown placeholder; known ones are {{customer.name}}, \
             {{customer.first_name}}, {{ticket.number}}, {{ticket.title}} and {{agent.name}}"
                .into(),
        )),
    }
}

/// A canned reply as agents see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CannedReply {
    /// Id.
    pub id: i64,
    /// Short name shown in the picker.
    pub title: String,
    /// Markdown with placeholders.
    pub body: String,
    /// The language it is written in.
    pub locale: Locale,
    /// Shared with every agent (admins manage those), or the owner's own.
    pub shared: bool,
    /// Who owns it (null for shared ones).
    pub owner: Option<UserRef>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/canned-replies`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateCannedReply {
    /// Short name shown in the picker.
    #[validate(
        length(min = 1, max = 120, message = "must be 1 to 120 characters"),
        custom(function = "crate::validate::single_line")
    )]
    pub title: String,
    /// Markdown; placeholders from [`PLACEHOLDERS`] written `{{customer.name}}`.
    #[validate(
        length(min = 1, max = 20000, message = "must be 1 to 20000 characters"),
        custom(function = "known_placeholders")
    )]
    pub body: String,
    /// Its language.
    pub locale: Locale,
    /// Shared with every agent (admins only); the caller's own by default.
    #[serde(default)]
    pub shared: bool,
}

/// `PATCH /api/v1/canned-replies/{id}`: what changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateCannedReply {
    /// New name.
    #[validate(
        length(min = 1, max = 120, message = "must be 1 to 120 characters"),
        custom(function = "crate::validate::single_line")
    )]
    pub title: Option<String>,
    /// New text.
    #[validate(
        length(min = 1, max = 20000, message = "must be 1 to 20000 characters"),
        custom(function = "known_placeholders")
    )]
    pub body: Option<String>,
    /// New language.
    pub locale: Option<Locale>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_unknown_ones_refused() {
        let values = PlaceholderValues {
            customer_name: "María López".into(),
            agent_name: "Tom".into(),
            ticket_number: 1042,
            ticket_title: "Cobro doble".into(),
        };
        assert_eq!(
            fill(
                "Hola {{customer.first_name}}, sobre #{{ ticket.number }} ({{ticket.title}}): {{agent.name}}",
                &values
            ),
            "Hola María, sobre #1042 (Cobro doble): Tom"
        );
        assert_eq!(fill("{{nope}} y {{", &values), "{{nope}} y {{");
        assert!(known_placeholders("Hola {{customer.name}}").is_ok());
        assert!(known_placeholders("Hola {{custmer.name}}").is_err());
        assert!(known_placeholders("   ").is_err());
    }
}
