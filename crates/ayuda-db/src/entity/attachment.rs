use sea_orm::entity::prelude::*;

/// An uploaded file; linked to a ticket message or a chat message once its uploader sends
/// it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attachments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub uploader_id: i64,
    pub ticket_id: Option<i64>,
    pub message_id: Option<i64>,
    /// The chat message event it came with.
    pub chat_event_id: Option<i64>,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
