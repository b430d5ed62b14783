//! The shared storage conformance suite, on a fresh SQLite file per test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use sunday_store::conformance::DynStore;
use sunday_store_sqlite::SqliteStore;

async fn fresh() -> (DynStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("sunday.db"), 2).await.unwrap();
    store.migrate().await.unwrap();
    (Arc::new(store), dir)
}

sunday_store::conformance_suite!(fresh);
