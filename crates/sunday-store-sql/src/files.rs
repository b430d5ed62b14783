//! Uploaded files and which items hold them.
//!
//! `file_refs` is kept by the board write path itself ([`item_refs`], [`update_refs`],
//! called for every item and update write of a commit), so it always says, in the same
//! transaction as the change, which items hold a file: a file cell's JSON is recognised by its
//! shape (`ItemValues::files`; no other type's value has a `files` key), so no
//! column lookup is needed. Rows of a deleted item go with it (foreign key). A cell's rows
//! carry `cell:<column id>`, an update's `update:<update id>`.

use std::collections::BTreeSet;

use sunday_store::{FileRecord, StoreResult};
use sunday_types::{boards::Item, boards::Update, time::Millis, BoardId, FileId, UpdateId};

use crate::{args, stmt, Exec, Plan, Query, SqlRow, Step, Stmt, Value};

macro_rules! file_cols {
    () => {
        "f.id, f.org_id, f.name, f.size, f.content_type, f.sha256, f.object_key, f.created_by, f.created_at"
    };
}

fn file(r: &dyn SqlRow) -> StoreResult<FileRecord> {
    Ok(FileRecord {
        id: r.id(0)?,
        org_id: r.id(1)?,
        name: r.string(2)?,
        size: r.int(3)?,
        content_type: r.string(4)?,
        sha256: r.string(5)?,
        object_key: r.string(6)?,
        created_by: r.id(7)?,
        created_at: r.time(8)?,
    })
}

static FILE: Stmt = stmt!("SELECT ", file_cols!(), " FROM files f WHERE f.id = $1");
static FILE_BOARDS: Stmt = stmt!(
    "SELECT DISTINCT i.board_id FROM file_refs r JOIN items i ON i.id = r.item_id WHERE r.file_id = $1
     ORDER BY i.board_id LIMIT 1000"
);
/// An upload names the object of an earlier upload of the same content in the organization
/// when there is one (the sweep deletes an object only once no row names it).
static INSERT_FILE: Stmt = stmt!(
    "INSERT INTO files (id, org_id, name, size, content_type, sha256, object_key, created_by, created_at)
     SELECT $1, $2, $3, $4, $5, $6,
       coalesce((SELECT object_key FROM files WHERE org_id = $2 AND sha256 = $6 AND size = $4 LIMIT 1), $7), $8, $9"
);
static UNREFERENCED: Stmt = stmt!(
    "SELECT f.id, f.object_key FROM files f WHERE f.created_at < $1
     AND NOT EXISTS (SELECT 1 FROM file_refs r WHERE r.file_id = f.id) ORDER BY f.created_at LIMIT $2"
);
/// Checked again as it deletes: a file attached since the look survives.
static DELETE_UNREFERENCED: Stmt =
    stmt!("DELETE FROM files WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM file_refs r WHERE r.file_id = files.id)");
static OBJECT_NAMED: Stmt = stmt!("SELECT count(*) FROM files WHERE object_key = $1");

pub fn file_by_id(id: FileId) -> Query<FileRecord, Option<FileRecord>> {
    Query::opt(&FILE, args![id], file)
}

pub fn file_boards(id: FileId) -> Query<BoardId, Vec<BoardId>> {
    Query::all(&FILE_BOARDS, args![id], |r| r.id(0))
}

pub fn insert_file(f: &FileRecord) -> Exec {
    Exec::new(
        &INSERT_FILE,
        args![
            f.id,
            f.org_id,
            f.name.clone(),
            f.size,
            f.content_type.clone(),
            f.sha256.clone(),
            f.object_key.clone(),
            f.created_by,
            f.created_at.timestamp_millis()
        ],
    )
}

/// Files uploaded before `before` that no item holds, oldest first.
pub fn unreferenced(before: Millis, limit: usize) -> Query<(FileId, String), Vec<(FileId, String)>> {
    Query::all(&UNREFERENCED, args![before, Value::limit(limit)], |r| Ok((r.id(0)?, r.string(1)?)))
}

/// Deletes the files if still unreferenced, in one transaction.
pub fn delete_unreferenced(ids: &[FileId]) -> Plan {
    let mut plan = Plan::new();
    for id in ids {
        plan.push(Step::new(&DELETE_UNREFERENCED, args![*id]));
    }
    plan
}

/// How many files name `key`.
pub fn object_named(key: &str) -> Query<i64, i64> {
    Query::one(&OBJECT_NAMED, args![key.to_owned()], |r| r.int(0))
}

static CLEAR_CELL_REFS: Stmt = stmt!("DELETE FROM file_refs WHERE item_id = $1 AND source LIKE 'cell:%'");
static INSERT_REF: Stmt = stmt!(
    "INSERT INTO file_refs (item_id, source, file_id) VALUES ($1, $2, $3) ON CONFLICT (item_id, source, file_id) DO NOTHING"
);
static CLEAR_UPDATE_REFS: Stmt = stmt!(
    "DELETE FROM file_refs WHERE item_id IN (SELECT item_id FROM item_updates WHERE id = $1)
     AND source IN (SELECT 'update:' || id FROM item_updates WHERE id = $1 OR parent_id = $1)"
);

/// The steps that make `file_refs` say which files `item`'s cells hold. A new item has no
/// rows to clear; an existing one's are replaced (the written item may have dropped files).
pub fn item_refs(plan: &mut Plan, item: &Item, new: bool) {
    if !new {
        plan.push(Step::new(&CLEAR_CELL_REFS, args![item.id]));
    }
    for (column, files) in item.values.files() {
        let source = format!("cell:{column}");
        for f in files.into_iter().collect::<BTreeSet<_>>() {
            plan.push(Step::new(&INSERT_REF, args![item.id, source.clone(), f]));
        }
    }
}

/// The rows of a new update's files.
pub fn update_refs(plan: &mut Plan, update: &Update) {
    let source = format!("update:{}", update.id);
    for f in update.files.iter().collect::<BTreeSet<_>>() {
        plan.push(Step::new(&INSERT_REF, args![update.item_id, source.clone(), *f]));
    }
}

/// Drops the rows of an update and its replies; run before the update is deleted.
pub fn clear_update_refs(plan: &mut Plan, update: UpdateId) {
    plan.push(Step::new(&CLEAR_UPDATE_REFS, args![update]));
}
