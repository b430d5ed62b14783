//! Formula values recomputed in the background, never blocking writes: after a formula (or a
//! column formulas read) changes on a board too large to rewrite in the change's own commit,
//! after a start (a recompute a crash or restart cut short leaves items behind; the first use
//! of each board with formulas checks them all), and at a new day for formulas that call
//! `TODAY()`. The job walks the board in chunks, each one commit by the formula actor that
//! requires the structure it computed with; a newer structure change starts it over, a
//! concurrent edit of an item retries that chunk. Deterministic: the values are a function of
//! the item, the board's columns and the day, so any node reaches the same.
//!
//! A chunk's values are one `items_computed` event: a saved formula is no one's edit of a
//! hundred thousand items, and one event per item made the first computation of a large
//! board five times slower. A new day's values are different: they change because time
//! passed, and automations wait for them ("when Days late changes…"), so each is an ordinary
//! `item_updated` event.
//!
//! A chunk's values are not written into the items' rows either: they are kept beside them
//! (`BoardWrite::PutComputed`), valid while each item stays at the version they were computed
//! at, which they leave as it was. Rewriting 100,000 item rows was about 60% of a new formula's
//! first computation on such a board (BENCHMARKS.md, "Formulas at size").

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sunday_store::{BoardWrite, Computed, NewEvent, StoreError};
use sunday_types::{
    automations::FORMULA_ACTOR,
    board_api::RecomputeProgress,
    events::{BoardChange, ComputedCells, ItemChanged, ItemsComputed},
    time::{now_millis, to_datetime},
    ApiError, BoardId, ErrorCode, ItemId,
};

use super::{columns_cache::BoardColumns, edits::now_date, BoardService};
use crate::Actor;

/// Boards with at most this many items recompute inside the commit of the change itself.
pub(super) const INLINE_ITEMS: usize = 2_000;

/// Items per commit of a background recompute: each commit costs a few milliseconds beyond
/// its rows, so fewer are faster, and holds the write lock while it runs, which other writes
/// wait out; 2,000 keeps that wait to a few tens of milliseconds.
const CHUNK: usize = 2_000;

/// Why a recompute runs, which decides how its changes are logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Why {
    /// The formulas or what they read changed (or a recompute was cut short): one
    /// `items_computed` event per chunk.
    Structure,
    /// A new day: an `item_updated` event per changed item, which automations follow.
    NewDay,
}

/// The recomputes of this node: what runs, and the day each board was last checked.
#[derive(Default)]
pub struct Recomputes {
    running: Mutex<HashMap<BoardId, RecomputeProgress>>,
    checked: Mutex<HashMap<BoardId, chrono::NaiveDate>>,
}

impl Recomputes {
    fn progress(&self, board: BoardId) -> RecomputeProgress {
        self.running.lock().ok().and_then(|r| r.get(&board).cloned()).unwrap_or_default()
    }

    fn update(&self, board: BoardId, f: impl FnOnce(&mut RecomputeProgress)) {
        if let Ok(mut r) = self.running.lock() {
            f(r.entry(board).or_default());
        }
    }

    /// Marks the board's recompute as started; `false` when one runs already.
    fn start(&self, board: BoardId) -> bool {
        let Ok(mut r) = self.running.lock() else { return false };
        let p = r.entry(board).or_default();
        if p.running {
            return false;
        }
        *p = RecomputeProgress { running: true, ..Default::default() };
        true
    }
}

impl BoardService {
    /// How far the board's background recompute has got.
    pub async fn recompute_progress(&self, actor: &Actor, board: BoardId) -> Result<RecomputeProgress, ApiError> {
        self.access(actor, board).await?;
        Ok(self.recomputes.progress(board))
    }

    /// Checks the board's formula values in the background on its first use since this node
    /// started, and again at a new day when a formula calls `TODAY()`.
    pub(super) fn keep_current(&self, board: BoardId, structure: &BoardColumns) {
        if structure.formulas.is_empty() {
            return;
        }
        let today = now_date();
        let due = match self.recomputes.checked.lock() {
            Ok(mut checked) => match checked.insert(board, today) {
                Some(day) if day == today || !structure.formulas.uses_today() => None,
                // The first check on this node looks for a recompute cut short.
                None if !structure.formulas.uses_today() => Some(Why::Structure),
                _ => Some(Why::NewDay),
            },
            Err(_) => None,
        };
        if let Some(why) = due {
            self.spawn_recompute(board, why);
        }
    }

    /// Starts a background recompute of the board's formulas, unless one runs (a running one
    /// starts over by itself when the board's structure changed under it).
    pub(super) fn spawn_recompute(&self, board: BoardId, why: Why) {
        if !self.recomputes.start(board) {
            return;
        }
        let svc = self.clone();
        tokio::spawn(async move {
            if let Err(e) = svc.recompute(board, why).await {
                tracing::warn!(board_id = %board, error = %e, "formula recompute stopped");
            }
            svc.recomputes.update(board, |p| p.running = false);
        });
    }

    async fn recompute(&self, board: BoardId, why: Why) -> Result<(), ApiError> {
        'again: loop {
            let Some(b) = self.store.board(board).await? else { return Ok(()) };
            let (version, structure) = self.columns.get(self.store.as_ref(), board).await?;
            if structure.formulas.is_empty() {
                return Ok(());
            }
            let ids: Vec<ItemId> =
                self.engine.read(board, b.last_seq, |s| s.items().iter().map(|i| i.id).collect()).await?;
            self.recomputes.update(board, |p| {
                *p = RecomputeProgress { running: true, total: ids.len() as u64, ..Default::default() }
            });
            tracing::info!(board_id = %board, items = ids.len(), "recomputing formulas");
            for chunk in ids.chunks(CHUNK) {
                let mut attempts = 0;
                let changed = loop {
                    let last_seq = self.store.board(board).await?.map_or(b.last_seq, |b| b.last_seq);
                    // Computed under the engine's read lock: only the items that change are
                    // copied out (each once), with what changed.
                    let today = now_date();
                    let formulas = &structure.formulas;
                    let changed = self
                        .engine
                        .read(board, last_seq, |s| {
                            let computed = chunk.iter().filter_map(|id| {
                                let mut next = s.item(*id)?.clone();
                                let changes = formulas.apply(&mut next, today);
                                (!changes.is_empty()).then_some((next, changes))
                            });
                            computed.collect::<Vec<_>>()
                        })
                        .await?;
                    let mut writes = vec![BoardWrite::ExpectStructure { board, version }];
                    let mut events = vec![];
                    let mut computed = vec![];
                    let mut kept = vec![];
                    for (mut next, changes) in changed {
                        match why {
                            // Kept beside the item, which stays at its version: rewriting every
                            // item's row was most of a new formula's first computation.
                            Why::Structure => {
                                let cells = formulas.columns().map(|c| (c, next.values.json(c))).collect();
                                kept.push(Computed { item: next.id, version: next.version, cells });
                                computed.push(ComputedCells { item_id: next.id, version: next.version, changes });
                            }
                            // Formulas change values only: the item stays where it was.
                            Why::NewDay => {
                                let expected_version = next.version;
                                next.version += 1;
                                next.updated_at = to_datetime(now_millis());
                                events.push(NewEvent::new(
                                    FORMULA_ACTOR,
                                    BoardChange::ItemUpdated(ItemChanged::cells(&next, changes)),
                                ));
                                // Computed values are never files: the item's file rows stay.
                                writes.push(BoardWrite::UpdateValues { item: next, expected_version, files: false });
                            }
                        }
                    }
                    writes.push(BoardWrite::PutComputed(kept));
                    let n = (events.len() + computed.len()) as u64;
                    if !computed.is_empty() {
                        events.push(NewEvent::new(
                            FORMULA_ACTOR,
                            BoardChange::ItemsComputed(ItemsComputed { items: Arc::new(computed) }),
                        ));
                    }
                    if events.is_empty() {
                        break 0;
                    }
                    match self.try_commit(board, writes, events).await {
                        Ok(_) => break n,
                        // Someone edited (or deleted) one of these items: their edit computed its
                        // formulas; read the chunk again.
                        Err(StoreError::VersionConflict(_) | StoreError::Rejected(ErrorCode::ItemNotFound))
                            if attempts < 16 =>
                        {
                            attempts += 1
                        }
                        // The columns changed: start over with them.
                        Err(StoreError::StructureChanged) => continue 'again,
                        Err(e) => return Err(e.into()),
                    }
                };
                self.recomputes.update(board, |p| {
                    p.done += chunk.len() as u64;
                    p.changed += changed;
                });
            }
            let p = self.recomputes.progress(board);
            tracing::info!(board_id = %board, items = p.done, changed = p.changed, "formulas recomputed");
            return Ok(());
        }
    }
}

/// The recomputes of a service, shared by its clones.
pub(super) type Shared = Arc<Recomputes>;
