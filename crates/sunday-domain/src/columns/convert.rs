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

use serde_json::Value;
use sunday_types::boards::{Column, ColumnType, Item};
use sunday_types::cells::CellValue;

use super::kinds::{is_written, kind_of};
use super::settings::choices;
use super::{normalize_value, ANY_USER, TAGS_MAX, TAG_MAX};

/// Converts `value`, a stored value of column `from`, into a canonical value of column `to`, or
/// `None` when it does not convert (the cell then becomes empty). `people` values are assumed
/// to be already checked against the organization.
pub fn convert_value(value: &CellValue, from: &Column, to: &Column) -> Option<CellValue> {
    if !is_written(to.column_type) {
        return None;
    }
    let target = kind_of(to.column_type);
    let candidate = if from.column_type == to.column_type {
        target.same_type(value, from, to)?
    } else {
        target.convert(value, from, to)?
    };
    normalize_value(to, &candidate, &ANY_USER).ok().flatten()
}

/// The cell as a person reads it: label and option names instead of ids, numbers with the
/// column's decimals (without the unit, so exports stay numeric), a timeline as
/// `"from - to"`, a checked checkbox as `"v"`, a link as its url, lists comma-separated. An
/// empty cell is `""`.
pub fn display_text(value: &CellValue, column: &Column) -> String {
    kind_of(column.column_type).display(value, column).unwrap_or_else(|| plain(value))
}

/// The text of `item`'s cell in `column` as a person reads it ([`display_text`]); system
/// columns read from the item itself (its number, id, creation and last change).
pub fn cell_text(item: &Item, column: &Column) -> String {
    let instant = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    match column.column_type {
        ColumnType::AutoNumber => item.auto_number.to_string(),
        ColumnType::ItemId => item.id.to_string(),
        ColumnType::CreationLog => instant(item.created_at),
        ColumnType::LastUpdated => instant(item.updated_at),
        _ => item.values.cell(column).map(|v| display_text(&v, column)).unwrap_or_default(),
    }
}

/// The id a label or option of `from` maps to in `to`: the one with its name, else the same
/// id when `to` still has it.
pub(crate) fn map_choice(id: &str, from: &Column, to: &Column) -> Option<String> {
    name_of(from, id)
        .and_then(|name| id_named(to, &name))
        .or_else(|| choices(to).into_iter().find(|c| c.id == id).map(|c| c.id))
}

pub(crate) fn parse_number(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// The name of the label or option `id` of `column`.
pub(crate) fn name_of(column: &Column, id: &str) -> Option<String> {
    choices(column).into_iter().find(|c| c.id == id).map(|c| c.name)
}

/// The id of the label or option of `column` named `name`, case-insensitively.
pub(crate) fn id_named(column: &Column, name: &str) -> Option<String> {
    let name = name.trim().to_lowercase();
    choices(column).into_iter().find(|c| c.name.to_lowercase() == name).map(|c| c.id)
}

/// The names that make valid tags, deduplicated case-insensitively, at most [`TAGS_MAX`].
pub(crate) fn tag_list(names: impl IntoIterator<Item = String>) -> Value {
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
pub(crate) fn one_line(s: &str) -> String {
    s.split(['\n', '\r']).map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

pub(crate) fn format_number(n: f64, decimals: usize) -> String {
    let s = format!("{n:.decimals$}");
    // "-0.00" reads as a negative amount; a value that rounds to zero is "0.00".
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_owned(),
        _ => s,
    }
}

pub(crate) fn join(parts: impl Iterator<Item = String>) -> String {
    parts.filter(|p| !p.is_empty()).collect::<Vec<_>>().join(", ")
}

/// A value rendered without its column's settings.
pub(crate) fn plain(value: &CellValue) -> String {
    match value {
        CellValue::Text(s)
        | CellValue::LongText(s)
        | CellValue::Status(s)
        | CellValue::Email(s)
        | CellValue::Phone(s) => s.clone(),
        CellValue::Number(n) => n.to_string(),
        CellValue::Rating(stars) => stars.to_string(),
        CellValue::Dropdown(items) | CellValue::Tags(items) => join(items.iter().cloned()),
        CellValue::People(users) => join(users.iter().map(|u| u.to_string())),
        CellValue::Items(items) => join(items.iter().map(|i| i.to_string())),
        CellValue::Files(files) => join(files.iter().map(|f| f.to_string())),
        CellValue::Date(d) => d.to_string(),
        CellValue::Timeline(from, to) => format!("{from} - {to}"),
        CellValue::Checked => "v".to_owned(),
        CellValue::Link(link) => link.url.clone(),
    }
}
