//! Reads for the followers of the event log (the search indexer, the notifier): what the board
//! engine and the columns cache already hold is not read from the store again on every pass.

use std::{collections::HashMap, sync::Arc};

use sunday_store::StoreResult;
use sunday_types::{boards::Item, BoardId, ItemId};

use super::{columns_cache::BoardColumns, BoardService};

impl BoardService {
    /// The board's columns as of at least structure `version` (read with the board's row).
    pub async fn columns_at(&self, board: BoardId, version: i64) -> StoreResult<Arc<BoardColumns>> {
        Ok(self.columns.get_at(self.store.as_ref(), board, version).await?.1)
    }

    /// The live items among `ids` of `board` as they are now (as of its `seq` at least), by id:
    /// from the board engine when this node holds the board, else from the store. An item that
    /// is archived, deleted or on another board now is absent.
    pub async fn live_items(&self, board: BoardId, seq: i64, ids: &[ItemId]) -> StoreResult<HashMap<ItemId, Item>> {
        let held = self
            .engine
            .read_loaded(board, seq, |s| ids.iter().filter_map(|id| Some((*id, s.item(*id)?.clone()))).collect())
            .await?;
        if let Some(found) = held {
            return Ok(found);
        }
        let mut found = HashMap::new();
        for id in ids {
            if let Some(item) = self.store.item(*id).await?.filter(|i| !i.archived && i.board_id == board) {
                found.insert(*id, item);
            }
        }
        Ok(found)
    }
}
