//! How an event-log consumer (the notifier, the automation runner, the webhook enqueuer) keeps
//! up, written once: it handles each board's events after its saved cursor ([`Consumer::catch_up`],
//! which writes its effects with the cursor), is told of new events by the bus, and sweeps the
//! boards whose log runs past its cursor at start, after missing bus messages, and every few
//! seconds — the work another node's crash or a failed pass left behind.

use std::{collections::HashMap, fmt::Display, sync::Arc, time::Duration};

use async_trait::async_trait;
use sunday_bus::{DynBus, RecvError};
use sunday_store::Store;
use sunday_types::BoardId;
use tokio::sync::watch;

/// How often the boards left behind are looked for.
const SWEEP_EVERY: Duration = Duration::from_secs(5);

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
        let mut done: HashMap<BoardId, i64> = HashMap::new();
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
                received = events.recv() => match received {
                    Ok(event) => {
                        if done.get(&event.board_id).is_some_and(|seq| *seq >= event.seq) {
                            continue;
                        }
                        match consumer.catch_up(event.board_id).await {
                            Ok(seq) => {
                                done.insert(event.board_id, seq);
                            }
                            Err(e) => tracing::warn!(consumer = C::NAME, board_id = %event.board_id, error = %e, "will be retried"),
                        }
                    }
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
