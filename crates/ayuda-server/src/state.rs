//! What every handler and worker shares.

use std::sync::Arc;

use ayuda_db::DatabaseConnection;
use tokio::sync::Notify;

use crate::auth::{JwtKeys, Limiters};
use crate::config::Settings;
use crate::storage::BlobStore;

/// Shared application state, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Database pool for reads.
    pub db: DatabaseConnection,
    /// Database connection(s) for writes: pass to [`ayuda_db::begin_write`].
    pub writer: DatabaseConnection,
    /// Settings in force.
    pub settings: Arc<Settings>,
    /// JWT keys.
    pub jwt: JwtKeys,
    /// Rate limiters.
    pub limiters: Arc<Limiters>,
    /// Wakes the outbox worker when mail was queued, so it need not wait for its next poll.
    pub outbox_wake: Arc<Notify>,
    /// Attachment bytes.
    pub blobs: BlobStore,
    /// Signs and checks the threading identifiers of ticket email.
    pub signer: ayuda_mail::signing::MailSigner,
}
