//! `tags`: up to [`TAGS_MAX`] one-line tags, deduplicated case-insensitively.

use std::collections::HashSet;

use serde_json::Value;
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::ApiError;

use super::{text_source, ColumnKind};
use crate::columns::convert::{name_of, tag_list};
use crate::columns::values::type_error;
use crate::columns::{value_error, ValueContext, TAGS_MAX, TAG_MAX};
use crate::filter::FieldKind;

pub struct Tags;

impl ColumnKind for Tags {
    fn column_type(&self) -> ColumnType {
        ColumnType::Tags
    }

    fn title(&self) -> &'static str {
        "Tags"
    }

    fn field_kind(&self) -> FieldKind {
        FieldKind::Tags
    }

    fn expected(&self, _column: &Column) -> String {
        format!("an array of at most {TAGS_MAX} tags of 1 to {TAG_MAX} characters")
    }

    fn normalize(&self, column: &Column, raw: &Value, _ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError> {
        let items = raw.as_array().ok_or_else(|| type_error(column))?;
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for item in items {
            let tag = item.as_str().ok_or_else(|| type_error(column))?.trim();
            if tag.is_empty() {
                return Err(value_error(
                    column,
                    "required",
                    format!("column \"{}\": tags must not be empty", column.title),
                ));
            }
            if tag.chars().count() > TAG_MAX || tag.chars().any(char::is_control) {
                return Err(value_error(
                    column,
                    "max_length",
                    format!("column \"{}\": a tag is one line of at most {TAG_MAX} characters", column.title),
                ));
            }
            if seen.insert(tag.to_lowercase()) {
                out.push(tag.to_owned());
            }
        }
        if out.len() > TAGS_MAX {
            return Err(value_error(
                column,
                "max_items",
                format!("column \"{}\" holds at most {TAGS_MAX} tags", column.title),
            ));
        }
        Ok((!out.is_empty()).then_some(CellValue::Tags(out)))
    }

    /// Comma-separated tags.
    fn read_text(&self, text: &str, _to: &Column) -> Option<Value> {
        Some(tag_list(text.split(',').map(str::to_owned)))
    }

    /// A status label or dropdown options become tags of their names.
    fn convert(&self, value: &CellValue, from: &Column, to: &Column) -> Option<Value> {
        match value {
            CellValue::Status(id) => Some(tag_list([name_of(from, id)?])),
            CellValue::Dropdown(ids) => Some(tag_list(ids.iter().filter_map(|id| name_of(from, id)))),
            _ => self.read_text(text_source(value)?, to),
        }
    }
}
