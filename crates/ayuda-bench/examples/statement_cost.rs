//! What one database statement costs through sea-orm and sqlx on SQLite, the floor under
//! every API number: `cargo run --release -p ayuda-bench --example statement_cost`.
//!
//! sqlx runs each SQLite connection on a thread of its own, so every statement is two
//! hand-offs between threads on top of SQLite's own work.

use std::time::Instant;

use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};

const N: u32 = 2000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}/cost.db", dir.path().display());
    let db = ayuda_db::connect(&url, 4).await?.write.connection().clone();
    db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        .await?;
    let insert = |i: u32| {
        Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "INSERT INTO t (v) VALUES (?)",
            [format!("value {i}").into()],
        )
    };

    let txn = db.begin().await?;
    let started = Instant::now();
    for i in 0..N {
        txn.execute_raw(insert(i)).await?;
    }
    report("INSERT inside a transaction", started, N);
    let started = Instant::now();
    for i in 1..=N {
        let by_id = Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT v FROM t WHERE id = ?",
            [i64::from(i).into()],
        );
        txn.query_one_raw(by_id).await?;
    }
    report("SELECT by primary key", started, N);
    txn.commit().await?;

    let started = Instant::now();
    for i in 0..N / 4 {
        let txn = db.begin().await?;
        txn.execute_raw(insert(i)).await?;
        txn.commit().await?;
    }
    report("BEGIN + INSERT + COMMIT (durable)", started, N / 4);
    Ok(())
}

fn report(what: &str, started: Instant, n: u32) {
    let micros = started.elapsed().as_secs_f64() * 1e6 / f64::from(n);
    println!("{what}: {micros:.0} µs");
}
