//! The scaled-out event bus: NATS JetStream shared by every node of a deployment.
//!
//! The event log stays the source of truth and the outbox. After a commit the writer hands its
//! events to this node's [`NatsBus`], which
//! - delivers them to this node's own followers at once (they do not wait for a round trip
//!   through the broker, and keep working while it is away), and
//! - queues them for the [relay](relay), which publishes them to JetStream on a subject per
//!   board, each with its event id (`<board>:<seq>`) as the message id, so the stream keeps
//!   one copy however often an event is relayed. Events the relay could not publish (the
//!   broker is down, the node died after its commit) are read back from the log: by the same
//!   relay once the broker answers, or by any node's periodic sweep over the relay's cursors.
//!
//! Every node follows the stream with an ordered consumer and delivers the events of other
//! nodes to its local followers through the same bounded broadcast channel as the in-process
//! bus. Followers already check each board's `seq` and fill gaps from the log, so an event
//! the bus repeats or drops costs a read, never a wrong answer.

mod follow;
mod publish;
mod relay;
mod sweep;

use std::{
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use sunday_bus::{
    BusHealth, EventBus, EventReceiver, InProcessBus, Invalidation, InvalidationReceiver, NotificationReceiver,
    PresenceReceiver,
};
use sunday_store::Store;
use sunday_types::presence::PresenceAnnouncement;
use sunday_types::{boards::BoardEvent, notifications::Notification, BoardId};
use tokio::sync::mpsc;

/// How the bus reaches NATS.
#[derive(Clone, Debug)]
pub struct NatsSettings {
    /// `nats://HOST:PORT`, several separated by commas.
    pub url: String,
    /// The deployment's stream; subjects start with its name in lower case.
    pub stream: String,
    /// How long the stream keeps events.
    pub retention: Duration,
    /// Events each local follower may fall behind before it catches up from the log.
    pub capacity: usize,
}

/// The subjects of one deployment's stream.
#[derive(Clone, Debug)]
pub(crate) struct Subjects {
    pub stream: String,
    prefix: String,
}

impl Subjects {
    fn new(stream: &str) -> Subjects {
        Subjects { stream: stream.to_owned(), prefix: stream.to_ascii_lowercase() }
    }

    pub fn event(&self, board: BoardId) -> String {
        format!("{}.events.{board}", self.prefix)
    }

    pub fn notification(&self) -> String {
        format!("{}.notifications", self.prefix)
    }

    /// Core NATS, outside the stream: an invalidation matters now or never (the caches'
    /// time-to-live covers one that is lost).
    pub fn invalidation(&self) -> String {
        format!("_{}_invalidate", self.prefix)
    }

    /// Core NATS too: presence is repeated before it expires anyway.
    pub fn presence(&self) -> String {
        format!("_{}_presence", self.prefix)
    }

    /// Every subject of the deployment (what the stream captures).
    pub fn all(&self) -> String {
        format!("{}.>", self.prefix)
    }

    pub fn is_event(&self, subject: &str) -> bool {
        subject.strip_prefix(&self.prefix).is_some_and(|rest| rest.starts_with(".events."))
    }
}

/// The header naming the node that published a message from its own writers (such messages
/// come back to it through the stream; it delivered them already).
pub(crate) const ORIGIN: &str = "Sunday-Node";
/// The header of an event too big for the broker, sent without its payload: `<board>:<seq>`,
/// which followers read from the log.
pub(crate) const HINT: &str = "Sunday-Hint";

/// State shared by the bus, its relay and its follower.
pub(crate) struct Shared {
    pub node: String,
    pub subjects: Subjects,
    pub local: InProcessBus,
    /// As last seen by the connection watcher (for its log lines).
    pub connected: AtomicBool,
    pub unrelayed_boards: AtomicUsize,
}

/// What the writer hands the relay.
pub(crate) enum Outgoing {
    Events(Vec<BoardEvent>),
    Notifications(Vec<Notification>),
    /// An event that reached the stream (seen by this node's follower): the relay need not
    /// read it back from the log.
    Seen {
        board: BoardId,
        seq: i64,
    },
}

pub struct NatsBus {
    shared: Arc<Shared>,
    client: async_nats::Client,
    relay: mpsc::UnboundedSender<Outgoing>,
}

impl NatsBus {
    /// Starts the bus: connects in the background (a node starts, and serves, while NATS is
    /// away), then relays and follows until the process ends.
    pub async fn start(settings: NatsSettings, store: Arc<dyn Store>) -> Result<NatsBus, async_nats::ConnectError> {
        let node = uuid::Uuid::new_v4().simple().to_string();
        let shared = Arc::new(Shared {
            subjects: Subjects::new(&settings.stream),
            local: InProcessBus::new(settings.capacity),
            connected: AtomicBool::new(false),
            unrelayed_boards: AtomicUsize::new(0),
            node: node.clone(),
        });
        let client = async_nats::ConnectOptions::new()
            .name(format!("sunday-{node}"))
            .retry_on_initial_connect()
            .max_reconnects(None)
            .connection_timeout(Duration::from_secs(2))
            .request_timeout(Some(Duration::from_secs(5)))
            .connect(settings.url.as_str())
            .await?;
        let publisher = publish::Publisher {
            js: async_nats::jetstream::new(client.clone()),
            client: client.clone(),
            shared: shared.clone(),
            retention: settings.retention,
        };
        let (tx, rx) = mpsc::unbounded_channel();
        let (reconnected_tx, reconnected) = tokio::sync::watch::channel(0);
        tokio::spawn(follow::watch_connection(client.clone(), shared.clone(), reconnected_tx));
        tokio::spawn(follow::run(publisher.clone(), store.clone(), tx.clone(), reconnected));
        tokio::spawn(follow::signals(client.clone(), shared.clone()));
        tokio::spawn(relay::Relay::new(publisher.clone(), store.clone()).run(rx));
        tokio::spawn(sweep::run(publisher, store));
        metrics::describe_gauge!("dependency_up", "1 when this node reaches the dependency, 0 when it does not");
        Ok(NatsBus { shared, client, relay: tx })
    }
}

impl EventBus for NatsBus {
    #[tracing::instrument(name = "bus.publish", skip_all, fields(bus = "nats", events = events.len()))]
    fn publish(&self, events: &[BoardEvent]) {
        self.shared.local.publish(events);
        let _ = self.relay.send(Outgoing::Events(events.to_vec()));
    }

    fn subscribe(&self) -> EventReceiver {
        self.shared.local.subscribe()
    }

    fn publish_notifications(&self, notifications: &[Notification]) {
        self.shared.local.publish_notifications(notifications);
        let _ = self.relay.send(Outgoing::Notifications(notifications.to_vec()));
    }

    fn subscribe_notifications(&self) -> NotificationReceiver {
        self.shared.local.subscribe_notifications()
    }

    /// Sent now or never, outside the relay's queue: while the broker is away, the other
    /// nodes' caches expire on their own (`auth.auth_cache_secs`).
    fn publish_invalidation(&self, invalidation: Invalidation) {
        self.shared.local.publish_invalidation(invalidation.clone());
        self.signal(self.shared.subjects.invalidation(), &invalidation);
    }

    fn subscribe_invalidations(&self) -> InvalidationReceiver {
        self.shared.local.subscribe_invalidations()
    }

    fn publish_presence(&self, announcement: PresenceAnnouncement) {
        self.signal(self.shared.subjects.presence(), &announcement);
        self.shared.local.publish_presence(announcement);
    }

    fn subscribe_presence(&self) -> PresenceReceiver {
        self.shared.local.subscribe_presence()
    }

    fn name(&self) -> &'static str {
        "nats"
    }

    fn health(&self) -> BusHealth {
        BusHealth {
            connected: self.client.connection_state() == async_nats::connection::State::Connected,
            unrelayed_boards: self.shared.unrelayed_boards.load(Ordering::Relaxed),
        }
    }
}

impl NatsBus {
    /// Publishes a signal on core NATS, now or never (counted when dropped).
    fn signal(&self, subject: String, message: &impl serde::Serialize) {
        let connected = self.client.connection_state() == async_nats::connection::State::Connected;
        let (Ok(payload), true) = (serde_json::to_vec(message), connected) else {
            metrics::counter!("bus_signals_dropped_total").increment(1);
            return;
        };
        let mut headers = async_nats::HeaderMap::new();
        headers.insert(ORIGIN, self.shared.node.as_str());
        let client = self.client.clone();
        tokio::spawn(async move {
            if client.publish_with_headers(subject, headers, payload.into()).await.is_err() {
                metrics::counter!("bus_signals_dropped_total").increment(1);
            }
        });
    }
}

/// The wait before retry `attempt` (from 0): doubling from 100 ms up to 5 s, with up to half
/// of it random so that nodes which lost the broker together do not all return at once.
pub(crate) fn backoff(attempt: u32) -> Duration {
    use rand::Rng;
    let base = 100u64.saturating_mul(1 << attempt.min(6)).min(5_000);
    let jitter = rand::thread_rng().gen_range(0..=base / 2);
    Duration::from_millis(base / 2 + jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_per_board_under_the_stream() {
        let s = Subjects::new("SUNDAY_test-1");
        let board = BoardId::new();
        assert_eq!(s.event(board), format!("sunday_test-1.events.{board}"));
        assert!(s.is_event(&s.event(board)));
        assert!(!s.is_event(&s.notification()));
        assert_eq!(s.all(), "sunday_test-1.>");
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempt in 0..20 {
            let d = backoff(attempt);
            assert!(d >= Duration::from_millis(50) && d <= Duration::from_millis(5_000), "{attempt}: {d:?}");
        }
        assert!(backoff(10) >= Duration::from_millis(2_500));
    }
}
