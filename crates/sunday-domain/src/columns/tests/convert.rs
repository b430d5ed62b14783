use serde_json::json;

use super::*;

fn status() -> Column {
    column(ColumnType::Status, json!({}))
}

fn dropdown() -> Column {
    column(ColumnType::Dropdown, json!({"options": [{"name": "done"}, {"name": "Web"}, {"name": "Stuck"}]}))
}

fn of(ty: ColumnType) -> Column {
    column(ty, json!({}))
}

#[test]
fn display_text_reads_like_the_board() {
    let number = column(ColumnType::Number, json!({"unit": "kg", "decimals": 1}));
    assert_eq!(shown(&json!(12.26), &number), "12.3");
    assert_eq!(shown(&json!(-0.01), &number), "0.0");
    assert_eq!(shown(&json!(3), &of(ColumnType::Number)), "3.00");
    assert_eq!(shown(&json!("l3"), &status()), "Done");
    assert_eq!(shown(&json!(["o2", "o1"]), &dropdown()), "Web, done");
    assert_eq!(
        shown(&json!({"from": "2026-11-01", "to": "2026-11-27"}), &of(ColumnType::Timeline)),
        "2026-11-01 - 2026-11-27"
    );
    assert_eq!(shown(&json!(true), &of(ColumnType::Checkbox)), "v");
    assert_eq!(shown(&json!({"url": "https://e.com", "text": "E"}), &of(ColumnType::Link)), "https://e.com");
    assert_eq!(shown(&json!(["a", "b"]), &of(ColumnType::Tags)), "a, b");
    assert_eq!(shown(&json!(4), &of(ColumnType::Rating)), "4");
    assert_eq!(shown(&json!("2026-11-27"), &of(ColumnType::Date)), "2026-11-27");
    assert_eq!(shown(&Value::Null, &of(ColumnType::Text)), "");
}

#[test]
fn everything_converts_to_text() {
    let text = of(ColumnType::Text);
    assert_eq!(converted(&json!("l2"), &status(), &text), Some(json!("Stuck")));
    assert_eq!(converted(&json!(["o1", "o2"]), &dropdown(), &text), Some(json!("done, Web")));
    assert_eq!(converted(&json!(true), &of(ColumnType::Checkbox), &text), Some(json!("v")));
    assert_eq!(converted(&json!("a\n\nb "), &of(ColumnType::LongText), &text), Some(json!("a b")));
    let long = json!("x".repeat(3_000));
    assert_eq!(converted(&long, &of(ColumnType::LongText), &text), Some(json!("x".repeat(2_000))));
    assert_eq!(
        converted(&json!("line\nnext"), &of(ColumnType::LongText), &of(ColumnType::LongText)),
        Some(json!("line\nnext"))
    );
    assert_eq!(converted(&json!(1.5), &of(ColumnType::Number), &of(ColumnType::LongText)), Some(json!("1.50")));
}

#[test]
fn text_converts_by_parsing() {
    let text = of(ColumnType::Text);
    let conv = |v: &str, to: &Column| converted(&json!(v), &text, to);
    assert_eq!(conv(" 12.5 ", &of(ColumnType::Number)), Some(json!(12.5)));
    assert_eq!(conv("twelve", &of(ColumnType::Number)), None);
    assert_eq!(conv("NaN", &of(ColumnType::Number)), None);
    assert_eq!(conv("done", &status()), Some(json!("l3")));
    assert_eq!(conv("Shipped", &status()), None);
    assert_eq!(conv("web, DONE, nope", &dropdown()), Some(json!(["o2", "o1"])));
    assert_eq!(conv("nope", &dropdown()), None);
    assert_eq!(conv("2026-11-27", &of(ColumnType::Date)), Some(json!("2026-11-27")));
    assert_eq!(conv("next week", &of(ColumnType::Date)), None);
    let tl = json!({"from": "2026-11-01", "to": "2026-11-27"});
    assert_eq!(conv("2026-11-01 - 2026-11-27", &of(ColumnType::Timeline)), Some(tl));
    assert_eq!(conv("Ada@Example.com", &of(ColumnType::Email)), Some(json!("ada@example.com")));
    assert_eq!(conv("+49 30 123456", &of(ColumnType::Phone)), Some(json!("+4930123456")));
    assert_eq!(conv("030 123456", &of(ColumnType::Phone)), None);
    assert_eq!(conv("https://e.com", &of(ColumnType::Link)), Some(json!({"url": "https://e.com", "text": null})));
    assert_eq!(conv("e.com", &of(ColumnType::Link)), None);
    assert_eq!(conv("a, b,, A ,c", &of(ColumnType::Tags)), Some(json!(["a", "b", "c"])));
    for yes in ["true", "V", "yes", "1"] {
        assert_eq!(conv(yes, &of(ColumnType::Checkbox)), Some(json!(true)), "{yes}");
    }
    assert_eq!(conv("no", &of(ColumnType::Checkbox)), None);
    assert_eq!(conv("4", &of(ColumnType::Rating)), Some(json!(4)));
    assert_eq!(conv(&sunday_types::UserId::new().to_string(), &of(ColumnType::People)), None);
}

#[test]
fn typed_conversions() {
    let rating = of(ColumnType::Rating);
    let number = of(ColumnType::Number);
    assert_eq!(converted(&json!(3.6), &number, &rating), Some(json!(4)));
    assert_eq!(converted(&json!(9), &number, &rating), None, "above max does not clamp");
    assert_eq!(converted(&json!(-2), &number, &rating), None);
    assert_eq!(converted(&json!(4), &rating, &number), Some(json!(4)));
    let (date, timeline) = (of(ColumnType::Date), of(ColumnType::Timeline));
    let d = json!("2026-11-27");
    assert_eq!(converted(&d, &date, &timeline), Some(json!({"from": d, "to": d})));
    assert_eq!(
        converted(&json!({"from": "2026-11-01", "to": "2026-11-27"}), &timeline, &date),
        Some(json!("2026-11-01"))
    );
    assert_eq!(converted(&json!("l3"), &status(), &dropdown()), Some(json!(["o1"])));
    assert_eq!(converted(&json!("l1"), &status(), &dropdown()), None, "no option named Working on it");
    assert_eq!(converted(&json!(["o2", "o3"]), &dropdown(), &status()), Some(json!("l2")), "first name that matches");
    assert_eq!(converted(&json!(["o2", "o1"]), &dropdown(), &of(ColumnType::Tags)), Some(json!(["Web", "done"])));
    assert_eq!(converted(&json!(["web", "x"]), &of(ColumnType::Tags), &dropdown()), Some(json!(["o2"])));
    assert_eq!(converted(&json!("l3"), &status(), &of(ColumnType::Tags)), Some(json!(["Done"])));
    assert_eq!(converted(&json!(true), &of(ColumnType::Checkbox), &number), None);
    assert_eq!(converted(&json!(3), &number, &of(ColumnType::AutoNumber)), None);
    assert_eq!(converted(&Value::Null, &number, &rating), None);
}

#[test]
fn same_type_follows_names_then_ids() {
    let other =
        column(ColumnType::Status, json!({"labels": [{"id": "x1", "name": "done"}, {"id": "l2", "name": "Blocked"}]}));
    assert_eq!(converted(&json!("l3"), &status(), &other), Some(json!("x1")), "by name");
    assert_eq!(converted(&json!("l2"), &status(), &other), Some(json!("l2")), "renamed, same id");
    assert_eq!(converted(&json!("l1"), &status(), &other), None);
    let small = column(ColumnType::Rating, json!({"max": 3}));
    assert_eq!(converted(&json!(5), &of(ColumnType::Rating), &small), None);
    assert_eq!(converted(&json!(2), &of(ColumnType::Rating), &small), Some(json!(2)));
}
