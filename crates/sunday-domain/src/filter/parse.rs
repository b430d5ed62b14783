//! `parse_filter`: from the API's JSON to a [`Filter`], checking every rule up front so that
//! evaluation never meets a malformed condition. The first broken rule is reported, with the
//! path of the node that broke it (`and[1].or[0]`; the root is `""`).
//!
//! Rules (`details.rule`): `invalid_shape` (not an `and` / `or` / condition object),
//! `too_deep` (more than [`MAX_DEPTH`] nested `and` / `or`), `too_many_conditions` (more than
//! [`MAX_CONDITIONS`]), `too_many_nodes` (more than [`MAX_NODES`] conditions and groups),
//! `too_many_values` (a list operand longer than [`MAX_LIST_VALUES`]), `unknown_column`,
//! `unknown_operator`, `operator_not_applicable`, `invalid_value` and `unknown_label` (a status
//! label id the column does not define).
//!
//! Operands: text operators take a non-empty string (`is_empty` asks for empty values); number
//! operators a number, `between` `[low, high]` with `low <= high`, `any_of` / `none_of` an
//! array (possibly empty: `any_of []` matches nothing); day operators `"YYYY-MM-DD"`,
//! `"today"`, `"yesterday"` or `"tomorrow"`, `between` a pair of those; `within` a period name;
//! users an id or `"me"`; groups and item ids their ids. `is_empty` / `is_not_empty` ignore
//! `value`.

use std::str::FromStr;

use chrono::NaiveDate;
use serde_json::{Map, Value};
use sunday_types::boards::Column;
use sunday_types::{ApiError, ErrorCode, ErrorDetails, GroupId, ItemId, UserId};

use super::ast::{Condition, DateBound, Field, FieldKind, Filter, Op, Operand, RelativePeriod, UserRef};
use super::cell::status_labels;

/// How many `and` / `or` groups may nest inside one another (a bare condition has depth 0).
pub const MAX_DEPTH: usize = 8;

/// How many conditions one filter may hold in total.
pub const MAX_CONDITIONS: usize = 100;

/// How many nodes (conditions and `and` / `or` groups, empty ones included) one filter may
/// hold: parsing and evaluation stay bounded whatever the shape.
pub const MAX_NODES: usize = 200;

/// How many values one list operand (`any_of`, `none_of`) may hold.
pub const MAX_LIST_VALUES: usize = 500;

/// Parses a filter against the board's `columns`; see the module documentation for the rules.
pub fn parse_filter(json: &Value, columns: &[Column]) -> Result<Filter, ApiError> {
    let mut parser = Parser { columns, conditions: 0, nodes: 0 };
    parser.node(json, "", 0)
}

/// Finds the field a filter or sort names: a pseudo-column, else a column id.
pub(crate) fn resolve_field(name: &str, columns: &[Column]) -> Option<Field> {
    Field::pseudo(name).or_else(|| {
        columns.iter().find(|c| c.id.to_string().eq_ignore_ascii_case(name)).map(|c| Field::Column(c.clone()))
    })
}

/// A `validation_failed` error on `field` (`filter` or `sort`) naming the rule and the path.
pub(crate) fn rule_error(field: &str, rule: &str, path: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::ValidationFailed, message)
        .with_details(ErrorDetails { path: Some(path.to_owned()), ..ErrorDetails::rule(field, rule) })
}

fn invalid(rule: &str, path: &str, message: impl Into<String>) -> ApiError {
    rule_error("filter", rule, path, message)
}

struct Parser<'c> {
    columns: &'c [Column],
    conditions: usize,
    nodes: usize,
}

impl Parser<'_> {
    /// `depth` counts the `and` / `or` groups enclosing this node.
    fn node(&mut self, json: &Value, path: &str, depth: usize) -> Result<Filter, ApiError> {
        let Some(obj) = json.as_object() else {
            return Err(invalid("invalid_shape", path, "a filter must be an object"));
        };
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(invalid(
                "too_many_nodes",
                path,
                format!("a filter may hold at most {MAX_NODES} conditions and and/or groups"),
            ));
        }
        for (key, combine) in [("and", Filter::And as fn(Vec<Filter>) -> Filter), ("or", Filter::Or)] {
            if let Some(children) = obj.get(key) {
                return self.group(obj, key, children, path, depth).map(combine);
            }
        }
        self.condition(obj, path).map(Filter::Cond)
    }

    fn group(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        children: &Value,
        path: &str,
        depth: usize,
    ) -> Result<Vec<Filter>, ApiError> {
        if obj.len() != 1 {
            return Err(invalid("invalid_shape", path, format!("`{key}` must be the only key of its object")));
        }
        let Some(children) = children.as_array() else {
            return Err(invalid("invalid_shape", path, format!("`{key}` must be an array of filters")));
        };
        if depth >= MAX_DEPTH {
            return Err(invalid("too_deep", path, format!("filters may nest at most {MAX_DEPTH} and/or groups")));
        }
        let prefix = if path.is_empty() { String::new() } else { format!("{path}.") };
        children
            .iter()
            .enumerate()
            .map(|(i, child)| self.node(child, &format!("{prefix}{key}[{i}]"), depth + 1))
            .collect()
    }

    fn condition(&mut self, obj: &Map<String, Value>, path: &str) -> Result<Condition, ApiError> {
        if let Some(extra) = obj.keys().find(|k| !matches!(k.as_str(), "column" | "op" | "value")) {
            return Err(invalid("invalid_shape", path, format!("unexpected key `{extra}` in a condition")));
        }
        self.conditions += 1;
        if self.conditions > MAX_CONDITIONS {
            return Err(invalid(
                "too_many_conditions",
                path,
                format!("a filter may hold at most {MAX_CONDITIONS} conditions"),
            ));
        }
        let Some(name) = obj.get("column").and_then(Value::as_str) else {
            return Err(invalid("invalid_shape", path, "a condition needs a string `column`"));
        };
        let Some(op_name) = obj.get("op").and_then(Value::as_str) else {
            return Err(invalid("invalid_shape", path, "a condition needs a string `op`"));
        };
        let Some(field) = resolve_field(name, self.columns) else {
            return Err(invalid("unknown_column", path, format!("the board has no column `{name}`")));
        };
        let Some(op) = Op::parse(op_name) else {
            return Err(invalid("unknown_operator", path, format!("`{op_name}` is not a filter operator")));
        };
        let kind = field.kind();
        if !kind.allows(op) {
            return Err(invalid(
                "operator_not_applicable",
                path,
                format!("`{op_name}` does not apply to column `{name}`"),
            ));
        }
        let value = obj.get("value").unwrap_or(&Value::Null);
        let operand = operand(&field, kind, op, value).map_err(|e| e.at(path, op))?;
        Ok(Condition { column: field, op, operand })
    }
}

/// Why an operand was refused, before the path is known.
enum OperandError {
    Invalid(&'static str),
    UnknownLabel(String),
    TooMany,
}

impl OperandError {
    fn at(self, path: &str, op: Op) -> ApiError {
        match self {
            OperandError::Invalid(expected) => {
                invalid("invalid_value", path, format!("`{}` expects {expected}", op.as_str()))
            }
            OperandError::UnknownLabel(id) => {
                invalid("unknown_label", path, format!("the status column has no label `{id}`"))
            }
            OperandError::TooMany => {
                invalid("too_many_values", path, format!("`{}` takes at most {MAX_LIST_VALUES} values", op.as_str()))
            }
        }
    }
}

type OperandResult = Result<Operand, OperandError>;

/// The operand of `op` on a field of `kind`; `op` is known to apply to `kind`.
fn operand(field: &Field, kind: FieldKind, op: Op, v: &Value) -> OperandResult {
    use FieldKind as K;
    match (kind, op) {
        (_, Op::IsEmpty | Op::IsNotEmpty) => Ok(Operand::None),
        // Lower-cased once here: text matching is case-insensitive (see `eval`).
        (K::Text, _) => text(v).map(|t| Operand::Text(t.to_lowercase())),
        (K::Number, Op::Between) => {
            let (low, high) = pair(v, number, "an array [low, high] of numbers")?;
            if low > high {
                return Err(OperandError::Invalid("an array [low, high] with low <= high"));
            }
            Ok(Operand::NumberRange(low, high))
        }
        (K::Number, Op::AnyOf | Op::NoneOf) => list(v, number, "an array of numbers").map(Operand::Numbers),
        (K::Number, _) => number(v).map(Operand::Number),
        (K::Status, Op::AnyOf | Op::NoneOf) => {
            let ids = list(v, key, "an array of status label ids")?;
            ids.iter().try_for_each(|id| known_label(field, id))?;
            Ok(Operand::Keys(ids))
        }
        (K::Status, _) => {
            let id = key(v)?;
            known_label(field, &id)?;
            Ok(Operand::Key(id))
        }
        (K::Dropdown | K::Tags, Op::Contains) => key(v).map(Operand::Key),
        (K::Dropdown | K::Tags, _) => list(v, key, "an array of strings").map(Operand::Keys),
        (K::People | K::CreatedBy, Op::Contains | Op::Eq) => user(v).map(Operand::User),
        (K::People | K::CreatedBy, _) => list(v, user, "an array of user ids or \"me\"").map(Operand::Users),
        (K::Date | K::Timeline, Op::Between) => {
            let (from, to) = pair(v, date, "an array [from, to] of dates")?;
            if let (DateBound::Day(a), DateBound::Day(b)) = (from, to) {
                if a > b {
                    return Err(OperandError::Invalid("an array [from, to] with from <= to"));
                }
            }
            Ok(Operand::DateRange(from, to))
        }
        (K::Date | K::Timeline, Op::Within) => period(v).map(Operand::Period),
        (K::Date | K::Timeline, _) => date(v).map(Operand::Date),
        (K::Checkbox, _) => v.as_bool().map(Operand::Bool).ok_or(OperandError::Invalid("true or false")),
        (K::Group, Op::Eq | Op::Neq) => id::<GroupId>(v).map(Operand::Group),
        (K::Group, _) => list(v, id::<GroupId>, "an array of group ids").map(Operand::Groups),
        (K::ItemId, Op::Eq) => id::<ItemId>(v).map(Operand::Item),
        (K::ItemId, _) => list(v, id::<ItemId>, "an array of item ids").map(Operand::Items),
        (K::Button, _) => Err(OperandError::Invalid("nothing: a button has no value")),
    }
}

fn text(v: &Value) -> Result<String, OperandError> {
    match v.as_str() {
        Some(s) if !s.is_empty() => Ok(s.to_owned()),
        _ => Err(OperandError::Invalid("a non-empty string (use is_empty for empty values)")),
    }
}

fn number(v: &Value) -> Result<f64, OperandError> {
    v.as_f64().filter(|n| n.is_finite()).ok_or(OperandError::Invalid("a number"))
}

fn key(v: &Value) -> Result<String, OperandError> {
    match v.as_str() {
        Some(s) if !s.is_empty() => Ok(s.to_owned()),
        _ => Err(OperandError::Invalid("a non-empty string")),
    }
}

fn user(v: &Value) -> Result<UserRef, OperandError> {
    match v.as_str() {
        Some("me") => Ok(UserRef::Me),
        Some(s) => UserId::from_str(s).map(UserRef::Id).map_err(|_| OperandError::Invalid("a user id or \"me\"")),
        None => Err(OperandError::Invalid("a user id or \"me\"")),
    }
}

fn id<T: FromStr>(v: &Value) -> Result<T, OperandError> {
    v.as_str().and_then(|s| T::from_str(s).ok()).ok_or(OperandError::Invalid("an id"))
}

fn date(v: &Value) -> Result<DateBound, OperandError> {
    match v.as_str() {
        Some("today") => Ok(DateBound::Today),
        Some("yesterday") => Ok(DateBound::Yesterday),
        Some("tomorrow") => Ok(DateBound::Tomorrow),
        Some(s) if s.len() == 10 => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(DateBound::Day)
            .map_err(|_| OperandError::Invalid("a date \"YYYY-MM-DD\", \"today\", \"yesterday\" or \"tomorrow\"")),
        _ => Err(OperandError::Invalid("a date \"YYYY-MM-DD\", \"today\", \"yesterday\" or \"tomorrow\"")),
    }
}

fn period(v: &Value) -> Result<RelativePeriod, OperandError> {
    v.as_str().and_then(RelativePeriod::parse).ok_or(OperandError::Invalid(
        "one of today, yesterday, tomorrow, this_week, last_week, next_week, this_month, past_7_days, next_7_days, overdue, upcoming",
    ))
}

fn list<T>(
    v: &Value,
    element: fn(&Value) -> Result<T, OperandError>,
    expected: &'static str,
) -> Result<Vec<T>, OperandError> {
    let items = v.as_array().ok_or(OperandError::Invalid(expected))?;
    if items.len() > MAX_LIST_VALUES {
        return Err(OperandError::TooMany);
    }
    items.iter().map(|e| element(e).map_err(|_| OperandError::Invalid(expected))).collect()
}

fn pair<T>(
    v: &Value,
    element: fn(&Value) -> Result<T, OperandError>,
    expected: &'static str,
) -> Result<(T, T), OperandError> {
    match v.as_array().map(Vec::as_slice) {
        Some([a, b]) => Ok((
            element(a).map_err(|_| OperandError::Invalid(expected))?,
            element(b).map_err(|_| OperandError::Invalid(expected))?,
        )),
        _ => Err(OperandError::Invalid(expected)),
    }
}

fn known_label(field: &Field, id: &str) -> Result<(), OperandError> {
    match field {
        Field::Column(c) if status_labels(c).contains(&id) => Ok(()),
        _ => Err(OperandError::UnknownLabel(id.to_owned())),
    }
}
