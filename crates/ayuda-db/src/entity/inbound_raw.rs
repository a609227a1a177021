use sea_orm::entity::prelude::*;

/// The bytes of an inbound message: in `bytes`, or, for a large one, in the raw-mail file
/// store under `sha256` (`bytes` then empty).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inbound_raw")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub inbound_email_id: i64,
    pub bytes: Vec<u8>,
    pub sha256: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
