use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "forum_articles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub category_id: i64,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub body_html: String,
    pub locale: String,
    pub status: String,
    pub author_id: i64,
    pub views: i64,
    pub helpful_yes: i64,
    pub helpful_no: i64,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The article this one translates (into its `locale`).
    pub translation_of: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
