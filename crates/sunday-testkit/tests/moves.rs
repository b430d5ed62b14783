//! Moving an item to another board, on both stores: by hand and by a recipe; and a recipe's
//! `create_item` on another board carrying the item's values the same way. The item keeps
//! its id and updates, its cells follow into the columns of the same type and title, and both
//! boards' logs tell.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use serde_json::{json, Value};
use sunday_testkit::{backend_tests, board, column_id, expect_error, expect_json, Session, TestApp};

backend_tests!(
    an_item_moves_to_another_board_with_its_updates,
    a_recipe_moves_done_items_to_an_archive_board,
    a_recipe_creates_an_item_elsewhere_with_copied_and_templated_values,
);

fn label(b: &Value, name: &str) -> String {
    let status = b["columns"].as_array().unwrap().iter().find(|c| c["title"] == "Status").unwrap();
    status["settings"]["labels"].as_array().unwrap().iter().find(|l| l["name"] == name).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn item(app: &TestApp, u: &Session, board: &str, body: Value) -> String {
    let r = app.post(&format!("/api/v1/boards/{board}/items"), &u.token, body).send().await.unwrap();
    expect_json(r, 201).await["id"].as_str().unwrap().to_owned()
}

async fn names_on(app: &TestApp, u: &Session, board: &str) -> Vec<String> {
    let page =
        expect_json(app.get(&format!("/api/v1/boards/{board}/items?limit=500"), &u.token).send().await.unwrap(), 200)
            .await;
    page["data"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().to_owned()).collect()
}

async fn an_item_moves_to_another_board_with_its_updates(app: TestApp) {
    let u = app.signup("mover@example.com").await;
    let a = board(&app, &u, Some("project_tracker")).await;
    let b = board(&app, &u, Some("project_tracker")).await;
    let (aid, bid) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    let values = json!({column_id(&a, "Status"): label(&a, "Stuck"), column_id(&a, "Notes"): "keep me", column_id(&a, "Budget"): 40});
    let id = item(&app, &u, aid, json!({"name": "Wanderer", "values": values})).await;
    let posted =
        app.post(&format!("/api/v1/items/{id}/updates"), &u.token, json!({"body": "history"})).send().await.unwrap();
    expect_json(posted, 201).await;
    let path = format!("/api/v1/items/{id}/move-to-board");

    let same = app.post(&path, &u.token, json!({"board_id": aid})).send().await.unwrap();
    assert_eq!(expect_error(same, 400, "validation_failed").await["details"]["rule"], "same_board");
    let stranger = app.signup("mover-stranger@example.com").await;
    let r = app.post(&path, &stranger.token, json!({"board_id": bid})).send().await.unwrap();
    assert_eq!(r.status(), 404, "another organization's item is not there");

    let done_group = b["groups"].as_array().unwrap().iter().find(|g| g["title"] == "Done").unwrap()["id"].clone();
    let moved = expect_json(
        app.post(&path, &u.token, json!({"board_id": bid, "group_id": done_group})).send().await.unwrap(),
        200,
    )
    .await;
    assert_eq!((moved["id"].as_str(), moved["board_id"].as_str()), (Some(id.as_str()), Some(bid)));
    assert_eq!(moved["group_id"], done_group);
    assert_eq!(moved["values"][column_id(&b, "Status")], label(&b, "Stuck"), "a status by its label's name");
    assert_eq!(moved["values"][column_id(&b, "Notes")], "keep me");
    assert_eq!(moved["values"][column_id(&b, "Budget")], 40.0);
    assert!(!names_on(&app, &u, aid).await.contains(&"Wanderer".to_owned()));
    assert!(names_on(&app, &u, bid).await.contains(&"Wanderer".to_owned()));
    let got = expect_json(app.get(&format!("/api/v1/items/{id}"), &u.token).send().await.unwrap(), 200).await;
    assert_eq!(got["board_id"], bid);
    let updates =
        expect_json(app.get(&format!("/api/v1/items/{id}/updates"), &u.token).send().await.unwrap(), 200).await;
    assert_eq!(updates["data"][0]["body"], "history", "updates follow the item");

    // Both logs tell: the source that it left, the target that it arrived.
    let log = |board: &str| app.get(&format!("/api/v1/boards/{board}/activity"), &u.token).send();
    let left = expect_json(log(aid).await.unwrap(), 200).await;
    let left = left["data"].as_array().unwrap().iter().find(|e| e["kind"] == "item_deleted").cloned().unwrap();
    assert_eq!(left["payload"]["moved_to"], bid);
    let arrived = expect_json(log(bid).await.unwrap(), 200).await;
    let arrived = arrived["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "item_created" && e["item_id"] == id.as_str())
        .cloned()
        .unwrap();
    assert_eq!(arrived["payload"]["moved_from"], aid);

    // A subitem moves with its parent; an item with subitems stays (for now).
    let sub =
        app.post(&format!("/api/v1/items/{id}/subitems"), &u.token, json!({"name": "Part"})).send().await.unwrap();
    let sub = expect_json(sub, 201).await["id"].as_str().unwrap().to_owned();
    let r = app
        .post(&format!("/api/v1/items/{sub}/move-to-board"), &u.token, json!({"board_id": aid}))
        .send()
        .await
        .unwrap();
    assert_eq!(expect_error(r, 400, "validation_failed").await["details"]["rule"], "subitem");
    let r = app.post(&path, &u.token, json!({"board_id": aid})).send().await.unwrap();
    assert_eq!(expect_error(r, 400, "validation_failed").await["details"]["rule"], "has_subitems");
    assert!(names_on(&app, &u, bid).await.contains(&"Wanderer".to_owned()), "a refused move writes nothing");
}

async fn a_recipe_moves_done_items_to_an_archive_board(app: TestApp) {
    let u = app.signup("mover-recipe@example.com").await;
    let a = board(&app, &u, Some("project_tracker")).await;
    let b = board(&app, &u, Some("project_tracker")).await;
    let (aid, bid) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    let status = column_id(&a, "Status");
    let recipe = json!({"name": "archive done", "trigger": {"type": "column_changed", "column_id": status, "to": "Done"},
        "actions": [{"type": "move_to_board", "board_id": bid}]});
    let auto = expect_json(
        app.post(&format!("/api/v1/boards/{aid}/automations"), &u.token, recipe).send().await.unwrap(),
        201,
    )
    .await;
    let same = json!({"name": "x", "trigger": {"type": "item_created"}, "actions": [{"type": "move_to_board", "board_id": aid}]});
    let e = expect_error(
        app.post(&format!("/api/v1/boards/{aid}/automations"), &u.token, same).send().await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(e["details"]["field"], "actions[0].board_id");
    let id = item(&app, &u, aid, json!({"name": "Shipped"})).await;
    let patch = json!({"values": {&status: label(&a, "Done")}});
    expect_json(app.patch(&format!("/api/v1/items/{id}"), &u.token, patch).send().await.unwrap(), 200).await;
    let runs = format!("/api/v1/automations/{}/runs", auto["id"].as_str().unwrap());
    for _ in 0..200 {
        let page = expect_json(app.get(&runs, &u.token).send().await.unwrap(), 200).await;
        if let Some(run) = page["data"].as_array().unwrap().first() {
            assert_eq!(run["steps"][0]["output"]["board_id"], bid, "{run}");
            let it = expect_json(app.get(&format!("/api/v1/items/{id}"), &u.token).send().await.unwrap(), 200).await;
            assert_eq!(it["board_id"], bid);
            assert_eq!(it["values"][column_id(&b, "Status")], label(&b, "Done"));
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the recipe did not move the item");
}

async fn a_recipe_creates_an_item_elsewhere_with_copied_and_templated_values(app: TestApp) {
    let u = app.signup("copier@example.com").await;
    let a = board(&app, &u, Some("project_tracker")).await;
    let b = board(&app, &u, Some("project_tracker")).await;
    let (aid, bid) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    let (status, budget) = (column_id(&a, "Status"), column_id(&a, "Budget"));
    let path = format!("/api/v1/boards/{aid}/automations");
    let bad = json!({"name": "x", "trigger": {"type": "item_created"}, "actions": [{"type": "create_item", "board_id": bid,
        "name": "n", "values": {&status: "Done"}}]});
    let e = expect_error(app.post(&path, &u.token, bad).send().await.unwrap(), 400, "validation_failed").await;
    assert_eq!(
        e["details"]["field"],
        format!("actions[0].values.{status}"),
        "a column of the other board, not this one: {e}"
    );
    let recipe = json!({"name": "mirror", "trigger": {"type": "column_changed", "column_id": &budget},
        "actions": [{"type": "create_item", "board_id": bid, "name": "Copy of {item.name}", "copy_values": true,
            "values": {column_id(&b, "Notes"): "from {board.name}: {item.name}", column_id(&b, "Priority"): "High"}}]});
    let auto = expect_json(app.post(&path, &u.token, recipe).send().await.unwrap(), 201).await;
    let values = json!({&status: label(&a, "Stuck")});
    let id = item(&app, &u, aid, json!({"name": "Original", "values": values})).await;
    expect_json(
        app.patch(&format!("/api/v1/items/{id}"), &u.token, json!({"values": {&budget: 75}})).send().await.unwrap(),
        200,
    )
    .await;
    let runs = format!("/api/v1/automations/{}/runs", auto["id"].as_str().unwrap());
    for _ in 0..200 {
        let page = expect_json(app.get(&runs, &u.token).send().await.unwrap(), 200).await;
        if let Some(run) = page["data"].as_array().unwrap().first() {
            assert_eq!(run["status"], "succeeded", "{run}");
            let copy = run["steps"][0]["output"]["item_id"].as_str().unwrap();
            let it = expect_json(app.get(&format!("/api/v1/items/{copy}"), &u.token).send().await.unwrap(), 200).await;
            assert_eq!((it["board_id"].as_str(), it["name"].as_str()), (Some(bid), Some("Copy of Original")));
            assert_eq!(it["values"][column_id(&b, "Status")], label(&b, "Stuck"), "copied by label name");
            assert_eq!(it["values"][column_id(&b, "Budget")], 75.0, "copied");
            assert_eq!(it["values"][column_id(&b, "Notes")], "from Board: Original", "templated");
            let high = b["columns"].as_array().unwrap().iter().find(|c| c["title"] == "Priority").unwrap()["settings"]
                ["labels"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["name"] == "High")
                .unwrap()["id"]
                .clone();
            assert_eq!(it["values"][column_id(&b, "Priority")], high, "a label by name, stored by id");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the recipe did not run");
}
