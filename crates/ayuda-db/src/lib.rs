//! Ayuda's persistence layer.
//!
//! One module per aggregate (`users`, `tickets`, `messages`, `outbox`, ...); each function takes
//! `&impl ConnectionTrait`, so it runs alone or inside a caller's transaction (the outbox
//! needs that: an email is stored in the same transaction as the change that causes it).
//! SQLite/PostgreSQL differences stay in this crate.

pub mod attachments;
pub mod audit;
pub mod bot_keywords;
pub mod canned_replies;
pub mod chats;
pub mod counting;
pub mod entity;
pub mod forum;
pub mod inbound;
pub mod instances;
pub mod listen;
pub mod messages;
pub mod outbox;
pub mod refresh_tokens;
pub mod settings;
pub mod stored;
pub mod ticket_types;
pub mod tickets;
pub mod tokens;
pub mod users;
pub mod viewers;
pub mod writer;

mod connect;
mod search;
mod sql;

pub use connect::{Backend, Connections, connect, migrate, ping};
pub use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, Statement,
    TransactionTrait,
};
pub use writer::{WriteTxn, Writer};

/// True when `err` is a foreign-key violation (a row still referenced, say).
pub fn is_foreign_key_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_))
    )
}

/// True when `err` is a unique-constraint violation (a duplicate email, say), so callers can
/// answer 409 instead of checking first and racing.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
