//! Online backup of the embedded store: SQLite's backup API copies the live database page by
//! page into a new file while the server keeps writing, and gives a consistent snapshot (a
//! step that finds a page changed since it was copied starts over).

use std::{path::Path, time::Duration};

use rusqlite::{backup::Backup, Connection, OpenFlags};
use sunday_store::{StoreError, StoreResult};

/// Copies the database at `from` (open elsewhere or not) into the new file `to`; returns the
/// snapshot's schema version.
pub fn snapshot(from: &Path, to: &Path) -> StoreResult<i64> {
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(StoreError::internal)?;
    source.busy_timeout(Duration::from_secs(30)).map_err(StoreError::internal)?;
    let mut target = Connection::open(to).map_err(StoreError::internal)?;
    {
        let backup = Backup::new(&source, &mut target).map_err(StoreError::internal)?;
        // 1,000 pages (4 MiB) a step, with a pause so writers get the lock in between.
        backup.run_to_completion(1_000, Duration::from_millis(2), None).map_err(StoreError::internal)?;
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
