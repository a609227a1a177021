//! sea-orm entities, one per table. Callers outside this crate use the repository modules.

pub mod auth_token;
pub mod outbox_email;
pub mod refresh_token;
pub mod user;
