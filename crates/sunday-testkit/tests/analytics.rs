//! Analytics through the API, on both stores: questions answered from the aggregates match
//! what the items say, follow each write at once, refuse what they cannot answer by name, are
//! kept to boards the asker may read, and survive a restart with their snapshots written, deleted
//! (rebuilt from the event log) or corrupted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{collections::BTreeMap, time::Duration};

use serde_json::{json, Value};
use sunday_config::{NodeRole, Secret};
use sunday_testkit::{backend_tests, board, column_id, expect_error, expect_json, Backend, Session, TestApp};

backend_tests!(questions_follow_the_items, reports_follow_status_changes, aggregates_survive_restarts);

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// The label id of `name` in the board's column titled `title`.
fn label(board: &Value, title: &str, name: &str) -> String {
    let col = board["columns"].as_array().unwrap().iter().find(|c| c["title"] == title).unwrap();
    let l = col["settings"]["labels"].as_array().unwrap().iter().find(|l| l["name"] == name).unwrap();
    l["id"].as_str().unwrap().to_owned()
}

async fn ask(app: &TestApp, token: &str, q: Value) -> BTreeMap<String, (u64, Option<f64>)> {
    let r = expect_json(app.post("/api/v1/analytics/query", token, q).send().await.unwrap(), 200).await;
    r["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["key"].as_str().unwrap().to_owned(), (b["count"].as_u64().unwrap(), b["value"].as_f64())))
        .collect()
}

/// Status names and budgets of the board's items, read through the item API.
async fn by_status(app: &TestApp, token: &str, board: &Value) -> BTreeMap<String, (u64, Option<f64>)> {
    let (status, budget) = (column_id(board, "Status"), column_id(board, "Budget"));
    let items = expect_json(
        app.get(&format!("/api/v1/boards/{}/items?limit=500", id(board)), token).send().await.unwrap(),
        200,
    )
    .await;
    let labels = board["columns"].as_array().unwrap().iter().find(|c| c["title"] == "Status").unwrap()["settings"]
        ["labels"]
        .clone();
    let mut out: BTreeMap<String, (u64, Option<f64>)> = BTreeMap::new();
    for item in items["data"].as_array().unwrap() {
        let key = match item["values"][&status].as_str() {
            Some(l) => {
                labels.as_array().unwrap().iter().find(|x| x["id"] == l).unwrap()["name"].as_str().unwrap().to_owned()
            }
            None => String::new(),
        };
        let e = out.entry(key).or_insert((0, Some(0.0)));
        e.0 += 1;
        e.1 = Some(e.1.unwrap() + item["values"][&budget].as_f64().unwrap_or(0.0));
    }
    out
}

async fn questions_follow_the_items(app: TestApp) {
    let ann = app.signup("ann@analytics.test").await;
    let b = board(&app, &ann, Some("project_tracker")).await;
    let bid = id(&b);
    let ws = b["workspace_id"].as_str().unwrap().to_owned();
    let sum_by_status = json!({"board_ids": [bid], "metric": {"fn": "sum", "column_id": "Budget"}, "group_by": {"column_id": "Status"}});
    assert_eq!(ask(&app, &ann.token, sum_by_status.clone()).await, by_status(&app, &ann.token, &b).await);

    // Writes are in the next answer: a bulk create, an edit, an archive.
    let (status, budget) = (column_id(&b, "Status"), column_id(&b, "Budget"));
    let done = label(&b, "Status", "Done");
    let items: Vec<Value> = (0..40).map(|i| json!({"name": format!("Task {i}"), "values": {&status: if i % 4 == 0 { json!(done) } else { Value::Null }, &budget: i}})).collect();
    let created = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items/bulk"), &ann.token, json!({"items": items}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    let first = created["data"][1]["id"].as_str().unwrap().to_owned();
    app.patch(&format!("/api/v1/items/{first}"), &ann.token, json!({"values": {&status: done}})).send().await.unwrap();
    let archived = created["data"][2]["id"].as_str().unwrap().to_owned();
    let r = app.delete(&format!("/api/v1/items/{archived}"), &ann.token).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(ask(&app, &ann.token, sum_by_status.clone()).await, by_status(&app, &ann.token, &b).await);

    // A filter (as item queries take it, columns by title), an ungrouped count, periods.
    let q = json!({"board_ids": [bid], "metric": {"fn": "count"}, "filter": {"and": [{"column": "Status", "op": "any_of", "value": [done]}, {"column": "Budget", "op": "gt", "value": 10}]}});
    let expected = (0..40).filter(|i| (i % 4 == 0 || *i == 1) && *i > 10).count() as u64;
    assert_eq!(ask(&app, &ann.token, q).await[""].0, expected);
    let q = json!({"board_ids": [bid], "metric": {"fn": "avg", "column_id": budget}, "group_by": {"period": "week"}});
    let weeks = ask(&app, &ann.token, q).await;
    assert_eq!(weeks.values().map(|v| v.0).sum::<u64>(), 6 + 40 - 1, "{weeks:?}");
    let today = chrono::Utc::now().date_naive();
    let q = json!({"board_ids": [bid], "metric": {"fn": "count"}, "group_by": {"period": "day"}, "from": today - chrono::TimeDelta::days(2), "to": today});
    assert_eq!(ask(&app, &ann.token, q).await.len(), 3, "every day of the range is answered");

    // Two boards merge by label name.
    let second = expect_json(
        app.post(
            "/api/v1/boards",
            &ann.token,
            json!({"name": "Second", "workspace_id": ws, "template": "project_tracker"}),
        )
        .send()
        .await
        .unwrap(),
        201,
    )
    .await;
    let q = json!({"board_ids": [bid, id(&second)], "metric": {"fn": "count"}, "group_by": {"column_id": "Status"}});
    let both = ask(&app, &ann.token, q).await;
    let one = by_status(&app, &ann.token, &b).await;
    assert_eq!(both["Done"].0, one["Done"].0 + 1, "{both:?}");

    // A copy of the board (its items written without an event each) counts them all.
    let copy = app.post(&format!("/api/v1/boards/{bid}/duplicate"), &ann.token, json!({"with_items": true}));
    let copy = expect_json(copy.send().await.unwrap(), 201).await;
    let count = |board: String| json!({"board_ids": [board], "metric": {"fn": "count"}});
    let original = ask(&app, &ann.token, count(bid.clone())).await[""].0;
    assert_eq!(ask(&app, &ann.token, count(id(&copy))).await[""].0, original, "the copy counts its items");

    // Subitems deleted with their parent (an event each, on their own board) are no longer counted.
    let parent = created["data"][5]["id"].as_str().unwrap().to_owned();
    for name in ["Sub 1", "Sub 2"] {
        let r = app.post(&format!("/api/v1/items/{parent}/subitems"), &ann.token, json!({"name": name}));
        expect_json(r.send().await.unwrap(), 201).await;
    }
    let b_now = expect_json(app.get(&format!("/api/v1/boards/{bid}"), &ann.token).send().await.unwrap(), 200).await;
    let subs = b_now["subitem_board_id"].as_str().expect("a subitem board").to_owned();
    assert_eq!(ask(&app, &ann.token, count(subs.clone())).await[""].0, 2);
    let r = app.delete(&format!("/api/v1/items/{parent}?permanent=true"), &ann.token).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    ask(&app, &ann.token, count(bid.clone())).await;
    assert_eq!(ask(&app, &ann.token, count(subs)).await.get("").map_or(0, |v| v.0), 0, "the subitems went with it");

    // What cannot be answered says why, naming the field.
    for (q, field) in [
        (json!({"board_ids": [bid], "metric": {"fn": "sum", "column_id": "Notes"}}), "metric.column_id"),
        (
            json!({"board_ids": [bid], "metric": {"fn": "count"}, "group_by": {"column_id": "Nope"}}),
            "group_by.column_id",
        ),
        (json!({"board_ids": [bid], "metric": {"fn": "count"}, "group_by": {"column_id": "Notes"}}), "group_by"),
        (
            json!({"board_ids": [bid], "metric": {"fn": "count"}, "filter": {"column": "name", "op": "contains", "value": "x"}}),
            "filter",
        ),
        (json!({"board_ids": [], "metric": {"fn": "count"}}), "board_ids"),
        (json!({"board_ids": [bid], "metric": {"fn": "count"}, "from": "2026-02-01", "to": "2026-01-01"}), "from"),
    ] {
        let e = expect_error(
            app.post("/api/v1/analytics/query", &ann.token, q).send().await.unwrap(),
            400,
            "validation_failed",
        )
        .await;
        assert_eq!(e["details"]["field"], field, "{e}");
    }
    let r = app.post("/api/v1/analytics/query", &ann.token, json!({"board_ids": [bid], "metric": {"fn": "median"}}));
    assert_eq!(r.send().await.unwrap().status(), 400);

    // Boards the asker may not read are not found, as everywhere.
    let eve = app.signup("eve@analytics.test").await;
    let q = json!({"board_ids": [bid], "metric": {"fn": "count"}});
    expect_error(app.post("/api/v1/analytics/query", &eve.token, q).send().await.unwrap(), 404, "board_not_found")
        .await;
}

async fn reports_follow_status_changes(app: TestApp) {
    let ann = app.signup("reports@analytics.test").await;
    let b = board(&app, &ann, Some("project_tracker")).await;
    let bid = id(&b);
    let status = column_id(&b, "Status");
    let (working, done) = (label(&b, "Status", "Working on it"), label(&b, "Status", "Done"));
    let items =
        expect_json(app.get(&format!("/api/v1/boards/{bid}/items"), &ann.token).send().await.unwrap(), 200).await;
    let ids: Vec<String> = items["data"].as_array().unwrap().iter().map(id).collect();
    for item in &ids[..3] {
        app.patch(&format!("/api/v1/items/{item}"), &ann.token, json!({"values": {&status: working}}))
            .send()
            .await
            .unwrap();
    }
    for item in &ids[..2] {
        app.patch(&format!("/api/v1/items/{item}"), &ann.token, json!({"values": {&status: done}}))
            .send()
            .await
            .unwrap();
    }
    let report = |r: Value| {
        let app = &app;
        let token = ann.token.clone();
        async move { expect_json(app.post("/api/v1/analytics/report", &token, r).send().await.unwrap(), 200).await }
    };
    let today = chrono::Utc::now().date_naive();
    let r =
        report(json!({"report": "throughput", "board_ids": [bid], "period": "day", "from": today, "to": today})).await;
    // The template's "Kick-off meeting" was created done; two more were done now.
    assert_eq!(r["data"][0]["count"], 3, "{r}");
    let r = report(json!({"report": "cycle_time", "board_ids": [bid], "column_id": "Status", "from_label": "Working on it", "to_label": "Done"})).await;
    assert_eq!(r["summary"]["count"], 2, "{r}");
    assert!(r["summary"]["average_hours"].as_f64().unwrap() < 1.0, "{r}");
    let group = items["data"][0]["group_id"].as_str().unwrap().to_owned();
    let r = report(json!({"report": "burndown", "board_id": bid, "group_id": group, "from": today - chrono::TimeDelta::days(1), "to": today})).await;
    assert_eq!(r["data"].as_array().unwrap().len(), 2, "{r}");
    assert_eq!(r["data"][0]["count"], 0, "nothing existed yesterday: {r}");
    let r = report(json!({"report": "time_in_status", "board_ids": [bid], "column_id": status})).await;
    assert!(r["data"].as_array().unwrap().iter().any(|b| b["key"] == "Working on it"), "{r}");
    let e = expect_error(
        app.post("/api/v1/analytics/report", &ann.token, json!({"report": "cycle_time", "board_ids": [bid], "column_id": "Status", "from_label": "Nope", "to_label": "Done"})).send().await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(e["details"]["field"], "from_label", "{e}");
    let e = expect_error(
        app.post(
            "/api/v1/analytics/report",
            &ann.token,
            json!({"report": "throughput", "board_ids": [bid], "column_id": "Priority"}),
        )
        .send()
        .await
        .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(e["details"]["rule"], "no_done_label", "{e}");
}

async fn aggregates_survive_restarts(mut app: TestApp) {
    let ann = app.signup("restart@analytics.test").await;
    let b = board(&app, &ann, Some("project_tracker")).await;
    let q = json!({"board_ids": [id(&b)], "metric": {"fn": "sum", "column_id": "Budget"}, "group_by": {"column_id": "Status"}});
    let before = ask(&app, &ann.token, q.clone()).await;
    let dir = app.data_dir().join("analytics");

    // Stopping writes the snapshots; a restart starts from them.
    app.restart(Duration::ZERO).await;
    let snapshot = dir.join(format!("{}.snap", id(&b)));
    assert!(snapshot.exists(), "a snapshot at {}", snapshot.display());
    assert_eq!(ask(&app, &ann.token, q.clone()).await, before);

    // Corrupted, then deleted: rebuilt from the event log, `/ready` saying how far.
    app.restart_with(Duration::ZERO, async || std::fs::write(&snapshot, b"not a snapshot").unwrap()).await;
    assert_eq!(ask(&app, &ann.token, q.clone()).await, before);
    app.restart_with(Duration::ZERO, async || std::fs::remove_dir_all(&dir).unwrap()).await;
    assert_eq!(ask(&app, &ann.token, q.clone()).await, before);
    let mut ready = Value::Null;
    for _ in 0..100 {
        ready = expect_json(app.client().get(app.url("/ready")).send().await.unwrap(), 200).await;
        if ready["checks"]["analytics"]["rebuilding"] == false {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let rebuild = &ready["checks"]["analytics"];
    assert_eq!(rebuild["rebuilding"], false, "{ready}");
    assert_eq!(rebuild["boards_done"], rebuild["boards_total"], "{ready}");
    assert!(rebuild["boards_total"].as_u64().unwrap() >= 1, "{ready}");
}

/// A cluster split by role: the `api` node keeps no aggregates and asks the worker holding the
/// `analytics` lease, which it finds in the shared store, with the cluster's secret.
#[tokio::test]
async fn api_nodes_ask_the_worker_keeping_the_aggregates() {
    const SECRET: &str = "a cluster secret for the tests";
    let app = TestApp::spawn_with(Backend::Postgres, |c| {
        c.roles = vec![NodeRole::Api, NodeRole::Realtime, NodeRole::Scheduler];
        c.analytics.secret = Secret::new(SECRET);
        c.auth.instance_admins = vec!["split@analytics.test".into()];
    })
    .await;
    let ann = app.signup("split@analytics.test").await;
    let b = board(&app, &ann, Some("project_tracker")).await;
    let q = json!({"board_ids": [id(&b)], "metric": {"fn": "sum", "column_id": "Budget"}, "group_by": {"column_id": "Status"}});
    // No worker yet: said so.
    let e = expect_error(
        app.post("/api/v1/analytics/query", &ann.token, q.clone()).send().await.unwrap(),
        503,
        "unavailable",
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("no worker"), "{e}");

    // A worker on the same store, its own data directory, advertised at its own address.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let mut config = app.config.clone();
    config.roles = vec![NodeRole::Worker];
    config.listen = format!("127.0.0.1:{port}").parse().unwrap();
    config.data_dir = dir.path().to_owned();
    config.analytics.advertise_url = format!("http://127.0.0.1:{port}");
    let worker = sunday_server::start(config).await.expect("the worker starts");
    let mut answered = None;
    for _ in 0..100 {
        let r = app.post("/api/v1/analytics/query", &ann.token, q.clone()).send().await.unwrap();
        if r.status() == 200 {
            answered = Some(r.json::<Value>().await.unwrap());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let answered = answered.expect("the worker takes the lease and answers");
    let got: BTreeMap<String, (u64, Option<f64>)> = answered["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["key"].as_str().unwrap().to_owned(), (b["count"].as_u64().unwrap(), b["value"].as_f64())))
        .collect();
    assert_eq!(got, by_status(&app, &ann.token, &b).await);
    // Its refusals cross over as they are; its status too.
    let bad = json!({"board_ids": [id(&b)], "metric": {"fn": "count"}, "group_by": {"column_id": "Nope"}});
    let e = expect_error(
        app.post("/api/v1/analytics/query", &ann.token, bad).send().await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(e["details"]["field"], "group_by.column_id", "{e}");
    let r = json!({"report": "throughput", "board_ids": [id(&b)]});
    expect_json(app.post("/api/v1/analytics/report", &ann.token, r).send().await.unwrap(), 200).await;
    let status = expect_json(app.get("/api/v1/analytics/status", &ann.token).send().await.unwrap(), 200).await;
    assert!(status["items"].as_u64().unwrap() >= 6, "{status}");
    // The instance's counts are its admins' to see.
    let other = app.signup("other@analytics.test").await;
    expect_error(app.get("/api/v1/analytics/status", &other.token).send().await.unwrap(), 403, "forbidden").await;
    // The worker answers no one without the cluster's secret.
    let internal = format!("http://127.0.0.1:{port}/internal/analytics");
    for secret in ["", "a wrong secret, long enough"] {
        let r = app.client().post(&internal).header("x-sunday-cluster-secret", secret).json(&json!({"ask": "status"}));
        assert_eq!(r.send().await.unwrap().status(), 403);
    }
    worker.shutdown().await.unwrap();
}

/// A board of `n` items with a number column "Budget" holding `i % 50`, built through the
/// bulk API; its id and the sum of its budgets.
async fn budget_board(app: &TestApp, u: &Session, n: usize) -> (String, f64) {
    let b = id(&board(app, u, None).await);
    let col = json!({"title": "Budget", "type": "number"});
    let c =
        id(&expect_json(app.post(&format!("/api/v1/boards/{b}/columns"), &u.token, col).send().await.unwrap(), 201)
            .await);
    for chunk in 0..n.div_ceil(1000) {
        let items: Vec<Value> = (chunk * 1000..((chunk + 1) * 1000).min(n))
            .map(|i| json!({"name": format!("item {i}"), "values": {&c: i % 50}}))
            .collect();
        let url = format!("/api/v1/boards/{b}/items/bulk");
        expect_json(app.post(&url, &u.token, json!({"items": items})).send().await.unwrap(), 201).await;
    }
    (b, (0..n).map(|i| (i % 50) as f64).sum())
}

/// The sum of a board's budgets and its item count, from the aggregates.
async fn total(app: &TestApp, token: &str, board: &str) -> (u64, f64) {
    let q = json!({"board_ids": [board], "metric": {"fn": "sum", "column_id": "Budget"}});
    let r = expect_json(app.post("/api/v1/analytics/query", token, q).send().await.unwrap(), 200).await;
    let rows = r["data"].as_array().unwrap();
    (rows.iter().map(|r| r["count"].as_u64().unwrap()).sum(), rows.iter().filter_map(|r| r["value"].as_f64()).sum())
}

/// Past `analytics.memory_mib` the least recently used boards go to their snapshots; asked
/// about again they come back with what changed meanwhile, every answer right, and the held
/// aggregates stay within the bound (a board larger than it stays, alone).
#[tokio::test]
async fn aggregates_beyond_the_budget_wait_in_their_snapshots() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.analytics.memory_mib = 1;
        c.auth.instance_admins = vec!["budget@analytics.test".into()];
    })
    .await;
    let ann = app.signup("budget@analytics.test").await;
    let mut boards = vec![];
    for _ in 0..3 {
        boards.push(budget_board(&app, &ann, 6000).await);
    }
    let status = async || expect_json(app.get("/api/v1/analytics/status", &ann.token).send().await.unwrap(), 200).await;
    for (b, sum) in &boards {
        assert_eq!(total(&app, &ann.token, b).await, (6000, *sum));
    }
    let within = |s: &Value| s["memory_bytes"].as_u64().unwrap() <= 1 << 20 || s["boards"] == 1;
    let s = status().await;
    assert!(s["boards_away"].as_u64().unwrap() >= 1, "the first boards asked about went away: {s}");
    assert!(within(&s), "{s}");
    let (first, first_sum) = &boards[0];
    let snapshot = app.data_dir().join("analytics").join(format!("{first}.snap"));
    assert!(snapshot.exists(), "an away board waits in its snapshot at {}", snapshot.display());

    // Changed while away: more items and an item's budget; the next answer has both.
    let items =
        expect_json(app.get(&format!("/api/v1/boards/{first}/items?limit=1"), &ann.token).send().await.unwrap(), 200)
            .await;
    let item = &items["data"][0];
    let budget = items["data"][0]["values"]
        .as_object()
        .unwrap()
        .iter()
        .next()
        .map(|(k, v)| (k.clone(), v.as_f64().unwrap()))
        .unwrap();
    let r = app.patch(
        &format!("/api/v1/items/{}", id(item)),
        &ann.token,
        json!({"values": {&budget.0: budget.1 + 1000.0}}),
    );
    expect_json(r.send().await.unwrap(), 200).await;
    let r = app.post(
        &format!("/api/v1/boards/{first}/items"),
        &ann.token,
        json!({"name": "late", "values": {&budget.0: 7}}),
    );
    expect_json(r.send().await.unwrap(), 201).await;
    let read_before = status().await["snapshots_read"].as_u64().unwrap();
    assert_eq!(total(&app, &ann.token, first).await, (6001, first_sum + 1007.0));
    let s = status().await;
    assert!(
        s["snapshots_read"].as_u64().unwrap() > read_before,
        "the first board came back from its snapshot, not from its whole log: {s}"
    );
    assert!(s["boards_away"].as_u64().unwrap() >= 1 && within(&s), "asking brought the first back, others went: {s}");
    // The others come back just as right.
    for (b, sum) in &boards[1..] {
        assert_eq!(total(&app, &ann.token, b).await, (6000, *sum));
    }
}
