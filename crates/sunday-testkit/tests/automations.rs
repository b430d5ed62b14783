//! Automations through the API, on both stores: recipes validated against the board, every
//! trigger and action kind, conditions, loop stop, pause on repeated failure and on a deleted
//! column, dry run, replay, and the run log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use serde_json::{json, Value};
use sunday_testkit::{backend_tests, board, column_id, expect_error, expect_json, Session, TestApp};

backend_tests!(
    recipes_are_validated_against_the_board,
    status_done_moves_the_item_and_notifies_the_owner,
    every_trigger_fires_its_recipe,
    every_action_does_its_write,
    conditions_filter_runs,
    loops_stop_with_a_clear_status,
    failing_recipes_pause_and_tell_the_owners,
    dry_run_writes_nothing_and_replay_runs_once,
    a_button_click_runs_its_recipe,
);

struct Board {
    id: String,
    json: Value,
}

impl Board {
    fn col(&self, title: &str) -> String {
        column_id(&self.json, title)
    }

    /// The id of the Status label `name`.
    fn label(&self, name: &str) -> String {
        let col = self.json["columns"].as_array().unwrap().iter().find(|c| c["title"] == "Status").unwrap();
        col["settings"]["labels"].as_array().unwrap().iter().find(|l| l["name"] == name).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn group(&self, title: &str) -> String {
        self.json["groups"].as_array().unwrap().iter().find(|g| g["title"] == title).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

async fn tracker(app: &TestApp, u: &Session) -> Board {
    let json = board(app, u, Some("project_tracker")).await;
    Board { id: json["id"].as_str().unwrap().to_owned(), json }
}

async fn recipe(app: &TestApp, u: &Session, b: &Board, body: Value) -> String {
    let r = expect_json(
        app.post(&format!("/api/v1/boards/{}/automations", b.id), &u.token, body).send().await.unwrap(),
        201,
    )
    .await;
    r["id"].as_str().unwrap().to_owned()
}

async fn item(app: &TestApp, u: &Session, b: &Board, name: &str) -> String {
    let r = app.post(&format!("/api/v1/boards/{}/items", b.id), &u.token, json!({"name": name})).send().await.unwrap();
    expect_json(r, 201).await["id"].as_str().unwrap().to_owned()
}

async fn get_item(app: &TestApp, u: &Session, id: &str) -> Value {
    expect_json(app.get(&format!("/api/v1/items/{id}"), &u.token).send().await.unwrap(), 200).await
}

async fn set(app: &TestApp, u: &Session, item: &str, column: &str, value: Value) {
    let body = json!({"values": {column: value}});
    expect_json(app.patch(&format!("/api/v1/items/{item}"), &u.token, body).send().await.unwrap(), 200).await;
}

/// The recipe's runs once there are at least `n` (waits up to 10 s).
async fn runs(app: &TestApp, u: &Session, automation: &str, n: usize) -> Vec<Value> {
    for _ in 0..200 {
        let page = expect_json(
            app.get(&format!("/api/v1/automations/{automation}/runs"), &u.token).send().await.unwrap(),
            200,
        )
        .await;
        let data = page["data"].as_array().unwrap().clone();
        if data.len() >= n {
            return data;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("recipe {automation} did not reach {n} runs");
}

/// Waits until `check` holds for the item (up to 10 s).
async fn until_item(app: &TestApp, u: &Session, id: &str, what: &str, check: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..200 {
        let it = get_item(app, u, id).await;
        if check(&it) {
            return it;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what}: {}", get_item(app, u, id).await);
}

async fn notifications(app: &TestApp, u: &Session) -> Vec<Value> {
    let list = expect_json(app.get("/api/v1/me/notifications", &u.token).send().await.unwrap(), 200).await;
    list["data"].as_array().unwrap().clone()
}

async fn recipes_are_validated_against_the_board(app: TestApp) {
    let u = app.signup("auto-validate@example.com").await;
    let b = tracker(&app, &u).await;
    let path = format!("/api/v1/boards/{}/automations", b.id);
    let status = b.col("Status");
    let cases = [
        (
            json!({"name": "x", "trigger": {"type": "column_changed", "column_id": "00000000-0000-7000-8000-000000000000"}, "actions": [{"type": "archive"}]}),
            "trigger.column_id",
        ),
        (
            json!({"name": "x", "trigger": {"type": "column_changed", "column_id": status, "to": "No such label"}, "actions": [{"type": "archive"}]}),
            "trigger.to",
        ),
        (
            json!({"name": "x", "trigger": {"type": "item_created"}, "actions": [{"type": "archive"}, {"type": "move_to_group", "group_id": "00000000-0000-7000-8000-000000000000"}]}),
            "actions[1].group_id",
        ),
        (
            json!({"name": "x", "trigger": {"type": "item_created"}, "conditions": {"column": "nope", "op": "eq", "value": 1}, "actions": [{"type": "archive"}]}),
            "conditions",
        ),
        (json!({"name": "x", "trigger": {"type": "item_created"}, "actions": []}), "actions"),
        (
            json!({"name": "x", "trigger": {"type": "item_created"}, "actions": [{"type": "increment_column", "column_id": status, "by": 1}]}),
            "actions[0].column_id",
        ),
        (
            json!({"name": "x", "trigger": {"type": "item_created"}, "actions": [{"type": "post_update", "text": "Hi {nope}"}]}),
            "actions[0].text",
        ),
    ];
    for (body, field) in cases {
        let e =
            expect_error(app.post(&path, &u.token, body.clone()).send().await.unwrap(), 400, "validation_failed").await;
        let named = e["details"]["field"].as_str().unwrap_or("");
        assert!(named.starts_with(field), "{body}: field {named}, expected {field}");
    }
    // Unknown trigger and action types are refused by shape.
    let bad = json!({"name": "x", "trigger": {"type": "moon_phase"}, "actions": [{"type": "archive"}]});
    expect_error(app.post(&path, &u.token, bad).send().await.unwrap(), 400, "invalid_body").await;
    assert!(expect_json(app.get(&path, &u.token).send().await.unwrap(), 200).await["data"]
        .as_array()
        .unwrap()
        .is_empty());

    // A saved recipe holds the label normalized; switching off and on, versions, delete.
    let id = recipe(&app, &u, &b, json!({"name": "Done", "trigger": {"type": "column_changed", "column_id": status, "to": "Done"}, "actions": [{"type": "archive"}]})).await;
    let got = expect_json(app.get(&format!("/api/v1/automations/{id}"), &u.token).send().await.unwrap(), 200).await;
    assert_ne!(got["trigger"]["to"], "Done", "stored as the label's id: {got}");
    assert_eq!(got["state"], "active");
    let off =
        app.patch(&format!("/api/v1/automations/{id}"), &u.token, json!({"enabled": false, "expected_version": 1}));
    let off = expect_json(off.send().await.unwrap(), 200).await;
    assert_eq!((off["state"].as_str(), off["version"].as_i64()), (Some("off"), Some(2)));
    let stale =
        app.patch(&format!("/api/v1/automations/{id}"), &u.token, json!({"enabled": true, "expected_version": 1}));
    expect_error(stale.send().await.unwrap(), 409, "version_conflict").await;
    // Someone who may only view the board cannot change its automations.
    let viewer = app.signup("auto-viewer@example.com").await;
    app.join(&u, &viewer, "viewer").await;
    let r = app.delete(&format!("/api/v1/automations/{id}"), &viewer.token).send().await.unwrap();
    assert!(matches!(r.status().as_u16(), 403 | 404), "{}", r.status());
    let r = app.delete(&format!("/api/v1/automations/{id}"), &u.token).send().await.unwrap();
    assert_eq!(r.status(), 204);
    expect_error(
        app.get(&format!("/api/v1/automations/{id}"), &u.token).send().await.unwrap(),
        404,
        "automation_not_found",
    )
    .await;
}

async fn status_done_moves_the_item_and_notifies_the_owner(app: TestApp) {
    let u = app.signup("auto-done@example.com").await;
    let owner = app.signup("auto-owner@example.com").await;
    app.join(&u, &owner, "member").await;
    let b = tracker(&app, &u).await;
    let (status, people, done) = (b.col("Status"), b.col("Owner"), b.group("Done"));
    let auto = recipe(
        &app,
        &u,
        &b,
        json!({
            "name": "Done work moves",
            "trigger": {"type": "column_changed", "column_id": status, "to": "Done"},
            "actions": [
                {"type": "move_to_group", "group_id": done},
                {"type": "notify", "people_column_id": people, "text": "{item.name} is done"}
            ]
        }),
    )
    .await;
    let it = item(&app, &u, &b, "Ship it").await;
    set(&app, &u, &it, &people, json!([owner.user_id])).await;
    set(&app, &u, &it, &status, json!(b.label("Working on it"))).await;
    set(&app, &u, &it, &status, json!(b.label("Done"))).await;
    let moved = until_item(&app, &u, &it, "moved to Done", |i| i["group_id"] == done.as_str()).await;
    assert_eq!(moved["group_id"], done.as_str());
    let run = &runs(&app, &u, &auto, 1).await[0];
    assert_eq!(run["status"], "succeeded", "{run}");
    assert_eq!(run["trigger_kind"], "item_updated");
    assert_eq!(run["triggered_by"], u.user_id.as_str());
    assert_eq!(run["steps"].as_array().unwrap().len(), 2);
    let notes = notifications(&app, &owner).await;
    let note = notes.iter().find(|n| n["kind"] == "automation").expect("the owner hears about it");
    assert_eq!(note["text"], "Ship it is done");
    // The activity log says who moved it: Automation, and which recipe.
    let act = expect_json(app.get(&format!("/api/v1/items/{it}/activity"), &u.token).send().await.unwrap(), 200).await;
    let by_automation = act["data"].as_array().unwrap().iter().find(|e| e["cause"]["automation_id"] == auto.as_str());
    let e = by_automation.expect("an event caused by the recipe");
    assert_eq!(e["actor"], "00000000-0000-7000-8000-0000a0700001");
    // The item's runs list the run too; "Working on it" fired nothing.
    let item_runs =
        expect_json(app.get(&format!("/api/v1/items/{it}/automation-runs"), &u.token).send().await.unwrap(), 200).await;
    assert_eq!(item_runs["data"].as_array().unwrap().len(), 1);
}

async fn every_trigger_fires_its_recipe(app: TestApp) {
    let u = app.signup("auto-triggers@example.com").await;
    let b = tracker(&app, &u).await;
    let (status, notes, next) = (b.col("Status"), b.col("Notes"), b.group("Next sprint"));
    let mark = |text: &str| json!([{"type": "post_update", "text": text}]);
    let created =
        recipe(&app, &u, &b, json!({"name": "a", "trigger": {"type": "item_created"}, "actions": mark("created")}))
            .await;
    let any = recipe(
        &app,
        &u,
        &b,
        json!({"name": "b", "trigger": {"type": "column_changed", "column_id": notes}, "actions": mark("notes")}),
    )
    .await;
    let from_to = recipe(&app, &u, &b, json!({"name": "c", "trigger": {"type": "column_changed", "column_id": status, "from": "Stuck", "to": "Done"}, "actions": mark("unstuck")})).await;
    let moved = recipe(
        &app,
        &u,
        &b,
        json!({"name": "d", "trigger": {"type": "item_moved", "group_id": next}, "actions": mark("moved")}),
    )
    .await;
    let archived =
        recipe(&app, &u, &b, json!({"name": "e", "trigger": {"type": "item_archived"}, "actions": mark("archived")}))
            .await;
    let posted = recipe(&app, &u, &b, json!({"name": "f", "trigger": {"type": "update_posted"}, "actions": [{"type": "set_column", "column_id": notes, "value": "commented"}]})).await;
    let sub =
        recipe(&app, &u, &b, json!({"name": "g", "trigger": {"type": "subitem_created"}, "actions": mark("subitem")}))
            .await;

    let it = item(&app, &u, &b, "Trigger me").await;
    runs(&app, &u, &created, 1).await;
    set(&app, &u, &it, &notes, json!("hello")).await;
    set(&app, &u, &it, &status, json!(b.label("Done"))).await; // not from Stuck: no run
    set(&app, &u, &it, &status, json!(b.label("Stuck"))).await;
    set(&app, &u, &it, &status, json!(b.label("Done"))).await;
    let mv = app.patch(&format!("/api/v1/items/{it}"), &u.token, json!({"group_id": next}));
    expect_json(mv.send().await.unwrap(), 200).await;
    let s = app.post(&format!("/api/v1/items/{it}/subitems"), &u.token, json!({"name": "child"}));
    expect_json(s.send().await.unwrap(), 201).await;
    // Each fired for the person's change (recipes' own changes may fire them again, until
    // loop detection stops a chain that comes back to a recipe).
    for auto in [&any, &from_to, &moved, &sub] {
        let r = runs(&app, &u, auto, 1).await;
        let by_person = r.iter().filter(|r| r["triggered_by"] == u.user_id.as_str()).collect::<Vec<_>>();
        assert_eq!(by_person.len(), 1, "{r:?}");
        assert_eq!(by_person[0]["status"], "succeeded");
    }
    // Each recipe's update was posted (created, notes, unstuck, moved, subitem) and each
    // fired `posted`, which wrote Notes, which fired `any` again: chains work.
    runs(&app, &u, &posted, 5).await;
    let r = app.delete(&format!("/api/v1/items/{it}"), &u.token).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(runs(&app, &u, &archived, 1).await[0]["trigger_kind"], "item_archived");
    let from_to_runs = runs(&app, &u, &from_to, 1).await;
    assert_eq!(from_to_runs.len(), 1, "Working→Done and None→Stuck did not fire it");
}

async fn every_action_does_its_write(app: TestApp) {
    let u = app.signup("auto-actions@example.com").await;
    let b = tracker(&app, &u).await;
    let other = tracker(&app, &u).await;
    let (owner, notes, budget, due, timeline, status) =
        (b.col("Owner"), b.col("Notes"), b.col("Budget"), b.col("Due date"), b.col("Timeline"), b.col("Status"));
    let it = item(&app, &u, &b, "Act").await;
    set(&app, &u, &it, &due, json!("2026-01-10")).await;
    set(&app, &u, &it, &timeline, json!({"from": "2026-02-01", "to": "2026-02-03"})).await;
    set(&app, &u, &it, &budget, json!(10)).await;
    let budget_text = format!("Budget now {{column:{budget}}}");
    let auto = recipe(
        &app,
        &u,
        &b,
        json!({
            "name": "everything",
            "trigger": {"type": "column_changed", "column_id": status, "to": "Done"},
            "actions": [
                {"type": "set_column", "column_id": notes, "value": "by {board.name}: {item.name}"},
                {"type": "increment_column", "column_id": budget, "by": 2.5},
                {"type": "assign_person", "column_id": owner},
                {"type": "push_date", "column_id": due, "days": 3},
                {"type": "push_date", "column_id": timeline, "days": -1},
                {"type": "create_item", "board_id": other.id, "name": "Follow up {item.name}"},
                {"type": "create_subitem", "name": "Check {item.name}"},
                {"type": "duplicate"},
                {"type": "post_update", "text": budget_text},
                {"type": "notify", "users": ["triggering_user"], "text": "done: {item.name}"},
                {"type": "clear_column", "column_id": status},
                {"type": "unassign_person", "column_id": owner},
                {"type": "archive"}
            ]
        }),
    )
    .await;
    set(&app, &u, &it, &status, json!(b.label("Done"))).await;
    let run = &runs(&app, &u, &auto, 1).await[0];
    assert_eq!(run["status"], "succeeded", "{run:#}");
    let after = get_item(&app, &u, &it).await;
    assert_eq!(after["values"][&notes], "by Board: Act");
    assert_eq!(after["values"][&budget], 12.5);
    assert_eq!(after["values"][&due], "2026-01-13");
    assert_eq!(after["values"][&timeline], json!({"from": "2026-01-31", "to": "2026-02-02"}));
    assert!(after["values"].get(&status).is_none_or(Value::is_null), "cleared: {after}");
    assert!(after["values"].get(&owner).is_none_or(Value::is_null), "assigned then unassigned: {after}");
    assert_eq!(after["archived"], true);
    let on_other =
        expect_json(app.get(&format!("/api/v1/boards/{}/items", other.id), &u.token).send().await.unwrap(), 200).await;
    assert!(on_other["data"].as_array().unwrap().iter().any(|i| i["name"] == "Follow up Act"), "{on_other}");
    let subs = expect_json(app.get(&format!("/api/v1/items/{it}/subitems"), &u.token).send().await.unwrap(), 200).await;
    assert_eq!(subs["data"][0]["name"], "Check Act");
    let mine =
        expect_json(app.get(&format!("/api/v1/boards/{}/items", b.id), &u.token).send().await.unwrap(), 200).await;
    assert!(
        mine["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["name"] == "Act (copy)" || (i["name"] == "Act" && i["id"] != it.as_str())),
        "{mine}"
    );
    let updates =
        expect_json(app.get(&format!("/api/v1/items/{it}/updates"), &u.token).send().await.unwrap(), 200).await;
    assert!(updates["data"][0]["body"].as_str().unwrap().starts_with("Budget now"), "{updates}");
    assert!(notifications(&app, &u).await.iter().any(|n| n["text"] == "done: Act"));
    // The steps' outputs name what they wrote.
    assert_eq!(run["steps"].as_array().unwrap().len(), 13);
    assert!(run["steps"].as_array().unwrap().iter().all(|s| s["status"] == "done"), "{run:#}");
}

async fn conditions_filter_runs(app: TestApp) {
    let u = app.signup("auto-cond@example.com").await;
    let b = tracker(&app, &u).await;
    let (status, budget, notes) = (b.col("Status"), b.col("Budget"), b.col("Notes"));
    let auto = recipe(
        &app,
        &u,
        &b,
        json!({
            "name": "big ones",
            "trigger": {"type": "column_changed", "column_id": status},
            "conditions": {"column": budget, "op": "gt", "value": 100},
            "actions": [{"type": "set_column", "column_id": notes, "value": "big"}]
        }),
    )
    .await;
    let small = item(&app, &u, &b, "Small").await;
    let big = item(&app, &u, &b, "Big").await;
    set(&app, &u, &big, &budget, json!(500)).await;
    set(&app, &u, &small, &budget, json!(5)).await;
    set(&app, &u, &small, &status, json!(b.label("Done"))).await;
    set(&app, &u, &big, &status, json!(b.label("Done"))).await;
    let r = runs(&app, &u, &auto, 2).await;
    let by_item = |id: &str| r.iter().find(|r| r["item_id"] == id).unwrap().clone();
    assert_eq!(by_item(&small)["status"], "conditions_not_met");
    assert_eq!(by_item(&small)["conditions_met"], false);
    assert_eq!(by_item(&big)["status"], "succeeded");
    assert_eq!(get_item(&app, &u, &big).await["values"][&notes], "big");
    assert!(get_item(&app, &u, &small).await["values"].get(&notes).is_none());
}

async fn loops_stop_with_a_clear_status(app: TestApp) {
    let u = app.signup("auto-loop@example.com").await;
    let b = tracker(&app, &u).await;
    let status = b.col("Status");
    let a = recipe(
        &app,
        &u,
        &b,
        json!({"name": "ping", "trigger": {"type": "column_changed", "column_id": status, "to": "Done"},
        "actions": [{"type": "set_column", "column_id": status, "value": "Stuck"}]}),
    )
    .await;
    let c = recipe(
        &app,
        &u,
        &b,
        json!({"name": "pong", "trigger": {"type": "column_changed", "column_id": status, "to": "Stuck"},
        "actions": [{"type": "set_column", "column_id": status, "value": "Done"}]}),
    )
    .await;
    let it = item(&app, &u, &b, "Ping pong").await;
    set(&app, &u, &it, &status, json!(b.label("Done"))).await;
    // ping (by the user) → pong (chain [ping]) → ping again (chain [ping, pong]): stopped.
    let pings = runs(&app, &u, &a, 2).await;
    let stopped = pings.iter().find(|r| r["status"] == "loop_stopped").expect("the loop was stopped");
    assert!(stopped["reason"].as_str().unwrap().contains("loop"), "{stopped}");
    assert_eq!(stopped["chain"].as_array().unwrap().len(), 3);
    assert_eq!(runs(&app, &u, &c, 1).await[0]["status"], "succeeded");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(runs(&app, &u, &a, 2).await.len(), 2, "no further runs");
}

async fn failing_recipes_pause_and_tell_the_owners(app: TestApp) {
    let u = app.signup("auto-fail@example.com").await;
    let b = tracker(&app, &u).await;
    let other = tracker(&app, &u).await;
    let (status, notes) = (b.col("Status"), b.col("Notes"));
    // Creating items on a board that is then deleted fails every run.
    let failing = recipe(
        &app,
        &u,
        &b,
        json!({"name": "copy elsewhere", "trigger": {"type": "column_changed", "column_id": status},
        "actions": [{"type": "create_item", "board_id": other.id, "name": "{item.name}"}]}),
    )
    .await;
    let r = app.delete(&format!("/api/v1/boards/{}", other.id), &u.token).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let it = item(&app, &u, &b, "Fails").await;
    for label in ["Done", "Stuck", "Working on it", "Done"] {
        set(&app, &u, &it, &status, json!(b.label(label))).await;
    }
    let r = runs(&app, &u, &failing, 3).await;
    assert!(r.iter().all(|r| r["status"] == "failed"), "{r:?}");
    assert_eq!(r[0]["steps"][0]["error"]["code"], "forbidden", "the author no longer reaches the deleted board");
    let paused =
        expect_json(app.get(&format!("/api/v1/automations/{failing}"), &u.token).send().await.unwrap(), 200).await;
    assert_eq!(paused["state"], "paused", "{paused}");
    assert!(paused["paused_reason"].as_str().unwrap().contains("3 failed runs"), "{paused}");
    assert!(notifications(&app, &u)
        .await
        .iter()
        .any(|n| n["kind"] == "automation" && n["text"].as_str().unwrap().contains("copy elsewhere")));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(runs(&app, &u, &failing, 3).await.len(), 3, "a paused recipe does not run");

    // A recipe naming a column that is deleted pauses with that reason.
    let uses_notes = recipe(
        &app,
        &u,
        &b,
        json!({"name": "notes", "trigger": {"type": "item_created"},
        "actions": [{"type": "set_column", "column_id": notes, "value": "x"}]}),
    )
    .await;
    let r = app.delete(&format!("/api/v1/boards/{}/columns/{notes}", b.id), &u.token).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    item(&app, &u, &b, "After").await;
    let mut state = Value::Null;
    for _ in 0..100 {
        state = expect_json(app.get(&format!("/api/v1/automations/{uses_notes}"), &u.token).send().await.unwrap(), 200)
            .await;
        if state["state"] == "paused" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(state["paused_reason"].as_str().unwrap_or("").contains("deleted"), "{state}");
    // It cannot be switched on while it names a board that is gone; fixed, it can, and that
    // clears the pause.
    let on = app.patch(&format!("/api/v1/automations/{failing}"), &u.token, json!({"enabled": true}));
    let e = expect_error(on.send().await.unwrap(), 400, "validation_failed").await;
    assert_eq!(e["details"]["field"], "actions[0].board_id");
    let fixed = json!({"enabled": true, "actions": [{"type": "create_item", "name": "{item.name} again"}]});
    let on = app.patch(&format!("/api/v1/automations/{failing}"), &u.token, fixed);
    let on = expect_json(on.send().await.unwrap(), 200).await;
    assert_eq!((on["state"].as_str(), on["failures"].as_u64()), (Some("active"), Some(0)));

    // A failed run retried with the fixed recipe succeeds, once however often it is asked.
    let failed = runs(&app, &u, &failing, 3).await[0]["id"].as_str().unwrap().to_owned();
    let retry = || app.post(&format!("/api/v1/automation-runs/{failed}/retry"), &u.token, json!({})).send();
    let first = expect_json(retry().await.unwrap(), 200).await;
    assert_eq!(
        (first["status"].as_str(), first["retry_of"].as_str()),
        (Some("succeeded"), Some(failed.as_str())),
        "{first}"
    );
    let again = expect_json(retry().await.unwrap(), 200).await;
    assert_eq!(again["id"], first["id"]);
    let copies =
        expect_json(app.get(&format!("/api/v1/boards/{}/items", b.id), &u.token).send().await.unwrap(), 200).await;
    assert_eq!(copies["data"].as_array().unwrap().iter().filter(|i| i["name"] == "Fails again").count(), 1);
    let not_failed = first["id"].as_str().unwrap();
    let r = app.post(&format!("/api/v1/automation-runs/{not_failed}/retry"), &u.token, json!({})).send().await.unwrap();
    expect_error(r, 400, "validation_failed").await;
}

async fn dry_run_writes_nothing_and_replay_runs_once(app: TestApp) {
    let u = app.signup("auto-replay@example.com").await;
    let b = tracker(&app, &u).await;
    let (status, notes) = (b.col("Status"), b.col("Notes"));
    let since = chrono::Utc::now() - chrono::Duration::seconds(5);
    let one = item(&app, &u, &b, "One").await;
    let two = item(&app, &u, &b, "Two").await;
    set(&app, &u, &one, &status, json!(b.label("Done"))).await;
    set(&app, &u, &two, &status, json!(b.label("Done"))).await;
    set(&app, &u, &two, &status, json!(b.label("Stuck"))).await;
    // Made after the changes: nothing ran yet.
    let auto = recipe(
        &app,
        &u,
        &b,
        json!({"name": "late", "trigger": {"type": "column_changed", "column_id": status, "to": "Done"},
        "actions": [{"type": "set_column", "column_id": notes, "value": "{item.name} done"}]}),
    )
    .await;
    let dry = app.post(&format!("/api/v1/automations/{auto}/dry-run"), &u.token, json!({"item_id": one}));
    let dry = expect_json(dry.send().await.unwrap(), 200).await;
    assert_eq!(dry["status"], "dry_run");
    assert_eq!(dry["steps"][0]["status"], "planned");
    assert_eq!(dry["steps"][0]["output"]["values"][&notes], "One done");
    assert!(get_item(&app, &u, &one).await["values"].get(&notes).is_none(), "a dry run writes nothing");

    let replay = |body: Value| app.post(&format!("/api/v1/automations/{auto}/replay"), &u.token, body).send();
    let first = expect_json(replay(json!({"since": since})).await.unwrap(), 200).await;
    assert_eq!(first["runs"], 2, "{first}");
    assert_eq!(first["succeeded"], 2);
    assert_eq!(get_item(&app, &u, &one).await["values"][&notes], "One done");
    assert_eq!(get_item(&app, &u, &two).await["values"][&notes], "Two done");
    let again = expect_json(replay(json!({"since": since})).await.unwrap(), 200).await;
    assert_eq!(again["runs"], 0, "a range replays once: {again}");
    let r = runs(&app, &u, &auto, 2).await;
    assert!(r.iter().all(|r| r["replay"] == true));
    // Replaying before anything happened finds nothing; an inverted range is refused.
    let none = expect_json(
        replay(json!({"since": "2020-01-01T00:00:00Z", "until": "2020-01-02T00:00:00Z"})).await.unwrap(),
        200,
    )
    .await;
    assert_eq!(none["events_read"], 0);
    let bad = replay(json!({"since": "2020-01-02T00:00:00Z", "until": "2020-01-01T00:00:00Z"})).await.unwrap();
    expect_error(bad, 400, "validation_failed").await;
}

async fn a_button_click_runs_its_recipe(app: TestApp) {
    let u = app.signup("auto-button@example.com").await;
    let b = tracker(&app, &u).await;
    let status = b.col("Status");
    let r = app
        .post(&format!("/api/v1/boards/{}/columns", b.id), &u.token, json!({"title": "Escalate", "type": "button"}))
        .send()
        .await
        .unwrap();
    let button = expect_json(r, 201).await["id"].as_str().unwrap().to_owned();
    let bad = json!({"name": "x", "trigger": {"type": "button_clicked", "column_id": status}, "actions": [{"type": "archive"}]});
    let e = expect_error(
        app.post(&format!("/api/v1/boards/{}/automations", b.id), &u.token, bad).send().await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(e["details"]["field"], "trigger.column_id");
    let auto = recipe(
        &app,
        &u,
        &b,
        json!({"name": "escalate", "trigger": {"type": "button_clicked", "column_id": button},
            "actions": [{"type": "set_column", "column_id": status, "value": "Stuck"}]}),
    )
    .await;
    let id = item(&app, &u, &b, "Outage").await;
    // A button has no value to write.
    let r =
        app.patch(&format!("/api/v1/items/{id}"), &u.token, json!({"values": {&button: "x"}})).send().await.unwrap();
    expect_error(r, 400, "validation_failed").await;
    let r = app.post(&format!("/api/v1/items/{id}/buttons/{status}"), &u.token, json!({})).send().await.unwrap();
    expect_error(r, 400, "validation_failed").await;
    let viewer = app.signup("auto-button-viewer@example.com").await;
    app.join(&u, &viewer, "viewer").await;
    let r = app.post(&format!("/api/v1/items/{id}/buttons/{button}"), &viewer.token, json!({})).send().await.unwrap();
    assert!(r.status() == 403 || r.status() == 404, "{}", r.status());

    let click = app.post(&format!("/api/v1/items/{id}/buttons/{button}"), &u.token, json!({})).send().await.unwrap();
    let event = expect_json(click, 200).await;
    assert_eq!(
        (event["kind"].as_str(), event["payload"]["column_id"].as_str()),
        (Some("button_clicked"), Some(button.as_str()))
    );
    let stuck = b.label("Stuck");
    until_item(&app, &u, &id, "the click set Stuck", |it| it["values"][&status] == stuck.as_str()).await;
    let done = runs(&app, &u, &auto, 1).await;
    assert_eq!(
        (done[0]["trigger_kind"].as_str(), done[0]["triggered_by"].as_str()),
        (Some("button_clicked"), Some(u.user_id.as_str()))
    );
}
