//! `number`: a finite number, stored as an integer when whole and exact; settings `unit` and
//! `decimals` (places shown; stored values are never rounded).

use serde_json::{Map, Value};
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::column_settings::{ColumnSettings, NumberSettings};
use sunday_types::ApiError;

use super::{text_source, ColumnKind};
use crate::columns::convert::{format_number, parse_number};
use crate::columns::settings::{
    allow_keys, bounded_integer, number_decimals, settings_error, DECIMALS_MAX, DEFAULT_DECIMALS, UNIT_MAX,
};
use crate::columns::values::{canonical_number, type_error};
use crate::columns::ValueContext;
use crate::filter::FieldKind;

pub struct Number;

impl ColumnKind for Number {
    fn column_type(&self) -> ColumnType {
        ColumnType::Number
    }

    fn title(&self) -> &'static str {
        "Numbers"
    }

    fn field_kind(&self) -> FieldKind {
        FieldKind::Number
    }

    fn settings(&self, given: &Map<String, Value>) -> Result<ColumnSettings, ApiError> {
        let ty = ColumnType::Number;
        allow_keys(ty, given, &["unit", "decimals"], "settings")?;
        let unit = match given.get("unit") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => {
                let s = s.trim();
                if s.chars().count() > UNIT_MAX {
                    return Err(settings_error(
                        ty,
                        "max_length",
                        format!("`unit` must be at most {UNIT_MAX} characters"),
                    ));
                }
                (!s.is_empty()).then(|| s.to_owned())
            }
            Some(_) => return Err(settings_error(ty, "type", "`unit` must be a string or null".into())),
        };
        let decimals = bounded_integer(ty, given, "decimals", 0, DECIMALS_MAX, DEFAULT_DECIMALS)?;
        Ok(ColumnSettings::Number(NumberSettings { unit, decimals: decimals as u8 }))
    }

    fn expected(&self, _column: &Column) -> String {
        "a number".into()
    }

    fn normalize(&self, column: &Column, raw: &Value, _ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError> {
        let n = raw.as_f64().filter(|n| n.is_finite()).ok_or_else(|| type_error(column))?;
        Ok(Some(CellValue::Number(n)))
    }

    fn display(&self, value: &CellValue, column: &Column) -> Option<String> {
        let CellValue::Number(n) = value else { return None };
        Some(format_number(*n, number_decimals(column)))
    }

    fn read_text(&self, text: &str, _to: &Column) -> Option<Value> {
        canonical_number(parse_number(text)?)
    }

    /// A rating keeps its stars.
    fn convert(&self, value: &CellValue, _from: &Column, to: &Column) -> Option<Value> {
        match value {
            CellValue::Rating(stars) => Some(Value::from(*stars)),
            _ => self.read_text(text_source(value)?, to),
        }
    }
}
