//! `mirror`: values computed by Sunday from the items linked through a board relation column
//! of the same item (`relation_column_id`): one of their columns (`column_id`, `null` for
//! their names) shown, or aggregated by `function` (a rollup); never written by clients. Its
//! cells hold what the function makes (`MirrorFunction::value_type`), so filters, sorts and
//! exports treat them as text, number or date cells. The computation is `crate::mirror`.

use std::str::FromStr;

use serde_json::{Map, Value};
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::column_settings::{ColumnSettings, MirrorFunction, MirrorSettings};
use sunday_types::{ApiError, ColumnId};

use super::{computed_value, ColumnKind, ValueSource};
use crate::columns::settings::{allow_keys, settings_error};
use crate::columns::ValueContext;
use crate::filter::FieldKind;

pub struct Mirror;

impl ColumnKind for Mirror {
    fn column_type(&self) -> ColumnType {
        ColumnType::Mirror
    }

    fn title(&self) -> &'static str {
        "Mirror"
    }

    fn source(&self) -> ValueSource {
        ValueSource::Derived
    }

    /// The type-level answer (text); a saved mirror's cells are filtered as what its function
    /// makes.
    fn field_kind(&self) -> FieldKind {
        FieldKind::Text
    }

    fn settings(&self, given: &Map<String, Value>) -> Result<ColumnSettings, ApiError> {
        let ty = ColumnType::Mirror;
        allow_keys(ty, given, &["relation_column_id", "column_id", "function"], "settings")?;
        let column = |key: &str| -> Result<Option<ColumnId>, ApiError> {
            match given.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v
                    .as_str()
                    .and_then(|s| ColumnId::from_str(s.trim()).ok())
                    .map(Some)
                    .ok_or_else(|| settings_error(ty, "type", format!("`{key}` must be a column id"))),
            }
        };
        let relation_column_id = column("relation_column_id")?.ok_or_else(|| {
            settings_error(
                ty,
                "required",
                "`relation_column_id` must name a board relation column of this board".into(),
            )
        })?;
        let function = match given.get("function") {
            None | Some(Value::Null) => MirrorFunction::Show,
            Some(v) => serde_json::from_value(v.clone()).map_err(|_| {
                settings_error(
                    ty,
                    "invalid_function",
                    "`function` is one of show, count, sum, average, min, max, earliest, latest, count_by_label, \
                     percent_done"
                        .into(),
                )
            })?,
        };
        Ok(ColumnSettings::Mirror(MirrorSettings { relation_column_id, column_id: column("column_id")?, function }))
    }

    fn expected(&self, _column: &Column) -> String {
        "no value: it is computed from the linked items".into()
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
