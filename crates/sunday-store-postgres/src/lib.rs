//! The PostgreSQL store: tokio-postgres through a deadpool-postgres pool.
//!
//! Same schema (table, index and constraint names) and same semantics as the SQLite backend,
//! checked by the shared conformance suite. Ids are canonical lowercase UUID text and
//! timestamps `BIGINT` milliseconds, so both backends store identical values; cursors compare
//! id text, which every collation orders like the bytes for such strings (notification ids
//! are nonetheless compared with `COLLATE "C"`, see `sunday_store_sql::notifications`).
//!
//! The SQL — statements, row decoders, the plans of multi-statement writes — is written once
//! in `sunday-store-sql` and shared with the SQLite store; `exec` runs it on tokio-postgres.
//! What is PostgreSQL's own is here: the pool, error classification (`error`), the
//! migrations and their advisory lock, scratch databases for tests, and which operations run
//! in a transaction rather than in autocommit mode.

mod error;
mod exec;
mod migrate;
mod pool;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::describe;
pub use migrate::MIGRATIONS;
pub use pool::Pool;

use sunday_store::StoreResult;
use sunday_store_sql::{archive, Exec, Finished, Plan, Query};

pub struct PostgresStore {
    pool: Pool,
    /// The newest events committed here, decoded (read by `events_after`).
    tail: sunday_store_sql::tail::EventTail,
}

/// Runs `$body` (an expression using the transaction `$tx`) in one transaction on a pooled
/// connection: committed when it returns `Ok`, rolled back when it fails (dropping an
/// uncommitted tokio-postgres transaction rolls it back).
macro_rules! in_transaction {
    ($store:expr, |$tx:ident| $body:expr) => {{
        let mut client = $store.pool.get().await?;
        let $tx = client.transaction().await.map_err($crate::error::db_err)?;
        let value = $body.await?;
        $tx.commit().await.map_err($crate::error::db_err)?;
        Ok(value)
    }};
}

/// Runs `$body` (an expression using the client `$c`) on a pooled connection, in autocommit
/// mode: single statements are atomic on their own.
macro_rules! on_client {
    ($store:expr, |$c:ident| $body:expr) => {{
        let $c = $store.pool.get().await?;
        $body.await
    }};
}

// After the macros above, which they use.
mod board_store;
mod cursors;
mod files;
mod notifications;
mod store;
mod webhooks;

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/dbname` or the
    /// key=value form) with at most `max_connections` pooled connections. Fails with
    /// `Unavailable` when the server cannot be reached. Does not migrate: call
    /// [`PostgresStore::migrate`].
    pub async fn connect(url: &str, max_connections: usize) -> StoreResult<PostgresStore> {
        Ok(PostgresStore { pool: Pool::connect(url, max_connections).await?, tail: Default::default() })
    }

    /// Applies pending migrations; returns the schema version.
    pub async fn migrate(&self) -> StoreResult<i64> {
        migrate::migrate(&self.pool).await
    }

    /// Applies pending migrations up to `version` only: tests build a database as an older
    /// release left it, then upgrade it.
    pub async fn migrate_to(&self, version: i64) -> StoreResult<i64> {
        migrate::migrate_to(&self.pool, version).await
    }

    /// Runs a shared read on a pooled connection.
    async fn read<T, O>(&self, q: Query<T, O>) -> StoreResult<O> {
        on_client!(self, |c| exec::fetch(&c, &q))
    }

    /// Runs a shared single-statement write in autocommit mode; the rows it changed.
    async fn write(&self, w: Exec) -> StoreResult<u64> {
        on_client!(self, |c| exec::write(&c, &w))
    }

    /// Runs a plan in one transaction.
    /// Runs archive reads in one read transaction (one snapshot while others write).
    async fn snapshot(&self, queries: Vec<archive::RowsQuery>) -> StoreResult<Vec<sunday_store::TableRows>> {
        let mut client = self.pool.get().await?;
        // One snapshot for every table while others write.
        let tx = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await
            .map_err(crate::error::db_err)?;
        let mut rows = Vec::with_capacity(queries.len());
        for q in &queries {
            rows.push(exec::fetch(&tx, q).await?);
        }
        tx.commit().await.map_err(crate::error::db_err)?;
        Ok(archive::named(rows))
    }

    async fn run(&self, plan: Plan) -> StoreResult<Finished> {
        let finished: StoreResult<Finished> = in_transaction!(self, |tx| exec::run(&tx, plan));
        let finished = finished?;
        self.tail.record(&finished.committed.events, &finished.event_bytes);
        Ok(finished)
    }
}
