//! Nothing acknowledged is lost when the process dies: writers create items as fast as they
//! can (so commits are grouped), the server is killed with SIGKILL in the middle, and after a
//! restart on the same data every item whose creation was answered `201` is there, with the
//! board's event log still gap-free. Run on the embedded SQLite store (at the durable and the
//! default setting) and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::HashSet,
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

use serde_json::{json, Value};

/// A `sunday serve` child on a free port, with its environment.
struct Server {
    child: Child,
    base: String,
}

fn start(env: &[(&str, String)]) -> Server {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sunday"));
    cmd.env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
        .env("SUNDAY_LOG__LEVEL", "info")
        .env("SUNDAY_AUTH__ARGON2_MEMORY_KIB", "64")
        .env("SUNDAY_GATEWAY__RATE_LIMIT_IP_PER_SEC", "0")
        .env("SUNDAY_GATEWAY__RATE_LIMIT_USER_PER_SEC", "0")
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let addr = loop {
        let line = rx.recv_timeout(Duration::from_secs(60)).expect("the server logs its address");
        let Ok(v) = serde_json::from_str::<Value>(&line) else { continue };
        if v["fields"]["message"] == "sunday is listening" {
            break v["fields"]["addr"].as_str().unwrap().to_owned();
        }
    };
    Server { child, base: format!("http://{addr}/api/v1") }
}

async fn post(client: &reqwest::Client, url: String, token: &str, body: Value) -> Value {
    let res = client.post(url).bearer_auth(token).json(&body).send().await.unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    res.json().await.unwrap()
}

/// Items of the board, every page.
async fn all_item_ids(client: &reqwest::Client, base: &str, token: &str, board: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut cursor = String::new();
    loop {
        let url = format!("{base}/boards/{board}/items?limit=500&cursor={cursor}");
        let page: Value = client.get(url).bearer_auth(token).send().await.unwrap().json().await.unwrap();
        ids.extend(page["data"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => return ids,
        }
    }
}

async fn acknowledged_writes_survive_sigkill(env: Vec<(&'static str, String)>) {
    let server = start(&env);
    let client = reqwest::Client::new();
    let base = server.base.clone();
    let signup: Value = client
        .post(format!("{base}/auth/signup"))
        .json(&json!({"email": "crash@example.com", "password": "a long enough password", "name": "Crash"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = signup["token"].as_str().unwrap().to_owned();
    let ws = post(&client, format!("{base}/workspaces"), &token, json!({"name": "W"})).await;
    let board = post(&client, format!("{base}/boards"), &token, json!({"name": "B", "workspace_id": ws["id"]})).await;
    let board_id = board["id"].as_str().unwrap().to_owned();

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
    let mut child = server.child;
    child.kill().unwrap(); // SIGKILL: no shutdown, no flush.
    child.wait().unwrap();
    for w in writers {
        w.await.unwrap();
    }
    let acknowledged: Vec<String> = acknowledged.lock().unwrap().clone();

    let restarted = start(&env);
    let stored = all_item_ids(&client, &restarted.base, &token, &board_id).await;
    let lost: Vec<&String> = acknowledged.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged items lost: {lost:?}", lost.len(), acknowledged.len());

    // The event log is gap-free and holds one creation per stored item.
    let mut seqs = vec![];
    let mut cursor = String::new();
    loop {
        let url = format!("{}/boards/{board_id}/activity?limit=500&cursor={cursor}", restarted.base);
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
    let mut child = restarted.child;
    child.kill().unwrap();
    child.wait().unwrap();
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
