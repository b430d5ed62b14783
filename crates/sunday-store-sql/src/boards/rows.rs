//! Board-side rows: the column lists every board query selects and their decoders.
//!
//! A column list is a macro so statements can splice it with `concat!` (and so be rendered at
//! compile time); its decoder reads the columns in the same order, starting at 0.

use serde_json::Value as Json;
use sunday_store::{IdempotencyRecord, IdempotentResponse, StoreError, StoreResult};
use sunday_types::{
    boards::{enum_parse, Board, BoardEvent, BoardPermission, Column, ColumnType, Group, Item, Update, View},
    cells::ItemValues,
    column_settings::ColumnSettings,
    events::BoardChange,
    ColumnId, UserId,
};

use crate::{row::corrupt, SqlRow};

/// Serialized for a version conflict: the client gets the current row.
fn conflict_json(v: &impl serde::Serialize) -> StoreResult<Json> {
    serde_json::to_value(v).map_err(StoreError::internal)
}

macro_rules! board_cols {
    () => {
        "b.id, b.org_id, b.workspace_id, b.name, b.description, b.kind, b.default_permission, b.version, \
         b.last_seq, b.created_by, b.created_at, b.updated_at, b.subitem_board_id, b.parent_board_id, \
         b.structure_version"
    };
}
pub(crate) use board_cols;
/// How many columns [`board_cols`] names (what a statement selects after them starts here).
pub const BOARD_COLS: usize = 15;

pub fn board(r: &dyn SqlRow) -> StoreResult<Board> {
    Ok(Board {
        id: r.id(0)?,
        org_id: r.id(1)?,
        workspace_id: r.id(2)?,
        name: r.string(3)?,
        description: r.string(4)?,
        kind: r.named(5, "board kind")?,
        default_permission: r.named(6, "permission")?,
        version: r.int(7)?,
        last_seq: r.int(8)?,
        created_by: r.id(9)?,
        created_at: r.time(10)?,
        updated_at: r.time(11)?,
        subitem_board_id: r.opt_id(12)?,
        parent_board_id: r.opt_id(13)?,
        permission: None,
        structure_version: r.int(14)?,
        columns: vec![],
        groups: vec![],
    })
}

pub fn board_json(r: &dyn SqlRow) -> StoreResult<Json> {
    conflict_json(&board(r)?)
}

macro_rules! column_cols {
    () => {
        "c.id, c.title, c.type, c.settings, c.position, c.width"
    };
}
pub(crate) use column_cols;

pub fn column(r: &dyn SqlRow) -> StoreResult<Column> {
    let column_type = ColumnType::parse(r.text(2)?).ok_or_else(|| corrupt(2, "column type"))?;
    Ok(Column {
        id: r.id(0)?,
        title: r.string(1)?,
        column_type,
        settings: ColumnSettings::decode(column_type, r.json(3)?).map_err(StoreError::internal)?,
        position: r.string(4)?,
        width: r.opt_int(5)?.map(|w| u32::try_from(w).map_err(|_| corrupt(5, "column width"))).transpose()?,
    })
}

/// Group columns, then whether the viewer collapsed it.
macro_rules! group_cols {
    () => {
        "g.id, g.title, g.color, g.position"
    };
}
pub(crate) use group_cols;

pub fn group(r: &dyn SqlRow) -> StoreResult<Group> {
    Ok(Group { id: r.id(0)?, title: r.string(1)?, color: r.string(2)?, position: r.string(3)?, collapsed: r.bool(4)? })
}

macro_rules! item_cols {
    () => {
        "i.id, i.board_id, i.group_id, i.parent_item_id, i.name, i.position, i.item_values, i.version, \
         i.auto_number, i.created_by, i.created_at, i.updated_at, i.archived_at, \
         (SELECT c.cells FROM item_computed c WHERE c.item_id = i.id AND c.version = i.version)"
    };
}
pub(crate) use item_cols;

pub fn item(r: &dyn SqlRow) -> StoreResult<Item> {
    let mut values: ItemValues = r.json_as(6, "item values")?;
    // The formula cells a background recompute kept for this version of the item.
    if let Some(cells) = r.opt_text(13)? {
        let cells: std::collections::BTreeMap<ColumnId, Json> =
            serde_json::from_str(cells).map_err(|_| corrupt(13, "computed cells"))?;
        for (column, cell) in &cells {
            values.set_logged(*column, Some(cell));
        }
    }
    Ok(Item {
        id: r.id(0)?,
        board_id: r.id(1)?,
        group_id: r.id(2)?,
        parent_item_id: r.opt_id(3)?,
        name: r.string(4)?,
        position: r.string(5)?,
        values,
        version: r.int(7)?,
        auto_number: r.int(8)?,
        created_by: r.id(9)?,
        created_at: r.time(10)?,
        updated_at: r.time(11)?,
        archived: r.opt_int(12)?.is_some(),
    })
}

pub fn item_json(r: &dyn SqlRow) -> StoreResult<Json> {
    conflict_json(&item(r)?)
}

macro_rules! event_cols {
    () => {
        "e.board_id, e.seq, e.kind, e.actor, e.item_id, e.payload, e.created_at, e.cause"
    };
}
pub(crate) use event_cols;

pub fn event(r: &dyn SqlRow) -> StoreResult<BoardEvent> {
    Ok(BoardEvent {
        board_id: r.id(0)?,
        seq: r.int(1)?,
        change: BoardChange::from_stored(r.text(2)?, r.text(5)?).map_err(StoreError::internal)?,
        actor: r.id(3)?,
        item_id: r.opt_id(4)?,
        created_at: r.time(6)?,
        cause: r.opt_text(7)?.map(serde_json::from_str).transpose().map_err(StoreError::internal)?,
    })
}

macro_rules! view_cols {
    () => {
        "v.id, v.board_id, v.name, v.type, v.filter, v.sort, v.group_by, v.hidden_columns, v.settings, \
         v.version, v.created_by, v.created_at, v.updated_at"
    };
}
pub(crate) use view_cols;

pub fn view_json(r: &dyn SqlRow) -> StoreResult<Json> {
    conflict_json(&view(r)?)
}

pub fn view(r: &dyn SqlRow) -> StoreResult<View> {
    Ok(View {
        id: r.id(0)?,
        board_id: r.id(1)?,
        name: r.string(2)?,
        view_type: r.named(3, "view type")?,
        filter: r.opt_json(4)?,
        sort: r.opt_json(5)?,
        group_by: r.opt_string(6)?,
        hidden_columns: r.json_as(7, "hidden columns")?,
        settings: r.json(8)?,
        version: r.int(9)?,
        created_by: r.id(10)?,
        created_at: r.time(11)?,
        updated_at: r.time(12)?,
    })
}

macro_rules! update_cols {
    () => {
        "u.id, u.item_id, u.board_id, u.parent_id, u.author, u.body, u.mentions, u.created_at, u.edited_at, u.files"
    };
}
pub(crate) use update_cols;

pub fn update(r: &dyn SqlRow) -> StoreResult<Update> {
    Ok(Update {
        id: r.id(0)?,
        item_id: r.id(1)?,
        board_id: r.id(2)?,
        parent_id: r.opt_id(3)?,
        author: r.id(4)?,
        body: r.string(5)?,
        mentions: r.json_as(6, "mentions")?,
        created_at: r.time(7)?,
        edited_at: r.opt_time(8)?,
        files: r.json_as(9, "files")?,
        replies: vec![],
    })
}

/// `user_id, permission`: a member with a permission this version knows (else skipped).
pub fn board_member(r: &dyn SqlRow) -> StoreResult<Option<(UserId, BoardPermission)>> {
    match enum_parse(r.text(1)?) {
        Some(permission) => Ok(Some((r.id(0)?, permission))),
        None => Ok(None),
    }
}

/// `request_hash, status, response`.
pub fn idempotency_record(r: &dyn SqlRow) -> StoreResult<IdempotencyRecord> {
    let request_hash = r.string(0)?;
    Ok(match (r.opt_int(1)?, r.opt_string(2)?) {
        (Some(status), Some(body)) => IdempotencyRecord::Answered(IdempotentResponse {
            request_hash,
            status: u16::try_from(status).map_err(|_| corrupt(1, "idempotent response status"))?,
            body,
        }),
        _ => IdempotencyRecord::Reserved { request_hash },
    })
}
