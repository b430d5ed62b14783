//! `timeline`: `{"from": date, "to": date}` with `from` not after `to`.

use serde_json::{json, Value};
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::{CellValue, DateValue};
use sunday_types::ApiError;

use super::{text_source, ColumnKind};
use crate::columns::values::{date_bounds, date_error, parse_date, type_error};
use crate::columns::{value_error, ValueContext};
use crate::filter::FieldKind;

pub struct Timeline;

impl ColumnKind for Timeline {
    fn column_type(&self) -> ColumnType {
        ColumnType::Timeline
    }

    fn title(&self) -> &'static str {
        "Timeline"
    }

    fn field_kind(&self) -> FieldKind {
        FieldKind::Timeline
    }

    fn expected(&self, _column: &Column) -> String {
        "an object {\"from\": date, \"to\": date} with from not after to".into()
    }

    fn normalize(&self, column: &Column, raw: &Value, _ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError> {
        let obj = raw.as_object().ok_or_else(|| type_error(column))?;
        if obj.keys().any(|k| k != "from" && k != "to") {
            return Err(type_error(column));
        }
        let end = |key: &str| -> Result<String, ApiError> {
            let s = obj.get(key).and_then(Value::as_str).ok_or_else(|| type_error(column))?;
            parse_date(s).ok_or_else(|| date_error(column, s))
        };
        let (from, to) = (end("from")?, end("to")?);
        let in_order = match (date_bounds(&from), date_bounds(&to)) {
            (Some((start, _)), Some((_, end))) => start <= end,
            _ => false,
        };
        if !in_order {
            return Err(value_error(
                column,
                "range",
                format!("column \"{}\": the timeline's start ({from}) must not be after its end ({to})", column.title),
            ));
        }
        match (DateValue::parse(&from), DateValue::parse(&to)) {
            (Some(from), Some(to)) => Ok(Some(CellValue::Timeline(from, to))),
            _ => Err(type_error(column)),
        }
    }

    fn display(&self, value: &CellValue, _column: &Column) -> Option<String> {
        let CellValue::Timeline(from, to) = value else { return None };
        Some(format!("{from} - {to}"))
    }

    /// `"from - to"`, or one date spanning itself.
    fn read_text(&self, text: &str, _to: &Column) -> Option<Value> {
        let (from, until) = text.split_once(" - ").unwrap_or((text, text));
        Some(json!({"from": from.trim(), "to": until.trim()}))
    }

    /// A date spans itself.
    fn convert(&self, value: &CellValue, _from: &Column, to: &Column) -> Option<Value> {
        match value {
            CellValue::Date(d) => Some(json!({"from": d.to_string(), "to": d.to_string()})),
            _ => self.read_text(text_source(value)?, to),
        }
    }
}
