//! Signing in and the emailed links: calls made without a session.

use ayuda_types::{
    Accepted, ConfirmEmailRequest, ForgotPasswordRequest, LoginRequest, LoginResponse,
    RegisterRequest, SetPasswordRequest, User,
};

use super::{ApiResult, anonymous};

/// `POST /auth/login`.
pub async fn login(request: &LoginRequest) -> ApiResult<LoginResponse> {
    anonymous("/auth/login", request).await
}

/// `POST /auth/register`: the activation link is emailed.
pub async fn register(request: &RegisterRequest) -> ApiResult<Accepted> {
    anonymous("/auth/register", request).await
}

/// Which emailed link sets a password: the welcome link or the reset link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordLink {
    Activate,
    Reset,
}

/// `POST /auth/activate` or `POST /auth/password/reset`: the password is set and the
/// user signed in.
pub async fn set_password(
    link: PasswordLink,
    request: &SetPasswordRequest,
) -> ApiResult<LoginResponse> {
    let path = match link {
        PasswordLink::Activate => "/auth/activate",
        PasswordLink::Reset => "/auth/password/reset",
    };
    anonymous(path, request).await
}

/// `POST /auth/password/forgot`: a reset link is emailed if the account exists.
pub async fn forgot_password(request: &ForgotPasswordRequest) -> ApiResult<Accepted> {
    anonymous("/auth/password/forgot", request).await
}

/// `POST /auth/email/confirm`: the new address of an email change is confirmed.
pub async fn confirm_email(request: &ConfirmEmailRequest) -> ApiResult<User> {
    anonymous("/auth/email/confirm", request).await
}
