//! `matches` per operator and column type, on hand-made items.

use serde_json::json;
use sunday_types::boards::ColumnType as T;

use super::{blank, check, cid, ctx_utc, groups, on, users, with};
use crate::filter::{matches, EvalContext, Filter};

#[test]
fn text_matching_is_case_insensitive_unicode() {
    let item = with(T::Text, json!("Ünïcode Straße LAUNCH"));
    assert!(on(&item, T::Text, "contains", json!("straße")));
    assert!(on(&item, T::Text, "contains", json!("launch")));
    assert!(on(&item, T::Text, "starts_with", json!("üNÏ")));
    assert!(!on(&item, T::Text, "starts_with", json!("straße")));
    assert!(on(&item, T::Text, "eq", json!("ünïcode straße launch")));
    assert!(!on(&item, T::Text, "eq", json!("ünïcode")));
    assert!(on(&item, T::Text, "neq", json!("ünïcode")));
    assert!(on(&item, T::Text, "not_contains", json!("plan")));
    assert!(!on(&item, T::Text, "not_contains", json!("CODE")));
    assert!(on(&item, T::Text, "is_not_empty", json!(null)));
}

#[test]
fn empty_text_fails_positive_operators_and_passes_negative_ones() {
    for item in [blank("x"), with(T::Text, json!("")), with(T::Text, json!(null)), with(T::Text, json!(7))] {
        assert!(on(&item, T::Text, "is_empty", json!(null)));
        assert!(!on(&item, T::Text, "is_not_empty", json!(null)));
        assert!(!on(&item, T::Text, "contains", json!("a")));
        assert!(on(&item, T::Text, "not_contains", json!("a")));
        assert!(on(&item, T::Text, "neq", json!("a")));
    }
}

#[test]
fn name_email_phone_and_long_text_are_text() {
    let ctx = ctx_utc();
    assert!(check(&blank("Launch plan"), "name", "starts_with", json!("LAUNCH"), &ctx));
    assert!(check(&blank("Launch plan"), "name", "is_not_empty", json!(null), &ctx));
    assert!(on(&with(T::Email, json!("ada@example.com")), T::Email, "contains", json!("@EXAMPLE")));
    assert!(on(&with(T::Phone, json!("+4930123456")), T::Phone, "starts_with", json!("+49")));
    assert!(on(&with(T::LongText, json!("line one\nline two")), T::LongText, "contains", json!("TWO")));
}

#[test]
fn links_match_on_url_or_text() {
    let item = with(T::Link, json!({"url": "https://sunday.dev/spec", "text": "The Spec"}));
    assert!(on(&item, T::Link, "contains", json!("sunday.dev")));
    assert!(on(&item, T::Link, "eq", json!("the spec")));
    assert!(on(&item, T::Link, "starts_with", json!("https")));
    assert!(!on(&item, T::Link, "not_contains", json!("spec")));
    assert!(on(&item, T::Link, "neq", json!("other")));
    let empty = with(T::Link, json!({"url": "", "text": ""}));
    assert!(on(&empty, T::Link, "is_empty", json!(null)));
}

#[test]
fn numbers_compare_numerically() {
    let item = with(T::Number, json!(12.5));
    let yes = [
        ("eq", json!(12.5)),
        ("neq", json!(12)),
        ("gt", json!(12)),
        ("gte", json!(12.5)),
        ("lt", json!(13)),
        ("lte", json!(12.5)),
        ("between", json!([12.5, 20])),
        ("any_of", json!([1, 12.5])),
        ("none_of", json!([1, 2])),
        ("is_not_empty", json!(null)),
    ];
    for (op, v) in yes {
        assert!(on(&item, T::Number, op, v.clone()), "12.5 {op} {v}");
    }
    let no = [("gt", json!(12.5)), ("lt", json!(12.5)), ("between", json!([13, 20])), ("any_of", json!([]))];
    for (op, v) in no {
        assert!(!on(&item, T::Number, op, v.clone()), "12.5 {op} {v}");
    }
    let empty = blank("x");
    assert!(!on(&empty, T::Number, "lt", json!(1e9)));
    assert!(on(&empty, T::Number, "neq", json!(0)));
    assert!(on(&empty, T::Number, "none_of", json!([0])));
    assert!(on(&with(T::Rating, json!(4)), T::Rating, "gte", json!(4)));
}

#[test]
fn auto_number_item_id_and_group_come_from_the_item() {
    let mut item = blank("x");
    item.auto_number = 42;
    item.group_id = groups()[1];
    let ctx = ctx_utc();
    assert!(on(&item, T::AutoNumber, "between", json!([40, 42])));
    assert!(!on(&item, T::AutoNumber, "is_empty", json!(null)));
    assert!(on(&item, T::ItemId, "eq", json!(item.id.to_string())));
    assert!(on(&item, T::ItemId, "any_of", json!([groups()[0].to_string(), item.id.to_string()])));
    assert!(!on(&item, T::ItemId, "any_of", json!([])));
    assert!(check(&item, "group", "eq", json!(groups()[1].to_string()), &ctx));
    assert!(check(&item, "group", "neq", json!(groups()[0].to_string()), &ctx));
    assert!(check(&item, "group", "any_of", json!([groups()[0].to_string(), groups()[1].to_string()]), &ctx));
    assert!(!check(&item, "group", "none_of", json!([groups()[1].to_string()]), &ctx));
}

#[test]
fn status_matches_label_ids() {
    let item = with(T::Status, json!("stuck"));
    assert!(on(&item, T::Status, "eq", json!("stuck")));
    assert!(on(&item, T::Status, "neq", json!("done")));
    assert!(on(&item, T::Status, "any_of", json!(["done", "stuck"])));
    assert!(!on(&item, T::Status, "none_of", json!(["stuck"])));
    assert!(on(&blank("x"), T::Status, "neq", json!("done")), "'is not Done' lists items without a status");
    assert!(on(&blank("x"), T::Status, "is_empty", json!(null)));
}

#[test]
fn dropdowns_match_option_ids_exactly() {
    let item = with(T::Dropdown, json!(["o2", "o4"]));
    assert!(on(&item, T::Dropdown, "contains", json!("o4")));
    assert!(!on(&item, T::Dropdown, "contains", json!("o1")));
    assert!(!on(&item, T::Dropdown, "contains", json!("O4")));
    assert!(on(&item, T::Dropdown, "any_of", json!(["o1", "o2"])));
    assert!(on(&item, T::Dropdown, "none_of", json!(["o1", "o3"])));
    assert!(!on(&item, T::Dropdown, "none_of", json!(["o4"])));
    assert!(on(&with(T::Dropdown, json!([])), T::Dropdown, "is_empty", json!(null)));
}

#[test]
fn tags_match_case_insensitively() {
    let item = with(T::Tags, json!(["Urgent", "backend"]));
    assert!(on(&item, T::Tags, "contains", json!("urgent")));
    assert!(on(&item, T::Tags, "any_of", json!(["BACKEND"])));
    assert!(on(&item, T::Tags, "none_of", json!(["design"])));
    assert!(on(&blank("x"), T::Tags, "is_empty", json!(null)));
}

#[test]
fn people_resolve_me_from_the_context() {
    let [ada, bob, cy, ..] = users()[..] else { unreachable!() };
    let item = with(T::People, json!([ada.to_string(), bob.to_string()]));
    let as_user = |user| EvalContext { user, ..ctx_utc() };
    let people = cid(T::People);
    assert!(check(&item, &people, "contains", json!("me"), &as_user(Some(bob))));
    assert!(!check(&item, &people, "contains", json!("me"), &as_user(Some(cy))));
    assert!(!check(&item, &people, "contains", json!("me"), &as_user(None)), "no viewer, no me");
    assert!(check(&item, &people, "none_of", json!(["me"]), &as_user(None)));
    assert!(check(&item, &people, "any_of", json!([cy.to_string(), ada.to_string()]), &as_user(None)));
    assert!(check(&item, &people, "none_of", json!([cy.to_string()]), &as_user(None)));
    assert!(check(&blank("x"), &people, "is_empty", json!(null), &as_user(None)));
}

#[test]
fn created_by_matches_users_and_me() {
    let mut item = blank("x");
    item.created_by = users()[2];
    let me = EvalContext { user: Some(users()[2]), ..ctx_utc() };
    assert!(check(&item, "created_by", "eq", json!("me"), &me));
    assert!(!check(&item, "created_by", "eq", json!("me"), &ctx_utc()));
    assert!(check(&item, "created_by", "any_of", json!([users()[2].to_string()]), &ctx_utc()));
    assert!(check(&item, "created_by", "none_of", json!(["me"]), &ctx_utc()));
}

#[test]
fn checkboxes_are_checked_or_empty() {
    let checked = with(T::Checkbox, json!(true));
    for unchecked in [blank("x"), with(T::Checkbox, json!(false))] {
        assert!(on(&unchecked, T::Checkbox, "eq", json!(false)));
        assert!(!on(&unchecked, T::Checkbox, "eq", json!(true)));
        assert!(on(&unchecked, T::Checkbox, "is_empty", json!(null)));
    }
    assert!(on(&checked, T::Checkbox, "eq", json!(true)));
    assert!(!on(&checked, T::Checkbox, "eq", json!(false)));
    assert!(on(&checked, T::Checkbox, "is_not_empty", json!(null)));
}

#[test]
fn and_or_combine_and_empty_groups_are_neutral() {
    let item = with(T::Number, json!(5));
    let ctx = ctx_utc();
    assert!(matches(&Filter::And(vec![]), &item, &ctx));
    assert!(!matches(&Filter::Or(vec![]), &item, &ctx));
    let n = cid(T::Number);
    let parse = |v| crate::filter::parse_filter(&v, &crate::filter::testing::sample_columns()).unwrap();
    let gt = |x: i32| json!({"column": n, "op": "gt", "value": x});
    assert!(matches(&parse(json!({"and": [gt(1), gt(4)]})), &item, &ctx));
    assert!(!matches(&parse(json!({"and": [gt(1), gt(5)]})), &item, &ctx));
    assert!(matches(&parse(json!({"or": [gt(9), gt(4)]})), &item, &ctx));
    assert!(!matches(&parse(json!({"or": [gt(9), {"and": [gt(1), gt(6)]}]})), &item, &ctx));
}
