//! The board engine: boards held in memory, kept current from the event log, answering
//! filtered, sorted, grouped and paginated queries without touching the store.
//!
//! A board is loaded on first use (all live items, with the `last_seq` they reflect) and then
//! follows its events in `seq` order: items are upserted or removed from the snapshot each
//! item event carries; an event marked `reload` (a column type change, a label replacement)
//! makes the board reload, and an event after a gap in the sequence waits for the log. Before
//! answering, a query catches the board up to the `last_seq` its caller read from the store
//! (reading the events it missed from the log), so a client always reads its own writes even
//! when the bus is behind or out of order. Memory is bounded by a budget in bytes (each
//! board's estimate: items, indexes, decoded cells, kept JSON) with least-recently-used
//! eviction of whole boards; an evicted board is simply loaded again, and a board larger than
//! the whole budget is still loaded and served, alone.
//!
//! Filter and sort semantics are the domain crate's (`sunday_domain::filter`), evaluated here
//! over decoded items; [`query`] is the one place queries run.

mod board;
pub mod cursor;
mod groups;
pub mod index;
pub mod query;
mod recent;
mod slots;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, RwLock},
};

use sunday_bus::{EventBus, RecvError, SharedEvent};
use sunday_store::{Store, StoreError, StoreResult};
use sunday_types::{boards::BoardEvent, BoardId, ItemId};

pub use board::{place_of, BoardState, Place, Position, Siblings, SiblingsKey};
pub use groups::{has_footer, GroupCount};
pub use query::{GroupBy, Query, QueryResult};
use recent::{Recent, PROBED};

/// How many events to read from the log per catch-up round trip.
const CATCH_UP_PAGE: usize = 1000;

struct Slot {
    state: Arc<RwLock<BoardState>>,
    last_used: u64,
}

/// What the engine holds, for `/metrics`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EngineStats {
    pub boards: usize,
    pub items: usize,
    /// Estimated, as the budget counts them.
    pub bytes: usize,
}

/// Where a live item is, as far as the engine tells without reading the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Located {
    /// On this loaded board.
    On(BoardId),
    /// On no loaded board (each was probed).
    NotLoaded,
    /// Not on the boards used last; others are loaded and were not probed.
    Unknown,
}

pub struct Engine {
    store: Arc<dyn Store>,
    boards: Mutex<HashMap<BoardId, Slot>>,
    /// Taken after `boards` when both are held, never before.
    recent: Mutex<Recent>,
    budget_bytes: usize,
    clock: std::sync::atomic::AtomicU64,
}

impl Engine {
    /// An engine keeping about `budget_bytes` of boards in memory at most.
    pub fn new(store: Arc<dyn Store>, budget_bytes: usize) -> Arc<Engine> {
        Arc::new(Engine {
            store,
            boards: Mutex::new(HashMap::new()),
            recent: Mutex::default(),
            budget_bytes,
            clock: Default::default(),
        })
    }

    /// Follows the bus in the background, applying each event to the board it concerns if
    /// that board is loaded.
    pub fn follow(self: &Arc<Self>, bus: &dyn EventBus) -> tokio::task::JoinHandle<()> {
        let mut rx = bus.subscribe();
        let engine = Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                match rx.recv().await {
                    Ok(event) => match engine.upgrade() {
                        Some(e) => e.apply(&event),
                        None => return,
                    },
                    // Missed events are found as gaps and caught up from the log at the next
                    // query; nothing is lost.
                    Err(RecvError::Lagged(n)) => {
                        tracing::warn!(missed = n, "board engine lagged behind the bus");
                        metrics::counter!("bus_lagged_total", "consumer" => "engine").increment(1);
                    }
                    Err(RecvError::Closed) => return,
                }
            }
        })
    }

    /// Applies one committed event to its board, when loaded.
    pub fn apply(&self, event: &SharedEvent) {
        let state = self.boards.lock().ok().and_then(|b| b.get(&event.board_id).map(|s| s.state.clone()));
        if let Some(state) = state {
            if let Ok(mut s) = state.write() {
                s.apply(event);
            }
        }
    }

    /// The loaded board holding live item `id`: a probe of each loaded board's index while
    /// they are few, else of the [`PROBED`] boards used last only (a node may hold thousands
    /// of small boards; the caller then asks the store for the item's board).
    pub fn board_of(&self, id: ItemId) -> Located {
        let Ok(boards) = self.boards.lock() else { return Located::Unknown };
        let holds =
            |board: &BoardId| boards.get(board).is_some_and(|s| s.state.read().is_ok_and(|b| b.item(id).is_some()));
        if boards.len() <= PROBED {
            return boards.keys().find(|b| holds(b)).map_or(Located::NotLoaded, |b| Located::On(*b));
        }
        let Ok(recent) = self.recent.lock() else { return Located::Unknown };
        let found = recent.boards().find(|b| holds(b)).copied();
        found.map_or(Located::Unknown, Located::On)
    }

    /// Whether `board` is in memory now.
    pub fn is_loaded(&self, board: BoardId) -> bool {
        self.boards.lock().is_ok_and(|b| b.contains_key(&board))
    }

    /// Forgets a board (deleted, or to force a reload).
    pub fn evict(&self, board: BoardId) {
        if let Ok(mut b) = self.boards.lock() {
            b.remove(&board);
        }
    }

    /// Runs `f` over the board's state, loaded and caught up to at least `last_seq` (the
    /// caller's read of the board's log position, so it sees its own writes). `f` runs under
    /// the board's read lock: keep it short and free of IO.
    pub async fn read<R>(&self, board: BoardId, last_seq: i64, f: impl FnOnce(&BoardState) -> R) -> StoreResult<R> {
        let state = self.board(board, last_seq).await?;
        let guard = state.read().map_err(|_| StoreError::internal("board engine lock poisoned"))?;
        Ok(f(&guard))
    }

    /// [`Engine::read`] when the board is in memory; `None` without loading it when not: for
    /// followers of the log that read a few items, which should not pull a whole board in.
    pub async fn read_loaded<R>(
        &self,
        board: BoardId,
        last_seq: i64,
        f: impl FnOnce(&BoardState) -> R,
    ) -> StoreResult<Option<R>> {
        let Some(state) = self.boards.lock().ok().and_then(|b| b.get(&board).map(|s| s.state.clone())) else {
            return Ok(None);
        };
        self.catch_up(board, &state, last_seq).await?;
        let guard = state.read().map_err(|_| StoreError::internal("board engine lock poisoned"))?;
        Ok(Some(f(&guard)))
    }

    /// The board's state, loaded and caught up to at least `last_seq`.
    async fn board(&self, board: BoardId, last_seq: i64) -> StoreResult<Arc<RwLock<BoardState>>> {
        let tick = self.clock.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let existing = self.boards.lock().ok().and_then(|mut b| {
            b.get_mut(&board).map(|s| {
                s.last_used = tick;
                s.state.clone()
            })
        });
        let state = match existing {
            Some(s) => s,
            None => self.load(board, tick).await?,
        };
        if let Ok(mut recent) = self.recent.lock() {
            recent.touch(board);
        }
        self.catch_up(board, &state, last_seq).await?;
        Ok(state)
    }

    async fn load(&self, board: BoardId, tick: u64) -> StoreResult<Arc<RwLock<BoardState>>> {
        // Read the position in the log first: items loaded afterwards reflect at least it,
        // and replaying events already reflected is harmless (upserts of newer snapshots).
        let started = std::time::Instant::now();
        let last_seq = self.store.board(board).await?.map(|b| b.last_seq).unwrap_or(0);
        let items = self.store.all_items(board).await?;
        let read = started.elapsed();
        let loaded = BoardState::new(items, last_seq);
        // Loading is measured: a large board's first query pays for it.
        let took = started.elapsed();
        metrics::histogram!("board_engine_load_seconds").record(took.as_secs_f64());
        let level_info = took.as_millis() >= 500;
        let (items, bytes) = (loaded.len(), loaded.bytes());
        if level_info {
            tracing::info!(board_id = %board, items, bytes, read_ms = read.as_millis() as u64, total_ms = took.as_millis() as u64, "board engine loaded a board");
        } else {
            tracing::debug!(board_id = %board, items, bytes, total_ms = took.as_millis() as u64, "board engine loaded a board");
        }
        let state = Arc::new(RwLock::new(loaded));
        if let Ok(mut boards) = self.boards.lock() {
            boards.insert(board, Slot { state: state.clone(), last_used: tick });
            self.enforce_budget(&mut boards, board);
        }
        Ok(state)
    }

    async fn catch_up(&self, board: BoardId, state: &Arc<RwLock<BoardState>>, target: i64) -> StoreResult<()> {
        loop {
            let (current, broken) = match state.read() {
                Ok(s) => (s.last_seq(), s.needs_reload()),
                Err(_) => (0, true),
            };
            if broken {
                // As in `load`: the log position first, then the items.
                let last_seq = self.store.board(board).await?.map(|b| b.last_seq).unwrap_or(0);
                let items = self.store.all_items(board).await?;
                if let Ok(mut s) = state.write() {
                    *s = BoardState::new(items, last_seq);
                }
                continue;
            }
            if current >= target {
                return Ok(());
            }
            let events: Vec<BoardEvent> = self.store.events_after(board, current, CATCH_UP_PAGE).await?;
            if events.is_empty() {
                return Ok(());
            }
            if let Ok(mut s) = state.write() {
                for e in &events {
                    s.apply(e);
                }
            }
        }
    }

    fn enforce_budget(&self, boards: &mut HashMap<BoardId, Slot>, keep: BoardId) {
        let size = |s: &Slot| s.state.read().map(|b| b.bytes()).unwrap_or(0);
        let mut total: usize = boards.values().map(size).sum();
        while total > self.budget_bytes {
            let victim = boards
                .iter()
                .filter(|(id, _)| **id != keep)
                .min_by_key(|(_, s)| s.last_used)
                .map(|(id, s)| (*id, size(s)));
            match victim {
                Some((id, n)) => {
                    boards.remove(&id);
                    total -= n;
                    tracing::debug!(board_id = %id, bytes = n, "board engine evicted a board");
                }
                None => break,
            }
        }
    }

    /// Boards, items and estimated bytes held, for metrics.
    pub fn stats(&self) -> EngineStats {
        let Ok(boards) = self.boards.lock() else { return EngineStats::default() };
        let mut stats = EngineStats { boards: boards.len(), ..EngineStats::default() };
        for s in boards.values() {
            if let Ok(b) = s.state.read() {
                stats.items += b.len();
                stats.bytes += b.bytes();
            }
        }
        stats
    }
}
