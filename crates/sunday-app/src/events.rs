//! The event log as its followers read it: real time (WebSocket rooms and replay) and other
//! consumers read committed events and follow the bus through this service, never the store.

use std::sync::Arc;

use sunday_bus::{DynBus, EventReceiver, NotificationReceiver, PresenceReceiver};
use sunday_store::{Store, StoreResult};
use sunday_types::presence::PresenceAnnouncement;
use sunday_types::{boards::BoardEvent, BoardId};

#[derive(Clone)]
pub struct EventLog {
    store: Arc<dyn Store>,
    bus: DynBus,
}

impl EventLog {
    pub fn new(store: Arc<dyn Store>, bus: DynBus) -> EventLog {
        EventLog { store, bus }
    }

    /// Committed events with `seq > after`, ascending, at most `limit`.
    pub async fn after(&self, board: BoardId, after: i64, limit: usize) -> StoreResult<Vec<BoardEvent>> {
        self.store.events_after(board, after, limit).await
    }

    /// The `seq` of the board's latest event (0 for an unknown or empty board).
    pub async fn head(&self, board: BoardId) -> StoreResult<i64> {
        Ok(self.store.board(board).await?.map(|b| b.last_seq).unwrap_or(0))
    }

    /// Every committed event from now on (check `seq` for gaps and fill them with `after`).
    pub fn subscribe(&self) -> EventReceiver {
        self.bus.subscribe()
    }

    /// Every committed notification from now on.
    pub fn subscribe_notifications(&self) -> NotificationReceiver {
        self.bus.subscribe_notifications()
    }

    /// Tells every node who is on a board through this node's sockets.
    pub fn publish_presence(&self, announcement: PresenceAnnouncement) {
        self.bus.publish_presence(announcement)
    }

    /// Every node's presence announcements from now on (this node's own included).
    pub fn subscribe_presence(&self) -> PresenceReceiver {
        self.bus.subscribe_presence()
    }
}
