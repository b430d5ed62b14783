//! Tests of the filter module: parsing rules, the evaluator per operator and type, relative
//! dates across week and time-zone boundaries, sorting, and property tests of the algebra.

mod dates;
mod eval;
mod parse;
mod props;
mod sort;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{json, Value};
use sunday_types::boards::{Column, ColumnType, Item};
use sunday_types::{GroupId, UserId};

use super::testing::{random_item, sample_columns, sample_now};
use super::{matches, parse_filter, EvalContext};

/// The sample board's column of type `t`.
fn col(t: ColumnType) -> Column {
    sample_columns().into_iter().find(|c| c.column_type == t).expect("sample_columns covers every type")
}

/// The id of the sample column of type `t`, as filters name it.
fn cid(t: ColumnType) -> String {
    col(t).id.to_string()
}

fn users() -> Vec<UserId> {
    (1..=4u8).map(|i| format!("01900000-0000-7000-8000-0000000000a{i}").parse().unwrap()).collect()
}

fn groups() -> Vec<GroupId> {
    (1..=3u8).map(|i| format!("01900000-0000-7000-8000-0000000000b{i}").parse().unwrap()).collect()
}

/// An item with no values (beyond the computed ones) and the name `name`.
fn blank(name: &str) -> Item {
    let mut item = random_item(1, &[], &users(), &groups());
    item.name = name.to_owned();
    item
}

/// `blank` with one value set on the sample column of type `t`.
fn with(t: ColumnType, value: Value) -> Item {
    let mut item = blank("item");
    set_stored(&mut item, &cid(t), value);
    item
}

/// Sets a cell to stored JSON as it could come from the store (possibly off its type's shape).
fn set_stored(item: &mut Item, column: &str, value: Value) {
    let mut map = serde_json::to_value(&item.values).unwrap();
    map[column] = value;
    item.values = serde_json::from_value(map).unwrap();
}

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
}

fn ctx_utc() -> EvalContext {
    EvalContext { now: sample_now(), tz: Tz::UTC, user: Some(users()[0]) }
}

/// Parses `{"column", "op", "value"}` against the sample columns and evaluates it.
fn check(item: &Item, column: &str, op: &str, value: Value, ctx: &EvalContext) -> bool {
    let filter = parse_filter(&json!({"column": column, "op": op, "value": value}), &sample_columns())
        .unwrap_or_else(|e| panic!("{column} {op}: {e} {:?}", e.details));
    matches(&filter, item, ctx)
}

/// `check` for the sample column of type `t`, in UTC at `sample_now`.
fn on(item: &Item, t: ColumnType, op: &str, value: Value) -> bool {
    check(item, &cid(t), op, value, &ctx_utc())
}
