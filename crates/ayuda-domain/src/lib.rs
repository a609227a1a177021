//! Ayuda's domain rules, free of HTTP and SQL so they can be tested on their own.
//!
//! Values here are parsed once at the boundary ("parse, don't validate"): a function that takes
//! an [`Email`] or a [`Password`] never has to check it again.

pub mod access;
pub mod chat;
pub mod content;
pub mod identity;
pub mod lifecycle;
pub mod markdown;
pub mod rate_limit;
pub mod search;

pub use identity::*;
pub use rate_limit::*;
