//! `long_text`: several lines (`\n` line ends), at most [`LONG_TEXT_MAX`] characters.

use serde_json::Value;
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::ApiError;

use super::ColumnKind;
use crate::columns::convert::display_text;
use crate::columns::values::{bounded, type_error};
use crate::columns::{truncate_chars, ValueContext, LONG_TEXT_MAX};
use crate::filter::FieldKind;

pub struct LongText;

impl ColumnKind for LongText {
    fn column_type(&self) -> ColumnType {
        ColumnType::LongText
    }

    fn title(&self) -> &'static str {
        "Long text"
    }

    fn field_kind(&self) -> FieldKind {
        FieldKind::Text
    }

    fn expected(&self, _column: &Column) -> String {
        "text".into()
    }

    fn normalize(&self, column: &Column, raw: &Value, _ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError> {
        let s = raw.as_str().ok_or_else(|| type_error(column))?;
        let s = if s.contains('\r') { s.replace("\r\n", "\n").replace('\r', "\n") } else { s.to_owned() };
        bounded(column, &s, LONG_TEXT_MAX)?;
        Ok((!s.trim().is_empty()).then_some(CellValue::LongText(s)))
    }

    /// Anything becomes its display text.
    fn convert(&self, value: &CellValue, from: &Column, _to: &Column) -> Option<Value> {
        Some(Value::String(truncate_chars(&display_text(value, from), LONG_TEXT_MAX).to_owned()))
    }
}
