//! Outbound webhooks: subscriptions, and deliveries with their claims and attempts.
//!
//! A delivery is enqueued by the webhook consumer together with its cursor (a
//! `BoardWrite::EnqueueDelivery` in `advance_cursor`), so each event is enqueued once per
//! subscription. Senders claim due deliveries with a token and an expiry in one statement:
//! the outer `claimed_until` test is checked again on the row a racing claimer already took
//! (PostgreSQL re-reads a row it waited for), so a delivery is held by one sender at a time,
//! and a sender that died lets its claims expire.

use sunday_store::{DeliveryOutcome, DueDelivery, StoreError, StoreResult, WebhookRecord};
use sunday_types::{
    time::Millis,
    webhooks::{Delivery, DeliveryStatus, Webhook},
    BoardId, DeliveryId, WebhookId,
};

use crate::{args, stmt, Exec, Plan, Query, SqlRow, Step, Stmt, Value};

macro_rules! webhook_cols {
    () => {
        "w.id, w.board_id, w.url, w.events, w.secret, w.created_by, w.created_at"
    };
}

fn webhook(r: &dyn SqlRow) -> StoreResult<WebhookRecord> {
    Ok(WebhookRecord {
        webhook: Webhook {
            id: r.id(0)?,
            board_id: r.id(1)?,
            url: r.string(2)?,
            events: serde_json::from_str(r.text(3)?).map_err(StoreError::internal)?,
            created_by: r.id(5)?,
            created_at: r.time(6)?,
        },
        secret: r.string(4)?,
    })
}

macro_rules! delivery_cols {
    () => {
        "d.id, d.webhook_id, d.board_id, d.event_seq, d.kind, d.status, d.attempts, d.next_attempt_at, \
         d.last_status, d.last_error, d.latency_ms, d.created_at, d.delivered_at"
    };
}

fn delivery(r: &dyn SqlRow) -> StoreResult<Delivery> {
    let status: DeliveryStatus = r.named(5, "delivery status")?;
    Ok(Delivery {
        id: r.id(0)?,
        webhook_id: r.id(1)?,
        board_id: r.id(2)?,
        event_seq: r.int(3)?,
        kind: r.string(4)?,
        status,
        attempts: u32::try_from(r.int(6)?).unwrap_or(u32::MAX),
        next_attempt_at: if status == DeliveryStatus::Pending { Some(r.time(7)?) } else { None },
        last_status: r.opt_int(8)?.and_then(|s| u16::try_from(s).ok()),
        last_error: r.opt_string(9)?,
        latency_ms: r.opt_int(10)?,
        created_at: r.time(11)?,
        delivered_at: r.opt_time(12)?,
    })
}

fn due(r: &dyn SqlRow) -> StoreResult<DueDelivery> {
    Ok(DueDelivery { delivery: delivery(r)?, body: r.string(13)?, url: r.string(14)?, secret: r.string(15)? })
}

static WEBHOOKS: Stmt =
    stmt!("SELECT ", webhook_cols!(), " FROM webhooks w WHERE w.board_id = $1 ORDER BY w.created_at, w.id");
static WEBHOOK: Stmt = stmt!("SELECT ", webhook_cols!(), " FROM webhooks w WHERE w.id = $1");
static DELIVERIES: Stmt = stmt!(
    "SELECT ",
    delivery_cols!(),
    " FROM webhook_deliveries d WHERE d.webhook_id = $1
     AND (d.created_at < $2 OR (d.created_at = $2 AND d.id{| COLLATE \"C\"} < $3))
     ORDER BY d.created_at DESC, d.id{| COLLATE \"C\"} DESC LIMIT $4"
);
static DELIVERY: Stmt = stmt!("SELECT ", delivery_cols!(), " FROM webhook_deliveries d WHERE d.id = $1");
static CLAIMED: Stmt = stmt!(
    "SELECT ",
    delivery_cols!(),
    ", d.body, w.url, w.secret FROM webhook_deliveries d
     JOIN webhooks w ON w.id = d.webhook_id WHERE d.claim = $1 AND d.status = 'pending'"
);

pub fn webhooks(board: BoardId) -> Query<WebhookRecord, Vec<WebhookRecord>> {
    Query::all(&WEBHOOKS, args![board], webhook)
}

pub fn webhook_by_id(id: WebhookId) -> Query<WebhookRecord, Option<WebhookRecord>> {
    Query::opt(&WEBHOOK, args![id], webhook)
}

/// Newest first, before `(created_at millis, id)`.
pub fn deliveries(
    webhook: WebhookId,
    before: Option<(Millis, DeliveryId)>,
    limit: usize,
) -> Query<Delivery, Vec<Delivery>> {
    let (at, id) = match before {
        Some((at, id)) => (at, id.to_string()),
        None => (Millis::MAX, "~".to_owned()),
    };
    Query::all(&DELIVERIES, args![webhook, at, id, Value::limit(limit)], delivery)
}

pub fn delivery_by_id(id: DeliveryId) -> Query<Delivery, Option<Delivery>> {
    Query::opt(&DELIVERY, args![id], delivery)
}

/// The deliveries `claim` holds, with what a sender needs.
pub fn claimed(claim: &str) -> Query<DueDelivery, Vec<DueDelivery>> {
    Query::all(&CLAIMED, args![claim.to_owned()], due)
}

static INSERT_WEBHOOK: Stmt = stmt!(
    "INSERT INTO webhooks (id, board_id, url, events, secret, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
);
static DELETE_WEBHOOK: Stmt = stmt!("DELETE FROM webhooks WHERE id = $1 AND board_id = $2");
static ENQUEUE: Stmt = stmt!(
    "INSERT INTO webhook_deliveries (id, webhook_id, board_id, event_seq, kind, body, status, attempts,
     next_attempt_at, claimed_until, created_at)
     SELECT $1, $2, $3, $4, $5, $6, 'pending', 0, $7, 0, $7 WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = $2)"
);
/// Due deliveries in due order, none of the subscriptions in `$5` (a JSON array of those
/// whose share of the sender's slots is full). The due index is walked in order, so a claim
/// costs the rows it takes (and the busy ones it skips), not the whole queue.
static CLAIM: Stmt = stmt!(
    "UPDATE webhook_deliveries SET claim = $1, claimed_until = $2
     WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $3
                  AND claimed_until <= $3 AND webhook_id NOT IN (",
    "{SELECT value FROM json_each($5)|SELECT jsonb_array_elements_text(CAST($5 AS TEXT)::jsonb)}",
    ") ORDER BY next_attempt_at LIMIT $4)
     AND status = 'pending' AND claimed_until <= $3 AND next_attempt_at <= $3"
);
/// Gives claimed deliveries back (a subscription got more than its share in one claim).
static RELEASE: Stmt = stmt!(
    "UPDATE webhook_deliveries SET claim = NULL, claimed_until = 0 WHERE claim = $1 AND id IN (",
    "{SELECT value FROM json_each($2)|SELECT jsonb_array_elements_text(CAST($2 AS TEXT)::jsonb)}",
    ")"
);
static FINISH: Stmt = stmt!(
    "UPDATE webhook_deliveries SET status = $3, attempts = attempts + 1, next_attempt_at = $4, claim = NULL,
     claimed_until = 0, last_status = $5, last_error = $6, latency_ms = $7, delivered_at = $8
     WHERE id = $1 AND claim = $2"
);
static RESEND: Stmt = stmt!(
    "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $2, claim = NULL,
     claimed_until = 0 WHERE id = $1 AND status = 'dead'"
);

pub fn insert_webhook(plan: &mut Plan, w: &WebhookRecord) -> StoreResult<()> {
    let h = &w.webhook;
    let params = args![
        h.id,
        h.board_id,
        h.url.clone(),
        Value::json(&h.events)?,
        w.secret.clone(),
        h.created_by,
        h.created_at.timestamp_millis()
    ];
    plan.push(Step::new(&INSERT_WEBHOOK, params));
    Ok(())
}

pub fn delete_webhook(plan: &mut Plan, id: WebhookId, board: BoardId) {
    let gone = crate::Refusal::rejected(sunday_types::ErrorCode::WebhookNotFound);
    plan.push(Step::changes(&DELETE_WEBHOOK, args![id, board], gone));
}

/// One delivery of `body`, due at once; nothing when the subscription is gone.
#[allow(clippy::too_many_arguments)]
pub fn enqueue(
    plan: &mut Plan,
    id: DeliveryId,
    webhook: WebhookId,
    board: BoardId,
    seq: i64,
    kind: &str,
    body: &str,
    now: Millis,
) {
    plan.push(Step::new(&ENQUEUE, args![id, webhook, board, seq, kind.to_owned(), body.to_owned(), now]));
}

/// Claims up to `limit` due deliveries for `claim` until `until`, none of the `busy`
/// subscriptions'.
pub fn claim(claim: &str, now: Millis, until: Millis, limit: usize, busy: &[WebhookId]) -> StoreResult<Exec> {
    Ok(Exec::new(&CLAIM, args![claim.to_owned(), until, now, Value::limit(limit), Value::json(&busy)?]))
}

/// Gives back deliveries `claim` holds.
pub fn release(claim: &str, ids: &[DeliveryId]) -> StoreResult<Exec> {
    Ok(Exec::new(&RELEASE, args![claim.to_owned(), Value::json(&ids)?]))
}

/// Attempts' outcomes in one transaction, each if its claim still holds the delivery.
pub fn finish_all(attempts: &[sunday_store::FinishedAttempt]) -> Plan {
    let mut plan = Plan::new();
    for a in attempts {
        plan.push(finish(a.id, &a.claim, &a.outcome).into());
    }
    plan
}

/// An attempt's outcome, if `claim` still holds the delivery.
pub fn finish(id: DeliveryId, claim: &str, outcome: &DeliveryOutcome) -> Exec {
    let (status, next) = match outcome.status {
        DeliveryStatus::Pending => ("pending", outcome.next_attempt_at),
        DeliveryStatus::Delivered => ("delivered", 0),
        DeliveryStatus::Dead => ("dead", 0),
    };
    let delivered = (outcome.status == DeliveryStatus::Delivered).then_some(outcome.at);
    Exec::new(
        &FINISH,
        args![
            id,
            claim.to_owned(),
            status.to_owned(),
            next,
            outcome.http_status.map(i64::from),
            outcome.error.clone(),
            outcome.latency_ms,
            delivered
        ],
    )
}

/// A dead delivery back in the queue, due at `now`.
pub fn resend(id: DeliveryId, now: Millis) -> Exec {
    Exec::new(&RESEND, args![id, now])
}
