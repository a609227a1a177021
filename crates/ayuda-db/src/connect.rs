//! Opening the database: SQLite with durable settings on every pooled connection, or PostgreSQL.

use std::str::FromStr;
use std::time::Duration;

use ayuda_migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, SqlxSqliteConnector,
};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::counting;
use crate::writer::Writer;

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite://...`
    Sqlite,
    /// `postgres://...` or `postgresql://...`
    Postgres,
}

impl Backend {
    /// The backend of a database URL, if it is one Ayuda supports.
    pub fn of_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// The ways into the database: a pool for reads, and one for write transactions.
#[derive(Debug, Clone)]
pub struct Connections {
    /// Reads (writes go through `write`).
    pub read: DatabaseConnection,
    /// Write transactions and writing statements ([`Writer`]). On SQLite, one connection
    /// with group commit: only one writer can hold the database anyway, and queueing for
    /// it in order is far faster than many connections polling SQLite's lock with sleeps
    /// (the busy handler). On PostgreSQL, the same pool as `read`.
    pub write: Writer,
}

/// Opens the database named by `url` with at most `max_connections` for reads.
///
/// SQLite gets WAL with `synchronous=FULL` (an acknowledged write survives a power cut),
/// foreign keys and a busy timeout, set on every connection the pools open; the file is
/// created when missing.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn connect(url: &str, max_connections: u32) -> Result<Connections, DbErr> {
    match Backend::of_url(url) {
        Some(Backend::Sqlite) => {
            let mut read = SqlxSqliteConnector::from_sqlx_sqlite_pool(
                sqlite_pool(url, max_connections).await?,
            );
            let mut write = SqlxSqliteConnector::from_sqlx_sqlite_pool(sqlite_pool(url, 1).await?);
            read.set_metric_callback(counting::statement_ran);
            write.set_metric_callback(counting::statement_ran);
            Ok(Connections {
                read,
                write: Writer::new(write),
            })
        }
        Some(Backend::Postgres) => {
            let mut options = ConnectOptions::new(url.to_owned());
            options
                .max_connections(max_connections)
                .min_connections(1)
                .connect_timeout(Duration::from_secs(10))
                .acquire_timeout(Duration::from_secs(10))
                .sqlx_logging(false);
            let mut pool = Database::connect(options).await?;
            pool.set_metric_callback(counting::statement_ran);
            Ok(Connections {
                read: pool.clone(),
                write: Writer::new(pool),
            })
        }
        None => Err(DbErr::Custom(format!(
            "unsupported DATABASE_URL scheme (use sqlite:// or postgres://): {}",
            url.split(':').next().unwrap_or_default()
        ))),
    }
}

#[tracing::instrument(level = "debug", skip_all)]
async fn sqlite_pool(url: &str, max_connections: u32) -> Result<sqlx::SqlitePool, DbErr> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| DbErr::Custom(format!("invalid SQLite URL: {e}")))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        // Reads from a memory map instead of a read() per page, and a larger page cache
        // than the default 2 MB: a big database stays hot in memory across requests.
        .pragma("mmap_size", "1073741824")
        .pragma("cache_size", "-32768");
    SqlitePoolOptions::new()
        .max_connections(max_connections)
        .min_connections(1)
        // Writers queue here behind each other; give a burst time to drain.
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options)
        .await
        .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::Internal(e.to_string())))
}

/// Applies every pending migration.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// A round trip to the database, for readiness checks.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.execute_unprepared("SELECT 1").await.map(|_| ())
}
