//! The connected-boards follower as an event-log consumer (`consumer::follow`): each pass reads
//! a board's events after its cursor, plans and carries out what they change
//! (`linked.rs`), then saves the cursor, except that a run of events that changed nothing
//! connected is saved lazily ([`Unsaved`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sunday_types::{time::now_millis, ApiError, BoardId};

use super::linked::{BATCH, CONSUMER};
use super::BoardService;

impl BoardService {
    /// Handles the board's events after the links cursor; answers the `seq` handled up to.
    /// Positions whose events changed nothing connected are saved lazily (`unsaved`).
    async fn links_catch_up(&self, board: BoardId, unsaved: &Unsaved) -> Result<i64, ApiError> {
        loop {
            let saved = self.store.event_cursor(CONSUMER, board).await?;
            let cursor = unsaved.position(board).map_or(saved, |p| p.max(saved));
            let events = self.store.events_after(board, cursor, BATCH).await?;
            let Some(last) = events.last().map(|e| e.seq) else {
                // Nothing new: what an earlier pass left unsaved is saved once due (the
                // consumer's sweep comes by every few seconds).
                if cursor > saved && !unsaved.defer(board, cursor) {
                    self.store.advance_cursor(CONSUMER, board, saved, cursor, vec![], now_millis()).await?;
                    unsaved.forget(board);
                }
                return Ok(cursor);
            };
            let plan = self.plan_links(board, &events).await?;
            let idle = plan.is_empty();
            self.carry_out(plan).await?;
            let full = events.len() >= BATCH;
            if idle && unsaved.defer(board, last) {
                if full {
                    continue;
                }
                return Ok(last);
            }
            let moved = self.store.advance_cursor(CONSUMER, board, saved, last, vec![], now_millis()).await?;
            unsaved.forget(board);
            if moved && !full {
                return Ok(last);
            }
        }
    }
}

/// The links consumer (see the module documentation).
pub struct LinksConsumer(BoardService, Unsaved);

impl LinksConsumer {
    pub fn new(boards: BoardService) -> LinksConsumer {
        LinksConsumer(boards, Unsaved::default())
    }
}

#[async_trait::async_trait]
impl crate::consumer::Consumer for LinksConsumer {
    const NAME: &'static str = CONSUMER;
    type Error = ApiError;

    async fn catch_up(&self, board: BoardId) -> Result<i64, ApiError> {
        self.0.links_catch_up(board, &self.1).await
    }
}

/// How long a handled position may wait unsaved.
const SAVE_EVERY: Duration = Duration::from_secs(1);

/// Positions this node's links consumer handled but did not save yet. Most boards have no
/// relations, mirrors or rollups, so their events change nothing connected; saving the cursor
/// after each of them was one more commit per write (a durable PATCH paid a second fsync).
/// Instead the cursor of such a run is saved at most once a second per board: a crash replays
/// the events since, which change nothing again.
#[derive(Default)]
pub struct Unsaved(Mutex<HashMap<BoardId, (i64, Instant)>>);

impl Unsaved {
    fn position(&self, board: BoardId) -> Option<i64> {
        self.0.lock().ok()?.get(&board).map(|(seq, _)| *seq)
    }

    /// Records `seq` as handled; `true` while saving may wait (the oldest unsaved position is
    /// younger than [`SAVE_EVERY`]).
    fn defer(&self, board: BoardId, seq: i64) -> bool {
        let Ok(mut m) = self.0.lock() else { return false };
        let (at, since) = m.entry(board).or_insert((seq, Instant::now()));
        *at = (*at).max(seq);
        since.elapsed() < SAVE_EVERY
    }

    fn forget(&self, board: BoardId) {
        if let Ok(mut m) = self.0.lock() {
            m.remove(&board);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsaved_positions_only_move_forward_until_saved() {
        let (unsaved, board) = (Unsaved::default(), BoardId::new());
        assert_eq!(unsaved.position(board), None);
        assert!(unsaved.defer(board, 7), "a fresh run may wait");
        assert!(unsaved.defer(board, 5), "still within the second");
        assert_eq!(unsaved.position(board), Some(7), "an older position never moves it back");
        unsaved.forget(board);
        assert_eq!(unsaved.position(board), None);
    }
}
