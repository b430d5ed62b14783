//! Outbound webhooks' storage (see `sunday_store::WebhookStore`).

use async_trait::async_trait;
use sunday_store::{DueDelivery, FinishedAttempt, StoreResult, WebhookRecord, WebhookStore};
use sunday_store_sql::webhooks as sql;
use sunday_types::{time::Millis, webhooks::Delivery, BoardId, DeliveryId, WebhookId};

use crate::PostgresStore;

#[async_trait]
impl WebhookStore for PostgresStore {
    async fn webhooks(&self, board: BoardId) -> StoreResult<Vec<WebhookRecord>> {
        self.read(sql::webhooks(board)).await
    }

    async fn webhook(&self, id: WebhookId) -> StoreResult<Option<WebhookRecord>> {
        self.read(sql::webhook_by_id(id)).await
    }

    async fn deliveries(
        &self,
        webhook: WebhookId,
        before: Option<(Millis, DeliveryId)>,
        limit: usize,
    ) -> StoreResult<Vec<Delivery>> {
        self.read(sql::deliveries(webhook, before, limit)).await
    }

    async fn delivery(&self, id: DeliveryId) -> StoreResult<Option<Delivery>> {
        self.read(sql::delivery_by_id(id)).await
    }

    async fn claim_deliveries(
        &self,
        claim: &str,
        now: Millis,
        until: Millis,
        limit: usize,
        busy: &[WebhookId],
    ) -> StoreResult<Vec<DueDelivery>> {
        self.write(sql::claim(claim, now, until, limit, busy)?).await?;
        self.read(sql::claimed(claim)).await
    }

    async fn release_deliveries(&self, claim: &str, ids: &[DeliveryId]) -> StoreResult<()> {
        self.write(sql::release(claim, ids)?).await.map(|_| ())
    }

    async fn finish_deliveries(&self, attempts: Vec<FinishedAttempt>) -> StoreResult<()> {
        self.run(sql::finish_all(&attempts)).await.map(|_| ())
    }

    async fn resend_delivery(&self, id: DeliveryId, now: Millis) -> StoreResult<bool> {
        Ok(self.write(sql::resend(id, now)).await? == 1)
    }
}
