//! `email`: one address, lower-cased.

use serde_json::Value;
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::ApiError;

use super::ColumnKind;
use crate::accounts::Email;
use crate::columns::values::type_error;
use crate::columns::{value_error, ValueContext};
use crate::filter::FieldKind;

pub struct EmailKind;

impl ColumnKind for EmailKind {
    fn column_type(&self) -> ColumnType {
        ColumnType::Email
    }

    fn title(&self) -> &'static str {
        "Email"
    }

    fn field_kind(&self) -> FieldKind {
        FieldKind::Text
    }

    fn expected(&self, _column: &Column) -> String {
        "an email address".into()
    }

    fn normalize(&self, column: &Column, raw: &Value, _ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError> {
        let s = raw.as_str().ok_or_else(|| type_error(column))?;
        if s.trim().is_empty() {
            return Ok(None);
        }
        let email = Email::parse(s).map_err(|_| {
            value_error(
                column,
                "email",
                format!("column \"{}\" expects an email address like \"ada@example.com\"", column.title),
            )
        })?;
        Ok(Some(CellValue::Email(email.as_str().to_owned())))
    }

    fn read_text(&self, text: &str, _to: &Column) -> Option<Value> {
        Some(Value::String(text.to_owned()))
    }
}
