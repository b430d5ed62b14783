//! Dashboards through the API, on both backends: made in a workspace, widgets checked (grid,
//! ids, boards of the organization the author can see), versioned replaces, who may see and
//! change them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use sunday_testkit::{backend_tests, board, expect_error, expect_json, TestApp};

backend_tests!(dashboards_hold_checked_widgets_over_boards);

fn widget(id: &str, kind: &str, boards: &[&str], x: u16, w: u16) -> Value {
    json!({"id": id, "kind": kind, "title": id, "board_ids": boards, "settings": {}, "layout": {"x": x, "y": 0, "w": w, "h": 4}})
}

async fn dashboards_hold_checked_widgets_over_boards(app: TestApp) {
    let ann = app.signup("ann@example.com").await;
    let first = board(&app, &ann, Some("project_tracker")).await;
    let ws = first["workspace_id"].as_str().unwrap().to_owned();
    let second = expect_json(
        app.post("/api/v1/boards", &ann.token, json!({"name": "Second", "workspace_id": ws})).send().await.unwrap(),
        201,
    )
    .await;
    let (b1, b2) = (first["id"].as_str().unwrap(), second["id"].as_str().unwrap());
    let list = format!("/api/v1/workspaces/{ws}/dashboards");

    // Widgets are checked: the grid, unique ids, boards the author can see in this organization.
    let other = app.signup("other@example.com").await;
    let foreign = board(&app, &other, None).await;
    let foreign = foreign["id"].as_str().unwrap();
    for (widgets, field) in [
        (json!([widget("a", "number", &[b1], 8, 6)]), "widgets[0].layout"),
        (json!([widget("a", "number", &[b1], 65535, 1)]), "widgets[0].layout"),
        (json!([widget("a", "number", &[b1], 0, 4), widget("a", "battery", &[b2], 4, 4)]), "widgets[1].id"),
        (json!([widget("a", "number", &[foreign], 0, 4)]), "widgets[0].board_ids"),
        (json!([widget("a", "number", &[], 0, 4)]), "widgets[0].board_ids"),
    ] {
        let r = app.post(&list, &ann.token, json!({"name": "Bad", "widgets": widgets}));
        let e = expect_error(r.send().await.unwrap(), 400, "validation_failed").await;
        assert_eq!(e["details"]["field"], field, "{e}");
    }

    let widgets = json!([
        widget("done", "battery", &[b1, b2], 0, 4),
        widget("count", "number", &[b1, b2], 4, 4),
        // A calendar, timeline or workload reads several boards too (merged in the page).
        widget("plan", "timeline", &[b1, b2], 8, 4)
    ]);
    let r = app.post(&list, &ann.token, json!({"name": "Delivery", "widgets": widgets}));
    let d = expect_json(r.send().await.unwrap(), 201).await;
    let id = d["id"].as_str().unwrap().to_owned();
    assert_eq!((d["version"].as_i64(), d["widgets"].as_array().map(Vec::len)), (Some(1), Some(3)));
    let listed = expect_json(app.get(&list, &ann.token).send().await.unwrap(), 200).await;
    assert_eq!(listed["data"][0]["name"], "Delivery");

    // Replaced under a version: a stale one is a conflict carrying the stored dashboard.
    let path = format!("/api/v1/dashboards/{id}");
    let moved = json!({"widgets": [widget("done", "battery", &[b1], 0, 6)], "expected_version": 1});
    let d = expect_json(app.patch(&path, &ann.token, moved).send().await.unwrap(), 200).await;
    assert_eq!((d["version"].as_i64(), d["widgets"][0]["layout"]["w"].as_i64()), (Some(2), Some(6)));
    let stale = app.patch(&path, &ann.token, json!({"name": "Late", "expected_version": 1}));
    let e = expect_error(stale.send().await.unwrap(), 409, "version_conflict").await;
    assert_eq!(e["details"]["current"]["version"], 2);
    let got = expect_json(app.get(&path, &ann.token).send().await.unwrap(), 200).await;
    assert_eq!((got["name"].as_str(), got["widgets"].as_array().map(Vec::len)), (Some("Delivery"), Some(1)));

    // Another organization's user finds nothing; an organization viewer sees it, may not change it.
    expect_error(app.get(&path, &other.token).send().await.unwrap(), 404, "dashboard_not_found").await;
    let viewer = app.signup("viewer@example.com").await;
    app.join(&ann, &viewer, "viewer").await;
    expect_json(app.get(&path, &viewer.token).send().await.unwrap(), 200).await;
    let r = app.patch(&path, &viewer.token, json!({"name": "Mine"}));
    expect_error(r.send().await.unwrap(), 403, "forbidden").await;

    assert_eq!(app.delete(&path, &ann.token).send().await.unwrap().status(), 204);
    expect_error(app.get(&path, &ann.token).send().await.unwrap(), 404, "dashboard_not_found").await;
}
