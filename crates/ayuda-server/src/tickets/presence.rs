//! Collision warnings: which other staff members have a ticket open, and who is writing.

use ayuda_db::users::UserRow;
use ayuda_db::viewers;
use ayuda_types::{UserRef, Viewer};
use chrono::{Duration, Utc};

use super::{is_staff, visible};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A viewer not heard from for this long has left (browsers report every 10 s).
const GONE_AFTER_SECS: i64 = 30;

/// Records that `user` has ticket `number` open, and returns the others who do.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn here(
    state: &AppState,
    user: &UserRow,
    number: i64,
    replying: bool,
) -> ApiResult<Vec<Viewer>> {
    if !is_staff(user) {
        return Err(ApiError::Forbidden);
    }
    visible(&state.db, user, number).await?;
    let now = Utc::now();
    let txn = state.writer.begin().await?;
    viewers::seen(
        &txn,
        number,
        user.id,
        replying,
        now,
        now - Duration::minutes(10),
    )
    .await?;
    txn.commit().await?;
    let since = now - Duration::seconds(GONE_AFTER_SECS);
    Ok(viewers::others(&state.db, number, user.id, since)
        .await?
        .into_iter()
        .map(|v| Viewer {
            user: UserRef {
                id: v.user_id,
                name: v.name,
            },
            replying: v.replying,
            seen_at: v.seen_at,
        })
        .collect())
}

/// `user` closed ticket `number`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn leave(state: &AppState, user: &UserRow, number: i64) -> ApiResult<()> {
    if !is_staff(user) {
        return Err(ApiError::Forbidden);
    }
    let txn = state.writer.begin().await?;
    viewers::left(&txn, number, user.id).await?;
    txn.commit().await?;
    Ok(())
}
