//! Canned replies: agents keep their own, admins keep the shared ones, every agent uses
//! both from the composer (placeholders are filled in there, from the ticket at hand).

use ayuda_db::canned_replies::{self, CannedReplyView, NewCannedReply};
use ayuda_db::users::{self, UserRow};
use ayuda_types::{CannedReply, CreateCannedReply, Locale, Role, UpdateCannedReply, UserRef};
use chrono::Utc;

use crate::auth::require_staff;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

fn is_admin(user: &UserRow) -> bool {
    users::role_of(user).is_ok_and(|r| r == Role::Admin)
}

/// The replies `user` may use: shared ones and their own, by title.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(state: &AppState, user: &UserRow) -> ApiResult<Vec<CannedReply>> {
    require_staff(user)?;
    let rows = canned_replies::usable_by(&state.db, user.id).await?;
    Ok(rows.iter().map(to_wire).collect::<Result<_, _>>()?)
}

/// Adds a reply: the caller's own, or shared (admins only).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn create(
    state: &AppState,
    user: &UserRow,
    input: CreateCannedReply,
) -> ApiResult<CannedReply> {
    require_staff(user)?;
    if input.shared && !is_admin(user) {
        return Err(ApiError::Forbidden);
    }
    let txn = state.writer.begin().await?;
    let row = canned_replies::insert(
        &txn,
        NewCannedReply {
            owner_id: (!input.shared).then_some(user.id),
            locale: input.locale,
            title: input.title.trim().to_owned(),
            body: input.body,
        },
        Utc::now(),
    )
    .await?;
    txn.commit().await?;
    read(state, row.id).await
}

/// Changes a reply the caller may manage: their own, or a shared one (admins).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(
    state: &AppState,
    user: &UserRow,
    id: i64,
    input: UpdateCannedReply,
) -> ApiResult<CannedReply> {
    let txn = state.writer.begin().await?;
    let row = manageable(&txn, user, id).await?;
    canned_replies::update(
        &txn,
        row,
        input.title.map(|t| t.trim().to_owned()),
        input.body,
        input.locale,
        Utc::now(),
    )
    .await?;
    txn.commit().await?;
    read(state, id).await
}

/// Deletes a reply the caller may manage.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(state: &AppState, user: &UserRow, id: i64) -> ApiResult<()> {
    let txn = state.writer.begin().await?;
    manageable(&txn, user, id).await?;
    canned_replies::delete(&txn, id).await?;
    txn.commit().await?;
    Ok(())
}

/// The reply if `user` may change it: 404 when they cannot even use it (another agent's),
/// 403 when it is shared and they are not an admin.
#[tracing::instrument(level = "debug", skip_all)]
async fn manageable(
    conn: &impl ayuda_db::ConnectionTrait,
    user: &UserRow,
    id: i64,
) -> ApiResult<canned_replies::CannedReplyRow> {
    require_staff(user)?;
    let row = canned_replies::find_usable(conn, id, user.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if row.owner_id.is_none() && !is_admin(user) {
        return Err(ApiError::Forbidden);
    }
    Ok(row)
}

#[tracing::instrument(level = "debug", skip_all)]
async fn read(state: &AppState, id: i64) -> ApiResult<CannedReply> {
    let view: CannedReplyView = canned_replies::find_view(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(to_wire(&view)?)
}

/// The API view; an unknown stored language is an error ([`ayuda_db::stored`]).
pub fn to_wire(v: &CannedReplyView) -> Result<CannedReply, ayuda_db::DbErr> {
    Ok(CannedReply {
        id: v.id,
        title: v.title.clone(),
        body: v.body.clone(),
        locale: ayuda_db::stored::read("canned_replies.locale", &v.locale, Locale::parse)?,
        shared: v.owner_id.is_none(),
        owner: v
            .owner_id
            .zip(v.owner_name.clone())
            .map(|(id, name)| UserRef { id, name }),
        updated_at: v.updated_at,
    })
}
