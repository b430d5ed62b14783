//! A small organization made through the API as a user would, for tests that need real data
//! of every kind: two members, a workspace, a board with typed columns, items with values, an
//! archived item, an update, a view and a notification.

use serde_json::{json, Value};

use crate::{expect_json, Session, TestApp};

pub const ADA: &str = "ada@fixture.example";
pub const BOB: &str = "bob@fixture.example";

pub async fn notifications(app: &TestApp, who: &Session) -> Vec<Value> {
    let r = app.get("/api/v1/me/notifications", &who.token).send().await.unwrap();
    expect_json(r, 200).await["data"].as_array().unwrap().clone()
}

pub async fn wait_for_notification(app: &TestApp, who: &Session, item: &str) -> Vec<Value> {
    for _ in 0..100 {
        let all = notifications(app, who).await;
        if all.iter().any(|n| n["text"].as_str().is_some_and(|b| b.contains(item))) {
            return all;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no notification about {item}");
}

/// Makes the sample organization (Ada's, with Bob as a member); returns Ada and Bob.
pub async fn populate(app: &TestApp) -> (Session, Session) {
    let ada = app.signup(ADA).await;
    let bob = app.signup(BOB).await;
    app.join(&ada, &bob, "member").await;
    let ws = json!({"name": "Fixture workspace"});
    let ws = expect_json(app.post("/api/v1/workspaces", &ada.token, ws).send().await.unwrap(), 201).await;
    // Bob's own organization keeps only his sign-up; the fixture's work is in Ada's.
    let body = json!({"name": "Launch", "workspace_id": ws["id"]});
    let board = expect_json(app.post("/api/v1/boards", &ada.token, body).send().await.unwrap(), 201).await;
    let bid = board["id"].as_str().unwrap().to_owned();
    let mut col = std::collections::HashMap::new();
    for (title, ty) in [("Notes", "text"), ("Cost", "number"), ("Lead", "people"), ("Deadline", "date")] {
        let body = json!({"title": title, "type": ty});
        let c = expect_json(
            app.post(&format!("/api/v1/boards/{bid}/columns"), &ada.token, body).send().await.unwrap(),
            201,
        )
        .await;
        col.insert(title, c["id"].as_str().unwrap().to_owned());
    }
    let item = |name: &str, values: Value| {
        let body = json!({"name": name, "values": values});
        let r = app.post(&format!("/api/v1/boards/{bid}/items"), &ada.token, body).send();
        async move { expect_json(r.await.unwrap(), 201).await }
    };
    let brief = item(
        "Write brief",
        json!({&col["Notes"]: "Two pages", &col["Cost"]: 1200.5, &col["Lead"]: [bob.user_id], &col["Deadline"]: "2026-12-24"}),
    )
    .await;
    let venue = item("Book venue", json!({&col["Cost"]: 300})).await;
    let old = item("Old idea", json!({})).await;
    let old_id = old["id"].as_str().unwrap();
    assert_eq!(app.delete(&format!("/api/v1/items/{old_id}"), &ada.token).send().await.unwrap().status(), 204);
    let brief_id = brief["id"].as_str().unwrap();
    let body = json!({"body": "Draft is in the shared folder"});
    expect_json(app.post(&format!("/api/v1/items/{brief_id}/updates"), &ada.token, body).send().await.unwrap(), 201)
        .await;
    let view = json!({"name": "Open work", "type": "table"});
    expect_json(app.post(&format!("/api/v1/boards/{bid}/views"), &ada.token, view).send().await.unwrap(), 201).await;
    wait_for_notification(app, &bob, "Write brief").await;
    // A recipe and one run of it, whose change names the run as its cause.
    let recipe = json!({"name": "Ready check", "trigger": {"type": "column_changed", "column_id": col["Notes"], "to": "ready"},
        "actions": [{"type": "post_update", "text": "Ready: {item.name}"}]});
    let recipe = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/automations"), &ada.token, recipe).send().await.unwrap(),
        201,
    )
    .await;
    let venue_id = venue["id"].as_str().unwrap();
    let patch = json!({"values": {&col["Notes"]: "ready"}});
    expect_json(app.patch(&format!("/api/v1/items/{venue_id}"), &ada.token, patch).send().await.unwrap(), 200).await;
    let runs = format!("/api/v1/automations/{}/runs", recipe["id"].as_str().unwrap());
    for _ in 0..200 {
        let page = expect_json(app.get(&runs, &ada.token).send().await.unwrap(), 200).await;
        if !page["data"].as_array().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    // A scheduled recipe (its window kept in the store) and the board's secret links.
    let weekly = json!({"name": "Monday nudge", "trigger": {"type": "every", "period": "week", "weekday": 1, "at": "09:00",
        "tz": "Europe/Paris"}, "actions": [{"type": "post_update", "text": "Still open: {item.name}"}]});
    expect_json(app.post(&format!("/api/v1/boards/{bid}/automations"), &ada.token, weekly).send().await.unwrap(), 201)
        .await;
    for link in [
        json!({"kind": "ical", "name": "Team calendar"}),
        json!({"kind": "inbound", "name": "Form", "mapping": {"name": "/title", "values": {&col["Notes"]: "/notes"}}}),
    ] {
        expect_json(app.post(&format!("/api/v1/boards/{bid}/links"), &ada.token, link).send().await.unwrap(), 201)
            .await;
    }
    (ada, bob)
}
