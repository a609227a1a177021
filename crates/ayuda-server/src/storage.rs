//! Attachment bytes on disk, addressed by their SHA-256 (identical files are stored once).
//!
//! An upload is streamed to a temporary file while it is hashed and counted, flushed to disk,
//! then renamed to `<root>/<aa>/<bb>/<sha256>`; a reader never sees a half-written file.
//! Files that nothing refers to are removed by [`BlobStore::remove_if_older`], which the
//! file sweep calls; a lock between it and the rename keeps a file just stored again from
//! being removed.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// How many leading bytes are kept to sniff the media type.
const SNIFF_BYTES: usize = 8192;

/// Where attachment bytes live.
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
    /// Held while a file is renamed into place, and while the sweep checks and removes one.
    placing: Arc<tokio::sync::Mutex<()>>,
}

/// A stored upload.
#[derive(Debug, Clone)]
pub struct Stored {
    /// SHA-256, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// The first bytes, for sniffing the media type.
    pub head: Vec<u8>,
}

/// Why an upload was not stored.
#[derive(Debug, thiserror::Error)]
pub enum PutError {
    /// More than the allowed bytes.
    #[error("the file is larger than {0} bytes")]
    TooLarge(u64),
    /// The client's stream failed.
    #[error("the upload was interrupted: {0}")]
    Stream(String),
    /// The disk failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl BlobStore {
    /// A store under `root` (created on first use).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            placing: Arc::default(),
        }
    }

    /// The file holding the bytes with this hash.
    pub fn path(&self, sha256: &str) -> PathBuf {
        let (a, b) = (
            sha256.get(0..2).unwrap_or("00"),
            sha256.get(2..4).unwrap_or("00"),
        );
        self.root.join(a).join(b).join(sha256)
    }

    /// Streams `body` into the store, refusing it past `max_bytes`.
    pub async fn put<E: std::fmt::Display>(
        &self,
        mut body: impl Stream<Item = Result<Bytes, E>> + Unpin,
        max_bytes: u64,
    ) -> Result<Stored, PutError> {
        let tmp_dir = self.root.join("tmp");
        tokio::fs::create_dir_all(&tmp_dir).await?;
        let tmp = tmp_dir.join(uuid::Uuid::new_v4().simple().to_string());
        let result = self.write(&tmp, &mut body, max_bytes).await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        result
    }

    /// Stores bytes already in memory (files taken from an email).
    pub async fn put_bytes(&self, bytes: Vec<u8>) -> Result<Stored, PutError> {
        let chunk = Bytes::from(bytes);
        let body = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(chunk)]);
        self.put(body, u64::MAX).await
    }

    async fn write<E: std::fmt::Display>(
        &self,
        tmp: &Path,
        body: &mut (impl Stream<Item = Result<Bytes, E>> + Unpin),
        max_bytes: u64,
    ) -> Result<Stored, PutError> {
        let mut file = tokio::fs::File::create(tmp).await?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut head = Vec::with_capacity(SNIFF_BYTES);
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| PutError::Stream(e.to_string()))?;
            size += chunk.len() as u64;
            if size > max_bytes {
                return Err(PutError::TooLarge(max_bytes));
            }
            if head.len() < SNIFF_BYTES {
                let take = (SNIFF_BYTES - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await?;
        }
        // Durable before it is acknowledged, like the database row that will point at it.
        file.sync_all().await?;
        drop(file);
        let sha256 = format!("{:x}", hasher.finalize());
        let path = self.path(&sha256);
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        // Renaming refreshes the file's time, which the sweep reads under the same lock.
        let _placing = self.placing.lock().await;
        tokio::fs::rename(tmp, &path).await?;
        Ok(Stored { sha256, size, head })
    }

    /// The hashes of every stored file (about 100 bytes of memory per file).
    pub async fn hashes(&self) -> std::io::Result<Vec<String>> {
        let mut hashes = Vec::new();
        for a in read_dirs(&self.root).await? {
            for b in read_dirs(&a).await? {
                let mut files = match tokio::fs::read_dir(&b).await {
                    Ok(files) => files,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(e),
                };
                while let Some(entry) = files.next_entry().await? {
                    if let Some(name) = entry.file_name().to_str().filter(|n| is_hash(n)) {
                        hashes.push(name.to_owned());
                    }
                }
            }
        }
        Ok(hashes)
    }

    /// Removes the file of `sha256` if it was last stored more than `age` ago; `true` if it
    /// was removed.
    pub async fn remove_if_older(&self, sha256: &str, age: Duration) -> std::io::Result<bool> {
        let path = self.path(sha256);
        let _placing = self.placing.lock().await;
        match tokio::fs::metadata(&path).await {
            Ok(meta) if is_older(&meta, age) => {
                tokio::fs::remove_file(&path).await?;
                Ok(true)
            }
            Ok(_) => Ok(false),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Removes temporary files older than `age` (left by a crash in the middle of an upload);
    /// returns how many.
    pub async fn remove_stale_temporaries(&self, age: Duration) -> std::io::Result<usize> {
        let mut removed = 0;
        let mut files = match tokio::fs::read_dir(self.root.join("tmp")).await {
            Ok(files) => files,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e),
        };
        while let Some(entry) = files.next_entry().await? {
            if is_older(&entry.metadata().await?, age) {
                tokio::fs::remove_file(entry.path()).await?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// The two-letter directories under `dir` (none when `dir` does not exist).
async fn read_dirs(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    let mut entries = match tokio::fs::read_dir(dir).await {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(dirs),
        Err(e) => return Err(e),
    };
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name();
        if name.len() == 2 && entry.file_type().await?.is_dir() {
            dirs.push(entry.path());
        }
    }
    Ok(dirs)
}

fn is_hash(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_older(meta: &std::fs::Metadata, age: Duration) -> bool {
    meta.modified()
        .ok()
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .is_some_and(|elapsed| elapsed > age)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(parts: &[&'static [u8]]) -> impl Stream<Item = Result<Bytes, String>> + Unpin {
        futures_util::stream::iter(
            parts
                .iter()
                .map(|p| Ok(Bytes::from_static(p)))
                .collect::<Vec<_>>(),
        )
    }

    #[tokio::test]
    async fn stores_by_hash_and_refuses_too_large() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path());
        let stored = store.put(chunks(&[b"hola ", b"mundo"]), 100).await.unwrap();
        assert_eq!(stored.size, 10);
        assert_eq!(stored.head, b"hola mundo");
        assert_eq!(
            stored.sha256,
            "0b894166d3336435c800bea36ff21b29eaa801a52f584c006c49289a0dcf6e2f"
        );
        assert_eq!(
            std::fs::read(store.path(&stored.sha256)).unwrap(),
            b"hola mundo"
        );
        let err = store
            .put(chunks(&[b"12345", b"67890"]), 6)
            .await
            .unwrap_err();
        assert!(matches!(err, PutError::TooLarge(6)));
        assert_eq!(
            std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
            0
        );
    }
}
