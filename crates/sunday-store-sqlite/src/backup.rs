//! Online backup of the embedded store: SQLite's backup API copies the live database into a
//! new file while the server keeps writing. The copy is one step, in one read transaction:
//! in WAL mode that reads a consistent snapshot without blocking writers. (Copying in
//! several steps would let writers in between, and SQLite restarts a backup whenever another
//! connection writes the source between steps: under a steady write load it never ends —
//! bench/ops.sh measured a 41 MiB database not finishing in a minute at 200 writes/s.)

use std::{path::Path, time::Duration};

use rusqlite::{
    backup::{Backup, StepResult},
    Connection, OpenFlags,
};
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
