//! The store's health as operations endpoints report it.

use std::sync::Arc;

use sunday_store::{PoolStats, Store, StoreResult};

pub struct StoreHealth {
    store: Arc<dyn Store>,
}

impl StoreHealth {
    pub(crate) fn new(store: Arc<dyn Store>) -> StoreHealth {
        StoreHealth { store }
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    /// Round-trip to the store.
    pub async fn ping(&self) -> StoreResult<()> {
        self.store.ping().await
    }

    /// The applied and the expected schema versions.
    pub async fn schema_versions(&self) -> StoreResult<(i64, i64)> {
        Ok((self.store.schema_version().await?, self.store.expected_schema_version()))
    }

    pub fn pool_stats(&self) -> PoolStats {
        self.store.pool_stats()
    }
}
