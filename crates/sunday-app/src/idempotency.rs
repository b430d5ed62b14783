//! Remembered responses of requests sent with an `Idempotency-Key`, scoped to the user.

use std::sync::Arc;

use sunday_store::{IdempotentResponse, Store};
use sunday_types::{time::now_millis, ApiError, UserId};

#[derive(Clone)]
pub struct IdempotencyService {
    store: Arc<dyn Store>,
}

impl IdempotencyService {
    pub fn new(store: Arc<dyn Store>) -> IdempotencyService {
        IdempotencyService { store }
    }

    /// The response saved under the user's key, if any.
    pub async fn saved(&self, user: UserId, key: &str) -> Result<Option<IdempotentResponse>, ApiError> {
        Ok(self.store.idempotent_response(user, key).await?)
    }

    /// Saves a response under the user's key; a concurrent first writer wins.
    pub async fn save(&self, user: UserId, key: &str, response: &IdempotentResponse) -> Result<(), ApiError> {
        Ok(self.store.save_idempotent_response(user, key, response, now_millis()).await?)
    }
}
