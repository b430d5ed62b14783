//! Schema migrations: each pending one applied in its own transaction together with its
//! `schema_migrations` row (the writer connection is the only one that migrates).

use rusqlite::Connection;
use sunday_store::StoreResult;

use crate::error::db_err;

/// Migrations in order; the version of each is its position (1-based).
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_accounts", include_str!("../migrations/0001_accounts.sql")),
    ("0002_boards", include_str!("../migrations/0002_boards.sql")),
    ("0003_notifications", include_str!("../migrations/0003_notifications.sql")),
    ("0004_idempotency_reservations", include_str!("../migrations/0004_idempotency_reservations.sql")),
    ("0005_board_structure_version", include_str!("../migrations/0005_board_structure_version.sql")),
    ("0006_event_cursors", include_str!("../migrations/0006_event_cursors.sql")),
    ("0007_archive_and_update_counts", include_str!("../migrations/0007_archive_and_update_counts.sql")),
    ("0008_digest_claims", include_str!("../migrations/0008_digest_claims.sql")),
];

/// Applies pending migrations; returns the schema version.
pub fn migrate(conn: &mut Connection) -> StoreResult<i64> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL,
            CONSTRAINT schema_migrations_pkey PRIMARY KEY (version))",
    )
    .map_err(db_err)?;
    let current = current_version(conn)?;
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate() {
        let version = i as i64 + 1;
        if version <= current {
            continue;
        }
        let tx = conn.transaction().map_err(db_err)?;
        tx.execute_batch(sql).map_err(db_err)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![version, name, sunday_types::time::now_millis()],
        )
        .map_err(db_err)?;
        tx.commit().map_err(db_err)?;
        tracing::info!(version, name, "applied sqlite migration");
    }
    current_version(conn)
}

/// The highest applied migration, 0 on an empty database.
pub fn current_version(conn: &Connection) -> StoreResult<i64> {
    let has_table: bool = conn
        .query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
            [],
            |r| r.get(0),
        )
        .map_err(db_err)?;
    if !has_table {
        return Ok(0);
    }
    conn.query_row("SELECT coalesce(max(version), 0) FROM schema_migrations", [], |r| r.get(0)).map_err(db_err)
}
