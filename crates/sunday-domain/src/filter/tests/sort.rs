//! `compare`: per-type keys, empty values last in both directions, total tie-breaking.

use serde_json::{json, Value};
use sunday_types::boards::{ColumnType as T, Item};

use super::{blank, cid, set_stored, with};
use crate::filter::testing::{random_item, sample_columns};
use crate::filter::{compare, parse_sort};

/// The names of `items` sorted by `sort`.
fn sorted(mut items: Vec<Item>, sort: Value) -> Vec<String> {
    let keys = parse_sort(&sort, &sample_columns()).unwrap();
    items.sort_by(|a, b| compare(a, b, &keys));
    items.into_iter().map(|i| i.name).collect()
}

/// Items named by their value on the sample column of type `t` (`None`: no value), with
/// positions that would order them differently, so a passing test is the key's doing.
fn items(t: T, values: &[(&str, Option<Value>)]) -> Vec<Item> {
    values
        .iter()
        .enumerate()
        .map(|(i, (name, v))| {
            let mut item = match v {
                Some(v) => with(t, v.clone()),
                None => blank(name),
            };
            item.name = (*name).to_owned();
            item.id = random_item(100 + i as u64, &[], &[], &[]).id;
            item.position = format!("z{:02}", 99 - i);
            item
        })
        .collect()
}

fn by(t: T, dir: &str) -> Value {
    json!([{"column": cid(t), "dir": dir}])
}

#[test]
fn empty_values_sort_last_in_both_directions() {
    let list = items(T::Number, &[("none", None), ("two", Some(json!(2))), ("ten", Some(json!(10)))]);
    assert_eq!(sorted(list.clone(), by(T::Number, "asc")), ["two", "ten", "none"]);
    assert_eq!(sorted(list, by(T::Number, "desc")), ["ten", "two", "none"]);
}

#[test]
fn text_sorts_case_insensitively() {
    let list =
        items(T::Text, &[("b", Some(json!("banana"))), ("A", Some(json!("Apple"))), ("c", Some(json!("cherry")))]);
    assert_eq!(sorted(list, by(T::Text, "asc")), ["A", "b", "c"]);
    let names = vec![blank("beta"), blank("Alpha"), blank("gamma")];
    assert_eq!(sorted(names, json!([{"column": "name", "dir": "desc"}])), ["gamma", "beta", "Alpha"]);
}

#[test]
fn status_sorts_by_label_order_in_the_settings() {
    // Settings order: not_started, working, stuck, done.
    let list = items(
        T::Status,
        &[
            ("done", Some(json!("done"))),
            ("gone", Some(json!("deleted_label"))),
            ("none", None),
            ("working", Some(json!("working"))),
            ("not_started", Some(json!("not_started"))),
        ],
    );
    assert_eq!(sorted(list.clone(), by(T::Status, "asc")), ["not_started", "working", "done", "gone", "none"]);
    assert_eq!(sorted(list, by(T::Status, "desc")), ["gone", "done", "working", "not_started", "none"]);
}

#[test]
fn dropdowns_sort_by_the_first_options_name() {
    // o1 Design, o2 Backend, o3 Frontend.
    let list = items(
        T::Dropdown,
        &[("design", Some(json!(["o1", "o2"]))), ("backend", Some(json!(["o2"]))), ("frontend", Some(json!(["o3"])))],
    );
    assert_eq!(sorted(list, by(T::Dropdown, "asc")), ["backend", "design", "frontend"]);
}

#[test]
fn tags_and_people_sort_by_their_first_element() {
    let tags =
        items(T::Tags, &[("z", Some(json!(["Zulu", "alpha"]))), ("m", Some(json!(["mike"]))), ("e", Some(json!([])))]);
    assert_eq!(sorted(tags, by(T::Tags, "asc")), ["m", "z", "e"]);
    let ids = super::users();
    let people = items(
        T::People,
        &[
            ("second", Some(json!([ids[1].to_string(), ids[0].to_string()]))),
            ("first", Some(json!([ids[0].to_string()]))),
        ],
    );
    assert_eq!(sorted(people, by(T::People, "asc")), ["first", "second"]);
}

#[test]
fn dates_timelines_and_checkboxes_sort_naturally() {
    let dates = items(
        T::Date,
        &[
            ("late", Some(json!("2026-11-28"))),
            ("morning", Some(json!("2026-11-27T09:00:00Z"))),
            ("midnight", Some(json!("2026-11-27"))),
            ("none", None),
        ],
    );
    assert_eq!(sorted(dates.clone(), by(T::Date, "asc")), ["midnight", "morning", "late", "none"]);
    assert_eq!(sorted(dates, by(T::Date, "desc")), ["late", "morning", "midnight", "none"]);
    let tl = items(
        T::Timeline,
        &[
            ("long", Some(json!({"from": "2026-11-01", "to": "2026-11-30"}))),
            ("short", Some(json!({"from": "2026-11-01", "to": "2026-11-02"}))),
            ("later", Some(json!({"from": "2026-11-05", "to": "2026-11-06"}))),
        ],
    );
    assert_eq!(sorted(tl, by(T::Timeline, "asc")), ["short", "long", "later"]);
    let boxes = items(T::Checkbox, &[("off", None), ("on", Some(json!(true)))]);
    assert_eq!(sorted(boxes.clone(), by(T::Checkbox, "asc")), ["on", "off"]);
    assert_eq!(sorted(boxes, by(T::Checkbox, "desc")), ["on", "off"]);
}

#[test]
fn later_keys_break_ties_then_position_then_id() {
    let mut list = items(T::Number, &[("a", Some(json!(1))), ("b", Some(json!(1))), ("c", Some(json!(0)))]);
    set_stored(&mut list[0], &cid(T::Text), json!("y"));
    set_stored(&mut list[1], &cid(T::Text), json!("x"));
    let two_keys = json!([{"column": cid(T::Number), "dir": "desc"}, {"column": cid(T::Text)}]);
    assert_eq!(sorted(list.clone(), two_keys), ["b", "a", "c"]);
    // Without a second key, position decides (ascending even when the key is descending).
    assert_eq!(sorted(list.clone(), by(T::Number, "desc")), ["b", "a", "c"]);
    list[0].position = "same".into();
    list[1].position = "same".into();
    let expected = if list[0].id < list[1].id { ["a", "b", "c"] } else { ["b", "a", "c"] };
    assert_eq!(sorted(list.clone(), by(T::Number, "desc")), expected);
    assert_eq!(sorted(list, json!([])), expected, "no keys: position, then id");
}
