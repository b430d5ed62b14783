//! Subitems: items of a hidden child board with its own columns, created with the first
//! subitem. The child board inherits the permissions of the board at the top. Subitems have
//! subitems of their own (on their board's subitem board), down to `boards.subitem_depth`
//! levels (5 by default).

use std::collections::HashMap;

use sunday_store::{BoardWrite, NewEvent, StoreError};
use sunday_types::events::*;
use sunday_types::{
    board_api::{CreateItemRequest, SubitemCount},
    boards::{Board, EncodedItem, Item},
    dto::Page,
    time::{now_millis, to_datetime},
    ApiError, BoardId, ErrorCode, ItemId,
};

use super::{items::item_not_found, templates, BoardService, MERGE_RETRIES};

/// The deepest subitem level any configuration allows.
pub const MAX_LEVELS: usize = 10;
use crate::Actor;

impl BoardService {
    /// Deletes for good, with its subitems (at every depth) and updates. Each subitem gets its
    /// own `item_deleted` event on its own board, in the same commit, so everything following
    /// those boards' logs (the engine, search, analytics, links) sees it go.
    pub async fn delete_item(&self, actor: &Actor, id: ItemId) -> Result<(), ApiError> {
        let item = self.store.item(id).await?.ok_or_else(item_not_found)?;
        let access = self.access_for_write(actor, item.board_id).await.map_err(|_| item_not_found())?;
        access.require_content()?;
        let deleted = |i: &Item| {
            let gone = ItemDeleted { item_id: i.id, name: i.name.clone(), moved_to: None };
            NewEvent::new(actor.user_id, BoardChange::ItemDeleted(gone))
        };
        for _ in 0..MERGE_RETRIES {
            let tree = self.store.subtree(id).await?;
            let write = BoardWrite::DeleteItem { id, subitems: tree.iter().map(|s| s.id).collect() };
            // The item's board first (its part holds the delete), then each subitem board.
            let mut parts = vec![(item.board_id, vec![write], vec![deleted(&item)])];
            for s in &tree {
                match parts.iter_mut().find(|(b, _, _)| *b == s.board_id) {
                    Some((_, _, events)) => events.push(deleted(s)),
                    None => parts.push((s.board_id, vec![], vec![deleted(s)])),
                }
            }
            match self.try_commit_parts(parts).await {
                Ok(_) => return Ok(()),
                // A subitem came or went since the tree was read: read it again.
                Err(StoreError::StructureChanged) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ApiError::unavailable("the item's subitems kept changing under this delete; retry"))
    }

    /// A parent's live subitems in display order, from the board engine's kept JSON (its
    /// subitem board caught up to the log position read here).
    pub async fn subitems(&self, actor: &Actor, parent: ItemId) -> Result<Vec<EncodedItem>, ApiError> {
        let not_found = || ApiError::of(ErrorCode::ItemNotFound);
        let item = self.store.item(parent).await?.ok_or_else(not_found)?;
        let access = self.access(actor, item.board_id).await.map_err(|_| not_found())?;
        let Some(sub) = access.board.subitem_board_id else { return Ok(vec![]) };
        let Some(sub_board) = self.store.board(sub).await? else { return Ok(vec![]) };
        let rows = self.engine.read(sub, sub_board.last_seq, |s| s.subitems_encoded(parent)).await?;
        let r = self.redaction_on_board(actor, &sub_board).await?;
        self.redact_encoded(&r, rows).await
    }

    /// How many live subitems each item of the board has (items without are left out), for
    /// the count on each row and the group footers: from the board engine's copy of the
    /// subitem board, caught up to its log position read here.
    pub async fn subitem_counts(&self, actor: &Actor, board: BoardId) -> Result<Page<SubitemCount>, ApiError> {
        let access = self.access(actor, board).await?;
        let Some(sub) = access.board.subitem_board_id else { return Ok(Page::whole(vec![])) };
        let Some(sub_board) = self.store.board(sub).await? else { return Ok(Page::whole(vec![])) };
        let counts = self
            .engine
            .read(sub, sub_board.last_seq, |s| {
                let mut counts: HashMap<ItemId, i64> = HashMap::new();
                for parent in s.items().iter().filter_map(|i| i.parent_item_id) {
                    *counts.entry(parent).or_default() += 1;
                }
                counts
            })
            .await?;
        let mut data: Vec<SubitemCount> =
            counts.into_iter().map(|(item_id, count)| SubitemCount { item_id, count }).collect();
        data.sort_by_key(|c| c.item_id);
        Ok(Page::whole(data))
    }

    pub async fn create_subitem(
        &self,
        actor: &Actor,
        parent: ItemId,
        mut req: CreateItemRequest,
    ) -> Result<Item, ApiError> {
        let item = self.store.item(parent).await?.ok_or_else(|| ApiError::of(ErrorCode::ItemNotFound))?;
        let depth = self.depth_of(item.board_id).await?;
        if depth + 1 > usize::from(self.subitem_depth) {
            return Err(ApiError::validation(
                "item_id",
                "max_depth",
                format!("subitems nest at most {} levels deep (boards.subitem_depth)", self.subitem_depth),
            ));
        }
        let access =
            self.access_for_write(actor, item.board_id).await.map_err(|_| ApiError::of(ErrorCode::ItemNotFound))?;
        access.require_content()?;
        let sub_board = match access.board.subitem_board_id {
            Some(b) => b,
            // Outside the request's idempotency claim: the key marks the subitem as made, not
            // the board that holds it.
            None => crate::idempotency::unclaimed(self.create_subitem_board(actor, &access.board)).await?,
        };
        let sub_access = self.access_for_write(actor, sub_board).await?;
        req.group_id = None;
        let mut built = self.create_checked(actor, &sub_access, vec![req], Some(parent), None).await?;
        built.pop().ok_or_else(|| ApiError::internal("no subitem built"))
    }

    /// How many subitem levels down `board` is: 0 for a board, 1 for its subitem board, …
    pub(super) async fn depth_of(&self, board: BoardId) -> Result<usize, ApiError> {
        let mut depth = 0;
        let mut at = self.store.board(board).await?.and_then(|b| b.parent_board_id);
        while let Some(up) = at {
            depth += 1;
            if depth > MAX_LEVELS {
                return Err(ApiError::internal("subitem boards nest deeper than any limit allows"));
            }
            at = self.store.board(up).await?.and_then(|b| b.parent_board_id);
        }
        Ok(depth)
    }

    /// Drops the board engine's copies of the subitem boards under `board` (they went with
    /// their deleted board).
    pub(super) async fn evict_subitem_boards(&self, board: &Board) -> Result<(), ApiError> {
        let mut at = board.subitem_board_id;
        let mut levels = 0;
        while let (Some(sub), true) = (at, levels <= MAX_LEVELS) {
            self.engine.evict(sub);
            at = self.store.board(sub).await?.and_then(|b| b.subitem_board_id);
            levels += 1;
        }
        Ok(())
    }

    pub(super) async fn create_subitem_board(&self, actor: &Actor, parent: &Board) -> Result<BoardId, ApiError> {
        let now = to_datetime(now_millis());
        let name = format!("Subitems of {}", parent.name).chars().take(200).collect();
        let sub = Board {
            description: String::new(),
            parent_board_id: Some(parent.id),
            ..super::lifecycle::board_like(parent, name, actor)
        };
        let (columns, groups, _) = templates::subitems().build(sub.id, actor.user_id, now)?;
        let mut linked = parent.clone();
        linked.subitem_board_id = Some(sub.id);
        let mut writes = super::lifecycle::creation_writes(&sub, None, &groups, &columns);
        writes.push(BoardWrite::UpdateBoard { board: linked, expected_version: parent.version });
        let event = NewEvent::new(
            actor.user_id,
            BoardChange::BoardUpdated(BoardUpdated { subitem_board_id: Some(sub.id), ..Default::default() }),
        );
        self.commit(parent.id, writes, vec![event]).await?;
        Ok(sub.id)
    }
}
