//! Ticket types, agents' subscriptions to them, tickets, their conversation, attachments,
//! the audit trail, and the full-text index over titles and messages.
//!
//! Ticket ids are the ticket numbers: the key starts at 1000 and is never reused (SQLite
//! `AUTOINCREMENT`, a PostgreSQL sequence), which makes numbers unique under any
//! concurrency without a counter row that every insert would queue on.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::columns::{fk, id_col, index, ts, ts_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum TicketTypes {
    Table,
    Id,
    Name,
    Description,
    NameEs,
    DescriptionEs,
    NameEn,
    DescriptionEn,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TypeSubscriptions {
    Table,
    UserId,
    TypeId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Tickets {
    Table,
    Id,
    Title,
    TypeId,
    Status,
    Priority,
    Channel,
    RequesterId,
    AssigneeId,
    ParentId,
    CreatedAt,
    UpdatedAt,
    ResolvedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum TicketMessages {
    Table,
    Id,
    TicketId,
    AuthorId,
    Body,
    BodyHtml,
    Internal,
    Channel,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    UploaderId,
    TicketId,
    MessageId,
    Filename,
    ContentType,
    Size,
    Sha256,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TicketEvents {
    Table,
    Id,
    TicketId,
    ActorId,
    Kind,
    Field,
    FromValue,
    ToValue,
    CreatedAt,
}

/// Full-text search, SQLite: FTS5 tables over titles and message bodies kept in step by
/// triggers (external content, so the text is stored once). Accents are folded so
/// "facturacion" finds "facturación".
const SQLITE_FTS: &str = r#"
CREATE VIRTUAL TABLE ticket_title_fts USING fts5(
    title, content='tickets', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER tickets_fts_ai AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_title_fts(rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER tickets_fts_ad AFTER DELETE ON tickets BEGIN
    INSERT INTO ticket_title_fts(ticket_title_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER tickets_fts_au AFTER UPDATE OF title ON tickets BEGIN
    INSERT INTO ticket_title_fts(ticket_title_fts, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO ticket_title_fts(rowid, title) VALUES (new.id, new.title);
END;
CREATE VIRTUAL TABLE ticket_message_fts USING fts5(
    body, content='ticket_messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER ticket_messages_fts_ai AFTER INSERT ON ticket_messages BEGIN
    INSERT INTO ticket_message_fts(rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER ticket_messages_fts_ad AFTER DELETE ON ticket_messages BEGIN
    INSERT INTO ticket_message_fts(ticket_message_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER ticket_messages_fts_au AFTER UPDATE OF body ON ticket_messages BEGIN
    INSERT INTO ticket_message_fts(ticket_message_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO ticket_message_fts(rowid, body) VALUES (new.id, new.body);
END;
INSERT INTO sqlite_sequence(name, seq) VALUES ('tickets', 999);
"#;

/// Full-text search, PostgreSQL: generated `tsvector` columns with GIN indexes. The
/// `ayuda_search` configuration is `simple` (no stemming: tickets mix Spanish and English)
/// with accents folded by `unaccent`, to match SQLite's `remove_diacritics`.
const POSTGRES_FTS: &str = r#"
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION ayuda_search (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION ayuda_search
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
ALTER TABLE tickets ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('ayuda_search', title)) STORED;
CREATE INDEX idx_tickets_search ON tickets USING GIN (search);
ALTER TABLE ticket_messages ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('ayuda_search', body)) STORED;
CREATE INDEX idx_ticket_messages_search ON ticket_messages USING GIN (search);
ALTER SEQUENCE tickets_id_seq RESTART WITH 1000;
"#;

/// (name, description, Spanish name, Spanish description) of the seeded types.
const SEED_TYPES: [(&str, &str, &str, &str); 3] = [
    (
        "Billing",
        "Invoices, payments, plans and refunds.",
        "Facturación",
        "Facturas, pagos, planes y reembolsos.",
    ),
    (
        "Technical",
        "Something does not work as it should.",
        "Técnico",
        "Algo no funciona como debería.",
    ),
    (
        "General query",
        "Anything else you want to ask us.",
        "Consulta general",
        "Cualquier otra cosa que quieras preguntarnos.",
    ),
];

fn chrono_now() -> sea_orm_migration::sea_orm::prelude::DateTimeUtc {
    sea_orm_migration::sea_orm::prelude::ChronoUtc::now()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TicketTypes::Table)
                    .col(id_col(TicketTypes::Id))
                    .col(
                        ColumnDef::new(TicketTypes::Name)
                            .string_len(80)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(TicketTypes::Description).text().not_null())
                    .col(ColumnDef::new(TicketTypes::NameEs).string_len(80).null())
                    .col(ColumnDef::new(TicketTypes::DescriptionEs).text().null())
                    .col(ColumnDef::new(TicketTypes::NameEn).string_len(80).null())
                    .col(ColumnDef::new(TicketTypes::DescriptionEn).text().null())
                    .col(ColumnDef::new(TicketTypes::Active).boolean().not_null())
                    .col(ts(TicketTypes::CreatedAt))
                    .col(ts(TicketTypes::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TypeSubscriptions::Table)
                    .col(
                        ColumnDef::new(TypeSubscriptions::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(TypeSubscriptions::TypeId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ts(TypeSubscriptions::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(TypeSubscriptions::UserId)
                            .col(TypeSubscriptions::TypeId),
                    )
                    .foreign_key(&mut fk(
                        "fk_type_subscriptions_user",
                        (TypeSubscriptions::Table, TypeSubscriptions::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_type_subscriptions_type",
                        (TypeSubscriptions::Table, TypeSubscriptions::TypeId),
                        (TicketTypes::Table, TicketTypes::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // Who to notify of a new ticket of a type.
        manager
            .create_index(index(
                "idx_type_subscriptions_type",
                TypeSubscriptions::Table,
                &["type_id", "user_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Tickets::Table)
                    .col(id_col(Tickets::Id))
                    .col(ColumnDef::new(Tickets::Title).string_len(200).not_null())
                    .col(ColumnDef::new(Tickets::TypeId).big_integer().not_null())
                    .col(ColumnDef::new(Tickets::Status).string_len(16).not_null())
                    .col(ColumnDef::new(Tickets::Priority).string_len(16).not_null())
                    .col(ColumnDef::new(Tickets::Channel).string_len(16).not_null())
                    .col(
                        ColumnDef::new(Tickets::RequesterId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Tickets::AssigneeId).big_integer().null())
                    .col(ColumnDef::new(Tickets::ParentId).big_integer().null())
                    .col(ts(Tickets::CreatedAt))
                    .col(ts(Tickets::UpdatedAt))
                    .col(ts_null(Tickets::ResolvedAt))
                    .col(ts_null(Tickets::ClosedAt))
                    .foreign_key(&mut fk(
                        "fk_tickets_type",
                        (Tickets::Table, Tickets::TypeId),
                        (TicketTypes::Table, TicketTypes::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_tickets_requester",
                        (Tickets::Table, Tickets::RequesterId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_tickets_assignee",
                        (Tickets::Table, Tickets::AssigneeId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_tickets_parent",
                        (Tickets::Table, Tickets::ParentId),
                        (Tickets::Table, Tickets::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // One index per list filter, each ending in the id so "newest first" needs no sort
        // and the cursor is a range seek.
        for (name, cols) in [
            ("idx_tickets_status", &["status", "id"][..]),
            ("idx_tickets_requester", &["requester_id", "id"][..]),
            (
                "idx_tickets_requester_status",
                &["requester_id", "status", "id"][..],
            ),
            ("idx_tickets_assignee", &["assignee_id", "id"][..]),
            (
                "idx_tickets_assignee_status",
                &["assignee_id", "status", "id"][..],
            ),
            ("idx_tickets_type", &["type_id", "id"][..]),
            ("idx_tickets_type_status", &["type_id", "status", "id"][..]),
            // The auto-close job: resolved tickets by the time they were resolved.
            (
                "idx_tickets_status_resolved",
                &["status", "resolved_at"][..],
            ),
        ] {
            manager
                .create_index(index(name, Tickets::Table, cols))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(TicketMessages::Table)
                    .col(id_col(TicketMessages::Id))
                    .col(
                        ColumnDef::new(TicketMessages::TicketId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(TicketMessages::AuthorId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(TicketMessages::Body).text().not_null())
                    .col(ColumnDef::new(TicketMessages::BodyHtml).text().not_null())
                    .col(
                        ColumnDef::new(TicketMessages::Internal)
                            .boolean()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(TicketMessages::Channel)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ts(TicketMessages::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_ticket_messages_ticket",
                        (TicketMessages::Table, TicketMessages::TicketId),
                        (Tickets::Table, Tickets::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_ticket_messages_author",
                        (TicketMessages::Table, TicketMessages::AuthorId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_ticket_messages_ticket",
                TicketMessages::Table,
                &["ticket_id", "id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Attachments::Table)
                    .col(id_col(Attachments::Id))
                    .col(
                        ColumnDef::new(Attachments::UploaderId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Attachments::TicketId).big_integer().null())
                    .col(ColumnDef::new(Attachments::MessageId).big_integer().null())
                    .col(
                        ColumnDef::new(Attachments::Filename)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Attachments::ContentType)
                            .string_len(127)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Attachments::Size).big_integer().not_null())
                    .col(
                        ColumnDef::new(Attachments::Sha256)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ts(Attachments::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_attachments_uploader",
                        (Attachments::Table, Attachments::UploaderId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_attachments_ticket",
                        (Attachments::Table, Attachments::TicketId),
                        (Tickets::Table, Tickets::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_attachments_message",
                        (Attachments::Table, Attachments::MessageId),
                        (TicketMessages::Table, TicketMessages::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_attachments_message",
                Attachments::Table,
                &["message_id", "id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TicketEvents::Table)
                    .col(id_col(TicketEvents::Id))
                    .col(
                        ColumnDef::new(TicketEvents::TicketId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(TicketEvents::ActorId).big_integer().null())
                    .col(ColumnDef::new(TicketEvents::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(TicketEvents::Field).string_len(32).null())
                    .col(
                        ColumnDef::new(TicketEvents::FromValue)
                            .string_len(200)
                            .null(),
                    )
                    .col(ColumnDef::new(TicketEvents::ToValue).string_len(200).null())
                    .col(ts(TicketEvents::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_ticket_events_ticket",
                        (TicketEvents::Table, TicketEvents::TicketId),
                        (Tickets::Table, Tickets::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_ticket_events_actor",
                        (TicketEvents::Table, TicketEvents::ActorId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_ticket_events_ticket",
                TicketEvents::Table,
                &["ticket_id", "id"],
            ))
            .await?;

        // The types of the source documents, in both languages.
        let now = chrono_now();
        let mut seed = Query::insert();
        seed.into_table(TicketTypes::Table).columns([
            TicketTypes::Name,
            TicketTypes::Description,
            TicketTypes::NameEs,
            TicketTypes::DescriptionEs,
            TicketTypes::NameEn,
            TicketTypes::DescriptionEn,
            TicketTypes::Active,
            TicketTypes::CreatedAt,
            TicketTypes::UpdatedAt,
        ]);
        for (name, description, name_es, description_es) in SEED_TYPES {
            seed.values_panic([
                name.into(),
                description.into(),
                name_es.into(),
                description_es.into(),
                name.into(),
                description.into(),
                true.into(),
                now.into(),
                now.into(),
            ]);
        }
        manager.exec_stmt(seed).await?;

        let db = manager.get_connection();
        let script = match db.get_database_backend() {
            DbBackend::Sqlite => SQLITE_FTS,
            _ => POSTGRES_FTS,
        };
        db.execute_unprepared(script).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() == DbBackend::Sqlite {
            db.execute_unprepared(
                "DROP TABLE IF EXISTS ticket_title_fts; DROP TABLE IF EXISTS ticket_message_fts;",
            )
            .await?;
        }
        let drop_config = db.get_database_backend() == DbBackend::Postgres;
        for table in [
            TicketEvents::Table.into_iden(),
            Attachments::Table.into_iden(),
            TicketMessages::Table.into_iden(),
            Tickets::Table.into_iden(),
            TypeSubscriptions::Table.into_iden(),
            TicketTypes::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        if drop_config {
            db.execute_unprepared("DROP TEXT SEARCH CONFIGURATION IF EXISTS ayuda_search")
                .await?;
        }
        Ok(())
    }
}
