//! One writer connection and a fixed set of reader connections, used from tokio's blocking
//! pool. A reader is checked out for one closure; when all are busy the caller waits on a
//! condition variable (bounded by the pool size, so memory stays fixed).

use std::{
    path::Path,
    sync::{Arc, Condvar, Mutex},
};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use sunday_store::{PoolStats, StoreError, StoreResult};

use crate::error::db_err;

#[derive(Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

struct Inner {
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    reader_freed: Condvar,
    size: usize,
}

/// What an acknowledged write survives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous = FULL`: every commit is on disk before it is acknowledged; it survives a
    /// power loss or an OS crash.
    Full,
    /// `synchronous = NORMAL`: commits survive a crash of Sunday itself, but a power loss or
    /// an OS crash may roll back the last ones (never corrupting the file).
    Normal,
}

fn configure(conn: &Connection, durability: Durability) -> StoreResult<()> {
    // Memory-mapped reads (up to 1 GiB of the file) skip a read() per page on large boards
    // (W2 in BENCHMARKS.md).
    let synchronous = match durability {
        Durability::Full => "PRAGMA synchronous = FULL;",
        Durability::Normal => "PRAGMA synchronous = NORMAL;",
    };
    conn.execute_batch(synchronous).map_err(db_err)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 5000;
         PRAGMA cache_size = -16000;
         PRAGMA mmap_size = 1073741824;",
    )
    .map_err(db_err)?;
    // Every statement goes through `prepare_cached`; the default 16 entries would evict hot
    // statements once commits, reads and bookkeeping share a connection.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(())
}

/// Prepared statements kept per connection: more than Sunday has distinct statements.
const STATEMENT_CACHE: usize = 128;

impl Pool {
    pub fn open(path: &Path, readers: usize, durability: Durability) -> StoreResult<Pool> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| StoreError::Unavailable(format!("cannot create {}: {e}", dir.display())))?;
            }
        }
        let open = |flags: OpenFlags| -> StoreResult<Connection> {
            let conn = Connection::open_with_flags(path, flags)
                .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))?;
            configure(&conn, durability)?;
            Ok(conn)
        };
        let writer =
            open(OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        let readers = (0..readers)
            .map(|_| open(OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX))
            .collect::<StoreResult<Vec<_>>>()?;
        let size = readers.len() + 1;
        Ok(Pool {
            inner: Arc::new(Inner {
                writer: Mutex::new(writer),
                readers: Mutex::new(readers),
                reader_freed: Condvar::new(),
                size,
            }),
        })
    }

    pub fn stats(&self) -> PoolStats {
        let idle_readers = self.inner.readers.lock().map(|r| r.len()).unwrap_or(0);
        let writer_idle = usize::from(self.inner.writer.try_lock().is_ok());
        PoolStats { size: self.inner.size, available: idle_readers + writer_idle }
    }

    /// Runs `f` on a reader connection, inline on the calling thread when a reader is free.
    ///
    /// Every read Sunday issues is a bounded lookup (by key, or a page of at most a few hundred
    /// rows through an index) that SQLite answers from its page cache in microseconds; handing
    /// it to the blocking pool cost more than the query itself (W1 in BENCHMARKS.md: three
    /// hops per request held throughput at 0.09x of raw axum). When every reader is busy the
    /// call waits for one on the blocking pool instead, so an async worker never sleeps.
    pub async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        if let Some(conn) = self.inner.try_checkout() {
            let result = f(&conn);
            self.inner.checkin(conn);
            return result;
        }
        self.read_blocking(f).await
    }

    /// Runs `f` on a reader connection on the blocking pool: for scans whose cost grows with
    /// the data (loading a whole board), which must not stall an async worker.
    pub async fn read_blocking<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let conn = inner.checkout()?;
            let result = f(&conn);
            inner.checkin(conn);
            result
        })
        .await
        .map_err(StoreError::internal)?
    }

    /// Runs `f` on the writer connection, outside any explicit transaction (single
    /// statements are atomic on their own).
    pub async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = inner.writer.lock().map_err(|_| StoreError::internal("sqlite writer lock poisoned"))?;
            f(&mut conn)
        })
        .await
        .map_err(StoreError::internal)?
    }

    /// Runs `f` in one immediate transaction on the writer: committed when `f` returns `Ok`,
    /// rolled back (nothing written) when it returns an error.
    pub async fn transaction<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> StoreResult<T> + Send + 'static,
    {
        self.write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
            let value = f(&tx)?;
            tx.commit().map_err(db_err)?;
            Ok(value)
        })
        .await
    }
}

impl Inner {
    fn try_checkout(&self) -> Option<Connection> {
        self.readers.lock().ok()?.pop()
    }

    fn checkout(&self) -> StoreResult<Connection> {
        let mut readers = self.readers.lock().map_err(|_| StoreError::internal("sqlite reader pool poisoned"))?;
        loop {
            if let Some(conn) = readers.pop() {
                return Ok(conn);
            }
            readers =
                self.reader_freed.wait(readers).map_err(|_| StoreError::internal("sqlite reader pool poisoned"))?;
        }
    }

    fn checkin(&self, conn: Connection) {
        if let Ok(mut readers) = self.readers.lock() {
            readers.push(conn);
            self.reader_freed.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The durability chosen is what every connection runs with (SQLite: 2 = FULL, 1 = NORMAL).
    #[tokio::test]
    async fn every_connection_runs_with_the_chosen_durability() {
        let dir = tempfile::tempdir().unwrap();
        for (durability, expected) in [(Durability::Full, 2), (Durability::Normal, 1)] {
            let pool = Pool::open(&dir.path().join(format!("{expected}.db")), 2, durability).unwrap();
            let read: i64 =
                pool.read(|c| c.query_row("PRAGMA synchronous", [], |r| r.get(0)).map_err(db_err)).await.unwrap();
            let write: i64 =
                pool.write(|c| c.query_row("PRAGMA synchronous", [], |r| r.get(0)).map_err(db_err)).await.unwrap();
            assert_eq!((read, write), (expected, expected), "{durability:?}");
        }
    }
}
