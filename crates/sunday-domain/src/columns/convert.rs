//! Values as text, and values carried across a change of column type.
//!
//! [`display_text`] is the one human-readable rendering of a cell (text conversion, CSV export).
//! [`convert_value`] maps a stored value of one column to the value a column of another type
//! (or the same type with other settings) would hold, or to nothing when there is no sensible
//! mapping; every result is re-validated by [`normalize_value`], so it is always a canonical,
//! valid value of the target column.
//!
//! Conversions: anything → `text`/`long_text` (its display text, cut to the maximum length,
//! lines joined for `text`); `text` → number, rating, status and dropdown (by name,
//! case-insensitively; dropdown names comma-separated), date, timeline (`"from - to"` or one
//! date), email, phone, link, tags (comma-separated) and checkbox (`true`, `v`, `yes`, `1`,
//! `x`, `✓`, `checked`); number ↔ rating (rounded; out of range converts to nothing);
//! date ↔ timeline (a date spans itself; a timeline keeps its start); status ↔ dropdown, status
//! → tags, dropdown ↔ tags (by name). Same-type conversions match labels and options by name,
//! then by id. Text never converts to `people`: a name is not proof of membership.

use serde_json::{json, Value};
use sunday_types::boards::{Column, ColumnType};

use super::settings::{choices, number_decimals};
use super::values::canonical_number;
use super::{normalize_value, truncate_chars, ANY_USER, LONG_TEXT_MAX, TAGS_MAX, TAG_MAX, TEXT_MAX};

/// Converts `value`, a stored value of column `from`, into a canonical value of column `to`, or
/// `None` when it does not convert (the cell then becomes empty). `people` values are assumed
/// to be already checked against the organization.
pub fn convert_value(value: &Value, from: &Column, to: &Column) -> Option<Value> {
    if value.is_null() || to.column_type.is_read_only() {
        return None;
    }
    let candidate = candidate(value, from, to)?;
    normalize_value(to, &candidate, &ANY_USER).ok().flatten()
}

/// The cell as a person reads it: label and option names instead of ids, numbers with the
/// column's decimals (without the unit, so exports stay numeric), a timeline as
/// `"from - to"`, a checked checkbox as `"v"`, a link as its url, lists comma-separated. An
/// empty cell is `""`.
pub fn display_text(value: &Value, column: &Column) -> String {
    let typed = match column.column_type {
        ColumnType::Number => value.as_f64().map(|n| format_number(n, number_decimals(column))),
        ColumnType::Status => value.as_str().map(|id| name_of(column, id).unwrap_or_else(|| id.to_owned())),
        ColumnType::Dropdown => value.as_array().map(|ids| {
            let names = ids.iter().map(|v| match v.as_str() {
                Some(id) => name_of(column, id).unwrap_or_else(|| id.to_owned()),
                None => plain(v),
            });
            join(names)
        }),
        ColumnType::Timeline => {
            match (value.get("from").and_then(Value::as_str), value.get("to").and_then(Value::as_str)) {
                (Some(from), Some(to)) => Some(format!("{from} - {to}")),
                _ => None,
            }
        }
        ColumnType::Link => value.get("url").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    };
    typed.unwrap_or_else(|| plain(value))
}

/// The raw value for `to` before validation.
fn candidate(value: &Value, from: &Column, to: &Column) -> Option<Value> {
    use ColumnType as T;
    match (from.column_type, to.column_type) {
        (f, t) if f == t => same_type(value, from, to),
        (_, T::Text) => Some(Value::String(one_line(truncate_chars(&display_text(value, from), TEXT_MAX)))),
        (_, T::LongText) => Some(Value::String(truncate_chars(&display_text(value, from), LONG_TEXT_MAX).to_owned())),
        (T::Text | T::LongText, _) => from_text(value.as_str()?.trim(), to),
        (T::Number, T::Rating) => Some(json!(value.as_f64()?.round())),
        (T::Rating, T::Number) => Some(value.clone()),
        (T::Date, T::Timeline) => Some(json!({"from": value, "to": value})),
        (T::Timeline, T::Date) => value.get("from").cloned(),
        (T::Status, T::Dropdown) => Some(json!([id_named(to, &name_of(from, value.as_str()?)?)?])),
        (T::Dropdown, T::Status) => value
            .as_array()?
            .iter()
            .filter_map(|id| name_of(from, id.as_str()?))
            .find_map(|name| id_named(to, &name))
            .map(Value::String),
        (T::Status, T::Tags) => Some(tag_list([name_of(from, value.as_str()?)?])),
        (T::Dropdown, T::Tags) => Some(tag_list(value.as_array()?.iter().filter_map(|id| name_of(from, id.as_str()?)))),
        (T::Tags, T::Dropdown) => Some(Value::Array(
            value.as_array()?.iter().filter_map(|t| id_named(to, t.as_str()?)).map(Value::String).collect(),
        )),
        _ => None,
    }
}

/// Between columns of one type: labels and options follow their name, then their id; other
/// values are re-validated as they are (a lower rating maximum may drop them).
fn same_type(value: &Value, from: &Column, to: &Column) -> Option<Value> {
    let map = |id: &str| -> Option<String> {
        name_of(from, id)
            .and_then(|name| id_named(to, &name))
            .or_else(|| choices(to).into_iter().find(|c| c.id == id).map(|c| c.id))
    };
    match to.column_type {
        ColumnType::Status => map(value.as_str()?).map(Value::String),
        ColumnType::Dropdown => {
            Some(Value::Array(value.as_array()?.iter().filter_map(|id| map(id.as_str()?)).map(Value::String).collect()))
        }
        _ => Some(value.clone()),
    }
}

/// Reads trimmed text as a value of `to`.
fn from_text(s: &str, to: &Column) -> Option<Value> {
    match to.column_type {
        ColumnType::Number => canonical_number(parse_number(s)?),
        ColumnType::Rating => Some(json!(parse_number(s)?.round())),
        ColumnType::Status => id_named(to, s).map(Value::String),
        ColumnType::Dropdown => {
            Some(Value::Array(s.split(',').filter_map(|name| id_named(to, name.trim())).map(Value::String).collect()))
        }
        ColumnType::Date | ColumnType::Email | ColumnType::Phone => Some(Value::String(s.to_owned())),
        ColumnType::Timeline => {
            let (from, until) = s.split_once(" - ").unwrap_or((s, s));
            Some(json!({"from": from.trim(), "to": until.trim()}))
        }
        ColumnType::Link => Some(json!({ "url": s })),
        ColumnType::Tags => Some(tag_list(s.split(',').map(str::to_owned))),
        ColumnType::Checkbox => {
            let checked = ["true", "v", "yes", "1", "x", "✓", "checked"].contains(&s.to_lowercase().as_str());
            checked.then_some(Value::Bool(true))
        }
        _ => None,
    }
}

fn parse_number(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// The name of the label or option `id` of `column`.
fn name_of(column: &Column, id: &str) -> Option<String> {
    choices(column).into_iter().find(|c| c.id == id).map(|c| c.name)
}

/// The id of the label or option of `column` named `name`, case-insensitively.
fn id_named(column: &Column, name: &str) -> Option<String> {
    let name = name.trim().to_lowercase();
    choices(column).into_iter().find(|c| c.name.to_lowercase() == name).map(|c| c.id)
}

/// The names that make valid tags, deduplicated case-insensitively, at most [`TAGS_MAX`].
fn tag_list(names: impl IntoIterator<Item = String>) -> Value {
    let mut seen = std::collections::HashSet::new();
    let tags = names
        .into_iter()
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty() && n.chars().count() <= TAG_MAX && !n.chars().any(char::is_control))
        .filter(|n| seen.insert(n.to_lowercase()))
        .take(TAGS_MAX)
        .map(Value::String)
        .collect();
    Value::Array(tags)
}

/// Lines joined by single spaces.
fn one_line(s: &str) -> String {
    s.split(['\n', '\r']).map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

fn format_number(n: f64, decimals: usize) -> String {
    let s = format!("{n:.decimals$}");
    // "-0.00" reads as a negative amount; a value that rounds to zero is "0.00".
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_owned(),
        _ => s,
    }
}

fn join(parts: impl Iterator<Item = String>) -> String {
    parts.filter(|p| !p.is_empty()).collect::<Vec<_>>().join(", ")
}

/// A value rendered without knowing its column's meaning.
fn plain(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => if *b { "v" } else { "" }.to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => join(items.iter().map(plain)),
        Value::Object(_) => value.to_string(),
    }
}
