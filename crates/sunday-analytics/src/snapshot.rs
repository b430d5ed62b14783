//! A board's aggregates written down (postcard: compact, and ids as 16 bytes rather than
//! text), so a restart reads the snapshot and the events after it instead of the whole log.
//! A snapshot that does not read back is treated as missing: the board is rebuilt from its
//! event log.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sunday_types::{boards::Column, BoardId, GroupId, ItemId, UserId};

use crate::facts::{BoardFacts, ColumnFacts, RowState, StatusFacts};

/// Bumped whenever the layout changes: an older snapshot is rebuilt rather than misread.
const FORMAT: u32 = 2;

#[derive(Serialize, Deserialize)]
struct ColumnSnapshot {
    /// As JSON text: the column's settings are free-form.
    column: String,
    keys: Vec<String>,
    codes: Vec<u32>,
    status: Option<StatusFacts>,
}

#[derive(Serialize, Deserialize)]
struct Snapshot {
    format: u32,
    board: BoardId,
    seq: i64,
    columns: Vec<ColumnSnapshot>,
    ids: Vec<ItemId>,
    state: Vec<RowState>,
    groups: Vec<GroupId>,
    created_at: Vec<i64>,
    created_by: Vec<UserId>,
    group_names: Vec<(GroupId, String)>,
    reload_at: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
#[error("analytics snapshot: {0}")]
pub struct SnapshotError(String);

impl BoardFacts {
    /// The board's aggregates as bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, SnapshotError> {
        let columns = self
            .columns
            .iter()
            .map(|c| {
                Ok(ColumnSnapshot {
                    column: serde_json::to_string(&c.column).map_err(|e| SnapshotError(e.to_string()))?,
                    keys: c.entries.iter().map(|e| e.key.clone()).collect(),
                    codes: c.codes.clone(),
                    status: c.status.clone(),
                })
            })
            .collect::<Result<_, SnapshotError>>()?;
        let snapshot = Snapshot {
            format: FORMAT,
            board: self.board,
            seq: self.seq,
            columns,
            ids: self.ids.clone(),
            state: self.state.clone(),
            groups: self.groups.clone(),
            created_at: self.created_at.clone(),
            created_by: self.created_by.clone(),
            group_names: self.group_names.iter().map(|(g, n)| (*g, n.clone())).collect(),
            reload_at: self.reload_at,
        };
        postcard::to_stdvec(&snapshot).map_err(|e| SnapshotError(e.to_string()))
    }

    /// Reads back what [`BoardFacts::to_bytes`] wrote, checking that its parts agree.
    pub fn from_bytes(bytes: &[u8]) -> Result<BoardFacts, SnapshotError> {
        let s: Snapshot = postcard::from_bytes(bytes).map_err(|e| SnapshotError(e.to_string()))?;
        if s.format != FORMAT {
            return Err(SnapshotError(format!("format {} (this build writes {FORMAT})", s.format)));
        }
        let rows = s.ids.len();
        if [s.state.len(), s.groups.len(), s.created_at.len(), s.created_by.len()].iter().any(|n| *n != rows) {
            return Err(SnapshotError("row columns of different lengths".into()));
        }
        let mut facts = BoardFacts::new(s.board);
        facts.seq = s.seq;
        for c in s.columns {
            let column: Column = serde_json::from_str(&c.column).map_err(|e| SnapshotError(e.to_string()))?;
            let entries = c.keys.len() as u32;
            let status_ok = c.status.as_ref().is_none_or(|st| {
                st.since.len() == rows && st.transitions.iter().all(|t| (t.row as usize) < rows && t.code < entries)
            });
            if c.codes.len() != rows
                || c.codes.iter().any(|code| *code >= entries)
                || !status_ok
                || c.keys.first().is_none_or(|k| !k.is_empty())
            {
                return Err(SnapshotError(format!("column {} does not add up", column.id)));
            }
            facts.columns.push(ColumnFacts::restore(column, c.keys, c.codes, c.status));
        }
        facts.rows = s.ids.iter().enumerate().map(|(r, id)| (*id, r as u32)).collect::<HashMap<_, _>>();
        facts.ids = s.ids;
        facts.state = s.state;
        facts.groups = s.groups;
        facts.created_at = s.created_at;
        facts.created_by = s.created_by;
        facts.group_names = s.group_names.into_iter().collect();
        facts.reload_at = s.reload_at;
        Ok(facts)
    }
}
