//! Real-time workloads against a running `sunday serve` (see bench/realtime.sh), each beside
//! its raw ceiling measured in the same process:
//! - `w5 BASE TOKEN BOARD ITEM COLUMN [clients] [updates] [writers]`: cell updates through the
//!   API while `clients` sockets follow the board; updates/s, update→delivered latency, and
//!   lost or reordered events. Raw: one-row durable SQLite updates + a bare broadcast.
//! - `w6 BASE TOKEN BOARD ITEM COLUMN [clients] [secs]`: fan-out deliveries/s to `clients`
//!   sockets. Raw: a bare tokio-tungstenite server broadcasting to as many sockets.
//! - `w7 BASE TOKEN BOARD PID [conns]`: idle sockets; server memory per connection and idle
//!   CPU, read from /proc.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn pct(mut v: Vec<f64>, p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

async fn connect(base: &str, token: &str, board: &str) -> Ws {
    let url = format!("{}/ws?access_token={token}", base.replace("http://", "ws://"));
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap_or_else(|e| panic!("connect: {e}"));
    ws.send(Message::Text(json!({"type": "subscribe", "board_id": board}).to_string().into()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    loop {
        let m = ws.next().await.unwrap_or_else(|| panic!("closed")).unwrap_or_else(|e| panic!("{e}"));
        if m.to_text().unwrap_or("").contains("\"subscribed\"") {
            return ws;
        }
    }
}

/// Follows events, checking order, and records each value's delivery time.
fn follow(
    mut ws: Ws,
    column: String,
    expect: usize,
    sent: Arc<Mutex<HashMap<i64, Instant>>>,
    lat: Arc<Mutex<Vec<f64>>>,
) -> tokio::task::JoinHandle<(usize, usize)> {
    tokio::spawn(async move {
        let (mut got, mut disorder, mut last) = (0usize, 0usize, 0i64);
        while got < expect {
            let Some(Ok(m)) = ws.next().await else { break };
            let Ok(text) = m.to_text() else { continue };
            let Ok(v) = serde_json::from_str::<Value>(text) else { continue };
            if v["type"] != "event" {
                continue;
            }
            let seq = v["seq"].as_i64().unwrap_or(0);
            if last != 0 && seq != last + 1 {
                disorder += 1;
            }
            last = seq;
            // An update's event names the changed cells (`payload.changes`), not the whole row.
            let changes = v["payload"]["changes"].as_array().cloned().unwrap_or_default();
            let value = changes.iter().find(|c| c["column_id"] == column.as_str()).map(|c| c["new"].clone());
            let number = value.and_then(|v| v.as_f64());
            if let Some(n) = number.map(|f| f as i64) {
                if let Some(t) = sent.lock().ok().and_then(|s| s.get(&n).copied()) {
                    if let Ok(mut l) = lat.lock() {
                        l.push(t.elapsed().as_secs_f64() * 1000.0);
                    }
                }
            }
            got += 1;
        }
        (got, disorder)
    })
}

async fn updates(
    base: &str,
    token: &str,
    item: &str,
    column: &str,
    total: usize,
    writers: usize,
    sent: Arc<Mutex<HashMap<i64, Instant>>>,
) -> Duration {
    let client = reqwest::Client::new();
    let start = Instant::now();
    let mut tasks = vec![];
    for w in 0..writers {
        let (client, sent) = (client.clone(), sent.clone());
        let (url, token, column) = (format!("{base}/api/v1/items/{item}"), token.to_owned(), column.to_owned());
        tasks.push(tokio::spawn(async move {
            for n in (w..total).step_by(writers) {
                let value = n as i64 + 1;
                if let Ok(mut s) = sent.lock() {
                    s.insert(value, Instant::now());
                }
                let r = client
                    .patch(&url)
                    .bearer_auth(&token)
                    .json(&json!({"values": {column.clone(): value}}))
                    .send()
                    .await;
                assert!(r.map(|r| r.status().is_success()).unwrap_or(false), "update failed");
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    start.elapsed()
}

async fn w5(a: &[String]) {
    let (base, token, board, item, column) = (&a[0], &a[1], &a[2], &a[3], &a[4]);
    let clients: usize = a.get(5).and_then(|s| s.parse().ok()).unwrap_or(100);
    let total: usize = a.get(6).and_then(|s| s.parse().ok()).unwrap_or(5000);
    let writers: usize = a.get(7).and_then(|s| s.parse().ok()).unwrap_or(8);
    let sent = Arc::new(Mutex::new(HashMap::new()));
    let lat = Arc::new(Mutex::new(vec![]));
    let mut followers = vec![];
    for _ in 0..clients {
        followers.push(follow(connect(base, token, board).await, column.clone(), total, sent.clone(), lat.clone()));
    }
    let start = Instant::now();
    updates(base, token, item, column, total, writers, sent).await;
    let (mut lost, mut disorder) = (0, 0);
    for f in followers {
        let (got, d) =
            tokio::time::timeout(Duration::from_secs(60), f).await.ok().and_then(|r| r.ok()).unwrap_or((0, 0));
        lost += total - got;
        disorder += d;
    }
    let secs = start.elapsed().as_secs_f64();
    let lat = lat.lock().map(|l| l.clone()).unwrap_or_default();
    println!("| W5 sunday | {:.0} updates/s | p50 {:.1} ms, p99 {:.1} ms update→delivered | {clients} subscribers, {writers} writers, {total} updates | lost {lost}, reordered {disorder} |",
        total as f64 / secs, pct(lat.clone(), 0.5), pct(lat, 0.99));

    // Raw: the same durable one-row update on SQLite plus a bare in-process broadcast.
    let dir = std::env::temp_dir().join(format!("rt-raw-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let c = rusqlite::Connection::open(dir.join("raw.db")).unwrap_or_else(|e| panic!("{e}"));
    let _ = c.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT); INSERT OR REPLACE INTO t VALUES (1, '');");
    let (tx, _) = tokio::sync::broadcast::channel::<(i64, Instant)>(65_536);
    let raw_lat = Arc::new(Mutex::new(vec![]));
    let mut rx_tasks = vec![];
    for _ in 0..clients {
        let mut rx = tx.subscribe();
        let raw_lat = raw_lat.clone();
        rx_tasks.push(tokio::spawn(async move {
            for _ in 0..total {
                match rx.recv().await {
                    Ok((_, t)) => {
                        if let Ok(mut l) = raw_lat.lock() {
                            l.push(t.elapsed().as_secs_f64() * 1000.0);
                        }
                    }
                    Err(_) => break,
                }
            }
        }));
    }
    let start = Instant::now();
    for n in 0..total as i64 {
        let t = Instant::now();
        c.execute("UPDATE t SET v = ?1 WHERE id = 1", [n.to_string()]).unwrap_or_else(|e| panic!("{e}"));
        let _ = tx.send((n, t));
        if n % 64 == 0 {
            tokio::task::yield_now().await;
        }
    }
    for t in rx_tasks {
        let _ = t.await;
    }
    let raw_lat = raw_lat.lock().map(|l| l.clone()).unwrap_or_default();
    println!(
        "| W5 raw | {:.0} updates/s | p99 {:.2} ms | SQLite one-row update + tokio broadcast to {clients} | |",
        total as f64 / start.elapsed().as_secs_f64(),
        pct(raw_lat, 0.99)
    );
    let _ = std::fs::remove_dir_all(dir);
}

async fn w6(a: &[String]) {
    let (base, token, board, item, column) = (&a[0], &a[1], &a[2], &a[3], &a[4]);
    let clients: usize = a.get(5).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let total: usize = a.get(6).and_then(|s| s.parse().ok()).unwrap_or(200);
    let sent = Arc::new(Mutex::new(HashMap::new()));
    let lat = Arc::new(Mutex::new(vec![]));
    let mut followers = vec![];
    for _ in 0..clients {
        followers.push(follow(connect(base, token, board).await, column.clone(), total, sent.clone(), lat.clone()));
    }
    let start = Instant::now();
    updates(base, token, item, column, total, 4, sent).await;
    let mut delivered = 0;
    for f in followers {
        delivered +=
            tokio::time::timeout(Duration::from_secs(120), f).await.ok().and_then(|r| r.ok()).map(|r| r.0).unwrap_or(0);
    }
    let ours = delivered as f64 / start.elapsed().as_secs_f64();

    // Raw: a bare tokio-tungstenite server broadcasting the same number of similar frames.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let (tx, _) = tokio::sync::broadcast::channel::<Arc<str>>(4096);
    let server_tx = tx.clone();
    tokio::spawn(async move {
        loop {
            let Ok((s, _)) = listener.accept().await else { return };
            let mut rx = server_tx.subscribe();
            tokio::spawn(async move {
                let Ok(mut ws) = tokio_tungstenite::accept_async(s).await else { return };
                while let Ok(m) = rx.recv().await {
                    if ws.send(Message::Text(m.as_ref().into())).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    let mut sockets = vec![];
    for _ in 0..clients {
        let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}")).await.unwrap_or_else(|e| panic!("{e}"));
        sockets.push(ws);
    }
    while tx.receiver_count() < clients {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let frame: Arc<str> =
        json!({"type": "event", "seq": 1, "payload": {"item": {"name": "x".repeat(600)}}}).to_string().into();
    let readers: Vec<_> = sockets
        .into_iter()
        .map(|mut ws| {
            tokio::spawn(async move {
                let mut n = 0;
                while n < total {
                    match ws.next().await {
                        Some(Ok(_)) => n += 1,
                        _ => break,
                    }
                }
                n
            })
        })
        .collect();
    let start = Instant::now();
    for _ in 0..total {
        let _ = tx.send(frame.clone());
        tokio::task::yield_now().await;
    }
    let mut raw_delivered = 0;
    for r in readers {
        raw_delivered += r.await.unwrap_or(0);
    }
    let raw = raw_delivered as f64 / start.elapsed().as_secs_f64();
    println!("| W6 | raw tungstenite broadcast {raw:.0} deliveries/s | sunday {ours:.0} deliveries/s | {:.2}x | {clients} subscribers, {total} events ({delivered} of {} delivered) |", ours / raw, clients * total);
}

fn proc_rss_kb(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn proc_cpu_ticks(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            let f: Vec<&str> = s.rsplit_once(')')?.1.split_whitespace().collect();
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0)
}

async fn w7(a: &[String]) {
    let (base, token, board, pid) = (&a[0], &a[1], &a[2], &a[3]);
    let conns: usize = a.get(4).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = proc_rss_kb(pid);
    let mut sockets = Vec::with_capacity(conns);
    for i in 0..conns {
        sockets.push(connect(base, token, board).await);
        if i % 2000 == 1999 {
            eprintln!("{} sockets", i + 1);
        }
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = proc_rss_kb(pid);
    let t0 = proc_cpu_ticks(pid);
    tokio::time::sleep(Duration::from_secs(10)).await;
    let cpu = (proc_cpu_ticks(pid) - t0) as f64 / 100.0 / 10.0 * 100.0;
    println!("| W7 | {conns} idle subscribed sockets | {:.1} KB per connection (RSS {} → {} MB) | idle CPU {cpu:.1}% of a core |",
        (after.saturating_sub(before)) as f64 / conns as f64, before / 1024, after / 1024);
    drop(sockets);
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("w5") => w5(&args[1..]).await,
        Some("w6") => w6(&args[1..]).await,
        Some("w7") => w7(&args[1..]).await,
        _ => eprintln!("usage: rt-bench w5|w6|w7 …"),
    }
}
