//! Online backup of the embedded store while the server keeps writing.
//!
//! The copy reads one consistent snapshot: a read transaction, which in WAL mode blocks no
//! writer. [`Pages`] reads that snapshot page by page through the `sqlite_dbpage` virtual
//! table (compiled in by the repository's `.cargo/config.toml`) and hands the bytes to whoever
//! writes the backup, so the writing can be paced and synced as it goes. That matters on the
//! server's own disk: SQLite's backup API writes the whole copy at memory speed, the kernel
//! holds gigabytes of it unwritten, and every commit the server syncs then waits behind them
//! (ext4 orders a journal commit after the data written before it) — writes' p99 went from
//! 20 ms to seconds during a 1.8 GB backup (BENCHMARKS.md, issue 17).
//!
//! [`snapshot`], the backup API in one step, is the fallback for a build without
//! `sqlite_dbpage`. (Copying in several steps would let writers in between, and SQLite restarts
//! a backup whenever another connection writes the source between steps: under a steady write
//! load it never ends.)

use std::{io::Read, path::Path, time::Duration};

use rusqlite::{
    backup::{Backup, StepResult},
    Connection, OpenFlags,
};
use sunday_store::{StoreError, StoreResult};

/// A consistent snapshot of a database, readable as the bytes of a database file: its pages in
/// order, as of the moment [`Pages::open`] returned. The file it makes is in rollback-journal
/// mode, like a copy made by the backup API; Sunday turns WAL on when it opens it.
#[derive(Debug)]
pub struct Pages {
    conn: Connection,
    count: u32,
    /// The next page to fetch (pages count from 1).
    next: u32,
    page: Vec<u8>,
    /// How much of `page` has been read.
    at: usize,
    page_size: usize,
    schema_version: i64,
}

impl Pages {
    /// Opens a snapshot of the database at `from` (open elsewhere or not); `None` when this
    /// build's SQLite lacks `sqlite_dbpage`.
    pub fn open(from: &Path) -> StoreResult<Option<Pages>> {
        let conn =
            Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(StoreError::internal)?;
        conn.busy_timeout(Duration::from_secs(30)).map_err(StoreError::internal)?;
        if conn.prepare(FETCH).is_err() {
            return Ok(None);
        }
        // Pages of the database file read through a memory map rather than a read() each
        // (those still in the WAL are read from it): a tenth less CPU for a large backup.
        conn.execute_batch("PRAGMA mmap_size = 17179869184").map_err(StoreError::internal)?;
        conn.execute_batch("BEGIN").map_err(StoreError::internal)?;
        // The first read starts the transaction's snapshot; everything after reads the same one.
        let schema_version = schema_version(&conn)?;
        let pragma = |name: &str| -> StoreResult<i64> {
            conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0)).map_err(StoreError::internal)
        };
        let (page_size, count) = (pragma("page_size")?, pragma("page_count")?);
        let page_size = usize::try_from(page_size).map_err(StoreError::internal)?;
        let count = u32::try_from(count).map_err(StoreError::internal)?;
        Ok(Some(Pages { conn, count, next: 1, page: Vec::with_capacity(page_size), at: 0, page_size, schema_version }))
    }

    /// The size of the database file the snapshot makes.
    pub fn size(&self) -> u64 {
        u64::from(self.count) * self.page_size as u64
    }

    /// The highest migration the snapshot holds.
    pub fn schema_version(&self) -> i64 {
        self.schema_version
    }

    fn fetch(&mut self) -> rusqlite::Result<()> {
        let mut statement = self.conn.prepare_cached(FETCH)?;
        let mut rows = statement.query([self.next])?;
        let row = rows.next()?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
        self.page.clear();
        self.page.extend_from_slice(row.get_ref(0)?.as_blob()?);
        if self.next == 1 && self.page.len() > 19 {
            // The file format's write and read versions: 1 is a rollback journal, 2 is WAL. A
            // copy is a database on its own, with no WAL beside it.
            self.page[18] = 1;
            self.page[19] = 1;
        }
        Ok(())
    }
}

const FETCH: &str = "SELECT data FROM sqlite_dbpage WHERE pgno = ?1";

impl Read for Pages {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.page.len() {
            if self.next > self.count {
                return Ok(0);
            }
            self.fetch().map_err(std::io::Error::other)?;
            if self.page.len() != self.page_size {
                return Err(std::io::Error::other(format!("page {} is {} bytes", self.next, self.page.len())));
            }
            self.next += 1;
            self.at = 0;
        }
        let n = buf.len().min(self.page.len() - self.at);
        buf[..n].copy_from_slice(&self.page[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Copies the database at `from` (open elsewhere or not) into the new file `to` with the
/// backup API, in one step; returns the snapshot's schema version.
pub fn snapshot(from: &Path, to: &Path) -> StoreResult<i64> {
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(StoreError::internal)?;
    source.busy_timeout(Duration::from_secs(30)).map_err(StoreError::internal)?;
    let mut target = Connection::open(to).map_err(StoreError::internal)?;
    {
        let backup = Backup::new(&source, &mut target).map_err(StoreError::internal)?;
        // Every page in one step (-1): one snapshot, never restarted by a writer. A step that
        // finds the database locked (a checkpoint) is tried again shortly.
        loop {
            match backup.step(-1).map_err(StoreError::internal)? {
                StepResult::Done => break,
                StepResult::More => {}
                _ => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    }
    schema_version(&target)
}

/// The highest migration applied to the database at `path` (0 without any), after checking
/// the file is an intact SQLite database.
pub fn check(path: &Path) -> StoreResult<i64> {
    let c = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(StoreError::internal)?;
    let verdict: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(StoreError::internal)?;
    if verdict != "ok" {
        return Err(StoreError::internal(format!("the database is damaged: {verdict}")));
    }
    schema_version(&c)
}

fn schema_version(c: &Connection) -> StoreResult<i64> {
    let has: bool = c
        .query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
            [],
            |r| r.get(0),
        )
        .map_err(StoreError::internal)?;
    if !has {
        return Ok(0);
    }
    c.query_row("SELECT COALESCE(max(version), 0) FROM schema_migrations", [], |r| r.get(0))
        .map_err(StoreError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(c: &Connection) -> i64 {
        c.query_row("SELECT count(*) FROM t", [], |r| r.get(0)).unwrap()
    }

    /// A WAL database with `rows` rows, its last commits still in the WAL (not checkpointed),
    /// and a writer that keeps its connection open.
    fn live(dir: &Path, rows: i64) -> Connection {
        let c = Connection::open(dir.join("live.db")).unwrap();
        c.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
             CREATE TABLE schema_migrations (version INTEGER); INSERT INTO schema_migrations VALUES (7);
             CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB);",
        )
        .unwrap();
        for i in 0..rows {
            c.execute("INSERT INTO t VALUES (?1, randomblob(700))", [i]).unwrap();
        }
        c
    }

    #[test]
    fn pages_read_one_snapshot_while_a_writer_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let writer = live(dir.path(), 500);
        let mut pages = Pages::open(&dir.path().join("live.db")).unwrap().expect("built with sqlite_dbpage");
        assert_eq!(pages.schema_version(), 7);
        let expected = pages.size();
        // Written after the snapshot began, halfway through reading it, and checkpointed into
        // the database file: none of it is in the copy.
        let mut copy = vec![0; 4096 * 3];
        pages.read_exact(&mut copy).unwrap();
        for i in 500..900 {
            writer.execute("INSERT INTO t VALUES (?1, randomblob(700))", [i]).unwrap();
        }
        writer.execute("UPDATE t SET v = zeroblob(10) WHERE id < 100", []).unwrap();
        writer.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())).unwrap();
        pages.read_to_end(&mut copy).unwrap();
        assert_eq!(copy.len() as u64, expected);
        drop(pages);
        std::fs::write(dir.path().join("copy.db"), &copy).unwrap();
        assert_eq!(check(&dir.path().join("copy.db")).unwrap(), 7);
        let c = Connection::open(dir.path().join("copy.db")).unwrap();
        assert_eq!(count(&c), 500);
        let small: i64 = c.query_row("SELECT count(*) FROM t WHERE length(v) < 700", [], |r| r.get(0)).unwrap();
        assert_eq!(small, 0);
        assert_eq!(count(&writer), 900);
    }

    #[test]
    fn the_backup_api_copy_is_the_same_database() {
        let dir = tempfile::tempdir().unwrap();
        let writer = live(dir.path(), 300);
        assert_eq!(snapshot(&dir.path().join("live.db"), &dir.path().join("copy.db")).unwrap(), 7);
        assert_eq!(check(&dir.path().join("copy.db")).unwrap(), 7);
        assert_eq!(count(&Connection::open(dir.path().join("copy.db")).unwrap()), count(&writer));
    }
}
