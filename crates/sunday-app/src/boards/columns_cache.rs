//! A board's columns kept by structure version, so the calls made all day (a cell edit, a
//! query) read the version (one small row) instead of every column's settings.
//!
//! Always as fresh as reading the columns: the version is read first, and columns are kept
//! under the version read before them, so kept columns are never older than their version
//! says; a write that then requires that version (`ExpectStructure`) fails if the structure
//! moved on, and the caller checks again.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use sunday_domain::formula::BoardFormulas;
use sunday_store::{Store, StoreResult};
use sunday_types::{boards::Column, BoardId, ColumnId};

/// Boards kept at most; the map is emptied when it would grow past this.
const MAX_BOARDS: usize = 4096;

/// A board's columns and its formulas, compiled once per structure version, with the boards
/// its columns once showed cells of (`BoardStore::past_links`, recorded with structure changes).
#[derive(Debug, Default)]
pub struct BoardColumns {
    pub columns: Vec<Column>,
    pub formulas: BoardFormulas,
    pub past: Vec<(ColumnId, Vec<BoardId>)>,
}

impl BoardColumns {
    pub fn new(columns: Vec<Column>) -> BoardColumns {
        // Every structure change compiles the board's formulas before it commits, so stored
        // ones compile; should one not (an archive from elsewhere), its cells stay as they are.
        let formulas = BoardFormulas::compile(&columns, None).unwrap_or_else(|r| {
            tracing::warn!(column = %r.column.id, error = %r.error.message, "a stored formula does not compile");
            BoardFormulas::default()
        });
        BoardColumns { columns, formulas, past: vec![] }
    }

    /// With the past links read from the store, a pair per column and board.
    fn with_past(mut self, pairs: Vec<(ColumnId, BoardId)>) -> BoardColumns {
        for (column, board) in pairs {
            match self.past.iter_mut().find(|(c, _)| *c == column) {
                Some((_, boards)) => boards.push(board),
                None => self.past.push((column, vec![board])),
            }
        }
        self
    }
}

/// A board's structure version and its columns as of at least that version.
type Versioned = (i64, Arc<BoardColumns>);

#[derive(Default)]
pub struct ColumnsCache {
    boards: Mutex<HashMap<BoardId, Versioned>>,
}

impl ColumnsCache {
    /// The board's structure version and its columns as of at least that version.
    pub async fn get(&self, store: &dyn Store, board: BoardId) -> StoreResult<Versioned> {
        let version = store.structure_version(board).await?;
        self.get_at(store, board, version).await
    }

    /// [`ColumnsCache::get`] with the version already read (with the board's row,
    /// [`sunday_types::boards::Board::structure_version`]); columns kept under a later
    /// version are as good.
    pub async fn get_at(&self, store: &dyn Store, board: BoardId, version: i64) -> StoreResult<Versioned> {
        if let Some((v, columns)) = self.boards.lock().ok().and_then(|b| b.get(&board).cloned()) {
            if v >= version {
                return Ok((v, columns));
            }
        }
        let (columns, past) = (store.columns(board).await?, store.past_links(board).await?);
        let columns = Arc::new(BoardColumns::new(columns).with_past(past));
        if let Ok(mut boards) = self.boards.lock() {
            if boards.len() >= MAX_BOARDS {
                boards.clear();
            }
            boards.insert(board, (version, columns.clone()));
        }
        Ok((version, columns))
    }
}
