//! The relay against raw JetStream, on one NATS server, in one run:
//! - raw: N messages of the size of a typical event, published to a stream with message ids
//!   (pipelined, 500 acks outstanding, as the relay does), then read back with an ordered
//!   consumer: messages/s each way;
//! - relay: N committed events handed to one node's `NatsBus` (which relays them) and
//!   received by a second node's `NatsBus` (which follows the stream): events/s end to end,
//!   and the commit → other-node delay, p50 and p99.
//!
//!   nats-bench nats://127.0.0.1:4222 [events] [boards]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use async_nats::jetstream::{self, consumer::pull::OrderedConfig, stream::Config as StreamConfig};
use futures::StreamExt;
use sunday_bus::EventBus;
use sunday_bus_nats::{NatsBus, NatsSettings};
use sunday_store::Store;
use sunday_types::{
    boards::BoardEvent,
    events::{BoardChange, BoardUpdated},
    time::to_datetime,
    BoardId, UserId,
};

fn events(n: usize, boards: usize) -> Vec<BoardEvent> {
    let ids: Vec<BoardId> = (0..boards).map(|_| BoardId::new()).collect();
    let actor = UserId::new();
    (0..n)
        .map(|i| BoardEvent {
            board_id: ids[i % boards],
            seq: (i / boards) as i64 + 1,
            change: BoardChange::BoardUpdated(BoardUpdated::default()),
            actor,
            item_id: None,
            created_at: to_datetime(0),
            cause: None,
        })
        .collect()
}

async fn raw(url: &str, n: usize, payload: usize) {
    let client = async_nats::connect(url).await.unwrap();
    let js = jetstream::new(client);
    let name = format!("RAWBENCH{}", std::process::id());
    let mut stream = js
        .create_stream(StreamConfig {
            name: name.clone(),
            subjects: vec![format!("rawbench{}.>", std::process::id())],
            ..Default::default()
        })
        .await
        .unwrap();
    let body = vec![b'x'; payload];
    let start = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let mut acks = vec![];
        for i in chunk {
            let mut headers = async_nats::HeaderMap::new();
            headers.insert(async_nats::header::NATS_MESSAGE_ID, i.to_string().as_str());
            let subject = format!("rawbench{}.b{}", std::process::id(), i % 100);
            acks.push(js.publish_with_headers(subject, headers, body.clone().into()).await.unwrap());
        }
        for ack in acks {
            ack.await.unwrap();
        }
    }
    let published = start.elapsed();
    let consumer = stream.create_consumer(OrderedConfig::default()).await.unwrap();
    let mut messages = consumer.messages().await.unwrap();
    let start = Instant::now();
    for _ in 0..n {
        messages.next().await.unwrap().unwrap();
    }
    let consumed = start.elapsed();
    let _ = stream.info().await;
    js.delete_stream(&name).await.unwrap();
    println!(
        "| raw JetStream, {payload} B messages | publish {:.0} msg/s | ordered consumer {:.0} msg/s |",
        n as f64 / published.as_secs_f64(),
        n as f64 / consumed.as_secs_f64()
    );
}

async fn relay(url: &str, n: usize, boards: usize) {
    let dir = tempfile::tempdir().unwrap();
    let store = sunday_store_sqlite::SqliteStore::open(&dir.path().join("bench.db"), 2).await.unwrap();
    store.migrate().await.unwrap();
    let store: Arc<dyn Store> = Arc::new(store);
    let settings = NatsSettings {
        url: url.to_owned(),
        stream: format!("RELAYBENCH{}", std::process::id()),
        retention: Duration::from_secs(600),
        capacity: 1 << 20,
    };
    let writer = NatsBus::start(settings.clone(), store.clone()).await.unwrap();
    let reader = NatsBus::start(settings, store).await.unwrap();
    let mut rx = reader.subscribe();
    // Let both connect and the follower create its consumer.
    while !(writer.health().connected && reader.health().connected) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut batch = events(n, boards);
    let start = Instant::now();
    // Throughput only: under a burst the delay is the queue, timed below saturation instead.
    let receiving = tokio::spawn(async move {
        let mut got = 0;
        while got < n {
            match rx.recv().await {
                Ok(_) => got += 1,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(k)) => got += k as usize,
                Err(_) => break,
            }
        }
    });
    // Committed in batches of 10, like a busy write path, each stamped when "committed".
    for chunk in batch.chunks_mut(10) {
        let now = chrono::Utc::now();
        for e in chunk.iter_mut() {
            e.created_at = now;
        }
        writer.publish(chunk);
        tokio::task::yield_now().await;
    }
    tokio::time::timeout(Duration::from_secs(120), receiving).await.unwrap().unwrap();
    let elapsed = start.elapsed();

    // Below saturation: 2,000 events/s (10 every 5 ms) for 2 s, each timed from its commit.
    let mut rx = reader.subscribe();
    let paced = 4_000;
    let mut more = events(paced, boards);
    for e in more.iter_mut() {
        e.seq += n as i64;
    }
    let receiving = tokio::spawn(async move {
        let mut lags = vec![];
        while lags.len() < paced {
            match rx.recv().await {
                Ok(e) => lags.push((chrono::Utc::now() - e.created_at).num_microseconds().unwrap_or(0)),
                Err(_) => break,
            }
        }
        lags
    });
    let mut tick = tokio::time::interval(Duration::from_millis(5));
    for chunk in more.chunks_mut(10) {
        tick.tick().await;
        let now = chrono::Utc::now();
        for e in chunk.iter_mut() {
            e.created_at = now;
        }
        writer.publish(chunk);
    }
    let mut lags = tokio::time::timeout(Duration::from_secs(60), receiving).await.unwrap().unwrap();
    lags.sort_unstable();
    let q =
        |p: f64| lags.get(((lags.len() as f64 * p) as usize).min(lags.len().saturating_sub(1))).copied().unwrap_or(0);
    println!(
        "| relay (NatsBus → NatsBus), {boards} boards | {:.0} events/s end to end ({n} at once) | at 2,000 events/s: commit → other node p50 {:.2} ms, p99 {:.2} ms |",
        n as f64 / elapsed.as_secs_f64(),
        q(0.5) as f64 / 1000.0,
        q(0.99) as f64 / 1000.0
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let url = args.first().cloned().unwrap_or_else(|| "nats://127.0.0.1:4222".into());
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let boards: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100);
    let size = serde_json::to_vec(&events(1, 1)[0]).unwrap().len();
    raw(&url, n, size).await;
    relay(&url, n, boards).await;
}
