//! Attachment use cases: how much an upload may take, recording it, and who may download
//! it (the rule of [`ayuda_domain::access`], as for tickets).

use ayuda_db::attachments::{self, AttachmentAccess, AttachmentRow, NewAttachment};
use ayuda_db::users::{UserRow, is_staff};
use ayuda_domain::access::{Attached, Viewer};
use ayuda_domain::content;
use ayuda_types::Attachment;
use chrono::{Duration, Utc};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::storage::{PutError, Stored};

/// Room for the multipart framing around the file itself.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;

/// How large one upload may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    /// Bytes of the file at most.
    pub max: u64,
    /// Whether the user's daily quota, not the per-file limit, sets `max`.
    pub by_quota: bool,
}

impl Allowance {
    /// The error for a file that outgrew the allowance while it was read.
    pub fn refusal(self, err: PutError) -> ApiError {
        match err {
            PutError::TooLarge(_) if self.by_quota => ApiError::RateLimited { retry_after: 3600 },
            PutError::TooLarge(max) => too_large(max),
            PutError::Stream(msg) => ApiError::BadRequest(format!("invalid multipart body: {msg}")),
            PutError::Io(io) => ApiError::Internal(io.into()),
        }
    }
}

fn too_large(max: u64) -> ApiError {
    ApiError::PayloadTooLarge(format!("attachments may be at most {max} bytes"))
}

/// What `user` may upload now: the per-file limit, or what is left of their daily quota
/// when that is less. A body declared larger is refused before it is read, and so is an
/// upload past the user's rate.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn allowance(
    state: &AppState,
    user: &UserRow,
    declared: Option<u64>,
) -> ApiResult<Allowance> {
    let max = state.settings.attachment_max_bytes;
    if declared.is_some_and(|len| len > max + MULTIPART_OVERHEAD) {
        return Err(too_large(max));
    }
    state.limiters.upload(&user.id.to_string())?;
    let used =
        attachments::uploaded_since(&state.db, user.id, Utc::now() - Duration::days(1)).await?;
    let left = state.settings.upload_quota_bytes.saturating_sub(used);
    if left == 0 || declared.is_some_and(|len| len > left + MULTIPART_OVERHEAD) {
        return Err(ApiError::RateLimited { retry_after: 3600 });
    }
    Ok(Allowance {
        max: max.min(left),
        by_quota: left < max,
    })
}

/// Records `user`'s stored upload, not yet attached to anything.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn record(
    state: &AppState,
    user: &UserRow,
    filename: String,
    blob: Stored,
) -> ApiResult<Attachment> {
    if blob.size == 0 {
        return Err(ApiError::field("file", "empty_file", "must not be empty"));
    }
    let row = attachments::insert(
        &state.writer,
        NewAttachment {
            uploader_id: user.id,
            filename,
            content_type: content::sniff(&blob.head),
            size: i64::try_from(blob.size).unwrap_or(i64::MAX),
            sha256: blob.sha256,
        },
        Utc::now(),
    )
    .await?;
    Ok(to_wire(&row))
}

/// The file `id` if `user` may download it; 404 otherwise.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn readable(state: &AppState, user: &UserRow, id: i64) -> ApiResult<AttachmentAccess> {
    let file = attachments::find_access(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let viewer = Viewer {
        id: user.id,
        staff: is_staff(user),
    };
    let attached = file.requester_id.map(|requester_id| Attached {
        requester_id,
        internal: file.internal == Some(true),
    });
    if viewer.sees_file(file.uploader_id, attached) {
        Ok(file)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The API view of a stored attachment.
pub fn to_wire(row: &AttachmentRow) -> Attachment {
    Attachment {
        id: row.id,
        filename: row.filename.clone(),
        content_type: row.content_type.clone(),
        size: row.size,
        sha256: row.sha256.clone(),
    }
}

/// The distinct ids of a request's `attachment_ids`, in order.
pub fn distinct(ids: &[i64]) -> Vec<i64> {
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    unique
}

/// The answer when `attachment_ids` names anything but the sender's own unsent uploads
/// (someone else's, unknown, already sent, or taken by a message sent at the same moment).
pub fn not_own_unsent() -> ApiError {
    ApiError::field(
        "attachment_ids",
        "unknown_reference",
        "must name your own uploads that were not sent yet",
    )
}
