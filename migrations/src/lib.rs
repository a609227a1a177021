//! Ayuda's schema, one migration per change, applied in order by [`Migrator`].
//!
//! Migrations run at server start and through `ayuda migrate`. They are written with
//! sea-query so the same code produces SQLite and PostgreSQL DDL. Every list query of the
//! application has an index created here.

// `MigrationTrait` elides the `SchemaManager` lifetime; spelling it out breaks the impls.
#![expect(elided_lifetimes_in_paths, reason = "the trait signature elides it")]

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261122_000001_accounts;
mod m20261122_000002_outbox;
mod m20261122_000003_tickets;
mod m20261122_000004_forum;
mod m20261122_000005_inbound;
mod m20261202_000006_hardening;
mod m20261202_000007_files_and_moderation;
mod m20261204_000008_support_desk_basics;
mod m20261204_000009_default_ticket_type;
mod m20261205_000010_live_chat;
mod m20261205_000011_chat_attachments;
mod m20261205_000012_settings;
mod m20261208_000013_raw_mail_files;

/// Applies Ayuda's migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_accounts::Migration),
            Box::new(m20261122_000002_outbox::Migration),
            Box::new(m20261122_000003_tickets::Migration),
            Box::new(m20261122_000004_forum::Migration),
            Box::new(m20261122_000005_inbound::Migration),
            Box::new(m20261202_000006_hardening::Migration),
            Box::new(m20261202_000007_files_and_moderation::Migration),
            Box::new(m20261204_000008_support_desk_basics::Migration),
            Box::new(m20261204_000009_default_ticket_type::Migration),
            Box::new(m20261205_000010_live_chat::Migration),
            Box::new(m20261205_000011_chat_attachments::Migration),
            Box::new(m20261205_000012_settings::Migration),
            Box::new(m20261208_000013_raw_mail_files::Migration),
        ]
    }
}
