//! Dependency columns through the API, on both stores: predecessors are items of the board,
//! never the item itself or a cycle; moving an item's dates moves its dependents (keep_gap and
//! strict), each move an item change in the same commit; the date column is protected.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use sunday_testkit::{backend_tests, board, expect_error, expect_json, Session, TestApp};

backend_tests!(moving_dates_moves_dependents);

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn timeline_of(app: &TestApp, u: &Session, item: &str, col: &str) -> Value {
    expect_json(app.get(&format!("/api/v1/items/{item}"), &u.token).send().await.unwrap(), 200).await["values"][col]
        .clone()
}

async fn moving_dates_moves_dependents(app: TestApp) {
    let u = app.signup("deps@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = id(&b);
    let col = |title: &str, ty: &str, settings: Value| {
        let body = json!({"title": title, "type": ty, "settings": settings});
        let req = app.post(&format!("/api/v1/boards/{bid}/columns"), &u.token, body);
        async move { id(&expect_json(req.send().await.unwrap(), 201).await) }
    };
    let tl = col("Timeline", "timeline", json!({})).await;
    // The date column must be a date or timeline column.
    let bad = json!({"title": "Deps", "type": "dependency", "settings": {"date_column_id": id(&b["columns"][0])}});
    let e = expect_error(
        app.post(&format!("/api/v1/boards/{bid}/columns"), &u.token, bad).send().await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(e["details"]["rule"], "not_a_date_column", "{e}");
    let dep = col("Depends on", "dependency", json!({"date_column_id": tl, "mode": "keep_gap"})).await;
    let create = |name: &str, from: &str, to: &str, preds: Vec<&String>| {
        let body = json!({"name": name, "values": {tl.clone(): {"from": from, "to": to}, dep.clone(): preds}});
        let req = app.post(&format!("/api/v1/boards/{bid}/items"), &u.token, body);
        async move { id(&expect_json(req.send().await.unwrap(), 201).await) }
    };
    let a = create("A", "2026-01-01", "2026-01-05", vec![]).await;
    let bb = create("B", "2026-01-06", "2026-01-07", vec![&a]).await;
    let c = create("C", "2026-01-10", "2026-01-10", vec![&bb]).await;
    let patch =
        |item: &String, values: Value| app.patch(&format!("/api/v1/items/{item}"), &u.token, json!({"values": values}));
    // Predecessors are items of this board, never the item itself, never a cycle.
    for (values, rule) in [
        (json!({dep.clone(): [a.clone()]}), "dependency_cycle"),
        (json!({dep.clone(): [c.clone()]}), "dependency_cycle"),
        (json!({dep.clone(): ["01900000-0000-7000-8000-000000000000"]}), "unknown_item"),
    ] {
        let e = expect_error(patch(&a, values).send().await.unwrap(), 400, "validation_failed").await;
        assert_eq!(e["details"]["rule"], rule, "{e}");
    }
    // A ends three days later: B and C move three days, in the same commit.
    let before = expect_json(app.get(&format!("/api/v1/boards/{bid}"), &u.token).send().await.unwrap(), 200).await
        ["last_seq"]
        .as_i64();
    expect_json(patch(&a, json!({tl.clone(): {"from": "2026-01-04", "to": "2026-01-08"}})).send().await.unwrap(), 200)
        .await;
    assert_eq!(timeline_of(&app, &u, &bb, &tl).await, json!({"from": "2026-01-09", "to": "2026-01-10"}));
    assert_eq!(timeline_of(&app, &u, &c, &tl).await, json!({"from": "2026-01-13", "to": "2026-01-13"}));
    let log =
        expect_json(app.get(&format!("/api/v1/boards/{bid}/activity"), &u.token).send().await.unwrap(), 200).await;
    let newest: Vec<&Value> = log["data"].as_array().unwrap().iter().take(3).collect();
    let items: Vec<&str> = newest.iter().map(|e| e["item_id"].as_str().unwrap()).collect();
    assert!(items.contains(&bb.as_str()) && items.contains(&c.as_str()) && items.contains(&a.as_str()), "{log}");
    let before = before.expect("a board says its last seq");
    let seqs: Vec<i64> = newest.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.iter().all(|s| *s > before), "three ordinary events: {seqs:?}");
    // Strict: a new predecessor moves the item right after it ends, and on down the chain.
    let r = app.patch(
        &format!("/api/v1/boards/{bid}/columns/{dep}"),
        &u.token,
        json!({"settings": {"date_column_id": tl, "mode": "strict", "lag_days": 1}}),
    );
    expect_json(r.send().await.unwrap(), 200).await;
    let d = create("D", "2026-01-01", "2026-01-02", vec![]).await;
    expect_json(patch(&d, json!({dep.clone(): [c.clone()]})).send().await.unwrap(), 200).await;
    assert_eq!(
        timeline_of(&app, &u, &d, &tl).await,
        json!({"from": "2026-01-15", "to": "2026-01-16"}),
        "C ends on the 13th, lag 1"
    );
    // Pulling A earlier pulls its strict dependents with it.
    expect_json(patch(&a, json!({tl.clone(): {"from": "2026-01-01", "to": "2026-01-02"}})).send().await.unwrap(), 200)
        .await;
    assert_eq!(timeline_of(&app, &u, &bb, &tl).await, json!({"from": "2026-01-04", "to": "2026-01-05"}));
    assert_eq!(timeline_of(&app, &u, &c, &tl).await, json!({"from": "2026-01-07", "to": "2026-01-07"}));
    assert_eq!(timeline_of(&app, &u, &d, &tl).await, json!({"from": "2026-01-09", "to": "2026-01-10"}));
    // Dependencies filter like a dropdown of item ids.
    let q = json!({"filter": {"column": dep, "op": "any_of", "value": [a]}});
    let found =
        expect_json(app.post(&format!("/api/v1/boards/{bid}/items/query"), &u.token, q).send().await.unwrap(), 200)
            .await;
    assert_eq!(
        found["data"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect::<Vec<_>>(),
        ["B"]
    );
    // A copy of the board depends on its own items and moves its own dates.
    let copy = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/duplicate"), &u.token, json!({"with_items": true}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    let copy_dep = sunday_testkit::column_id(&copy, "Depends on");
    let copy_tl = sunday_testkit::column_id(&copy, "Timeline");
    let dep_settings =
        copy["columns"].as_array().unwrap().iter().find(|c| c["id"] == copy_dep.as_str()).unwrap()["settings"].clone();
    assert_eq!(dep_settings["date_column_id"], copy_tl.as_str(), "{dep_settings}");
    let copied =
        expect_json(app.get(&format!("/api/v1/boards/{}/items", id(&copy)), &u.token).send().await.unwrap(), 200).await;
    let by_name = |n: &str| copied["data"].as_array().unwrap().iter().find(|i| i["name"] == n).unwrap().clone();
    assert_eq!(by_name("B")["values"][&copy_dep], json!({"item_ids": [by_name("A")["id"]]}));
    // The date column they move cannot go away under them.
    let e = expect_error(
        app.delete(&format!("/api/v1/boards/{bid}/columns/{tl}"), &u.token).send().await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(e["details"]["rule"], "used_by_dependency");
}
