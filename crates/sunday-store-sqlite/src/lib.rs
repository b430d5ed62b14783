//! The embedded default store: SQLite through rusqlite.
//!
//! One writer connection (SQLite allows one writer at a time; queuing in-process is cheaper
//! than `SQLITE_BUSY` retries) and a small pool of reader connections, all in WAL mode so
//! readers never block the writer. Calls run on tokio's blocking pool. rusqlite was chosen
//! over sqlx's SQLite driver after measuring about 10x more inserts and 60x more point reads
//! per second on this machine (ARCHITECTURE.md, "Choices already measured").
//!
//! The SQL — statements, row decoders, the plans of multi-statement writes — is written once
//! in `sunday-store-sql` and shared with the PostgreSQL store; `exec` runs it on rusqlite.
//! What is SQLite's own is here: the connections (`pool`), error classification (`error`),
//! the migrations, and which side each operation runs on — point reads inline on a reader,
//! scans on the blocking pool, writes and transactions on the writer, a whole plan in one
//! closure.

pub mod backup;
mod board_store;
mod cursors;
mod error;
mod exec;
mod files;
mod migrate;
mod notifications;
mod pool;

pub use migrate::MIGRATIONS;
pub use pool::Durability;
mod store;
mod webhooks;

use std::path::Path;

use sunday_store::{StoreError, StoreResult};
use sunday_store_sql::{archive, Exec, Finished, Plan, Query};

use pool::Pool;

/// The longest a write batch waits for more writers by default (`store.commit_wait_us`).
pub const DEFAULT_COMMIT_WAIT: std::time::Duration = std::time::Duration::from_millis(2);

pub struct SqliteStore {
    pool: Pool,
    /// The newest events committed here, decoded (read by `events_after`).
    tail: std::sync::Arc<sunday_store_sql::tail::EventTail>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file with `readers` reader connections.
    /// Does not migrate: call [`SqliteStore::migrate`].
    /// Opens the store with the default durability, [`Durability::Normal`] (see
    /// `store.sqlite_synchronous` in the README for what it means and what FULL costs).
    pub async fn open(path: &Path, readers: usize) -> StoreResult<SqliteStore> {
        Self::open_with(path, readers, Durability::Normal, DEFAULT_COMMIT_WAIT).await
    }

    /// Opens the store with `durability`; a write batch waits at most `commit_wait` for the
    /// active writers to join it (see the pool).
    pub async fn open_with(
        path: &Path,
        readers: usize,
        durability: Durability,
        commit_wait: std::time::Duration,
    ) -> StoreResult<SqliteStore> {
        let path = path.to_owned();
        let pool = tokio::task::spawn_blocking(move || Pool::open(&path, readers.max(1), durability, commit_wait))
            .await
            .map_err(StoreError::internal)??;
        Ok(SqliteStore { pool, tail: Default::default() })
    }

    /// Applies pending migrations; returns the schema version.
    pub async fn migrate(&self) -> StoreResult<i64> {
        self.pool.write(migrate::migrate).await
    }

    /// Applies pending migrations up to `version` only: tests build a database as an older
    /// release left it, then upgrade it.
    pub async fn migrate_to(&self, version: i64) -> StoreResult<i64> {
        self.pool.write(move |c| migrate::migrate_to(c, version)).await
    }

    /// Runs a shared read on a reader connection (inline when one is free).
    async fn read<T: 'static, O: Send + 'static>(&self, q: Query<T, O>) -> StoreResult<O> {
        self.pool.read(move |c| exec::fetch(c, &q)).await
    }

    /// Runs a shared single-statement write on the writer; the rows it changed.
    async fn write(&self, w: Exec) -> StoreResult<u64> {
        self.pool.write(move |c| exec::write(c, &w)).await
    }

    /// Runs a plan in one immediate transaction on the writer: one hop, one closure.
    /// Runs archive reads in one read transaction (one snapshot while others write).
    async fn snapshot(&self, queries: Vec<archive::RowsQuery>) -> StoreResult<Vec<sunday_store::TableRows>> {
        let rows = self
            .pool
            .read_blocking(move |c| {
                // One read transaction: every table from the same snapshot (WAL keeps it while
                // the writer goes on).
                c.execute_batch("BEGIN").map_err(crate::error::db_err)?;
                let rows = queries.iter().map(|q| exec::fetch(c, q)).collect::<StoreResult<Vec<_>>>();
                c.execute_batch(if rows.is_ok() { "COMMIT" } else { "ROLLBACK" }).map_err(crate::error::db_err)?;
                rows
            })
            .await?;
        Ok(archive::named(rows))
    }

    async fn run(&self, plan: Plan) -> StoreResult<Finished> {
        // Recorded on the writer before any caller of the batch is answered: a consumer woken
        // by one of them reads the board's last seq, which counts the whole batch's events.
        let tail = self.tail.clone();
        let record = move |f: &Finished| tail.record(&f.committed.events, &f.event_bytes);
        self.pool.transaction_then(move |tx| exec::run(tx, plan), record).await
    }
}
