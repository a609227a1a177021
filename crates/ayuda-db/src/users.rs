//! Accounts: lookup by any login identifier, creation, profile and admin changes.

use ayuda_types::{Locale, Role};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::entity::user::{ActiveModel, Column, Entity, Model};
use crate::stored;

pub use crate::entity::user::Model as UserRow;

/// How a user is looked up at login.
#[derive(Debug, Clone, Copy)]
pub enum Lookup<'a> {
    /// Lowercased email.
    Email(&'a str),
    /// Lowercased username.
    Username(&'a str),
    /// Normalized phone (`+` and digits).
    Phone(&'a str),
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Lowercased email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Lowercased username.
    pub username: Option<String>,
    /// Normalized phone.
    pub phone: Option<String>,
    /// Role.
    pub role: Role,
    /// Preferred language.
    pub locale: Locale,
    /// Argon2 hash, when the password is known at creation (admin bootstrap, demo data).
    pub password_hash: Option<String>,
}

/// The role of a stored user; an unknown one is an error ([`crate::stored`]).
pub fn role_of(row: &Model) -> Result<Role, DbErr> {
    stored::read("users.role", &row.role, Role::parse)
}

/// Whether a stored user works tickets (agent or admin). A role Ayuda does not know
/// (logged by [`role_of`]) grants nothing.
pub fn is_staff(row: &Model) -> bool {
    role_of(row).is_ok_and(Role::is_staff)
}

/// Stores a new user. A duplicate email, username or phone fails with a unique violation.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(
    conn: &impl ConnectionTrait,
    new: NewUser,
    now: DateTime<Utc>,
) -> Result<Model, DbErr> {
    let activated_at = new.password_hash.as_ref().map(|_| now);
    ActiveModel {
        email: Set(new.email),
        name: Set(new.name),
        username: Set(new.username),
        phone: Set(new.phone),
        role: Set(new.role.as_str().to_owned()),
        locale: Set(new.locale.as_str().to_owned()),
        password_hash: Set(new.password_hash),
        active: Set(true),
        activated_at: Set(activated_at),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
}

/// The user with this id.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_by_id(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(conn).await
}

/// The active user `id` if their session `family_id` is still live (not logged out, reset
/// or revoked): one statement, the session check an indexed `EXISTS`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_in_session(
    conn: &impl ConnectionTrait,
    id: i64,
    family_id: &str,
) -> Result<Option<Model>, DbErr> {
    use crate::entity::refresh_token;
    use sea_orm::QueryTrait;
    use sea_orm::sea_query::Expr;
    // Only family and revocation: a covering probe of `idx_refresh_tokens_live`. (With the
    // user's id too, SQLite walked all of the user's tokens, one per refresh, instead.) The
    // family came from a token we signed for this user, so it is theirs.
    let live = refresh_token::Entity::find()
        .select_only()
        .expr(Expr::val(1))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .into_query();
    Entity::find_by_id(id)
        .filter(Column::Active.eq(true))
        .filter(Expr::exists(live))
        .one(conn)
        .await
}

/// The user a login identifier names.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find(conn: &impl ConnectionTrait, lookup: Lookup<'_>) -> Result<Option<Model>, DbErr> {
    let filter = match lookup {
        Lookup::Email(v) => Column::Email.eq(v),
        Lookup::Username(v) => Column::Username.eq(v),
        Lookup::Phone(v) => Column::Phone.eq(v),
    };
    Entity::find().filter(filter).one(conn).await
}

/// Whether another user already holds this username.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn username_taken(conn: &impl ConnectionTrait, username: &str) -> Result<bool, DbErr> {
    Ok(Entity::find()
        .filter(Column::Username.eq(username))
        .count(conn)
        .await?
        > 0)
}

/// Whether another user already holds this phone number.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn phone_taken(conn: &impl ConnectionTrait, phone: &str) -> Result<bool, DbErr> {
    Ok(Entity::find()
        .filter(Column::Phone.eq(phone))
        .count(conn)
        .await?
        > 0)
}

/// Sets the password hash; the first time also marks the account activated.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_password(
    conn: &impl ConnectionTrait,
    id: i64,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<Model, DbErr> {
    let row = Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("user {id}")))?;
    let first_time = row.activated_at.is_none();
    let mut active: ActiveModel = row.into();
    active.password_hash = Set(Some(password_hash));
    if first_time {
        active.activated_at = Set(Some(now));
    }
    active.updated_at = Set(now);
    active.update(conn).await
}

/// Moves the account to another (lowercased, checked) address; a taken one fails with a
/// unique violation.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_email(
    conn: &impl ConnectionTrait,
    row: Model,
    email: String,
    now: DateTime<Utc>,
) -> Result<Model, DbErr> {
    let mut active: ActiveModel = row.into();
    active.email = Set(email);
    active.updated_at = Set(now);
    active.update(conn).await
}

/// Changes the name and/or language of a user.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update_profile(
    conn: &impl ConnectionTrait,
    row: Model,
    name: Option<String>,
    locale: Option<Locale>,
    now: DateTime<Utc>,
) -> Result<Model, DbErr> {
    if name.is_none() && locale.is_none() {
        return Ok(row);
    }
    let mut active: ActiveModel = row.into();
    if let Some(name) = name {
        active.name = Set(name);
    }
    if let Some(locale) = locale {
        active.locale = Set(locale.as_str().to_owned());
    }
    active.updated_at = Set(now);
    active.update(conn).await
}

/// Changes the role and/or the active flag of a user.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update_access(
    conn: &impl ConnectionTrait,
    row: Model,
    role: Option<Role>,
    active_flag: Option<bool>,
    now: DateTime<Utc>,
) -> Result<Model, DbErr> {
    if role.is_none() && active_flag.is_none() {
        return Ok(row);
    }
    let mut active: ActiveModel = row.into();
    if let Some(role) = role {
        active.role = Set(role.as_str().to_owned());
    }
    if let Some(flag) = active_flag {
        active.active = Set(flag);
    }
    active.updated_at = Set(now);
    active.update(conn).await
}

/// Serializes changes to who is an admin until the transaction ends (PostgreSQL; SQLite
/// has one writer at a time anyway), so two admins demoting each other at once cannot both
/// see the other as the remaining admin.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn lock_admins(conn: &impl ConnectionTrait) -> Result<(), DbErr> {
    if conn.get_database_backend() == sea_orm::DbBackend::Postgres {
        conn.execute_unprepared("SELECT pg_advisory_xact_lock(hashtext('ayuda-admins'))::text")
            .await?;
    }
    Ok(())
}

/// Active admins other than `except_id`; guards against locking everyone out.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn count_other_active_admins(
    conn: &impl ConnectionTrait,
    except_id: i64,
) -> Result<u64, DbErr> {
    Entity::find()
        .filter(Column::Role.eq(Role::Admin.as_str()))
        .filter(Column::Active.eq(true))
        .filter(Column::Id.ne(except_id))
        .count(conn)
        .await
}

/// Whether any active admin exists.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn any_admin(conn: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(Entity::find()
        .filter(Column::Role.eq(Role::Admin.as_str()))
        .filter(Column::Active.eq(true))
        .count(conn)
        .await?
        > 0)
}

/// Most staff members [`active_staff`] returns (an assignee dropdown, not a directory).
pub const STAFF_LIMIT: u64 = 1000;

/// Active agents and admins who have accepted their invitation (chosen a password), by name
/// (over the (role, id) index), at most [`STAFF_LIMIT`]: whom work can be given to.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn active_staff(conn: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Role.is_in([Role::Agent.as_str(), Role::Admin.as_str()]))
        .filter(Column::Active.eq(true))
        .filter(Column::ActivatedAt.is_not_null())
        .order_by_asc(Column::Name)
        .limit(STAFF_LIMIT)
        .all(conn)
        .await
}

/// Users newest first, keyset-paginated on id: `before_id` is the last id of the previous
/// page. Fetches `limit + 1` rows so the caller knows whether another page exists. With
/// `search`, only users whose name, email or username contains it (any case); that walks
/// the users newest first until the page is full, which a directory of people can afford.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    conn: &impl ConnectionTrait,
    role: Option<Role>,
    search: Option<&str>,
    before_id: Option<i64>,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    let mut query = Entity::find();
    if let Some(role) = role {
        query = query.filter(Column::Role.eq(role.as_str()));
    }
    if let Some(text) = search.map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", escape_like(&text.to_lowercase()));
        let contains = |col: Column| {
            Expr::expr(Func::lower(Expr::col(col)))
                .like(LikeExpr::new(pattern.clone()).escape('\\'))
        };
        query = query.filter(
            Condition::any()
                .add(contains(Column::Name))
                .add(contains(Column::Email))
                .add(contains(Column::Username)),
        );
    }
    if let Some(before) = before_id {
        query = query.filter(Column::Id.lt(before));
    }
    query
        .order_by_desc(Column::Id)
        .limit(limit + 1)
        .all(conn)
        .await
}

/// `text` with LIKE's wildcards escaped (by a backslash), so they match themselves.
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
