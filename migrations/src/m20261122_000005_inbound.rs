//! Email intake: every inbound message received (with how it was handled and why) and its
//! bytes, the people copied on a ticket's email, and bounces recorded against outbound mail.

use sea_orm_migration::prelude::*;

use crate::columns::{fk, id_col, index, ts, ts_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tickets {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum TicketMessages {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum InboundEmails {
    Table,
    Id,
    DedupeKey,
    MessageId,
    Source,
    FromAddress,
    FromName,
    Subject,
    Outcome,
    Reason,
    TicketId,
    TicketMessageId,
    Answered,
    RawSize,
    Headers,
    CreatedAt,
}

/// The bytes of each inbound message, apart so that lists never read them. In the database
/// rather than in files: one commit makes a whole batch of messages durable.
#[derive(DeriveIden)]
enum InboundRaw {
    Table,
    InboundEmailId,
    Bytes,
}

#[derive(DeriveIden)]
enum TicketParticipants {
    Table,
    TicketId,
    Email,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OutboxEmails {
    Table,
    BouncedAt,
    BounceReason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InboundEmails::Table)
                    .col(id_col(InboundEmails::Id))
                    // A hash of sender and Message-ID (or of the bytes when there is none):
                    // the same message delivered twice is stored once.
                    .col(
                        ColumnDef::new(InboundEmails::DedupeKey)
                            .string_len(255)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(InboundEmails::MessageId).text().null())
                    .col(
                        ColumnDef::new(InboundEmails::Source)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(InboundEmails::FromAddress)
                            .string_len(320)
                            .null(),
                    )
                    .col(ColumnDef::new(InboundEmails::FromName).text().null())
                    .col(ColumnDef::new(InboundEmails::Subject).text().not_null())
                    .col(
                        ColumnDef::new(InboundEmails::Outcome)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(InboundEmails::Reason).text().not_null())
                    .col(ColumnDef::new(InboundEmails::TicketId).big_integer().null())
                    .col(
                        ColumnDef::new(InboundEmails::TicketMessageId)
                            .big_integer()
                            .null(),
                    )
                    .col(ColumnDef::new(InboundEmails::Answered).boolean().not_null())
                    .col(
                        ColumnDef::new(InboundEmails::RawSize)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(InboundEmails::Headers).text().not_null())
                    .col(ts(InboundEmails::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_inbound_emails_ticket",
                        (InboundEmails::Table, InboundEmails::TicketId),
                        (Tickets::Table, Tickets::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_inbound_emails_message",
                        (InboundEmails::Table, InboundEmails::TicketMessageId),
                        (TicketMessages::Table, TicketMessages::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            // The email behind each reply of a conversation page.
            ("idx_inbound_emails_message", &["ticket_message_id"][..]),
            // Threading by a Message-ID we received.
            ("idx_inbound_emails_message_id", &["message_id"][..]),
            ("idx_inbound_emails_ticket", &["ticket_id", "id"][..]),
            // The agents' list of intake, by outcome, newest first.
            ("idx_inbound_emails_outcome", &["outcome", "id"][..]),
            // Automatic answers per sender in a window (the rate limit).
            (
                "idx_inbound_emails_sender",
                &["from_address", "created_at"][..],
            ),
        ] {
            manager
                .create_index(index(name, InboundEmails::Table, cols))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(InboundRaw::Table)
                    .col(
                        ColumnDef::new(InboundRaw::InboundEmailId)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(InboundRaw::Bytes).blob().not_null())
                    .foreign_key(
                        fk(
                            "fk_inbound_raw_email",
                            (InboundRaw::Table, InboundRaw::InboundEmailId),
                            (InboundEmails::Table, InboundEmails::Id),
                        )
                        .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TicketParticipants::Table)
                    .col(
                        ColumnDef::new(TicketParticipants::TicketId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(TicketParticipants::Email)
                            .string_len(320)
                            .not_null(),
                    )
                    .col(ts(TicketParticipants::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(TicketParticipants::TicketId)
                            .col(TicketParticipants::Email),
                    )
                    .foreign_key(&mut fk(
                        "fk_ticket_participants_ticket",
                        (TicketParticipants::Table, TicketParticipants::TicketId),
                        (Tickets::Table, Tickets::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        for col in [
            ts_null(OutboxEmails::BouncedAt),
            ColumnDef::new(OutboxEmails::BounceReason)
                .text()
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(OutboxEmails::Table)
                        .add_column(col)
                        .to_owned(),
                )
                .await?;
        }
        // A bounce names the Message-ID of the message that bounced.
        manager
            .create_index(index(
                "idx_outbox_message_id",
                OutboxEmails::Table,
                &["message_id"],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_outbox_message_id")
                    .table(OutboxEmails::Table)
                    .to_owned(),
            )
            .await?;
        for col in [OutboxEmails::BouncedAt, OutboxEmails::BounceReason] {
            manager
                .alter_table(
                    Table::alter()
                        .table(OutboxEmails::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(TicketParticipants::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(InboundRaw::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(InboundEmails::Table).to_owned())
            .await
    }
}
