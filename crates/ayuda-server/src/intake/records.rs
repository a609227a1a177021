//! The agents' view of what email intake received: each message, what became of it and why,
//! and its original bytes.

use ayuda_db::inbound::{self, InboundRow, StoredRaw};
use ayuda_db::stored;
use ayuda_db::users::UserRow;
use ayuda_types::{InboundEmail, InboundEmailDetail, IntakeOutcome, ListInboundParams, Page};

use crate::auth::require_staff;
use crate::error::{ApiError, ApiResult};
use crate::pagination;
use crate::state::AppState;

/// Received email, newest first, optionally of one outcome (staff).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    state: &AppState,
    user: &UserRow,
    params: ListInboundParams,
) -> ApiResult<Page<InboundEmail>> {
    require_staff(user)?;
    let limit = pagination::limit(params.limit)?;
    let before: Option<i64> = state.cursors.decode(params.cursor.as_deref())?;
    let outcome = params.outcome.map(IntakeOutcome::as_str);
    let rows = inbound::list(&state.db, outcome, before, limit).await?;
    state.cursors.try_page(rows, limit, |r| r.id, summary)
}

/// One received email with its headers (staff).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn detail(state: &AppState, user: &UserRow, id: i64) -> ApiResult<InboundEmailDetail> {
    require_staff(user)?;
    let row = inbound::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(InboundEmailDetail {
        email: summary(&row)?,
        headers: row.headers,
    })
}

/// Where the original bytes of a message are.
#[derive(Debug)]
pub enum Original {
    /// Read from its row.
    Bytes(Vec<u8>),
    /// In this file of the raw-mail store (a large message), to stream.
    File(std::path::PathBuf),
}

/// The original message, byte for byte (staff).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn original(state: &AppState, user: &UserRow, id: i64) -> ApiResult<Original> {
    require_staff(user)?;
    match inbound::raw(&state.db, id).await? {
        Some(StoredRaw::Row(bytes)) => Ok(Original::Bytes(bytes)),
        Some(StoredRaw::File(sha256)) => Ok(Original::File(state.raw_mail.path(&sha256))),
        None => Err(ApiError::NotFound),
    }
}

fn summary(row: &InboundRow) -> ApiResult<InboundEmail> {
    Ok(InboundEmail {
        id: row.id,
        source: row.source.clone(),
        message_id: row.message_id.clone(),
        from_address: row.from_address.clone(),
        from_name: row.from_name.clone(),
        subject: row.subject.clone(),
        outcome: stored::read("inbound_emails.outcome", &row.outcome, IntakeOutcome::parse)?,
        reason: row.reason.clone(),
        ticket_number: row.ticket_id,
        answered: row.answered,
        size: row.raw_size,
        received_at: row.created_at,
    })
}
