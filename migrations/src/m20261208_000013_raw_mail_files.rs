//! Large raw messages as files: an inbound message's bytes can live in the raw-mail file
//! store, addressed by their SHA-256, instead of in its `inbound_raw` row. Writing megabytes
//! into a row costs them twice on SQLite (the WAL, then the checkpoint) and a row's worth of
//! WAL on PostgreSQL; a file is written once. Such a row keeps empty `bytes` and names the
//! file in `sha256`; the index lets the file sweep ask which files are in use.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InboundRaw {
    Table,
    Sha256,
}

const INDEX: &str = "idx_inbound_raw_sha256";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(InboundRaw::Table)
                    .add_column(ColumnDef::new(InboundRaw::Sha256).string_len(64).null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(InboundRaw::Table)
                    .col(InboundRaw::Sha256)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table(InboundRaw::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(InboundRaw::Table)
                    .drop_column(InboundRaw::Sha256)
                    .to_owned(),
            )
            .await
    }
}
