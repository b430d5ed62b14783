//! Cell values, typed: one [`CellValue`] variant per written column type, in canonical form.
//!
//! A value is parsed once at the edge (the column kinds in `sunday-domain` turn a client's JSON
//! into a `CellValue` or an error) and an item's cells ([`ItemValues`]) can only be set from
//! one, so nothing unchecked reaches the store. On the wire and in the store a cell is the
//! canonical JSON of its value (`to_json`), unchanged from before the values were typed; a
//! stored cell is read back with its column's type ([`CellValue::from_stored`]), because the
//! JSON alone does not say which type it is (a status id and a text are both strings).

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde::{Serialize, Serializer};
use serde_json::{json, Number, Value};

use crate::boards::ColumnType;
use crate::{FileId, ItemId, UserId};

mod values;
pub use values::ItemValues;

/// Numbers with a larger magnitude cannot all be represented exactly as `f64`.
const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0;

/// A point in time as people enter it: a calendar day, or an instant (UTC, to the second).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DateValue {
    Day(NaiveDate),
    At(DateTime<Utc>),
}

impl DateValue {
    /// Reads a canonical date (`YYYY-MM-DD` or an RFC 3339 date-time).
    pub fn parse(s: &str) -> Option<DateValue> {
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Some(DateValue::Day(d));
        }
        DateTime::parse_from_rfc3339(s).ok().map(|t| DateValue::At(t.to_utc()))
    }

    /// The calendar day in `tz`: a day is taken as is, an instant converted.
    pub fn local_day<Z: TimeZone>(self, tz: &Z) -> NaiveDate {
        match self {
            DateValue::Day(d) => d,
            DateValue::At(t) => t.with_timezone(tz).date_naive(),
        }
    }

    /// A zone-free ordering key: a day counts as its midnight UTC.
    pub fn sort_key(self) -> NaiveDateTime {
        match self {
            DateValue::Day(d) => d.and_time(NaiveTime::MIN),
            DateValue::At(t) => t.naive_utc(),
        }
    }
}

impl fmt::Display for DateValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateValue::Day(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            DateValue::At(t) => write!(f, "{}", t.format("%Y-%m-%dT%H:%M:%SZ")),
        }
    }
}

/// A link: an http(s) address and, when given, the text shown for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkValue {
    pub url: String,
    pub text: Option<String>,
}

/// One cell's value. Values that mean "nothing" (an empty text or list, an unchecked box,
/// zero stars) have no `CellValue`: the cell is absent.
#[derive(Clone, Debug, PartialEq)]
pub enum CellValue {
    Text(String),
    LongText(String),
    Number(f64),
    /// A status label's id.
    Status(String),
    /// Dropdown option ids, deduplicated, in the order chosen.
    Dropdown(Vec<String>),
    Date(DateValue),
    /// From and to, from not after to.
    Timeline(DateValue, DateValue),
    People(Vec<UserId>),
    /// A checked checkbox (unchecked is empty).
    Checked,
    /// Whole stars, at least 1.
    Rating(u8),
    Link(LinkValue),
    /// Lower-cased.
    Email(String),
    /// E.164: `+` and digits.
    Phone(String),
    Tags(Vec<String>),
    /// Items (a dependency's predecessors, a relation's linked items), deduplicated, in the
    /// order chosen; `{"item_ids": [...]}` on the wire.
    Items(Vec<ItemId>),
    /// Uploaded files, deduplicated, in the order chosen; `{"files": [{"file_id": …}]}` on the
    /// wire.
    Files(Vec<FileId>),
}

impl CellValue {
    /// The column type whose cells hold this value.
    pub fn column_type(&self) -> ColumnType {
        match self {
            CellValue::Text(_) => ColumnType::Text,
            CellValue::LongText(_) => ColumnType::LongText,
            CellValue::Number(_) => ColumnType::Number,
            CellValue::Status(_) => ColumnType::Status,
            CellValue::Dropdown(_) => ColumnType::Dropdown,
            CellValue::Date(_) => ColumnType::Date,
            CellValue::Timeline(..) => ColumnType::Timeline,
            CellValue::People(_) => ColumnType::People,
            CellValue::Checked => ColumnType::Checkbox,
            CellValue::Rating(_) => ColumnType::Rating,
            CellValue::Link(_) => ColumnType::Link,
            CellValue::Email(_) => ColumnType::Email,
            CellValue::Phone(_) => ColumnType::Phone,
            CellValue::Tags(_) => ColumnType::Tags,
            CellValue::Items(_) => ColumnType::Dependency,
            CellValue::Files(_) => ColumnType::File,
        }
    }

    /// The canonical JSON stored and sent for this value.
    pub fn to_json(&self) -> Value {
        let strings = |v: &[String]| Value::Array(v.iter().cloned().map(Value::String).collect());
        match self {
            CellValue::Text(s)
            | CellValue::LongText(s)
            | CellValue::Status(s)
            | CellValue::Email(s)
            | CellValue::Phone(s) => Value::String(s.clone()),
            CellValue::Number(n) => number_json(*n),
            CellValue::Dropdown(ids) | CellValue::Tags(ids) => strings(ids),
            CellValue::Date(d) => Value::String(d.to_string()),
            CellValue::Timeline(from, to) => json!({"from": from.to_string(), "to": to.to_string()}),
            CellValue::People(users) => Value::Array(users.iter().map(|u| Value::String(u.to_string())).collect()),
            CellValue::Items(items) => {
                json!({"item_ids": items.iter().map(|i| Value::String(i.to_string())).collect::<Vec<_>>()})
            }
            CellValue::Files(files) => files_json(files),
            CellValue::Checked => Value::Bool(true),
            CellValue::Rating(stars) => json!(stars),
            CellValue::Link(link) => json!({"url": link.url, "text": link.text}),
        }
    }

    /// Reads a stored cell of a column of type `ty`: `None` for no value, a system type, or a
    /// value without the type's shape (stored values are canonical, so that last case only
    /// guards against drift).
    pub fn from_stored(ty: ColumnType, value: &Value) -> Option<CellValue> {
        let text = || value.as_str().filter(|s| !s.is_empty()).map(str::to_owned);
        let list = || -> Option<Vec<String>> {
            let v: Vec<String> = value.as_array()?.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect();
            (!v.is_empty()).then_some(v)
        };
        let date = |v: Option<&Value>| v?.as_str().and_then(DateValue::parse);
        Some(match ty {
            ColumnType::Text => CellValue::Text(text()?),
            ColumnType::LongText => CellValue::LongText(text()?),
            ColumnType::Email => CellValue::Email(text()?),
            ColumnType::Phone => CellValue::Phone(text()?),
            ColumnType::Status => CellValue::Status(text()?),
            ColumnType::Number => CellValue::Number(value.as_f64().filter(|n| n.is_finite())?),
            ColumnType::Rating => {
                CellValue::Rating(value.as_u64().and_then(|n| u8::try_from(n).ok()).filter(|n| *n > 0)?)
            }
            ColumnType::Dropdown => CellValue::Dropdown(list()?),
            ColumnType::Tags => CellValue::Tags(list()?),
            ColumnType::People => {
                let users: Vec<UserId> = list()?.iter().filter_map(|s| s.parse().ok()).collect();
                CellValue::People(users).non_empty()?
            }
            ColumnType::Dependency | ColumnType::BoardRelation => {
                let ids = value.get("item_ids")?.as_array()?;
                let items: Vec<ItemId> = ids.iter().filter_map(|s| s.as_str()?.parse().ok()).collect();
                CellValue::Items(items).non_empty()?
            }
            ColumnType::File => CellValue::Files(file_ids(value)?).non_empty()?,
            ColumnType::Date => CellValue::Date(date(Some(value))?),
            ColumnType::Timeline => CellValue::Timeline(date(value.get("from"))?, date(value.get("to"))?),
            ColumnType::Checkbox => (value.as_bool() == Some(true)).then_some(CellValue::Checked)?,
            ColumnType::Link => CellValue::Link(LinkValue {
                url: value.get("url")?.as_str()?.to_owned(),
                text: value.get("text").and_then(Value::as_str).map(str::to_owned),
            }),
            ColumnType::AutoNumber
            | ColumnType::ItemId
            | ColumnType::CreationLog
            | ColumnType::LastUpdated
            | ColumnType::Button
            // A formula's and a mirror's cells are read with the type of what they compute
            // (`Column::value_type`).
            | ColumnType::Formula
            | ColumnType::Mirror
            | ColumnType::Rollup => return None,
        })
    }

    fn non_empty(self) -> Option<CellValue> {
        match &self {
            CellValue::People(v) if v.is_empty() => None,
            CellValue::Items(v) if v.is_empty() => None,
            CellValue::Files(v) if v.is_empty() => None,
            _ => Some(self),
        }
    }
}

impl Serialize for CellValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

/// A file cell's canonical JSON.
fn files_json(files: &[FileId]) -> Value {
    json!({"files": files.iter().map(|f| json!({"file_id": f.to_string()})).collect::<Vec<_>>()})
}

/// The file ids of a stored cell shaped like a file cell's (`{"files": [{"file_id"}]}`);
/// `None` for any other shape. The store reads every cell this way to keep which items hold
/// which files (no other type's value has a `files` key).
pub fn file_ids(value: &Value) -> Option<Vec<FileId>> {
    let files = value.as_object()?.get("files")?.as_array()?;
    Some(files.iter().filter_map(|f| f.get("file_id")?.as_str()?.parse().ok()).collect())
}

/// A finite number as stored: a JSON integer when whole and exactly representable, otherwise
/// a float (never rounded).
pub fn number_json(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < EXACT_INTEGER_LIMIT {
        return Value::Number(Number::from(n as i64));
    }
    Number::from_f64(n).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_reads_back_from_its_json() {
        let day = DateValue::parse("2026-12-03").unwrap();
        let at = DateValue::parse("2026-12-03T09:30:00Z").unwrap();
        let values = [
            CellValue::Text("a".into()),
            CellValue::LongText("a\nb".into()),
            CellValue::Number(3.0),
            CellValue::Number(-1.25),
            CellValue::Status("l1".into()),
            CellValue::Dropdown(vec!["o2".into(), "o1".into()]),
            CellValue::Date(day),
            CellValue::Date(at),
            CellValue::Timeline(day, at),
            CellValue::People(vec![UserId::new()]),
            CellValue::Checked,
            CellValue::Rating(4),
            CellValue::Link(LinkValue { url: "https://e.com".into(), text: None }),
            CellValue::Link(LinkValue { url: "https://e.com".into(), text: Some("E".into()) }),
            CellValue::Email("a@b.co".into()),
            CellValue::Phone("+3312345678".into()),
            CellValue::Tags(vec!["x".into()]),
        ];
        for v in values {
            let back = CellValue::from_stored(v.column_type(), &v.to_json());
            assert_eq!(back.as_ref(), Some(&v), "{v:?} as {}", v.to_json());
        }
    }

    #[test]
    fn whole_numbers_are_integers_and_others_floats() {
        assert_eq!(CellValue::Number(3.0).to_json(), json!(3));
        assert_eq!(CellValue::Number(2.5).to_json(), json!(2.5));
        assert_eq!(CellValue::Number(1e300).to_json(), json!(1e300));
    }

    #[test]
    fn empty_and_misshapen_stored_values_read_as_none() {
        assert_eq!(CellValue::from_stored(ColumnType::Text, &json!("")), None);
        assert_eq!(CellValue::from_stored(ColumnType::Tags, &json!([])), None);
        assert_eq!(CellValue::from_stored(ColumnType::Checkbox, &json!(false)), None);
        assert_eq!(CellValue::from_stored(ColumnType::Rating, &json!(0)), None);
        assert_eq!(CellValue::from_stored(ColumnType::Number, &json!("3")), None);
        assert_eq!(CellValue::from_stored(ColumnType::AutoNumber, &json!(3)), None);
        assert_eq!(CellValue::from_stored(ColumnType::People, &json!(["not-a-user"])), None);
    }
}
