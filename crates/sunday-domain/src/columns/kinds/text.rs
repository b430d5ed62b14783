//! `text`: one line, trimmed, at most [`TEXT_MAX`] characters.

use serde_json::Value;
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::ApiError;

use super::ColumnKind;
use crate::columns::convert::{display_text, one_line};
use crate::columns::values::{bounded, type_error};
use crate::columns::{truncate_chars, value_error, ValueContext, TEXT_MAX};
use crate::filter::FieldKind;

pub struct Text;

impl ColumnKind for Text {
    fn column_type(&self) -> ColumnType {
        ColumnType::Text
    }

    fn title(&self) -> &'static str {
        "Text"
    }

    fn field_kind(&self) -> FieldKind {
        FieldKind::Text
    }

    fn expected(&self, _column: &Column) -> String {
        "a single line of text".into()
    }

    fn normalize(&self, column: &Column, raw: &Value, _ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError> {
        let s = raw.as_str().ok_or_else(|| type_error(column))?.trim();
        if s.contains(['\n', '\r']) {
            return Err(value_error(
                column,
                "single_line",
                format!(
                    "column \"{}\" holds a single line of text; use a long text column for several lines",
                    column.title
                ),
            ));
        }
        bounded(column, s, TEXT_MAX)?;
        Ok((!s.is_empty()).then(|| CellValue::Text(s.to_owned())))
    }

    /// Anything becomes its display text, lines joined.
    fn convert(&self, value: &CellValue, from: &Column, _to: &Column) -> Option<Value> {
        Some(Value::String(one_line(truncate_chars(&display_text(value, from), TEXT_MAX))))
    }
}
