//! Live chat (`CHAT.md`): chats and their gapless event log, the bot's keyword tree, the
//! agents' chat presence and capacity, the desk feed, single-use WebSocket tickets, and
//! the link from a ticket to the chat it came from.

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
    ChatId,
}

#[derive(DeriveIden)]
enum Chats {
    Table,
    Id,
    CustomerId,
    State,
    BotActive,
    BotNodeId,
    BotMisses,
    Locale,
    Priority,
    QueuedAt,
    AssigneeId,
    AssignedAt,
    TicketId,
    CloseReason,
    PreviousChatId,
    LastSeq,
    CustomerReadSeq,
    AgentReadSeq,
    LastCustomerAt,
    CustomerSeenAt,
    MailedSeq,
    MailedAt,
    SoftOffered,
    InactiveWarned,
    Rating,
    RatingComment,
    CreatedAt,
    UpdatedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum ChatEvents {
    Table,
    Id,
    ChatId,
    Seq,
    Kind,
    AuthorKind,
    AuthorId,
    Body,
    BodyHtml,
    Data,
    ClientMsgId,
    Internal,
    CreatedAt,
}

#[derive(DeriveIden)]
enum BotKeywords {
    Table,
    Id,
    ParentId,
    Locale,
    Keyword,
    Aliases,
    Response,
    ResponseHtml,
    ArticleIds,
    Position,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AgentPresence {
    Table,
    UserId,
    Status,
    MaxChats,
    ConnectedUntil,
    LastAssignedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DeskEvents {
    Table,
    Seq,
    Kind,
    ChatId,
    Data,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WsTickets {
    Table,
    TokenHash,
    UserId,
    ChatId,
    ExpiresAt,
}

fn big(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().to_owned()
}

fn big_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().null().to_owned()
}

fn text(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Chats::Table)
                    .col(id_col(Chats::Id))
                    .col(big(Chats::CustomerId))
                    .col(text(Chats::State, 16))
                    .col(ColumnDef::new(Chats::BotActive).boolean().not_null())
                    // The keyword whose follow-ups the bot offers now; null: the greeting's.
                    .col(big_null(Chats::BotNodeId))
                    .col(
                        ColumnDef::new(Chats::BotMisses)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(text(Chats::Locale, 8))
                    .col(
                        ColumnDef::new(Chats::Priority)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ts_null(Chats::QueuedAt))
                    .col(big_null(Chats::AssigneeId))
                    .col(ts_null(Chats::AssignedAt))
                    .col(big_null(Chats::TicketId))
                    .col(ColumnDef::new(Chats::CloseReason).string_len(32).null())
                    .col(big_null(Chats::PreviousChatId))
                    .col(big(Chats::LastSeq).default(0).to_owned())
                    .col(big(Chats::CustomerReadSeq).default(0).to_owned())
                    .col(big(Chats::AgentReadSeq).default(0).to_owned())
                    .col(ts(Chats::LastCustomerAt))
                    // Until when the customer had a live socket (offline email batching).
                    .col(ts(Chats::CustomerSeenAt))
                    .col(big(Chats::MailedSeq).default(0).to_owned())
                    .col(ts_null(Chats::MailedAt))
                    .col(
                        ColumnDef::new(Chats::SoftOffered)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Chats::InactiveWarned)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(ColumnDef::new(Chats::Rating).small_integer().null())
                    .col(ColumnDef::new(Chats::RatingComment).text().null())
                    .col(ts(Chats::CreatedAt))
                    .col(ts(Chats::UpdatedAt))
                    .col(ts_null(Chats::ClosedAt))
                    .foreign_key(&mut fk(
                        "fk_chats_customer",
                        (Chats::Table, Chats::CustomerId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_chats_assignee",
                        (Chats::Table, Chats::AssigneeId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            // A customer's chats, newest first; staff lists by id.
            ("idx_chats_customer", &["customer_id", "id"][..]),
            // The queue: priority, then queued_at.
            ("idx_chats_queue", &["state", "priority", "queued_at", "id"]),
            // Capacity and an agent's active chats.
            ("idx_chats_assignee", &["assignee_id", "state"]),
            // Timers look at open chats by how long they have been quiet.
            ("idx_chats_state_updated", &["state", "updated_at"]),
            // Recent waits, for the wait estimate.
            ("idx_chats_assigned_at", &["assigned_at"]),
        ] {
            manager
                .create_index(index(name, Chats::Table, cols))
                .await?;
        }
        let db = manager.get_connection();
        // One open chat per customer: `POST /chats` twice at once yields one chat.
        db.execute_unprepared(
            "CREATE UNIQUE INDEX idx_chats_one_open ON chats (customer_id) \
             WHERE state <> 'closed'",
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ChatEvents::Table)
                    .col(id_col(ChatEvents::Id))
                    .col(big(ChatEvents::ChatId))
                    .col(big(ChatEvents::Seq))
                    .col(text(ChatEvents::Kind, 32))
                    .col(ColumnDef::new(ChatEvents::AuthorKind).string_len(16).null())
                    .col(big_null(ChatEvents::AuthorId))
                    .col(ColumnDef::new(ChatEvents::Body).text().null())
                    .col(ColumnDef::new(ChatEvents::BodyHtml).text().null())
                    .col(ColumnDef::new(ChatEvents::Data).text().not_null())
                    .col(
                        ColumnDef::new(ChatEvents::ClientMsgId)
                            .string_len(64)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ChatEvents::Internal)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(ts(ChatEvents::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_chat_events_chat",
                        (ChatEvents::Table, ChatEvents::ChatId),
                        (Chats::Table, Chats::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "idx_chat_events_seq",
                    ChatEvents::Table,
                    &["chat_id", "seq"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        // A resent message finds the first; two NULLs never collide.
        manager
            .create_index(
                index(
                    "idx_chat_events_client_msg",
                    ChatEvents::Table,
                    &["chat_id", "client_msg_id"],
                )
                .unique()
                .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(BotKeywords::Table)
                    .col(id_col(BotKeywords::Id))
                    .col(big_null(BotKeywords::ParentId))
                    .col(text(BotKeywords::Locale, 8))
                    .col(text(BotKeywords::Keyword, 80))
                    // JSON arrays.
                    .col(ColumnDef::new(BotKeywords::Aliases).text().not_null())
                    .col(ColumnDef::new(BotKeywords::Response).text().not_null())
                    .col(ColumnDef::new(BotKeywords::ResponseHtml).text().not_null())
                    .col(ColumnDef::new(BotKeywords::ArticleIds).text().not_null())
                    .col(
                        ColumnDef::new(BotKeywords::Position)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ts(BotKeywords::CreatedAt))
                    .col(ts(BotKeywords::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_bot_keywords_parent",
                        (BotKeywords::Table, BotKeywords::ParentId),
                        (BotKeywords::Table, BotKeywords::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_bot_keywords_tree",
                BotKeywords::Table,
                &["locale", "parent_id", "position"],
            ))
            .await?;
        manager
            .create_index(index(
                "idx_bot_keywords_parent",
                BotKeywords::Table,
                &["parent_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AgentPresence::Table)
                    .col(
                        ColumnDef::new(AgentPresence::UserId)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(text(AgentPresence::Status, 16))
                    .col(ColumnDef::new(AgentPresence::MaxChats).integer().not_null())
                    // Until when a live console connection of this agent counts (the
                    // instance holding it pushes this forward every 15 s).
                    .col(ts_null(AgentPresence::ConnectedUntil))
                    .col(ts_null(AgentPresence::LastAssignedAt))
                    .col(ts(AgentPresence::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_agent_presence_user",
                        (AgentPresence::Table, AgentPresence::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DeskEvents::Table)
                    .col(
                        ColumnDef::new(DeskEvents::Seq)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(text(DeskEvents::Kind, 32))
                    .col(big_null(DeskEvents::ChatId))
                    .col(ColumnDef::new(DeskEvents::Data).text().not_null())
                    .col(ts(DeskEvents::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_desk_events_created",
                DeskEvents::Table,
                &["created_at"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(WsTickets::Table)
                    .col(
                        ColumnDef::new(WsTickets::TokenHash)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(big(WsTickets::UserId))
                    // Null: the agent console's socket.
                    .col(big_null(WsTickets::ChatId))
                    .col(ts(WsTickets::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_ws_tickets_expires",
                WsTickets::Table,
                &["expires_at"],
            ))
            .await?;

        manager
            .alter_table(
                Table::alter()
                    .table(Tickets::Table)
                    .add_column(big_null(Tickets::ChatId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_tickets_chat", Tickets::Table, &["chat_id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_tickets_chat")
                    .table(Tickets::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Tickets::Table)
                    .drop_column(Tickets::ChatId)
                    .to_owned(),
            )
            .await?;
        for table in [
            WsTickets::Table.into_iden(),
            DeskEvents::Table.into_iden(),
            AgentPresence::Table.into_iden(),
            BotKeywords::Table.into_iden(),
            ChatEvents::Table.into_iden(),
            Chats::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
