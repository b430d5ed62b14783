//! `BoardStore` on PostgreSQL: reads are single statements in autocommit mode, the commit's
//! plan one transaction.

use async_trait::async_trait;
use sunday_store::{
    BoardFilter, BoardGrant, BoardStore, BoardWrite, Committed, IdempotencyRecord, IdempotentResponse, ItemCursor,
    NewEvent, RunsOf, StoreResult,
};
use sunday_store_sql::{automations, boards};
use sunday_types::{
    automations::{Automation, AutomationRun},
    boards::{Board, BoardEvent, BoardPermission, Column, Group, Item, Update, View},
    time::Millis,
    AutomationId, BoardId, ColumnId, GroupId, ItemId, OrgId, RunId, UpdateId, UserId, ViewId, WorkspaceId,
};

use crate::PostgresStore;

#[async_trait]
impl BoardStore for PostgresStore {
    #[tracing::instrument(name = "store.commit", skip_all, fields(store = "postgres", board_id = %board, writes = writes.len()))]
    async fn commit(
        &self,
        board: BoardId,
        writes: Vec<BoardWrite>,
        events: Vec<NewEvent>,
        now: Millis,
    ) -> StoreResult<Committed> {
        let plan = boards::commit(board, writes, events, now)?;
        self.run(plan).await.map(|done| done.committed)
    }

    async fn commit_across(
        &self,
        parts: Vec<(BoardId, Vec<BoardWrite>, Vec<NewEvent>)>,
        now: Millis,
    ) -> StoreResult<Committed> {
        let plan = boards::commit_across(parts, now)?;
        Ok(self.run(plan).await?.committed)
    }

    async fn reserve_auto_numbers(&self, board: BoardId, n: i64) -> StoreResult<i64> {
        self.read(boards::reserve_auto_numbers(board, n)).await
    }

    async fn board(&self, id: BoardId) -> StoreResult<Option<Board>> {
        self.read(boards::board(id)).await
    }

    async fn boards(
        &self,
        org: OrgId,
        workspace: Option<WorkspaceId>,
        filter: BoardFilter,
        after: Option<BoardId>,
        limit: usize,
    ) -> StoreResult<Vec<Board>> {
        self.read(boards::boards(org, workspace, filter, after, limit)).await
    }

    async fn board_and_grant(&self, board: BoardId, user: UserId) -> StoreResult<Option<(Board, BoardGrant)>> {
        self.read(boards::board_and_grant(board, user)).await
    }

    async fn board_members(&self, board: BoardId) -> StoreResult<Vec<(UserId, BoardPermission)>> {
        self.read(boards::board_members(board)).await
    }

    async fn structure_version(&self, board: BoardId) -> StoreResult<i64> {
        self.read(boards::structure_version(board)).await
    }

    async fn columns(&self, board: BoardId) -> StoreResult<Vec<Column>> {
        self.read(boards::columns(board)).await
    }

    async fn past_links(&self, board: BoardId) -> StoreResult<Vec<(ColumnId, BoardId)>> {
        self.read(boards::past_links(board)).await
    }

    async fn relations_to(&self, board: BoardId) -> StoreResult<Vec<(BoardId, Column)>> {
        let found = self.read(boards::relations_to(board)).await?;
        Ok(found
            .into_iter()
            .filter(|(_, c)| c.settings.relation().is_some_and(|r| r.board_ids.contains(&board)))
            .collect())
    }

    async fn groups(&self, board: BoardId, viewer: Option<UserId>) -> StoreResult<Vec<Group>> {
        self.read(boards::groups(board, viewer)).await
    }

    async fn item(&self, id: ItemId) -> StoreResult<Option<Item>> {
        self.read(boards::item(id)).await
    }

    async fn item_board(&self, id: ItemId) -> StoreResult<Option<BoardId>> {
        self.read(boards::item_board(id)).await
    }

    async fn items(
        &self,
        board: BoardId,
        group: Option<GroupId>,
        after: Option<ItemCursor>,
        limit: usize,
    ) -> StoreResult<Vec<Item>> {
        self.read(boards::items(board, group, after, limit)).await
    }

    async fn all_items(&self, board: BoardId) -> StoreResult<Vec<Item>> {
        self.read(boards::all_items(board)).await
    }

    async fn subitems(&self, parent: ItemId) -> StoreResult<Vec<Item>> {
        self.read(boards::subitems(parent)).await
    }

    async fn subtree(&self, root: ItemId) -> StoreResult<Vec<Item>> {
        self.read(boards::subtree(root)).await
    }

    async fn archived_items(&self, board: BoardId, after: Option<ItemCursor>, limit: usize) -> StoreResult<Vec<Item>> {
        self.read(boards::archived_items(board, after, limit)).await
    }

    async fn update_counts(&self, board: BoardId) -> StoreResult<Vec<(ItemId, i64)>> {
        self.read(boards::update_counts(board)).await
    }

    async fn events_after(&self, board: BoardId, after: i64, limit: usize) -> StoreResult<Vec<BoardEvent>> {
        // Kept decoded since their commit, while the board is still there (its events go
        // with it when it is deleted) and they reach its last seq.
        if let Some(found) = self.tail.after(board, after, limit) {
            let last = self.read(boards::board_last_seq(board)).await?;
            if let Some(events) = self.tail.complete(board, found, after, limit, last) {
                metrics::counter!("store_event_reads_total", "from" => "tail").increment(1);
                return Ok(events);
            }
        }
        metrics::counter!("store_event_reads_total", "from" => "store").increment(1);
        self.read(boards::events_after(board, after, limit)).await
    }

    async fn seq_before(&self, board: BoardId, at: Millis) -> StoreResult<i64> {
        Ok(self.read(boards::seq_before(board, at)).await?.unwrap_or(0))
    }

    async fn events_before(
        &self,
        board: BoardId,
        item: Option<ItemId>,
        before: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<BoardEvent>> {
        self.read(boards::events_before(board, item, before, limit)).await
    }

    async fn updates(&self, item: ItemId) -> StoreResult<Vec<Update>> {
        self.read(boards::updates(item)).await
    }

    async fn update(&self, id: UpdateId) -> StoreResult<Option<Update>> {
        self.read(boards::update(id)).await
    }

    async fn views(&self, board: BoardId) -> StoreResult<Vec<View>> {
        self.read(boards::views(board)).await
    }

    async fn view(&self, id: ViewId) -> StoreResult<Option<View>> {
        self.read(boards::view(id)).await
    }

    async fn automations(&self, board: BoardId) -> StoreResult<Vec<Automation>> {
        self.read(automations::automations(board)).await
    }

    async fn automation(&self, id: AutomationId) -> StoreResult<Option<Automation>> {
        self.read(automations::automation_by_id(id)).await
    }

    async fn automation_runs(
        &self,
        of: RunsOf,
        before: Option<(i64, RunId)>,
        limit: usize,
    ) -> StoreResult<Vec<AutomationRun>> {
        self.read(automations::runs(of, before, limit)).await
    }

    async fn automation_run(&self, id: RunId) -> StoreResult<Option<AutomationRun>> {
        self.read(automations::run_by_id(id)).await
    }

    async fn scheduled_automations(&self) -> StoreResult<Vec<(Automation, i64)>> {
        self.read(automations::scheduled()).await
    }

    async fn links(&self, board: BoardId) -> StoreResult<Vec<sunday_types::links::BoardLink>> {
        self.read(sunday_store_sql::links::links(board)).await
    }

    async fn link(&self, id: sunday_types::LinkId) -> StoreResult<Option<sunday_types::links::BoardLink>> {
        self.read(sunday_store_sql::links::link_by_id(id)).await
    }

    async fn link_by_token(&self, token_hash: &str) -> StoreResult<Option<sunday_types::links::BoardLink>> {
        self.read(sunday_store_sql::links::link_by_token(token_hash)).await
    }

    async fn idempotency_record(&self, user: UserId, key: &str) -> StoreResult<Option<IdempotencyRecord>> {
        self.read(boards::idempotency_record(user, key)).await
    }

    async fn save_idempotent_response(
        &self,
        user: UserId,
        key: &str,
        response: &IdempotentResponse,
        now: Millis,
    ) -> StoreResult<()> {
        self.write(boards::save_idempotent_response(user, key, response, now)).await.map(drop)
    }

    async fn complete_idempotency_key(
        &self,
        user: UserId,
        key: &str,
        response: &IdempotentResponse,
    ) -> StoreResult<()> {
        self.write(boards::complete_idempotency_key(user, key, response)).await.map(drop)
    }

    async fn release_idempotency_key(&self, user: UserId, key: &str, request_hash: &str) -> StoreResult<()> {
        self.write(boards::release_idempotency_key(user, key, request_hash)).await.map(drop)
    }
}
