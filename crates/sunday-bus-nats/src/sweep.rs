//! The sweep: events a node committed and never relayed (it died between its commit and its
//! relay, or lost the broker and then its life) are relayed by any other node.
//!
//! Every node, every few seconds while it reaches the broker, pages through the boards whose
//! log runs past the relay's saved cursor. A board whose cursor has not moved since the
//! previous sweep has no live relay working on it: its events are read from the log and
//! published (the stream drops any repeat by message id), and its cursor saved.

use std::{collections::HashMap, sync::Arc, time::Duration};

use sunday_store::Store;
use sunday_types::BoardId;

use crate::{
    publish::{BoxError, Publisher, CHUNK},
    relay::{save, CONSUMER},
};

const SWEEP_EVERY: Duration = Duration::from_secs(5);
const SWEEP_TIMEOUT: Duration = Duration::from_secs(60);
const PAGE: usize = 100;
/// Boards looked at per sweep at most (the next sweep goes on from the start).
const MAX_PAGES: usize = 100;

pub(crate) async fn run(publisher: Publisher, store: Arc<dyn Store>) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    let mut previous: HashMap<BoardId, i64> = HashMap::new();
    loop {
        tick.tick().await;
        if !publisher.connected() {
            continue;
        }
        match tokio::time::timeout(SWEEP_TIMEOUT, sweep(&publisher, store.as_ref(), &mut previous)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::debug!(error = %e, "relay sweep will be retried"),
            Err(_) => tracing::warn!("a relay sweep timed out; the next one retries"),
        }
    }
}

async fn sweep(publisher: &Publisher, store: &dyn Store, previous: &mut HashMap<BoardId, i64>) -> Result<(), BoxError> {
    let mut seen = HashMap::new();
    let mut after = None;
    for _ in 0..MAX_PAGES {
        let behind = store.consumer_backlog(CONSUMER, after, PAGE).await?;
        let (Some(&last), full) = (behind.last(), behind.len() == PAGE) else { break };
        for board in behind {
            let cursor = store.event_cursor(CONSUMER, board).await?;
            seen.insert(board, cursor);
            // Moving (a live relay has it) or newly behind: look again at the next sweep.
            if previous.get(&board) != Some(&cursor) {
                continue;
            }
            if let Err(e) = relay_from_log(publisher, store, board, cursor).await {
                if !publisher.connected() {
                    return Err(e);
                }
                tracing::warn!(%board, error = %e, "could not relay a board's events from the log");
            } else {
                metrics::counter!("bus_swept_boards_total").increment(1);
            }
        }
        after = Some(last);
        if !full {
            break;
        }
    }
    *previous = seen;
    Ok(())
}

/// Publishes the board's events after `cursor` from the log and saves the cursor. A board
/// never relayed (cursor 0) starts at its latest event: older events predate the bus, and
/// followers fill any gap from the log.
async fn relay_from_log(publisher: &Publisher, store: &dyn Store, board: BoardId, cursor: i64) -> Result<(), BoxError> {
    let mut pos = cursor;
    if cursor == 0 {
        let head = store.board(board).await?.map(|b| b.last_seq).unwrap_or(0);
        pos = (head - 1).max(0);
    }
    let mut saved = cursor;
    loop {
        let events = store.events_after(board, pos, CHUNK).await?;
        let Some(last) = events.last().map(|e| e.seq) else { return Ok(()) };
        publisher.events(&events, false).await?;
        pos = last;
        match save(store, board, saved, pos).await? {
            Some(now_saved) => saved = now_saved,
            None => return Ok(()),
        }
    }
}
