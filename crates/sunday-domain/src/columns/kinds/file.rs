//! `file`: files uploaded through `POST /api/v1/files`, `{"files": [{"file_id": "…"}]}` (a bare
//! array of ids or of `{"file_id"}` objects is accepted too), deduplicated in order. That the
//! files exist in the board's organization and the writer may attach them is checked by the
//! service (`sunday-app`'s `files`), which also serves them to whoever may read the board.

use std::collections::HashSet;
use std::str::FromStr;

use serde_json::Value;
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::{ApiError, FileId};

use super::ColumnKind;
use crate::columns::values::type_error;
use crate::columns::{truncate_chars, value_error, ValueContext};
use crate::filter::FieldKind;

/// The most files one cell may hold.
pub const FILES_MAX: usize = 50;

pub struct File;

impl ColumnKind for File {
    fn column_type(&self) -> ColumnType {
        ColumnType::File
    }

    fn title(&self) -> &'static str {
        "Files"
    }

    /// Filtered like a dropdown: by the file ids it holds, or whether it holds any.
    fn field_kind(&self) -> FieldKind {
        FieldKind::Dropdown
    }

    fn expected(&self, _column: &Column) -> String {
        format!("{{\"files\": [{{\"file_id\": \"…\"}}]}} with at most {FILES_MAX} uploaded files")
    }

    fn normalize(&self, column: &Column, raw: &Value, _ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError> {
        let list = match raw {
            Value::Object(o) if o.len() == 1 => o.get("files").and_then(Value::as_array),
            Value::Array(a) => Some(a),
            _ => None,
        }
        .ok_or_else(|| type_error(column))?;
        if list.len() > FILES_MAX {
            return Err(value_error(
                column,
                "max_files",
                format!("column \"{}\" holds at most {FILES_MAX} files", column.title),
            ));
        }
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for entry in list {
            let id = match entry {
                Value::String(s) => s.as_str(),
                Value::Object(o) if o.len() == 1 => {
                    o.get("file_id").and_then(Value::as_str).ok_or_else(|| type_error(column))?
                }
                _ => return Err(type_error(column)),
            };
            let file = FileId::from_str(id.trim()).map_err(|_| {
                value_error(
                    column,
                    "invalid_file",
                    format!("column \"{}\" expects file ids; \"{}\" is not one", column.title, truncate_chars(id, 40)),
                )
            })?;
            if seen.insert(file) {
                out.push(file);
            }
        }
        Ok((!out.is_empty()).then_some(CellValue::Files(out)))
    }

    /// How many files, since names live with the files, not in the cell.
    fn display(&self, value: &CellValue, _column: &Column) -> Option<String> {
        let CellValue::Files(files) = value else { return None };
        Some(files.iter().map(FileId::to_string).collect::<Vec<_>>().join(", "))
    }

    /// Files move only between file columns (kept as is); nothing converts into them.
    fn convert(&self, _value: &CellValue, _from: &Column, _to: &Column) -> Option<Value> {
        None
    }
}
