//! `mirror` and `rollup`: values computed by Sunday from the items linked through a board
//! relation column of the same item (`source: relation`, `relation_column_id`), or from the
//! item's subitems (`source: subitems`): one of their columns (`column_id`, `null` for their
//! names) shown or aggregated by `function` (a mirror shows by default, a rollup sums); never
//! written by clients. Their cells hold what the function makes (`MirrorFunction::value_type`),
//! so filters, sorts and exports treat them as text, number, date or timeline cells. The
//! computation is `crate::mirror`.

use std::str::FromStr;

use serde_json::{Map, Value};
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::column_settings::{ColumnSettings, MirrorFunction, MirrorSettings, MirrorSource};
use sunday_types::{ApiError, ColumnId};

use super::{computed_value, ColumnKind, ValueSource};
use crate::columns::settings::{allow_keys, settings_error};
use crate::columns::ValueContext;
use crate::filter::FieldKind;

/// A mirror (shows the values unless told otherwise) or a rollup (sums them unless told
/// otherwise): the same settings and computation.
pub struct Mirror {
    ty: ColumnType,
    title: &'static str,
    default: MirrorFunction,
}

pub const MIRROR: Mirror = Mirror { ty: ColumnType::Mirror, title: "Mirror", default: MirrorFunction::Show };
pub const ROLLUP: Mirror = Mirror { ty: ColumnType::Rollup, title: "Rollup", default: MirrorFunction::Sum };

impl ColumnKind for Mirror {
    fn column_type(&self) -> ColumnType {
        self.ty
    }

    fn title(&self) -> &'static str {
        self.title
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
        let ty = self.ty;
        // `broken` may come back from an earlier read: saving the settings again mends it.
        allow_keys(ty, given, &["source", "relation_column_id", "column_id", "function", "broken"], "settings")?;
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
        let source = match given.get("source") {
            None | Some(Value::Null) => MirrorSource::Relation,
            Some(v) => serde_json::from_value(v.clone())
                .map_err(|_| settings_error(ty, "invalid_source", "`source` is `relation` or `subitems`".into()))?,
        };
        let relation_column_id = column("relation_column_id")?;
        match (source, relation_column_id) {
            (MirrorSource::Relation, None) => {
                return Err(settings_error(
                    ty,
                    "required",
                    "`relation_column_id` must name a board relation column of this board (or `source` be \
                     `subitems`)"
                        .into(),
                ))
            }
            (MirrorSource::Subitems, Some(_)) => {
                return Err(settings_error(
                    ty,
                    "subitems_need_no_relation",
                    "a rollup of subitems reads no relation column: leave `relation_column_id` out".into(),
                ))
            }
            _ => {}
        }
        let function = match given.get("function") {
            None | Some(Value::Null) => self.default,
            Some(v) => serde_json::from_value(v.clone()).map_err(|_| {
                settings_error(
                    ty,
                    "invalid_function",
                    "`function` is one of show, count, sum, average, min, max, earliest, latest, span, \
                     count_by_label, percent_done"
                        .into(),
                )
            })?,
        };
        Ok(ColumnSettings::Mirror(MirrorSettings {
            source,
            relation_column_id,
            column_id: column("column_id")?,
            function,
            broken: None,
        }))
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
