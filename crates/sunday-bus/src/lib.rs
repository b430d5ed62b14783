//! The event bus: committed board events, fanned out to the consumers that follow them (the
//! board engine, WebSocket rooms, later automations and search), and committed notifications
//! for live delivery.
//!
//! [`EventBus`] is the port; the composition root (`sunday-server`) chooses an implementation
//! and injects it. [`InProcessBus`] is the embedded deployment's: bounded tokio broadcast
//! channels inside one process. A bus carries only committed events, published by the writer
//! after its transaction commits; every implementation delivers to its local subscribers
//! through a broadcast receiver, so a subscriber that falls behind is told how many it missed
//! (`Lagged`) and catches up from the event log, which stays the source of truth (a consumer
//! never trusts the bus for completeness: it checks each board's `seq` for gaps).

use std::sync::Arc;

use sunday_types::{boards::BoardEvent, notifications::Notification, presence::PresenceAnnouncement, UserId};
use tokio::sync::broadcast;

/// Events are shared, not copied, between subscribers.
pub type SharedEvent = Arc<BoardEvent>;

/// Every committed event from the moment of subscribing, in commit order per board.
pub type EventReceiver = broadcast::Receiver<SharedEvent>;

/// Every committed notification from the moment of subscribing.
pub type NotificationReceiver = broadcast::Receiver<Arc<Notification>>;

pub use broadcast::error::RecvError;

/// A cached fact another node changed: each node drops its copy at once instead of waiting
/// for the cache's time-to-live (`auth.auth_cache_secs`, the fallback when the bus is away).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Invalidation {
    /// A session ended (logout): the credential cached under this token hash.
    Credential { token_hash: String },
    /// An API token was revoked (cached by a secret hash nobody keeps): every credential.
    AllCredentials,
    /// A user's memberships or roles changed.
    User { user_id: UserId },
}

/// Every invalidation from the moment of subscribing (this node's own included).
pub type InvalidationReceiver = broadcast::Receiver<Invalidation>;

/// Every presence announcement from the moment of subscribing (this node's own included).
pub type PresenceReceiver = broadcast::Receiver<Arc<PresenceAnnouncement>>;

/// Where committed changes are announced. Implementations must keep each board's events in
/// `seq` order for a subscriber, and may drop or repeat events (subscribers dedupe by `seq`
/// and fill gaps from the log).
pub trait EventBus: Send + Sync + 'static {
    /// Announces committed events. Having no subscriber is not an error.
    fn publish(&self, events: &[BoardEvent]);
    fn subscribe(&self) -> EventReceiver;
    /// Announces committed notifications (for live delivery to their users).
    fn publish_notifications(&self, notifications: &[Notification]);
    fn subscribe_notifications(&self) -> NotificationReceiver;
    /// Tells every node (this one too) to drop a cached fact.
    fn publish_invalidation(&self, invalidation: Invalidation);
    fn subscribe_invalidations(&self) -> InvalidationReceiver;
    /// Tells every node (this one too) who is on a board through this node's sockets.
    /// Ephemeral: a lost announcement is repeated within the presence TTL.
    fn publish_presence(&self, announcement: PresenceAnnouncement);
    fn subscribe_presence(&self) -> PresenceReceiver;
    /// A short name for logs and `/metrics` (`in_process`, `nats`).
    fn name(&self) -> &'static str;
    /// Whether the bus reaches its broker, for `/ready` and `/metrics`. A bus that does not
    /// still takes publishes: committed events wait in the event log and are relayed once it
    /// is back.
    fn health(&self) -> BusHealth {
        BusHealth { connected: true, unrelayed_boards: 0 }
    }
}

/// What `/ready` reports of the bus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BusHealth {
    /// Connected to the broker (always, for a bus inside the process).
    pub connected: bool,
    /// Boards with committed events not yet on the broker.
    pub unrelayed_boards: usize,
}

/// The embedded deployment's bus: bounded broadcast channels inside this process.
pub struct InProcessBus {
    events: broadcast::Sender<SharedEvent>,
    notifications: broadcast::Sender<Arc<Notification>>,
    invalidations: broadcast::Sender<Invalidation>,
    presence: broadcast::Sender<Arc<PresenceAnnouncement>>,
}

impl InProcessBus {
    /// A bus whose slowest subscriber may fall `capacity` events behind before it lags.
    pub fn new(capacity: usize) -> InProcessBus {
        let (events, _) = broadcast::channel(capacity.max(16));
        let (notifications, _) = broadcast::channel(capacity.max(16));
        let (invalidations, _) = broadcast::channel(1024);
        let (presence, _) = broadcast::channel(4096);
        InProcessBus { events, notifications, invalidations, presence }
    }
}

impl Default for InProcessBus {
    fn default() -> Self {
        InProcessBus::new(65_536)
    }
}

impl EventBus for InProcessBus {
    #[tracing::instrument(name = "bus.publish", skip_all, fields(bus = "in-process", events = events.len()))]
    fn publish(&self, events: &[BoardEvent]) {
        for e in events {
            let _ = self.events.send(Arc::new(e.clone()));
        }
    }

    fn subscribe(&self) -> EventReceiver {
        self.events.subscribe()
    }

    fn publish_notifications(&self, notifications: &[Notification]) {
        for n in notifications {
            let _ = self.notifications.send(Arc::new(n.clone()));
        }
    }

    fn subscribe_notifications(&self) -> NotificationReceiver {
        self.notifications.subscribe()
    }

    fn publish_invalidation(&self, invalidation: Invalidation) {
        let _ = self.invalidations.send(invalidation);
    }

    fn subscribe_invalidations(&self) -> InvalidationReceiver {
        self.invalidations.subscribe()
    }

    fn publish_presence(&self, announcement: PresenceAnnouncement) {
        let _ = self.presence.send(Arc::new(announcement));
    }

    fn subscribe_presence(&self) -> PresenceReceiver {
        self.presence.subscribe()
    }

    fn name(&self) -> &'static str {
        "in_process"
    }
}

/// The bus as services hold it.
pub type DynBus = Arc<dyn EventBus>;

#[cfg(test)]
mod tests {
    use super::*;
    use sunday_types::{
        events::{BoardChange, BoardUpdated},
        time::to_datetime,
        BoardId, UserId,
    };

    fn event(seq: i64) -> BoardEvent {
        BoardEvent {
            board_id: BoardId::new(),
            seq,
            change: BoardChange::BoardUpdated(BoardUpdated::default()),
            actor: UserId::new(),
            item_id: None,
            created_at: to_datetime(0),
            cause: None,
        }
    }

    #[tokio::test]
    async fn subscribers_receive_in_order_and_laggards_are_told() {
        let bus: DynBus = Arc::new(InProcessBus::new(16));
        let mut rx = bus.subscribe();
        bus.publish(&(1..=3).map(event).collect::<Vec<_>>());
        for seq in 1..=3 {
            assert_eq!(rx.recv().await.unwrap().seq, seq);
        }
        bus.publish(&(1..=40).map(event).collect::<Vec<_>>());
        assert!(matches!(rx.recv().await, Err(RecvError::Lagged(_))));
    }
}
