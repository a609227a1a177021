//! Ayuda's persistence layer.
//!
//! One module per aggregate (`users`, `tokens`, `refresh_tokens`, `outbox`); each function takes
//! `&impl ConnectionTrait`, so it runs alone or inside a caller's transaction (the outbox
//! needs that: an email is stored in the same transaction as the change that causes it).
//! SQLite/PostgreSQL differences stay in this crate.

pub mod entity;
pub mod outbox;
pub mod refresh_tokens;
pub mod tokens;
pub mod users;

mod connect;

pub use connect::{Backend, begin_write, connect, migrate, ping};
pub use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait,
};

/// True when `err` is a unique-constraint violation (a duplicate email, say), so callers can
/// answer 409 instead of checking first and racing.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
