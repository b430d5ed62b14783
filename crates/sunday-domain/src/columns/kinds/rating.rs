//! `rating`: whole stars from 1 to the column's `max` (1 to 10, default 5); 0 is empty.

use serde_json::{json, Map, Value};
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::column_settings::{ColumnSettings, RatingSettings};
use sunday_types::ApiError;

use super::{text_source, ColumnKind};
use crate::columns::convert::parse_number;
use crate::columns::settings::{allow_keys, bounded_integer, rating_max, DEFAULT_RATING_MAX, RATING_MAX};
use crate::columns::values::type_error;
use crate::columns::{value_error, ValueContext};
use crate::filter::FieldKind;

pub struct Rating;

impl ColumnKind for Rating {
    fn column_type(&self) -> ColumnType {
        ColumnType::Rating
    }

    fn title(&self) -> &'static str {
        "Rating"
    }

    fn field_kind(&self) -> FieldKind {
        FieldKind::Number
    }

    fn settings(&self, given: &Map<String, Value>) -> Result<ColumnSettings, ApiError> {
        allow_keys(ColumnType::Rating, given, &["max"], "settings")?;
        let max = bounded_integer(ColumnType::Rating, given, "max", 1, RATING_MAX, DEFAULT_RATING_MAX)?;
        Ok(ColumnSettings::Rating(RatingSettings { max: max as u8 }))
    }

    fn expected(&self, column: &Column) -> String {
        format!("a whole number from 0 to {}", rating_max(column))
    }

    fn normalize(&self, column: &Column, raw: &Value, _ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError> {
        let n = raw.as_f64().filter(|n| n.fract() == 0.0).ok_or_else(|| type_error(column))?;
        let max = rating_max(column);
        if n < 0.0 || n > max as f64 {
            return Err(value_error(
                column,
                "range",
                format!("column \"{}\" expects a whole number from 0 to {max}", column.title),
            ));
        }
        let stars = n as u64;
        Ok((stars > 0).then_some(CellValue::Rating(stars as u8)))
    }

    fn read_text(&self, text: &str, _to: &Column) -> Option<Value> {
        Some(json!(parse_number(text)?.round()))
    }

    /// A number rounds to stars (out of range converts to nothing).
    fn convert(&self, value: &CellValue, _from: &Column, to: &Column) -> Option<Value> {
        match value {
            CellValue::Number(n) => Some(json!(n.round())),
            _ => self.read_text(text_source(value)?, to),
        }
    }
}
