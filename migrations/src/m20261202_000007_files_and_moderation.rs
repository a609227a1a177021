//! Stored files swept by hash (so a file is removed only when no attachment refers to it),
//! and forum comments that staff can hide: hidden, not deleted, so the record stays.

use sea_orm_migration::prelude::*;

use crate::columns::{index, ts_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ForumComments {
    Table,
    HiddenAt,
    HiddenBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index(
                "idx_attachments_sha256",
                Alias::new("attachments"),
                &["sha256"],
            ))
            .await?;
        // Two statements: SQLite adds one column per ALTER TABLE. `hidden_by` names a user
        // without a foreign key, which SQLite cannot add to an existing table.
        for column in [
            ts_null(ForumComments::HiddenAt),
            ColumnDef::new(ForumComments::HiddenBy)
                .big_integer()
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ForumComments::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [ForumComments::HiddenAt, ForumComments::HiddenBy] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ForumComments::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_attachments_sha256")
                    .table(Alias::new("attachments"))
                    .to_owned(),
            )
            .await
    }
}
