//! The signed-in user's own account.

use ayuda_types::{Accepted, ChangeEmailRequest, ChangePasswordRequest, UpdateMe, User};

use super::{ApiResult, patch, post, post_no_content};

/// `PATCH /me`: name and language.
pub async fn update(change: &UpdateMe) -> ApiResult<User> {
    patch("/me", change).await
}

/// `POST /me/password`.
pub async fn change_password(request: &ChangePasswordRequest) -> ApiResult<()> {
    post_no_content("/me/password", request).await
}

/// `POST /me/email`: a confirmation link goes to the new address.
pub async fn change_email(request: &ChangeEmailRequest) -> ApiResult<Accepted> {
    post("/me/email", request).await
}
