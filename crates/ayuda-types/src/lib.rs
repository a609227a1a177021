//! Wire types of the Ayuda REST API (`/api/v1`).
//!
//! Shared by the server (which enables the `openapi` feature to derive the schema) and the
//! Leptos SPA (which decodes the same structs). Nothing here knows about HTTP servers,
//! databases or runtimes, so the crate builds for `wasm32-unknown-unknown`.

pub mod auth;
pub mod forum;
pub mod page;
pub mod problem;
pub mod tickets;
pub mod users;
pub mod validate;

pub use auth::*;
pub use forum::*;
pub use page::*;
pub use problem::*;
pub use tickets::*;
pub use users::*;
