//! The system kinds: `auto_number` (the item's number on its board), `item_id`,
//! `creation_log` (who created the item and when) and `last_updated` (when it last changed
//! and by whom). Sunday keeps their values from the item itself; clients never write them.
//! They differ only in type, title and how filters see them, so one struct serves all four.

use serde_json::Value;
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::ApiError;

use super::{computed_value, ColumnKind, ValueSource};
use crate::columns::ValueContext;
use crate::filter::FieldKind;

pub struct SystemKind {
    pub ty: ColumnType,
    pub title: &'static str,
    pub field_kind: FieldKind,
}

pub const AUTO_NUMBER: SystemKind =
    SystemKind { ty: ColumnType::AutoNumber, title: "Item number", field_kind: FieldKind::Number };
pub const ITEM_ID: SystemKind = SystemKind { ty: ColumnType::ItemId, title: "Item ID", field_kind: FieldKind::ItemId };
pub const CREATION_LOG: SystemKind =
    SystemKind { ty: ColumnType::CreationLog, title: "Creation log", field_kind: FieldKind::Date };
pub const LAST_UPDATED: SystemKind =
    SystemKind { ty: ColumnType::LastUpdated, title: "Last updated", field_kind: FieldKind::Date };
/// A button: no value; a click is an event (`button_clicked`) that recipes answer.
pub const BUTTON: SystemKind = SystemKind { ty: ColumnType::Button, title: "Button", field_kind: FieldKind::Button };

impl ColumnKind for SystemKind {
    fn column_type(&self) -> ColumnType {
        self.ty
    }

    fn title(&self) -> &'static str {
        self.title
    }

    fn source(&self) -> ValueSource {
        ValueSource::System
    }

    fn field_kind(&self) -> FieldKind {
        self.field_kind
    }

    fn expected(&self, _column: &Column) -> String {
        "no value: it is computed".into()
    }

    fn normalize(&self, column: &Column, _raw: &Value, _ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError> {
        computed_value(column)
    }

    fn convert(&self, _value: &CellValue, _from: &Column, _to: &Column) -> Option<Value> {
        None
    }
}
