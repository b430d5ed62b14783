//! Outbound webhook throughput, on a running server (with `webhooks.allowed_hosts` naming
//! 127.0.0.1), through the public API: `hook-bench BASE_URL [ITEMS]`.
//!
//! It starts two receivers in this process (plain HTTP/1.1 with keep-alive): a fast one that
//! answers at once and a slow one that answers after two seconds. It subscribes both to a new
//! board's events, creates ITEMS items (default 5,000) with the bulk API, and measures how fast
//! the deliveries reach the fast receiver (from its first to its last) while the slow one
//! holds its share of the sender's slots. The last line is machine-readable:
//! `HOOKS items=… fast_secs=… fast_per_sec=… slow_done_at_fast_end=…`.

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use serde_json::{json, Value};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

type Error = Box<dyn std::error::Error + Send + Sync>;

#[derive(Default)]
struct Seen {
    count: AtomicUsize,
    first: Mutex<Option<Instant>>,
    last: Mutex<Option<Instant>>,
}

/// Reads one request (headers and a `content-length` body) from `buf`/`sock`; `None` at EOF.
async fn request(sock: &mut TcpStream, buf: &mut Vec<u8>) -> Option<String> {
    let mut chunk = [0u8; 16384];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4) {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
                .unwrap_or(0);
            if buf.len() >= end + len {
                let body = String::from_utf8_lossy(&buf[end..end + len]).to_string();
                buf.drain(..end + len);
                return Some(body);
            }
        }
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

async fn receiver(delay: Duration, seen: Arc<Seen>) -> Result<String, Error> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/hook", listener.local_addr()?);
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                while let Some(body) = request(&mut sock, &mut buf).await {
                    let answer =
                        match serde_json::from_str::<Value>(&body).ok().and_then(|v| v.get("challenge").cloned()) {
                            Some(c) => json!({ "challenge": c }).to_string(),
                            None => {
                                tokio::time::sleep(delay).await;
                                let now = Instant::now();
                                seen.first.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(now);
                                *seen.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(now);
                                seen.count.fetch_add(1, Ordering::Relaxed);
                                "{}".to_owned()
                            }
                        };
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        answer.len()
                    );
                    if sock.write_all(head.as_bytes()).await.is_err()
                        || sock.write_all(answer.as_bytes()).await.is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    Ok(url)
}

async fn post(http: &reqwest::Client, url: String, token: &str, body: Value) -> Result<Value, Error> {
    let res = http.post(&url).bearer_auth(token).json(&body).send().await?;
    let status = res.status();
    let body: Value = res.json().await?;
    if !status.is_success() {
        return Err(format!("POST {url}: {status} {body}").into());
    }
    Ok(body)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let base = args.get(1).cloned().unwrap_or_else(|| "http://127.0.0.1:18294".into());
    let items: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5_000);
    let (fast, slow) = (Arc::new(Seen::default()), Arc::new(Seen::default()));
    let fast_url = receiver(Duration::ZERO, fast.clone()).await?;
    let slow_url = receiver(Duration::from_secs(2), slow.clone()).await?;
    let http = reqwest::Client::new();
    let api = format!("{base}/api/v1");
    let signup = json!({"email": format!("hooks-{}@example.com", std::process::id()), "password": "correct horse battery staple", "name": "Bench"});
    let token = http.post(format!("{api}/auth/signup")).json(&signup).send().await?.json::<Value>().await?["token"]
        .as_str()
        .ok_or("signup failed")?
        .to_owned();
    let ws = post(&http, format!("{api}/workspaces"), &token, json!({"name": "Hooks"})).await?;
    let board =
        post(&http, format!("{api}/boards"), &token, json!({"name": "Hooks", "workspace_id": ws["id"]})).await?;
    let bid = board["id"].as_str().ok_or("no board")?.to_owned();
    for url in [&fast_url, &slow_url] {
        post(&http, format!("{api}/boards/{bid}/webhooks"), &token, json!({"url": url, "events": ["item_created"]}))
            .await?;
    }
    let started = Instant::now();
    for start in (0..items).step_by(1_000) {
        let chunk: Vec<Value> =
            (start..(start + 1_000).min(items)).map(|n| json!({"name": format!("item {n}")})).collect();
        post(&http, format!("{api}/boards/{bid}/items/bulk"), &token, json!({"items": chunk})).await?;
    }
    let deadline = Instant::now() + Duration::from_secs(600);
    while fast.count.load(Ordering::Relaxed) < items && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let slow_then = slow.count.load(Ordering::Relaxed);
    let first = fast.first.lock().unwrap_or_else(|e| e.into_inner()).unwrap_or(started);
    let last = fast.last.lock().unwrap_or_else(|e| e.into_inner()).unwrap_or(started);
    let secs = (last - first).as_secs_f64().max(0.001);
    let got = fast.count.load(Ordering::Relaxed);
    println!("fast receiver: {got} deliveries in {secs:.2} s from first to last ({:.0}/s); first {:.2} s after the items were sent",
        got as f64 / secs, (first - started).as_secs_f64());
    println!("slow receiver (2 s per answer): {slow_then} delivered when the fast one had all of its");
    println!(
        "HOOKS items={items} fast_secs={secs:.2} fast_per_sec={:.0} slow_done_at_fast_end={slow_then}",
        got as f64 / secs
    );
    Ok(())
}
