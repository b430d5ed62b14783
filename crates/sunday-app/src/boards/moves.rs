//! Moving an item to another board of the organization. The item keeps its id, name and
//! updates (its earlier events stay in the source board's log); it goes to the end of a
//! group there (the first by default) with a new number, and its cells follow into the columns of the same type and title (a status or
//! dropdown by label name); values the other board has no column for are left behind. Both
//! boards change in one transaction: the source's log says the item left (`item_deleted`
//! with `moved_to`), the target's that it arrived (`item_created` with `moved_from`).

use serde_json::{Map, Value};
use sunday_store::{BoardWrite, NewEvent, StoreError};
use sunday_types::{
    board_api::{CreateItemRequest, MoveToBoardRequest},
    boards::{Column, ColumnType, Item},
    cells::CellValue,
    events::{BoardChange, ItemCreated, ItemDeleted},
    time::{now_millis, to_datetime},
    ApiError, ErrorCode, ItemId,
};

use super::{BoardService, MERGE_RETRIES};
use crate::Actor;

/// The item's cells as raw values of `to`'s columns of the same type and title (a move, and
/// an automation's `create_item` with `copy_values`).
pub(crate) fn carried(item: &Item, from: &[Column], to: &[Column]) -> Map<String, Value> {
    let mut out = Map::new();
    for src in from {
        // Formulas are computed where the item lands; dependencies name items of its old board.
        if matches!(
            src.column_type,
            ColumnType::Formula
                | ColumnType::Dependency
                | ColumnType::BoardRelation
                | ColumnType::Mirror
                | ColumnType::Rollup
        ) {
            continue;
        }
        let Some(cell) = item.values.cell(src) else { continue };
        let Some(dst) = to
            .iter()
            .find(|c| c.column_type == src.column_type && c.title.trim().eq_ignore_ascii_case(src.title.trim()))
        else {
            continue;
        };
        let raw = match (&cell, src.column_type) {
            (CellValue::Status(id), ColumnType::Status) => {
                let name = src.settings.labels().iter().find(|l| l.id == *id).map(|l| l.name.clone());
                match name.and_then(|n| dst.settings.labels().iter().find(|l| l.name.eq_ignore_ascii_case(&n))) {
                    Some(l) => Value::String(l.id.clone()),
                    None => continue,
                }
            }
            (CellValue::Dropdown(ids), ColumnType::Dropdown) => {
                let names = ids.iter().filter_map(|id| src.settings.options().iter().find(|o| o.id == *id));
                let mapped: Vec<Value> = names
                    .filter_map(|o| dst.settings.options().iter().find(|d| d.name.eq_ignore_ascii_case(&o.name)))
                    .map(|d| Value::String(d.id.clone()))
                    .collect();
                Value::Array(mapped)
            }
            _ => cell.to_json(),
        };
        out.insert(dst.id.to_string(), raw);
    }
    out
}

impl BoardService {
    /// Moves a top-level item to `req.board_id`; needs `edit_content` on both boards.
    pub async fn move_to_board(&self, actor: &Actor, id: ItemId, req: MoveToBoardRequest) -> Result<Item, ApiError> {
        for _ in 0..MERGE_RETRIES {
            match self.try_move(actor, id, &req).await {
                Err(MoveError::Store(StoreError::StructureChanged | StoreError::VersionConflict(_))) => continue,
                Err(MoveError::Store(e)) => return Err(e.into()),
                Err(MoveError::Api(e)) => return Err(e),
                Ok(item) => return Ok(item),
            }
        }
        Err(ApiError::unavailable("the item or its boards kept changing under this move; retry"))
    }

    async fn try_move(&self, actor: &Actor, id: ItemId, req: &MoveToBoardRequest) -> Result<Item, MoveError> {
        let gone = || ApiError::of(ErrorCode::ItemNotFound);
        let item = self.store.item(id).await.map_err(MoveError::Store)?.ok_or_else(gone)?;
        let from = self.access_for_write(actor, item.board_id).await.map_err(|_| gone())?;
        from.require_content()?;
        if item.parent_item_id.is_some() {
            return Err(ApiError::validation("id", "subitem", "a subitem moves with its parent item").into());
        }
        if req.board_id == item.board_id {
            return Err(ApiError::validation("board_id", "same_board", "the item is on that board already").into());
        }
        let to = self.access_for_write(actor, req.board_id).await?;
        to.require_content()?;
        if to.board.org_id != from.board.org_id || to.board.parent_board_id.is_some() {
            return Err(ApiError::validation(
                "board_id",
                "other_board",
                "an item moves to a board of its organization",
            )
            .into());
        }
        let (source_columns, target_columns) = (
            self.store.columns(item.board_id).await.map_err(MoveError::Store)?,
            self.store.columns(req.board_id).await.map_err(MoveError::Store)?,
        );
        // A value the target column refuses (a person not on it, say) stays behind rather
        // than stopping the move.
        let mut values = Map::new();
        for (column, raw) in carried(&item, &source_columns, &target_columns) {
            let one: Map<String, Value> = [(column.clone(), raw.clone())].into_iter().collect();
            if self.normalize_values(&to.board, &target_columns, &one).await.is_ok() {
                values.insert(column, raw);
            }
        }
        let create =
            CreateItemRequest { name: item.name.clone(), group_id: req.group_id, values: Some(values), position: None };
        let (structure, mut built) = self.build_items_for(actor, &to, &[create], None).await?;
        let mut moved = built.pop().ok_or_else(|| ApiError::internal("no item built"))?;
        moved.id = item.id;
        moved.created_by = item.created_by;
        moved.created_at = item.created_at;
        moved.archived = item.archived;
        moved.version = item.version + 1;
        moved.updated_at = to_datetime(now_millis());
        let left =
            BoardChange::ItemDeleted(ItemDeleted { item_id: id, name: item.name.clone(), moved_to: Some(to.board.id) });
        let arrived = BoardChange::ItemCreated(ItemCreated {
            item: moved.clone(),
            imported: false,
            duplicated_from: None,
            moved_from: Some(item.board_id),
        });
        let writes = vec![
            BoardWrite::ExpectStructure { board: to.board.id, version: structure },
            BoardWrite::MoveItem { item: moved.clone(), expected_version: item.version },
        ];
        let parts = vec![
            (item.board_id, vec![], vec![NewEvent::new(actor.user_id, left)]),
            (to.board.id, writes, vec![NewEvent::new(actor.user_id, arrived)]),
        ];
        match self.try_commit_parts(parts).await {
            Ok(_) => Ok(moved),
            // The item gained subitems since it was read.
            Err(StoreError::Rejected(ErrorCode::ValidationFailed)) => Err(ApiError::validation(
                "id",
                "has_subitems",
                "an item with subitems cannot move to another board yet",
            )
            .into()),
            Err(e) => Err(MoveError::Store(e)),
        }
    }
}

/// A move's failure: the store's (some are retried) or the request's.
enum MoveError {
    Store(StoreError),
    Api(ApiError),
}

impl From<ApiError> for MoveError {
    fn from(e: ApiError) -> MoveError {
        MoveError::Api(e)
    }
}
