//! The event bus: committed board events, fanned out to the consumers that follow them (the
//! board engine, WebSocket rooms, later automations and search).
//!
//! This is the in-process bus of the embedded deployment: a bounded tokio broadcast channel.
//! It carries only committed events, published by the writer after its transaction commits;
//! a consumer that falls behind is told how many it missed (`Lagged`) and catches up from the
//! event log, which stays the source of truth. The NATS JetStream bus of the scaled-out
//! deployment implements the same publish/subscribe shape.

use std::sync::Arc;

use sunday_types::{boards::BoardEvent, notifications::Notification};
use tokio::sync::broadcast;

/// Events are shared, not copied, between subscribers.
pub type SharedEvent = Arc<BoardEvent>;

#[derive(Clone)]
pub struct Bus {
    sender: broadcast::Sender<SharedEvent>,
    notifications: broadcast::Sender<Arc<Notification>>,
}

impl Bus {
    /// A bus whose slowest subscriber may fall `capacity` events behind before it lags.
    pub fn new(capacity: usize) -> Bus {
        let (sender, _) = broadcast::channel(capacity.max(16));
        let (notifications, _) = broadcast::channel(capacity.max(16));
        Bus { sender, notifications }
    }

    /// Publishes committed events in order. Having no subscriber is not an error.
    pub fn publish(&self, events: impl IntoIterator<Item = BoardEvent>) {
        for e in events {
            let _ = self.sender.send(Arc::new(e));
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<SharedEvent> {
        self.sender.subscribe()
    }

    /// Publishes committed notifications (for live delivery to their users).
    pub fn publish_notifications(&self, notifications: impl IntoIterator<Item = Notification>) {
        for n in notifications {
            let _ = self.notifications.send(Arc::new(n));
        }
    }

    pub fn subscribe_notifications(&self) -> broadcast::Receiver<Arc<Notification>> {
        self.notifications.subscribe()
    }
}

impl Default for Bus {
    fn default() -> Self {
        Bus::new(65_536)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sunday_types::{time::to_datetime, BoardId, UserId};

    fn event(seq: i64) -> BoardEvent {
        BoardEvent {
            board_id: BoardId::new(),
            seq,
            kind: "item_created".into(),
            actor: UserId::new(),
            item_id: None,
            payload: serde_json::json!({}),
            created_at: to_datetime(0),
        }
    }

    #[tokio::test]
    async fn subscribers_receive_in_order_and_laggards_are_told() {
        let bus = Bus::new(16);
        let mut rx = bus.subscribe();
        bus.publish((1..=3).map(event));
        for seq in 1..=3 {
            assert_eq!(rx.recv().await.unwrap().seq, seq);
        }
        bus.publish((1..=40).map(event));
        assert!(matches!(rx.recv().await, Err(broadcast::error::RecvError::Lagged(_))));
    }
}
