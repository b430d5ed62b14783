//! `date`: a day (`YYYY-MM-DD`) or a UTC instant (`YYYY-MM-DDTHH:MM:SSZ`).

use serde_json::Value;
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::{CellValue, DateValue};
use sunday_types::ApiError;

use super::{text_source, ColumnKind};
use crate::columns::values::{date_error, parse_date, type_error};
use crate::columns::ValueContext;
use crate::filter::FieldKind;

pub struct Date;

impl ColumnKind for Date {
    fn column_type(&self) -> ColumnType {
        ColumnType::Date
    }

    fn title(&self) -> &'static str {
        "Date"
    }

    fn field_kind(&self) -> FieldKind {
        FieldKind::Date
    }

    fn expected(&self, _column: &Column) -> String {
        "a date \"YYYY-MM-DD\" or an RFC 3339 date-time \"YYYY-MM-DDTHH:MM:SSZ\"".into()
    }

    fn normalize(&self, column: &Column, raw: &Value, _ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError> {
        let s = raw.as_str().ok_or_else(|| type_error(column))?;
        parse_date(s)
            .and_then(|d| DateValue::parse(&d))
            .map(|d| Some(CellValue::Date(d)))
            .ok_or_else(|| date_error(column, s))
    }

    fn read_text(&self, text: &str, _to: &Column) -> Option<Value> {
        Some(Value::String(text.to_owned()))
    }

    /// A timeline keeps its start.
    fn convert(&self, value: &CellValue, _from: &Column, to: &Column) -> Option<Value> {
        match value {
            CellValue::Timeline(from, _) => Some(Value::String(from.to_string())),
            _ => self.read_text(text_source(value)?, to),
        }
    }
}
