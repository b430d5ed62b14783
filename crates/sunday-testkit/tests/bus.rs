//! The bus suite: the same scenarios on the in-process bus (one node) and on NATS JetStream
//! (two nodes on one PostgreSQL store, writes on one, sockets on the other), then what only a
//! broker can do wrong: go away, and lose a node between commit and relay.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use serde_json::{json, Value};
use sunday_testkit::{board, cluster::NatsServer, column_id, expect_error, expect_json, Backend, Session, TestApp, Ws};

/// The nodes of a scenario. Fields drop in order: the watcher before the writer, which owns
/// the scratch database.
struct Nodes {
    watcher: Option<TestApp>,
    writer: TestApp,
    nats: Option<NatsServer>,
}

impl Nodes {
    async fn in_process() -> Nodes {
        Nodes { watcher: None, writer: TestApp::spawn(Backend::Sqlite).await, nats: None }
    }

    async fn nats() -> Nodes {
        let nats = NatsServer::start().await;
        let writer = TestApp::spawn_on_nats(&nats, |_| {}).await;
        let watcher = writer.spawn_node(|_| {}).await;
        Nodes { watcher: Some(watcher), writer, nats: Some(nats) }
    }

    fn watcher(&self) -> &TestApp {
        self.watcher.as_ref().unwrap_or(&self.writer)
    }
}

macro_rules! bus_tests {
    ($($case:ident),* $(,)?) => {
        mod in_process {
            $(#[tokio::test]
            async fn $case() {
                super::$case(super::Nodes::in_process().await).await
            })*
        }
        mod nats {
            $(#[tokio::test]
            async fn $case() {
                super::$case(super::Nodes::nats().await).await
            })*
        }
    };
}

bus_tests!(
    edits_reach_every_node_in_seq_order,
    live_notifications_reach_every_node,
    a_logout_applies_on_every_node_within_a_second,
    a_removed_member_is_refused_on_every_node_within_a_second,
    presence_is_shared_by_every_node,
    a_board_permission_lowered_on_one_node_applies_on_the_other_within_a_second,
);

async fn create_item(app: &TestApp, s: &Session, board: &str, name: &str) -> Value {
    let path = format!("/api/v1/boards/{board}/items");
    expect_json(app.post(&path, &s.token, json!({"name": name})).send().await.unwrap(), 201).await
}

/// Reads events until `last`, asserting each `seq` follows the one before (no gap, no
/// repeat, no resync), within `secs`.
async fn expect_events(ws: &mut Ws, from: i64, last: i64, secs: f64) {
    let mut expected = from + 1;
    while expected <= last {
        let f = ws.next_within(secs).await.unwrap_or_else(|| panic!("no frame while waiting for seq {expected}"));
        assert_ne!(f["type"], "resync", "no client needs a full reload: {f}");
        if f["type"] == "event" {
            assert_eq!(f["seq"].as_i64().unwrap(), expected, "events in seq order, no gap, no repeat");
            expected += 1;
        }
    }
}

async fn edits_reach_every_node_in_seq_order(nodes: Nodes) {
    let app = &nodes.writer;
    let a = app.signup("order@example.com").await;
    let b = board(app, &a, None).await;
    let bid = b["id"].as_str().unwrap().to_owned();
    let mut ws = nodes.watcher().ws(&a.token).await;
    let start = ws.subscribe(&bid, None).await["seq"].as_i64().unwrap();
    // Four writers at once: commits interleave, the relay must still keep seq order.
    let mut writers = vec![];
    for w in 0..4 {
        let (app, a, bid) = (app.base.clone(), a.clone(), bid.clone());
        writers.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            for i in 0..10 {
                let r = client
                    .post(format!("{app}/api/v1/boards/{bid}/items"))
                    .bearer_auth(&a.token)
                    .json(&json!({"name": format!("w{w}-{i}")}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 201);
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    expect_events(&mut ws, start, start + 40, 10.0).await;
}

async fn live_notifications_reach_every_node(nodes: Nodes) {
    let app = &nodes.writer;
    let a = app.signup("note-a@example.com").await;
    let b_user = app.signup("note-b@example.com").await;
    app.join(&a, &b_user, "member").await;
    let b = board(app, &a, None).await;
    let item = create_item(app, &a, b["id"].as_str().unwrap(), "Launch").await;
    let iid = item["id"].as_str().unwrap();
    let mut wb = nodes.watcher().ws(&b_user.token).await;
    wb.send(json!({"type": "ping"})).await;
    wb.next_of("pong").await;
    app.patch(&format!("/api/v1/items/{iid}"), &a.token, json!({"values": {column_id(&b, "Owner"): [b_user.user_id]}}))
        .send()
        .await
        .unwrap();
    let live = wb.next_of("notification").await;
    assert_eq!((live["kind"].as_str(), live["item_id"].as_str()), (Some("assigned"), Some(iid)));
}

/// Polls `path` on `app` until it answers `status`, for at most a second (the credential and
/// membership caches keep entries for ten seconds: only an invalidation is that fast).
async fn within_a_second(app: &TestApp, path: &str, token: &str, status: u16) -> reqwest::Response {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
    loop {
        let r = app.get(path, token).send().await.unwrap();
        if r.status() == status || tokio::time::Instant::now() > deadline {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn a_logout_applies_on_every_node_within_a_second(nodes: Nodes) {
    let app = &nodes.writer;
    assert_eq!(app.config.auth.auth_cache_secs, 10, "credentials are cached");
    let a = app.signup("logout@example.com").await;
    // The watcher node checks (and caches) the session.
    expect_json(nodes.watcher().get("/api/v1/me", &a.token).send().await.unwrap(), 200).await;
    let out = app.post("/api/v1/auth/logout", &a.token, json!({})).send().await.unwrap();
    assert_eq!(out.status(), 204);
    let r = within_a_second(nodes.watcher(), "/api/v1/me", &a.token, 401).await;
    expect_error(r, 401, "invalid_session").await;
}

async fn a_removed_member_is_refused_on_every_node_within_a_second(nodes: Nodes) {
    let app = &nodes.writer;
    let owner = app.signup("owner@members.example").await;
    let member = app.signup("member@members.example").await;
    app.join(&owner, &member, "member").await;
    let members = format!("/api/v1/orgs/{}/members", owner.org_id);
    expect_json(nodes.watcher().get(&members, &member.token).send().await.unwrap(), 200).await;
    let removed = app.delete(&format!("{members}/{}", member.user_id), &owner.token).send().await.unwrap();
    assert_eq!(removed.status(), 204);
    let r = within_a_second(nodes.watcher(), &members, &member.token, 404).await;
    expect_error(r, 404, "org_not_found").await;
}

async fn a_board_permission_lowered_on_one_node_applies_on_the_other_within_a_second(nodes: Nodes) {
    let app = &nodes.writer;
    let owner = app.signup("board-owner@example.com").await;
    let editor = app.signup("board-editor@example.com").await;
    app.join(&owner, &editor, "member").await;
    let b = board(app, &owner, None).await;
    let bid = b["id"].as_str().unwrap().to_owned();
    let set = |p: &str| {
        app.client()
            .put(app.url(&format!("/api/v1/boards/{bid}/members/{}", editor.user_id)))
            .bearer_auth(&owner.token)
            .json(&json!({"permission": p}))
            .send()
    };
    expect_json(set("edit_content").await.unwrap(), 200).await;
    let there = nodes.watcher();
    let items = format!("/api/v1/boards/{bid}/items");
    expect_json(there.post(&items, &editor.token, json!({"name": "allowed"})).send().await.unwrap(), 201).await;
    expect_json(set("view").await.unwrap(), 200).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
    let refused = loop {
        let r = there.post(&items, &editor.token, json!({"name": "refused"})).send().await.unwrap();
        if r.status() == 403 || tokio::time::Instant::now() > deadline {
            break r;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    expect_error(refused, 403, "forbidden").await;
}

/// The next `presence` frame whose users satisfy `want`, within 5 s.
async fn presence_where(ws: &mut Ws, want: impl Fn(&[Value]) -> bool) -> Value {
    loop {
        let p = ws.next_of("presence").await;
        if want(p["users"].as_array().unwrap()) {
            return p;
        }
    }
}

async fn presence_is_shared_by_every_node(nodes: Nodes) {
    let app = &nodes.writer;
    let a = app.signup("presence@example.com").await;
    let b = board(app, &a, None).await;
    let bid = b["id"].as_str().unwrap().to_owned();
    let mut here = app.ws(&a.token).await;
    let mut there = nodes.watcher().ws(&a.token).await;
    here.subscribe(&bid, None).await;
    there.subscribe(&bid, None).await;
    here.send(json!({"type": "presence", "board_id": bid, "state": "typing"})).await;
    let p = presence_where(&mut there, |users| !users.is_empty()).await;
    assert_eq!(
        (p["users"][0]["user_id"].as_str(), p["users"][0]["state"].as_str()),
        (Some(a.user_id.as_str()), Some("typing"))
    );
    // The socket leaves: the other node's room sees the board empty again.
    here.send(json!({"type": "unsubscribe", "board_id": bid})).await;
    presence_where(&mut there, |users| users.is_empty()).await;
}

async fn ready(app: &TestApp) -> Value {
    expect_json(app.client().get(app.url("/ready")).send().await.unwrap(), 200).await
}

/// Writes commit while NATS is down (the node stays ready, and says it is degraded); once it
/// is back, the other node's socket receives every event, in order, without a reload.
#[tokio::test]
async fn events_committed_while_the_broker_is_down_arrive_when_it_returns() {
    let mut nodes = Nodes::nats().await;
    let app = &nodes.writer;
    let a = app.signup("outage@example.com").await;
    let b = board(app, &a, None).await;
    let bid = b["id"].as_str().unwrap().to_owned();
    let mut ws = nodes.watcher().ws(&a.token).await;
    let start = ws.subscribe(&bid, None).await["seq"].as_i64().unwrap();
    create_item(app, &a, &bid, "before").await;
    expect_events(&mut ws, start, start + 1, 5.0).await;

    nodes.nats.as_mut().unwrap().stop();
    let app = &nodes.writer;
    for i in 0..5 {
        create_item(app, &a, &bid, &format!("during {i}")).await;
    }
    let mut degraded = Value::Null;
    for _ in 0..50 {
        degraded = ready(app).await;
        if degraded["status"] == "degraded" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(degraded["status"], "degraded", "{degraded}");
    assert_eq!(degraded["checks"]["bus"]["connected"], false);
    assert!(degraded["checks"]["bus"]["unrelayed_boards"].as_i64().unwrap() >= 1, "{degraded}");

    nodes.nats.as_mut().unwrap().resume().await;
    let app = &nodes.writer;
    create_item(app, &a, &bid, "after").await;
    expect_events(&mut ws, start + 1, start + 7, 20.0).await;
    for _ in 0..50 {
        if ready(app).await["status"] == "ready" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the node did not report ready again: {}", ready(app).await);
}

/// A client whose node died resumes on another node with the last `seq` its node sent it. The
/// other node's room may not have seen that `seq` yet (it comes over the bus): the client is
/// not ahead of the board, so it resumes there with no full reload (a `resync` once failed the
/// cluster test this way).
#[tokio::test]
async fn a_client_resumes_on_a_node_whose_room_lags_behind_it() {
    let mut nodes = Nodes::nats().await;
    let app = &nodes.writer;
    let a = app.signup("resume@example.com").await;
    let b = board(app, &a, None).await;
    let bid = b["id"].as_str().unwrap().to_owned();
    // The watcher's room for the board, at its current seq.
    let mut there = nodes.watcher().ws(&a.token).await;
    let start = there.subscribe(&bid, None).await["seq"].as_i64().unwrap();
    let mut here = app.ws(&a.token).await;
    here.subscribe(&bid, None).await;

    // The broker goes: the writer's own clients see its commits, the watcher's room does not.
    nodes.nats.as_mut().unwrap().stop();
    let app = &nodes.writer;
    for i in 0..3 {
        create_item(app, &a, &bid, &format!("unseen {i}")).await;
    }
    expect_events(&mut here, start, start + 3, 5.0).await;

    // The writer's client moves to the watcher with the seq it has.
    let mut moved = nodes.watcher().ws(&a.token).await;
    moved.send(json!({"type": "subscribe", "board_id": bid, "since_seq": start + 3})).await;
    let subscribed = moved.next_of("subscribed").await;
    assert_eq!(subscribed["seq"].as_i64().unwrap(), start + 3, "{subscribed}");

    // Once the broker is back, both of the watcher's clients go on from where they are.
    nodes.nats.as_mut().unwrap().resume().await;
    create_item(&nodes.writer, &a, &bid, "after").await;
    expect_events(&mut moved, start + 3, start + 4, 20.0).await;
    expect_events(&mut there, start, start + 4, 20.0).await;
}

/// A node that commits and never relays (its broker is unreachable, then it is gone): another
/// node's sweep reads its events from the log and relays them.
#[tokio::test]
async fn a_sweep_relays_what_a_lost_node_committed() {
    let nodes = Nodes::nats().await;
    let app = &nodes.writer;
    let a = app.signup("sweep@example.com").await;
    let b = board(app, &a, None).await;
    let bid = b["id"].as_str().unwrap().to_owned();
    let mut ws = nodes.watcher().ws(&a.token).await;
    let start = ws.subscribe(&bid, None).await["seq"].as_i64().unwrap();
    // A third node whose bus points where no broker listens.
    let port = sunday_testkit::cluster::free_port();
    let lost = app
        .spawn_node(|c| {
            c.bus.url = sunday_config::Secret::new(format!("nats://127.0.0.1:{port}"));
        })
        .await;
    for i in 0..3 {
        create_item(&lost, &a, &bid, &format!("lost {i}")).await;
    }
    lost.shutdown().await;
    expect_events(&mut ws, start, start + 3, 20.0).await;
}

/// An event too big for the broker travels as a hint, and the other node reads it from the
/// log: its socket still gets every event, in order, with the whole value.
#[tokio::test]
async fn an_event_too_big_for_the_broker_arrives_through_the_log() {
    let nats = NatsServer::start_with("max_payload: 3000").await;
    let writer = TestApp::spawn_on_nats(&nats, |_| {}).await;
    let watcher = writer.spawn_node(|_| {}).await;
    let a = writer.signup("big@example.com").await;
    let b = board(&writer, &a, Some("project_tracker")).await;
    let bid = b["id"].as_str().unwrap().to_owned();
    let mut ws = watcher.ws(&a.token).await;
    let start = ws.subscribe(&bid, None).await["seq"].as_i64().unwrap();
    let item = create_item(&writer, &a, &bid, "small").await;
    let notes = "n".repeat(2000);
    let path = format!("/api/v1/items/{}", item["id"].as_str().unwrap());
    let r = writer.patch(&path, &a.token, json!({"values": {column_id(&b, "Notes"): notes}})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let mut seen = vec![];
    while seen.len() < 2 {
        let f = ws.next_within(10.0).await.expect("both events arrive");
        if f["type"] == "event" {
            seen.push(f);
        }
    }
    assert_eq!(seen[0]["seq"].as_i64().unwrap(), start + 1);
    assert_eq!(seen[1]["seq"].as_i64().unwrap(), start + 2);
    assert!(seen[1].to_string().contains(&notes), "the big value arrives whole");
    drop(watcher);
}
