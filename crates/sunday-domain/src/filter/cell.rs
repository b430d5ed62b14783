//! Reading one field of one item in its kind's terms. Both the evaluator and the sort use this
//! single reader, so "empty" means the same everywhere: a missing value, `null`, an empty
//! string or list, an unchecked checkbox, or a value that does not have its type's shape
//! (stored values are normalized on write, so that last case only guards against drift).

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use serde_json::Value;
use sunday_types::boards::{Column, ColumnType, Item};
use sunday_types::{GroupId, ItemId, UserId};

use super::ast::Field;

/// A field's value for one item.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// No value.
    Empty,
    /// Text-like values, as stored (a link contributes its url and its text, when non-empty).
    Texts(Vec<String>),
    /// The same texts already lower-cased (how the board engine caches them), so matching
    /// does not lower-case them again for every query.
    LowerTexts(Vec<String>),
    /// A number.
    Number(f64),
    /// A status label id.
    Label(String),
    /// Dropdown option ids.
    Options(Vec<String>),
    /// Tags, lower-cased (they match case-insensitively).
    Tags(Vec<String>),
    /// People, or the creator.
    Users(Vec<UserId>),
    /// The item's group.
    Group(GroupId),
    /// The item's id.
    Item(ItemId),
    /// A date or an instant.
    Moment(Moment),
    /// A timeline, `from` then `to`.
    Span(Moment, Moment),
    /// A checkbox; unchecked counts as empty.
    Checkbox(bool),
}

impl Cell {
    /// The form the board engine caches: text lower-cased once.
    pub fn cached(self) -> Cell {
        match self {
            Cell::Texts(t) => Cell::LowerTexts(t.into_iter().map(|s| s.to_lowercase()).collect()),
            other => other,
        }
    }

    /// Whether the field has no value (an unchecked checkbox has none).
    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty | Cell::Checkbox(false))
    }
}

/// A point in time as stored: a calendar day (already local to the board's users) or an
/// instant in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moment {
    Day(NaiveDate),
    At(DateTime<Utc>),
}

impl Moment {
    /// The calendar day in `tz`: a day is taken as is, an instant converted.
    pub(crate) fn local_day(self, tz: Tz) -> NaiveDate {
        match self {
            Moment::Day(d) => d,
            Moment::At(t) => t.with_timezone(&tz).date_naive(),
        }
    }

    /// A zone-free ordering key: a day counts as its midnight UTC.
    pub(crate) fn sort_key(self) -> NaiveDateTime {
        match self {
            Moment::Day(d) => d.and_time(NaiveTime::MIN),
            Moment::At(t) => t.naive_utc(),
        }
    }

    /// Parses `"YYYY-MM-DD"` or an RFC 3339 timestamp.
    pub(crate) fn parse(s: &str) -> Option<Moment> {
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Some(Moment::Day(d));
        }
        DateTime::parse_from_rfc3339(s).ok().map(|t| Moment::At(t.to_utc()))
    }
}

/// Reads `field` of `item`.
/// The field's value for one item, decoded; the board engine keeps these per column so a
/// query does not decode stored JSON again for every item.
pub fn read(field: &Field, item: &Item) -> Cell {
    match field {
        Field::Name => text_cell(vec![item.name.clone()]),
        Field::Group => Cell::Group(item.group_id),
        Field::CreatedAt => Cell::Moment(Moment::At(item.created_at)),
        Field::UpdatedAt => Cell::Moment(Moment::At(item.updated_at)),
        Field::CreatedBy => Cell::Users(vec![item.created_by]),
        Field::Column(column) => read_column(column, item),
    }
}

fn read_column(column: &Column, item: &Item) -> Cell {
    let value = item.values.get(&column.id.to_string()).unwrap_or(&Value::Null);
    match column.column_type {
        ColumnType::AutoNumber => Cell::Number(item.auto_number as f64),
        ColumnType::ItemId => Cell::Item(item.id),
        ColumnType::CreationLog => Cell::Moment(Moment::At(item.created_at)),
        ColumnType::LastUpdated => Cell::Moment(Moment::At(item.updated_at)),
        ColumnType::Text | ColumnType::LongText | ColumnType::Email | ColumnType::Phone => {
            text_cell(value.as_str().map(str::to_owned).into_iter().collect())
        }
        ColumnType::Link => {
            let part = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_owned);
            text_cell(part("url").into_iter().chain(part("text")).collect())
        }
        ColumnType::Number | ColumnType::Rating => value.as_f64().map_or(Cell::Empty, Cell::Number),
        ColumnType::Status => match value.as_str() {
            Some(label) if !label.is_empty() => Cell::Label(label.to_owned()),
            _ => Cell::Empty,
        },
        ColumnType::Dropdown => non_empty(strings(value), Cell::Options),
        ColumnType::Tags => non_empty(strings(value).iter().map(|t| t.to_lowercase()).collect(), Cell::Tags),
        ColumnType::People => {
            non_empty(strings(value).iter().filter_map(|s| UserId::from_str(s).ok()).collect(), Cell::Users)
        }
        ColumnType::Date => value.as_str().and_then(Moment::parse).map_or(Cell::Empty, Cell::Moment),
        ColumnType::Timeline => {
            let end = |k: &str| value.get(k).and_then(Value::as_str).and_then(Moment::parse);
            match (end("from"), end("to")) {
                (Some(from), Some(to)) => Cell::Span(from, to),
                _ => Cell::Empty,
            }
        }
        ColumnType::Checkbox => Cell::Checkbox(value == &Value::Bool(true)),
    }
}

fn text_cell(parts: Vec<String>) -> Cell {
    non_empty(parts.into_iter().filter(|s| !s.is_empty()).collect(), Cell::Texts)
}

fn non_empty<T>(list: Vec<T>, cell: fn(Vec<T>) -> Cell) -> Cell {
    if list.is_empty() {
        Cell::Empty
    } else {
        cell(list)
    }
}

/// The non-empty strings of a JSON array; anything else reads as no strings.
fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The label ids of a status column, in display order.
pub(crate) fn status_labels(column: &Column) -> Vec<&str> {
    column.settings.labels().iter().map(|l| l.id.as_str()).collect()
}

/// The option ids of a dropdown column, in display order (random boards in tests use it).
#[cfg(any(test, feature = "testing"))]
pub(crate) fn option_ids(column: &Column) -> Vec<&str> {
    column.settings.options().iter().map(|o| o.id.as_str()).collect()
}

/// The display name of a dropdown option (its id when the settings do not name it).
pub(crate) fn option_name<'a>(column: &'a Column, id: &'a str) -> &'a str {
    column.settings.options().iter().find(|o| o.id == id).map_or(id, |o| o.name.as_str())
}
