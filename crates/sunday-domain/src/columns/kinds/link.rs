//! `link`: `{"url": "http(s)://…", "text": "…" or null}`.

use serde_json::{json, Value};
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::{CellValue, LinkValue};
use sunday_types::ApiError;

use super::ColumnKind;
use crate::columns::values::{canonical_url, type_error};
use crate::columns::{value_error, ValueContext, LINK_TEXT_MAX, URL_MAX};
use crate::filter::FieldKind;

pub struct Link;

impl ColumnKind for Link {
    fn column_type(&self) -> ColumnType {
        ColumnType::Link
    }

    fn title(&self) -> &'static str {
        "Link"
    }

    fn field_kind(&self) -> FieldKind {
        FieldKind::Text
    }

    fn expected(&self, _column: &Column) -> String {
        "an object {\"url\": \"https://…\", \"text\": \"…\"}".into()
    }

    fn normalize(&self, column: &Column, raw: &Value, _ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError> {
        let obj = raw.as_object().ok_or_else(|| type_error(column))?;
        if obj.keys().any(|k| k != "url" && k != "text") {
            return Err(type_error(column));
        }
        let url = obj.get("url").and_then(Value::as_str).ok_or_else(|| type_error(column))?.trim();
        let url = canonical_url(url).ok_or_else(|| {
            value_error(
                column,
                "url",
                format!(
                    "column \"{}\" expects an http or https address with a host, at most {URL_MAX} characters",
                    column.title
                ),
            )
        })?;
        let text = match obj.get("text") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.trim()).filter(|s| !s.is_empty()),
            Some(_) => return Err(type_error(column)),
        };
        if let Some(text) = text {
            if text.chars().count() > LINK_TEXT_MAX || text.contains(['\n', '\r']) {
                return Err(value_error(
                    column,
                    "max_length",
                    format!(
                        "column \"{}\": a link's text is one line of at most {LINK_TEXT_MAX} characters",
                        column.title
                    ),
                ));
            }
        }
        Ok(Some(CellValue::Link(LinkValue { url, text: text.map(str::to_owned) })))
    }

    fn display(&self, value: &CellValue, _column: &Column) -> Option<String> {
        let CellValue::Link(link) = value else { return None };
        Some(link.url.clone())
    }

    fn read_text(&self, text: &str, _to: &Column) -> Option<Value> {
        Some(json!({ "url": text }))
    }
}
