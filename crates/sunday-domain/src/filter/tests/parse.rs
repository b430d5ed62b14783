//! `parse_filter`, `parse_sort` and `parse_tz`: what they accept and the rule each refusal names.

use serde_json::{json, Value};
use sunday_types::boards::ColumnType as T;
use sunday_types::ErrorCode;

use super::{cid, col};
use crate::filter::testing::sample_columns;
use crate::filter::{
    parse_filter, parse_sort, parse_tz, Condition, DateBound, Field, Filter, Op, Operand, RelativePeriod, UserRef,
    MAX_CONDITIONS, MAX_DEPTH, MAX_LIST_VALUES, MAX_NODES,
};

/// The `(rule, path)` of the refusal of `filter`.
fn refusal(filter: Value) -> (String, String) {
    let e = parse_filter(&filter, &sample_columns()).expect_err("the filter should be refused");
    assert_eq!(e.code, ErrorCode::ValidationFailed);
    let d = serde_json::to_value(e.details).unwrap();
    assert_eq!(d["field"], "filter");
    (d["rule"].as_str().unwrap().to_owned(), d["path"].as_str().unwrap().to_owned())
}

fn rule(filter: Value) -> String {
    refusal(filter).0
}

fn cond(column: &str, op: &str, value: Value) -> Value {
    json!({"column": column, "op": op, "value": value})
}

#[test]
fn parses_the_api_example_into_typed_conditions() {
    let filter = json!({"and": [
        {"column": cid(T::Status), "op": "any_of", "value": ["done", "stuck"]},
        {"or": [{"column": cid(T::Date), "op": "within", "value": "this_week"},
                {"column": "name", "op": "contains", "value": "launch"}]}]});
    let parsed = parse_filter(&filter, &sample_columns()).unwrap();
    let expected = Filter::And(vec![
        Filter::Cond(Condition {
            column: Field::Column(col(T::Status)),
            op: Op::AnyOf,
            operand: Operand::Keys(vec!["done".into(), "stuck".into()]),
        }),
        Filter::Or(vec![
            Filter::Cond(Condition {
                column: Field::Column(col(T::Date)),
                op: Op::Within,
                operand: Operand::Period(RelativePeriod::ThisWeek),
            }),
            Filter::Cond(Condition { column: Field::Name, op: Op::Contains, operand: Operand::Text("launch".into()) }),
        ]),
    ]);
    assert_eq!(parsed, expected);
}

#[test]
fn operands_are_typed_per_operator() {
    let parse = |c: &str, op: &str, v: Value| match parse_filter(&cond(c, op, v), &sample_columns()).unwrap() {
        Filter::Cond(c) => c.operand,
        other => panic!("not a condition: {other:?}"),
    };
    assert_eq!(parse(&cid(T::Number), "between", json!([1, 2.5])), Operand::NumberRange(1.0, 2.5));
    assert_eq!(parse(&cid(T::Rating), "none_of", json!([1, 2])), Operand::Numbers(vec![1.0, 2.0]));
    assert_eq!(parse(&cid(T::People), "contains", json!("me")), Operand::User(UserRef::Me));
    assert_eq!(parse(&cid(T::Checkbox), "eq", json!(false)), Operand::Bool(false));
    assert_eq!(parse(&cid(T::Date), "before", json!("tomorrow")), Operand::Date(DateBound::Tomorrow));
    assert_eq!(
        parse(&cid(T::Timeline), "between", json!(["2026-11-01", "2026-11-30"])),
        Operand::DateRange(
            DateBound::Day("2026-11-01".parse().unwrap()),
            DateBound::Day("2026-11-30".parse().unwrap())
        )
    );
    assert_eq!(parse("created_at", "is_empty", Value::Null), Operand::None);
    assert_eq!(parse(&cid(T::Dropdown), "contains", json!("o1")), Operand::Key("o1".into()));
}

#[test]
fn empty_groups_are_allowed() {
    assert_eq!(parse_filter(&json!({"and": []}), &sample_columns()).unwrap(), Filter::And(vec![]));
    assert_eq!(parse_filter(&json!({"or": []}), &sample_columns()).unwrap(), Filter::Or(vec![]));
}

#[test]
fn unknown_columns_and_operators_are_refused() {
    assert_eq!(rule(cond("nope", "eq", json!("x"))), "unknown_column");
    assert_eq!(rule(cond("01900000-0000-7000-8000-000000000000", "eq", json!("x"))), "unknown_column");
    assert_eq!(rule(cond("name", "like", json!("x"))), "unknown_operator");
}

#[test]
fn operators_outside_the_applicability_table_are_refused() {
    let cases = [
        (cid(T::Text), "gt", json!(1)),
        (cid(T::Number), "contains", json!("1")),
        (cid(T::Status), "contains", json!("done")),
        (cid(T::Dropdown), "eq", json!("o1")),
        (cid(T::People), "eq", json!("me")),
        (cid(T::Date), "gt", json!("2026-01-01")),
        (cid(T::Checkbox), "neq", json!(true)),
        ("group".to_owned(), "is_empty", Value::Null),
        ("created_by".to_owned(), "neq", json!("me")),
        (cid(T::ItemId), "none_of", json!([])),
        ("name".to_owned(), "within", json!("today")),
    ];
    for (column, op, value) in cases {
        assert_eq!(rule(cond(&column, op, value)), "operator_not_applicable", "{column} {op}");
    }
}

#[test]
fn ill_typed_operands_are_invalid_values() {
    let cases = [
        ("name", "eq", json!(3)),
        ("name", "contains", json!("")),
        (&*cid(T::Number), "gt", json!("3")),
        (&*cid(T::Number), "between", json!([1])),
        (&*cid(T::Number), "between", json!([5, 1])),
        (&*cid(T::Number), "any_of", json!([1, "2"])),
        (&*cid(T::Date), "eq", json!("27/11/2026")),
        (&*cid(T::Date), "eq", json!("2026-11-27T10:00:00Z")),
        (&*cid(T::Date), "between", json!(["2026-12-01", "2026-11-01"])),
        (&*cid(T::Date), "within", json!("this_year")),
        (&*cid(T::Checkbox), "eq", json!("true")),
        (&*cid(T::People), "any_of", json!(["not-a-uuid"])),
        ("created_by", "eq", json!(42)),
        ("group", "eq", json!("nope")),
        (&*cid(T::Tags), "any_of", json!("urgent")),
    ];
    for (column, op, value) in cases {
        assert_eq!(rule(cond(column, op, value.clone())), "invalid_value", "{column} {op} {value}");
    }
}

#[test]
fn status_operands_must_name_known_labels() {
    assert_eq!(rule(cond(&cid(T::Status), "eq", json!("blocked"))), "unknown_label");
    assert_eq!(rule(cond(&cid(T::Status), "none_of", json!(["done", "blocked"]))), "unknown_label");
    assert!(parse_filter(&cond(&cid(T::Status), "eq", json!("done")), &sample_columns()).is_ok());
}

#[test]
fn malformed_nodes_are_invalid_shapes_with_their_path() {
    let ok = cond("name", "eq", json!("a"));
    assert_eq!(refusal(json!([ok])), ("invalid_shape".into(), "".into()));
    assert_eq!(refusal(json!({"and": ok})), ("invalid_shape".into(), "".into()));
    assert_eq!(refusal(json!({"and": [ok], "or": []})), ("invalid_shape".into(), "".into()));
    assert_eq!(refusal(json!({"column": "name", "op": "eq"})).0, "invalid_value");
    assert_eq!(refusal(json!({"op": "eq", "value": "a"})).0, "invalid_shape");
    assert_eq!(refusal(json!({"column": "name", "op": "eq", "value": "a", "extra": 1})).0, "invalid_shape");
    let nested = json!({"and": [ok, {"or": [{"column": "name", "op": "gt", "value": 1}]}]});
    assert_eq!(refusal(nested), ("operator_not_applicable".into(), "and[1].or[0]".into()));
}

#[test]
fn depth_is_limited_to_eight_groups() {
    let nest = |groups: usize| (0..groups).fold(cond("name", "eq", json!("a")), |inner, _| json!({"and": [inner]}));
    assert!(parse_filter(&nest(MAX_DEPTH), &sample_columns()).is_ok());
    let (rule, path) = refusal(nest(MAX_DEPTH + 1));
    assert_eq!(rule, "too_deep");
    assert_eq!(path, ["and[0]"; MAX_DEPTH].join("."));
}

#[test]
fn conditions_are_limited_to_one_hundred() {
    let many = |n: usize| json!({"or": vec![cond("name", "eq", json!("a")); n]});
    assert!(parse_filter(&many(MAX_CONDITIONS), &sample_columns()).is_ok());
    assert_eq!(refusal(many(MAX_CONDITIONS + 1)), ("too_many_conditions".into(), "or[100]".into()));
}

#[test]
fn empty_groups_and_long_lists_are_bounded_too() {
    // Groups count as nodes even when empty, so no shape makes parsing unbounded.
    let groups = |n: usize| json!({"or": vec![json!({"and": []}); n]});
    assert!(parse_filter(&groups(MAX_NODES - 1), &sample_columns()).is_ok());
    assert_eq!(refusal(groups(MAX_NODES)).0, "too_many_nodes");
    let numbers = |n: usize| cond(&cid(T::Number), "any_of", json!((0..n).collect::<Vec<_>>()));
    assert!(parse_filter(&numbers(MAX_LIST_VALUES), &sample_columns()).is_ok());
    assert_eq!(refusal(numbers(MAX_LIST_VALUES + 1)), ("too_many_values".into(), "".into()));
}

#[test]
fn sort_keys_parse_with_defaults_and_limits() {
    let keys =
        parse_sort(&json!([{"column": cid(T::Date)}, {"column": "name", "dir": "desc"}]), &sample_columns()).unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0].field, Field::Column(col(T::Date)));
    assert!(!keys[0].descending);
    assert_eq!(keys[1].field, Field::Name);
    assert!(keys[1].descending);
    assert!(parse_sort(&json!([]), &sample_columns()).unwrap().is_empty());

    let sort_rule = |v: Value| {
        let d = serde_json::to_value(parse_sort(&v, &sample_columns()).unwrap_err().details).unwrap();
        assert_eq!(d["field"], "sort");
        (d["rule"].as_str().unwrap().to_owned(), d["path"].as_str().unwrap().to_owned())
    };
    assert_eq!(sort_rule(json!(vec![json!({"column": "name"}); 6])).0, "too_many_sort_keys");
    assert_eq!(sort_rule(json!([{"column": "name"}, {"column": "x"}])), ("unknown_column".into(), "[1]".into()));
    assert_eq!(sort_rule(json!([{"column": "name", "dir": "up"}])).0, "invalid_value");
    assert_eq!(sort_rule(json!({"column": "name"})).0, "invalid_shape");
    assert_eq!(sort_rule(json!([{"col": "name"}])).0, "invalid_shape");
}

#[test]
fn time_zones_parse_by_iana_name() {
    assert_eq!(parse_tz(None).unwrap(), chrono_tz::UTC);
    assert_eq!(parse_tz(Some("Europe/Berlin")).unwrap(), chrono_tz::Europe::Berlin);
    for bad in ["Mars/Olympus", "", "europe/berlin"] {
        let e = parse_tz(Some(bad)).unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationFailed);
        let d = serde_json::to_value(e.details).unwrap();
        assert_eq!((d["field"].as_str(), d["rule"].as_str()), (Some("tz"), Some("unknown_time_zone")));
    }
}
