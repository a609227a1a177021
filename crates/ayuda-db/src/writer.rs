//! The way writes reach the database, with group commit on SQLite.
//!
//! SQLite has one writer at a time, and with `synchronous=FULL` every commit pays an fsync
//! (about 1.7 ms here), which bounded writes to a few hundred per second however cheap each
//! was. So on SQLite the writer keeps one transaction (a *batch*) open while writes are
//! queued for it: each write transaction of a request (a *unit*, [`WriteTxn`]) runs in a
//! savepoint of the batch, one after another, and the batch commits once when the units
//! queued ahead of the committer are done, or after 256 units. A unit's `commit`
//! returns only after its batch is durable, so nothing is acknowledged before it would
//! survive a power cut. A unit that fails or is dropped rolls back to its own savepoint:
//! its neighbours commit. If the batch's commit fails, every unit in it gets the error.
//!
//! On PostgreSQL, which commits concurrent transactions in parallel and groups their WAL
//! flushes itself, a unit is a plain transaction from the pool.

use std::sync::{Arc, Weak};

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};
use tokio::sync::{Mutex, Notify, OwnedMutexGuard, watch};

/// The most units one batch takes before it commits, so that a steady stream of writes
/// still reaches the disk (and its requests their answer) in bounded time.
const MAX_UNITS: usize = 256;

/// Where write transactions begin ([`Writer::begin`]); also a connection for single
/// writing statements, which on SQLite join the current batch the same way.
#[derive(Clone, Debug)]
pub struct Writer {
    conn: DatabaseConnection,
    group: Option<Arc<Group>>,
}

/// The SQLite writer's shared state.
#[derive(Debug)]
struct Group {
    batch: Arc<Mutex<Batch>>,
    /// A unit finished: the committer queues for the batch and commits it.
    finished: Arc<Notify>,
}

impl Group {
    /// Waits for the writer, as long as a burst may take to drain (as the pool of one
    /// connection did before): a unit that waits longer gets an error, not a hang.
    async fn turn(&self) -> Result<OwnedMutexGuard<Batch>, DbErr> {
        tokio::time::timeout(TURN_TIMEOUT, self.batch.clone().lock_owned())
            .await
            .map_err(|_| DbErr::Custom("timed out waiting for the database writer".into()))
    }
}

/// How long a write waits for its turn.
const TURN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

impl Drop for Group {
    fn drop(&mut self) {
        // Lets the committer see that the writer is gone and stop.
        self.finished.notify_one();
    }
}

/// The open batch: one transaction on the single write connection.
#[derive(Debug)]
struct Batch {
    txn: Option<DatabaseTransaction>,
    units: usize,
    /// `Some` once the batch committed (or failed to): what its units answer.
    outcome: watch::Sender<Option<Result<(), String>>>,
}

impl Batch {
    /// The batch's transaction, begun by [`Turn::start`].
    fn open(&self) -> Result<&DatabaseTransaction, DbErr> {
        self.txn
            .as_ref()
            .ok_or_else(|| DbErr::Custom("no batch is open".into()))
    }

    async fn commit(&mut self) {
        if let Some(txn) = self.txn.take() {
            let result = txn.commit().await.map_err(|e| e.to_string());
            if let Err(err) = &result {
                tracing::error!(error = %err, units = self.units, "group commit failed");
            }
            self.outcome.send_replace(Some(result));
            self.units = 0;
        }
    }
}

impl Writer {
    /// A writer on `conn`. On SQLite `conn` must be a pool of one connection (the only
    /// writer), and a committer task is started on the current Tokio runtime.
    pub fn new(conn: DatabaseConnection) -> Self {
        if conn.get_database_backend() != DbBackend::Sqlite {
            return Writer { conn, group: None };
        }
        let group = Arc::new(Group {
            batch: Arc::new(Mutex::new(Batch {
                txn: None,
                units: 0,
                outcome: watch::channel(None).0,
            })),
            finished: Arc::new(Notify::new()),
        });
        tokio::spawn(commit_when_idle(
            Arc::downgrade(&group.batch),
            group.finished.clone(),
        ));
        Writer {
            conn,
            group: Some(group),
        }
    }

    /// The connection itself, bypassing group commit: for migrations and bulk loading
    /// before the server takes requests, and for closing.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// Begins a write transaction. On SQLite it waits for its turn on the writer and runs
    /// in a savepoint of the current batch; on PostgreSQL it is a transaction of its own.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn begin(&self) -> Result<WriteTxn, DbErr> {
        let Some(group) = &self.group else {
            return Ok(WriteTxn {
                savepoint: Some(self.conn.begin().await?),
                backend: self.conn.get_database_backend(),
                turn: None,
            });
        };
        let mut batch = group.turn().await?;
        let turn = Turn::start(&mut batch, &self.conn, group.finished.clone()).await?;
        // On failure the turn ends here and the committer takes the batch as it is.
        let savepoint = batch.open()?.begin().await?;
        Ok(WriteTxn {
            savepoint: Some(savepoint),
            backend: DbBackend::Sqlite,
            turn: Some(turn.with(batch)),
        })
    }

    /// Runs one statement as a unit of its own (no savepoint needed: a failing statement
    /// undoes only its own changes) and waits for its batch to commit.
    async fn single<T>(
        &self,
        group: &Group,
        run: impl AsyncFnOnce(&DatabaseTransaction) -> Result<T, DbErr>,
    ) -> Result<T, DbErr> {
        let mut batch = group.turn().await?;
        let turn = Turn::start(&mut batch, &self.conn, group.finished.clone()).await?;
        let result = run(batch.open()?).await;
        let outcome = turn.with(batch).finish();
        let value = result?;
        wait(outcome).await?;
        Ok(value)
    }
}

/// Commits whenever a unit has finished and the units queued before this task are done.
/// The mutex is fair, so a batch takes in every unit that queued while it ran.
async fn commit_when_idle(batch: Weak<Mutex<Batch>>, finished: Arc<Notify>) {
    loop {
        finished.notified().await;
        let Some(batch) = batch.upgrade() else {
            return;
        };
        batch.lock().await.commit().await;
    }
}

/// One unit's hold on the batch, from its start to its end.
#[derive(Debug)]
struct Turn {
    batch: Option<OwnedMutexGuard<Batch>>,
    outcome: watch::Receiver<Option<Result<(), String>>>,
    finished: Arc<Notify>,
}

impl Turn {
    /// Joins the batch (beginning one if none is open; committing a full one first).
    async fn start(
        batch: &mut Batch,
        conn: &DatabaseConnection,
        finished: Arc<Notify>,
    ) -> Result<Turn, DbErr> {
        if batch.units >= MAX_UNITS {
            batch.commit().await;
        }
        if batch.txn.is_none() {
            // Immediate: the batch takes SQLite's write lock at once, so no statement in
            // it can meet "database is locked" halfway.
            let options = TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            };
            batch.txn = Some(conn.begin_with_options(options).await?);
            batch.outcome = watch::channel(None).0;
        }
        batch.units += 1;
        Ok(Turn {
            batch: None,
            outcome: batch.outcome.subscribe(),
            finished,
        })
    }

    fn with(mut self, batch: OwnedMutexGuard<Batch>) -> Self {
        self.batch = Some(batch);
        self
    }

    /// Gives the writer to the next unit (or the committer), returning what to wait for.
    fn finish(mut self) -> watch::Receiver<Option<Result<(), String>>> {
        self.batch = None;
        self.outcome.clone()
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        // Released first, so the committer (or the next unit) can take the batch.
        self.batch = None;
        self.finished.notify_one();
    }
}

/// Waits until the batch of `outcome` committed.
async fn wait(mut outcome: watch::Receiver<Option<Result<(), String>>>) -> Result<(), DbErr> {
    let done = outcome
        .wait_for(Option::is_some)
        .await
        .map_err(|_| DbErr::Custom("the writer stopped before committing".into()))?;
    // Only a recorded successful commit acknowledges the unit.
    match done.as_ref() {
        Some(Ok(())) => Ok(()),
        Some(Err(err)) => Err(DbErr::Custom(format!("commit failed: {err}"))),
        None => Err(DbErr::Custom("the batch has no outcome".into())),
    }
}

/// A write transaction: pass `&txn` wherever a connection is taken, then [`commit`].
/// Dropped without committing, it rolls back (on SQLite: to its savepoint, leaving the
/// other units of its batch alone).
///
/// [`commit`]: WriteTxn::commit
#[derive(Debug)]
pub struct WriteTxn {
    /// The unit's savepoint (SQLite) or transaction (PostgreSQL); `None` once committed.
    /// Declared before `turn`, so when dropped its rollback is queued on the connection
    /// before the turn ends and the next unit or the committer takes the batch.
    savepoint: Option<DatabaseTransaction>,
    backend: DbBackend,
    /// SQLite: this unit's hold on the batch.
    turn: Option<Turn>,
}

impl WriteTxn {
    /// Commits; on SQLite returns once the unit's batch is durable.
    pub async fn commit(mut self) -> Result<(), DbErr> {
        self.savepoint
            .take()
            .ok_or_else(committed)?
            .commit()
            .await?;
        match self.turn.take() {
            Some(turn) => wait(turn.finish()).await,
            None => Ok(()),
        }
    }

    /// A savepoint inside this transaction, for a part that may fail on its own.
    pub async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        self.txn()?.begin().await
    }

    fn txn(&self) -> Result<&DatabaseTransaction, DbErr> {
        self.savepoint.as_ref().ok_or_else(committed)
    }
}

fn committed() -> DbErr {
    DbErr::Custom("the transaction was committed already".into())
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.backend
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn()?.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn()?.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn()?.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn()?.query_all_raw(stmt).await
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Writer {
    fn get_database_backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        match &self.group {
            None => self.conn.execute_raw(stmt).await,
            Some(group) => {
                self.single(group, async |t| t.execute_raw(stmt).await)
                    .await
            }
        }
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        match &self.group {
            None => self.conn.execute_unprepared(sql).await,
            Some(group) => {
                self.single(group, async |t| t.execute_unprepared(sql).await)
                    .await
            }
        }
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        match &self.group {
            None => self.conn.query_one_raw(stmt).await,
            Some(group) => {
                self.single(group, async |t| t.query_one_raw(stmt).await)
                    .await
            }
        }
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match &self.group {
            None => self.conn.query_all_raw(stmt).await,
            Some(group) => {
                self.single(group, async |t| t.query_all_raw(stmt).await)
                    .await
            }
        }
    }
}
