//! Who is on which board, doing what. Entries are per socket (a user with two tabs is one
//! entry per tab, shown once) and expire when not refreshed within the TTL. Other nodes'
//! sockets arrive as announcements over the bus (one list per node and board, replaced by
//! the node's next one) and expire the same way unless announced again.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use sunday_types::{BoardId, ColumnId, ItemId, UserId};

use crate::protocol::{PresenceEntry, PresenceState};

struct Entry {
    user: UserId,
    item: Option<ItemId>,
    column: Option<ColumnId>,
    state: PresenceState,
    at: Instant,
}

/// Another node's sockets on a board, as it last announced them.
struct Remote {
    entries: Vec<PresenceEntry>,
    at: Instant,
}

pub struct Presence {
    ttl: Duration,
    boards: Mutex<HashMap<BoardId, HashMap<u64, Entry>>>,
    remote: Mutex<HashMap<BoardId, HashMap<String, Remote>>>,
}

impl Presence {
    pub fn new(ttl: Duration) -> Presence {
        Presence { ttl, boards: Mutex::default(), remote: Mutex::default() }
    }

    /// Takes another node's announcement for a board; whether the visible set may have changed.
    pub fn set_remote(&self, node: &str, board: BoardId, entries: Vec<PresenceEntry>) -> bool {
        let Ok(mut remote) = self.remote.lock() else { return false };
        let nodes = remote.entry(board).or_default();
        let changed = nodes.get(node).is_none_or(|r| r.entries != entries);
        if entries.is_empty() {
            nodes.remove(node);
        } else {
            nodes.insert(node.to_owned(), Remote { entries, at: Instant::now() });
        }
        if nodes.is_empty() {
            remote.remove(&board);
        }
        changed
    }

    /// The boards this node's sockets are on (to announce again before they expire elsewhere).
    pub fn local_boards(&self) -> Vec<BoardId> {
        self.boards.lock().map(|b| b.keys().copied().collect()).unwrap_or_default()
    }

    /// Sets a socket's presence on a board; whether the visible set changed.
    pub fn set(
        &self,
        board: BoardId,
        socket: u64,
        user: UserId,
        (item, column): (Option<ItemId>, Option<ColumnId>),
        state: PresenceState,
    ) -> bool {
        let Ok(mut boards) = self.boards.lock() else { return false };
        let entries = boards.entry(board).or_default();
        let changed = entries.get(&socket).is_none_or(|e| e.item != item || e.column != column || e.state != state);
        entries.insert(socket, Entry { user, item, column, state, at: Instant::now() });
        changed
    }

    /// Removes a socket's presence; whether anything was removed.
    pub fn remove(&self, board: BoardId, socket: u64) -> bool {
        let Ok(mut boards) = self.boards.lock() else { return false };
        let removed = boards.get_mut(&board).and_then(|e| e.remove(&socket)).is_some();
        if boards.get(&board).is_some_and(|e| e.is_empty()) {
            boards.remove(&board);
        }
        removed
    }

    /// The current set across the cluster, one entry per user (this node's most recent for a
    /// user on a socket here, else another node's).
    pub fn users(&self, board: BoardId) -> Vec<PresenceEntry> {
        let mut out = self.local_users(board);
        if let Ok(remote) = self.remote.lock() {
            for r in remote.get(&board).into_iter().flat_map(|nodes| nodes.values()) {
                for e in &r.entries {
                    if !out.iter().any(|o| o.user_id == e.user_id) {
                        out.push(e.clone());
                    }
                }
            }
        }
        out.sort_by_key(|e| e.user_id);
        out
    }

    /// This node's sockets on the board, one entry per user (their most recent).
    pub fn local_users(&self, board: BoardId) -> Vec<PresenceEntry> {
        let Ok(boards) = self.boards.lock() else { return vec![] };
        let mut latest: HashMap<UserId, &Entry> = HashMap::new();
        for e in boards.get(&board).into_iter().flat_map(|m| m.values()) {
            if latest.get(&e.user).is_none_or(|l| l.at < e.at) {
                latest.insert(e.user, e);
            }
        }
        let mut out: Vec<PresenceEntry> = latest
            .into_values()
            .map(|e| PresenceEntry { user_id: e.user, item_id: e.item, column_id: e.column, state: e.state })
            .collect();
        out.sort_by_key(|e| e.user_id);
        out
    }

    /// Drops other nodes' lists not announced again within the TTL (their node died); the
    /// boards whose set changed.
    pub fn expire_remote(&self) -> Vec<BoardId> {
        let Ok(mut remote) = self.remote.lock() else { return vec![] };
        let ttl = self.ttl;
        let mut changed = vec![];
        for (board, nodes) in remote.iter_mut() {
            let before = nodes.len();
            nodes.retain(|_, r| r.at.elapsed() < ttl);
            if nodes.len() != before {
                changed.push(*board);
            }
        }
        remote.retain(|_, nodes| !nodes.is_empty());
        changed
    }

    /// Drops this node's entries older than the TTL; the boards whose set changed.
    pub fn expire(&self) -> Vec<BoardId> {
        let Ok(mut boards) = self.boards.lock() else { return vec![] };
        let ttl = self.ttl;
        let mut changed = vec![];
        for (board, entries) in boards.iter_mut() {
            let before = entries.len();
            entries.retain(|_, e| e.at.elapsed() < ttl);
            if entries.len() != before {
                changed.push(*board);
            }
        }
        boards.retain(|_, e| !e.is_empty());
        changed
    }
}
