//! W9: a burst of item changes that each trigger one automation, on a running server, built
//! and driven through the public API as a user would.
//!
//! `auto-bench BASE_URL [ITEMS] [WRITERS]` signs up, makes a board with two text columns
//! (Notes, Flag) and the recipe "When Notes changes, set Flag to done", creates ITEMS items
//! (default 10,000) in bulk, then WRITERS connections (default 32) set Notes on every item once,
//! as fast as the server answers. It waits until every run is recorded and reads the board's
//! event log: each trigger event (by the user) is paired with the action's event (by Automation,
//! naming its run), both stamped by the server's clock.
//!
//! It prints the burst's PATCH rate, the time from the first trigger to the last action (all
//! runs done), the runs per minute, and trigger→action latency p50/p99/max. The last line is
//! machine-readable: `W9 runs=… burst_secs=… done_secs=… runs_per_min=… p50_ms=… p99_ms=… max_ms=…`.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use serde_json::{json, Value};

type Error = Box<dyn std::error::Error + Send + Sync>;

#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Client {
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value, Error> {
        let mut req = self.http.request(method.clone(), format!("{}/api/v1{path}", self.base)).bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await?;
        let status = res.status();
        let body: Value = res.json().await?;
        if !status.is_success() {
            return Err(format!("{method} {path}: {status} {body}").into());
        }
        Ok(body)
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_owned()
}

fn millis(v: &Value) -> i64 {
    v.as_str()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.timestamp_millis())
        .unwrap_or_default()
}

fn percentile(sorted: &[i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let base = args.get(1).cloned().unwrap_or_else(|| "http://127.0.0.1:18293".into());
    let items: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let writers: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(32);
    let http = reqwest::Client::builder().pool_max_idle_per_host(writers).build()?;
    let email = format!("w9-{}@example.com", std::process::id());
    let signup = json!({"email": email, "password": "correct horse battery staple", "name": "Bench"});
    let res: Value = http.post(format!("{base}/api/v1/auth/signup")).json(&signup).send().await?.json().await?;
    let token = res["token"].as_str().ok_or("signup failed")?.to_owned();
    let c = Client { http, base, token };
    use reqwest::Method;
    let ws = c.send(Method::POST, "/workspaces", Some(json!({"name": "W9"}))).await?;
    let board = c.send(Method::POST, "/boards", Some(json!({"name": "W9", "workspace_id": ws["id"]}))).await?;
    let bid = id(&board);
    let columns = format!("/boards/{bid}/columns");
    let notes = id(&c.send(Method::POST, &columns, Some(json!({"title": "Notes", "type": "text"}))).await?);
    let flag = id(&c.send(Method::POST, &columns, Some(json!({"title": "Flag", "type": "text"}))).await?);
    let recipe = json!({"name": "flag", "trigger": {"type": "column_changed", "column_id": notes},
        "actions": [{"type": "set_column", "column_id": flag, "value": "done"}]});
    let automation = id(&c.send(Method::POST, &format!("/boards/{bid}/automations"), Some(recipe)).await?);
    for start in (0..items).step_by(1_000) {
        let chunk: Vec<Value> =
            (start..(start + 1_000).min(items)).map(|n| json!({"name": format!("item {n}")})).collect();
        c.send(Method::POST, &format!("/boards/{bid}/items/bulk"), Some(json!({"items": chunk}))).await?;
    }
    let mut ids = vec![];
    let mut cursor = String::new();
    loop {
        let page = c.send(Method::GET, &format!("/boards/{bid}/items?limit=500&cursor={cursor}"), None).await?;
        ids.extend(page["data"].as_array().ok_or("no items")?.iter().map(id));
        match page["next_cursor"].as_str() {
            Some(n) => cursor = n.to_owned(),
            None => break,
        }
    }
    println!("W9: {} items on the board, {writers} writers", ids.len());

    // The burst: every item's Notes set once.
    let ids = Arc::new(ids);
    let next = Arc::new(AtomicUsize::new(0));
    let burst = Instant::now();
    let tasks: Vec<_> = (0..writers)
        .map(|_| {
            let (c, ids, next, notes) = (c.clone(), ids.clone(), next.clone(), notes.clone());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = ids.get(i) else { return Ok::<(), Error>(()) };
                    c.send(Method::PATCH, &format!("/items/{item}"), Some(json!({"values": {&notes: "go"}}))).await?;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await??;
    }
    let burst_secs = burst.elapsed().as_secs_f64();
    println!("burst: {} PATCHes in {burst_secs:.2} s ({:.0}/s)", ids.len(), ids.len() as f64 / burst_secs);

    // Wait for every run to be recorded.
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut recorded = 0;
    while Instant::now() < deadline {
        let mut n = 0;
        let mut cursor = String::new();
        loop {
            let page =
                c.send(Method::GET, &format!("/automations/{automation}/runs?limit=500&cursor={cursor}"), None).await?;
            n += page["data"].as_array().map_or(0, Vec::len);
            match page["next_cursor"].as_str() {
                Some(x) => cursor = x.to_owned(),
                None => break,
            }
        }
        recorded = n;
        if recorded >= ids.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    println!("runs recorded: {recorded}");

    // Pair triggers with actions from the event log (server clock).
    let mut trigger_at: HashMap<String, i64> = HashMap::new();
    let mut action_at: HashMap<String, i64> = HashMap::new();
    let mut cursor = String::new();
    loop {
        let page = c.send(Method::GET, &format!("/boards/{bid}/activity?limit=500&cursor={cursor}"), None).await?;
        for e in page["data"].as_array().ok_or("no events")? {
            if e["kind"] != "item_updated" {
                continue;
            }
            let item = e["item_id"].as_str().unwrap_or_default().to_owned();
            let at = millis(&e["created_at"]);
            if e.get("cause").is_some_and(|c| !c.is_null()) {
                action_at.insert(item, at);
            } else {
                trigger_at.insert(item, at);
            }
        }
        match page["next_cursor"].as_str() {
            Some(x) => cursor = x.to_owned(),
            None => break,
        }
    }
    let mut latencies: Vec<i64> =
        trigger_at.iter().filter_map(|(item, t)| action_at.get(item).map(|a| a - t)).collect();
    latencies.sort_unstable();
    let first = trigger_at.values().min().copied().unwrap_or_default();
    let last = action_at.values().max().copied().unwrap_or_default();
    let done_secs = (last - first) as f64 / 1000.0;
    let per_min = latencies.len() as f64 / done_secs.max(0.001) * 60.0;
    let (p50, p99, max) =
        (percentile(&latencies, 0.5), percentile(&latencies, 0.99), latencies.last().copied().unwrap_or(0));
    println!(
        "all {} runs done {done_secs:.2} s after the first trigger ({per_min:.0} runs/min); trigger→action p50 {p50} ms, p99 {p99} ms, max {max} ms",
        latencies.len()
    );
    println!(
        "W9 runs={} burst_secs={burst_secs:.2} done_secs={done_secs:.2} runs_per_min={per_min:.0} p50_ms={p50} p99_ms={p99} max_ms={max}",
        latencies.len()
    );
    Ok(())
}
