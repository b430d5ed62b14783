//! Event-log consumers' cursors, and the leases of work that runs on one node at a time.
//!
//! Cursors: how far each consumer (notifications now; automations and
//! search later) has handled each board's events. A consumer's side effects are written in
//! the same transaction that moves its cursor, and the cursor only moves from the position
//! the consumer read, so every event is handled exactly once however many consumers race.

use async_trait::async_trait;
use sunday_types::{time::Millis, BoardId};

use crate::{BoardWrite, StoreResult};

#[async_trait]
pub trait CursorStore: Send + Sync {
    /// The `seq` up to which `consumer` has handled the board's events (0 when never).
    async fn event_cursor(&self, consumer: &str, board: BoardId) -> StoreResult<i64>;

    /// Applies `writes` (notifications, follows) and moves the consumer's cursor from `from`
    /// to `to`, in one transaction. `false`, with nothing written, when the cursor is no
    /// longer at `from` (another consumer got there first).
    async fn advance_cursor(
        &self,
        consumer: &str,
        board: BoardId,
        from: i64,
        to: i64,
        writes: Vec<BoardWrite>,
        now: Millis,
    ) -> StoreResult<bool>;

    /// Takes or renews the lease `name` for `holder` until `until`: `true` when `holder` holds
    /// it now (it was free, had expired at `now`, or was `holder`'s already).
    async fn take_lease(&self, name: &str, holder: &str, until: Millis, now: Millis) -> StoreResult<bool>;

    /// Gives the lease up, if `holder` holds it (a node stopping hands its work over at once).
    async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()>;

    /// Who holds the lease `name` at `now` (the node others ask for the work it does).
    async fn lease_holder(&self, name: &str, now: Millis) -> StoreResult<Option<String>>;

    /// Boards whose event log runs past the consumer's cursor, at most `limit`, in id order
    /// after `after` (to page through them all).
    async fn consumer_backlog(&self, consumer: &str, after: Option<BoardId>, limit: usize)
        -> StoreResult<Vec<BoardId>>;
}
