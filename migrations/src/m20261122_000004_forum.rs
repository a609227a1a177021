//! The forum / knowledge base: categories, articles (with full-text search) and comments.

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
enum ForumCategories {
    Table,
    Id,
    Slug,
    Name,
    Description,
    Position,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ForumArticles {
    Table,
    Id,
    CategoryId,
    Slug,
    Title,
    Body,
    BodyHtml,
    Locale,
    Status,
    AuthorId,
    Views,
    HelpfulYes,
    HelpfulNo,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ForumComments {
    Table,
    Id,
    ArticleId,
    AuthorId,
    Body,
    BodyHtml,
    CreatedAt,
}

/// SQLite: an FTS5 index over titles and bodies, kept in step by triggers.
const SQLITE_FTS: &str = r#"
CREATE VIRTUAL TABLE forum_article_fts USING fts5(
    title, body, content='forum_articles', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER forum_articles_fts_ai AFTER INSERT ON forum_articles BEGIN
    INSERT INTO forum_article_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER forum_articles_fts_ad AFTER DELETE ON forum_articles BEGIN
    INSERT INTO forum_article_fts(forum_article_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER forum_articles_fts_au AFTER UPDATE OF title, body ON forum_articles BEGIN
    INSERT INTO forum_article_fts(forum_article_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO forum_article_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
"#;

/// PostgreSQL: a weighted `tsvector` (title above body) with a GIN index, in the
/// accent-folding configuration of the tickets migration.
const POSTGRES_FTS: &str = r#"
ALTER TABLE forum_articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('ayuda_search', title), 'A') ||
    setweight(to_tsvector('ayuda_search', body), 'B')) STORED;
CREATE INDEX idx_forum_articles_search ON forum_articles USING GIN (search);
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ForumCategories::Table)
                    .col(id_col(ForumCategories::Id))
                    .col(
                        ColumnDef::new(ForumCategories::Slug)
                            .string_len(80)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(ForumCategories::Name)
                            .string_len(80)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ForumCategories::Description)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ForumCategories::Position)
                            .integer()
                            .not_null(),
                    )
                    .col(ts(ForumCategories::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ForumArticles::Table)
                    .col(id_col(ForumArticles::Id))
                    .col(
                        ColumnDef::new(ForumArticles::CategoryId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ForumArticles::Slug)
                            .string_len(100)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(ForumArticles::Title)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ForumArticles::Body).text().not_null())
                    .col(ColumnDef::new(ForumArticles::BodyHtml).text().not_null())
                    .col(
                        ColumnDef::new(ForumArticles::Locale)
                            .string_len(8)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ForumArticles::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ForumArticles::AuthorId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ForumArticles::Views)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(ForumArticles::HelpfulYes)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(ForumArticles::HelpfulNo)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ts_null(ForumArticles::PublishedAt))
                    .col(ts(ForumArticles::CreatedAt))
                    .col(ts(ForumArticles::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_forum_articles_category",
                        (ForumArticles::Table, ForumArticles::CategoryId),
                        (ForumCategories::Table, ForumCategories::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_forum_articles_author",
                        (ForumArticles::Table, ForumArticles::AuthorId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // Article lists: by status (published, or drafts for agents), optionally in one
        // category, newest first; and the per-category counts.
        for (name, cols) in [
            ("idx_forum_articles_status", &["status", "id"][..]),
            (
                "idx_forum_articles_category",
                &["category_id", "status", "id"][..],
            ),
        ] {
            manager
                .create_index(index(name, ForumArticles::Table, cols))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ForumComments::Table)
                    .col(id_col(ForumComments::Id))
                    .col(
                        ColumnDef::new(ForumComments::ArticleId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ForumComments::AuthorId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ForumComments::Body).text().not_null())
                    .col(ColumnDef::new(ForumComments::BodyHtml).text().not_null())
                    .col(ts(ForumComments::CreatedAt))
                    .foreign_key(
                        fk(
                            "fk_forum_comments_article",
                            (ForumComments::Table, ForumComments::ArticleId),
                            (ForumArticles::Table, ForumArticles::Id),
                        )
                        .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut fk(
                        "fk_forum_comments_author",
                        (ForumComments::Table, ForumComments::AuthorId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_forum_comments_article",
                ForumComments::Table,
                &["article_id", "id"],
            ))
            .await?;

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
            db.execute_unprepared("DROP TABLE IF EXISTS forum_article_fts")
                .await?;
        }
        for table in [
            ForumComments::Table.into_iden(),
            ForumArticles::Table.into_iden(),
            ForumCategories::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
