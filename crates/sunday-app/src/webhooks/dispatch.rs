//! Getting events to subscribers: the consumer that enqueues deliveries from the event log,
//! and the senders that claim and post them.

use std::{collections::HashMap, sync::Arc, time::Duration};

use rand::Rng;
use sunday_store::{BoardWrite, DeliveryOutcome, DueDelivery, FinishedAttempt};
use sunday_types::{
    time::now_millis,
    webhooks::{DeliveryStatus, EventDelivery},
    ApiError, BoardId, DeliveryId, WebhookId,
};
use sunday_webhooks::sign;
use tokio::sync::{watch, Notify, Semaphore};

use super::WebhookService;

/// The consumer name of the enqueuer's cursors.
pub const CONSUMER: &str = "webhooks";

const BATCH: usize = 500;
/// How often senders look for due deliveries when nothing woke them.
const POLL_EVERY: Duration = Duration::from_millis(500);
/// Retries wait at most this long.
const LONGEST_WAIT: Duration = Duration::from_secs(2 * 3600);

#[derive(Clone)]
pub struct Dispatcher {
    svc: WebhookService,
    /// Woken when deliveries were enqueued.
    due: Arc<Notify>,
    /// Attempts to record, to the finisher.
    finished: tokio::sync::mpsc::UnboundedSender<FinishedAttempt>,
    finisher: Arc<std::sync::Mutex<Option<tokio::sync::mpsc::UnboundedReceiver<FinishedAttempt>>>>,
}

/// The wait before attempt `n + 1` after `n` failed ones: `first` doubled each time, at most
/// two hours, with ±20 % jitter so receivers that failed together are not retried together.
pub fn backoff(first: Duration, failed: u32) -> Duration {
    let base = first.saturating_mul(2u32.saturating_pow(failed.saturating_sub(1).min(20))).min(LONGEST_WAIT);
    let jitter = rand::thread_rng().gen_range(0.8..1.2);
    base.mul_f64(jitter)
}

impl Dispatcher {
    pub(super) fn new(svc: WebhookService) -> Dispatcher {
        let (finished, rx) = tokio::sync::mpsc::unbounded_channel();
        Dispatcher { svc, due: Arc::new(Notify::new()), finished, finisher: Arc::new(std::sync::Mutex::new(Some(rx))) }
    }

    /// Starts the enqueuer (following the bus, sweeping for boards left behind) and the
    /// sender loop, until `stop`.
    pub fn start(self, stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
        if let Some(rx) = self.finisher.lock().unwrap_or_else(|e| e.into_inner()).take() {
            tokio::spawn(Self::finish_loop(self.svc.clone(), rx));
        }
        let sender = self.clone();
        let sender_stop = stop.clone();
        tokio::spawn(async move { sender.send_loop(sender_stop).await });
        let (store, bus) = (self.svc.store.clone(), self.svc.boards.bus().clone());
        crate::consumer::follow(self, store, &bus, stop)
    }

    /// Enqueues the deliveries of the board's events after the cursor; returns the `seq`
    /// handled up to.
    pub async fn catch_up(&self, board: BoardId) -> Result<i64, ApiError> {
        let store = &self.svc.store;
        loop {
            let cursor = store.event_cursor(CONSUMER, board).await?;
            // A board without subscriptions (most) moves its cursor without reading its
            // events: the head is read before the subscriptions, so a subscription made
            // meanwhile is seen, and events from before a subscription are never sent.
            let head = store.board(board).await?.map_or(cursor, |b| b.last_seq);
            if head <= cursor {
                return Ok(cursor);
            }
            let hooks = store.webhooks(board).await?;
            if hooks.is_empty() {
                store.advance_cursor(CONSUMER, board, cursor, head, vec![], now_millis()).await?;
                return Ok(head);
            }
            let events = store.events_after(board, cursor, BATCH).await?;
            let Some(last) = events.last().map(|e| e.seq) else { return Ok(cursor) };
            let mut writes = vec![];
            for event in &events {
                let kind = event.change.kind();
                for hook in
                    // Events from before the subscription are not sent, however late they are reached.
                    hooks
                        .iter()
                        .filter(|h| event.created_at >= h.webhook.created_at)
                        .filter(|h| h.webhook.events.is_empty() || h.webhook.events.iter().any(|k| k == kind))
                {
                    let body = EventDelivery { webhook_id: hook.webhook.id, board_id: board, event };
                    let body = serde_json::to_string(&body).map_err(ApiError::internal)?;
                    writes.push(BoardWrite::EnqueueDelivery {
                        id: DeliveryId::new(),
                        webhook: hook.webhook.id,
                        seq: event.seq,
                        kind: kind.to_owned(),
                        body,
                    });
                }
            }
            let enqueued = !writes.is_empty();
            store.advance_cursor(CONSUMER, board, cursor, last, writes, now_millis()).await?;
            if enqueued {
                self.due.notify_one();
            }
        }
    }

    /// Claims due deliveries while slots are free and posts each on its own task.
    async fn send_loop(self, mut stop: watch::Receiver<bool>) {
        let slots = Arc::new(Semaphore::new(self.svc.settings.concurrency.max(1)));
        // One subscription holds at most half the slots: a slow receiver's backlog leaves the
        // others the rest (measured in BENCHMARKS.md, "Webhooks").
        let per_webhook = (self.svc.settings.concurrency / 2).max(1);
        let quarter = (self.svc.settings.concurrency / 4).max(1);
        let in_flight: Arc<std::sync::Mutex<HashMap<WebhookId, usize>>> = Arc::default();
        let node = crate::leases::holder_name();
        loop {
            let free = slots.available_permits();
            if free > 0 {
                let busy: Vec<WebhookId> = in_flight
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .iter()
                    .filter(|(_, n)| **n >= per_webhook)
                    .map(|(w, _)| *w)
                    .collect();
                // A token per batch: the read after the claim returns this batch only, not
                // deliveries of earlier batches still in flight.
                let claim = format!("{node}-{}", DeliveryId::new());
                let now = now_millis();
                let hold = i64::try_from((self.svc.settings.timeout + Duration::from_secs(30)).as_millis())
                    .unwrap_or(i64::MAX);
                match self.svc.store.claim_deliveries(&claim, now, now + hold, free.min(200), &busy).await {
                    Ok(due) => {
                        let got = due.len();
                        // Past a subscription's share, give the rest of this claim back.
                        let (due, extra) = {
                            let counts = in_flight.lock().unwrap_or_else(|e| e.into_inner());
                            let mut taken: HashMap<WebhookId, usize> = HashMap::new();
                            due.into_iter().partition::<Vec<_>, _>(|d| {
                                let hook = d.delivery.webhook_id;
                                let n = taken.entry(hook).or_insert_with(|| counts.get(&hook).copied().unwrap_or(0));
                                *n += 1;
                                *n <= per_webhook
                            })
                        };
                        if !extra.is_empty() {
                            let ids: Vec<DeliveryId> = extra.iter().map(|d| d.delivery.id).collect();
                            if let Err(e) = self.svc.store.release_deliveries(&claim, &ids).await {
                                tracing::warn!(error = %e, "could not give back webhook deliveries; their claims will expire");
                            }
                        }
                        for d in due {
                            let Ok(permit) = slots.clone().acquire_owned().await else { return };
                            let this = self.clone();
                            let claim = claim.clone();
                            let hook = d.delivery.webhook_id;
                            *in_flight.lock().unwrap_or_else(|e| e.into_inner()).entry(hook).or_default() += 1;
                            let in_flight = in_flight.clone();
                            let slots_left = slots.clone();
                            tokio::spawn(async move {
                                this.deliver(d, &claim).await;
                                let mut counts = in_flight.lock().unwrap_or_else(|e| e.into_inner());
                                if let Some(n) = counts.get_mut(&hook) {
                                    *n -= 1;
                                    if *n == 0 {
                                        counts.remove(&hook);
                                    }
                                }
                                drop(permit);
                                // Claim again once a good share of the slots is free, not
                                // after every delivery (a claim is a write).
                                if slots_left.available_permits() >= quarter {
                                    this.due.notify_one();
                                }
                            });
                        }
                        // A full batch: there may be more due right away.
                        if got == free.min(200) && got > 0 {
                            continue;
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "could not claim webhook deliveries"),
                }
            }
            tokio::select! {
                _ = self.due.notified() => {}
                _ = tokio::time::sleep(POLL_EVERY) => {}
                changed = stop.changed() => {
                    if changed.is_err() || *stop.borrow() {
                        return;
                    }
                }
            }
        }
    }

    /// One attempt, and its outcome recorded.
    async fn deliver(&self, due: DueDelivery, claim: &str) {
        let d = &due.delivery;
        let now = now_millis();
        let headers = [
            (sign::HEADER, sign::signature(&due.secret, now / 1000, &due.body)),
            ("Sunday-Delivery", d.id.to_string()),
            ("Sunday-Event", d.kind.clone()),
        ];
        let attempt = match &self.svc.sender {
            Ok(sender) => sender.post(&due.url, due.body.clone(), &headers).await.0,
            Err(e) => sunday_webhooks::Attempt { status: None, error: Some(e.clone()), latency_ms: 0 },
        };
        let failed = d.attempts + 1;
        let status = if attempt.succeeded() {
            DeliveryStatus::Delivered
        } else if failed >= self.svc.settings.max_attempts {
            DeliveryStatus::Dead
        } else {
            DeliveryStatus::Pending
        };
        let wait = backoff(self.svc.settings.first_retry, failed);
        let outcome = DeliveryOutcome {
            status,
            next_attempt_at: now_millis() + i64::try_from(wait.as_millis()).unwrap_or(i64::MAX),
            http_status: attempt.status,
            error: attempt.error.clone(),
            latency_ms: Some(attempt.latency_ms),
            at: now_millis(),
        };
        if status == DeliveryStatus::Pending {
            // Wake the sender when this retry is due (it also polls).
            let due = self.due.clone();
            tokio::spawn(async move {
                tokio::time::sleep(wait).await;
                due.notify_one();
            });
        }
        metrics::counter!("webhook_deliveries_total", "outcome" => match status {
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Dead => "dead",
            DeliveryStatus::Pending => "retry",
        })
        .increment(1);
        // Recorded in batches by the finisher; a lost record leaves the claim to expire and
        // the delivery to be sent again (at least once).
        let _ = self.finished.send(FinishedAttempt { id: d.id, claim: claim.to_owned(), outcome });
    }

    /// Records finished attempts, as many per transaction as have arrived.
    async fn finish_loop(svc: WebhookService, mut rx: tokio::sync::mpsc::UnboundedReceiver<FinishedAttempt>) {
        while let Some(first) = rx.recv().await {
            let mut batch = vec![first];
            while batch.len() < 500 {
                match rx.try_recv() {
                    Ok(a) => batch.push(a),
                    Err(_) => break,
                }
            }
            if let Err(e) = svc.store.finish_deliveries(batch).await {
                tracing::warn!(error = %e, "could not record webhook attempts; their deliveries will be sent again");
            }
        }
    }
}

#[async_trait::async_trait]
impl crate::consumer::Consumer for Dispatcher {
    const NAME: &'static str = CONSUMER;
    type Error = ApiError;

    async fn catch_up(&self, board: BoardId) -> Result<i64, ApiError> {
        Dispatcher::catch_up(self, board).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_two_hours_over_about_a_day() {
        let first = Duration::from_secs(30);
        let waits: Vec<Duration> = (1..19).map(|n| backoff(first, n)).collect();
        assert!(waits[0] >= Duration::from_secs(24) && waits[0] <= Duration::from_secs(36));
        assert!(waits.windows(2).take(6).all(|w| w[1] > w[0]), "{waits:?}");
        assert!(waits.iter().all(|w| *w <= LONGEST_WAIT.mul_f64(1.2)));
        let total: Duration = waits.iter().sum();
        assert!(total > Duration::from_secs(14 * 3600) && total < Duration::from_secs(30 * 3600), "{total:?}");
    }
}
