//! Decoding board-side rows: boards, columns, groups, items, events, views, updates.
//!
//! Encodings match the SQLite backend: ids as UUID text, timestamps as `BIGINT` milliseconds,
//! JSON documents as text, enums as their snake_case names.

use std::str::FromStr;

use serde_json::Value;
use sunday_store::{StoreError, StoreResult};
use sunday_types::{
    boards::{enum_parse, Board, BoardEvent, Column, ColumnType, Group, Item, Update, View},
    column_settings::ColumnSettings,
    events::BoardChange,
    time::to_datetime,
};
use tokio_postgres::Row;

use crate::rows::{get, parse};

fn corrupt(idx: usize, what: &str) -> StoreError {
    StoreError::internal(format!("invalid {what} in column {idx}"))
}

/// A JSON document stored as text.
fn json(row: &Row, idx: usize) -> StoreResult<Value> {
    serde_json::from_str(get::<&str>(row, idx)?).map_err(StoreError::internal)
}

fn opt_json(row: &Row, idx: usize) -> StoreResult<Option<Value>> {
    get::<Option<&str>>(row, idx)?.map(|t| serde_json::from_str(t).map_err(StoreError::internal)).transpose()
}

/// An enum stored as its snake_case name.
fn named<T: serde::de::DeserializeOwned>(row: &Row, idx: usize, what: &str) -> StoreResult<T> {
    enum_parse(get::<&str>(row, idx)?).ok_or_else(|| corrupt(idx, what))
}

fn opt_id<T: FromStr>(row: &Row, idx: usize) -> StoreResult<Option<T>>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    get::<Option<&str>>(row, idx)?.map(|s| s.parse::<T>().map_err(StoreError::internal)).transpose()
}

pub const BOARD_COLS: &str = "b.id, b.org_id, b.workspace_id, b.name, b.description, b.kind, b.default_permission, \
     b.version, b.last_seq, b.created_by, b.created_at, b.updated_at, b.subitem_board_id, b.parent_board_id";
pub fn board(row: &Row) -> StoreResult<Board> {
    Ok(Board {
        id: parse(row, 0)?,
        org_id: parse(row, 1)?,
        workspace_id: parse(row, 2)?,
        name: get(row, 3)?,
        description: get(row, 4)?,
        kind: named(row, 5, "board kind")?,
        default_permission: named(row, 6, "permission")?,
        version: get(row, 7)?,
        last_seq: get(row, 8)?,
        created_by: parse(row, 9)?,
        created_at: to_datetime(get(row, 10)?),
        updated_at: to_datetime(get(row, 11)?),
        subitem_board_id: opt_id(row, 12)?,
        parent_board_id: opt_id(row, 13)?,
        permission: None,
        columns: vec![],
        groups: vec![],
    })
}

pub const COLUMN_COLS: &str = "c.id, c.title, c.type, c.settings, c.position, c.width";
pub fn column(row: &Row) -> StoreResult<Column> {
    let width: Option<i64> = get(row, 5)?;
    let column_type = ColumnType::parse(get(row, 2)?).ok_or_else(|| corrupt(2, "column type"))?;
    Ok(Column {
        id: parse(row, 0)?,
        title: get(row, 1)?,
        column_type,
        settings: ColumnSettings::decode(column_type, json(row, 3)?).map_err(StoreError::internal)?,
        position: get(row, 4)?,
        width: width.map(|w| u32::try_from(w).map_err(|_| corrupt(5, "column width"))).transpose()?,
    })
}

pub const GROUP_COLS: &str = "g.id, g.title, g.color, g.position";
pub fn group(row: &Row) -> StoreResult<Group> {
    Ok(Group { id: parse(row, 0)?, title: get(row, 1)?, color: get(row, 2)?, position: get(row, 3)?, collapsed: false })
}

pub const ITEM_COLS: &str = "i.id, i.board_id, i.group_id, i.parent_item_id, i.name, i.position, i.item_values, \
     i.version, i.auto_number, i.created_by, i.created_at, i.updated_at, i.archived_at";
pub fn item(row: &Row) -> StoreResult<Item> {
    let Value::Object(values) = json(row, 6)? else { return Err(corrupt(6, "item values")) };
    let archived_at: Option<i64> = get(row, 12)?;
    Ok(Item {
        id: parse(row, 0)?,
        board_id: parse(row, 1)?,
        group_id: parse(row, 2)?,
        parent_item_id: opt_id(row, 3)?,
        name: get(row, 4)?,
        position: get(row, 5)?,
        values,
        version: get(row, 7)?,
        auto_number: get(row, 8)?,
        created_by: parse(row, 9)?,
        created_at: to_datetime(get(row, 10)?),
        updated_at: to_datetime(get(row, 11)?),
        archived: archived_at.is_some(),
    })
}

pub const EVENT_COLS: &str = "e.board_id, e.seq, e.kind, e.actor, e.item_id, e.payload, e.created_at";
pub fn event(row: &Row) -> StoreResult<BoardEvent> {
    Ok(BoardEvent {
        board_id: parse(row, 0)?,
        seq: get(row, 1)?,
        change: BoardChange::from_stored(get::<&str>(row, 2)?, get::<&str>(row, 5)?).map_err(StoreError::internal)?,
        actor: parse(row, 3)?,
        item_id: opt_id(row, 4)?,
        created_at: to_datetime(get(row, 6)?),
    })
}

pub const VIEW_COLS: &str = "v.id, v.board_id, v.name, v.type, v.filter, v.sort, v.group_by, v.hidden_columns, \
     v.settings, v.version, v.created_by, v.created_at, v.updated_at";
pub fn view(row: &Row) -> StoreResult<View> {
    Ok(View {
        id: parse(row, 0)?,
        board_id: parse(row, 1)?,
        name: get(row, 2)?,
        view_type: named(row, 3, "view type")?,
        filter: opt_json(row, 4)?,
        sort: opt_json(row, 5)?,
        group_by: get(row, 6)?,
        hidden_columns: serde_json::from_value(json(row, 7)?).map_err(|_| corrupt(7, "hidden columns"))?,
        settings: json(row, 8)?,
        version: get(row, 9)?,
        created_by: parse(row, 10)?,
        created_at: to_datetime(get(row, 11)?),
        updated_at: to_datetime(get(row, 12)?),
    })
}

pub const UPDATE_COLS: &str =
    "u.id, u.item_id, u.board_id, u.parent_id, u.author, u.body, u.mentions, u.created_at, u.edited_at";
pub fn update(row: &Row) -> StoreResult<Update> {
    let edited: Option<i64> = get(row, 8)?;
    Ok(Update {
        id: parse(row, 0)?,
        item_id: parse(row, 1)?,
        board_id: parse(row, 2)?,
        parent_id: opt_id(row, 3)?,
        author: parse(row, 4)?,
        body: get(row, 5)?,
        mentions: serde_json::from_value(json(row, 6)?).map_err(|_| corrupt(6, "mentions"))?,
        created_at: to_datetime(get(row, 7)?),
        edited_at: edited.map(to_datetime),
        replies: vec![],
    })
}
