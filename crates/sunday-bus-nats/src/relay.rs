//! The relay: committed events from this node's writers onto the stream, at least once and
//! in `seq` order per board.
//!
//! For each board the relay knows the `seq` up to which the stream holds the board's events
//! (`published`; moved by its own publishes and by events its node's follower sees on the
//! stream). Events handed over by a writer are published straight from memory when they
//! continue that position; a gap (another node's commits this node did not see on the
//! stream, events dropped while the broker was away) is read from the log. Positions are
//! saved as the `nats_relay` consumer's cursors about once a second, so a node that dies
//! leaves at most a second of events to publish again (the stream drops the repeats by
//! message id), which the [sweep](crate::sweep) of any node does.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    sync::{atomic::Ordering, Arc},
    time::Duration,
};

use sunday_store::{Store, StoreResult};
use sunday_types::{boards::BoardEvent, notifications::Notification, time::now_millis, BoardId};
use tokio::{sync::mpsc, time::Instant};

use crate::{
    backoff,
    publish::{BoxError, Publisher, CHUNK},
    Outgoing,
};

/// The relay's consumer name for its cursors in the store.
pub const CONSUMER: &str = "nats_relay";
/// Events a board may hold in memory while the broker is away; past that, they are read
/// back from the log.
const HELD_MAX: usize = 10_000;
/// Notifications waiting for the broker; live delivery is best effort (every notification
/// is in its user's list), so past this they are dropped.
const NOTES_MAX: usize = 10_000;
const PERSIST_EVERY: Duration = Duration::from_secs(1);
/// One pass over the waiting boards may take this long before it counts as failed (a
/// broker that accepts connections but does not answer).
const PASS_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Default)]
struct BoardRelay {
    /// The stream holds the board's events up to this `seq` (unknown until read).
    published: Option<i64>,
    /// The saved cursor, as last read or written.
    saved: i64,
    /// Committed events not yet published, by `seq`.
    held: BTreeMap<i64, BoardEvent>,
    /// Events were dropped from `held` (it was full): read the log to the head.
    overflowed: bool,
}

pub(crate) struct Relay {
    publisher: Publisher,
    store: Arc<dyn Store>,
    boards: HashMap<BoardId, BoardRelay>,
    dirty: BTreeSet<BoardId>,
    notes: Vec<Notification>,
    /// The last pass failed: check the stream exists before the next.
    failed: bool,
}

impl Relay {
    pub fn new(publisher: Publisher, store: Arc<dyn Store>) -> Relay {
        Relay { publisher, store, boards: HashMap::new(), dirty: BTreeSet::new(), notes: vec![], failed: false }
    }

    pub async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Outgoing>) {
        let mut persist = tokio::time::interval(PERSIST_EVERY);
        let mut attempt = 0u32;
        let mut retry_at: Option<Instant> = None;
        loop {
            tokio::select! {
                received = rx.recv() => match received {
                    Some(m) => self.take(m),
                    None => return,
                },
                _ = persist.tick() => self.persist().await,
                _ = tokio::time::sleep_until(retry_at.unwrap_or_else(Instant::now)), if retry_at.is_some() => {
                    retry_at = None;
                }
            }
            while let Ok(m) = rx.try_recv() {
                self.take(m);
            }
            self.report();
            if retry_at.is_none() && (!self.dirty.is_empty() || !self.notes.is_empty()) {
                let pass = tokio::time::timeout(PASS_TIMEOUT, self.relay_dirty()).await;
                match pass.unwrap_or_else(|_| Err("relaying timed out".into())) {
                    Ok(()) => attempt = 0,
                    Err(e) => {
                        if attempt == 0 {
                            tracing::warn!(error = %e, boards = self.dirty.len(), "events wait in the log until NATS answers");
                        }
                        metrics::counter!("bus_relay_errors_total").increment(1);
                        self.failed = true;
                        retry_at = Some(Instant::now() + backoff(attempt));
                        attempt = attempt.saturating_add(1);
                    }
                }
                self.report();
            }
        }
    }

    fn report(&self) {
        self.publisher.shared.unrelayed_boards.store(self.dirty.len(), Ordering::Relaxed);
        metrics::gauge!("bus_unrelayed_boards").set(self.dirty.len() as f64);
    }

    fn take(&mut self, message: Outgoing) {
        match message {
            Outgoing::Events(events) => {
                for event in events {
                    let board = self.boards.entry(event.board_id).or_default();
                    self.dirty.insert(event.board_id);
                    if board.held.len() < HELD_MAX {
                        board.held.insert(event.seq, event);
                    } else {
                        board.overflowed = true;
                    }
                }
            }
            Outgoing::Notifications(mut notes) => {
                notes.truncate(NOTES_MAX.saturating_sub(self.notes.len()));
                self.notes.append(&mut notes);
            }
            Outgoing::Seen { board, seq } => {
                if let Some(b) = self.boards.get_mut(&board) {
                    if b.published == Some(seq - 1) {
                        b.published = Some(seq);
                    }
                }
            }
        }
    }

    /// Relays every board with events waiting, and the waiting notifications. A board that
    /// fails while the broker answers (an unreadable log row, say) is left to the sweep so it
    /// does not hold up the others; an unreachable broker fails the pass.
    async fn relay_dirty(&mut self) -> Result<(), BoxError> {
        // A breaker: while the client is cut off, do not queue publishes that can only time out.
        if !self.publisher.connected() {
            return Err("not connected to NATS".into());
        }
        if self.failed {
            self.publisher.ensure_stream().await?;
            self.failed = false;
        }
        if !self.notes.is_empty() {
            let notes = std::mem::take(&mut self.notes);
            if let Err(e) = self.publisher.notifications(&notes).await {
                metrics::counter!("bus_notifications_dropped_total").increment(notes.len() as u64);
                return Err(e);
            }
        }
        let boards: Vec<BoardId> = self.dirty.iter().copied().collect();
        for board in boards {
            match self.relay_board(board).await {
                Ok(()) => {}
                Err(e) if !self.publisher.connected() => return Err(e),
                Err(e) => {
                    tracing::warn!(%board, error = %e, "could not relay a board's events; the sweep retries them");
                    metrics::counter!("bus_relay_board_errors_total").increment(1);
                    if let Some(entry) = self.boards.get_mut(&board) {
                        entry.held.clear();
                        entry.published = None;
                    }
                }
            }
            self.dirty.remove(&board);
        }
        Ok(())
    }

    /// Publishes the board's events past its position: those held in memory while they
    /// continue it, the rest from the log.
    async fn relay_board(&mut self, board: BoardId) -> Result<(), BoxError> {
        let mut entry = self.boards.remove(&board).unwrap_or_default();
        let result = self.relay_entry(board, &mut entry).await;
        self.boards.insert(board, entry);
        result
    }

    async fn relay_entry(&self, board: BoardId, entry: &mut BoardRelay) -> Result<(), BoxError> {
        let mut pos = match entry.published {
            Some(p) => p,
            None => {
                let saved = self.store.event_cursor(CONSUMER, board).await?;
                entry.saved = saved;
                // A board never relayed starts at the first event this relay was handed:
                // older events happened before the bus was in use (or the sweep has them).
                match entry.held.first_key_value() {
                    Some((&first, _)) if saved == 0 => first - 1,
                    _ => saved,
                }
            }
        };
        entry.published = Some(pos);
        let from_log = std::mem::take(&mut entry.overflowed);
        loop {
            entry.held = entry.held.split_off(&(pos + 1));
            let (batch, own) = match entry.held.first_key_value() {
                Some((&first, _)) if first == pos + 1 => {
                    let mut run = Vec::new();
                    while run.len() < CHUNK {
                        let next = pos + 1 + run.len() as i64;
                        match entry.held.remove(&next) {
                            Some(e) => run.push(e),
                            None => break,
                        }
                    }
                    (run, true)
                }
                Some(_) => (self.store.events_after(board, pos, CHUNK).await?, false),
                None if from_log => (self.store.events_after(board, pos, CHUNK).await?, false),
                None => return Ok(()),
            };
            let Some(last) = batch.last().map(|e| e.seq) else {
                // Nothing in the log past the position (the board was deleted): nothing to hold.
                entry.held.clear();
                return Ok(());
            };
            self.publisher.events(&batch, own).await?;
            pos = last;
            entry.published = Some(pos);
        }
    }

    /// Saves the positions that moved since the last save.
    async fn persist(&mut self) {
        if !self.publisher.connected() {
            return;
        }
        let moved: Vec<(BoardId, i64, i64)> = self
            .boards
            .iter()
            .filter_map(|(b, e)| e.published.filter(|p| *p > e.saved).map(|p| (*b, e.saved, p)))
            .collect();
        for (board, saved, published) in moved {
            match save(self.store.as_ref(), board, saved, published).await {
                Ok(Some(now_saved)) => {
                    if let Some(e) = self.boards.get_mut(&board) {
                        e.saved = now_saved;
                    }
                }
                // The board is gone: nothing left to relay or save.
                Ok(None) => {
                    self.boards.remove(&board);
                }
                Err(e) => {
                    tracing::debug!(error = %e, "relay positions will be saved later");
                    return;
                }
            }
        }
        // Forget boards with nothing pending once many are known (a later write reads the
        // saved cursor back).
        if self.boards.len() > 50_000 {
            let dirty = &self.dirty;
            self.boards.retain(|b, e| dirty.contains(b) || !e.held.is_empty() || e.published != Some(e.saved));
        }
    }
}

/// Moves the saved cursor to `published` unless it is there or past it already; returns the
/// cursor as saved, or `None` when the board no longer exists.
pub(crate) async fn save(
    store: &dyn Store,
    board: BoardId,
    mut saved: i64,
    published: i64,
) -> StoreResult<Option<i64>> {
    for _ in 0..3 {
        if store.advance_cursor(CONSUMER, board, saved, published, vec![], now_millis()).await? {
            return Ok(Some(published));
        }
        saved = store.event_cursor(CONSUMER, board).await?;
        if saved >= published {
            return Ok(Some(saved));
        }
        if saved == 0 && store.board(board).await?.is_none() {
            return Ok(None);
        }
    }
    Ok(Some(saved))
}
