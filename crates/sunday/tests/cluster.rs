//! The cluster as an operator starts it: `deploy/cluster/cluster up` (two api+realtime nodes
//! and a worker+scheduler node of the real binary behind HAProxy, on PostgreSQL and NATS
//! JetStream and Redis; the test's own NATS server, so it may stop it). Sockets on different
//! nodes see each other's presence; WebSocket clients on different nodes follow one board under a steady write load through HAProxy while an API node is
//! killed with SIGKILL and, later, NATS is stopped for ten seconds. Every acknowledged write
//! must be in the store, and every client's view of the board must equal it, with every event
//! received once, in `seq` order, without a full reload.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::HashSet,
    net::TcpListener,
    path::{Path, PathBuf},
    process::Command,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use serde_json::{json, Value};
use sunday_store_postgres::testing::{admin_url, create_scratch_database};
use sunday_testkit::{cluster::NatsServer, Ws};

mod support;
use tokio::sync::watch;

struct Cluster {
    dir: tempfile::TempDir,
    port: u16,
    store_url: String,
    bus_url: String,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/cluster/cluster")
}

/// A port `p` with `p..=p+3` free (HAProxy and three nodes).
fn free_ports() -> u16 {
    for _ in 0..50 {
        let p = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        if p < 65_000 && (0..4).all(|i| TcpListener::bind(("127.0.0.1", p + i)).is_ok()) {
            return p;
        }
    }
    panic!("no four free ports in a row");
}

impl Cluster {
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(script());
        c.args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("CLUSTER_BIN", env!("CARGO_BIN_EXE_sunday"))
            .env("CLUSTER_DIR", self.dir.path())
            .env("CLUSTER_PORT", self.port.to_string())
            .env("STORE_URL", &self.store_url)
            .env("BUS_URL", &self.bus_url)
            .env("REDIS_URL", "redis://127.0.0.1:6379")
            .env("SUNDAY_LOG__LEVEL", "info")
            .env("SUNDAY_AUTH__ARGON2_MEMORY_KIB", "64")
            .env("SUNDAY_GATEWAY__RATE_LIMIT_IP_PER_SEC", "0")
            .env("SUNDAY_GATEWAY__RATE_LIMIT_USER_PER_SEC", "0");
        c
    }

    fn run(&self, args: &[&str]) {
        let out = self.command(args).output().unwrap();
        if !out.status.success() {
            let mut logs = String::new();
            for n in 1..=3 {
                let log = std::fs::read_to_string(self.dir.path().join(format!("node{n}.log"))).unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(20).collect();
                logs.push_str(&format!("\n--- node{n}.log (last lines, newest first)\n{}", tail.join("\n")));
            }
            panic!(
                "cluster {args:?} failed: {}\n{}{logs}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn node(&self, n: u16) -> String {
        format!("http://127.0.0.1:{}", self.port + n)
    }

    fn kill9(&self, n: u16) {
        let pid = std::fs::read_to_string(self.dir.path().join(format!("node{n}.pid"))).unwrap();
        let status = Command::new("kill").args(["-9", pid.trim()]).status().unwrap();
        assert!(status.success(), "kill -9 node{n}");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.command(&["down"]).output();
    }
}

/// A WebSocket client following one board, through HAProxy unless pinned to a node; it
/// reconnects (through HAProxy) with `since_seq` whenever its socket closes.
struct Follower {
    ws: Ws,
    base: String,
    token: String,
    board: String,
    last: i64,
    items: HashSet<String>,
    reconnects: usize,
}

impl Follower {
    async fn open(base: &str, token: &str, board: &str) -> (Follower, Option<String>) {
        let (mut ws, node) = Ws::connect(base, token).await.unwrap();
        let last = ws.subscribe(board, None).await["seq"].as_i64().unwrap();
        let f = Follower {
            ws,
            base: base.to_owned(),
            token: token.to_owned(),
            board: board.to_owned(),
            last,
            items: HashSet::new(),
            reconnects: 0,
        };
        (f, node)
    }

    /// Follows the board in the background until its `seq` reaches the head sent on `head`
    /// (reading all along, as a browser does: a socket that stops reading is told to resync).
    fn follow(mut self, mut head: watch::Receiver<Option<i64>>) -> tokio::task::JoinHandle<Follower> {
        tokio::spawn(async move {
            loop {
                let target = *head.borrow_and_update();
                if let Some(h) = target {
                    if self.last >= h {
                        return self;
                    }
                }
                tokio::select! {
                    frame = self.ws.next_within(2.0) => match frame {
                        Some(f) if f["type"] == "event" => {
                            let seq = f["seq"].as_i64().unwrap();
                            assert_eq!(seq, self.last + 1, "every event once, in seq order: {f}");
                            self.last = seq;
                            if f["kind"] == "item_created" {
                                self.items.insert(f["item_id"].as_str().unwrap().to_owned());
                            }
                        }
                        Some(f) => assert_ne!(f["type"], "resync", "no client needs a full reload"),
                        // Closed (its node died) or quiet: resume from the last seq seen,
                        // through the load balancer, as the web app does.
                        None => self.reconnect().await,
                    },
                    _ = head.changed() => {}
                }
            }
        })
    }

    async fn reconnect(&mut self) {
        for _ in 0..50 {
            if let Ok((mut ws, _)) = Ws::connect(&self.base, &self.token).await {
                ws.send(json!({"type": "subscribe", "board_id": self.board, "since_seq": self.last})).await;
                self.ws = ws;
                self.reconnects += 1;
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("could not reconnect through HAProxy");
    }
}

/// Writers creating items through HAProxy until stopped; each retries its request with the
/// same `Idempotency-Key` until it is answered `201`, and notes the item.
fn write_load(
    base: &str,
    token: &str,
    board: &str,
    stop: Arc<AtomicBool>,
) -> (Vec<tokio::task::JoinHandle<()>>, Arc<Mutex<Vec<String>>>) {
    let acked = Arc::new(Mutex::new(vec![]));
    let tasks = (0..4)
        .map(|w| {
            let (base, token, board, stop, acked) =
                (base.to_owned(), token.to_owned(), board.to_owned(), stop.clone(), acked.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
                for n in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let key = format!("w{w}-{n}-{}", std::process::id());
                    loop {
                        let r = client
                            .post(format!("{base}/api/v1/boards/{board}/items"))
                            .bearer_auth(&token)
                            .header("idempotency-key", &key)
                            .json(&json!({"name": format!("w{w} n{n}")}))
                            .send()
                            .await;
                        if let Some(r) = r.ok().filter(|r| r.status() == 201) {
                            let item: Value = r.json().await.unwrap();
                            acked.lock().unwrap().push(item["id"].as_str().unwrap().to_owned());
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        })
        .collect();
    (tasks, acked)
}

async fn stored_items(client: &reqwest::Client, base: &str, token: &str, board: &str) -> (HashSet<String>, i64) {
    let ids = support::all_item_ids(client, &format!("{base}/api/v1"), token, board).await;
    let b: Value = client
        .get(format!("{base}/api/v1/boards/{board}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (ids, b["last_seq"].as_i64().unwrap())
}

async fn wait_for(acked: &Mutex<Vec<String>>, n: usize) {
    for _ in 0..600 {
        if acked.lock().unwrap().len() >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the write load stalled at {} writes", acked.lock().unwrap().len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_cluster_loses_nothing_when_a_node_dies_or_nats_stops() {
    let (store_url, _db) = create_scratch_database(&admin_url()).await.unwrap();
    let mut nats = NatsServer::start().await;
    let cluster = Cluster { dir: tempfile::tempdir().unwrap(), port: free_ports(), store_url, bus_url: nats.url() };
    cluster.run(&["up"]);
    let client = reqwest::Client::new();
    let base = cluster.base();
    let api = format!("{base}/api/v1");
    let token = support::signup(&client, &api, "cluster@example.com").await;
    let board = support::board(&client, &api, &token).await;

    // Presence: a socket through HAProxy on one node sees the presence set on the other.
    let (mut p1, n1) = Ws::connect(&base, &token).await.unwrap();
    let (mut p2, n2) = Ws::connect(&base, &token).await.unwrap();
    assert_ne!(n1, n2, "HAProxy spreads sockets over the nodes");
    p1.subscribe(&board, None).await;
    p2.subscribe(&board, None).await;
    p1.send(json!({"type": "presence", "board_id": board, "state": "editing"})).await;
    loop {
        let p = p2.next_of("presence").await;
        if p["users"].as_array().unwrap().iter().any(|u| u["state"] == "editing") {
            break;
        }
    }
    drop((p1, p2));

    // Two clients through HAProxy land on the two API nodes; a third is pinned to node 2.
    let (head_tx, head) = watch::channel(None);
    let (a, node_a) = Follower::open(&base, &token, &board).await;
    let (b, node_b) = Follower::open(&base, &token, &board).await;
    assert_ne!(node_a, node_b, "HAProxy spreads sockets over the nodes");
    let (pinned, _) = Follower::open(&cluster.node(2), &token, &board).await;
    let followers =
        [("a", a.follow(head.clone())), ("b", b.follow(head.clone())), ("pinned", pinned.follow(head.clone()))];

    let stop = Arc::new(AtomicBool::new(false));
    let (writers, acked) = write_load(&base, &token, &board, stop.clone());

    // SIGKILL node 1 under load; its clients reconnect through HAProxy to node 2.
    wait_for(&acked, 40).await;
    cluster.kill9(1);
    wait_for(&acked, 120).await;
    // Node 1 again: it catches up from the log and the bus.
    cluster.run(&["node", "1"]);
    let late = Follower::open(&cluster.node(1), &token, &board).await.0.follow(head.clone());

    // NATS away for ten seconds under the same load.
    wait_for(&acked, 160).await;
    nats.stop();
    tokio::time::sleep(Duration::from_secs(10)).await;
    nats.resume().await;
    let during = acked.lock().unwrap().len();
    wait_for(&acked, during + 40).await;

    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    let acked: Vec<String> = acked.lock().unwrap().clone();
    let (stored, last_seq) = stored_items(&client, &base, &token, &board).await;
    let lost: Vec<&String> = acked.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged writes lost", lost.len(), acked.len());

    head_tx.send(Some(last_seq)).unwrap();
    let mut reconnects = 0;
    for (name, f) in followers {
        let f = tokio::time::timeout(Duration::from_secs(60), f).await.expect("followers reach the head").unwrap();
        assert_eq!(f.items, stored, "client {name}'s board equals the store");
        reconnects += f.reconnects;
    }
    assert!(reconnects >= 1, "the client on the killed node reconnected");
    let late = tokio::time::timeout(Duration::from_secs(60), late).await.expect("the restarted node follows").unwrap();
    assert!(late.items.is_subset(&stored) && !late.items.is_empty(), "the restarted node follows the board");
    let ready: Value = client.get(format!("{}/ready", cluster.node(1))).send().await.unwrap().json().await.unwrap();
    assert_eq!(ready["status"], "ready", "{ready}");
}
