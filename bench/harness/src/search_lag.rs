//! W8's indexing lag under W5's write load: `search-lag BASE_URL` with `$TOKEN` and `$INFO`
//! (a `bulk-seed` info file: the board and its text column on the first line, item ids after).
//!
//! `$WRITERS` (default 8, as W5) writers change the text cell of random items of the board as
//! fast as the server answers, for `$SECS` seconds (default 20). Meanwhile a prober, every
//! 200 ms, writes a word nobody wrote before into another item's text cell and, from the
//! moment the write is acknowledged (committed), searches for it every 5 ms until it is found.
//! Prints the write rate and the lag's p50, p99 and max.

use std::{
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use serde_json::{json, Value};

type Error = Box<dyn std::error::Error + Send + Sync>;

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(((v.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(f64::NAN)
}

async fn patch(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    item: &str,
    column: &str,
    text: &str,
) -> Result<(), Error> {
    let res = http
        .patch(format!("{base}/api/v1/items/{item}"))
        .bearer_auth(token)
        .json(&json!({"values": {column: text}}))
        .send()
        .await?;
    if !res.status().is_success() {
        return Err(format!("PATCH item: {} {}", res.status(), res.text().await?).into());
    }
    Ok(())
}

async fn found(http: &reqwest::Client, base: &str, token: &str, word: &str) -> Result<bool, Error> {
    let res = http
        .get(format!("{base}/api/v1/search"))
        .query(&[("q", word), ("limit", "1")])
        .bearer_auth(token)
        .send()
        .await?;
    let body: Value = res.json().await?;
    Ok(body["data"].as_array().is_some_and(|hits| !hits.is_empty()))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let base = std::env::args().nth(1).ok_or("usage: search-lag BASE_URL (with $TOKEN and $INFO)")?;
    let token = std::env::var("TOKEN")?;
    let info = std::fs::read_to_string(std::env::var("INFO")?)?;
    let mut lines = info.lines();
    let first: Vec<&str> = lines.next().ok_or("empty info file")?.split(' ').collect();
    let column = first.get(3).ok_or("no text column in the info file")?.to_string();
    let items: Vec<String> = lines.map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
    if items.len() < 2 {
        return Err("the info file lists fewer than two items".into());
    }
    let writers: usize = std::env::var("WRITERS").ok().and_then(|v| v.parse().ok()).unwrap_or(8);
    let secs: u64 = std::env::var("SECS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let http = reqwest::Client::new();
    let (stop, writes) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicU64::new(0)));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..writers {
        let (http, base, token, column, stop, writes) =
            (http.clone(), base.clone(), token.clone(), column.clone(), stop.clone(), writes.clone());
        // The prober uses items[0]; the writers the others.
        let mine: Vec<String> = items[1..].iter().skip(w).step_by(writers).cloned().collect();
        tasks.push(tokio::spawn(async move {
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let item = &mine[n % mine.len().max(1)];
                patch(&http, &base, &token, item, &column, &format!("load {w} {n} venue minutes")).await?;
                writes.fetch_add(1, Ordering::Relaxed);
                n += 1;
            }
            Ok::<(), Error>(())
        }));
    }
    let mut lags = Vec::new();
    let run = std::process::id();
    let mut k = 0u64;
    while started.elapsed() < Duration::from_secs(secs) {
        let word = format!("probe{run}x{k}");
        k += 1;
        patch(&http, &base, &token, &items[0], &column, &word).await?;
        let committed = Instant::now();
        while !found(&http, &base, &token, &word).await? {
            if committed.elapsed() > Duration::from_secs(30) {
                return Err(format!("{word} not searchable after 30 s").into());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        lags.push(committed.elapsed().as_secs_f64() * 1000.0);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await??;
    }
    let rate = writes.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    let probes = lags.len();
    let (p50, p99, max) = (pct(&mut lags, 0.5), pct(&mut lags, 0.99), pct(&mut lags, 1.0));
    println!(
        "| indexing lag under load | {writers} writers, {rate:.0} writes/s | {probes} probes: p50 {p50:.0} ms, p99 {p99:.0} ms, max {max:.0} ms |"
    );
    Ok(())
}
