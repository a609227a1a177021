//! The ticket type of tickets that arrive by email (and, with chat, by chat) is chosen by a
//! flag on the type, not by the English name "General query": renaming that type no longer
//! changes where such tickets go. One type at most carries the flag.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TicketTypes {
    Table,
    IsDefault,
}

/// The type that email tickets went to until now: "General query", else the first active
/// type.
const BACKFILL: [&str; 2] = [
    "UPDATE ticket_types SET is_default = TRUE \
     WHERE id = (SELECT MIN(id) FROM ticket_types WHERE name = 'General query' AND active = TRUE)",
    "UPDATE ticket_types SET is_default = TRUE \
     WHERE id = (SELECT MIN(id) FROM ticket_types WHERE active = TRUE) \
     AND NOT EXISTS (SELECT 1 FROM ticket_types WHERE is_default = TRUE)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(TicketTypes::Table)
                    .add_column(
                        ColumnDef::new(TicketTypes::IsDefault)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for statement in BACKFILL {
            db.execute_unprepared(statement).await?;
        }
        // At most one default: a partial unique index (both databases have them).
        db.execute_unprepared(
            "CREATE UNIQUE INDEX idx_ticket_types_one_default ON ticket_types (is_default) \
             WHERE is_default = TRUE",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_ticket_types_one_default")
                    .table(TicketTypes::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(TicketTypes::Table)
                    .drop_column(TicketTypes::IsDefault)
                    .to_owned(),
            )
            .await
    }
}
