//! `status`: one label id; settings `labels` (default "Working on it", "Stuck", "Done").

use serde_json::{Map, Value};
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::column_settings::ColumnSettings;
use sunday_types::ApiError;

use super::{text_source, ColumnKind};
use crate::columns::convert::{id_named, map_choice, name_of};
use crate::columns::settings::{choice_settings, choices};
use crate::columns::values::type_error;
use crate::columns::{truncate_chars, value_error, ValueContext};
use crate::filter::FieldKind;

pub struct Status;

impl ColumnKind for Status {
    fn column_type(&self) -> ColumnType {
        ColumnType::Status
    }

    fn title(&self) -> &'static str {
        "Status"
    }

    fn field_kind(&self) -> FieldKind {
        FieldKind::Status
    }

    fn groupable(&self) -> bool {
        true
    }

    fn settings(&self, given: &Map<String, Value>) -> Result<ColumnSettings, ApiError> {
        choice_settings(ColumnType::Status, given)
    }

    fn expected(&self, _column: &Column) -> String {
        "the id of one of its labels (a string)".into()
    }

    fn normalize(&self, column: &Column, raw: &Value, _ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError> {
        let id = raw.as_str().ok_or_else(|| type_error(column))?;
        let labels = choices(column);
        if !labels.iter().any(|l| l.id == id) {
            let known: Vec<String> = labels.iter().map(|l| format!("{} ({})", l.id, l.name)).collect();
            return Err(value_error(
                column,
                "unknown_label",
                format!(
                    "column \"{}\" has no label with id \"{}\"; its labels are: {}",
                    column.title,
                    truncate_chars(id, 40),
                    known.join(", ")
                ),
            ));
        }
        Ok(Some(CellValue::Status(id.to_owned())))
    }

    fn display(&self, value: &CellValue, column: &Column) -> Option<String> {
        let CellValue::Status(id) = value else { return None };
        Some(name_of(column, id).unwrap_or_else(|| id.to_owned()))
    }

    /// A label named like the text, case-insensitively.
    fn read_text(&self, text: &str, to: &Column) -> Option<Value> {
        id_named(to, text).map(Value::String)
    }

    /// A dropdown keeps its first option that names a label.
    fn convert(&self, value: &CellValue, from: &Column, to: &Column) -> Option<Value> {
        match value {
            CellValue::Dropdown(ids) => {
                ids.iter().filter_map(|id| name_of(from, id)).find_map(|name| id_named(to, &name)).map(Value::String)
            }
            _ => self.read_text(text_source(value)?, to),
        }
    }

    /// Labels follow their name, then their id.
    fn same_type(&self, value: &CellValue, from: &Column, to: &Column) -> Option<Value> {
        let CellValue::Status(id) = value else { return None };
        map_choice(id, from, to).map(Value::String)
    }
}
