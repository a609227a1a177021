//! What every handler and worker shares.

use std::sync::Arc;

use ayuda_db::DatabaseConnection;

use crate::auth::{JwtKeys, Limiters};
use crate::config::Settings;
use crate::storage::BlobStore;

/// Shared application state, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Database pool for reads.
    pub db: DatabaseConnection,
    /// Writes: transactions begin here ([`ayuda_db::Writer::begin`]), and single writing
    /// statements run on it (on SQLite both are group-committed).
    pub writer: ayuda_db::Writer,
    /// This instance's id (a fresh UUID per start): the holder of its leases.
    pub instance: Arc<str>,
    /// Where this instance runs: host name and listen address.
    pub node: Arc<str>,
    /// Settings in force.
    pub settings: Arc<Settings>,
    /// The chat settings in force (admins change them at run time).
    pub chat_settings: Arc<crate::chat::settings::Current>,
    /// JWT keys.
    pub jwt: JwtKeys,
    /// Password hashing, bounded.
    pub passwords: crate::auth::password::Hasher,
    /// Proxies whose `X-Forwarded-For` entries are believed.
    pub proxies: Arc<crate::auth::client::TrustedProxies>,
    /// Callers' accounts, cached for a few seconds (forgotten on every change).
    pub accounts: Arc<crate::auth::cache::AccountCache>,
    /// Rate limiters.
    pub limiters: Arc<Limiters>,
    /// Real time: the sockets of this instance, and the signals between instances (which
    /// also wake the outbox workers when mail was queued).
    pub realtime: Arc<crate::realtime::Realtime>,
    /// Article search results, cached for a few seconds (forgotten on every forum write).
    pub searches: Arc<crate::search_cache::SearchCache>,
    /// Article views counted in memory, written every few seconds.
    pub views: Arc<crate::view_counts::ViewCounts>,
    /// Attachment bytes.
    pub blobs: BlobStore,
    /// The bytes of large inbound messages (see [`crate::intake`]).
    pub raw_mail: BlobStore,
    /// Signs and checks list cursors.
    pub cursors: crate::pagination::Cursors,
    /// The support mailbox: its own addresses, and the signed identifiers that thread
    /// ticket email.
    pub mailbox: ayuda_mail::identity::SupportMailbox,
}

impl AppState {
    /// Mail was queued and committed: wakes this instance's outbox worker at once and,
    /// on PostgreSQL, every other instance's.
    pub async fn mail_queued(&self) {
        self.realtime.outbox_wake.notify_one();
        let signal = crate::realtime::Signal {
            mail: true,
            ..crate::realtime::Signal::default()
        };
        crate::realtime::listener::signal_others(self, signal, "new mail").await;
    }
}
