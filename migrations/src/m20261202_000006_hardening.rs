//! Hardening: sessions checked per request, outbox leases that name their holder, server
//! instances with a heartbeat (so a crashed one's leases are taken back at once), and the
//! index behind the cap on automatic mail per recipient.

use sea_orm_migration::prelude::*;

use crate::columns::{index, ts};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OutboxEmails {
    Table,
    LockedBy,
    Automatic,
}

#[derive(DeriveIden)]
enum ServerInstances {
    Table,
    Id,
    Node,
    StartedAt,
    HeartbeatAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Every authenticated request asks whether its session is live: one index probe. It
        // also serves every lookup by family, so the family-only index goes.
        manager
            .create_index(index(
                "idx_refresh_tokens_live",
                Alias::new("refresh_tokens"),
                &["family_id", "revoked_at"],
            ))
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_refresh_tokens_family")
                    .table(Alias::new("refresh_tokens"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(OutboxEmails::Table)
                    .add_column(ColumnDef::new(OutboxEmails::LockedBy).string_len(64).null())
                    .to_owned(),
            )
            .await?;
        // Mail anyone can make us send to an address they name (welcome, reset, answers to
        // inbound mail): capped per recipient.
        manager
            .alter_table(
                Table::alter()
                    .table(OutboxEmails::Table)
                    .add_column(
                        ColumnDef::new(OutboxEmails::Automatic)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_outbox_emails_recipient",
                OutboxEmails::Table,
                &["to_address", "created_at"],
            ))
            .await?;
        // The upload quota sums one user's recent uploads.
        manager
            .create_index(index(
                "idx_attachments_uploader_created",
                Alias::new("attachments"),
                &["uploader_id", "created_at"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ServerInstances::Table)
                    .col(
                        ColumnDef::new(ServerInstances::Id)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    // Host and listen address: an instance starting where another ran knows
                    // that one is gone (two cannot listen on one address).
                    .col(
                        ColumnDef::new(ServerInstances::Node)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(ts(ServerInstances::StartedAt))
                    .col(ts(ServerInstances::HeartbeatAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ServerInstances::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_attachments_uploader_created")
                    .table(Alias::new("attachments"))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_outbox_emails_recipient")
                    .table(OutboxEmails::Table)
                    .to_owned(),
            )
            .await?;
        for column in [OutboxEmails::LockedBy, OutboxEmails::Automatic] {
            manager
                .alter_table(
                    Table::alter()
                        .table(OutboxEmails::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(index(
                "idx_refresh_tokens_family",
                Alias::new("refresh_tokens"),
                &["family_id"],
            ))
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_refresh_tokens_live")
                    .table(Alias::new("refresh_tokens"))
                    .to_owned(),
            )
            .await
    }
}
