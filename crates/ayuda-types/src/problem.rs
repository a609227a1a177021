//! RFC 9457 problem details, the body of every error response.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// An error answer (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProblemDetails {
    /// A URI naming the kind of problem, e.g. `urn:ayuda:problem:validation`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schema(example = "urn:ayuda:problem:validation"))]
    pub r#type: String,
    /// Short human-readable summary of the kind of problem.
    #[cfg_attr(feature = "openapi", schema(example = "Validation failed"))]
    pub title: String,
    /// The HTTP status code.
    #[cfg_attr(feature = "openapi", schema(example = 422))]
    pub status: u16,
    /// What went wrong with this request.
    pub detail: String,
    /// Per-field messages, present on validation errors (422).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// A machine-readable reason, on conflicts (409) and invalid links (400), for clients
    /// to word in their own language: `invalid_token`; chat moves `already_taken`,
    /// `at_capacity`, `not_waiting`, `illegal_move`, `not_assignee`; `email_taken`,
    /// `address_taken`, `last_admin`, `own_account`, `name_taken`, `slug_taken`,
    /// `category_not_empty {count}`, `type_in_use`, `no_ticket_type`, `translation_taken`,
    /// `ticket_state` (the ticket's state does not allow it), `chat_state`, `conflict`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The numbers `code` speaks of (`count`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<BTreeMap<String, i64>>,
    /// The chat's state, on a refused chat move (409).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The moves that state allows, on a refused chat move (409).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
}

/// One invalid field of a request body.
///
/// `code` says what is wrong for programs (a client words it in its own language, filling
/// in `params`); `message` says it in English for people reading the raw answer. The codes:
/// `required`, `blank` (empty or only spaces; with `max` when the upper limit is worth
/// saying too), `login` (not an email, username or phone), `too_short {min}`, `too_long {max}`
/// (characters), `too_few {min}`, `too_many {max}` (items of a list), `out_of_range {min,
/// max}`, `invalid_email`, `control` (control characters in one line of text), `nul`,
/// `slug`, `username`, `username_digits`, `phone`, `password_blank`, `file_too_large
/// {max}` (bytes), `empty_file`, `not_current_password`, `same_email`, `invalid_token`,
/// `unknown_reference` (an id or slug that names nothing usable), `unknown_placeholder`,
/// `not_allowed` (a value this field may not take here), `invalid` (anything else).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field name as it appears in the request body.
    #[cfg_attr(feature = "openapi", schema(example = "email"))]
    pub field: String,
    /// What is wrong, for programs (see the list above).
    #[cfg_attr(feature = "openapi", schema(example = "too_long"))]
    #[serde(default = "invalid")]
    pub code: String,
    /// Why the value was refused, in English.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "must be at most 200 characters")
    )]
    pub message: String,
    /// The numbers the code speaks of (`max`, `min`, `count`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(example = json!({"max": 200})))]
    pub params: BTreeMap<String, i64>,
}

fn invalid() -> String {
    "invalid".to_owned()
}

impl FieldError {
    /// A field error from a field name, its code and an English message.
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code: code.to_owned(),
            message: message.into(),
            params: BTreeMap::new(),
        }
    }

    /// With one more number for the code's wording (`max`, `min`, `count`).
    #[must_use]
    pub fn with(mut self, name: &str, value: i64) -> Self {
        self.params.insert(name.to_owned(), value);
        self
    }

    /// The field error of a broken `validator` rule: its code, translated from the rule
    /// (`length` becomes `too_short`/`too_long` for text and `too_few`/`too_many` for
    /// lists, from the value it saw), with the limits as params and never the value itself.
    pub fn of_rule(field: impl Into<String>, error: &validator::ValidationError) -> Self {
        let number = |name: &str| error.params.get(name).and_then(serde_json::Value::as_i64);
        let message = error
            .message
            .as_ref()
            .map_or_else(|| error.code.to_string(), ToString::to_string);
        let field = field.into();
        match error.code.as_ref() {
            "length" => {
                let value = error.params.get("value");
                let (count, list) = match value {
                    Some(serde_json::Value::String(s)) => (s.chars().count() as i64, false),
                    Some(serde_json::Value::Array(items)) => (items.len() as i64, true),
                    _ => (0, false),
                };
                let (min, max) = (number("min"), number("max").or(number("equal")));
                match (max, min) {
                    (Some(max), _) if count > max => {
                        let code = if list { "too_many" } else { "too_long" };
                        Self::new(field, code, message).with("max", max)
                    }
                    (_, Some(1)) if !list => Self::new(field, "blank", message),
                    (_, Some(min)) => {
                        let code = if list { "too_few" } else { "too_short" };
                        Self::new(field, code, message).with("min", min)
                    }
                    _ => Self::new(field, "invalid", message),
                }
            }
            "range" => {
                let mut error_ = Self::new(field, "out_of_range", message);
                for name in ["min", "max"] {
                    if let Some(n) = number(name) {
                        error_ = error_.with(name, n);
                    }
                }
                error_
            }
            "email" => Self::new(field, "invalid_email", message),
            code => Self::new(field, code, message),
        }
    }

    /// Every broken rule of a request, first per field, nested fields named by their path
    /// (`requester.email`, `items[2].name`), in field order.
    pub fn of_rules(errors: &validator::ValidationErrors) -> Vec<Self> {
        let mut fields = Vec::new();
        collect(errors, "", &mut fields);
        fields.sort_by(|a, b| a.field.cmp(&b.field));
        fields.dedup_by(|later, earlier| later.field == earlier.field);
        fields
    }
}

fn collect(errors: &validator::ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    use validator::ValidationErrorsKind;
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(errs) => {
                out.extend(errs.iter().map(|e| FieldError::of_rule(path.clone(), e)));
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect(inner, &format!("{path}[{index}]"), out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use validator::Validate;

    #[derive(Validate)]
    struct Form {
        #[validate(length(min = 1, max = 5, message = "must be 1 to 5 characters"))]
        name: String,
        #[validate(length(min = 3, message = "must be at least 3 characters"))]
        code: String,
        #[validate(length(max = 2, message = "at most 2 tags"))]
        tags: Vec<String>,
        #[validate(email(message = "must be a valid email address"))]
        email: String,
        #[validate(range(min = 1, max = 5, message = "must be 1 to 5"))]
        rating: i32,
    }

    #[test]
    fn broken_rules_become_codes_with_their_limits_and_never_the_value() {
        let form = Form {
            name: "demasiado".into(),
            code: "ab".into(),
            tags: vec!["a".into(), "b".into(), "c".into()],
            email: "nope".into(),
            rating: 9,
        };
        let errors = FieldError::of_rules(&form.validate().unwrap_err());
        let by = |f: &str| errors.iter().find(|e| e.field == f).unwrap().clone();
        assert_eq!(by("name").code, "too_long");
        assert_eq!(by("name").params.get("max"), Some(&5));
        assert_eq!(by("code").code, "too_short");
        assert_eq!(by("code").params.get("min"), Some(&3));
        assert_eq!(by("tags").code, "too_many");
        assert_eq!(by("email").code, "invalid_email");
        assert_eq!(by("rating").code, "out_of_range");
        assert_eq!(by("rating").params.get("max"), Some(&5));
        assert!(errors.iter().all(|e| !e.params.contains_key("value")));
        let empty = Form {
            name: String::new(),
            code: "abc".into(),
            tags: vec![],
            email: "a@b.es".into(),
            rating: 1,
        };
        let errors = FieldError::of_rules(&empty.validate().unwrap_err());
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, "blank");
        assert_eq!(errors[0].message, "must be 1 to 5 characters");
    }
}
