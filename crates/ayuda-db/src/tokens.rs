//! One-time tokens sent by email (account activation, password reset). Only their SHA-256
//! is stored, so a database leak does not hand out working links.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};

use crate::entity::auth_token::{ActiveModel, Column, Entity};

/// What an emailed token allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Choose the first password (welcome or invitation email).
    Activation,
    /// Choose a new password (forgot-password email).
    Reset,
    /// Confirm a new email address (sent to that address).
    EmailChange,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Activation => "activation",
            Purpose::Reset => "reset",
            Purpose::EmailChange => "email_change",
        }
    }
}

/// Stores a new token and spends the user's earlier unused ones of the same purpose, so only
/// the newest link works.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn issue(
    conn: &impl ConnectionTrait,
    user_id: i64,
    purpose: Purpose,
    token_hash: String,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
    new_email: Option<String>,
) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::UsedAt, Expr::value(now))
        .filter(Column::UserId.eq(user_id))
        .filter(Column::Purpose.eq(purpose.as_str()))
        .filter(Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    ActiveModel {
        user_id: Set(user_id),
        purpose: Set(purpose.as_str().to_owned()),
        token_hash: Set(token_hash),
        expires_at: Set(expires_at),
        used_at: Set(None),
        created_at: Set(now),
        new_email: Set(new_email),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map(|_| ())
}

/// Spends a token: returns its user when it exists, has this purpose, is unused and
/// unexpired. One conditional UPDATE does the check and the spending, so two concurrent
/// requests with the same token cannot both succeed.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn consume(
    conn: &impl ConnectionTrait,
    token_hash: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let spent = Entity::update_many()
        .col_expr(Column::UsedAt, Expr::value(now))
        .filter(Column::TokenHash.eq(token_hash))
        .filter(Column::Purpose.eq(purpose.as_str()))
        .filter(Column::UsedAt.is_null())
        .filter(Column::ExpiresAt.gt(now))
        .exec(conn)
        .await?;
    if spent.rows_affected != 1 {
        return Ok(None);
    }
    Ok(Entity::find()
        .filter(Column::TokenHash.eq(token_hash))
        .one(conn)
        .await?
        .map(|t| t.user_id))
}

/// The address an email-change token confirms (after [`consume`] spent it).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn new_email_of(
    conn: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<String>, DbErr> {
    Ok(Entity::find()
        .filter(Column::TokenHash.eq(token_hash))
        .filter(Column::Purpose.eq(Purpose::EmailChange.as_str()))
        .one(conn)
        .await?
        .and_then(|t| t.new_email))
}

/// Makes a token spent by [`consume`] usable again (the work it was spent for could not be
/// done, and the holder should be able to retry).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn restore(
    conn: &impl ConnectionTrait,
    token_hash: &str,
    purpose: Purpose,
) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::UsedAt, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(Column::TokenHash.eq(token_hash))
        .filter(Column::Purpose.eq(purpose.as_str()))
        .exec(conn)
        .await
        .map(|_| ())
}
