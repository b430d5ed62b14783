//! `dropdown`: option ids, deduplicated; settings `options`.

use std::collections::HashSet;

use serde_json::{json, Map, Value};
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::column_settings::ColumnSettings;
use sunday_types::ApiError;

use super::{text_source, ColumnKind};
use crate::columns::convert::{id_named, join, map_choice, name_of};
use crate::columns::settings::{choice_settings, choices};
use crate::columns::values::type_error;
use crate::columns::{truncate_chars, value_error, ValueContext};
use crate::filter::FieldKind;

pub struct Dropdown;

impl ColumnKind for Dropdown {
    fn column_type(&self) -> ColumnType {
        ColumnType::Dropdown
    }

    fn title(&self) -> &'static str {
        "Dropdown"
    }

    fn field_kind(&self) -> FieldKind {
        FieldKind::Dropdown
    }

    fn groupable(&self) -> bool {
        true
    }

    fn settings(&self, given: &Map<String, Value>) -> Result<ColumnSettings, ApiError> {
        choice_settings(ColumnType::Dropdown, given)
    }

    fn expected(&self, _column: &Column) -> String {
        "an array of the ids of its options".into()
    }

    fn normalize(&self, column: &Column, raw: &Value, _ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError> {
        let items = raw.as_array().ok_or_else(|| type_error(column))?;
        let options = choices(column);
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for item in items {
            let id = item.as_str().ok_or_else(|| type_error(column))?;
            if !options.iter().any(|o| o.id == id) {
                return Err(value_error(
                    column,
                    "unknown_option",
                    format!(
                        "column \"{}\" expects {}; \"{}\" is not one",
                        column.title,
                        self.expected(column),
                        truncate_chars(id, 40)
                    ),
                ));
            }
            if seen.insert(id) {
                out.push(id.to_owned());
            }
        }
        Ok((!out.is_empty()).then_some(CellValue::Dropdown(out)))
    }

    fn display(&self, value: &CellValue, column: &Column) -> Option<String> {
        let CellValue::Dropdown(ids) = value else { return None };
        Some(join(ids.iter().map(|id| name_of(column, id).unwrap_or_else(|| id.to_owned()))))
    }

    /// Comma-separated option names.
    fn read_text(&self, text: &str, to: &Column) -> Option<Value> {
        Some(Value::Array(text.split(',').filter_map(|name| id_named(to, name.trim())).map(Value::String).collect()))
    }

    /// A status label or tags become the options named like them.
    fn convert(&self, value: &CellValue, from: &Column, to: &Column) -> Option<Value> {
        match value {
            CellValue::Status(id) => Some(json!([id_named(to, &name_of(from, id)?)?])),
            CellValue::Tags(tags) => {
                Some(Value::Array(tags.iter().filter_map(|t| id_named(to, t)).map(Value::String).collect()))
            }
            _ => self.read_text(text_source(value)?, to),
        }
    }

    /// Options follow their name, then their id.
    fn same_type(&self, value: &CellValue, from: &Column, to: &Column) -> Option<Value> {
        let CellValue::Dropdown(ids) = value else { return None };
        Some(Value::Array(ids.iter().filter_map(|id| map_choice(id, from, to)).map(Value::String).collect()))
    }
}
