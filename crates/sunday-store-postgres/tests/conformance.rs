//! The shared storage conformance suite, on a fresh scratch database per test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use sunday_store::conformance::DynStore;
use sunday_store_postgres::{
    testing::{admin_url, create_scratch_database, ScratchDb},
    PostgresStore,
};

async fn fresh() -> (DynStore, ScratchDb) {
    let (url, guard) = create_scratch_database(&admin_url()).await.unwrap();
    let store = PostgresStore::connect(&url, 4).await.unwrap();
    store.migrate().await.unwrap();
    (Arc::new(store), guard)
}

sunday_store::conformance_suite!(fresh);
