//! `checkbox`: `true`; unchecked is empty.

use serde_json::Value;
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::ApiError;

use super::ColumnKind;
use crate::columns::values::type_error;
use crate::columns::ValueContext;
use crate::filter::FieldKind;

pub struct Checkbox;

impl ColumnKind for Checkbox {
    fn column_type(&self) -> ColumnType {
        ColumnType::Checkbox
    }

    fn title(&self) -> &'static str {
        "Checkbox"
    }

    fn field_kind(&self) -> FieldKind {
        FieldKind::Checkbox
    }

    fn expected(&self, _column: &Column) -> String {
        "true or false".into()
    }

    fn normalize(&self, column: &Column, raw: &Value, _ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError> {
        match raw {
            Value::Bool(true) => Ok(Some(CellValue::Checked)),
            Value::Bool(false) => Ok(None),
            _ => Err(type_error(column)),
        }
    }

    /// `true`, `v`, `yes`, `1`, `x`, `✓` and `checked` check it.
    fn read_text(&self, text: &str, _to: &Column) -> Option<Value> {
        let checked = ["true", "v", "yes", "1", "x", "✓", "checked"].contains(&text.to_lowercase().as_str());
        checked.then_some(Value::Bool(true))
    }
}
