//! Schema migrations, recorded in `schema_migrations` exactly as the SQLite backend does.
//!
//! Each pending migration is applied in its own transaction together with its
//! `schema_migrations` row, after taking a transaction-scoped advisory lock: several servers
//! starting at once against one database apply every migration exactly once, the others
//! waiting and then finding it done. The statements here are prepared but not cached: a
//! statement cached on a connection would outlive a rolled-back `CREATE TABLE`.

use deadpool_postgres::GenericClient;
use sunday_store::{
    migrations::{Migration, MigrationPlan, Step},
    StoreResult,
};

use crate::{error::db_err, pool::Pool};

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

/// Key of the advisory lock serializing migrators ("SUNDAYMG").
const LOCK_KEY: i64 = 0x5355_4E44_4159_4D47;

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT NOT NULL, name TEXT NOT NULL, applied_at BIGINT NOT NULL,
    CONSTRAINT schema_migrations_pkey PRIMARY KEY (version))";

/// Applies pending migrations; returns the schema version.
pub async fn migrate(pool: &Pool) -> StoreResult<i64> {
    migrate_to(pool, i64::MAX).await
}

/// Applies pending migrations up to `target` (tests build databases at old versions), one
/// transaction each under the advisory lock.
pub async fn migrate_to(pool: &Pool, target: i64) -> StoreResult<i64> {
    let mut client = pool.get().await?;
    loop {
        let tx = client.transaction().await.map_err(db_err)?;
        tx.query_one("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY]).await.map_err(db_err)?;
        tx.batch_execute(CREATE_TABLE).await.map_err(db_err)?;
        let current = max_version(&tx).await?;
        let plan = MigrationPlan::new(current, MIGRATIONS)?.up_to(target);
        let Some(Step { version, migration }) = plan.pending.first().copied() else {
            tx.commit().await.map_err(db_err)?;
            return Ok(current);
        };
        tx.batch_execute(migration.sql).await.map_err(db_err)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            &[&version, &migration.name, &sunday_types::time::now_millis()],
        )
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        tracing::info!(version, name = migration.name, "applied postgres migration");
    }
}

/// The highest applied migration, 0 on an empty database.
pub async fn current_version<C: GenericClient>(c: &C) -> StoreResult<i64> {
    let exists: bool = c
        .query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])
        .await
        .map_err(db_err)?
        .try_get(0)
        .map_err(db_err)?;
    if !exists {
        return Ok(0);
    }
    max_version(c).await
}

async fn max_version<C: GenericClient>(c: &C) -> StoreResult<i64> {
    c.query_one("SELECT coalesce(max(version), 0)::BIGINT FROM schema_migrations", &[])
        .await
        .map_err(db_err)?
        .try_get(0)
        .map_err(db_err)
}
