//! Ticket types (admin-managed, never hard-deleted) and the agents subscribed to them.

use ayuda_types::{TypeText, TypeTranslations};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use crate::entity::ticket_type::{ActiveModel, Column, Entity, Model};
use crate::entity::type_subscription;
use crate::entity::user;

pub use crate::entity::ticket_type::Model as TicketTypeRow;

/// Types by id; inactive ones only when asked.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    conn: &impl ConnectionTrait,
    include_inactive: bool,
) -> Result<Vec<Model>, DbErr> {
    let mut query = Entity::find();
    if !include_inactive {
        query = query.filter(Column::Active.eq(true));
    }
    query.order_by_asc(Column::Id).all(conn).await
}

/// One type.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(conn).await
}

/// The active type flagged for tickets that arrive by email or chat.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn default_type(conn: &impl ConnectionTrait) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::IsDefault.eq(true))
        .filter(Column::Active.eq(true))
        .one(conn)
        .await
}

/// Flags type `id` for tickets that arrive by email or chat, and unflags the one before.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn make_default(conn: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    use sea_orm::sea_query::Expr;
    Entity::update_many()
        .col_expr(Column::IsDefault, Expr::value(false))
        .filter(Column::IsDefault.eq(true))
        .filter(Column::Id.ne(id))
        .exec(conn)
        .await?;
    Entity::update_many()
        .col_expr(Column::IsDefault, Expr::value(true))
        .filter(Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Whether `id` names an active type, the only kind new tickets may use.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn is_active(conn: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    Ok(find(conn, id).await?.is_some_and(|t| t.active))
}

/// Stores a new active type. A duplicate name fails with a unique violation.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(
    conn: &impl ConnectionTrait,
    name: String,
    description: String,
    translations: &TypeTranslations,
    now: DateTime<Utc>,
) -> Result<Model, DbErr> {
    let mut row = ActiveModel {
        name: Set(name),
        description: Set(description),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    set_translations(&mut row, translations);
    row.insert(conn).await
}

/// Changes the given fields of a type.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(
    conn: &impl ConnectionTrait,
    row: Model,
    name: Option<String>,
    description: Option<String>,
    translations: Option<&TypeTranslations>,
    active: Option<bool>,
    now: DateTime<Utc>,
) -> Result<Model, DbErr> {
    let mut row: ActiveModel = row.into();
    if let Some(name) = name {
        row.name = Set(name);
    }
    if let Some(description) = description {
        row.description = Set(description);
    }
    if let Some(translations) = translations {
        set_translations(&mut row, translations);
    }
    if let Some(active) = active {
        row.active = Set(active);
    }
    row.updated_at = Set(now);
    row.update(conn).await
}

fn set_translations(row: &mut ActiveModel, translations: &TypeTranslations) {
    let parts = |t: &Option<TypeText>| {
        t.as_ref().map_or((None, None), |t| {
            (Some(t.name.clone()), Some(t.description.clone()))
        })
    };
    let (name_es, description_es) = parts(&translations.es);
    let (name_en, description_en) = parts(&translations.en);
    row.name_es = Set(name_es);
    row.description_es = Set(description_es);
    row.name_en = Set(name_en);
    row.description_en = Set(description_en);
}

/// The type ids a user is subscribed to.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn subscriptions_of(
    conn: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<i64>, DbErr> {
    Ok(type_subscription::Entity::find()
        .filter(type_subscription::Column::UserId.eq(user_id))
        .order_by_asc(type_subscription::Column::TypeId)
        .all(conn)
        .await?
        .into_iter()
        .map(|s| s.type_id)
        .collect())
}

/// Replaces a user's subscriptions with `type_ids` (which must exist).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn replace_subscriptions(
    conn: &impl ConnectionTrait,
    user_id: i64,
    type_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    type_subscription::Entity::delete_many()
        .filter(type_subscription::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    let mut ids = type_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    type_subscription::Entity::insert_many(ids.into_iter().map(|type_id| {
        type_subscription::ActiveModel {
            user_id: Set(user_id),
            type_id: Set(type_id),
            created_at: Set(now),
        }
    }))
    .exec(conn)
    .await
    .map(|_| ())
}

/// Who hears of a new ticket of `type_id`: the active staff subscribed to it, or every active
/// agent and admin when nobody is. One statement.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn staff_to_notify(
    conn: &impl ConnectionTrait,
    type_id: i64,
) -> Result<Vec<user::Model>, DbErr> {
    const STAFF: &str = "active = TRUE AND role IN ('agent', 'admin')";
    let mut sql = crate::sql::Sql::new(conn.get_database_backend(), "SELECT * FROM users WHERE ");
    sql.push(STAFF)
        .push(" AND (id IN (SELECT user_id FROM type_subscriptions WHERE type_id = ")
        .bind(type_id)
        .push(
            ") OR NOT EXISTS (SELECT 1 FROM type_subscriptions s JOIN users su ON su.id = s.user_id \
             WHERE su.active = TRUE AND su.role IN ('agent', 'admin') AND s.type_id = ",
        )
        .bind(type_id)
        .push(")) ORDER BY id");
    user::Entity::find()
        .from_raw_sql(sql.build())
        .all(conn)
        .await
}
