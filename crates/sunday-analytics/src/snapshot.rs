//! A board's aggregates written down (postcard: compact, and ids as 16 bytes rather than
//! text), so a restart reads the snapshot and the events after it instead of the whole log.
//! A snapshot that does not read back is treated as missing: the board is rebuilt from its
//! event log.

use std::io::Write;

use hashbrown::HashMap;
use serde::{Deserialize, Serialize, Serializer};
use sunday_types::{boards::Column, BoardId, GroupId, ItemId, UserId};

use crate::facts::{BoardFacts, ColumnFacts, RowState, StatusFacts};

/// Bumped whenever the layout changes: an older snapshot is rebuilt rather than misread.
const FORMAT: u32 = 2;

#[derive(Deserialize)]
struct ColumnSnapshot {
    /// As JSON text: the column's settings are free-form.
    column: String,
    keys: Vec<String>,
    codes: Vec<u32>,
    status: Option<StatusFacts>,
}

#[derive(Deserialize)]
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

/// [`ColumnSnapshot`] written from the aggregates as they are (no copy of a board's columns of
/// rows: a 1,000,000-item board's snapshot was copied, then grown into one buffer, every
/// `snapshot_every`, a second of the server's CPU at once). Postcard writes a slice and an
/// iterator as it writes a `Vec`, so [`Snapshot`] reads it back.
#[derive(Serialize)]
struct ColumnView<'a> {
    column: String,
    #[serde(serialize_with = "keys")]
    keys: &'a ColumnFacts,
    codes: &'a [u32],
    status: Option<&'a StatusFacts>,
}

fn keys<S: Serializer>(c: &&ColumnFacts, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(c.entries.iter().map(|e| &e.key))
}

/// [`Snapshot`] as written, borrowing from the aggregates.
#[derive(Serialize)]
struct SnapshotView<'a> {
    format: u32,
    board: BoardId,
    seq: i64,
    columns: Vec<ColumnView<'a>>,
    ids: &'a [ItemId],
    state: &'a [RowState],
    groups: &'a [GroupId],
    created_at: &'a [i64],
    created_by: &'a [UserId],
    #[serde(serialize_with = "group_names")]
    group_names: &'a HashMap<GroupId, String>,
    reload_at: Option<i64>,
}

fn group_names<S: Serializer>(names: &&HashMap<GroupId, String>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(names.iter())
}

#[derive(Debug, thiserror::Error)]
#[error("analytics snapshot: {0}")]
pub struct SnapshotError(String);

impl BoardFacts {
    /// The board's aggregates as bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, SnapshotError> {
        self.write_to(Vec::new())
    }

    /// Writes the board's aggregates to `out` as they are serialized, and gives `out` back.
    pub fn write_to<W: Write>(&self, out: W) -> Result<W, SnapshotError> {
        let columns = self
            .columns
            .iter()
            .map(|c| {
                Ok(ColumnView {
                    column: serde_json::to_string(&c.column).map_err(|e| SnapshotError(e.to_string()))?,
                    keys: c,
                    codes: &c.codes,
                    status: c.status.as_ref(),
                })
            })
            .collect::<Result<_, SnapshotError>>()?;
        let snapshot = SnapshotView {
            format: FORMAT,
            board: self.board,
            seq: self.seq,
            columns,
            ids: &self.ids,
            state: &self.state,
            groups: &self.groups,
            created_at: &self.created_at,
            created_by: &self.created_by,
            group_names: &self.group_names,
            reload_at: self.reload_at,
        };
        postcard::to_io(&snapshot, out).map_err(|e| SnapshotError(e.to_string()))
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
