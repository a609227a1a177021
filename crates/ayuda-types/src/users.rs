//! Users, roles and the profile of the logged-in user.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

/// What a user may do (SPEC section 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Opens and follows their own tickets.
    Customer,
    /// Works every ticket.
    Agent,
    /// An agent who also manages users, ticket types and settings.
    Admin,
}

impl Role {
    /// The wire and database name of the role.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Agent => "agent",
            Role::Admin => "admin",
        }
    }

    /// Parses the wire and database name.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "customer" => Some(Role::Customer),
            "agent" => Some(Role::Agent),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// Agents and admins work tickets.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Agent | Role::Admin)
    }
}

/// Language of the UI and of emails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Locale {
    /// Español.
    #[default]
    Es,
    /// English.
    En,
}

impl Locale {
    /// The wire and database name (`es`, `en`).
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::Es => "es",
            Locale::En => "en",
        }
    }

    /// Parses `es`/`en`, also with a region (`en-GB`).
    pub fn parse(value: &str) -> Option<Self> {
        let lang = value.split(['-', '_']).next().unwrap_or_default();
        match lang.to_ascii_lowercase().as_str() {
            "es" => Some(Locale::Es),
            "en" => Some(Locale::En),
            _ => None,
        }
    }
}

/// A user as the API shows it (`GET /api/v1/me`, admin user lists).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    /// Stable id.
    pub id: i64,
    /// Email address (lowercase).
    pub email: String,
    /// Display name.
    pub name: String,
    /// Username to log in with, if any.
    pub username: Option<String>,
    /// Phone number to log in with, if any (`+` and digits).
    pub phone: Option<String>,
    /// Role.
    pub role: Role,
    /// Preferred language.
    pub locale: Locale,
    /// False once an admin has deactivated the account.
    pub active: bool,
    /// When the user chose a password (null until then).
    pub activated_at: Option<DateTime<Utc>>,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
}

/// `PATCH /api/v1/me`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateMe {
    /// New display name.
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        custom(function = "crate::validate::display_name")
    )]
    pub name: Option<String>,
    /// New language.
    pub locale: Option<Locale>,
}

/// `POST /api/v1/users` (admin): creates the account and emails an invitation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUser {
    /// Email address; the invitation is sent here.
    #[validate(
        email(message = "must be a valid email address"),
        length(max = 254, message = "must be at most 254 characters")
    )]
    #[cfg_attr(feature = "openapi", schema(example = "agent@example.com"))]
    pub email: String,
    /// Display name.
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        custom(function = "crate::validate::display_name")
    )]
    pub name: String,
    /// Role of the new user.
    pub role: Role,
    /// Language of the invitation; the server's default if left out.
    #[serde(default)]
    pub locale: Option<Locale>,
}

/// `PATCH /api/v1/users/{id}` (admin).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateUser {
    /// New role.
    pub role: Option<Role>,
    /// `false` deactivates the account (its sessions end at once); `true` reactivates it.
    pub active: Option<bool>,
}

/// `GET /api/v1/users` query (admin).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ListUsersParams {
    /// Only users with this role (agents always get customers).
    pub role: Option<Role>,
    /// Only users whose name, email or username contains this text (any case).
    pub q: Option<String>,
    /// Items per page, 1 to 100 (default 25).
    pub limit: Option<u64>,
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}
