//! Removes stored files nothing needs: uploads never attached to a message within
//! `AYUDA_UNLINKED_UPLOAD_TTL_SECS`, then files no attachment refers to (left by a message
//! that did not become a ticket after all, or by those uploads) and raw-mail files no
//! intake record refers to (a message whose batch failed), then temporary files left by a
//! crash in the middle of an upload.
//!
//! A file is only removed when it was last stored longer ago than the same time, so an upload
//! whose record is still being written is never taken for an orphan. Safe with several
//! instances: deleting a record twice deletes it once.

use std::time::Duration;

use std::collections::HashSet;

use ayuda_db::{attachments, inbound};
use chrono::Utc;
use tokio::sync::watch;

use crate::state::AppState;
use crate::storage::BlobStore;

/// Records deleted per transaction, and hashes asked about per query.
const BATCH: u64 = 500;

/// What one sweep removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// Upload records never attached.
    pub uploads: u64,
    /// Files no record referred to (attachments and raw mail).
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

/// Removes the files of `store` that `in_use` does not name and that were last stored more
/// than `age` ago; returns how many.
async fn remove_unreferenced<F, Fut>(
    store: &BlobStore,
    age: Duration,
    in_use: F,
) -> anyhow::Result<u64>
where
    F: Fn(Vec<String>) -> Fut,
    Fut: Future<Output = Result<HashSet<String>, ayuda_db::DbErr>>,
{
    let mut removed = 0;
    let hashes = store.hashes().await?;
    for chunk in hashes.chunks(BATCH as usize) {
        let used = in_use(chunk.to_vec()).await?;
        for hash in chunk.iter().filter(|h| !used.contains(*h)) {
            if store.remove_if_older(hash, age).await? {
                removed += 1;
            }
        }
    }
    Ok(removed)
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
    swept.files += remove_unreferenced(&state.blobs, age, |chunk| async move {
        attachments::hashes_in_use(&state.db, &chunk).await
    })
    .await?;
    swept.files += remove_unreferenced(&state.raw_mail, age, |chunk| async move {
        inbound::raw_hashes_in_use(&state.db, &chunk).await
    })
    .await?;
    // An upload in progress renews its temporary file as it writes; an hour untouched is
    // an interrupted one.
    let stale = age.min(Duration::from_secs(3600));
    for store in [&state.blobs, &state.raw_mail] {
        swept.temporaries += store.remove_stale_temporaries(stale).await? as u64;
    }
    Ok(swept)
}
