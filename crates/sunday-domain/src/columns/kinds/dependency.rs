//! `dependency`: the items of the same board an item depends on (its predecessors), as
//! `{"item_ids": [...]}` (a bare array is accepted too), deduplicated. Settings: the date or timeline column the dependencies order
//! (`date_column_id`), how moving a predecessor moves its dependents (`mode`: `strict`,
//! `keep_gap` or `none`) and the days between a predecessor's end and a dependent's start
//! (`lag_days`). That the items exist on the board and form no cycle is checked with the board
//! (`crate::dependencies`); shifting dates is `crate::dependencies::shifts`.

use serde_json::{Map, Value};
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::column_settings::{ColumnSettings, DependencySettings, ShiftMode};
use sunday_types::ApiError;

use super::ColumnKind;
use crate::columns::settings::{allow_keys, bounded_integer, settings_error};
use crate::columns::ValueContext;
use crate::filter::FieldKind;

/// The most predecessors one item may have.
pub const PREDECESSORS_MAX: usize = 50;

pub struct Dependency;

impl ColumnKind for Dependency {
    fn column_type(&self) -> ColumnType {
        ColumnType::Dependency
    }

    fn title(&self) -> &'static str {
        "Dependency"
    }

    /// Filtered like a dropdown: by the ids it holds.
    fn field_kind(&self) -> FieldKind {
        FieldKind::Dropdown
    }

    fn settings(&self, given: &Map<String, Value>) -> Result<ColumnSettings, ApiError> {
        let ty = ColumnType::Dependency;
        allow_keys(ty, given, &["date_column_id", "mode", "lag_days"], "settings")?;
        let date_column_id = match given.get("date_column_id") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.parse().map_err(|_| {
                settings_error(ty, "type", "`date_column_id` must be the id of a date or timeline column".into())
            })?),
            Some(_) => return Err(settings_error(ty, "type", "`date_column_id` must be a column id or null".into())),
        };
        let mode = match given.get("mode") {
            None | Some(Value::Null) => ShiftMode::KeepGap,
            Some(v) => serde_json::from_value(v.clone())
                .map_err(|_| settings_error(ty, "invalid_mode", "`mode` is `strict`, `keep_gap` or `none`".into()))?,
        };
        let lag_days = bounded_integer(ty, given, "lag_days", 0, 365, 0)? as u16;
        Ok(ColumnSettings::Dependency(DependencySettings { date_column_id, mode, lag_days }))
    }

    fn expected(&self, _column: &Column) -> String {
        format!("{{\"item_ids\": [...]}} with at most {PREDECESSORS_MAX} ids of items of this board")
    }

    /// `{"item_ids": [...]}`, or the bare array.
    fn normalize(&self, column: &Column, raw: &Value, _ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError> {
        super::relation::item_ids(column, raw, PREDECESSORS_MAX)
    }

    fn convert(&self, _value: &CellValue, _from: &Column, _to: &Column) -> Option<Value> {
        None
    }
}
