//! How an event-log consumer (the notifier, the automation runner, the webhook enqueuer) keeps
//! up, written once: it handles each board's events after its saved cursor ([`Consumer::catch_up`],
//! which writes its effects with the cursor), is told of new events by the bus, and sweeps the
//! boards whose log runs past its cursor at start, after missing bus messages, and every few
//! seconds — the work another node's crash or a failed pass left behind.
//!
//! Under a steady stream of writes a consumer does not catch up once per write: [`Gather`]
//! collects the boards announced meanwhile and catches them up together at most once per
//! [`LINGER`], so one pass (a cursor read, the events, one transaction) handles the writes of
//! that span. A consumer that has been idle handles the next event at once.

use std::{collections::HashMap, fmt::Display, sync::Arc, time::Duration};

use tokio::time::Instant;

use async_trait::async_trait;
use sunday_bus::{DynBus, RecvError};
use sunday_store::Store;
use sunday_types::BoardId;
use tokio::sync::watch;

/// How often the boards left behind are looked for.
const SWEEP_EVERY: Duration = Duration::from_secs(5);

/// The shortest time between two passes of a consumer over the boards announced to it: what a
/// follower of the log may add to a change's delay under load, to handle many changes per pass.
/// With one pass per write, the passes' fixed costs (reading the cursor and the board's
/// columns, writing a transaction, committing a search index segment) took most of what the
/// followers cost: about a third of the server's CPU at 1,000 writes/s (BENCHMARKS.md).
pub const LINGER: Duration = Duration::from_millis(20);

/// The boards announced to a consumer and not yet caught up, and how far the last two passes
/// caught each up.
#[derive(Debug, Default)]
pub struct Gather {
    pending: Vec<BoardId>,
    /// Caught up by the current pass, and by the one before. An announcement still on the bus
    /// when a pass handled its event arrives soon after: two passes' boards are enough to
    /// skip it, and the map stays the size of what changes, not of every board ever seen (an
    /// older announcement only costs a pass that finds nothing new).
    done: HashMap<BoardId, i64>,
    before: HashMap<BoardId, i64>,
    last_pass: Option<Instant>,
}

impl Gather {
    /// An event of `board` at `seq` was committed: its board waits for the next pass, unless
    /// a pass already handled it.
    pub fn announce(&mut self, board: BoardId, seq: i64) {
        let handled = |m: &HashMap<BoardId, i64>| m.get(&board).is_some_and(|d| *d >= seq);
        if handled(&self.done) || handled(&self.before) || self.pending.contains(&board) {
            return;
        }
        self.pending.push(board);
    }

    /// When the next pass is due: [`LINGER`] after the last one (at once after a quiet
    /// spell), or far off when nothing waits.
    pub fn due(&self) -> Instant {
        match (self.pending.is_empty(), self.last_pass) {
            (true, _) => Instant::now() + Duration::from_secs(3600),
            (false, Some(last)) => last + LINGER,
            (false, None) => Instant::now(),
        }
    }

    /// The boards to catch up now, in the order they were announced.
    pub fn take(&mut self) -> Vec<BoardId> {
        self.last_pass = Some(Instant::now());
        self.before = std::mem::take(&mut self.done);
        std::mem::take(&mut self.pending)
    }

    /// `board` was caught up to `seq`.
    pub fn done(&mut self, board: BoardId, seq: i64) {
        self.done.insert(board, seq);
    }
}

#[async_trait]
pub trait Consumer: Send + Sync + 'static {
    /// The consumer's cursor name.
    const NAME: &'static str;
    type Error: Display + Send;

    /// Handles the board's events after the cursor; answers the `seq` handled up to.
    async fn catch_up(&self, board: BoardId) -> Result<i64, Self::Error>;
}

/// Follows the bus and sweeps until `stop`.
pub fn follow<C: Consumer>(
    consumer: C,
    store: Arc<dyn Store>,
    bus: &DynBus,
    mut stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let mut events = bus.subscribe();
    tokio::spawn(async move {
        sweep(&consumer, store.as_ref()).await;
        let mut gather = Gather::default();
        let mut every = tokio::time::interval(SWEEP_EVERY);
        every.tick().await;
        loop {
            tokio::select! {
                changed = stop.changed() => {
                    if changed.is_err() || *stop.borrow() {
                        return;
                    }
                }
                _ = every.tick() => sweep(&consumer, store.as_ref()).await,
                _ = tokio::time::sleep_until(gather.due()) => {
                    for board in gather.take() {
                        match consumer.catch_up(board).await {
                            Ok(seq) => gather.done(board, seq),
                            Err(e) => tracing::warn!(consumer = C::NAME, board_id = %board, error = %e, "will be retried"),
                        }
                    }
                }
                received = events.recv() => match received {
                    Ok(event) => gather.announce(event.board_id, event.seq),
                    // Missed announcements: the cursors say what is left.
                    Err(RecvError::Lagged(_)) => sweep(&consumer, store.as_ref()).await,
                    Err(RecvError::Closed) => return,
                },
            }
        }
    })
}

/// Every board whose log runs past the consumer's cursor, caught up one after the other; one
/// that fails (retried at its next event or sweep) does not hold up the others.
pub async fn sweep<C: Consumer>(consumer: &C, store: &dyn Store) {
    let mut after = None;
    loop {
        let boards = match store.consumer_backlog(C::NAME, after, 100).await {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(consumer = C::NAME, error = %e, "could not read the backlog");
                return;
            }
        };
        let Some(last) = boards.last().copied() else { return };
        for board in boards {
            if let Err(e) = consumer.catch_up(board).await {
                tracing::warn!(consumer = C::NAME, board_id = %board, error = %e, "will be retried");
            }
        }
        after = Some(last);
    }
}

/// Every board past `consumer`'s cursor, every page of the backlog read. A name whose cursor
/// never moves lists every board with events: how the search indexer and the analytics keeper
/// find the boards of a full pass.
pub async fn backlog(store: &dyn Store, consumer: &str) -> Result<Vec<BoardId>, sunday_store::StoreError> {
    let mut boards = Vec::new();
    let mut after = None;
    loop {
        let page = store.consumer_backlog(consumer, after, 1000).await?;
        let Some(last) = page.last().copied() else { return Ok(boards) };
        after = Some(last);
        boards.extend(page);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_is_due_at_once_after_a_quiet_spell_and_one_linger_after_the_last() {
        let (a, b) = (BoardId::new(), BoardId::new());
        let mut g = Gather::default();
        assert!(g.due() > Instant::now() + LINGER * 100, "nothing waits: no pass is due");
        g.announce(a, 1);
        assert!(g.due() <= Instant::now(), "the first event of a quiet consumer goes at once");
        assert_eq!(g.take(), vec![a]);
        g.done(a, 3);
        // A pass that handled seq 3 handled the events up to it.
        g.announce(a, 2);
        g.announce(a, 3);
        assert!(g.due() > Instant::now() + LINGER * 100, "{g:?}");
        // Later events wait for the next pass, one linger after the last, each board once.
        g.announce(b, 1);
        g.announce(a, 4);
        g.announce(b, 2);
        let due = g.due();
        assert!(due > Instant::now() && due <= Instant::now() + LINGER, "{g:?}");
        assert_eq!(g.take(), vec![b, a]);
        assert!(g.take().is_empty());
    }

    /// What the passes caught up is remembered for two passes, not for ever: a late
    /// announcement just after a pass is skipped, one from long ago costs a pass.
    #[test]
    fn caught_up_boards_are_remembered_for_two_passes() {
        let (a, b) = (BoardId::new(), BoardId::new());
        let mut g = Gather::default();
        g.announce(a, 1);
        assert_eq!(g.take(), vec![a]);
        g.done(a, 5);
        g.announce(b, 1);
        assert_eq!(g.take(), vec![b]);
        g.done(b, 1);
        // a's pass was the one before: its events up to 5 are still known as handled.
        g.announce(a, 5);
        assert!(g.pending.is_empty(), "{g:?}");
        assert!(g.take().is_empty());
        // Two passes on, both are forgotten.
        g.announce(a, 5);
        assert_eq!(g.take(), vec![a]);
        assert_eq!((g.done.len(), g.before.len()), (0, 0), "{g:?}");
    }
}
