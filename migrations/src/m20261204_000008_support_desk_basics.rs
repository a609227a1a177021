//! What a support team needs on day one: one "was this helpful" vote per reader, email
//! changes confirmed by a link, canned replies, who else is on a ticket, the knowledge base
//! per language, and a queue sorted by how long the customer has waited.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

use crate::columns::{fk, id_col, index, ts, ts_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Tickets {
    Table,
    WaitingSince,
    LastMessageAt,
    LastMessageExcerpt,
    LastMessageStaff,
}

#[derive(DeriveIden)]
enum ForumArticles {
    Table,
    Id,
    TranslationOf,
}

#[derive(DeriveIden)]
enum ForumCategories {
    Table,
    NameEs,
    NameEn,
    DescriptionEs,
    DescriptionEn,
}

#[derive(DeriveIden)]
enum AuthTokens {
    Table,
    NewEmail,
}

#[derive(DeriveIden)]
enum ArticleVotes {
    Table,
    Id,
    ArticleId,
    Voter,
    Helpful,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CannedReplies {
    Table,
    Id,
    OwnerId,
    Locale,
    Title,
    Body,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TicketViewers {
    Table,
    TicketId,
    UserId,
    Replying,
    SeenAt,
}

/// Fills the new ticket columns from the conversations already stored: the last public
/// message, whether staff wrote it, and since when the customer has waited for an answer
/// (their oldest message after the last public staff message, for tickets still active).
const BACKFILL_TICKETS: &[&str] = &[
    "UPDATE tickets SET last_message_at = (SELECT MAX(m.created_at) FROM ticket_messages m \
     WHERE m.ticket_id = tickets.id AND m.internal = false)",
    "UPDATE tickets SET \
     last_message_staff = (SELECT u.role <> 'customer' FROM ticket_messages m \
       JOIN users u ON u.id = m.author_id \
       WHERE m.ticket_id = tickets.id AND m.internal = false \
       ORDER BY m.created_at DESC, m.id DESC LIMIT 1), \
     last_message_excerpt = (SELECT SUBSTR(m.body, 1, 200) FROM ticket_messages m \
       WHERE m.ticket_id = tickets.id AND m.internal = false \
       ORDER BY m.created_at DESC, m.id DESC LIMIT 1)",
    "UPDATE tickets SET waiting_since = (SELECT MIN(m.created_at) FROM ticket_messages m \
       JOIN users u ON u.id = m.author_id \
       WHERE m.ticket_id = tickets.id AND m.internal = false AND u.role = 'customer' \
       AND NOT EXISTS (SELECT 1 FROM ticket_messages s JOIN users su ON su.id = s.author_id \
         WHERE s.ticket_id = tickets.id AND s.internal = false AND su.role <> 'customer' \
         AND s.created_at >= m.created_at)) \
     WHERE status IN ('new', 'open')",
];

fn add(table: impl IntoIden, column: ColumnDef) -> TableAlterStatement {
    Table::alter().table(table).add_column(column).to_owned()
}

fn string_null(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE, and no foreign key to an existing table.
        for column in [
            ts_null(Tickets::WaitingSince),
            ts_null(Tickets::LastMessageAt),
            string_null(Tickets::LastMessageExcerpt, 200),
            ColumnDef::new(Tickets::LastMessageStaff)
                .boolean()
                .null()
                .to_owned(),
        ] {
            manager.alter_table(add(Tickets::Table, column)).await?;
        }
        let translation_of = ColumnDef::new(ForumArticles::TranslationOf)
            .big_integer()
            .null()
            .to_owned();
        manager
            .alter_table(add(ForumArticles::Table, translation_of))
            .await?;
        for (col, len) in [
            (ForumCategories::NameEs, 80),
            (ForumCategories::NameEn, 80),
            (ForumCategories::DescriptionEs, 500),
            (ForumCategories::DescriptionEn, 500),
        ] {
            manager
                .alter_table(add(ForumCategories::Table, string_null(col, len)))
                .await?;
        }
        manager
            .alter_table(add(
                AuthTokens::Table,
                string_null(AuthTokens::NewEmail, 254),
            ))
            .await?;

        let db = manager.get_connection();
        for statement in BACKFILL_TICKETS {
            db.execute_unprepared(statement).await?;
        }
        // The agents' queue: oldest waiting first, or most recently updated first.
        for (name, cols) in [
            ("idx_tickets_waiting_since", &["waiting_since", "id"]),
            ("idx_tickets_updated_at", &["updated_at", "id"]),
        ] {
            manager
                .create_index(index(name, Tickets::Table, cols))
                .await?;
        }
        manager
            .create_index(index(
                "idx_forum_articles_translation_of",
                ForumArticles::Table,
                &["translation_of"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ArticleVotes::Table)
                    .col(id_col(ArticleVotes::Id))
                    .col(
                        ColumnDef::new(ArticleVotes::ArticleId)
                            .big_integer()
                            .not_null(),
                    )
                    // `u:<user id>` for a signed-in reader, `b:<random id>` for a browser.
                    .col(
                        ColumnDef::new(ArticleVotes::Voter)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ArticleVotes::Helpful).boolean().not_null())
                    .col(ts(ArticleVotes::CreatedAt))
                    .col(ts(ArticleVotes::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_article_votes_article",
                        (ArticleVotes::Table, ArticleVotes::ArticleId),
                        (ForumArticles::Table, ForumArticles::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "idx_article_votes_voter",
                    ArticleVotes::Table,
                    &["article_id", "voter"],
                )
                .unique()
                .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CannedReplies::Table)
                    .col(id_col(CannedReplies::Id))
                    // Null: shared with every agent.
                    .col(ColumnDef::new(CannedReplies::OwnerId).big_integer().null())
                    .col(
                        ColumnDef::new(CannedReplies::Locale)
                            .string_len(8)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CannedReplies::Title)
                            .string_len(120)
                            .not_null(),
                    )
                    .col(ColumnDef::new(CannedReplies::Body).text().not_null())
                    .col(ts(CannedReplies::CreatedAt))
                    .col(ts(CannedReplies::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_canned_replies_owner",
                        (CannedReplies::Table, CannedReplies::OwnerId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_canned_replies_owner",
                CannedReplies::Table,
                &["owner_id", "title"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TicketViewers::Table)
                    .col(
                        ColumnDef::new(TicketViewers::TicketId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(TicketViewers::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(TicketViewers::Replying).boolean().not_null())
                    .col(ts(TicketViewers::SeenAt))
                    .primary_key(
                        Index::create()
                            .col(TicketViewers::TicketId)
                            .col(TicketViewers::UserId),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Alias::new("ticket_viewers"),
            Alias::new("canned_replies"),
            Alias::new("article_votes"),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for (name, table) in [
            ("idx_forum_articles_translation_of", "forum_articles"),
            ("idx_tickets_updated_at", "tickets"),
            ("idx_tickets_waiting_since", "tickets"),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
                .await?;
        }
        let drops: [(&str, &[&str]); 4] = [
            (
                "tickets",
                &[
                    "waiting_since",
                    "last_message_at",
                    "last_message_excerpt",
                    "last_message_staff",
                ],
            ),
            ("forum_articles", &["translation_of"]),
            (
                "forum_categories",
                &["name_es", "name_en", "description_es", "description_en"],
            ),
            ("auth_tokens", &["new_email"]),
        ];
        for (table, columns) in drops {
            for column in columns {
                manager
                    .alter_table(
                        Table::alter()
                            .table(Alias::new(table))
                            .drop_column(Alias::new(*column))
                            .to_owned(),
                    )
                    .await?;
            }
        }
        Ok(())
    }
}
