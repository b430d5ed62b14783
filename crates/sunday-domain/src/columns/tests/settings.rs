use std::collections::{HashMap, HashSet};

use serde_json::json;

use super::*;

#[test]
fn status_defaults_are_monday_s_three_labels() {
    let expected = json!({"labels": [
        {"id": "l1", "name": "Working on it", "color": "orange", "done": false},
        {"id": "l2", "name": "Stuck", "color": "red", "done": false},
        {"id": "l3", "name": "Done", "color": "green", "done": true},
    ]});
    assert_eq!(normalize_settings(ColumnType::Status, None).unwrap(), expected);
    assert_eq!(normalize_settings(ColumnType::Status, Some(&json!({}))).unwrap(), expected);
    assert_eq!(normalize_settings(ColumnType::Status, Some(&Value::Null)).unwrap(), expected);
    assert_eq!(normalize_settings(ColumnType::Status, Some(&expected)).unwrap(), expected);
}

#[test]
fn missing_label_ids_are_generated_past_the_highest() {
    let s = normalize_settings(
        ColumnType::Status,
        Some(&json!({"labels": [
            {"name": " To do "},
            {"id": "l7", "name": "Doing", "color": "#A1B2C3"},
            {"name": "Shipped", "done": true, "color": "Purple"},
        ]})),
    )
    .unwrap();
    assert_eq!(
        s,
        json!({"labels": [
            {"id": "l8", "name": "To do", "color": "green", "done": false},
            {"id": "l7", "name": "Doing", "color": "#a1b2c3", "done": false},
            {"id": "l9", "name": "Shipped", "color": "purple", "done": true},
        ]})
    );
    let wire = serde_json::to_value(&s).unwrap();
    assert_eq!(normalize_settings(ColumnType::Status, Some(&wire)).unwrap(), s, "canonical settings are a fixed point");
}

#[test]
fn status_label_rules() {
    let labels = |l: Value| json!({ "labels": l });
    let st = ColumnType::Status;
    assert_eq!(settings_rule(st, labels(json!([{"name": ""}]))), "required");
    assert_eq!(settings_rule(st, labels(json!([{"color": "red"}]))), "required");
    assert_eq!(settings_rule(st, labels(json!([{"name": "x".repeat(61)}]))), "max_length");
    assert!(normalize_settings(st, Some(&labels(json!([{"name": "x".repeat(60)}])))).is_ok());
    assert_eq!(settings_rule(st, labels(json!([{"name": "Done"}, {"name": "done "}]))), "duplicate_name");
    assert_eq!(
        settings_rule(st, labels(json!([{"name": "A", "done": true}, {"name": "B", "done": true}]))),
        "multiple_done"
    );
    assert_eq!(settings_rule(st, labels(json!([{"name": "A", "color": "chartreuse"}]))), "color");
    assert_eq!(settings_rule(st, labels(json!([{"name": "A", "color": "#abc"}]))), "color");
    assert_eq!(settings_rule(st, labels(json!([{"name": "A", "icon": "x"}]))), "unknown_setting");
    assert_eq!(settings_rule(st, labels(json!([{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]))), "duplicate_id");
    assert_eq!(settings_rule(st, labels(json!([{"id": "a b", "name": "A"}]))), "invalid_id");
    assert_eq!(settings_rule(st, labels(json!([{"id": 3, "name": "A"}]))), "type");
    assert_eq!(settings_rule(st, labels(json!([{"name": "A", "done": "yes"}]))), "type");
    assert_eq!(settings_rule(st, labels(json!(["A"]))), "type");
    assert_eq!(settings_rule(st, labels(json!("A"))), "type");
    assert_eq!(settings_rule(st, json!({"labels": [], "extra": 1})), "unknown_setting");
    assert_eq!(settings_rule(st, json!([1])), "type");
    let many: Vec<Value> = (0..41).map(|i| json!({ "name": format!("L{i}") })).collect();
    assert_eq!(settings_rule(st, labels(json!(many))), "max_items");
    let forty: Vec<Value> = (0..40).map(|i| json!({ "name": format!("L{i}") })).collect();
    assert!(normalize_settings(st, Some(&labels(json!(forty)))).is_ok());
    for color in PALETTE {
        assert!(normalize_settings(st, Some(&labels(json!([{"name": "A", "color": color}])))).is_ok());
    }
    assert!(PALETTE.len() >= 12);
}

#[test]
fn dropdown_settings() {
    let dd = ColumnType::Dropdown;
    assert_eq!(normalize_settings(dd, None).unwrap(), json!({"options": []}));
    assert_eq!(
        normalize_settings(dd, Some(&json!({"options": [{"name": "Web"}, {"name": "Mobile", "color": "blue"}]})))
            .unwrap(),
        json!({"options": [{"id": "o1", "name": "Web", "color": null}, {"id": "o2", "name": "Mobile", "color": "blue"}]})
    );
    assert_eq!(settings_rule(dd, json!({"options": [{"name": "Web", "done": true}]})), "unknown_setting");
    assert_eq!(settings_rule(dd, json!({"options": [{"name": "Web"}, {"name": "WEB"}]})), "duplicate_name");
    let many: Vec<Value> = (0..201).map(|i| json!({ "name": format!("O{i}") })).collect();
    assert_eq!(settings_rule(dd, json!({ "options": many })), "max_items");
    assert_eq!(settings_rule(dd, json!({"labels": []})), "unknown_setting");
}

#[test]
fn number_and_rating_settings() {
    let n = ColumnType::Number;
    assert_eq!(normalize_settings(n, None).unwrap(), json!({"unit": null, "decimals": 2}));
    assert_eq!(
        normalize_settings(n, Some(&json!({"unit": " kg ", "decimals": 0}))).unwrap(),
        json!({"unit": "kg", "decimals": 0})
    );
    assert_eq!(normalize_settings(n, Some(&json!({"unit": ""}))).unwrap(), json!({"unit": null, "decimals": 2}));
    assert_eq!(settings_rule(n, json!({"unit": "x".repeat(11)})), "max_length");
    assert_eq!(settings_rule(n, json!({"unit": 3})), "type");
    assert_eq!(settings_rule(n, json!({"decimals": 7})), "range");
    assert_eq!(settings_rule(n, json!({"decimals": -1})), "range");
    assert_eq!(settings_rule(n, json!({"decimals": 1.5})), "type");
    assert_eq!(settings_rule(n, json!({"decimals": "2"})), "type");
    assert_eq!(settings_rule(n, json!({"precision": 2})), "unknown_setting");
    let r = ColumnType::Rating;
    assert_eq!(normalize_settings(r, None).unwrap(), json!({"max": 5}));
    assert_eq!(normalize_settings(r, Some(&json!({"max": 10}))).unwrap(), json!({"max": 10}));
    assert_eq!(settings_rule(r, json!({"max": 0})), "range");
    assert_eq!(settings_rule(r, json!({"max": 11})), "range");
}

#[test]
fn other_types_take_no_settings() {
    for ty in ColumnType::ALL {
        if matches!(
            ty,
            ColumnType::Status
                | ColumnType::Dropdown
                | ColumnType::Number
                | ColumnType::Rating
                | ColumnType::Formula
                | ColumnType::Dependency
                | ColumnType::BoardRelation
                | ColumnType::Mirror
                | ColumnType::Rollup
        ) {
            continue;
        }
        assert_eq!(normalize_settings(ty, None).unwrap(), json!({}), "{ty:?}");
        assert_eq!(settings_rule(ty, json!({"foo": 1})), "unknown_setting", "{ty:?}");
    }
}

#[test]
fn a_formula_starts_empty_and_refuses_bad_syntax() {
    let f = ColumnType::Formula;
    assert_eq!(normalize_settings(f, None).unwrap(), json!({"expression": "", "result": "text"}));
    let rule = |v: Value| {
        let d = serde_json::to_value(normalize_settings(f, Some(&v)).unwrap_err().details).unwrap();
        assert_eq!(d["field"], "settings.expression");
        d["rule"].as_str().unwrap().to_owned()
    };
    assert_eq!(rule(json!({"expression": "1 +"})), "unexpected_end");
    assert_eq!(rule(json!({"expression": 3})), "type");
    assert_eq!(settings_rule(f, json!({"foo": 1})), "unknown_setting");
}

#[test]
fn a_dependency_defaults_to_keeping_gaps() {
    let d = ColumnType::Dependency;
    assert_eq!(
        normalize_settings(d, None).unwrap(),
        json!({"date_column_id": null, "mode": "keep_gap", "lag_days": 0})
    );
    assert_eq!(settings_rule(d, json!({"mode": "sideways"})), "invalid_mode");
    assert_eq!(settings_rule(d, json!({"lag_days": 400})), "range");
    assert_eq!(settings_rule(d, json!({"date_column_id": "nope"})), "type");
}

fn used(ids: &[&str]) -> HashSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

fn replace(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn used_labels_cannot_vanish_without_a_replacement() {
    let col = column(ColumnType::Status, json!({}));
    let without_stuck = json!({"labels": [
        {"id": "l1", "name": "Working on it", "color": "orange"},
        {"id": "l3", "name": "Done", "color": "green", "done": true},
    ]});
    // Unused: free to remove.
    check_settings_change(&col, &without_stuck, &used(&["l1"]), &HashMap::new()).unwrap();
    // Used: refused, with the ids.
    let e = check_settings_change(&col, &without_stuck, &used(&["l1", "l2"]), &HashMap::new()).unwrap_err();
    let d = serde_json::to_value(e.details).unwrap();
    assert_eq!(d["rule"], "label_in_use");
    assert_eq!(d["ids"], json!(["l2"]));
    assert_eq!(d["column"], col.title);
    assert_eq!(d["column_id"], col.id.to_string());
    // Replaced by a kept label: fine.
    check_settings_change(&col, &without_stuck, &used(&["l2"]), &replace(&[("l2", "l1")])).unwrap();
    // Replaced by nothing that survives.
    for target in ["l9", "l2"] {
        let e = check_settings_change(&col, &without_stuck, &used(&["l2"]), &replace(&[("l2", target)])).unwrap_err();
        let d = serde_json::to_value(e.details).unwrap();
        assert_eq!(d["rule"], "unknown_replacement");
        assert_eq!(d["ids"], json!(["l2"]));
    }
    // Renaming and recoloring keep the id.
    let renamed = json!({"labels": [
        {"id": "l1", "name": "In progress", "color": "blue"},
        {"id": "l2", "name": "Blocked", "color": "red"},
        {"id": "l3", "name": "Finished", "color": "green", "done": true},
    ]});
    check_settings_change(&col, &renamed, &used(&["l1", "l2", "l3"]), &HashMap::new()).unwrap();
    // Invalid new settings are refused as such.
    let e = check_settings_change(&col, &json!({"labels": 1}), &used(&[]), &HashMap::new()).unwrap_err();
    assert_eq!(serde_json::to_value(e.details).unwrap()["rule"], "type");
}

#[test]
fn used_dropdown_options_cannot_vanish_either() {
    let col = column(ColumnType::Dropdown, json!({"options": [{"name": "Web"}, {"name": "iOS"}]}));
    let e = check_settings_change(
        &col,
        &json!({"options": [{"id": "o1", "name": "Web"}]}),
        &used(&["o2"]),
        &HashMap::new(),
    )
    .unwrap_err();
    assert_eq!(serde_json::to_value(e.details).unwrap()["rule"], "label_in_use");
    // Other types have nothing to keep.
    let text = column(ColumnType::Text, json!({}));
    check_settings_change(&text, &json!({}), &used(&["x"]), &HashMap::new()).unwrap();
}

#[test]
fn a_relation_keeps_its_boards_once_and_a_mirror_needs_its_relation() {
    let r = ColumnType::BoardRelation;
    let b = sunday_types::BoardId::new();
    let given = json!({"board_ids": [b.to_string(), b.to_string()], "two_way": true});
    assert_eq!(normalize_settings(r, Some(&given)).unwrap(), json!({"board_ids": [b], "reverse_column_id": null}));
    assert_eq!(settings_rule(r, json!({"board_ids": "x"})), "type");
    assert_eq!(settings_rule(r, json!({"two_way": 1})), "type");
    let many: Vec<String> = (0..11).map(|_| sunday_types::BoardId::new().to_string()).collect();
    assert_eq!(settings_rule(r, json!({"board_ids": many})), "max_boards");
    let m = ColumnType::Mirror;
    assert_eq!(settings_rule(m, json!({})), "required");
    assert_eq!(
        normalize_settings(ColumnType::Rollup, Some(&json!({"source": "subitems"}))).unwrap(),
        json!({"source": "subitems", "relation_column_id": null, "column_id": null, "function": "sum"})
    );
    assert_eq!(
        settings_rule(m, json!({"source": "subitems", "relation_column_id": sunday_types::ColumnId::new()})),
        "subitems_need_no_relation"
    );
    let rel = sunday_types::ColumnId::new();
    assert_eq!(
        normalize_settings(m, Some(&json!({"relation_column_id": rel}))).unwrap(),
        json!({"source": "relation", "relation_column_id": rel, "column_id": null, "function": "show"})
    );
    assert_eq!(settings_rule(m, json!({"relation_column_id": rel, "function": "median"})), "invalid_function");
}
