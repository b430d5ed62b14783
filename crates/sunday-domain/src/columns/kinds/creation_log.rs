//! `creation_log`: who created the item and when. A system column: Sunday keeps its values, clients never write them.

use serde_json::Value;
use sunday_types::boards::{Column, ColumnType};
use sunday_types::ApiError;

use super::{computed_value, ColumnKind, ValueSource};
use crate::columns::ValueContext;
use crate::filter::FieldKind;

pub struct CreationLog;

impl ColumnKind for CreationLog {
    fn column_type(&self) -> ColumnType {
        ColumnType::CreationLog
    }

    fn title(&self) -> &'static str {
        "Creation log"
    }

    fn source(&self) -> ValueSource {
        ValueSource::System
    }

    fn field_kind(&self) -> FieldKind {
        FieldKind::Date
    }

    fn expected(&self, _column: &Column) -> String {
        "no value: it is computed".into()
    }

    fn normalize(&self, column: &Column, _raw: &Value, _ctx: &ValueContext<'_>) -> Result<Option<Value>, ApiError> {
        computed_value(column)
    }

    fn convert(&self, _value: &Value, _from: &Column, _to: &Column) -> Option<Value> {
        None
    }
}
