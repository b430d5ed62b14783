//! Who is on which board, doing what. Entries are per socket (a user with two tabs is one
//! entry per tab, shown once) and expire when not refreshed within the TTL.

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

pub struct Presence {
    ttl: Duration,
    boards: Mutex<HashMap<BoardId, HashMap<u64, Entry>>>,
}

impl Presence {
    pub fn new(ttl: Duration) -> Presence {
        Presence { ttl, boards: Mutex::default() }
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

    /// The current set, one entry per user (their most recent).
    pub fn users(&self, board: BoardId) -> Vec<PresenceEntry> {
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

    /// Drops entries older than the TTL; the boards whose set changed.
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
