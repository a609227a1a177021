//! The transactional outbox of outbound email (SPEC section 7).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OutboxEmails {
    Table,
    Id,
    Kind,
    ToAddress,
    ToName,
    Subject,
    TextBody,
    HtmlBody,
    MessageId,
    InReplyTo,
    References,
    ReplyTo,
    Status,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    LastError,
    LoggedAt,
    SentAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use OutboxEmails as O;
        manager
            .create_table(
                Table::create()
                    .table(O::Table)
                    .col(
                        ColumnDef::new(O::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(O::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(O::ToAddress).string_len(254).not_null())
                    .col(ColumnDef::new(O::ToName).string_len(200).not_null())
                    .col(ColumnDef::new(O::Subject).string_len(500).not_null())
                    .col(ColumnDef::new(O::TextBody).text().not_null())
                    .col(ColumnDef::new(O::HtmlBody).text().not_null())
                    .col(
                        ColumnDef::new(O::MessageId)
                            .string_len(255)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(O::InReplyTo).string_len(255).null())
                    .col(ColumnDef::new(O::References).text().null())
                    .col(ColumnDef::new(O::ReplyTo).string_len(254).null())
                    .col(ColumnDef::new(O::Status).string_len(16).not_null())
                    .col(ColumnDef::new(O::Attempts).integer().not_null().default(0))
                    .col(
                        ColumnDef::new(O::NextAttemptAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(O::LockedUntil)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(O::LastError).text().null())
                    .col(
                        ColumnDef::new(O::LoggedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(O::SentAt).timestamp_with_time_zone().null())
                    .col(
                        ColumnDef::new(O::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        // The worker's queue query: due messages by status, oldest due first.
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_status_due")
                    .table(O::Table)
                    .col(O::Status)
                    .col(O::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OutboxEmails::Table).to_owned())
            .await
    }
}
