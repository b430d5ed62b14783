//! Event-log consumers' cursors (see `sunday_store::CursorStore`).

use async_trait::async_trait;
use sunday_store::{BoardWrite, CursorStore, StoreResult};
use sunday_store_sql::cursors;
use sunday_types::{time::Millis, BoardId};

use sunday_store_sql::leases;

use crate::PostgresStore;

#[async_trait]
impl CursorStore for PostgresStore {
    async fn event_cursor(&self, consumer: &str, board: BoardId) -> StoreResult<i64> {
        self.read(cursors::event_cursor(consumer, board)).await
    }

    async fn advance_cursor(
        &self,
        consumer: &str,
        board: BoardId,
        from: i64,
        to: i64,
        writes: Vec<BoardWrite>,
        now: Millis,
    ) -> StoreResult<bool> {
        let plan = cursors::advance(consumer, board, from, to, writes, now)?;
        self.run(plan).await.map(|done| done.applied)
    }

    async fn consumer_backlog(
        &self,
        consumer: &str,
        after: Option<BoardId>,
        limit: usize,
    ) -> StoreResult<Vec<BoardId>> {
        self.read(cursors::backlog(consumer, after, limit)).await
    }

    async fn take_lease(&self, name: &str, holder: &str, until: Millis, now: Millis) -> StoreResult<bool> {
        let plan = leases::take(name, holder, until, now);
        self.run(plan).await.map(|done| done.applied)
    }

    async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()> {
        self.run(leases::release(name, holder)).await.map(|_| ())
    }

    async fn lease_holder(&self, name: &str, now: Millis) -> StoreResult<Option<String>> {
        self.read(leases::holder(name, now)).await
    }
}
