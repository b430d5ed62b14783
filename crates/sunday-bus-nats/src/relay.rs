//! The relay: committed events from this node's writers (and, when they could not be
//! published, from the event log) onto the stream, at least once and in `seq` order per board.
//!
//! For each board the relay knows the `seq` up to which the stream holds the board's events
//! (`published`). Events handed over by a writer are published straight from memory when
//! they continue that position; a gap (another node's commits this node did not see on the
//! stream, events dropped while the broker was away) is read from the log. Positions are
//! saved as the `nats_relay` consumer's cursors about once a second, so a node that dies
//! leaves at most a second of events to publish again (the stream drops the repeats by
//! message id). A sweep on every node every few seconds relays boards whose log runs past the
//! saved cursor: events committed by a node that died before relaying them.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    sync::{atomic::Ordering, Arc},
    time::Duration,
};

use async_nats::{jetstream, HeaderMap};
use sunday_store::{Store, StoreResult};
use sunday_types::{boards::BoardEvent, notifications::Notification, time::now_millis, BoardId};
use tokio::{sync::mpsc, time::Instant};

use crate::{backoff, Outgoing, Shared, ORIGIN};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The relay's consumer name for its cursors in the store.
pub const CONSUMER: &str = "nats_relay";
/// Events read from the log at a time.
const CHUNK: usize = 500;
/// Events a board may hold in memory while the broker is away; past that, they are read
/// back from the log.
const HELD_MAX: usize = 10_000;
/// Notifications waiting for the broker; live delivery is best effort (every notification
/// is in its user's list), so past this they are dropped.
const NOTES_MAX: usize = 10_000;
const PERSIST_EVERY: Duration = Duration::from_secs(1);
const SWEEP_EVERY: Duration = Duration::from_secs(5);

#[derive(Default)]
struct BoardRelay {
    /// The stream holds the board's events up to this `seq` (unknown until read).
    published: Option<i64>,
    /// The saved cursor, as last read or written.
    saved: i64,
    /// Committed events not yet published, by `seq`.
    held: BTreeMap<i64, BoardEvent>,
}

pub(crate) struct Relay {
    js: jetstream::Context,
    client: async_nats::Client,
    store: Arc<dyn Store>,
    shared: Arc<Shared>,
    boards: HashMap<BoardId, BoardRelay>,
    dirty: BTreeSet<BoardId>,
    notes: Vec<Notification>,
}

impl Relay {
    pub fn new(
        js: jetstream::Context,
        client: async_nats::Client,
        store: Arc<dyn Store>,
        shared: Arc<Shared>,
    ) -> Relay {
        Relay { js, client, store, shared, boards: HashMap::new(), dirty: BTreeSet::new(), notes: vec![] }
    }

    pub async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Outgoing>) {
        let mut persist = tokio::time::interval(PERSIST_EVERY);
        let mut sweep = tokio::time::interval(SWEEP_EVERY);
        let mut attempt = 0u32;
        let mut retry_at: Option<Instant> = None;
        loop {
            tokio::select! {
                received = rx.recv() => match received {
                    Some(m) => self.take(m),
                    None => return,
                },
                _ = persist.tick() => self.persist().await,
                _ = sweep.tick(), if retry_at.is_none() => {
                    if let Err(e) = self.sweep().await {
                        tracing::debug!(error = %e, "relay sweep will be retried");
                    }
                }
                _ = tokio::time::sleep_until(retry_at.unwrap_or_else(Instant::now)), if retry_at.is_some() => {
                    retry_at = None;
                }
            }
            while let Ok(m) = rx.try_recv() {
                self.take(m);
            }
            self.shared.unrelayed_boards.store(self.dirty.len(), Ordering::Relaxed);
            if retry_at.is_none() && (!self.dirty.is_empty() || !self.notes.is_empty()) {
                match self.relay_dirty().await {
                    Ok(()) => attempt = 0,
                    Err(e) => {
                        if attempt == 0 {
                            tracing::warn!(error = %e, boards = self.dirty.len(), "events wait in the log until NATS answers");
                        }
                        metrics::counter!("bus_relay_errors_total").increment(1);
                        retry_at = Some(Instant::now() + backoff(attempt));
                        attempt = attempt.saturating_add(1);
                    }
                }
            }
            self.shared.unrelayed_boards.store(self.dirty.len(), Ordering::Relaxed);
            metrics::gauge!("bus_unrelayed_boards").set(self.dirty.len() as f64);
        }
    }

    fn take(&mut self, message: Outgoing) {
        match message {
            Outgoing::Events(events) => {
                for event in events {
                    let board = self.boards.entry(event.board_id).or_default();
                    self.dirty.insert(event.board_id);
                    if board.held.len() < HELD_MAX {
                        board.held.insert(event.seq, event);
                    }
                }
            }
            Outgoing::Notifications(mut notes) => {
                let room = NOTES_MAX.saturating_sub(self.notes.len());
                notes.truncate(room);
                self.notes.append(&mut notes);
            }
            Outgoing::Invalidation(invalidation) => self.invalidate(invalidation),
            Outgoing::Seen { board, seq } => {
                if let Some(b) = self.boards.get_mut(&board) {
                    if b.published == Some(seq - 1) {
                        b.published = Some(seq);
                    }
                }
            }
        }
    }

    /// Sends an invalidation now, or never: while the broker is away, the other nodes' caches
    /// expire on their own (`auth.auth_cache_secs`).
    fn invalidate(&self, invalidation: sunday_bus::Invalidation) {
        if self.client.connection_state() != async_nats::connection::State::Connected {
            metrics::counter!("bus_invalidations_dropped_total").increment(1);
            return;
        }
        let Ok(payload) = serde_json::to_vec(&invalidation) else { return };
        let mut headers = HeaderMap::new();
        headers.insert(ORIGIN, self.shared.node.as_str());
        let (client, subject) = (self.client.clone(), self.shared.subjects.invalidation());
        tokio::spawn(async move {
            if client.publish_with_headers(subject, headers, payload.into()).await.is_err() {
                metrics::counter!("bus_invalidations_dropped_total").increment(1);
            }
        });
    }

    /// Relays every board with events waiting, and the waiting notifications.
    async fn relay_dirty(&mut self) -> Result<(), BoxError> {
        // A breaker: while the client is cut off, do not queue publishes that can only time out.
        if self.client.connection_state() != async_nats::connection::State::Connected {
            return Err("not connected to NATS".into());
        }
        self.publish_notes().await?;
        while let Some(board) = self.dirty.first().copied() {
            self.relay_board(board, false).await?;
            self.dirty.remove(&board);
        }
        Ok(())
    }

    /// Publishes the board's events past its position: those held in memory while they
    /// continue it, the rest from the log (`from_log`: also when nothing is held).
    async fn relay_board(&mut self, board: BoardId, from_log: bool) -> Result<(), BoxError> {
        let mut entry = self.boards.remove(&board).unwrap_or_default();
        let result = self.relay_entry(board, &mut entry, from_log).await;
        self.boards.insert(board, entry);
        result
    }

    async fn relay_entry(&self, board: BoardId, entry: &mut BoardRelay, from_log: bool) -> Result<(), BoxError> {
        let mut pos = match entry.published {
            Some(p) => p,
            None => {
                let saved = self.store.event_cursor(CONSUMER, board).await?;
                entry.saved = saved;
                // A board never relayed starts at the first event this relay was handed, or
                // at the log's head: older events happened before the bus was in use.
                if saved > 0 {
                    saved
                } else if let Some((&first, _)) = entry.held.first_key_value() {
                    first - 1
                } else {
                    (self.head(board).await? - 1).max(0)
                }
            }
        };
        entry.published = Some(pos);
        loop {
            entry.held = entry.held.split_off(&(pos + 1));
            let batch: Vec<BoardEvent> = match entry.held.first_key_value() {
                Some((&first, _)) if first == pos + 1 => {
                    let mut run = vec![];
                    while let Some(entry) = entry.held.first_entry().filter(|e| *e.key() == pos + 1 + run.len() as i64)
                    {
                        run.push(entry.remove());
                    }
                    run
                }
                Some(_) => self.store.events_after(board, pos, CHUNK).await?,
                None if from_log => self.store.events_after(board, pos, CHUNK).await?,
                None => return Ok(()),
            };
            let Some(last) = batch.last().map(|e| e.seq) else {
                // Nothing in the log past the position (the board was deleted): nothing to hold.
                entry.held.clear();
                return Ok(());
            };
            self.publish(&batch).await?;
            pos = last;
            entry.published = Some(pos);
        }
    }

    async fn head(&self, board: BoardId) -> StoreResult<i64> {
        Ok(self.store.board(board).await?.map(|b| b.last_seq).unwrap_or(0))
    }

    /// Publishes events in order, pipelined: all are sent, then every acknowledgement is
    /// awaited. An error means some may be on the stream; they are published again later and
    /// the stream drops the repeats.
    async fn publish(&self, events: &[BoardEvent]) -> Result<(), BoxError> {
        let mut acks = Vec::with_capacity(events.len());
        for event in events {
            let id = format!("{}:{}", event.board_id, event.seq);
            let payload = serde_json::to_vec(event)?;
            let subject = self.shared.subjects.event(event.board_id);
            acks.push(self.js.publish_with_headers(subject, self.headers(&id), payload.into()).await?);
        }
        for ack in acks {
            ack.await?;
        }
        metrics::counter!("bus_relayed_total").increment(events.len() as u64);
        Ok(())
    }

    fn headers(&self, id: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(async_nats::header::NATS_MESSAGE_ID, id);
        headers.insert(ORIGIN, self.shared.node.as_str());
        headers
    }

    /// Live notifications: best effort (each is in its user's list whatever happens here).
    async fn publish_notes(&mut self) -> Result<(), BoxError> {
        if self.notes.is_empty() {
            return Ok(());
        }
        let subject = self.shared.subjects.notification();
        let mut acks = vec![];
        for note in &self.notes {
            let payload = serde_json::to_vec(note)?;
            let ack = self.js.publish_with_headers(subject.clone(), self.headers(&note.id.to_string()), payload.into());
            acks.push(ack.await?);
        }
        self.notes.clear();
        for ack in acks {
            ack.await?;
        }
        Ok(())
    }

    /// Saves the positions that moved since the last save.
    async fn persist(&mut self) {
        if self.client.connection_state() != async_nats::connection::State::Connected {
            return;
        }
        let moved: Vec<(BoardId, i64, i64)> = self
            .boards
            .iter()
            .filter_map(|(b, e)| e.published.filter(|p| *p > e.saved).map(|p| (*b, e.saved, p)))
            .collect();
        for (board, saved, published) in moved {
            match self.save(board, saved, published).await {
                Ok(now_saved) => {
                    if let Some(e) = self.boards.get_mut(&board) {
                        e.saved = now_saved;
                    }
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

    /// Moves the saved cursor to `published` unless it is already there or past it; returns
    /// the cursor as saved.
    async fn save(&self, board: BoardId, mut saved: i64, published: i64) -> StoreResult<i64> {
        for _ in 0..3 {
            if self.store.advance_cursor(CONSUMER, board, saved, published, vec![], now_millis()).await? {
                return Ok(published);
            }
            saved = self.store.event_cursor(CONSUMER, board).await?;
            if saved >= published {
                return Ok(saved);
            }
        }
        Ok(saved)
    }

    /// Relays boards whose log runs past their saved cursor and that this node is not
    /// relaying already: the events of a node that died between commit and relay.
    async fn sweep(&mut self) -> Result<(), BoxError> {
        for _ in 0..100 {
            let behind = self.store.consumer_backlog(CONSUMER, 100).await?;
            let todo: Vec<BoardId> = behind.iter().copied().filter(|b| !self.dirty.contains(b)).collect();
            if todo.is_empty() {
                return Ok(());
            }
            for board in todo {
                // Start from the saved cursor, not this node's memory: the lag may be events
                // this node never saw.
                if let Some(e) = self.boards.get_mut(&board) {
                    e.published = None;
                }
                self.relay_board(board, true).await?;
                let (saved, published) = match self.boards.get(&board) {
                    Some(e) => (e.saved, e.published.unwrap_or(0)),
                    None => continue,
                };
                let now_saved = self.save(board, saved, published).await?;
                if let Some(e) = self.boards.get_mut(&board) {
                    e.saved = now_saved;
                }
            }
            if behind.len() < 100 {
                return Ok(());
            }
        }
        Ok(())
    }
}
