//! Schema migrations: each pending one applied in its own transaction together with its
//! `schema_migrations` row (the writer connection is the only one that migrates).

use rusqlite::Connection;
use sunday_store::{
    migrations::{Migration, MigrationPlan, Step},
    StoreResult,
};

use crate::error::db_err;

/// Migrations in order; the version of each is its position (1-based).
pub const MIGRATIONS: &[Migration] = &[
    Migration { name: "0001_accounts", sql: include_str!("../migrations/0001_accounts.sql") },
    Migration { name: "0002_boards", sql: include_str!("../migrations/0002_boards.sql") },
    Migration { name: "0003_notifications", sql: include_str!("../migrations/0003_notifications.sql") },
    Migration {
        name: "0004_idempotency_reservations",
        sql: include_str!("../migrations/0004_idempotency_reservations.sql"),
    },
    Migration {
        name: "0005_board_structure_version",
        sql: include_str!("../migrations/0005_board_structure_version.sql"),
    },
    Migration { name: "0006_event_cursors", sql: include_str!("../migrations/0006_event_cursors.sql") },
    Migration {
        name: "0007_archive_and_update_counts",
        sql: include_str!("../migrations/0007_archive_and_update_counts.sql"),
    },
    Migration { name: "0008_digest_claims", sql: include_str!("../migrations/0008_digest_claims.sql") },
    Migration { name: "0009_leases", sql: include_str!("../migrations/0009_leases.sql") },
    Migration {
        name: "0010_automations_and_webhooks",
        sql: include_str!("../migrations/0010_automations_and_webhooks.sql"),
    },
    Migration {
        name: "0011_schedules_and_board_links",
        sql: include_str!("../migrations/0011_schedules_and_board_links.sql"),
    },
    Migration { name: "0012_files", sql: include_str!("../migrations/0012_files.sql") },
    Migration {
        name: "0013_gallery_and_workload_views",
        sql: include_str!("../migrations/0013_gallery_and_workload_views.sql"),
    },
    Migration { name: "0014_dashboards", sql: include_str!("../migrations/0014_dashboards.sql") },
    Migration { name: "0015_past_links", sql: include_str!("../migrations/0015_past_links.sql") },
    Migration { name: "0016_item_computed", sql: include_str!("../migrations/0016_item_computed.sql") },
    Migration {
        name: "0017_relation_columns_index",
        sql: include_str!("../migrations/0017_relation_columns_index.sql"),
    },
    Migration { name: "0018_relation_targets", sql: include_str!("../migrations/0018_relation_targets.sql") },
];

/// Applies pending migrations; returns the schema version.
pub fn migrate(conn: &mut Connection) -> StoreResult<i64> {
    migrate_to(conn, i64::MAX)
}

/// Applies pending migrations up to `target` (tests build databases at old versions).
pub fn migrate_to(conn: &mut Connection, target: i64) -> StoreResult<i64> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL,
            CONSTRAINT schema_migrations_pkey PRIMARY KEY (version))",
    )
    .map_err(db_err)?;
    let plan = MigrationPlan::new(current_version(conn)?, MIGRATIONS)?.up_to(target);
    for Step { version, migration } in plan.pending {
        let tx = conn.transaction().map_err(db_err)?;
        tx.execute_batch(migration.sql).map_err(db_err)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![version, migration.name, sunday_types::time::now_millis()],
        )
        .map_err(db_err)?;
        tx.commit().map_err(db_err)?;
        tracing::info!(version, name = migration.name, "applied sqlite migration");
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
