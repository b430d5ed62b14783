//! `board_relation`: links to items of chosen boards (`board_ids`, same organization), as
//! `{"item_ids": [...]}` (a bare array is accepted too), deduplicated. Two-way relations name
//! the column of the linked board that shows the links back (`reverse_column_id`, set by
//! Sunday when the column is created; `two_way` in a create request asks for one). That the
//! linked items exist on those boards and the writer may see them is checked by the service
//! (`sunday-app`'s `boards::relations`), which also keeps the other side current.

use std::collections::HashSet;
use std::str::FromStr;

use serde_json::{Map, Value};
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::column_settings::{ColumnSettings, RelationSettings};
use sunday_types::{ApiError, BoardId, ColumnId, ItemId};

use super::ColumnKind;
use crate::columns::settings::{allow_keys, settings_error};
use crate::columns::values::type_error;
use crate::columns::{truncate_chars, value_error, ValueContext};
use crate::filter::FieldKind;

/// The most items one cell may link to.
pub const LINKS_MAX: usize = 200;

/// The most boards one relation column may link to.
pub const BOARDS_MAX: usize = 10;

pub struct Relation;

impl ColumnKind for Relation {
    fn column_type(&self) -> ColumnType {
        ColumnType::BoardRelation
    }

    fn title(&self) -> &'static str {
        "Connect boards"
    }

    /// Filtered like a dropdown: by the item ids it holds.
    fn field_kind(&self) -> FieldKind {
        FieldKind::Dropdown
    }

    fn settings(&self, given: &Map<String, Value>) -> Result<ColumnSettings, ApiError> {
        let ty = ColumnType::BoardRelation;
        allow_keys(ty, given, &["board_ids", "reverse_column_id", "two_way"], "settings")?;
        let invalid = || settings_error(ty, "type", "`board_ids` must be a list of board ids".into());
        let mut board_ids: Vec<BoardId> = Vec::new();
        match given.get("board_ids") {
            None | Some(Value::Null) => {}
            Some(Value::Array(ids)) => {
                for id in ids {
                    let id = id.as_str().and_then(|s| BoardId::from_str(s.trim()).ok()).ok_or_else(invalid)?;
                    if !board_ids.contains(&id) {
                        board_ids.push(id);
                    }
                }
            }
            Some(_) => return Err(invalid()),
        }
        if board_ids.len() > BOARDS_MAX {
            return Err(settings_error(ty, "max_boards", format!("a relation links to at most {BOARDS_MAX} boards")));
        }
        if !matches!(given.get("two_way"), None | Some(Value::Null | Value::Bool(_))) {
            return Err(settings_error(ty, "type", "`two_way` must be true or false".into()));
        }
        let reverse_column_id = match given.get("reverse_column_id") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                v.as_str()
                    .and_then(|s| ColumnId::from_str(s).ok())
                    .ok_or_else(|| settings_error(ty, "type", "`reverse_column_id` must be a column id".into()))?,
            ),
        };
        Ok(ColumnSettings::Relation(RelationSettings { board_ids, reverse_column_id }))
    }

    fn expected(&self, _column: &Column) -> String {
        format!("{{\"item_ids\": [...]}} with at most {LINKS_MAX} ids of items of the linked boards")
    }

    /// `{"item_ids": [...]}`, or the bare array.
    fn normalize(&self, column: &Column, raw: &Value, _ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError> {
        item_ids(column, raw, LINKS_MAX)
    }

    fn convert(&self, _value: &CellValue, _from: &Column, _to: &Column) -> Option<Value> {
        None
    }
}

/// Reads a list of item ids, `{"item_ids": [...]}` or a bare array, deduplicated in order; at
/// most `max`.
pub(super) fn item_ids(column: &Column, raw: &Value, max: usize) -> Result<Option<CellValue>, ApiError> {
    let ids = match raw {
        Value::Object(o) if o.len() == 1 => o.get("item_ids").and_then(Value::as_array),
        Value::Array(a) => Some(a),
        _ => None,
    }
    .ok_or_else(|| type_error(column))?;
    if ids.len() > max {
        return Err(value_error(column, "max_items", format!("column \"{}\" holds at most {max} items", column.title)));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for id in ids {
        let s = id.as_str().ok_or_else(|| type_error(column))?;
        let item = ItemId::from_str(s.trim()).map_err(|_| {
            value_error(
                column,
                "invalid_item",
                format!("column \"{}\" expects item ids; \"{}\" is not one", column.title, truncate_chars(s, 40)),
            )
        })?;
        if seen.insert(item) {
            out.push(item);
        }
    }
    Ok((!out.is_empty()).then_some(CellValue::Items(out)))
}
