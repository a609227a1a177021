use sea_orm::entity::prelude::*;

/// A ticket; its id is its number.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tickets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub type_id: i64,
    pub status: String,
    pub priority: String,
    pub channel: String,
    pub requester_id: i64,
    pub assignee_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    /// Since when the customer has waited for an answer; `None` once staff answered.
    pub waiting_since: Option<DateTimeUtc>,
    /// The last public message: when, its first 200 characters, and whether staff wrote it.
    pub last_message_at: Option<DateTimeUtc>,
    pub last_message_excerpt: Option<String>,
    pub last_message_staff: Option<bool>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
