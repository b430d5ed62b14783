//! `formula`: values computed by Sunday from an expression over the item's other columns
//! (`crate::formula`); never written by clients. Its cells hold values of the result type the
//! expression has (a number, a text, a date or a checkbox), so filters, sorts and exports treat
//! them as cells of that type (`Column::value_type`).

use serde_json::{Map, Value};
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::column_settings::ColumnSettings;
use sunday_types::ApiError;

use super::{computed_value, ColumnKind, ValueSource};
use crate::columns::ValueContext;
use crate::filter::FieldKind;

pub struct Formula;

impl ColumnKind for Formula {
    fn column_type(&self) -> ColumnType {
        ColumnType::Formula
    }

    fn title(&self) -> &'static str {
        "Formula"
    }

    fn source(&self) -> ValueSource {
        ValueSource::Derived
    }

    /// The type-level answer (text); a saved formula's cells are filtered as its result type.
    fn field_kind(&self) -> FieldKind {
        FieldKind::Text
    }

    fn settings(&self, given: &Map<String, Value>) -> Result<ColumnSettings, ApiError> {
        crate::formula::settings(given)
    }

    fn expected(&self, _column: &Column) -> String {
        "no value: it is computed from its expression".into()
    }

    fn normalize(&self, column: &Column, _raw: &Value, _ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError> {
        computed_value(column)
    }

    fn convert(&self, _value: &CellValue, _from: &Column, _to: &Column) -> Option<Value> {
        None
    }

    fn same_type(&self, _value: &CellValue, _from: &Column, _to: &Column) -> Option<Value> {
        None
    }
}
