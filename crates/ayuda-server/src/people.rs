//! Looking people up: the users list (admins; agents find customers), one user, and the
//! staff a ticket can be assigned to. Creating and changing accounts is in
//! [`crate::accounts`].

use ayuda_db::DbErr;
use ayuda_db::users::{self, UserRow};
use ayuda_types::{ListUsersParams, Locale, Page, Role, User, UserRef};

use crate::auth::require_staff;
use crate::error::{ApiError, ApiResult};
use crate::pagination;
use crate::state::AppState;

/// Users, newest first, of one role or matching a search. Admins see everyone; agents only
/// customers (to find whom a ticket is for).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    state: &AppState,
    user: &UserRow,
    params: ListUsersParams,
) -> ApiResult<Page<User>> {
    let role = match require_staff(user)? {
        Role::Admin => params.role,
        _ => Some(Role::Customer),
    };
    let limit = pagination::limit(params.limit)?;
    let before: Option<i64> = state.cursors.decode(params.cursor.as_deref())?;
    let rows = users::list(&state.db, role, params.q.as_deref(), before, limit).await?;
    Ok(state.cursors.try_page(rows, limit, |r| r.id, to_wire)?)
}

/// User `id`: admins see anyone, agents customers (the requester beside a ticket).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn one(state: &AppState, user: &UserRow, id: i64) -> ApiResult<User> {
    let role = require_staff(user)?;
    let row = users::find_by_id(&state.db, id)
        .await?
        .filter(|u| role == Role::Admin || !users::is_staff(u))
        .ok_or(ApiError::NotFound)?;
    Ok(to_wire(&row)?)
}

/// The active agents and admins, by name: whom a ticket can be assigned to.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn assignable(state: &AppState, user: &UserRow) -> ApiResult<Vec<UserRef>> {
    require_staff(user)?;
    Ok(users::active_staff(&state.db)
        .await?
        .into_iter()
        .map(|u| UserRef {
            id: u.id,
            name: u.name,
        })
        .collect())
}

/// The language to show and write to `user` in; the default one if the stored language is
/// one Ayuda does not know (logged by [`ayuda_db::stored::read`]: a language is no
/// privilege, and mail must still go out).
pub fn user_locale(settings: &crate::Settings, user: &UserRow) -> Locale {
    ayuda_db::stored::read("users.locale", &user.locale, Locale::parse)
        .unwrap_or(settings.default_locale)
}

/// The API view of a stored user; an unknown role or locale is an error
/// ([`ayuda_db::stored`]).
pub fn to_wire(row: &UserRow) -> Result<User, DbErr> {
    Ok(User {
        id: row.id,
        email: row.email.clone(),
        name: row.name.clone(),
        username: row.username.clone(),
        phone: row.phone.clone(),
        role: users::role_of(row)?,
        locale: ayuda_db::stored::read("users.locale", &row.locale, Locale::parse)?,
        active: row.active,
        activated_at: row.activated_at,
        created_at: row.created_at,
    })
}
