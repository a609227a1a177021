//! A durable note, written the moment the SMTP server accepts a message, that it was sent.
//!
//! On SQLite every write waits its turn for the one writer connection; under load the mark
//! "sent" can wait tens of milliseconds behind ticket writes, and a crash in that wait would
//! send the message again after the restart. So on SQLite the worker first appends the
//! message's id to this small file (fsync'd, a fraction of a millisecond, no queue), marks the
//! database at the end of the batch, and on start folds whatever the file holds into the
//! database before it leases anything. On PostgreSQL writers do not queue behind one
//! another, and the mark goes straight to the database.

use std::path::{Path, PathBuf};

use tokio::io::AsyncWriteExt;

/// The ledger file of a data directory.
pub struct SentLedger {
    path: PathBuf,
    file: tokio::fs::File,
}

impl SentLedger {
    /// Opens (or creates) the ledger in `data_dir`.
    pub async fn open(data_dir: &Path) -> std::io::Result<Self> {
        let path = data_dir.join("outbox-sent.log");
        let file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .await?;
        Ok(Self { path, file })
    }

    /// The ids recorded since the ledger was last cleared (a line cut short by a crash has
    /// no newline yet and is skipped: its message was not marked, and is sent again).
    pub async fn recorded(&self) -> std::io::Result<Vec<i64>> {
        let text = tokio::fs::read_to_string(&self.path).await?;
        let complete = text.rfind('\n').map_or("", |end| &text[..end]);
        Ok(complete
            .split('\n')
            .filter_map(|line| line.trim().parse().ok())
            .collect())
    }

    /// Records, durably, that message `id` was accepted by the SMTP server.
    pub async fn record(&mut self, id: i64) -> std::io::Result<()> {
        self.file.write_all(format!("{id}\n").as_bytes()).await?;
        self.file.sync_data().await
    }

    /// Empties the ledger once the database holds every mark it had.
    pub async fn clear(&mut self) -> std::io::Result<()> {
        self.file.set_len(0).await?;
        self.file.sync_data().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn records_survive_reopening_and_clear_empties() {
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else { panic!("temp dir") };
        let Ok(mut ledger) = SentLedger::open(dir.path()).await else {
            panic!("open")
        };
        for id in [3, 5] {
            assert!(ledger.record(id).await.is_ok());
        }
        drop(ledger);
        // A crash in the middle of a line leaves a fragment that is not read as an id.
        let path = dir.path().join("outbox-sent.log");
        let _ = std::fs::write(&path, "3\n5\n1");
        let Ok(mut ledger) = SentLedger::open(dir.path()).await else {
            panic!("reopen")
        };
        assert_eq!(ledger.recorded().await.ok(), Some(vec![3, 5]));
        assert!(ledger.clear().await.is_ok());
        assert!(ledger.record(8).await.is_ok());
        assert_eq!(ledger.recorded().await.ok(), Some(vec![8]));
    }
}
