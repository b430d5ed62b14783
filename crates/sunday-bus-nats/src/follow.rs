//! Following the stream: every node reads the deployment's stream with an ordered consumer
//! and hands other nodes' events and notifications to its local followers.
//!
//! The consumer starts at the stream's end when the node starts (what happened before is in
//! the log, which followers read on demand) and, after losing the broker, resumes at the
//! stream sequence after the last one it delivered, so an outage costs no event the stream
//! kept.

use std::{
    sync::{atomic::Ordering, Arc},
    time::Duration,
};

use async_nats::jetstream::{
    self,
    consumer::{pull::OrderedConfig, DeliverPolicy},
    stream::{Config as StreamConfig, StorageType},
};
use futures::StreamExt;
use sunday_bus::{EventBus, Invalidation};
use sunday_types::{boards::BoardEvent, notifications::Notification};
use tokio::sync::mpsc;

use crate::{backoff, Outgoing, Shared, Subjects, ORIGIN};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How long JetStream remembers a message id to drop a repeat of it.
const DUPLICATE_WINDOW: Duration = Duration::from_secs(120);

/// Creates the deployment's stream if it does not exist yet.
pub(crate) async fn ensure_stream(
    js: &jetstream::Context,
    subjects: &Subjects,
    retention: Duration,
) -> Result<jetstream::stream::Stream, BoxError> {
    Ok(js
        .get_or_create_stream(StreamConfig {
            name: subjects.stream.clone(),
            subjects: vec![subjects.all()],
            max_age: retention,
            duplicate_window: DUPLICATE_WINDOW,
            storage: StorageType::File,
            ..Default::default()
        })
        .await?)
}

/// Follows the stream until the process ends, reconnecting with backoff.
pub(crate) async fn run(
    js: jetstream::Context,
    client: async_nats::Client,
    shared: Arc<Shared>,
    retention: Duration,
    relay: mpsc::UnboundedSender<Outgoing>,
) {
    tokio::spawn(watch_connection(client, shared.clone()));
    let mut next: Option<u64> = None;
    let mut attempt = 0;
    loop {
        match follow(&js, &shared, retention, &mut next, &relay, &mut attempt).await {
            Ok(()) => tracing::info!("the bus's stream ended; following it again"),
            Err(e) => {
                if attempt == 0 {
                    tracing::warn!(error = %e, "lost the bus's stream; local followers fill gaps from the event log");
                }
                metrics::counter!("bus_follow_errors_total").increment(1);
            }
        }
        tokio::time::sleep(backoff(attempt)).await;
        attempt = attempt.saturating_add(1);
    }
}

/// Keeps `connected` and the `dependency_up{dependency="nats"}` gauge current.
async fn watch_connection(client: async_nats::Client, shared: Arc<Shared>) {
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    loop {
        tick.tick().await;
        let up = client.connection_state() == async_nats::connection::State::Connected;
        if shared.connected.swap(up, Ordering::Relaxed) != up {
            if up {
                tracing::info!("connected to NATS");
            } else {
                tracing::warn!("NATS is unreachable: events wait in the event log");
            }
        }
        metrics::gauge!("dependency_up", "dependency" => "nats").set(if up { 1.0 } else { 0.0 });
    }
}

async fn follow(
    js: &jetstream::Context,
    shared: &Shared,
    retention: Duration,
    next: &mut Option<u64>,
    relay: &mpsc::UnboundedSender<Outgoing>,
    attempt: &mut u32,
) -> Result<(), BoxError> {
    let mut stream = ensure_stream(js, &shared.subjects, retention).await?;
    let last_sequence = stream.info().await?.state.last_sequence;
    let deliver_policy = match *next {
        // The stream was recreated (a broker without storage restarted): everything in it
        // is newer than what this node saw.
        Some(seq) if seq > last_sequence + 1 => DeliverPolicy::All,
        Some(seq) => DeliverPolicy::ByStartSequence { start_sequence: seq },
        None => DeliverPolicy::New,
    };
    let consumer = stream
        .create_consumer(OrderedConfig { filter_subject: shared.subjects.all(), deliver_policy, ..Default::default() })
        .await?;
    let mut messages = consumer.messages().await?;
    *attempt = 0;
    while let Some(message) = messages.next().await {
        let message = message?;
        if let Ok(info) = message.info() {
            *next = Some(info.stream_sequence + 1);
        }
        let own =
            message.headers.as_ref().and_then(|h| h.get(ORIGIN)).is_some_and(|origin| origin.as_str() == shared.node);
        deliver(shared, relay, message.subject.as_str(), &message.payload, own);
    }
    Ok(())
}

/// Hands one message to the local followers (unless this node published it, and delivered
/// it already) and tells the relay the event is on the stream.
fn deliver(shared: &Shared, relay: &mpsc::UnboundedSender<Outgoing>, subject: &str, payload: &[u8], own: bool) {
    metrics::counter!("bus_received_total").increment(1);
    if shared.subjects.is_event(subject) {
        match serde_json::from_slice::<BoardEvent>(payload) {
            Ok(event) => {
                let _ = relay.send(Outgoing::Seen { board: event.board_id, seq: event.seq });
                if !own {
                    let lag = (chrono_now_millis() - event.created_at.timestamp_millis()).max(0);
                    metrics::histogram!("bus_delivery_lag_seconds").record(lag as f64 / 1000.0);
                    shared.local.publish(std::slice::from_ref(&event));
                }
            }
            Err(e) => tracing::warn!(error = %e, subject, "an event on the bus could not be read"),
        }
    } else if subject == shared.subjects.notification() {
        if own {
            return;
        }
        match serde_json::from_slice::<Notification>(payload) {
            Ok(n) => shared.local.publish_notifications(std::slice::from_ref(&n)),
            Err(e) => tracing::warn!(error = %e, "a notification on the bus could not be read"),
        }
    }
}

/// Applies other nodes' invalidations, on a core NATS subscription (which the client renews
/// by itself after a reconnect).
pub(crate) async fn invalidations(client: async_nats::Client, shared: Arc<Shared>) {
    let mut attempt = 0;
    loop {
        match client.subscribe(shared.subjects.invalidation()).await {
            Ok(mut sub) => {
                attempt = 0;
                while let Some(message) = sub.next().await {
                    let own = message
                        .headers
                        .as_ref()
                        .and_then(|h| h.get(ORIGIN))
                        .is_some_and(|origin| origin.as_str() == shared.node);
                    if own {
                        continue;
                    }
                    match serde_json::from_slice::<Invalidation>(&message.payload) {
                        Ok(i) => shared.local.publish_invalidation(i),
                        Err(e) => tracing::warn!(error = %e, "an invalidation on the bus could not be read"),
                    }
                }
            }
            Err(e) => tracing::debug!(error = %e, "could not subscribe to invalidations; retrying"),
        }
        tokio::time::sleep(backoff(attempt)).await;
        attempt = attempt.saturating_add(1);
    }
}

fn chrono_now_millis() -> i64 {
    sunday_types::time::now_millis()
}
