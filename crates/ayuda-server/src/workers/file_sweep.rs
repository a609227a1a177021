//! Removes stored files nothing needs: uploads never attached to a message within
//! `AYUDA_UNLINKED_UPLOAD_TTL_SECS`, then files no attachment refers to (left by a message
//! that did not become a ticket after all, or by those uploads), then temporary files left
//! by a crash in the middle of an upload.
//!
//! A file is only removed when it was last stored longer ago than the same time, so an upload
//! whose record is still being written is never taken for an orphan. Safe with several
//! instances: deleting a record twice deletes it once.

use std::time::Duration;

use ayuda_db::attachments;
use chrono::Utc;
use tokio::sync::watch;

use crate::state::AppState;

/// Records deleted per transaction, and hashes asked about per query.
const BATCH: u64 = 500;

/// What one sweep removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// Upload records never attached.
    pub uploads: u64,
    /// Files no record referred to.
    pub files: u64,
    /// Temporary files of interrupted uploads.
    pub temporaries: u64,
}

/// Runs until `shutdown` turns true, sweeping every `AYUDA_FILE_SWEEP_INTERVAL_SECS`.
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let interval = Duration::from_secs(state.settings.file_sweep_interval_secs);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            break;
        }
        match sweep(&state).await {
            Ok(swept) if swept == Swept::default() => {}
            Ok(swept) => tracing::info!(
                uploads = swept.uploads,
                files = swept.files,
                temporaries = swept.temporaries,
                "removed files nothing refers to"
            ),
            Err(err) => tracing::error!(error = format!("{err:#}"), "file sweep"),
        }
    }
}

/// One sweep; see the module documentation.
pub async fn sweep(state: &AppState) -> anyhow::Result<Swept> {
    let age = Duration::from_secs(state.settings.unlinked_upload_ttl_secs);
    let cutoff = Utc::now() - chrono::Duration::from_std(age)?;
    let mut swept = Swept::default();
    loop {
        let txn = state.writer.begin().await?;
        let deleted = attachments::delete_unlinked_before(&txn, cutoff, BATCH).await?;
        txn.commit().await?;
        swept.uploads += deleted;
        if deleted < BATCH {
            break;
        }
    }
    let hashes = state.blobs.hashes().await?;
    for chunk in hashes.chunks(BATCH as usize) {
        let used = attachments::hashes_in_use(&state.db, chunk).await?;
        for hash in chunk.iter().filter(|h| !used.contains(*h)) {
            if state.blobs.remove_if_older(hash, age).await? {
                swept.files += 1;
            }
        }
    }
    // An upload in progress renews its temporary file as it writes; an hour untouched is
    // an interrupted one.
    swept.temporaries = state
        .blobs
        .remove_stale_temporaries(age.min(Duration::from_secs(3600)))
        .await? as u64;
    Ok(swept)
}
