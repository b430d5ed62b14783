//! The newest events this node committed, kept decoded: the event-log consumers (notifier,
//! search index, analytics, links, webhooks, automations) and the board engine read each new
//! event right after its commit, and without this each decoded it again from the store (a
//! quarter of the server's time while a board is built through the bulk API). A board's events
//! are kept only as one run without gaps, so a read served from here is exactly what the store
//! holds from that `seq` on; anything else (older events, another node's, a run broken by a
//! gap) is read from the store. What it keeps is bounded by an estimate of its memory.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use sunday_types::{boards::BoardEvent, BoardId};

/// How much is kept, in estimated bytes of memory.
const MAX_WEIGHT: usize = 64 << 20;

/// What an event costs to keep, estimated from its stored payload's size: decoded, JSON
/// values take about twice their text, plus the event's own fields.
fn weight(payload_bytes: usize) -> usize {
    2 * payload_bytes + 256
}

#[derive(Default)]
pub struct EventTail {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Each board's run, with each event's weight.
    boards: HashMap<BoardId, VecDeque<(BoardEvent, usize)>>,
    /// Every kept event's board, oldest first (evicted from the front).
    order: VecDeque<BoardId>,
    weight: usize,
}

impl EventTail {
    /// Keeps `events` (just committed, each board's in `seq` order; `payload_bytes` the size
    /// of each one's stored payload). An event that does not follow its board's last kept one
    /// starts the board's run again.
    pub fn record(&self, events: &[BoardEvent], payload_bytes: &[usize]) {
        if events.is_empty() {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        for (i, event) in events.iter().enumerate() {
            let board = event.board_id;
            let run = inner.boards.entry(board).or_default();
            if run.back().is_some_and(|(last, _)| last.seq + 1 != event.seq) {
                let dropped: usize = run.drain(..).map(|(_, w)| w).sum();
                inner.weight -= dropped;
                inner.order.retain(|b| *b != board);
            }
            let w = weight(payload_bytes.get(i).copied().unwrap_or(0));
            inner.boards.entry(board).or_default().push_back((event.clone(), w));
            inner.order.push_back(board);
            inner.weight += w;
        }
        while inner.weight > MAX_WEIGHT {
            let Some(board) = inner.order.pop_front() else { break };
            let evicted = inner.boards.get_mut(&board).and_then(VecDeque::pop_front);
            inner.weight -= evicted.map_or(0, |(_, w)| w);
            if inner.boards.get(&board).is_some_and(VecDeque::is_empty) {
                inner.boards.remove(&board);
            }
        }
    }

    /// Up to `limit` of the board's events after `after`, if the event right after it is kept
    /// or would be the next one kept (none otherwise: ask the store).
    pub fn after(&self, board: BoardId, after: i64, limit: usize) -> Option<Vec<BoardEvent>> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let run = inner.boards.get(&board)?;
        let first = run.front()?.0.seq;
        // Right after the last kept event: none kept (the caller checks there are none more).
        if after + 1 < first || after > run.back()?.0.seq || limit == 0 {
            return None;
        }
        let skip = usize::try_from(after + 1 - first).ok()?;
        Some(run.iter().skip(skip).take(limit).map(|(e, _)| e.clone()).collect())
    }

    /// What [`EventTail::after`] found, as an answer to "up to `limit` events after `after`" on a
    /// board whose last committed seq is `last` (`None`: the board is gone, and forgotten here).
    /// Another node sharing the database may have committed events this one never kept, so a
    /// run short of both `limit` and `last` is not the whole answer: `None`, ask the store.
    pub fn complete(
        &self,
        board: BoardId,
        found: Vec<BoardEvent>,
        after: i64,
        limit: usize,
        last: Option<i64>,
    ) -> Option<Vec<BoardEvent>> {
        let Some(last) = last else {
            self.forget(board);
            return None;
        };
        let reached = found.last().map_or(after, |e| e.seq);
        (found.len() >= limit || reached >= last).then_some(found)
    }

    /// Forgets a board (deleted: its events went with it).
    pub fn forget(&self, board: BoardId) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(run) = inner.boards.remove(&board) {
            inner.weight -= run.iter().map(|(_, w)| w).sum::<usize>();
            inner.order.retain(|b| *b != board);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use proptest::prelude::*;
    use sunday_types::{events::BoardChange, time::to_datetime, BoardId, UserId};

    use super::*;

    fn event(board: BoardId, seq: i64) -> BoardEvent {
        BoardEvent {
            board_id: board,
            seq,
            item_id: None,
            actor: UserId::new(),
            change: BoardChange::BoardUpdated(Default::default()),
            created_at: to_datetime(0),
            cause: None,
        }
    }

    proptest! {
        /// Whatever is recorded (runs with gaps, two boards interleaved, more than is kept), a
        /// read served from the tail is exactly the board's events from `after + 1` on, with
        /// no gap, as the store would answer them (up to where the tail ends).
        #[test]
        fn a_read_is_a_gapless_run_from_the_seq_asked(steps in proptest::collection::vec((0usize..2, 1i64..4, 1usize..400, 0usize..600_000), 1..60), after in 0i64..3000, limit in 1usize..600) {
            let boards = [BoardId::new(), BoardId::new()];
            let tail = EventTail::default();
            let mut next = [1i64, 1i64];
            for (b, jump, n, bytes) in steps {
                // `jump` > 1 leaves a gap (events committed by another node); `bytes` is each
                // one's payload size, so that large runs evict older events.
                next[b] += jump - 1;
                let events: Vec<_> = (0..n as i64).map(|k| event(boards[b], next[b] + k)).collect();
                next[b] += n as i64;
                tail.record(&events, &vec![bytes; n]);
            }
            for board in boards {
                if let Some(got) = tail.after(board, after, limit) {
                    prop_assert!(got.len() <= limit);
                    let seqs: Vec<i64> = got.iter().map(|e| e.seq).collect();
                    let want: Vec<i64> = (after + 1..after + 1 + seqs.len() as i64).collect();
                    prop_assert_eq!(seqs, want);
                    prop_assert!(got.iter().all(|e| e.board_id == board));
                }
            }
            let inner = tail.inner.lock().unwrap();
            prop_assert!(inner.weight <= MAX_WEIGHT);
            prop_assert_eq!(inner.weight, inner.boards.values().flatten().map(|(_, w)| w).sum::<usize>());
            prop_assert_eq!(inner.order.len(), inner.boards.values().map(|r| r.len()).sum::<usize>());
        }
    }

    #[test]
    fn a_deleted_board_is_forgotten_and_a_gap_starts_a_new_run() {
        let board = BoardId::new();
        let tail = EventTail::default();
        tail.record(&(1..=5).map(|s| event(board, s)).collect::<Vec<_>>(), &[100; 5]);
        assert_eq!(tail.after(board, 2, 10).unwrap().len(), 3);
        assert_eq!(tail.after(board, 5, 10).unwrap().len(), 0, "nothing kept after the last");
        assert!(tail.after(board, 6, 10).is_none(), "past the last: not known here");
        tail.record(&[event(board, 8)], &[100]);
        assert!(tail.after(board, 2, 10).is_none(), "6 and 7 are not here");
        assert_eq!(tail.after(board, 7, 10).unwrap().len(), 1);
        tail.forget(board);
        assert!(tail.after(board, 7, 10).is_none());
    }

    #[test]
    fn a_run_short_of_the_boards_last_seq_is_not_an_answer() {
        let board = BoardId::new();
        let tail = EventTail::default();
        tail.record(&(6..=10).map(|s| event(board, s)).collect::<Vec<_>>(), &[100; 5]);
        let found = || tail.after(board, 5, 100).unwrap();
        // Another node committed 11 to 15: the run is not the whole answer.
        assert!(tail.complete(board, found(), 5, 100, Some(15)).is_none());
        assert_eq!(tail.complete(board, found(), 5, 100, Some(10)).unwrap().len(), 5);
        // Three asked for, three found: whole, whatever came after.
        assert_eq!(tail.complete(board, tail.after(board, 5, 3).unwrap(), 5, 3, Some(15)).unwrap().len(), 3);
        // Caught up with the tail: no events while the board has no more, the store otherwise.
        let caught_up = || tail.after(board, 10, 100).unwrap();
        assert_eq!(tail.complete(board, caught_up(), 10, 100, Some(10)).unwrap().len(), 0);
        assert!(tail.complete(board, caught_up(), 10, 100, Some(12)).is_none());
        // The board is gone: not an answer, and forgotten.
        assert!(tail.complete(board, found(), 5, 100, None).is_none());
        assert!(tail.after(board, 5, 100).is_none());
    }
}
