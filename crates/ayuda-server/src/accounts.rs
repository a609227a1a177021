//! Account use cases: register, activate, log in, refresh, log out, reset passwords, manage
//! users. Handlers call these; these call the repositories and the outbox in one transaction
//! per use case.

use ayuda_db::ConnectionTrait;
use ayuda_db::refresh_tokens::{self, Rotation};
use ayuda_db::tokens::{self, Purpose};
use ayuda_db::users::{self, Lookup, NewUser, UserRow};
use ayuda_domain::{Email, LoginId, Password};
use ayuda_mail::Template;
use ayuda_types::validate::normalize_phone;
use ayuda_types::{
    ChangeEmailRequest, ChangePasswordRequest, CreateUser, LoginRequest, LoginResponse,
    RegisterRequest, Role, SetPasswordRequest, UpdateMe, UpdateUser, User,
};
use chrono::{Duration, Utc};

use crate::auth::require_admin;
use crate::auth::secret::{random_token, token_hash};
use crate::error::{ApiError, ApiResult};
use crate::outbound::{link, queue_for_user};
use crate::state::AppState;

/// The message of every failed login, whatever the reason, so it tells nothing.
const BAD_LOGIN: &str = "invalid login or password";

fn email_of(raw: &str) -> ApiResult<Email> {
    Email::parse(raw)
        .ok_or_else(|| ApiError::field("email", "invalid_email", "must be a valid email address"))
}

fn password_of(state: &AppState, raw: &str) -> ApiResult<Password> {
    Password::parse(raw, state.settings.password_min_length)
        .map_err(|e| ApiError::Validation(vec![e.field_error("password")]))
}

/// Self-registration. Whatever happens, the caller learns nothing about existing accounts:
/// a new address gets a welcome email, an address awaiting activation gets a fresh link,
/// an active account gets a note that it already exists.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn register(state: &AppState, req: RegisterRequest) -> ApiResult<()> {
    let email = email_of(&req.email)?;
    // A concurrent registration may take the email, username or phone between our check
    // and our insert (PostgreSQL); the second attempt then sees it and answers accordingly.
    if !register_once(state, &req, &email).await? {
        register_once(state, &req, &email).await?;
    }
    state.mail_queued().await;
    Ok(())
}

/// One attempt of [`register`]; `Ok(false)` when a concurrent insert won the race and
/// nothing was stored.
#[tracing::instrument(level = "debug", skip_all)]
async fn register_once(state: &AppState, req: &RegisterRequest, email: &Email) -> ApiResult<bool> {
    let settings = &state.settings;
    let now = Utc::now();
    let txn = state.writer.begin().await?;
    match users::find(&txn, Lookup::Email(email.as_str())).await? {
        Some(user) if user.activated_at.is_some() => {
            let template = Template::AlreadyRegistered {
                name: &user.name,
                login_link: &link(settings, "/login"),
                forgot_link: &link(settings, "/forgot-password"),
            };
            queue_for_user(&txn, settings, &user, &template).await?;
        }
        Some(user) if user.active => send_activation(&txn, state, &user, false).await?,
        Some(_) => {} // deactivated by an admin: stays so, silently
        None => {
            // A taken username or phone is left out rather than refused: refusing would tell
            // the caller that someone else uses it.
            let username = match req.username.as_deref().map(|u| u.trim().to_lowercase()) {
                Some(u) if !users::username_taken(&txn, &u).await? => Some(u),
                _ => None,
            };
            let phone = match req.phone.as_deref().and_then(normalize_phone) {
                Some(p) if !users::phone_taken(&txn, &p).await? => Some(p),
                _ => None,
            };
            let new = NewUser {
                email: email.as_str().to_owned(),
                name: req.name.trim().to_owned(),
                username,
                phone,
                role: Role::Customer,
                locale: req.locale.unwrap_or_else(|| settings.default_locale),
                password_hash: None,
            };
            match users::insert(&txn, new, now).await {
                Ok(user) => send_activation(&txn, state, &user, false).await?,
                Err(e) if ayuda_db::is_unique_violation(&e) => return Ok(false),
                Err(e) => return Err(e.into()),
            }
        }
    }
    txn.commit().await?;
    Ok(true)
}

/// Issues an activation token and queues the welcome (or invitation) email with its link.
#[tracing::instrument(level = "debug", skip_all)]
pub(crate) async fn send_activation(
    conn: &impl ConnectionTrait,
    state: &AppState,
    user: &UserRow,
    invitation: bool,
) -> ApiResult<()> {
    let settings = &state.settings;
    let now = Utc::now();
    let token = random_token()?;
    let hours = settings.activation_ttl_hours;
    tokens::issue(
        conn,
        user.id,
        Purpose::Activation,
        token_hash(&token),
        now + hours_of(hours),
        now,
        None,
    )
    .await?;
    let url = link(settings, &format!("/activate?token={token}"));
    let template = if invitation {
        Template::Invitation {
            name: &user.name,
            link: &url,
            valid_hours: hours,
            role: users::role_of(user)?,
        }
    } else {
        Template::Welcome {
            name: &user.name,
            link: &url,
            valid_hours: hours,
        }
    };
    queue_for_user(conn, settings, user, &template).await?;
    Ok(())
}

/// The account of `email` (already checked as an address), created as a customer when the
/// address is new: named `name` or the address's local part, in the default language,
/// without a password, with the welcome (activation) email when `welcome`. `true` with a
/// new account. Used for mail from a new address and for tickets agents open on someone's
/// behalf.
#[tracing::instrument(level = "debug", skip_all)]
pub(crate) async fn customer_by_email(
    conn: &impl ConnectionTrait,
    state: &AppState,
    email: &str,
    name: Option<&str>,
    welcome: bool,
    now: chrono::DateTime<Utc>,
) -> ApiResult<(UserRow, bool)> {
    if let Some(user) = users::find(conn, Lookup::Email(email)).await? {
        return Ok((user, false));
    }
    let name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| email.split('@').next().unwrap_or_default())
        .chars()
        .take(100)
        .collect::<String>();
    let user = users::insert(
        conn,
        NewUser {
            email: email.to_owned(),
            name,
            username: None,
            phone: None,
            role: Role::Customer,
            locale: state.settings.default_locale,
            password_hash: None,
        },
        now,
    )
    .await?;
    if welcome {
        send_activation(conn, state, &user, false).await?;
    }
    Ok((user, true))
}

fn hours_of(hours: u64) -> Duration {
    Duration::hours(i64::try_from(hours).unwrap_or(24 * 365))
}

/// Sets the first password with the emailed token and logs the user in.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn activate(
    state: &AppState,
    client: &str,
    req: SetPasswordRequest,
) -> ApiResult<LoginResponse> {
    set_password_with_token(state, client, req, Purpose::Activation).await
}

/// Sets a new password with a reset token, ends every other session, and logs the user in.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn reset_password(
    state: &AppState,
    client: &str,
    req: SetPasswordRequest,
) -> ApiResult<LoginResponse> {
    set_password_with_token(state, client, req, Purpose::Reset).await
}

/// The token is checked and spent before any hashing, so a flood of made-up tokens costs a
/// database lookup each and never an Argon2 hash; failures are rate-limited per address.
#[tracing::instrument(level = "debug", skip_all)]
async fn set_password_with_token(
    state: &AppState,
    client: &str,
    req: SetPasswordRequest,
    purpose: Purpose,
) -> ApiResult<LoginResponse> {
    // Check the password before spending the token, so a too-short password does not burn the link.
    let password = password_of(state, &req.password)?;
    state.limiters.reserve_token(client)?;
    let token = token_hash(req.token.trim());
    let now = Utc::now();
    let user_id = tokens::consume(&state.writer, &token, purpose, now)
        .await?
        .ok_or(ApiError::InvalidToken)?;
    state.limiters.token_succeeded(client);
    let hash = match state.passwords.hash(&password).await {
        Ok(hash) => hash,
        Err(err) => {
            // Too busy to hash now: the link must still work when the user retries.
            tokens::restore(&state.writer, &token, purpose).await?;
            return Err(err);
        }
    };
    let txn = state.writer.begin().await?;
    let user = users::find_by_id(&txn, user_id)
        .await?
        .filter(|u| u.active)
        .ok_or(ApiError::InvalidToken)?;
    let user = users::set_password(&txn, user.id, hash, now).await?;
    if purpose == Purpose::Reset {
        refresh_tokens::revoke_user(&txn, user.id, now).await?;
    }
    // A reset link proves control of the mailbox, as an activation link does: an account
    // that never activated is activated by it too (set_password marks it).
    let session = start_session(&txn, state, &user, None).await?;
    txn.commit().await?;
    crate::auth::cache::changed(state, user.id).await;
    Ok(session)
}

/// Checks the current password someone at `user`'s keyboard typed (a 422 on
/// `current_password` when wrong); wrong ones count against the account's login limit,
/// like failed logins.
#[tracing::instrument(level = "debug", skip_all)]
async fn confirm_current_password(
    state: &AppState,
    user: &UserRow,
    client: &str,
    given: &str,
) -> ApiResult<()> {
    let account_key = LoginId::Email(user.email.clone()).rate_key();
    state.limiters.reserve_login(&account_key, client)?;
    if !state
        .passwords
        .verify(user.password_hash.clone(), given)
        .await?
    {
        return Err(ApiError::field(
            "current_password",
            "not_current_password",
            "is not your current password",
        ));
    }
    state.limiters.login_succeeded(&account_key, client);
    Ok(())
}

/// Changes the password of `user`, who gives the current one; every other session of theirs
/// ends (a stolen session does not survive the change), this one goes on. Wrong current
/// passwords count against the account's login limit, like failed logins.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn change_password(
    state: &AppState,
    user: &UserRow,
    session: &str,
    client: &str,
    req: ChangePasswordRequest,
) -> ApiResult<()> {
    let password = Password::parse(&req.new_password, state.settings.password_min_length)
        .map_err(|e| ApiError::Validation(vec![e.field_error("new_password")]))?;
    confirm_current_password(state, user, client, &req.current_password).await?;
    let hash = state.passwords.hash(&password).await?;
    let now = Utc::now();
    let txn = state.writer.begin().await?;
    users::set_password(&txn, user.id, hash, now).await?;
    refresh_tokens::revoke_user_except(&txn, user.id, session, now).await?;
    txn.commit().await?;
    crate::auth::cache::changed(state, user.id).await;
    tracing::info!(user = user.id, "password changed; other sessions ended");
    Ok(())
}

/// Asks to move `user`'s account to another address, confirming the current password. The
/// new address gets a link that makes the change; the old one is told (a warning, if it was
/// not its owner). The answer is the same whether the new address is free or not, so the
/// form tells nobody which addresses have accounts; an address in use gets no link and the
/// change cannot happen.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn request_email_change(
    state: &AppState,
    user: &UserRow,
    client: &str,
    req: ChangeEmailRequest,
) -> ApiResult<()> {
    let new_email = Email::parse(&req.new_email).ok_or_else(|| {
        ApiError::field(
            "new_email",
            "invalid_email",
            "must be a valid email address",
        )
    })?;
    if new_email.as_str() == user.email {
        return Err(ApiError::field(
            "new_email",
            "same_email",
            "is already your address",
        ));
    }
    confirm_current_password(state, user, client, &req.current_password).await?;
    let settings = &state.settings;
    let now = Utc::now();
    let txn = state.writer.begin().await?;
    if users::find(&txn, Lookup::Email(new_email.as_str()))
        .await?
        .is_none()
    {
        let token = random_token()?;
        let hours = settings.activation_ttl_hours;
        tokens::issue(
            &txn,
            user.id,
            Purpose::EmailChange,
            token_hash(&token),
            now + hours_of(hours),
            now,
            Some(new_email.as_str().to_owned()),
        )
        .await?;
        let mut to_new = user.clone();
        to_new.email = new_email.as_str().to_owned();
        let url = link(settings, &format!("/confirm-email?token={token}"));
        let confirm = Template::EmailChangeConfirm {
            name: &user.name,
            link: &url,
            valid_hours: hours,
        };
        queue_for_user(&txn, settings, &to_new, &confirm).await?;
    }
    let profile = link(settings, "/profile");
    let notice = Template::EmailChangeRequested {
        name: &user.name,
        new_email: new_email.as_str(),
        profile_link: &profile,
    };
    queue_for_user(&txn, settings, user, &notice).await?;
    txn.commit().await?;
    state.mail_queued().await;
    Ok(())
}

/// Makes the change an email-change link confirms: the account now signs in (and gets
/// mail) at the new address. 400 for a made-up, spent or expired link; 409 when the
/// address got an account of its own meanwhile.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn confirm_email_change(state: &AppState, client: &str, token: &str) -> ApiResult<User> {
    state.limiters.reserve_token(client)?;
    let hash = token_hash(token.trim());
    let now = Utc::now();
    let txn = state.writer.begin().await?;
    let user_id = tokens::consume(&txn, &hash, Purpose::EmailChange, now)
        .await?
        .ok_or(ApiError::InvalidToken)?;
    state.limiters.token_succeeded(client);
    let new_email = tokens::new_email_of(&txn, &hash)
        .await?
        .ok_or(ApiError::InvalidToken)?;
    let user = users::find_by_id(&txn, user_id)
        .await?
        .filter(|u| u.active)
        .ok_or(ApiError::InvalidToken)?;
    let user = users::set_email(&txn, user, new_email, now)
        .await
        .map_err(|e| {
            if ayuda_db::is_unique_violation(&e) {
                ApiError::conflict(
                    "address_taken",
                    "this address has an account of its own now",
                )
            } else {
                e.into()
            }
        })?;
    txn.commit().await?;
    crate::auth::cache::changed(state, user.id).await;
    tracing::info!(user = user.id, "email address changed");
    Ok(crate::people::to_wire(&user)?)
}

/// Checks credentials and starts a session. Every failure is the same 401.
///
/// The attempt is charged to the account and the address before the password is checked,
/// and given back only when it succeeds: parallel guesses cannot outrun the limit.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn login(state: &AppState, client: &str, req: LoginRequest) -> ApiResult<LoginResponse> {
    let id = LoginId::parse(&req.login);
    let account_key = id.rate_key();
    state.limiters.reserve_login(&account_key, client)?;
    let lookup = match &id {
        LoginId::Email(v) => Lookup::Email(v),
        LoginId::Phone(v) => Lookup::Phone(v),
        LoginId::Username(v) => Lookup::Username(v),
    };
    let user = users::find(&state.db, lookup).await?.filter(|u| u.active);
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let ok = state.passwords.verify(stored, &req.password).await?;
    let Some(user) = user.filter(|_| ok) else {
        return Err(ApiError::Unauthorized(BAD_LOGIN));
    };
    state.limiters.login_succeeded(&account_key, client);
    let txn = state.writer.begin().await?;
    let session = start_session(&txn, state, &user, None).await?;
    txn.commit().await?;
    Ok(session)
}

/// Issues an access token and a refresh token (of `family`, or a new session family).
#[tracing::instrument(level = "debug", skip_all)]
async fn start_session(
    conn: &impl ConnectionTrait,
    state: &AppState,
    user: &UserRow,
    family: Option<String>,
) -> ApiResult<LoginResponse> {
    let settings = &state.settings;
    let now = Utc::now();
    let family = family.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let refresh = random_token()?;
    let refresh_expires =
        now + Duration::days(i64::try_from(settings.refresh_token_ttl_days).unwrap_or(3650));
    refresh_tokens::issue(
        conn,
        user.id,
        &family,
        token_hash(&refresh),
        refresh_expires,
        now,
    )
    .await?;
    let access = state.jwt.issue(
        user.id,
        users::role_of(user)?,
        &family,
        settings.access_token_ttl_secs,
    )?;
    Ok(LoginResponse {
        access_token: access,
        token_type: "Bearer".into(),
        expires_in: settings.access_token_ttl_secs,
        refresh_token: refresh,
        user: crate::people::to_wire(user)?,
    })
}

/// Spends a refresh token and issues the next one of its session. A spent token presented
/// again revokes the whole session (it was copied).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn refresh(state: &AppState, token: &str) -> ApiResult<LoginResponse> {
    let now = Utc::now();
    let txn = state.writer.begin().await?;
    let outcome = refresh_tokens::rotate(&txn, &token_hash(token), now).await?;
    let reused_by = match outcome {
        Rotation::Reused { user_id } => Some(user_id),
        _ => None,
    };
    let result = match outcome {
        Rotation::Rotated { user_id, family_id } => {
            match users::find_by_id(&txn, user_id).await?.filter(|u| u.active) {
                Some(user) => Ok(start_session(&txn, state, &user, Some(family_id)).await?),
                None => Err(ApiError::Unauthorized("invalid refresh token")),
            }
        }
        Rotation::Reused { .. } => {
            tracing::warn!("refresh token reuse detected; session revoked");
            Err(ApiError::Unauthorized("invalid refresh token"))
        }
        Rotation::Invalid => Err(ApiError::Unauthorized("invalid refresh token")),
    };
    // Commit also on reuse, so the family revocation sticks.
    txn.commit().await?;
    if let Some(user_id) = reused_by {
        crate::auth::cache::changed(state, user_id).await;
    }
    result
}

/// Ends the session a refresh token belongs to.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn logout(state: &AppState, token: Option<&str>) -> ApiResult<()> {
    if let Some(token) = token {
        let owner =
            refresh_tokens::revoke_session_of(&state.writer, &token_hash(token), Utc::now())
                .await?;
        if let Some(user_id) = owner {
            crate::auth::cache::changed(state, user_id).await;
        }
    }
    Ok(())
}

/// Emails a reset link (or, for an account never activated, a fresh activation link).
/// Unknown addresses get nothing, and the caller cannot tell the difference.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn forgot_password(state: &AppState, raw_email: &str) -> ApiResult<()> {
    let email = email_of(raw_email)?;
    let settings = &state.settings;
    let txn = state.writer.begin().await?;
    if let Some(user) = users::find(&txn, Lookup::Email(email.as_str()))
        .await?
        .filter(|u| u.active)
    {
        if user.activated_at.is_none() {
            send_activation(&txn, state, &user, false).await?;
        } else {
            let now = Utc::now();
            let token = random_token()?;
            let hours = settings.reset_ttl_hours;
            tokens::issue(
                &txn,
                user.id,
                Purpose::Reset,
                token_hash(&token),
                now + hours_of(hours),
                now,
                None,
            )
            .await?;
            let url = link(settings, &format!("/reset-password?token={token}"));
            let template = Template::PasswordReset {
                name: &user.name,
                link: &url,
                valid_hours: hours,
            };
            queue_for_user(&txn, settings, &user, &template).await?;
        }
    }
    txn.commit().await?;
    state.mail_queued().await;
    Ok(())
}

/// The signed-in user's own profile.
pub fn profile(user: &UserRow) -> ApiResult<User> {
    Ok(crate::people::to_wire(user)?)
}

/// Changes the signed-in user's display name or language.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update_profile(state: &AppState, user: UserRow, req: UpdateMe) -> ApiResult<User> {
    let name = req.name.map(|n| n.trim().to_owned());
    let row = users::update_profile(&state.writer, user, name, req.locale, Utc::now()).await?;
    crate::auth::cache::changed(state, row.id).await;
    Ok(crate::people::to_wire(&row)?)
}

/// Admin: creates a user and emails an invitation. 409 when the email is taken.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn create_user(state: &AppState, admin: &UserRow, req: CreateUser) -> ApiResult<User> {
    require_admin(admin)?;
    let email = email_of(&req.email)?;
    let new = NewUser {
        email: email.as_str().to_owned(),
        name: req.name.trim().to_owned(),
        username: None,
        phone: None,
        role: req.role,
        locale: req.locale.unwrap_or_else(|| state.settings.default_locale),
        password_hash: None,
    };
    let txn = state.writer.begin().await?;
    let user = users::insert(&txn, new, Utc::now()).await.map_err(|e| {
        if ayuda_db::is_unique_violation(&e) {
            ApiError::conflict("email_taken", "a user with this email already exists")
        } else {
            e.into()
        }
    })?;
    send_activation(&txn, state, &user, true).await?;
    txn.commit().await?;
    state.mail_queued().await;
    Ok(crate::people::to_wire(&user)?)
}

/// Admin: changes a user's role or active flag. Refuses to leave Ayuda without an active
/// admin, and an admin's change of their own role or access (one mis-click would lock
/// them out); deactivation ends the user's sessions.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update_user(
    state: &AppState,
    admin: &UserRow,
    id: i64,
    req: UpdateUser,
) -> ApiResult<User> {
    require_admin(admin)?;
    if admin.id == id && (req.role.is_some_and(|r| r != Role::Admin) || req.active == Some(false)) {
        return Err(ApiError::conflict(
            "own_account",
            "you cannot demote or deactivate yourself; another admin can",
        ));
    }
    let now = Utc::now();
    let txn = state.writer.begin().await?;
    users::lock_admins(&txn).await?;
    let user = users::find_by_id(&txn, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let role = users::role_of(&user)?;
    let was_admin = role == Role::Admin && user.active;
    let stays_admin = req.role.unwrap_or(role) == Role::Admin && req.active.unwrap_or(user.active);
    if was_admin && !stays_admin && users::count_other_active_admins(&txn, id).await? == 0 {
        return Err(ApiError::conflict(
            "last_admin",
            "this is the last active admin",
        ));
    }
    if req.active == Some(false) {
        refresh_tokens::revoke_user(&txn, id, now).await?;
    }
    let user = users::update_access(&txn, user, req.role, req.active, now).await?;
    txn.commit().await?;
    crate::auth::cache::changed(state, user.id).await;
    Ok(crate::people::to_wire(&user)?)
}

/// Creates an activated admin with this password, or makes an existing user one (and sets
/// the password). Used by `AYUDA_ADMIN_EMAIL`/`AYUDA_ADMIN_PASSWORD` and `ayuda admin create`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ensure_admin(
    state: &AppState,
    raw_email: &str,
    raw_password: &str,
    name: &str,
) -> anyhow::Result<UserRow> {
    let email = Email::parse(raw_email)
        .ok_or_else(|| anyhow::anyhow!("not an email address: {raw_email}"))?;
    let password = Password::parse(raw_password, state.settings.password_min_length)
        .map_err(|e| anyhow::anyhow!("admin password {e}"))?;
    let hash = state.passwords.hash(&password).await?;
    let now = Utc::now();
    let txn = state.writer.begin().await?;
    let user = match users::find(&txn, Lookup::Email(email.as_str())).await? {
        Some(existing) => {
            let user =
                users::update_access(&txn, existing, Some(Role::Admin), Some(true), now).await?;
            users::set_password(&txn, user.id, hash, now).await?
        }
        None => {
            let new = NewUser {
                email: email.as_str().to_owned(),
                name: name.to_owned(),
                username: None,
                phone: None,
                role: Role::Admin,
                locale: state.settings.default_locale,
                password_hash: Some(hash),
            };
            users::insert(&txn, new, now).await?
        }
    };
    txn.commit().await?;
    crate::auth::cache::changed(state, user.id).await;
    Ok(user)
}

/// At start: creates the configured first admin when no admin exists yet.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn bootstrap_admin(state: &AppState) -> anyhow::Result<()> {
    let (Some(email), Some(password)) =
        (&state.settings.admin_email, &state.settings.admin_password)
    else {
        return Ok(());
    };
    if users::any_admin(&state.db).await? {
        return Ok(());
    }
    let user = ensure_admin(state, email, password, "Administrator").await?;
    tracing::info!(
        user_id = user.id,
        "first admin created from AYUDA_ADMIN_EMAIL"
    );
    Ok(())
}
