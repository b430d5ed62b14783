//! Every triggered automation run completes exactly once across a crash: a recipe adds 1 to
//! an item's Count whenever its Notes change, a burst of writers sets Notes on many items, the
//! server is killed with SIGKILL while the runs are in flight, and after a restart on the same
//! data every item whose Notes were written has Count exactly 1 (none lost, none doubled) and
//! one run in the log. An increment is not idempotent by itself, so a run done twice would
//! show. On the embedded SQLite store and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
    time::Duration,
};

use serde_json::{json, Value};

mod support;

use support::{all_items, board, post, signup, start};

const ITEMS: usize = 1_500;

async fn runs_complete_once_across_sigkill(env: Vec<(&'static str, String)>) {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = start(None, &env);
    let client = reqwest::Client::new();
    let base = server.api();
    let token = signup(&client, &base, "auto-crash@example.com").await;
    let board_id = board(&client, &base, &token).await;
    let column = |title: &str, ty: &str| {
        post(&client, format!("{base}/boards/{board_id}/columns"), &token, json!({"title": title, "type": ty}))
    };
    let notes = column("Notes", "text").await["id"].as_str().unwrap().to_owned();
    let count = column("Count", "number").await["id"].as_str().unwrap().to_owned();
    let recipe = json!({"name": "count notes", "trigger": {"type": "column_changed", "column_id": notes},
        "actions": [{"type": "increment_column", "column_id": count, "by": 1}]});
    let automation = post(&client, format!("{base}/boards/{board_id}/automations"), &token, recipe).await;
    let automation = automation["id"].as_str().unwrap().to_owned();
    for chunk in 0..ITEMS / 500 {
        let items: Vec<Value> = (0..500).map(|n| json!({"name": format!("i{}", chunk * 500 + n)})).collect();
        post(&client, format!("{base}/boards/{board_id}/items/bulk"), &token, json!({"items": items})).await;
    }
    let ids: Vec<String> = all_items(&client, &base, &token, &board_id)
        .await
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), ITEMS);

    // Eight writers set Notes on their share of the items, once each.
    let acknowledged = Arc::new(Mutex::new(0usize));
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let (client, base, token, notes, acknowledged) =
                (client.clone(), base.clone(), token.clone(), notes.clone(), acknowledged.clone());
            let mine: Vec<String> = ids.iter().skip(w).step_by(8).cloned().collect();
            tokio::spawn(async move {
                for id in mine {
                    let res = client
                        .patch(format!("{base}/items/{id}"))
                        .bearer_auth(&token)
                        .json(&json!({"values": {&notes: "go"}}))
                        .send()
                        .await;
                    match res {
                        Ok(r) if r.status() == 200 => *acknowledged.lock().unwrap() += 1,
                        _ => return,
                    }
                }
            })
        })
        .collect();
    // Kill in the middle: enough changes made that runs are in flight, not all of them.
    while *acknowledged.lock().unwrap() < ITEMS / 3 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill();
    for w in writers {
        w.await.unwrap();
    }

    let restarted = start(None, &env);
    let base = restarted.api();
    // Wait until the runner has caught up: every item with Notes has a Count.
    let mut items = vec![];
    for _ in 0..600 {
        items = all_items(&client, &base, &token, &board_id).await;
        if items.iter().all(|i| i["values"].get(&notes).is_none() || i["values"].get(&count).is_some()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // And a little longer, so a doubled run would have shown.
    tokio::time::sleep(Duration::from_millis(500)).await;
    items = all_items(&client, &base, &token, &board_id).await;
    let triggered: HashSet<String> = items
        .iter()
        .filter(|i| i["values"].get(&notes).is_some())
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(triggered.len() >= ITEMS / 3, "the acknowledged writes are there: {}", triggered.len());
    for i in &items {
        let want = if triggered.contains(i["id"].as_str().unwrap()) { Some(json!(1)) } else { None };
        assert_eq!(i["values"].get(&count).cloned(), want, "item {}: each triggered run exactly once", i["name"]);
    }
    // One recorded run per triggering change.
    let mut runs = 0;
    let mut cursor = String::new();
    loop {
        let url = format!("{base}/automations/{automation}/runs?limit=500&cursor={cursor}");
        let page: Value = client.get(url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        let data = page["data"].as_array().unwrap();
        assert!(data.iter().all(|r| r["status"] == "succeeded"), "{page}");
        runs += data.len();
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    assert_eq!(runs, triggered.len(), "one run recorded per triggering change");
    restarted.kill();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_runs_each_triggered_automation_once() {
    let dir = tempfile::tempdir().unwrap();
    runs_complete_once_across_sigkill(vec![("SUNDAY_DATA_DIR", dir.path().display().to_string())]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_runs_each_triggered_automation_once() {
    let admin = sunday_store_postgres::testing::admin_url();
    let (url, _db) = sunday_store_postgres::testing::create_scratch_database(&admin).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    runs_complete_once_across_sigkill(vec![
        ("SUNDAY_DATA_DIR", dir.path().display().to_string()),
        ("SUNDAY_STORE__URL", url),
    ])
    .await;
}
