//! Counting the statements a piece of work runs: the server wraps each request in
//! [`count`], reports the number per route (`ayuda_db_statements_total`) and, when asked,
//! in a `Server-Timing` header, so a change that adds queries to an endpoint shows (and the
//! statement-count test fails).
//!
//! BEGIN, COMMIT and savepoints are not counted: sea-orm reports executed statements only.

use std::cell::Cell;
use std::future::Future;
use std::time::Duration;

/// What the database did for one piece of work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Work {
    /// Statements run.
    pub statements: u32,
    /// Their time, from sending each to its answer.
    pub time: Duration,
}

tokio::task_local! {
    static WORK: Cell<Work>;
}

/// Runs `work`, returning its output and what the database did for it (in its own task:
/// work it spawned elsewhere is not counted).
pub async fn count<F: Future>(work: F) -> (F::Output, Work) {
    WORK.scope(Cell::new(Work::default()), async {
        let output = work.await;
        (output, WORK.with(Cell::get))
    })
    .await
}

/// Called by the connections after every statement. With
/// `RUST_LOG=ayuda_db::statements=trace` every statement is logged with its time.
pub(crate) fn statement_ran(info: &sea_orm::metric::Info<'_>) {
    tracing::trace!(
        target: "ayuda_db::statements",
        micros = info.elapsed.as_micros(),
        failed = info.failed,
        sql = %info.statement.sql,
    );
    let _ = WORK.try_with(|w| {
        let mut work = w.get();
        work.statements += 1;
        work.time += info.elapsed;
        w.set(work);
    });
}
