//! Opening the database: SQLite with durable settings on every pooled connection, or PostgreSQL.

use std::str::FromStr;
use std::time::Duration;

use ayuda_migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, SqlxSqliteConnector, TransactionOptions, TransactionTrait,
};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

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

/// Opens a pool on `url` with at most `max_connections`.
///
/// SQLite gets WAL with `synchronous=FULL` (an acknowledged write survives a power cut),
/// foreign keys and a busy timeout, set on every connection the pool opens; the file is
/// created when missing.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    match Backend::of_url(url) {
        Some(Backend::Sqlite) => {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| DbErr::Custom(format!("invalid SQLite URL: {e}")))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections)
                .min_connections(1)
                .connect_with(options)
                .await
                .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::Internal(e.to_string())))?;
            Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
        }
        Some(Backend::Postgres) => {
            let mut options = ConnectOptions::new(url.to_owned());
            options
                .max_connections(max_connections)
                .min_connections(1)
                .connect_timeout(Duration::from_secs(10))
                .acquire_timeout(Duration::from_secs(10))
                .sqlx_logging(false);
            Database::connect(options).await
        }
        None => Err(DbErr::Custom(format!(
            "unsupported DATABASE_URL scheme (use sqlite:// or postgres://): {}",
            url.split(':').next().unwrap_or_default()
        ))),
    }
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// A round trip to the database, for readiness checks.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.execute_unprepared("SELECT 1").await.map(|_| ())
}

/// Begins a transaction that will write. On SQLite it starts with `BEGIN IMMEDIATE`: a
/// deferred transaction that reads first cannot upgrade to a writer while another
/// connection writes (SQLite answers "database is locked" without waiting), while an
/// immediate one queues for the write lock under the busy timeout.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let mut options = TransactionOptions::default();
    if db.get_database_backend() == DbBackend::Sqlite {
        options.sqlite_transaction_mode = Some(SqliteTransactionMode::Immediate);
    }
    db.begin_with_options(options).await
}
