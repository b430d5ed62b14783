//! Outbound webhooks: subscriptions of a board's events, delivered as signed HTTP POSTs with
//! retries, and the log of their deliveries.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::*;

/// A subscription: the board's events of the kinds named (all when empty) go to `url`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Webhook {
    pub id: WebhookId,
    pub board_id: BoardId,
    pub url: String,
    /// Event kinds (`item_created`, `item_updated`…, see `BoardChange`); empty: every event.
    pub events: Vec<String>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// `http://` or `https://`; private, loopback and link-local addresses are refused unless
    /// `webhooks.allowed_hosts` names them. It must answer the subscription's `challenge`.
    pub url: String,
    /// Event kinds; absent or empty: every event of the board.
    #[serde(default)]
    pub events: Vec<String>,
}

/// A new subscription with its signing secret, shown this once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// Signs every delivery (`Sunday-Signature`); not shown again.
    pub secret: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    Delivered,
    /// Every attempt failed (about a day of retries): in the dead-letter list, to resend.
    Dead,
}

/// One event's delivery to one subscription.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Delivery {
    pub id: DeliveryId,
    pub webhook_id: WebhookId,
    pub board_id: BoardId,
    pub event_seq: i64,
    /// The event's kind.
    pub kind: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    /// When the next attempt is due (pending deliveries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's last HTTP status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status: Option<u16>,
    /// Why the last attempt failed (timeout, connection refused, a refused address…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// How long the last attempt took.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<i64>,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<DateTime<Utc>>,
}

/// The body of a delivery of a board event: `{"webhook_id", "board_id", "event"}`, the event
/// as the activity log shows it.
#[derive(Debug, Serialize)]
pub struct EventDelivery<'a> {
    pub webhook_id: WebhookId,
    pub board_id: BoardId,
    pub event: &'a crate::boards::BoardEvent,
}

/// The body of a delivery an automation's `call_webhook` made: the item, with the run that sent
/// it (`"kind": "automation"`).
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename = "automation")]
pub struct AutomationDelivery<'a> {
    pub webhook_id: WebhookId,
    pub board_id: BoardId,
    pub automation_id: Option<AutomationId>,
    pub run_id: Option<RunId>,
    pub item: &'a crate::boards::Item,
}

/// The handshake a new subscription's URL must echo (`{"challenge": "…"}`).
#[derive(Debug, Serialize, Deserialize)]
pub struct Challenge {
    pub challenge: String,
}
