//! Formula values recomputed in the background, never blocking writes: after a formula (or a
//! column formulas read) changes on a board too large to rewrite in the change's own commit,
//! after a start (a recompute a crash or restart cut short leaves items behind; the first use
//! of each board with formulas checks them all), and at a new day for formulas that call
//! `TODAY()`. The job walks the board in chunks, each one commit of ordinary item changes by
//! the formula actor that requires the structure it computed with; a newer structure change
//! starts it over, a concurrent edit of an item retries that chunk. Deterministic: the values
//! are a function of the item, the board's columns and the day, so any node reaches the same.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sunday_store::{BoardWrite, NewEvent, StoreError};
use sunday_types::{
    automations::FORMULA_ACTOR,
    board_api::RecomputeProgress,
    events::{BoardChange, ItemChanged},
    time::{now_millis, to_datetime},
    ApiError, BoardId, ItemId,
};

use super::{columns_cache::BoardColumns, edits::now_date, BoardService};
use crate::Actor;

/// Boards with at most this many items recompute inside the commit of the change itself.
pub(super) const INLINE_ITEMS: usize = 2_000;

/// Items per commit of a background recompute.
const CHUNK: usize = 500;

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
            Ok(mut checked) => match checked.get(&board) {
                Some(day) if *day == today || !structure.formulas.uses_today() => false,
                _ => {
                    checked.insert(board, today);
                    true
                }
            },
            Err(_) => false,
        };
        if due {
            self.spawn_recompute(board);
        }
    }

    /// Starts a background recompute of the board's formulas, unless one runs (a running one
    /// starts over by itself when the board's structure changed under it).
    pub(super) fn spawn_recompute(&self, board: BoardId) {
        if !self.recomputes.start(board) {
            return;
        }
        let svc = self.clone();
        tokio::spawn(async move {
            if let Err(e) = svc.recompute(board).await {
                tracing::warn!(board_id = %board, error = %e, "formula recompute stopped");
            }
            svc.recomputes.update(board, |p| p.running = false);
        });
    }

    async fn recompute(&self, board: BoardId) -> Result<(), ApiError> {
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
                    let items = self
                        .engine
                        .read(board, last_seq, |s| {
                            chunk.iter().filter_map(|id| s.item(*id).cloned()).collect::<Vec<_>>()
                        })
                        .await?;
                    let mut writes = vec![BoardWrite::ExpectStructure { board, version }];
                    let mut events = vec![];
                    let today = now_date();
                    for item in items {
                        let mut next = item.clone();
                        let changes = structure.formulas.apply(&mut next, today);
                        if changes.is_empty() {
                            continue;
                        }
                        next.version = item.version + 1;
                        next.updated_at = to_datetime(now_millis());
                        events.push(NewEvent::new(
                            FORMULA_ACTOR,
                            BoardChange::ItemUpdated(ItemChanged::cells(&next, changes)),
                        ));
                        writes.push(BoardWrite::UpdateItem { item: next, expected_version: item.version });
                    }
                    if events.is_empty() {
                        break 0;
                    }
                    let n = events.len() as u64;
                    match self.try_commit(board, writes, events).await {
                        Ok(_) => break n,
                        // Someone edited one of these items: their edit computed its formulas;
                        // read the chunk again.
                        Err(StoreError::VersionConflict(_)) if attempts < 16 => attempts += 1,
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
