//! The scheduler of date and periodic triggers, on both stores, driven with a clock the test
//! moves: an `every` recipe runs once per occurrence on each item matching its conditions,
//! a window is never run twice, a recipe switched off gets no backlog, and a date arrives
//! with its offset.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::json;
use sunday_app::Actor;
use sunday_types::{
    automations::{Automation, RunStatus},
    boards::{Board, Column},
    cells::CellValue,
    time::now_millis,
    ItemId,
};
use support::{parse, Backend, TestApp};

backend_tests!(every_runs_once_per_occurrence_on_matching_items, a_date_arrives_with_its_offset);

const DAY: i64 = 86_400_000;

async fn column(t: &TestApp, actor: &Actor, board: &Board, title: &str, kind: &str) -> Column {
    t.app.boards.create_column(actor, board.id, parse(json!({"title": title, "type": kind}))).await.unwrap()
}

async fn item(t: &TestApp, actor: &Actor, board: &Board, name: &str, values: serde_json::Value) -> ItemId {
    let req = parse(json!({"name": name, "values": values}));
    t.app.boards.create_item(actor, board.id, req).await.unwrap().id
}

async fn number(t: &TestApp, actor: &Actor, id: ItemId, c: &Column) -> Option<f64> {
    match t.app.boards.get_item(actor, id).await.unwrap().values.cell(c) {
        Some(CellValue::Number(n)) => Some(n),
        _ => None,
    }
}

async fn runs(t: &TestApp, actor: &Actor, a: &Automation) -> Vec<sunday_types::automations::AutomationRun> {
    t.app.automations.recipe_runs(actor, a.id, None, Some(500)).await.unwrap().data
}

async fn every_runs_once_per_occurrence_on_matching_items(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (actor, board) = t.owner_with_board("every@example.com").await;
    let count = column(&t, &actor, &board, "Count", "number").await;
    let small = item(&t, &actor, &board, "Small", json!({count.id.to_string(): 1})).await;
    let big = item(&t, &actor, &board, "Big", json!({count.id.to_string(): 10})).await;
    let req = parse(json!({
        "name": "daily bump",
        "trigger": {"type": "every", "period": "day", "at": "09:00", "tz": "Europe/Paris"},
        "conditions": {"column": count.id, "op": "lt", "value": 5},
        "actions": [{"type": "increment_column", "column_id": count.id, "by": 1}]
    }));
    let recipe = t.app.automations.create(&actor, board.id, req).await.unwrap();
    let scheduler = t.app.automations.scheduler();
    let now = now_millis();

    // Two days later: two 09:00s passed, each one run on the small item only.
    let pass = scheduler.pass(now + 2 * DAY).await.unwrap();
    assert_eq!(pass.runs, 2, "{pass:?}");
    assert_eq!(number(&t, &actor, small, &count).await, Some(3.0));
    assert_eq!(number(&t, &actor, big, &count).await, Some(10.0), "the conditions leave the big one alone");
    let done = runs(&t, &actor, &recipe).await;
    assert!(done.iter().all(|r| r.status == RunStatus::Succeeded && r.item_id == Some(small)), "{done:?}");
    assert!(done.iter().all(|r| r.trigger_kind == "every"));

    // The same window again (a second scheduler, a retried pass): nothing runs twice.
    assert_eq!(scheduler.pass(now + 2 * DAY).await.unwrap().runs, 0);
    assert_eq!(number(&t, &actor, small, &count).await, Some(3.0));

    // Switched off for three days, then on: no backlog.
    t.app.automations.update(&actor, recipe.id, parse(json!({"enabled": false})), None).await.unwrap();
    assert_eq!(scheduler.pass(now + 5 * DAY).await.unwrap().runs, 0);
    t.app.automations.update(&actor, recipe.id, parse(json!({"enabled": true})), None).await.unwrap();
    assert_eq!(scheduler.pass(now + 5 * DAY + 1_000).await.unwrap().runs, 0);
    assert_eq!(number(&t, &actor, small, &count).await, Some(3.0));
    // The next day it runs again; by now the small item reached 5 after two more days.
    assert_eq!(scheduler.pass(now + 7 * DAY).await.unwrap().runs, 2);
    assert_eq!(number(&t, &actor, small, &count).await, Some(5.0));
    assert_eq!(scheduler.pass(now + 8 * DAY).await.unwrap().runs, 0, "5 is not below 5 any more");
}

async fn a_date_arrives_with_its_offset(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (actor, board) = t.owner_with_board("dates@example.com").await;
    let due = column(&t, &actor, &board, "Due", "date").await;
    let hits = column(&t, &actor, &board, "Reminded", "number").await;
    let today = chrono::Utc::now().date_naive();
    let day = |n: i64| (today + chrono::Duration::days(n)).format("%Y-%m-%d").to_string();
    let soon = item(&t, &actor, &board, "Soon", json!({due.id.to_string(): day(5)})).await;
    let later = item(&t, &actor, &board, "Later", json!({due.id.to_string(): day(10)})).await;
    let undated = item(&t, &actor, &board, "Undated", json!({})).await;
    let req = parse(json!({
        "name": "three days before Due",
        "trigger": {"type": "date_arrives", "column_id": due.id, "offset_days": -3},
        "actions": [{"type": "increment_column", "column_id": hits.id, "by": 1}]
    }));
    let recipe = t.app.automations.create(&actor, board.id, req).await.unwrap();
    let scheduler = t.app.automations.scheduler();
    let now = now_millis();
    // Day 5 − 3 = day 2 at 09:00 UTC: inside a three-day window; day 7 is not.
    assert_eq!(scheduler.pass(now + 3 * DAY).await.unwrap().runs, 1);
    assert_eq!(number(&t, &actor, soon, &hits).await, Some(1.0));
    assert_eq!(number(&t, &actor, later, &hits).await, None);
    assert_eq!(scheduler.pass(now + 8 * DAY).await.unwrap().runs, 1);
    assert_eq!(number(&t, &actor, later, &hits).await, Some(1.0));
    assert_eq!(number(&t, &actor, soon, &hits).await, Some(1.0), "a date arrives once");
    assert_eq!(number(&t, &actor, undated, &hits).await, None);
    assert!(runs(&t, &actor, &recipe).await.iter().all(|r| r.trigger_kind == "date_arrives"));
    // A bad time of day or zone is refused with the field named.
    let bad = parse(json!({
        "name": "x",
        "trigger": {"type": "date_arrives", "column_id": due.id, "at": "25:00"},
        "actions": [{"type": "archive"}]
    }));
    let e = t.app.automations.create(&actor, board.id, bad).await.unwrap_err();
    assert_eq!(serde_json::to_value(e.details).unwrap()["field"], "trigger.at");
    let weekly = parse(json!({
        "name": "x",
        "trigger": {"type": "every", "period": "week", "at": "09:00"},
        "actions": [{"type": "archive"}]
    }));
    let e = t.app.automations.create(&actor, board.id, weekly).await.unwrap_err();
    assert_eq!(serde_json::to_value(e.details).unwrap()["field"], "trigger.weekday");
}
