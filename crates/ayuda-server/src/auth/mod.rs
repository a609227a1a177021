//! Authentication: password hashing, emailed and refresh tokens, JWT access tokens, the
//! extractors handlers use, and rate limits.

pub mod client;
pub mod extract;
pub mod jwt;
pub mod limits;
pub mod password;
pub mod secret;

pub use extract::{AuthUser, ClientAddr};
pub use jwt::JwtKeys;
pub use limits::Limiters;
