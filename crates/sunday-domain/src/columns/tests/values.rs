use serde_json::json;
use sunday_types::UserId;

use super::*;

#[test]
fn null_clears_and_read_only_columns_refuse_everything() {
    let text = column(ColumnType::Text, json!({}));
    assert_eq!(ok(&text, Value::Null), None);
    for ty in ColumnType::ALL.into_iter().filter(|t| !is_written(*t)) {
        let col = column(ty, json!({}));
        assert_eq!(rule(&col, json!(1)), "read_only");
        assert_eq!(rule(&col, Value::Null), "read_only");
    }
}

#[test]
fn text() {
    let col = column(ColumnType::Text, json!({}));
    assert_eq!(ok(&col, json!("  Call Ada ")), Some(json!("Call Ada")));
    assert_eq!(ok(&col, json!("   ")), None);
    assert_eq!(ok(&col, json!("é".repeat(2_000))), Some(json!("é".repeat(2_000))));
    assert_eq!(rule(&col, json!("x".repeat(2_001))), "max_length");
    assert_eq!(rule(&col, json!("two\nlines")), "single_line");
    assert_eq!(rule(&col, json!(12)), "type");
    let e = normalize_value(&col, &json!(12), &ANY_USER).unwrap_err();
    assert!(e.message.contains("expects a single line of text"), "{}", e.message);
}

#[test]
fn long_text() {
    let col = column(ColumnType::LongText, json!({}));
    assert_eq!(ok(&col, json!("a\r\nb\rc\n")), Some(json!("a\nb\nc\n")));
    assert_eq!(ok(&col, json!("\n \n")), None);
    assert!(ok(&col, json!("x".repeat(50_000))).is_some());
    assert_eq!(rule(&col, json!("x".repeat(50_001))), "max_length");
    assert_eq!(rule(&col, json!(["a"])), "type");
}

#[test]
fn number() {
    let col = column(ColumnType::Number, json!({}));
    assert_eq!(ok(&col, json!(12.5)), Some(json!(12.5)));
    assert_eq!(ok(&col, json!(-3)), Some(json!(-3)));
    assert_eq!(ok(&col, json!(4.0)), Some(json!(4)), "whole floats are stored as integers");
    assert_eq!(ok(&col, json!(0.1234567)), Some(json!(0.1234567)), "never rounded to the shown decimals");
    assert_eq!(ok(&col, json!(1e300)), Some(json!(1e300)));
    assert_eq!(rule(&col, json!("12.5")), "type");
    assert_eq!(rule(&col, json!(true)), "type");
    let e = normalize_value(&col, &json!("12.5"), &ANY_USER).unwrap_err();
    assert!(e.message.contains("expects a number"), "{}", e.message);
}

#[test]
fn status() {
    let col = column(ColumnType::Status, json!({}));
    assert_eq!(ok(&col, json!("l3")), Some(json!("l3")));
    assert_eq!(rule(&col, json!("l4")), "unknown_label");
    assert_eq!(rule(&col, json!("Done")), "unknown_label", "names are not ids");
    assert_eq!(rule(&col, json!(["l1"])), "type");
    let e = normalize_value(&col, &json!("l4"), &ANY_USER).unwrap_err();
    assert!(e.message.contains("l3 (Done)"), "the message lists the labels: {}", e.message);
}

#[test]
fn dropdown() {
    let col = column(ColumnType::Dropdown, json!({"options": [{"name": "Web"}, {"name": "iOS"}, {"name": "Android"}]}));
    assert_eq!(ok(&col, json!(["o3", "o1", "o3"])), Some(json!(["o3", "o1"])));
    assert_eq!(ok(&col, json!([])), None);
    assert_eq!(rule(&col, json!(["o1", "o9"])), "unknown_option");
    assert_eq!(rule(&col, json!("o1")), "type");
    assert_eq!(rule(&col, json!([1])), "type");
}

#[test]
fn date() {
    let col = column(ColumnType::Date, json!({}));
    assert_eq!(ok(&col, json!("2026-11-27")), Some(json!("2026-11-27")));
    assert_eq!(ok(&col, json!("2026-11-27T10:00:00Z")), Some(json!("2026-11-27T10:00:00Z")));
    assert_eq!(ok(&col, json!("2026-11-27T10:00:00.750+02:00")), Some(json!("2026-11-27T08:00:00Z")));
    assert_eq!(ok(&col, json!("2026-01-01T01:00:00+05:00")), Some(json!("2025-12-31T20:00:00Z")));
    for bad in ["2026-02-30", "2026-1-5", "27/11/2026", "2026-11-27T10:00", "2026-11-27 10:00:00", "", "0000-01-01"] {
        assert_eq!(rule(&col, json!(bad)), "date_format", "{bad}");
    }
    assert_eq!(rule(&col, json!(20261127)), "type");
}

#[test]
fn timeline() {
    let col = column(ColumnType::Timeline, json!({}));
    let tl = |from: &str, to: &str| json!({"from": from, "to": to});
    assert_eq!(ok(&col, tl("2026-11-01", "2026-11-27")), Some(tl("2026-11-01", "2026-11-27")));
    assert_eq!(ok(&col, tl("2026-11-27", "2026-11-27")), Some(tl("2026-11-27", "2026-11-27")));
    assert_eq!(
        ok(&col, tl("2026-11-27T09:00:00+01:00", "2026-11-27")),
        Some(tl("2026-11-27T08:00:00Z", "2026-11-27")),
        "a date-only end covers its whole day"
    );
    assert_eq!(rule(&col, tl("2026-11-28", "2026-11-27")), "range");
    assert_eq!(rule(&col, tl("2026-11-27T10:00:00Z", "2026-11-27T09:00:00Z")), "range");
    assert_eq!(rule(&col, tl("2026-11-01", "soon")), "date_format");
    assert_eq!(rule(&col, json!({"from": "2026-11-01"})), "type");
    assert_eq!(rule(&col, json!({"from": "2026-11-01", "to": "2026-11-02", "x": 1})), "type");
    assert_eq!(rule(&col, json!(["2026-11-01", "2026-11-02"])), "type");
}

#[test]
fn people() {
    let col = column(ColumnType::People, json!({}));
    let (ada, bob, eve) = (UserId::new(), UserId::new(), UserId::new());
    let members = [ada, bob];
    let is_member = |u: &UserId| members.contains(u);
    let ctx = ValueContext { is_org_member: &is_member };
    let upper = ada.to_string().to_uppercase();
    let got = normalize_value(&col, &json!([upper, bob.to_string(), ada.to_string()]), &ctx).unwrap();
    assert_eq!(got, Some(CellValue::People(vec![ada, bob])));
    assert_eq!(normalize_value(&col, &json!([]), &ctx).unwrap(), None);
    let e = normalize_value(&col, &json!([ada.to_string(), eve.to_string()]), &ctx).unwrap_err();
    assert_eq!(serde_json::to_value(e.details).unwrap()["rule"], "not_a_member");
    assert!(e.message.contains(&eve.to_string()));
    let e = normalize_value(&col, &json!(["ada"]), &ctx).unwrap_err();
    assert_eq!(serde_json::to_value(e.details).unwrap()["rule"], "invalid_user");
    assert_eq!(rule(&col, json!(ada.to_string())), "type");
}

#[test]
fn checkbox() {
    let col = column(ColumnType::Checkbox, json!({}));
    assert_eq!(ok(&col, json!(true)), Some(json!(true)));
    assert_eq!(ok(&col, json!(false)), None, "unchecked is absent");
    assert_eq!(rule(&col, json!("true")), "type");
    assert_eq!(rule(&col, json!(1)), "type");
}

#[test]
fn rating() {
    let col = column(ColumnType::Rating, json!({"max": 3}));
    assert_eq!(ok(&col, json!(3)), Some(json!(3)));
    assert_eq!(ok(&col, json!(2.0)), Some(json!(2)));
    assert_eq!(ok(&col, json!(0)), None);
    assert_eq!(rule(&col, json!(4)), "range");
    assert_eq!(rule(&col, json!(-1)), "range");
    assert_eq!(rule(&col, json!(2.5)), "type");
    assert_eq!(rule(&col, json!("2")), "type");
    let e = normalize_value(&col, &json!(4), &ANY_USER).unwrap_err();
    assert!(e.message.contains("from 0 to 3"), "{}", e.message);
}

#[test]
fn link() {
    let col = column(ColumnType::Link, json!({}));
    assert_eq!(
        ok(&col, json!({"url": " HTTPS://example.com/a?b=c#d ", "text": " Spec "})),
        Some(json!({"url": "https://example.com/a?b=c#d", "text": "Spec"}))
    );
    assert_eq!(
        ok(&col, json!({"url": "http://localhost:8080"})),
        Some(json!({"url": "http://localhost:8080", "text": null}))
    );
    assert_eq!(
        ok(&col, json!({"url": "http://[::1]:80/x", "text": ""})),
        Some(json!({"url": "http://[::1]:80/x", "text": null}))
    );
    assert!(ok(&col, json!({"url": "https://bücher.de/"})).is_some());
    for bad in [
        "ftp://example.com",
        "javascript:alert(1)",
        "https://",
        "https:///path",
        "https://exa mple.com",
        "example.com",
        "https://example..com",
        "https://example.com:port",
    ] {
        assert_eq!(rule(&col, json!({ "url": bad })), "url", "{bad}");
    }
    assert_eq!(rule(&col, json!({"url": format!("https://e.com/{}", "a".repeat(2_000))})), "url");
    assert_eq!(rule(&col, json!({"url": "https://e.com", "text": "t".repeat(201)})), "max_length");
    assert_eq!(rule(&col, json!("https://e.com")), "type");
    assert_eq!(rule(&col, json!({"href": "https://e.com"})), "type");
    assert_eq!(rule(&col, json!({"url": "https://e.com", "text": 1})), "type");
}

#[test]
fn email() {
    let col = column(ColumnType::Email, json!({}));
    assert_eq!(ok(&col, json!(" Ada@Example.COM ")), Some(json!("ada@example.com")));
    assert_eq!(ok(&col, json!("")), None);
    assert_eq!(rule(&col, json!("ada@")), "email");
    assert_eq!(rule(&col, json!("not an email")), "email");
    assert_eq!(rule(&col, json!({"email": "a@b.c"})), "type");
}

#[test]
fn phone() {
    let col = column(ColumnType::Phone, json!({}));
    assert_eq!(ok(&col, json!("+49 (30) 123-456")), Some(json!("+4930123456")));
    assert_eq!(ok(&col, json!("+1234567")), Some(json!("+1234567")));
    assert_eq!(ok(&col, json!("+123456789012345")), Some(json!("+123456789012345")));
    for bad in ["030 123456", "+123456", "+1234567890123456", "+49 30 12a456", "+0301234567", "++4930123456"] {
        assert_eq!(rule(&col, json!(bad)), "phone", "{bad}");
    }
    assert_eq!(rule(&col, json!(4930123456u64)), "type");
}

#[test]
fn tags() {
    let col = column(ColumnType::Tags, json!({}));
    assert_eq!(ok(&col, json!([" urgent ", "Q4", "URGENT"])), Some(json!(["urgent", "Q4"])));
    assert_eq!(ok(&col, json!([])), None);
    assert_eq!(rule(&col, json!(["ok", " "])), "required");
    assert_eq!(rule(&col, json!(["x".repeat(51)])), "max_length");
    assert!(ok(&col, json!(["x".repeat(50)])).is_some());
    let fifty_one: Vec<String> = (0..51).map(|i| format!("t{i}")).collect();
    assert_eq!(rule(&col, json!(fifty_one)), "max_items");
    let fifty_dupes: Vec<String> = (0..60).map(|i| format!("t{}", i % 50)).collect();
    assert_eq!(ok(&col, json!(fifty_dupes)).unwrap().as_array().unwrap().len(), 50, "counted after dedup");
    assert_eq!(rule(&col, json!("urgent")), "type");
    assert_eq!(rule(&col, json!([1])), "type");
}

#[test]
fn wrong_json_types_name_the_column_and_the_expected_shape() {
    for ty in ColumnType::ALL.into_iter().filter(|t| is_written(*t)) {
        let col = column(ty, json!({}));
        let wrong = if ty == ColumnType::Checkbox { json!("yes") } else { json!({"nope": 1}) };
        let e = normalize_value(&col, &wrong, &ANY_USER).unwrap_err();
        assert_eq!(serde_json::to_value(&e.details).unwrap()["rule"], "type", "{ty:?}");
        assert!(e.message.starts_with(&format!("column \"{}\" expects ", col.title)), "{ty:?}: {}", e.message);
    }
    let dd = column(ColumnType::Dropdown, json!({}));
    let e = normalize_value(&dd, &json!(["o1"]), &ANY_USER).unwrap_err();
    assert!(e.message.contains("expects an array of the ids of its options"), "{}", e.message);
}
