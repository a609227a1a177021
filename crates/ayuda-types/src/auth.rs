//! Registration, activation, login, token refresh and password reset.

use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::users::User;

/// `POST /api/v1/auth/register`: ask for an account; the activation link arrives by email.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterRequest {
    /// Email address; the activation link is sent here.
    #[validate(
        email(message = "must be a valid email address"),
        length(max = 254, message = "must be at most 254 characters")
    )]
    #[cfg_attr(feature = "openapi", schema(example = "maria@example.com"))]
    pub email: String,
    /// Display name.
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        custom(function = "crate::validate::display_name")
    )]
    #[cfg_attr(feature = "openapi", schema(example = "María López"))]
    pub name: String,
    /// Optional username to log in with.
    #[serde(default)]
    #[validate(custom(function = "crate::validate::username"))]
    #[cfg_attr(feature = "openapi", schema(example = "maria.lopez"))]
    pub username: Option<String>,
    /// Optional phone number (international form) to log in with.
    #[serde(default)]
    #[validate(custom(function = "crate::validate::phone"))]
    #[cfg_attr(feature = "openapi", schema(example = "+34 600 123 456"))]
    pub phone: Option<String>,
    /// Preferred language of emails and the UI (`es` or `en`); defaults to the server's.
    #[serde(default)]
    pub locale: Option<crate::users::Locale>,
}

/// `POST /api/v1/auth/activate` and `POST /api/v1/auth/password/reset`: the emailed token and
/// the new password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetPasswordRequest {
    /// The token from the emailed link.
    #[validate(length(min = 1, max = 200, message = "must be the token from the email"))]
    pub token: String,
    /// The new password (minimum length is a server setting, 8 by default).
    #[cfg_attr(feature = "openapi", schema(example = "correct horse battery"))]
    pub password: String,
}

/// `POST /api/v1/me/password`: a new password for the logged-in user, who proves they are
/// at the keyboard with the current one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordRequest {
    /// The password in use now.
    #[validate(length(min = 1, max = 1024, message = "must be your current password"))]
    pub current_password: String,
    /// The new password (minimum length is a server setting, 8 by default).
    pub new_password: String,
}

/// `POST /api/v1/me/email`: move the account to another address, confirmed by a link
/// sent there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeEmailRequest {
    /// The address to move to.
    #[validate(
        email(message = "must be a valid email address"),
        length(max = 254, message = "must be at most 254 characters")
    )]
    pub new_email: String,
    /// The password in use now.
    #[validate(length(min = 1, max = 1024, message = "must be your current password"))]
    pub current_password: String,
}

/// `POST /api/v1/auth/email/confirm`: the token from the confirmation link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfirmEmailRequest {
    /// The token of the link.
    #[validate(length(min = 1, max = 200, message = "must be the token of the link"))]
    pub token: String,
}

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    /// Email address, username or phone number.
    #[validate(length(
        min = 1,
        max = 254,
        code = "login",
        message = "must be your email, username or phone"
    ))]
    #[cfg_attr(feature = "openapi", schema(example = "maria@example.com"))]
    pub login: String,
    /// The password.
    #[validate(length(min = 1, max = 1024, message = "must not be empty"))]
    pub password: String,
}

/// Successful login, activation, reset or refresh.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// JWT to send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always `Bearer`.
    #[cfg_attr(feature = "openapi", schema(example = "Bearer"))]
    pub token_type: String,
    /// Seconds until the access token expires.
    #[cfg_attr(feature = "openapi", schema(example = 900))]
    pub expires_in: u64,
    /// Opaque, single-use token for `POST /api/v1/auth/refresh` (also set as an HttpOnly cookie).
    pub refresh_token: String,
    /// The logged-in user.
    pub user: User,
}

/// `POST /api/v1/auth/refresh` and `POST /api/v1/auth/logout`: the refresh token, or none to use
/// the cookie.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    /// The refresh token; leave out to use the `ayuda_refresh` cookie.
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// `POST /api/v1/auth/password/forgot`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForgotPasswordRequest {
    /// The account's email address; a reset link is sent there if the account exists.
    #[validate(
        email(message = "must be a valid email address"),
        length(max = 254, message = "must be at most 254 characters")
    )]
    #[cfg_attr(feature = "openapi", schema(example = "maria@example.com"))]
    pub email: String,
}

/// The answer of requests whose outcome is told by email (register, forgot): always the same,
/// so it never reveals whether an account exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Accepted {
    /// What happens next.
    pub message: String,
}
