use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "forum_comments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub article_id: i64,
    pub author_id: i64,
    pub body: String,
    pub body_html: String,
    pub created_at: DateTimeUtc,
    /// When staff hid it (kept, shown to staff only).
    pub hidden_at: Option<DateTimeUtc>,
    /// Who hid it.
    pub hidden_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
