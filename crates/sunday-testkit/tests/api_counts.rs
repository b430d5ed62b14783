//! Counts through the API, on both backends: a query's counts per group, their footers and
//! their splits, over every match and not only the page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use serde_json::{json, Value};
use sunday_testkit::{backend_tests, board, column_id, expect_error, expect_json, TestApp};

backend_tests!(group_footers_add_up_every_item_of_the_group, splits_count_each_group_again_by_a_second_column);

/// The board's group ids, and the label ids of its status column `status`.
fn groups_and_labels(b: &Value, status: &str) -> (Vec<String>, Vec<String>) {
    let ids = |list: &Value| -> Vec<String> {
        list.as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap().to_owned()).collect()
    };
    let status_col = b["columns"].as_array().unwrap().iter().find(|c| c["id"] == status).unwrap();
    (ids(&b["groups"]), ids(&status_col["settings"]["labels"]))
}

/// Per group: items, the sum of a number column, items with a number, items per label.
type Totals = BTreeMap<String, (usize, f64, usize, BTreeMap<String, usize>)>;

/// Each group's footers (`footers: true`) add up every item of the group, not only the page:
/// a number column's sum, a status column's items per label and a date column's earliest and
/// latest day, over a filter's matches too,
/// with an edit in the next answer; asked for without `group_by`, they are refused.
async fn group_footers_add_up_every_item_of_the_group(app: TestApp) {
    let u = app.signup("footers@example.com").await;
    let b = board(&app, &u, Some("project_tracker")).await;
    let bid = b["id"].as_str().unwrap();
    let (status, budget) = (column_id(&b, "Status"), column_id(&b, "Budget"));
    let (groups, labels) = groups_and_labels(&b, &status);
    let rows: Vec<Value> = (0..600)
        .map(|i| {
            let label = if i % 5 == 0 { Value::Null } else { json!(labels[i % labels.len()]) };
            json!({"name": format!("Cost {i}"), "group_id": groups[i % groups.len()], "values": {&status: label, &budget: i}})
        })
        .collect();
    for chunk in rows.chunks(300) {
        let r = app.post(&format!("/api/v1/boards/{bid}/items/bulk"), &u.token, json!({"items": chunk}));
        expect_json(r.send().await.unwrap(), 201).await;
    }
    let query = |body: Value| {
        let app = &app;
        let token = u.token.clone();
        async move {
            expect_json(app.post(&format!("/api/v1/boards/{bid}/items/query"), &token, body).send().await.unwrap(), 200)
                .await
        }
    };
    // What the footers should say, added up here from every matching item (read page by page).
    let expected = |filter: Value| {
        let query = &query;
        let (status, budget) = (status.clone(), budget.clone());
        async move {
            let mut want = Totals::default();
            let mut cursor = Value::Null;
            loop {
                let page = query(json!({"filter": filter, "limit": 500, "cursor": cursor})).await;
                for item in page["data"].as_array().unwrap() {
                    let g = want.entry(item["group_id"].as_str().unwrap().to_owned()).or_default();
                    g.0 += 1;
                    if let Some(n) = item["values"][&budget].as_f64() {
                        g.1 += n;
                        g.2 += 1;
                    }
                    if let Some(l) = item["values"][&status].as_str() {
                        *g.3.entry(l.to_owned()).or_default() += 1;
                    }
                }
                cursor = page["next_cursor"].clone();
                if cursor.is_null() {
                    return want;
                }
            }
        }
    };
    let footers = |filter: Value| {
        let query = &query;
        let (status, budget) = (status.clone(), budget.clone());
        async move {
            let answer = query(json!({"filter": filter, "group_by": "group", "footers": true, "limit": 1})).await;
            assert_eq!(answer["data"].as_array().unwrap().len(), 1, "a page of one");
            let mut got = Totals::default();
            for g in answer["groups"].as_array().unwrap() {
                let f = g["footers"].as_array().unwrap();
                let sum = f.iter().find(|x| x["column_id"] == budget.as_str()).unwrap();
                let by_label = f.iter().find(|x| x["column_id"] == status.as_str()).unwrap();
                assert_eq!((sum["kind"].as_str(), by_label["kind"].as_str()), (Some("sum"), Some("labels")));
                let labels = by_label["labels"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_u64().unwrap() as usize));
                got.insert(
                    g["key"].as_str().unwrap().to_owned(),
                    (
                        g["count"].as_u64().unwrap() as usize,
                        sum["sum"].as_f64().unwrap(),
                        sum["values"].as_u64().unwrap() as usize,
                        labels.collect(),
                    ),
                );
            }
            got
        }
    };
    let all = footers(Value::Null).await;
    assert_eq!(all, expected(Value::Null).await);
    assert!(all.values().map(|g| g.0).sum::<usize>() >= 600, "every item counted: {all:?}");
    let some = json!({"column": budget, "op": "gt", "value": 400});
    let filtered = footers(some.clone()).await;
    assert_eq!(filtered, expected(some.clone()).await);
    assert!(filtered.values().map(|g| g.0).sum::<usize>() < 600);

    // An edit is in the next answer.
    let page = query(json!({"filter": some, "limit": 1})).await;
    let item = &page["data"][0];
    let before = item["values"][&budget].as_f64().unwrap();
    let r = app.patch(
        &format!("/api/v1/items/{}", item["id"].as_str().unwrap()),
        &u.token,
        json!({"values": {&budget: before + 1000.0}}),
    );
    expect_json(r.send().await.unwrap(), 200).await;
    let after = footers(Value::Null).await;
    let group = item["group_id"].as_str().unwrap();
    assert_eq!(after[group].1, all[group].1 + 1000.0);

    // A date column's footer: its earliest and latest day in each group.
    let due = column_id(&b, "Due date");
    let days: Vec<Value> = (0..20).map(|i| json!({"name": format!("Dated {i}"), "group_id": groups[0], "values": {&due: format!("2026-03-{:02}", i + 5)}})).collect();
    expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items/bulk"), &u.token, json!({"items": days})).send().await.unwrap(),
        201,
    )
    .await;
    let mut want: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut cursor = Value::Null;
    loop {
        let page = query(json!({"limit": 500, "cursor": cursor})).await;
        for item in page["data"].as_array().unwrap() {
            if let Some(d) = item["values"][&due].as_str() {
                let g =
                    want.entry(item["group_id"].as_str().unwrap().to_owned()).or_insert((d.to_owned(), d.to_owned()));
                g.0 = g.0.clone().min(d.to_owned());
                g.1 = g.1.clone().max(d.to_owned());
            }
        }
        cursor = page["next_cursor"].clone();
        if cursor.is_null() {
            break;
        }
    }
    assert!(want[&groups[0]].0.as_str() <= "2026-03-05" && want[&groups[0]].1.as_str() >= "2026-03-24");
    let answer = query(json!({"group_by": "group", "footers": true, "limit": 1})).await;
    for g in answer["groups"].as_array().unwrap() {
        let f = g["footers"].as_array().unwrap().iter().find(|x| x["column_id"] == due.as_str()).unwrap();
        assert_eq!(f["kind"], "dates");
        let got = (f["earliest"].as_str().map(str::to_owned), f["latest"].as_str().map(str::to_owned));
        let expected = want.get(g["key"].as_str().unwrap()).map(|(a, b)| (Some(a.clone()), Some(b.clone())));
        assert_eq!(got, expected.unwrap_or((None, None)), "group {}", g["key"]);
    }

    let r = app.post(&format!("/api/v1/boards/{bid}/items/query"), &u.token, json!({"footers": true}));
    let e = expect_error(r.send().await.unwrap(), 400, "validation_failed").await;
    assert_eq!(
        (e["details"]["field"].as_str(), e["details"]["rule"].as_str()),
        (Some("footers"), Some("requires_group_by"))
    );
}

/// `split_by` counts each group's items again by a second column (a stacked chart's parts),
/// with footers per part, over every match: grouped by status and split by group, grouped by
/// the day of a date column and split by status; asked for without `group_by`, refused.
async fn splits_count_each_group_again_by_a_second_column(app: TestApp) {
    let u = app.signup("splits@example.com").await;
    let b = board(&app, &u, Some("project_tracker")).await;
    let bid = b["id"].as_str().unwrap();
    let (status, budget, due) = (column_id(&b, "Status"), column_id(&b, "Budget"), column_id(&b, "Due date"));
    let (groups, labels) = groups_and_labels(&b, &status);
    let rows: Vec<Value> = (0..700)
        .map(|i| {
            let label = if i % 7 == 0 { Value::Null } else { json!(labels[i % labels.len()]) };
            let day = if i % 4 == 0 { Value::Null } else { json!(format!("2026-04-{:02}", i % 9 + 1)) };
            json!({"name": format!("Part {i}"), "group_id": groups[i % groups.len()],
                   "values": {&status: label, &budget: i % 13, &due: day}})
        })
        .collect();
    for chunk in rows.chunks(350) {
        let r = app.post(&format!("/api/v1/boards/{bid}/items/bulk"), &u.token, json!({"items": chunk}));
        expect_json(r.send().await.unwrap(), 201).await;
    }
    let query = |body: Value| {
        let (app, token) = (&app, u.token.clone());
        async move {
            expect_json(app.post(&format!("/api/v1/boards/{bid}/items/query"), &token, body).send().await.unwrap(), 200)
                .await
        }
    };
    // Every item of the board (the template's too), read page by page.
    let mut items = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let page = query(json!({"limit": 500, "cursor": cursor})).await;
        items.extend(page["data"].as_array().unwrap().iter().cloned());
        cursor = page["next_cursor"].clone();
        if cursor.is_null() {
            break;
        }
    }
    let key = |item: &Value, by: &str| match by {
        "group" => item["group_id"].as_str().unwrap().to_owned(),
        col => item["values"][col].as_str().map(|s| s[..s.len().min(10)].to_owned()).unwrap_or_default(),
    };
    /// Items and the budget's sum per (group, part).
    type Parts = BTreeMap<(String, String), (u64, f64)>;
    for (by, split) in [(status.as_str(), "group"), (due.as_str(), status.as_str())] {
        let mut want = Parts::new();
        for item in &items {
            let part = want.entry((key(item, by), key(item, split))).or_default();
            part.0 += 1;
            part.1 += item["values"][&budget].as_f64().unwrap_or(0.0);
        }
        let answer = query(json!({"group_by": by, "split_by": split, "footers": true, "limit": 1})).await;
        let mut got = Parts::new();
        for g in answer["groups"].as_array().unwrap() {
            let parts = g["splits"].as_array().unwrap();
            let in_parts: u64 = parts.iter().map(|p| p["count"].as_u64().unwrap()).sum();
            assert_eq!(in_parts, g["count"].as_u64().unwrap(), "one value each: the parts add up to the group");
            for p in parts {
                let sum = p["footers"].as_array().unwrap().iter().find(|f| f["column_id"] == budget.as_str()).unwrap();
                got.insert(
                    (g["key"].as_str().unwrap().to_owned(), p["key"].as_str().unwrap().to_owned()),
                    (p["count"].as_u64().unwrap(), sum["sum"].as_f64().unwrap()),
                );
            }
        }
        assert_eq!(got, want, "grouped by {by}, split by {split}");
    }
    // Days are keys: the date column's groups are the seeded days and "" for none.
    let answer = query(json!({"group_by": due, "limit": 1})).await;
    let days: Vec<&str> = answer["groups"].as_array().unwrap().iter().map(|g| g["key"].as_str().unwrap()).collect();
    assert!(days.contains(&"2026-04-01") && days.contains(&""), "{days:?}");

    let r = app.post(&format!("/api/v1/boards/{bid}/items/query"), &u.token, json!({"split_by": status}));
    let e = expect_error(r.send().await.unwrap(), 400, "validation_failed").await;
    assert_eq!(
        (e["details"]["field"].as_str(), e["details"]["rule"].as_str()),
        (Some("split_by"), Some("requires_group_by"))
    );
    let r = app.post(
        &format!("/api/v1/boards/{bid}/items/query"),
        &u.token,
        json!({"group_by": "group", "split_by": "nope"}),
    );
    let e = expect_error(r.send().await.unwrap(), 400, "validation_failed").await;
    assert_eq!(
        (e["details"]["field"].as_str(), e["details"]["rule"].as_str()),
        (Some("split_by"), Some("unknown_column"))
    );
}
