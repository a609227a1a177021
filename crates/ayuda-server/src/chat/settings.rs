//! The chat settings admins change at run time (routing, queue limit, wait limits). Until
//! an admin saves them they are the configuration's; once saved they are one stored
//! document, held in memory by every instance and reloaded when another instance signals
//! a change (or its listener reconnects, having perhaps missed one).

use std::sync::RwLock;

use ayuda_db::DbErr;
use ayuda_db::users::UserRow;
use ayuda_types::{CHAT_WAIT_MAX_SECS, ChatSettings, FieldError};

use super::write::ChatWrite;
use crate::config::Settings;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The stored document's name.
const NAME: &str = "chat";

/// The settings in force on this instance.
#[derive(Debug)]
pub struct Current(RwLock<ChatSettings>);

impl Current {
    /// The configuration's settings (before anything stored is read).
    pub fn configured(settings: &Settings) -> Self {
        let secs = |s: u64| u32::try_from(s).unwrap_or(u32::MAX);
        Current(RwLock::new(ChatSettings {
            routing: settings.chat_routing,
            queue_limit: settings.chat_queue_limit,
            soft_wait_secs: secs(settings.chat_soft_wait_secs),
            hard_wait_secs: secs(settings.chat_hard_wait_secs),
        }))
    }

    /// The settings now.
    pub fn get(&self) -> ChatSettings {
        *self.0.read().unwrap_or_else(|e| e.into_inner())
    }

    fn set(&self, settings: ChatSettings) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = settings;
    }
}

/// Reads the stored settings, if an admin saved any, into this instance's.
pub async fn reload(state: &AppState) -> Result<(), DbErr> {
    let Some(document) = ayuda_db::settings::get(&state.db, NAME).await? else {
        return Ok(());
    };
    match serde_json::from_str::<ChatSettings>(&document) {
        Ok(stored) => state.chat_settings.set(stored),
        Err(err) => {
            tracing::warn!(error = %err, "stored chat settings unreadable; kept the configured ones")
        }
    }
    Ok(())
}

/// Saves new settings (admins; each field already checked on its own), applies them here
/// at once and tells the other instances; returns the settings now in force.
pub async fn save(state: &AppState, admin: &UserRow, new: ChatSettings) -> ApiResult<ChatSettings> {
    crate::auth::require_admin(admin)?;
    if new.hard_wait_secs <= new.soft_wait_secs {
        return Err(ApiError::Validation(vec![
            FieldError::new(
                "hard_wait_secs",
                "out_of_range",
                "must be longer than the soft wait limit",
            )
            .with("min", i64::from(new.soft_wait_secs) + 1)
            .with("max", i64::from(CHAT_WAIT_MAX_SECS)),
        ]));
    }
    let document = serde_json::to_string(&new).map_err(|e| ApiError::Internal(e.into()))?;
    let mut w = ChatWrite::begin(state).await?;
    ayuda_db::settings::put(&w.txn, NAME, &document, admin.id, w.now).await?;
    w.settings_changed();
    w.commit(state).await?;
    tracing::info!(admin = admin.id, ?new, "chat settings changed");
    // Read back rather than set: another admin's save may have landed just after this
    // one (its signal may already be handled here), and the stored document is the truth.
    // Saved is saved: if that read fails, what was saved applies here.
    if let Err(err) = reload(state).await {
        tracing::warn!(error = %err, "reading the chat settings back failed");
        state.chat_settings.set(new);
    }
    Ok(state.chat_settings.get())
}
