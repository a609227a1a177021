use sea_orm::entity::prelude::*;

/// An email received by intake, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inbound_emails")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub dedupe_key: String,
    pub message_id: Option<String>,
    pub source: String,
    pub from_address: Option<String>,
    pub from_name: Option<String>,
    pub subject: String,
    pub outcome: String,
    pub reason: String,
    pub ticket_id: Option<i64>,
    pub ticket_message_id: Option<i64>,
    pub answered: bool,
    pub raw_size: i64,
    pub headers: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
