//! `phone`: E.164, `+` then 7 to 15 digits.

use serde_json::Value;
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::ApiError;

use super::ColumnKind;
use crate::columns::values::{parse_phone, type_error};
use crate::columns::{value_error, ValueContext};
use crate::filter::FieldKind;

pub struct Phone;

impl ColumnKind for Phone {
    fn column_type(&self) -> ColumnType {
        ColumnType::Phone
    }

    fn title(&self) -> &'static str {
        "Phone"
    }

    fn field_kind(&self) -> FieldKind {
        FieldKind::Text
    }

    fn expected(&self, _column: &Column) -> String {
        "a phone number in international form, \"+\" then 7 to 15 digits".into()
    }

    fn normalize(&self, column: &Column, raw: &Value, _ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError> {
        let s = raw.as_str().ok_or_else(|| type_error(column))?;
        if s.trim().is_empty() {
            return Ok(None);
        }
        parse_phone(s).map(|p| Some(CellValue::Phone(p))).ok_or_else(|| {
            value_error(column, "phone", format!("column \"{}\" expects {}", column.title, self.expected(column)))
        })
    }

    fn read_text(&self, text: &str, _to: &Column) -> Option<Value> {
        Some(Value::String(text.to_owned()))
    }
}
