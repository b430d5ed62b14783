//! Nothing acknowledged is lost when the process dies: writers create items as fast as they
//! can (so commits are grouped), the server is killed with SIGKILL in the middle, and after a
//! restart on the same data every item whose creation was answered `201` is there, with the
//! board's event log still gap-free. Run on the embedded SQLite store (at the durable and the
//! default setting) and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use serde_json::{json, Value};

mod support;

use support::{all_item_ids, board, signup, start};

async fn acknowledged_writes_survive_sigkill(env: Vec<(&'static str, String)>) {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = start(None, &env);
    let client = reqwest::Client::new();
    let base = server.api();
    let token = signup(&client, &base, "crash@example.com").await;
    let board_id = board(&client, &base, &token).await;

    // Sixteen writers, each creating items one after the other and noting every `201`.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let writers: Vec<_> = (0..16)
        .map(|w| {
            let (client, base, token, board_id, acknowledged) =
                (client.clone(), base.clone(), token.clone(), board_id.clone(), acknowledged.clone());
            tokio::spawn(async move {
                for n in 0.. {
                    let res = client
                        .post(format!("{base}/boards/{board_id}/items"))
                        .bearer_auth(&token)
                        .json(&json!({"name": format!("w{w} n{n}")}))
                        .send()
                        .await;
                    let Ok(res) = res else { return };
                    if res.status() != 201 {
                        return;
                    }
                    let Ok(item) = res.json::<Value>().await else { return };
                    acknowledged.lock().unwrap().push(item["id"].as_str().unwrap().to_owned());
                }
            })
        })
        .collect();
    // Kill once a good number of writes went through, in the middle of the stream.
    while acknowledged.lock().unwrap().len() < 300 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill(); // SIGKILL: no shutdown, no flush.
    for w in writers {
        w.await.unwrap();
    }
    let acknowledged: Vec<String> = acknowledged.lock().unwrap().clone();

    let restarted = start(None, &env);
    let stored = all_item_ids(&client, &restarted.api(), &token, &board_id).await;
    let lost: Vec<&String> = acknowledged.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged items lost: {lost:?}", lost.len(), acknowledged.len());

    // The event log is gap-free and holds one creation per stored item.
    let mut seqs = vec![];
    let mut cursor = String::new();
    loop {
        let url = format!("{}/boards/{board_id}/activity?limit=500&cursor={cursor}", restarted.api());
        let page: Value = client.get(url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        seqs.extend(page["data"].as_array().unwrap().iter().map(|e| e["seq"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>(), "the event log has no gap");
    assert!(seqs.len() >= stored.len(), "every stored item has its creation event");
    restarted.kill();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_durable_keeps_every_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    acknowledged_writes_survive_sigkill(vec![
        ("SUNDAY_DATA_DIR", data),
        ("SUNDAY_STORE__SQLITE_SYNCHRONOUS", "full".into()),
    ])
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_default_keeps_every_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    acknowledged_writes_survive_sigkill(vec![("SUNDAY_DATA_DIR", dir.path().display().to_string())]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_keeps_every_acknowledged_write() {
    let admin = sunday_store_postgres::testing::admin_url();
    let (url, _db) = sunday_store_postgres::testing::create_scratch_database(&admin).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    acknowledged_writes_survive_sigkill(vec![
        ("SUNDAY_DATA_DIR", dir.path().display().to_string()),
        ("SUNDAY_STORE__URL", url),
    ])
    .await;
}
