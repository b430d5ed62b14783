//! Outbound webhooks' storage port: subscriptions are written in board commits
//! (`BoardWrite::InsertWebhook`, `DeleteWebhook`), deliveries enqueued with the webhook
//! consumer's cursor (`BoardWrite::EnqueueDelivery`); senders claim due deliveries and record
//! each attempt here.

use async_trait::async_trait;
use sunday_types::{
    time::Millis,
    webhooks::{Delivery, DeliveryStatus, Webhook},
    BoardId, DeliveryId, WebhookId,
};

use crate::StoreResult;

/// A subscription with its signing secret (never served after creation).
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookRecord {
    pub webhook: Webhook,
    pub secret: String,
}

/// A claimed delivery with what its sender needs.
#[derive(Clone, Debug)]
pub struct DueDelivery {
    pub delivery: Delivery,
    /// The exact bytes to send (and sign), fixed when enqueued.
    pub body: String,
    pub url: String,
    pub secret: String,
}

/// An attempt to record: the delivery, the claim it was made under, its outcome.
#[derive(Clone, Debug)]
pub struct FinishedAttempt {
    pub id: DeliveryId,
    pub claim: String,
    pub outcome: DeliveryOutcome,
}

/// What one attempt came to.
#[derive(Clone, Debug)]
pub struct DeliveryOutcome {
    /// `Pending` (retry at `next_attempt_at`), `Delivered` or `Dead`.
    pub status: DeliveryStatus,
    pub next_attempt_at: Millis,
    pub http_status: Option<u16>,
    pub error: Option<String>,
    pub latency_ms: Option<i64>,
    pub at: Millis,
}

#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// The board's subscriptions, oldest first.
    async fn webhooks(&self, board: BoardId) -> StoreResult<Vec<WebhookRecord>>;
    async fn webhook(&self, id: WebhookId) -> StoreResult<Option<WebhookRecord>>;
    /// Deliveries of a subscription, newest first, before `(created_at, id)`.
    async fn deliveries(
        &self,
        webhook: WebhookId,
        before: Option<(Millis, DeliveryId)>,
        limit: usize,
    ) -> StoreResult<Vec<Delivery>>;
    async fn delivery(&self, id: DeliveryId) -> StoreResult<Option<Delivery>>;
    /// Claims up to `limit` deliveries due at `now` for `claim` until `until` (none of the
    /// `busy` subscriptions'), and returns those `claim` holds.
    async fn claim_deliveries(
        &self,
        claim: &str,
        now: Millis,
        until: Millis,
        limit: usize,
        busy: &[WebhookId],
    ) -> StoreResult<Vec<DueDelivery>>;
    /// Gives back deliveries `claim` holds, due again at once.
    async fn release_deliveries(&self, claim: &str, ids: &[DeliveryId]) -> StoreResult<()>;
    /// Records attempts, in one transaction; an attempt whose claim no longer holds its
    /// delivery (it expired and another sender took it) is not recorded.
    async fn finish_deliveries(&self, attempts: Vec<FinishedAttempt>) -> StoreResult<()>;
    /// Puts a dead delivery back in the queue; `false` when it is not dead.
    async fn resend_delivery(&self, id: DeliveryId, now: Millis) -> StoreResult<bool>;
}
