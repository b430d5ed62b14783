//! Real-time collaboration: WebSocket sessions joined to per-board rooms, presence, and live
//! notifications.
//!
//! A [`Hub`] per node follows the bus. It keeps one room per board that has local
//! subscribers, and sends each committed event to the room in strict `seq` order (filling any
//! gap from the event log). Fan-out is a bounded broadcast channel: a socket that falls behind
//! is told to `resync` and leaves the room instead of slowing the others. A client that
//! reconnects with `since_seq` first gets the events it missed from the event log. Presence
//! is ephemeral and expires after 30 s without refresh; each node announces its sockets'
//! presence over the bus on every change and every third of the TTL, so a board's presence
//! shows everyone on it, whatever node their socket is on.

mod connection;
mod presence;
pub mod protocol;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use sunday_app::App;
use sunday_bus::SharedEvent;
use sunday_types::{notifications::Notification, presence::PresenceAnnouncement, BoardId, UserId};
use tokio::sync::{broadcast, watch};

pub use connection::serve_socket;
use presence::Presence;
use protocol::ServerFrame;
use sunday_types::events::BoardChange;

/// One outgoing frame, serialized once and shared by every socket that sends it. `seq` is
/// the event's sequence number (0 for frames outside the event stream); `recheck` marks an
/// event that may change who can see the board (sockets re-check their access after it).
#[derive(Clone, Debug)]
pub struct Frame {
    pub seq: i64,
    pub json: Arc<str>,
    pub recheck: bool,
    /// When the event was committed (for `ws_delivery_lag_seconds`); `None` for control frames.
    pub committed_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Frame {
    /// A frame outside the event stream.
    pub fn control(json: String) -> Frame {
        Frame { seq: 0, json: json.into(), recheck: false, committed_at: None }
    }

    /// A committed event.
    pub fn event(event: &sunday_types::boards::BoardEvent) -> Frame {
        // Sharing changes decide who sees the board; column changes which relation columns
        // (and their mirrors) a subscriber may read.
        let recheck = matches!(
            event.change,
            BoardChange::BoardMemberRemoved(_)
                | BoardChange::BoardUpdated(_)
                | BoardChange::ColumnCreated(_)
                | BoardChange::ColumnUpdated(_)
                | BoardChange::ColumnDeleted(_)
        );
        let json = ServerFrame::Event(event).json().into();
        Frame { seq: event.seq, json, recheck, committed_at: Some(event.created_at) }
    }
}

#[derive(Clone, Debug)]
pub struct RealtimeSettings {
    /// Frames a room buffers for its slowest socket before that socket must resync.
    pub room_buffer: usize,
    /// Frames queued for one socket before it must resync.
    pub socket_buffer: usize,
    /// Events a reconnecting client may replay; older gaps get `resync`.
    pub replay_limit: i64,
    pub max_connections_per_user: usize,
    pub ping_interval: Duration,
    /// A socket silent (no frame, no pong) for this long is closed.
    pub idle_timeout: Duration,
    pub presence_ttl: Duration,
    /// Subscribe and presence frames per socket per second (burst twice that); 0: no limit.
    pub control_frames_per_sec: u32,
}

impl Default for RealtimeSettings {
    fn default() -> Self {
        RealtimeSettings {
            room_buffer: 1024,
            socket_buffer: 512,
            replay_limit: 10_000,
            max_connections_per_user: 20,
            ping_interval: Duration::from_secs(25),
            idle_timeout: Duration::from_secs(75),
            presence_ttl: Duration::from_secs(30),
            control_frames_per_sec: 10,
        }
    }
}

struct Room {
    tx: broadcast::Sender<Frame>,
    /// The last `seq` sent to the room.
    last_seq: i64,
}

pub struct Hub {
    app: App,
    settings: RealtimeSettings,
    rooms: Mutex<HashMap<BoardId, Room>>,
    users: Mutex<HashMap<UserId, (broadcast::Sender<Frame>, usize)>>,
    presence: Presence,
    /// This node, in presence announcements.
    node: String,
    shutdown: watch::Sender<bool>,
    dispatching: tokio::sync::Mutex<()>,
}

impl Hub {
    pub fn new(app: App, settings: RealtimeSettings) -> Arc<Hub> {
        let (shutdown, _) = watch::channel(false);
        let presence = Presence::new(settings.presence_ttl);
        Arc::new(Hub {
            app,
            settings,
            rooms: Mutex::default(),
            users: Mutex::default(),
            presence,
            node: uuid::Uuid::new_v4().simple().to_string(),
            shutdown,
            dispatching: Default::default(),
        })
    }

    /// Follows the bus (events and notifications) and expires presence, in the background.
    pub fn start(self: &Arc<Self>) {
        let hub = self.clone();
        let mut events = self.app.events().subscribe();
        tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(e) => hub.dispatch(e).await,
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        // The missed events may include a board's last one for a while: bring
                        // every room up to its board's head from the log now, rather than at
                        // the board's next event.
                        tracing::warn!(missed = n, "realtime hub lagged behind the bus");
                        metrics::counter!("bus_lagged_total", "consumer" => "realtime").increment(1);
                        hub.catch_up_rooms().await;
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                }
            }
        });
        let hub = self.clone();
        let mut notes = self.app.events().subscribe_notifications();
        tokio::spawn(async move {
            loop {
                match notes.recv().await {
                    Ok(n) => hub.notify(&n),
                    // Missed live notifications are still in each user's list.
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(missed = n, "live notifications lagged behind the bus");
                        metrics::counter!("bus_lagged_total", "consumer" => "notifications").increment(1);
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                }
            }
        });
        let hub = self.clone();
        let mut announcements = self.app.events().subscribe_presence();
        tokio::spawn(async move {
            loop {
                match announcements.recv().await {
                    Ok(a) if a.node != hub.node => {
                        if hub.presence.set_remote(&a.node, a.board_id, a.entries.clone()) {
                            hub.show_presence(a.board_id);
                        }
                    }
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => return,
                }
            }
        });
        let hub = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            let every = (hub.settings.presence_ttl / 3).max(Duration::from_secs(1));
            let mut last_heartbeat = tokio::time::Instant::now();
            loop {
                tick.tick().await;
                for board in hub.presence.expire() {
                    hub.broadcast_presence(board);
                }
                for board in hub.presence.expire_remote() {
                    hub.show_presence(board);
                }
                // Announce again before the other nodes' copies expire.
                if last_heartbeat.elapsed() >= every {
                    last_heartbeat = tokio::time::Instant::now();
                    for board in hub.presence.local_boards() {
                        hub.announce_presence(board);
                    }
                }
            }
        });
    }

    /// Tells every socket to reconnect elsewhere and close (graceful shutdown).
    pub fn shutdown(&self) {
        let _ = self.shutdown.send(true);
    }

    fn room_sender(&self, board: BoardId) -> Option<(broadcast::Sender<Frame>, i64)> {
        self.rooms.lock().ok()?.get(&board).map(|r| (r.tx.clone(), r.last_seq))
    }

    /// Sends one committed event to its room, first filling any gap from the event log so
    /// the room sees every `seq` once, in order.
    async fn dispatch(&self, event: SharedEvent) {
        // One dispatch at a time, so a room never sees a later seq before an earlier one.
        let _order = self.dispatching.lock().await;
        let Some((tx, last)) = self.room_sender(event.board_id) else { return };
        if event.seq <= last {
            return;
        }
        let mut batch = vec![];
        if event.seq > last + 1 {
            match self.app.events().after(event.board_id, last, (event.seq - last) as usize).await {
                Ok(missing) => batch.extend(missing.into_iter().filter(|e| e.seq < event.seq)),
                Err(e) => tracing::warn!(error = %e, "could not fill an event gap; the room will resync"),
            }
        }
        batch.push((*event).clone());
        let mut sent = last;
        for e in &batch {
            if e.seq <= sent {
                continue;
            }
            if e.seq != sent + 1 {
                // Still a hole: clients must refetch rather than miss an event.
                let _ = tx.send(Frame::control(ServerFrame::Resync { board_id: e.board_id }.json()));
            }
            let _ = tx.send(Frame::event(e));
            sent = e.seq;
        }
        if let Ok(mut rooms) = self.rooms.lock() {
            if let Some(r) = rooms.get_mut(&event.board_id) {
                r.last_seq = r.last_seq.max(sent);
            }
        }
    }

    /// Sends every room the events its board committed past what the room has seen.
    async fn catch_up_rooms(&self) {
        let rooms: Vec<(BoardId, i64)> = match self.rooms.lock() {
            Ok(rooms) => rooms.iter().map(|(b, r)| (*b, r.last_seq)).collect(),
            Err(_) => return,
        };
        for (board, seen) in rooms {
            match self.app.events().head(board).await {
                Ok(head) if head > seen => {
                    if let Ok(latest) = self.app.events().after(board, head - 1, 1).await {
                        for e in latest {
                            self.dispatch(Arc::new(e)).await;
                        }
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, %board, "could not catch a room up after a lag"),
            }
        }
    }

    /// Joins the board's room, creating it at the board's current `seq`.
    async fn join(&self, board: BoardId) -> Result<(broadcast::Receiver<Frame>, i64), sunday_types::ApiError> {
        if let Some((tx, last)) = self.room_sender(board) {
            return Ok((tx.subscribe(), last));
        }
        let current = self.app.events().head(board).await?;
        let joined = {
            let mut rooms = self.rooms.lock().map_err(|_| sunday_types::ApiError::internal("rooms lock poisoned"))?;
            let room = rooms
                .entry(board)
                .or_insert_with(|| Room { tx: broadcast::channel(self.settings.room_buffer).0, last_seq: current });
            (room.tx.subscribe(), room.last_seq)
        };
        // Events committed between reading `current` and creating the room found no room to
        // go to; send them from the log now rather than at the next event.
        let latest = self.app.events().head(board).await?;
        if latest > joined.1 {
            let missed = self.app.events().after(board, latest - 1, 1).await?;
            if let Some(e) = missed.into_iter().next() {
                self.dispatch(Arc::new(e)).await;
            }
        }
        Ok(joined)
    }

    /// Drops rooms nobody listens to (the node stops following them).
    fn leave(&self, board: BoardId) {
        if let Ok(mut rooms) = self.rooms.lock() {
            if rooms.get(&board).is_some_and(|r| r.tx.receiver_count() == 0) {
                rooms.remove(&board);
            }
        }
    }

    /// This node's presence on a board changed: tell the other nodes and the room.
    fn broadcast_presence(&self, board: BoardId) {
        self.announce_presence(board);
        self.show_presence(board);
    }

    fn announce_presence(&self, board: BoardId) {
        let entries = self.presence.local_users(board);
        self.app.events().publish_presence(PresenceAnnouncement { node: self.node.clone(), board_id: board, entries });
    }

    /// Sends the board's room who is on the board now.
    fn show_presence(&self, board: BoardId) {
        let users = self.presence.users(board);
        if let Some((tx, _)) = self.room_sender(board) {
            let _ = tx.send(Frame::control(ServerFrame::Presence { board_id: board, users: &users }.json()));
        }
    }

    /// Registers a user's socket; `None` when they have too many.
    fn connect_user(&self, user: UserId) -> Option<broadcast::Receiver<Frame>> {
        let mut users = self.users.lock().ok()?;
        let entry = users.entry(user).or_insert_with(|| (broadcast::channel(64).0, 0));
        if entry.1 >= self.settings.max_connections_per_user {
            return None;
        }
        entry.1 += 1;
        metrics::gauge!("ws_connections").increment(1.0);
        Some(entry.0.subscribe())
    }

    fn disconnect_user(&self, user: UserId) {
        if let Ok(mut users) = self.users.lock() {
            if let Some(entry) = users.get_mut(&user) {
                entry.1 = entry.1.saturating_sub(1);
                if entry.1 == 0 {
                    users.remove(&user);
                }
            }
        }
        metrics::gauge!("ws_connections").decrement(1.0);
    }

    /// Whether the user may open one more socket.
    pub fn has_capacity(&self, user: UserId) -> bool {
        self.users
            .lock()
            .map(|u| u.get(&user).is_none_or(|e| e.1 < self.settings.max_connections_per_user))
            .unwrap_or(false)
    }

    fn notify(&self, n: &Notification) {
        let sender = self.users.lock().ok().and_then(|u| u.get(&n.user_id).map(|e| e.0.clone()));
        if let Some(tx) = sender {
            let _ = tx.send(Frame::control(ServerFrame::Notification(n).json()));
        }
    }
}
