//! One WebSocket session. The socket task reads client frames and writes everything else;
//! each subscribed room is followed by a small forwarder task that moves frames into the
//! socket's bounded queue, skipping what replay already sent and turning a full queue or a
//! lagging room into `resync` for that board only.

use std::{
    collections::HashMap,
    sync::{atomic::AtomicU64, Arc},
    time::Instant,
};

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures::SinkExt;
use sunday_app::{boards::Redaction, limits::RateLimiter, Actor};
use sunday_types::BoardId;
use tokio::{
    sync::{broadcast, mpsc},
    task::JoinHandle,
};

use crate::{
    protocol::{ClientFrame, ServerFrame},
    Frame, Hub,
};

static SOCKET_IDS: AtomicU64 = AtomicU64::new(1);

/// Events replayed per store read when a client resumes.
const REPLAY_PAGE: usize = 500;

enum Control {
    Resync(BoardId),
    Recheck(BoardId),
}

struct Session {
    hub: Arc<Hub>,
    actor: Actor,
    socket_id: u64,
    out: mpsc::Sender<(BoardId, Frame)>,
    control: mpsc::UnboundedSender<Control>,
    subscriptions: HashMap<BoardId, JoinHandle<()>>,
    /// Per board, what of the relations and mirrors this socket's user may not read (they
    /// link to a board the user cannot see): taken out of the frames sent.
    hidden: HashMap<BoardId, Redaction>,
    /// Budget for subscribe and presence frames, which fan out to other sockets.
    control_budget: RateLimiter,
}

/// Serves one upgraded socket until it closes, idles out, or the node shuts down.
pub async fn serve_socket(hub: Arc<Hub>, actor: Actor, mut socket: WebSocket) {
    let Some(mut personal) = hub.connect_user(actor.user_id) else {
        let _ = socket.send(error("too_many_connections", "too many open connections for this user", None)).await;
        return;
    };
    let (out, mut queue) = mpsc::channel::<(BoardId, Frame)>(hub.settings.socket_buffer);
    let (control, mut controls) = mpsc::unbounded_channel();
    let mut shutdown = hub.shutdown.subscribe();
    let mut s = Session {
        hub: hub.clone(),
        actor,
        socket_id: SOCKET_IDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        out,
        control,
        subscriptions: HashMap::new(),
        hidden: HashMap::new(),
        control_budget: RateLimiter::new(
            hub.settings.control_frames_per_sec,
            hub.settings.control_frames_per_sec.saturating_mul(2),
        ),
    };
    let mut ping = tokio::time::interval(hub.settings.ping_interval);
    ping.tick().await;
    let mut last_seen = Instant::now();
    loop {
        // Biased: client frames first, then queued frames before the control messages about
        // them, so a `resync` or an access error always comes after the frames before it.
        tokio::select! {
            biased;
            incoming = socket.recv() => {
                let Some(Ok(msg)) = incoming else { break };
                last_seen = Instant::now();
                match msg {
                    Message::Text(text) => {
                        for reply in s.handle(text.as_str()).await {
                            if socket.send(reply).await.is_err() { break; }
                        }
                    }
                    Message::Close(_) => break,
                    _ => {}
                }
            }
            Some((board, frame)) = queue.recv() => {
                // Everything already queued goes out in one write: under load a socket has
                // several frames waiting, and one syscall per frame was the fan-out's cost.
                let mut batch = vec![(board, frame)];
                while batch.len() < 64 {
                    match queue.try_recv() {
                        Ok(next) => batch.push(next),
                        Err(_) => break,
                    }
                }
                let mut failed = false;
                for (board, frame) in batch {
                    // Frames of a board left meanwhile (unsubscribed, resynced, access lost) go nowhere.
                    if !s.subscriptions.contains_key(&board) { continue; }
                    let text = match s.hidden.get(&board) {
                        Some(r) if !r.is_empty() => s.hub.app.boards.redact_frame(r, &frame.json).await,
                        _ => frame.json.as_ref().into(),
                    };
                    if socket.feed(Message::Text(text.into())).await.is_err() { failed = true; break; }
                    // Before the frames after it: a new relation column's cells are hidden
                    // from its first value on.
                    if frame.recheck { s.refresh_hidden(board).await; }
                    if let Some(at) = frame.committed_at {
                        // Commit to hand-off to the socket: the SLO's delivery lag.
                        let lag = (chrono::Utc::now() - at).to_std().unwrap_or_default();
                        metrics::histogram!("ws_delivery_lag_seconds").record(lag.as_secs_f64());
                        sunday_app::slo::global().record_delivery(lag);
                    }
                }
                if failed || socket.flush().await.is_err() { break; }
            }
            Ok(frame) = personal.recv() => {
                if socket.send(Message::Text(frame.json.as_ref().into())).await.is_err() { break; }
            }
            Some(c) = controls.recv() => {
                let reply = match c {
                    Control::Resync(board) => {
                        s.unsubscribe(board);
                        Some(Message::Text(ServerFrame::Resync { board_id: board }.json().into()))
                    }
                    Control::Recheck(board) => s.recheck(board).await,
                };
                if let Some(m) = reply {
                    if socket.send(m).await.is_err() { break; }
                }
            }
            _ = ping.tick() => {
                if last_seen.elapsed() > hub.settings.idle_timeout {
                    let _ = socket.send(Message::Close(Some(CloseFrame { code: 1001, reason: "idle".into() }))).await;
                    break;
                }
                if socket.send(Message::Ping(Vec::new().into())).await.is_err() { break; }
                // Access can also end outside the board (removal from the organization).
                let boards: Vec<BoardId> = s.subscriptions.keys().copied().collect();
                for board in boards {
                    if let Some(m) = s.recheck(board).await {
                        if socket.send(m).await.is_err() { break; }
                    }
                }
            }
            _ = async { let _ = shutdown.wait_for(|stop| *stop).await; } => {
                let _ = socket.send(Message::Text(ServerFrame::Reconnect.json().into())).await;
                let _ = socket.send(Message::Close(Some(CloseFrame { code: 1012, reason: "server restarting".into() }))).await;
                break;
            }
        }
    }
    let boards: Vec<BoardId> = s.subscriptions.keys().copied().collect();
    for b in boards {
        s.unsubscribe(b);
    }
    hub.disconnect_user(s.actor.user_id);
}

fn error(code: &str, message: &str, board: Option<BoardId>) -> Message {
    Message::Text(ServerFrame::Error { code, message, board_id: board }.json().into())
}

impl Session {
    async fn handle(&mut self, text: &str) -> Vec<Message> {
        let frame: ClientFrame = match serde_json::from_str(text) {
            Ok(f) => f,
            Err(e) => return vec![error("invalid_frame", &e.to_string(), None)],
        };
        let fans_out = matches!(frame, ClientFrame::Subscribe { .. } | ClientFrame::Presence { .. });
        if fans_out && self.control_budget.check("socket").is_err() {
            return vec![error("rate_limited", "too many subscribe or presence frames; slow down", None)];
        }
        match frame {
            ClientFrame::Ping => vec![Message::Text(ServerFrame::Pong.json().into())],
            ClientFrame::Subscribe { board_id, since_seq } => self.subscribe(board_id, since_seq).await,
            ClientFrame::Unsubscribe { board_id } => {
                self.unsubscribe(board_id);
                vec![]
            }
            ClientFrame::Presence { board_id, item_id, column_id, state } => {
                if !self.subscriptions.contains_key(&board_id) {
                    return vec![error(
                        "not_subscribed",
                        "subscribe to the board before sending presence",
                        Some(board_id),
                    )];
                }
                // A cell is only meaningful on an item.
                let spot = (item_id, column_id.filter(|_| item_id.is_some()));
                if self.hub.presence.set(board_id, self.socket_id, self.actor.user_id, spot, state) {
                    self.hub.broadcast_presence(board_id);
                }
                vec![]
            }
        }
    }

    async fn subscribe(&mut self, board: BoardId, since: Option<i64>) -> Vec<Message> {
        if let Err(e) = self.hub.app.boards.access(&self.actor, board).await {
            return vec![error(e.code.as_str(), &e.message, Some(board))];
        }
        if let Some(old) = self.subscriptions.remove(&board) {
            old.abort();
        }
        let (rx, current) = match self.hub.join(board).await {
            Ok(j) => j,
            Err(e) => return vec![error(e.code.as_str(), &e.message, Some(board))],
        };
        self.refresh_hidden(board).await;
        let hidden = self.hidden.get(&board).cloned().unwrap_or_default();
        let mut replies = vec![];
        let mut sent = current;
        if let Some(since) = since {
            // A client ahead of the board (a restored server) must refetch too: subscribing at
            // its seq would drop every live event up to it. Ahead of this node's room is not
            // ahead of the board: a client whose node died resumes here with what that node
            // sent it, which this room may not have seen yet (it comes over the bus); the
            // board's log says whether the client's seq exists.
            let ahead = since > current && self.hub.app.events().head(board).await.map_or(true, |head| since > head);
            if current - since > self.hub.settings.replay_limit || since < 0 || ahead {
                replies.push(Message::Text(ServerFrame::Resync { board_id: board }.json().into()));
            } else {
                // Replay what the client missed; live frames buffered meanwhile in `rx` are
                // deduplicated by `seq` in the forwarder.
                sent = since;
                loop {
                    let page = match self.hub.app.events().after(board, sent, REPLAY_PAGE).await {
                        Ok(p) => p,
                        Err(e) => return vec![error("unavailable", &e.to_string(), Some(board))],
                    };
                    let Some(last) = page.last().map(|e| e.seq) else { break };
                    for e in &page {
                        let json = ServerFrame::Event(e).json();
                        let text = if hidden.is_empty() {
                            json
                        } else {
                            self.hub.app.boards.redact_frame(&hidden, &json).await
                        };
                        replies.push(Message::Text(text.into()));
                    }
                    sent = last;
                }
            }
        }
        replies.insert(0, Message::Text(ServerFrame::Subscribed { board_id: board, seq: sent }.json().into()));
        let users = self.hub.presence.users(board);
        replies.push(Message::Text(ServerFrame::Presence { board_id: board, users: &users }.json().into()));
        let task = tokio::spawn(forward(rx, sent, board, self.out.clone(), self.control.clone()));
        self.subscriptions.insert(board, task);
        replies
    }

    /// Works out again which columns of `board` this socket may not read.
    async fn refresh_hidden(&mut self, board: BoardId) {
        // When it cannot be worked out (the store is unreachable), the columns hidden so far
        // stay hidden.
        let hidden = match self.hub.app.boards.redaction_in_log(&self.actor, board).await {
            Ok(h) => h,
            Err(_) => self.hidden.get(&board).cloned().unwrap_or_default(),
        };
        self.hidden.insert(board, hidden);
    }

    fn unsubscribe(&mut self, board: BoardId) {
        self.hidden.remove(&board);
        if let Some(task) = self.subscriptions.remove(&board) {
            task.abort();
        }
        if self.hub.presence.remove(board, self.socket_id) {
            self.hub.broadcast_presence(board);
        }
        self.hub.leave(board);
    }

    /// After a sharing change: a user who lost access stops receiving the board; one who lost
    /// access to a board it links to stops receiving those links (and what mirrors them).
    async fn recheck(&mut self, board: BoardId) -> Option<Message> {
        if !self.subscriptions.contains_key(&board) {
            return None;
        }
        match self.hub.app.boards.access(&self.actor, board).await {
            Ok(_) => {
                self.refresh_hidden(board).await;
                None
            }
            Err(e) => {
                self.unsubscribe(board);
                Some(error(e.code.as_str(), "you no longer have access to this board", Some(board)))
            }
        }
    }
}

/// Moves a room's frames into the socket's queue in order, once each.
async fn forward(
    mut rx: broadcast::Receiver<Frame>,
    mut sent: i64,
    board: BoardId,
    out: mpsc::Sender<(BoardId, Frame)>,
    control: mpsc::UnboundedSender<Control>,
) {
    loop {
        let frame = match rx.recv().await {
            Ok(f) => f,
            Err(broadcast::error::RecvError::Lagged(_)) => {
                let _ = control.send(Control::Resync(board));
                return;
            }
            Err(broadcast::error::RecvError::Closed) => return,
        };
        if frame.seq != 0 {
            if frame.seq <= sent {
                continue;
            }
            sent = frame.seq;
        }
        let sharing_changed = frame.recheck;
        if out.try_send((board, frame)).is_err() {
            let _ = control.send(Control::Resync(board));
            return;
        }
        if sharing_changed {
            let _ = control.send(Control::Recheck(board));
        }
    }
}
