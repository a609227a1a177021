//! Authentication: password hashing, emailed and refresh tokens, JWT access tokens, the
//! extractors handlers use, and rate limits.

pub mod cache;
pub mod client;
pub mod extract;
pub mod jwt;
pub mod limits;
pub mod password;
pub mod secret;

pub use extract::{AuthUser, ClientAddr};
pub use jwt::JwtKeys;
pub use limits::Limiters;

use ayuda_db::users::{self, UserRow};
use ayuda_types::Role;

use crate::error::{ApiError, ApiResult};

/// `user`'s role if they are an agent or an admin; 403 otherwise. Use cases check their
/// callers with this and [`require_admin`].
pub fn require_staff(user: &UserRow) -> ApiResult<Role> {
    let role = users::role_of(user)?;
    if role.is_staff() {
        Ok(role)
    } else {
        Err(ApiError::Forbidden)
    }
}

/// 403 unless `user` is an admin.
pub fn require_admin(user: &UserRow) -> ApiResult<()> {
    if users::role_of(user)? == Role::Admin {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}
