//! Sorting items: `parse_sort` reads the API's `[{"column", "dir"}]`, `compare` orders two
//! items by those keys. The order is total: ties on every key fall back to `position`, then to
//! the item id, both ascending whatever the keys' directions, so a page boundary is stable.
//!
//! Per key, an empty value sorts after every non-empty one in both directions. Text compares
//! Unicode-lower-cased (a link by its text, else its url); status by the label's place in the
//! column's settings (labels the settings no longer list after the known ones, by id);
//! dropdown by the first option's name, tags by the first tag, people by the first user id
//! (user names live outside the domain); dates by instant, a date-only value counting as its
//! midnight UTC; timelines by `from`, then `to`; checked checkboxes before unchecked ones;
//! `group` by group id (group order is the board's, applied by the caller when grouping).

use std::{borrow::Cow, cmp::Ordering};

use chrono::NaiveDateTime;
use serde_json::Value;
use sunday_types::boards::{Column, Item};
use sunday_types::ApiError;

use super::ast::Field;
use super::cell::{option_name, read, status_labels, Cell};
use super::parse::{resolve_field, rule_error};

/// How many sort keys a request may give.
pub const MAX_SORT_KEYS: usize = 5;

/// One sort key.
#[derive(Clone, Debug, PartialEq)]
pub struct SortKey {
    /// The field to order by.
    pub field: Field,
    /// Largest first (empty values still last).
    pub descending: bool,
}

/// Parses `[{"column": "<column id or pseudo-column>", "dir": "asc" | "desc"}]` (`dir`
/// defaults to `asc`). Errors are `validation_failed` on field `sort` with the rule
/// `invalid_shape`, `too_many_sort_keys`, `unknown_column` or `invalid_value` and the path
/// `[i]` of the offending key.
pub fn parse_sort(json: &Value, columns: &[Column]) -> Result<Vec<SortKey>, ApiError> {
    let Some(keys) = json.as_array() else {
        return Err(rule_error("sort", "invalid_shape", "", "`sort` must be an array of {column, dir}"));
    };
    if keys.len() > MAX_SORT_KEYS {
        return Err(rule_error(
            "sort",
            "too_many_sort_keys",
            "",
            format!("at most {MAX_SORT_KEYS} sort keys are allowed"),
        ));
    }
    keys.iter().enumerate().map(|(i, key)| parse_key(key, &format!("[{i}]"), columns)).collect()
}

fn parse_key(json: &Value, path: &str, columns: &[Column]) -> Result<SortKey, ApiError> {
    let shape =
        || rule_error("sort", "invalid_shape", path, "a sort key is {\"column\": string, \"dir\": \"asc\" | \"desc\"}");
    let obj = json.as_object().ok_or_else(shape)?;
    if obj.keys().any(|k| k != "column" && k != "dir") {
        return Err(shape());
    }
    let name = obj.get("column").and_then(Value::as_str).ok_or_else(shape)?;
    let field = resolve_field(name, columns)
        .ok_or_else(|| rule_error("sort", "unknown_column", path, format!("the board has no column `{name}`")))?;
    let descending = match obj.get("dir") {
        None | Some(Value::Null) => false,
        Some(Value::String(d)) if d == "asc" => false,
        Some(Value::String(d)) if d == "desc" => true,
        Some(_) => return Err(rule_error("sort", "invalid_value", path, "`dir` must be \"asc\" or \"desc\"")),
    };
    Ok(SortKey { field, descending })
}

/// Orders `a` and `b` by `keys`, then by position, then by id.
pub fn compare(a: &Item, b: &Item, keys: &[SortKey]) -> Ordering {
    keys.iter()
        .map(|key| {
            let prepared = key.prepare();
            let (x, y) = (read(&key.field, a), read(&key.field, b));
            prepared.compare(prepared.value(&x).as_ref(), prepared.value(&y).as_ref())
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
        .then_with(|| a.position.cmp(&b.position))
        .then_with(|| a.id.cmp(&b.id))
}

impl SortKey {
    /// The key prepared to order many items: a status column's label ranks looked up once.
    pub fn prepare(&self) -> PreparedSort<'_> {
        let labels = match &self.field {
            Field::Column(c) => status_labels(c),
            _ => Vec::new(),
        };
        PreparedSort { key: self, labels }
    }
}

/// A [`SortKey`] ready to turn cells into what they sort by ([`PreparedSort::value`]) and to
/// compare those ([`PreparedSort::compare`]); [`compare`] orders items with exactly these.
pub struct PreparedSort<'k> {
    key: &'k SortKey,
    labels: Vec<&'k str>,
}

impl PreparedSort<'_> {
    /// Orders two values of this key: an empty one (`None`) after every other, in both
    /// directions.
    pub fn compare(&self, a: Option<&SortValue<'_>>, b: Option<&SortValue<'_>>) -> Ordering {
        match (a, b) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) if self.key.descending => x.order(y).reverse(),
            (Some(x), Some(y)) => x.order(y),
        }
    }

    /// What `cell` (this key's field of one item) sorts by; `None` when empty. Borrows from
    /// the cell where it can, so the engine orders its decoded cells without copying them.
    pub fn value<'c>(&self, cell: &'c Cell) -> Option<SortValue<'c>> {
        let value = match cell {
            Cell::Empty | Cell::Checkbox(false) => return None,
            Cell::Checkbox(true) => SortValue::Number(0.0),
            // A link reads as [url, text] (empty parts dropped): the last part is its text if any.
            Cell::Texts(parts) => SortValue::Text(Cow::Owned(parts.last()?.to_lowercase())),
            Cell::LowerTexts(parts) => SortValue::Text(Cow::Borrowed(parts.last()?)),
            Cell::Number(n) => SortValue::Number(*n),
            Cell::Label(label) => {
                let rank = self.labels.iter().position(|l| *l == label).unwrap_or(self.labels.len());
                SortValue::Rank(rank, label)
            }
            Cell::Options(ids) => {
                let first = ids.first()?;
                let name = match &self.key.field {
                    Field::Column(c) => option_name(c, first),
                    _ => first,
                };
                SortValue::Text(Cow::Owned(name.to_lowercase()))
            }
            Cell::Tags(tags) => SortValue::Text(Cow::Borrowed(tags.first()?)),
            Cell::Users(users) => SortValue::Text(Cow::Owned(users.first()?.to_string())),
            Cell::Group(g) => SortValue::Text(Cow::Owned(g.to_string())),
            Cell::Item(i) => SortValue::Text(Cow::Owned(i.to_string())),
            Cell::Moment(m) => SortValue::Time(m.sort_key(), m.sort_key()),
            Cell::Span(from, to) => SortValue::Time(from.sort_key(), to.sort_key()),
        };
        Some(value)
    }
}

/// What one field of one item sorts by.
#[derive(Clone, Debug)]
pub enum SortValue<'c> {
    Text(Cow<'c, str>),
    Number(f64),
    /// A status: the label's index, then its id.
    Rank(usize, &'c str),
    /// A moment as `(t, t)`, a timeline as `(from, to)`.
    Time(NaiveDateTime, NaiveDateTime),
}

impl SortValue<'_> {
    fn variant(&self) -> u8 {
        match self {
            SortValue::Text(_) => 0,
            SortValue::Number(_) => 1,
            SortValue::Rank(..) => 2,
            SortValue::Time(..) => 3,
        }
    }

    fn order(&self, other: &SortValue<'_>) -> Ordering {
        match (self, other) {
            (SortValue::Text(x), SortValue::Text(y)) => x.cmp(y),
            (SortValue::Number(x), SortValue::Number(y)) => x.total_cmp(y),
            (SortValue::Rank(i, x), SortValue::Rank(j, y)) => i.cmp(j).then_with(|| x.cmp(y)),
            (SortValue::Time(f, t), SortValue::Time(g, u)) => f.cmp(g).then_with(|| t.cmp(u)),
            // One field always reads as one variant; this keeps the order total regardless.
            _ => self.variant().cmp(&other.variant()),
        }
    }
}
