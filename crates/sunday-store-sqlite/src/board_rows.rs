//! Decoding board-side rows: boards, columns, groups, items, events, views, updates.

use rusqlite::Row;
use serde_json::Value;
use sunday_types::{
    boards::{enum_parse, Board, BoardEvent, Column, ColumnType, Group, Item, Update, View},
    column_settings::ColumnSettings,
    events::BoardChange,
    time::to_datetime,
};

use crate::rows::parse;

fn corrupt(idx: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, format!("invalid {what} in row").into())
}

pub fn json(row: &Row<'_>, idx: usize) -> rusqlite::Result<Value> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e)))
}

fn opt_json(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<Value>> {
    let text: Option<String> = row.get(idx)?;
    text.map(|t| {
        serde_json::from_str(&t)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e)))
    })
    .transpose()
}

fn named<T: serde::de::DeserializeOwned>(row: &Row<'_>, idx: usize, what: &str) -> rusqlite::Result<T> {
    let s: String = row.get(idx)?;
    enum_parse(&s).ok_or_else(|| corrupt(idx, what))
}

fn opt_id<T: std::str::FromStr>(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<T>>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let s: Option<String> = row.get(idx)?;
    s.map(|s| {
        s.parse::<T>()
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e)))
    })
    .transpose()
}

pub const BOARD_COLS: &str =
    "b.id, b.org_id, b.workspace_id, b.name, b.description, b.kind, b.default_permission, b.version, \
     b.last_seq, b.created_by, b.created_at, b.updated_at, b.subitem_board_id, b.parent_board_id";
pub fn board(row: &Row<'_>) -> rusqlite::Result<Board> {
    Ok(Board {
        id: parse(row, 0)?,
        org_id: parse(row, 1)?,
        workspace_id: parse(row, 2)?,
        name: row.get(3)?,
        description: row.get(4)?,
        kind: named(row, 5, "board kind")?,
        default_permission: named(row, 6, "permission")?,
        version: row.get(7)?,
        last_seq: row.get(8)?,
        created_by: parse(row, 9)?,
        created_at: to_datetime(row.get(10)?),
        updated_at: to_datetime(row.get(11)?),
        subitem_board_id: opt_id(row, 12)?,
        parent_board_id: opt_id(row, 13)?,
        permission: None,
        columns: vec![],
        groups: vec![],
    })
}

pub const COLUMN_COLS: &str = "c.id, c.title, c.type, c.settings, c.position, c.width";
pub fn column(row: &Row<'_>) -> rusqlite::Result<Column> {
    let ty: String = row.get(2)?;
    let column_type = ColumnType::parse(&ty).ok_or_else(|| corrupt(2, "column type"))?;
    Ok(Column {
        id: parse(row, 0)?,
        title: row.get(1)?,
        column_type,
        settings: ColumnSettings::decode(column_type, json(row, 3)?)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e)))?,
        position: row.get(4)?,
        width: row.get(5)?,
    })
}

pub const GROUP_COLS: &str = "g.id, g.title, g.color, g.position";
pub fn group(row: &Row<'_>) -> rusqlite::Result<Group> {
    Ok(Group { id: parse(row, 0)?, title: row.get(1)?, color: row.get(2)?, position: row.get(3)?, collapsed: false })
}

pub const ITEM_COLS: &str =
    "i.id, i.board_id, i.group_id, i.parent_item_id, i.name, i.position, i.item_values, i.version, \
     i.auto_number, i.created_by, i.created_at, i.updated_at, i.archived_at";
pub fn item(row: &Row<'_>) -> rusqlite::Result<Item> {
    let values = match json(row, 6)? {
        Value::Object(m) => m,
        _ => return Err(corrupt(6, "item values")),
    };
    let archived_at: Option<i64> = row.get(12)?;
    Ok(Item {
        id: parse(row, 0)?,
        board_id: parse(row, 1)?,
        group_id: parse(row, 2)?,
        parent_item_id: opt_id(row, 3)?,
        name: row.get(4)?,
        position: row.get(5)?,
        values,
        version: row.get(7)?,
        auto_number: row.get(8)?,
        created_by: parse(row, 9)?,
        created_at: to_datetime(row.get(10)?),
        updated_at: to_datetime(row.get(11)?),
        archived: archived_at.is_some(),
    })
}

pub const EVENT_COLS: &str = "e.board_id, e.seq, e.kind, e.actor, e.item_id, e.payload, e.created_at";
pub fn event(row: &Row<'_>) -> rusqlite::Result<BoardEvent> {
    Ok(BoardEvent {
        board_id: parse(row, 0)?,
        seq: row.get(1)?,
        change: {
            let kind: &str = row.get_ref(2)?.as_str()?;
            let payload: &str = row.get_ref(5)?.as_str()?;
            BoardChange::from_stored(kind, payload)
                .map_err(|e| rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e)))?
        },
        actor: parse(row, 3)?,
        item_id: opt_id(row, 4)?,
        created_at: to_datetime(row.get(6)?),
    })
}

pub const VIEW_COLS: &str =
    "v.id, v.board_id, v.name, v.type, v.filter, v.sort, v.group_by, v.hidden_columns, v.settings, \
     v.version, v.created_by, v.created_at, v.updated_at";
pub fn view(row: &Row<'_>) -> rusqlite::Result<View> {
    let hidden: Value = json(row, 7)?;
    Ok(View {
        id: parse(row, 0)?,
        board_id: parse(row, 1)?,
        name: row.get(2)?,
        view_type: named(row, 3, "view type")?,
        filter: opt_json(row, 4)?,
        sort: opt_json(row, 5)?,
        group_by: row.get(6)?,
        hidden_columns: serde_json::from_value(hidden).map_err(|_| corrupt(7, "hidden columns"))?,
        settings: json(row, 8)?,
        version: row.get(9)?,
        created_by: parse(row, 10)?,
        created_at: to_datetime(row.get(11)?),
        updated_at: to_datetime(row.get(12)?),
    })
}

pub const UPDATE_COLS: &str =
    "u.id, u.item_id, u.board_id, u.parent_id, u.author, u.body, u.mentions, u.created_at, u.edited_at";
pub fn update(row: &Row<'_>) -> rusqlite::Result<Update> {
    let mentions: Value = json(row, 6)?;
    let edited: Option<i64> = row.get(8)?;
    Ok(Update {
        id: parse(row, 0)?,
        item_id: parse(row, 1)?,
        board_id: parse(row, 2)?,
        parent_id: opt_id(row, 3)?,
        author: parse(row, 4)?,
        body: row.get(5)?,
        mentions: serde_json::from_value(mentions).map_err(|_| corrupt(6, "mentions"))?,
        created_at: to_datetime(row.get(7)?),
        edited_at: edited.map(to_datetime),
        replies: vec![],
    })
}
