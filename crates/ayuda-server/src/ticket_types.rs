//! Ticket type use cases: the types customers choose from (names in the reader's language),
//! admins' renames and translations, and which types each agent is emailed about.

use ayuda_db::ticket_types::TicketTypeRow;
use ayuda_db::users::{self, UserRow};
use ayuda_db::{is_unique_violation, ticket_types};
use ayuda_types::{
    CreateTicketType, Locale, Subscriptions, TicketType, TypeText, TypeTranslations,
    UpdateTicketType,
};
use chrono::Utc;

use crate::auth::require_admin;
use crate::error::{ApiError, ApiResult};
use crate::people::user_locale;
use crate::state::AppState;

fn taken(err: ayuda_db::DbErr) -> ApiError {
    if is_unique_violation(&err) {
        ApiError::conflict("name_taken", "a ticket type with this name exists")
    } else {
        err.into()
    }
}

/// Active types, named in `user`'s language; with `include_inactive`, staff get the
/// inactive ones too.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    state: &AppState,
    user: &UserRow,
    include_inactive: bool,
) -> ApiResult<Vec<TicketType>> {
    let include_inactive = include_inactive && users::is_staff(user);
    let locale = user_locale(&state.settings, user);
    let rows = ticket_types::list(&state.db, include_inactive).await?;
    Ok(rows.iter().map(|t| to_wire(t, locale)).collect())
}

/// Creates a type (admins); a taken name is a conflict.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn create(
    state: &AppState,
    user: &UserRow,
    input: CreateTicketType,
) -> ApiResult<TicketType> {
    require_admin(user)?;
    let row = ticket_types::insert(
        &state.writer,
        input.name.trim().to_owned(),
        input.description.trim().to_owned(),
        &input.translations,
        Utc::now(),
    )
    .await
    .map_err(taken)?;
    Ok(to_wire(&row, user_locale(&state.settings, user)))
}

/// Renames, translates, deactivates or reactivates a type (admins).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(
    state: &AppState,
    user: &UserRow,
    id: i64,
    input: UpdateTicketType,
) -> ApiResult<TicketType> {
    require_admin(user)?;
    if input.is_default == Some(false) {
        return Err(ApiError::field(
            "is_default",
            "not_allowed",
            "make another type the default instead",
        ));
    }
    let txn = state.writer.begin().await?;
    let row = ticket_types::find(&txn, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let active = input.active.unwrap_or(row.active);
    if !active && (row.is_default || input.is_default == Some(true)) {
        return Err(ApiError::conflict(
            "type_in_use",
            "email and chat tickets get this type; make another type the default first",
        ));
    }
    if input.is_default == Some(true) {
        ticket_types::make_default(&txn, id).await?;
    }
    let row = ticket_types::update(
        &txn,
        row,
        input.name.map(|n| n.trim().to_owned()),
        input.description.map(|d| d.trim().to_owned()),
        input.translations.as_ref(),
        input.active,
        Utc::now(),
    )
    .await
    .map_err(taken)?;
    txn.commit().await?;
    Ok(to_wire(&row, user_locale(&state.settings, user)))
}

/// The staff member `id`, if `user` may manage their subscriptions (admins, or agents for
/// themselves); customers have none.
#[tracing::instrument(level = "debug", skip_all)]
async fn subscriber(state: &AppState, user: &UserRow, id: i64) -> ApiResult<UserRow> {
    if user.id != id {
        require_admin(user)?;
    } else if !users::is_staff(user) {
        return Err(ApiError::Forbidden);
    }
    users::find_by_id(&state.db, id)
        .await?
        .filter(users::is_staff)
        .ok_or(ApiError::NotFound)
}

/// The types agent `id` is emailed about (admins, or the agent themself).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn subscriptions(state: &AppState, user: &UserRow, id: i64) -> ApiResult<Subscriptions> {
    let agent = subscriber(state, user, id).await?;
    Ok(Subscriptions {
        type_ids: ticket_types::subscriptions_of(&state.db, agent.id).await?,
    })
}

/// Replaces the types agent `id` is emailed about; every id must name a type.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn subscribe(
    state: &AppState,
    user: &UserRow,
    id: i64,
    input: Subscriptions,
) -> ApiResult<Subscriptions> {
    let agent = subscriber(state, user, id).await?;
    let txn = state.writer.begin().await?;
    let known: Vec<i64> = ticket_types::list(&txn, true)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    if input.type_ids.iter().any(|id| !known.contains(id)) {
        return Err(ApiError::field(
            "type_ids",
            "unknown_reference",
            "must name existing ticket types",
        ));
    }
    ticket_types::replace_subscriptions(&txn, agent.id, &input.type_ids, Utc::now()).await?;
    let type_ids = ticket_types::subscriptions_of(&txn, agent.id).await?;
    txn.commit().await?;
    Ok(Subscriptions { type_ids })
}

/// The name of a type in `locale`: its translation, else the base name.
pub fn localized_name<'a>(
    base: &'a str,
    es: Option<&'a str>,
    en: Option<&'a str>,
    locale: Locale,
) -> &'a str {
    match locale {
        Locale::Es => es,
        Locale::En => en,
    }
    .filter(|s| !s.is_empty())
    .unwrap_or(base)
}

/// The API view of a stored type, in `locale`.
pub fn to_wire(row: &TicketTypeRow, locale: Locale) -> TicketType {
    let text = |name: &Option<String>, description: &Option<String>| {
        name.as_ref().map(|name| TypeText {
            name: name.clone(),
            description: description.clone().unwrap_or_default(),
        })
    };
    let translations = TypeTranslations {
        es: text(&row.name_es, &row.description_es),
        en: text(&row.name_en, &row.description_en),
    };
    let translated = match locale {
        Locale::Es => translations.es.as_ref(),
        Locale::En => translations.en.as_ref(),
    };
    let name = translated.map_or_else(|| row.name.clone(), |t| t.name.clone());
    // A translation that names the type but does not describe it keeps the base description.
    let description = translated
        .map(|t| t.description.clone())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| row.description.clone());
    TicketType {
        id: row.id,
        name,
        base_name: row.name.clone(),
        description,
        base_description: row.description.clone(),
        active: row.active,
        is_default: row.is_default,
        translations,
    }
}
