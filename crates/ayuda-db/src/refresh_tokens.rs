//! Rotating refresh tokens. Each login starts a family; each refresh spends the presented
//! token and issues the next one in the same family. Presenting a spent token means it was
//! copied, so the whole family is revoked (OAuth 2.0 Security BCP, refresh token rotation).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};

use crate::entity::refresh_token::{ActiveModel, Column, Entity};

/// What presenting a refresh token led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// The token was valid and is now spent; issue the next one in `family_id`.
    Rotated {
        /// Owner of the session.
        user_id: i64,
        /// Session family to continue.
        family_id: String,
    },
    /// The token had been spent before: its family is now revoked.
    Reused {
        /// Owner of the revoked session.
        user_id: i64,
    },
    /// Unknown, expired or revoked.
    Invalid,
}

/// Stores a new refresh token of a family.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn issue(
    conn: &impl ConnectionTrait,
    user_id: i64,
    family_id: &str,
    token_hash: String,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    ActiveModel {
        user_id: Set(user_id),
        family_id: Set(family_id.to_owned()),
        token_hash: Set(token_hash),
        expires_at: Set(expires_at),
        used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map(|_| ())
}

/// Spends a refresh token (see [`Rotation`]). The check-and-spend is one conditional
/// UPDATE, so of two concurrent refreshes with the same token only one wins.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn rotate(
    conn: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Rotation, DbErr> {
    let spent = Entity::update_many()
        .col_expr(Column::UsedAt, Expr::value(now))
        .filter(Column::TokenHash.eq(token_hash))
        .filter(Column::UsedAt.is_null())
        .filter(Column::RevokedAt.is_null())
        .filter(Column::ExpiresAt.gt(now))
        .exec(conn)
        .await?;
    let Some(row) = Entity::find()
        .filter(Column::TokenHash.eq(token_hash))
        .one(conn)
        .await?
    else {
        return Ok(Rotation::Invalid);
    };
    if spent.rows_affected == 1 {
        return Ok(Rotation::Rotated {
            user_id: row.user_id,
            family_id: row.family_id,
        });
    }
    if row.used_at.is_some() && row.revoked_at.is_none() {
        revoke_family(conn, &row.family_id, now).await?;
        return Ok(Rotation::Reused {
            user_id: row.user_id,
        });
    }
    Ok(Rotation::Invalid)
}

/// Revokes every token of a session family.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn revoke_family(
    conn: &impl ConnectionTrait,
    family_id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::RevokedAt, Expr::value(now))
        .filter(Column::FamilyId.eq(family_id))
        .filter(Column::RevokedAt.is_null())
        .exec(conn)
        .await
        .map(|_| ())
}

/// Revokes the family of the session a token belongs to (logout), returning the session's
/// owner. Unknown tokens are ignored.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn revoke_session_of(
    conn: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let Some(row) = Entity::find()
        .filter(Column::TokenHash.eq(token_hash))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    revoke_family(conn, &row.family_id, now).await?;
    Ok(Some(row.user_id))
}

/// Revokes every session of a user but `keep` (a password changed from that session).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn revoke_user_except(
    conn: &impl ConnectionTrait,
    user_id: i64,
    keep: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::RevokedAt, Expr::value(now))
        .filter(Column::UserId.eq(user_id))
        .filter(Column::FamilyId.ne(keep))
        .filter(Column::RevokedAt.is_null())
        .exec(conn)
        .await
        .map(|_| ())
}

/// Revokes every session of a user (password reset, deactivation).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn revoke_user(
    conn: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::RevokedAt, Expr::value(now))
        .filter(Column::UserId.eq(user_id))
        .filter(Column::RevokedAt.is_null())
        .exec(conn)
        .await
        .map(|_| ())
}
