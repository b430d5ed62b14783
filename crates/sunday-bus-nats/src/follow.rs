//! Following the stream: every node reads the deployment's stream with an ordered consumer
//! and hands other nodes' events and notifications to its local followers.
//!
//! The consumer starts at the stream's end when the node starts (what happened before is in
//! the log, which followers read on demand). After the connection comes back it is created
//! again at the stream sequence after the last one delivered, so an outage costs no event
//! the stream kept; if the stream itself was created again meanwhile (a broker without
//! storage restarted), everything in the new one is read.

use std::{
    sync::{atomic::Ordering, Arc},
    time::Duration,
};

use async_nats::jetstream::consumer::{pull::OrderedConfig, DeliverPolicy};
use futures::StreamExt;
use sunday_bus::{EventBus, Invalidation};
use sunday_store::Store;
use sunday_types::{
    boards::BoardEvent, notifications::Notification, presence::PresenceAnnouncement, time::now_millis, BoardId,
};
use tokio::sync::{mpsc, watch};

use crate::{
    backoff,
    publish::{BoxError, Publisher},
    Outgoing, Shared, HINT, ORIGIN,
};

/// Live notifications older than this are not pushed (a replay after an outage would
/// otherwise pop old ones up again); they are in their users' lists.
const NOTIFICATION_FRESH_MS: i64 = 60_000;

/// Where the follower is in the stream, across reconnections.
#[derive(Default)]
struct Position {
    /// The stream sequence to read next.
    next: Option<u64>,
    /// When the stream was created (a different value: it was created again).
    created: Option<i128>,
}

/// Follows the stream until the process ends, starting again after each reconnection.
pub(crate) async fn run(
    publisher: Publisher,
    store: Arc<dyn Store>,
    relay: mpsc::UnboundedSender<Outgoing>,
    mut reconnected: watch::Receiver<u64>,
) {
    let mut position = Position::default();
    let mut attempt = 0;
    loop {
        match follow(&publisher, store.as_ref(), &mut position, &relay, &mut reconnected, &mut attempt).await {
            Ok(()) => {}
            Err(e) => {
                if attempt == 0 {
                    tracing::warn!(error = %e, "lost the bus's stream; local followers fill gaps from the event log");
                }
                metrics::counter!("bus_follow_errors_total").increment(1);
                tokio::time::sleep(backoff(attempt)).await;
                attempt = attempt.saturating_add(1);
            }
        }
    }
}

/// Keeps `connected` and `dependency_up{dependency="nats"}` current, and counts each return
/// of the connection on `reconnected`.
pub(crate) async fn watch_connection(client: async_nats::Client, shared: Arc<Shared>, reconnected: watch::Sender<u64>) {
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    loop {
        tick.tick().await;
        let up = client.connection_state() == async_nats::connection::State::Connected;
        if shared.connected.swap(up, Ordering::Relaxed) != up {
            if up {
                tracing::info!("connected to NATS");
                reconnected.send_modify(|n| *n += 1);
            } else {
                tracing::warn!("NATS is unreachable: events wait in the event log");
            }
        }
        metrics::gauge!("dependency_up", "dependency" => "nats").set(if up { 1.0 } else { 0.0 });
    }
}

/// Reads the stream until the connection comes back after a loss (the consumer is then
/// created again from `position`) or fails.
async fn follow(
    publisher: &Publisher,
    store: &dyn Store,
    position: &mut Position,
    relay: &mpsc::UnboundedSender<Outgoing>,
    reconnected: &mut watch::Receiver<u64>,
    attempt: &mut u32,
) -> Result<(), BoxError> {
    reconnected.borrow_and_update();
    let mut stream = publisher.ensure_stream().await?;
    let info = stream.info().await?;
    let created = info.created.unix_timestamp_nanos();
    let start = match (position.next, position.created) {
        (Some(next), Some(c)) if c == created => next,
        // The stream was created again: all of it is newer than what this node delivered.
        (Some(_), _) => info.state.first_sequence.max(1),
        (None, _) => info.state.last_sequence + 1,
    };
    *position = Position { next: Some(start), created: Some(created) };
    let consumer = stream
        .create_consumer(OrderedConfig {
            filter_subject: publisher.shared.subjects.all(),
            deliver_policy: DeliverPolicy::ByStartSequence { start_sequence: start },
            ..Default::default()
        })
        .await?;
    let mut messages = consumer.messages().await?;
    *attempt = 0;
    loop {
        tokio::select! {
            message = messages.next() => {
                let Some(message) = message else { return Ok(()) };
                let message = message?;
                if let Ok(info) = message.info() {
                    position.next = Some(info.stream_sequence + 1);
                }
                let header = |name: &str| message.headers.as_ref().and_then(|h| h.get(name)).map(|v| v.as_str().to_owned());
                let own = header(ORIGIN).is_some_and(|origin| origin == publisher.shared.node);
                let hint = header(HINT);
                deliver(&publisher.shared, store, relay, message.subject.as_str(), &message.payload, own, hint).await;
            }
            // The connection came back: the ordered consumer would recreate itself from its
            // own idea of the start; make it again from ours.
            _ = reconnected.changed() => return Ok(()),
        }
    }
}

/// Hands one message to the local followers (unless this node published it from its own
/// writers, and delivered it already) and tells the relay the event is on the stream.
async fn deliver(
    shared: &Shared,
    store: &dyn Store,
    relay: &mpsc::UnboundedSender<Outgoing>,
    subject: &str,
    payload: &[u8],
    own: bool,
    hint: Option<String>,
) {
    metrics::counter!("bus_received_total").increment(1);
    if shared.subjects.is_event(subject) {
        let event = match hint {
            Some(id) => hinted(store, &id).await,
            None => serde_json::from_slice::<BoardEvent>(payload).map_err(|e| e.to_string()),
        };
        match event {
            Ok(event) => {
                let _ = relay.send(Outgoing::Seen { board: event.board_id, seq: event.seq });
                if !own {
                    let lag = (now_millis() - event.created_at.timestamp_millis()).max(0);
                    metrics::histogram!("bus_delivery_lag_seconds").record(lag as f64 / 1000.0);
                    shared.local.publish(std::slice::from_ref(&event));
                }
            }
            Err(e) => tracing::warn!(error = %e, subject, "an event on the bus could not be read"),
        }
    } else if subject == shared.subjects.notification() && !own {
        match serde_json::from_slice::<Notification>(payload) {
            Ok(n) if now_millis() - n.created_at.timestamp_millis() <= NOTIFICATION_FRESH_MS => {
                shared.local.publish_notifications(std::slice::from_ref(&n));
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "a notification on the bus could not be read"),
        }
    }
}

/// The event a hint (`<board>:<seq>`, for an event too big for the broker) names, from the log.
async fn hinted(store: &dyn Store, id: &str) -> Result<BoardEvent, String> {
    let (board, seq) = id.split_once(':').ok_or("a malformed hint")?;
    let board: BoardId = board.parse().map_err(|_| "a malformed hint")?;
    let seq: i64 = seq.parse().map_err(|_| "a malformed hint")?;
    let mut events = store.events_after(board, seq - 1, 1).await.map_err(|e| e.to_string())?;
    events.pop().filter(|e| e.seq == seq).ok_or_else(|| "a hinted event is not in the log".to_owned())
}

/// Applies other nodes' invalidations and presence, on core NATS subscriptions (which the
/// client renews by itself after a reconnect).
pub(crate) async fn signals(client: async_nats::Client, shared: Arc<Shared>) {
    let mut attempt = 0;
    loop {
        let subscribed = async {
            let invalidations = client.subscribe(shared.subjects.invalidation()).await?;
            let presence = client.subscribe(shared.subjects.presence()).await?;
            Ok::<_, async_nats::SubscribeError>((invalidations, presence))
        };
        match subscribed.await {
            Ok((invalidations, presence)) => {
                attempt = 0;
                let mut both = futures::stream::select(invalidations, presence);
                while let Some(message) = both.next().await {
                    let own = message
                        .headers
                        .as_ref()
                        .and_then(|h| h.get(ORIGIN))
                        .is_some_and(|origin| origin.as_str() == shared.node);
                    if own {
                        continue;
                    }
                    if message.subject.as_str() == shared.subjects.presence() {
                        match serde_json::from_slice::<PresenceAnnouncement>(&message.payload) {
                            Ok(a) => shared.local.publish_presence(a),
                            Err(e) => tracing::warn!(error = %e, "a presence announcement could not be read"),
                        }
                    } else {
                        match serde_json::from_slice::<Invalidation>(&message.payload) {
                            Ok(i) => shared.local.publish_invalidation(i),
                            Err(e) => tracing::warn!(error = %e, "an invalidation on the bus could not be read"),
                        }
                    }
                }
            }
            Err(e) => tracing::debug!(error = %e, "could not subscribe to the bus's signals; retrying"),
        }
        tokio::time::sleep(backoff(attempt)).await;
        attempt = attempt.saturating_add(1);
    }
}
