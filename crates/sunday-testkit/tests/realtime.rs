//! Real-time collaboration with real WebSocket clients: ordered live events, resume with
//! `since_seq`, slow-client resync, losing access, presence, and live + email notifications.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use serde_json::{json, Value};
use sunday_testkit::{board, column_id, expect_json, Backend, TestApp};

async fn patch_name(app: &TestApp, token: &str, item: &str, name: &str) {
    let r = app.patch(&format!("/api/v1/items/{item}"), token, json!({"name": name})).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

async fn two_users_see_each_others_edits_in_order(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let a = app.signup("rt-a@example.com").await;
    let b_user = app.signup("rt-b@example.com").await;
    app.join(&a, &b_user, "member").await;
    let b = board(&app, &a, None).await;
    let bid = b["id"].as_str().unwrap().to_owned();
    let item = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items"), &a.token, json!({"name": "Shared"})).send().await.unwrap(),
        201,
    )
    .await;
    let iid = item["id"].as_str().unwrap().to_owned();
    let mut wa = app.ws(&a.token).await;
    let mut wb = app.ws(&b_user.token).await;
    let start = wa.subscribe(&bid, None).await["seq"].as_i64().unwrap();
    wb.subscribe(&bid, None).await;
    for i in 0..20 {
        let (who, tok) = if i % 2 == 0 { ("a", &a.token) } else { ("b", &b_user.token) };
        patch_name(&app, tok, &iid, &format!("{who}{i}")).await;
    }
    for ws in [&mut wa, &mut wb] {
        let mut seqs = vec![];
        let mut last_name = String::new();
        while seqs.len() < 20 {
            let e = ws.next_of("event").await;
            seqs.push(e["seq"].as_i64().unwrap());
            last_name = e["payload"]["item"]["name"].as_str().unwrap().to_owned();
        }
        assert_eq!(seqs, ((start + 1)..=(start + 20)).collect::<Vec<_>>(), "every event once, in order");
        assert_eq!(last_name, "b19");
    }
    // Each delivery was timed from its commit (the delivery-lag SLO's histogram).
    let metrics = app.client().get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let count = metrics
        .lines()
        .find_map(|l| l.strip_prefix("ws_delivery_lag_seconds_count "))
        .and_then(|n| n.trim().parse::<f64>().ok())
        .expect("ws_delivery_lag_seconds in /metrics");
    assert!(count >= 40.0, "{count} deliveries timed");
    assert!(metrics.contains("ws_delivery_lag_seconds_bucket{le=\"0.25\"}"), "a histogram with buckets");
}

#[tokio::test]
async fn two_users_see_each_others_edits_in_order_sqlite() {
    two_users_see_each_others_edits_in_order(Backend::Sqlite).await;
}

#[tokio::test]
async fn two_users_see_each_others_edits_in_order_postgres() {
    two_users_see_each_others_edits_in_order(Backend::Postgres).await;
}

#[tokio::test]
async fn a_client_resuming_after_500_missed_events_ends_with_the_server_state() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let u = app.signup("resume@example.com").await;
    let b = board(&app, &u, Some("project_tracker")).await;
    let bid = b["id"].as_str().unwrap().to_owned();
    let budget = column_id(&b, "Budget");
    let mut ws = app.ws(&u.token).await;
    let seen = ws.subscribe(&bid, None).await["seq"].as_i64().unwrap();
    drop(ws);
    // 500 changes while the client is away.
    let items = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items/query"), &u.token, json!({})).send().await.unwrap(),
        200,
    )
    .await;
    let ids: Vec<String> =
        items["data"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect();
    for n in 0..500 {
        let id = &ids[n % ids.len()];
        let r = app
            .patch(&format!("/api/v1/items/{id}"), &u.token, json!({"values": {budget.clone(): n}}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let mut ws = app.ws(&u.token).await;
    ws.send(json!({"type": "subscribe", "board_id": bid, "since_seq": seen})).await;
    let subscribed = ws.next_of("subscribed").await;
    assert_eq!(subscribed["seq"].as_i64().unwrap(), seen + 500, "`subscribed` names the board's current seq");
    // Apply the replayed events to the client's copy of the items.
    let mut local: std::collections::HashMap<String, Value> =
        items["data"].as_array().unwrap().iter().map(|i| (i["id"].as_str().unwrap().to_owned(), i.clone())).collect();
    let mut expected = seen + 1;
    while expected <= seen + 500 {
        let e = ws.next_of("event").await;
        assert_eq!(e["seq"].as_i64().unwrap(), expected, "no gap, no repeat");
        // An update carries the item without values, and the cells that changed.
        let head = e["payload"]["item"].as_object().unwrap();
        assert!(!head.contains_key("values"), "an update never carries the whole item: {e}");
        assert_eq!(e["payload"]["changes"].as_array().unwrap().len(), 1, "one cell changed: {e}");
        let mine = local.get_mut(head["id"].as_str().unwrap()).unwrap();
        for (k, v) in head {
            mine[k] = v.clone();
        }
        for change in e["payload"]["changes"].as_array().unwrap() {
            let column = change["column_id"].as_str().unwrap();
            let values = mine["values"].as_object_mut().unwrap();
            match &change["new"] {
                Value::Null => values.remove(column),
                v => values.insert(column.to_owned(), v.clone()),
            };
        }
        expected += 1;
    }
    for (id, mine) in &local {
        let server = expect_json(app.get(&format!("/api/v1/items/{id}"), &u.token).send().await.unwrap(), 200).await;
        assert_eq!(&server, mine, "the client ends with exactly the server's state");
    }
    // Too old a gap is a resync.
    let app2_ws = &mut app.ws(&u.token).await;
    app2_ws.send(json!({"type": "subscribe", "board_id": bid, "since_seq": -5})).await;
    app2_ws.next_of("resync").await;
    // A client ahead of the board (the server was restored from a backup) resyncs too, rather
    // than silently skipping the next events up to the seq it claims.
    let ahead = &mut app.ws(&u.token).await;
    ahead.send(json!({"type": "subscribe", "board_id": bid, "since_seq": seen + 510})).await;
    let subscribed = ahead.next_of("subscribed").await;
    assert_eq!(subscribed["seq"].as_i64().unwrap(), seen + 500);
    ahead.next_of("resync").await;
    let id = &ids[0];
    app.patch(&format!("/api/v1/items/{id}"), &u.token, json!({"values": {budget.clone(): 1}})).send().await.unwrap();
    assert_eq!(ahead.next_of("event").await["seq"].as_i64().unwrap(), seen + 501, "live events still arrive");
}

#[tokio::test]
async fn a_slow_client_is_resynced_while_a_fast_one_keeps_receiving() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.realtime.room_buffer = 16;
        c.realtime.socket_buffer = 4;
    })
    .await;
    let u = app.signup("slow@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap().to_owned();
    let notes = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/columns"), &u.token, json!({"title": "Notes", "type": "long_text"}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    let nid = notes["id"].as_str().unwrap().to_owned();
    let item = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items"), &u.token, json!({"name": "Big"})).send().await.unwrap(),
        201,
    )
    .await;
    let iid = item["id"].as_str().unwrap().to_owned();
    let mut fast = app.ws(&u.token).await;
    let mut slow = app.ws(&u.token).await;
    let start = fast.subscribe(&bid, None).await["seq"].as_i64().unwrap();
    slow.subscribe(&bid, None).await;
    // The slow client stops reading; 40 KB events fill its socket, then its queue.
    let reader = tokio::spawn(async move {
        let mut seqs = vec![];
        while seqs.len() < 150 {
            let e = fast.next_of("event").await;
            seqs.push(e["seq"].as_i64().unwrap());
        }
        seqs
    });
    for n in 0..150 {
        let text = format!("{n} {}", "x".repeat(40_000));
        let r = app
            .patch(&format!("/api/v1/items/{iid}"), &u.token, json!({"values": {nid.clone(): text}}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let seqs = reader.await.unwrap();
    assert_eq!(seqs, ((start + 1)..=(start + 150)).collect::<Vec<_>>(), "the fast client got everything in order");
    let mut last = start;
    let mut resynced = false;
    while let Some(f) = slow.next_within(3.0).await {
        match f["type"].as_str() {
            Some("event") => {
                assert!(!resynced, "nothing after the resync");
                let s = f["seq"].as_i64().unwrap();
                assert_eq!(s, last + 1, "in order up to the resync");
                last = s;
            }
            Some("resync") => resynced = true,
            _ => {}
        }
    }
    assert!(resynced && last < start + 150, "the slow client was resynced (got {} events)", last - start);
}

#[tokio::test]
async fn a_user_removed_from_a_private_board_stops_receiving_it() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let owner = app.signup("priv-owner@example.com").await;
    let member = app.signup("priv-member@example.com").await;
    app.join(&owner, &member, "member").await;
    let b = board(&app, &owner, None).await;
    let bid = b["id"].as_str().unwrap().to_owned();
    expect_json(
        app.patch(&format!("/api/v1/boards/{bid}"), &owner.token, json!({"kind": "private"})).send().await.unwrap(),
        200,
    )
    .await;
    let put = app
        .client()
        .put(app.url(&format!("/api/v1/boards/{bid}/members/{}", member.user_id)))
        .bearer_auth(&owner.token)
        .json(&json!({"permission": "view"}));
    expect_json(put.send().await.unwrap(), 200).await;
    let item = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items"), &owner.token, json!({"name": "Secret"})).send().await.unwrap(),
        201,
    )
    .await;
    let iid = item["id"].as_str().unwrap().to_owned();
    let mut ws = app.ws(&member.token).await;
    ws.subscribe(&bid, None).await;
    patch_name(&app, &owner.token, &iid, "Visible").await;
    assert_eq!(ws.next_of("event").await["payload"]["item"]["name"], "Visible");
    assert_eq!(
        app.delete(&format!("/api/v1/boards/{bid}/members/{}", member.user_id), &owner.token)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    let err = ws.next_of("error").await;
    assert_eq!((err["code"].as_str(), err["board_id"].as_str()), (Some("board_not_found"), Some(bid.as_str())));
    patch_name(&app, &owner.token, &iid, "Hidden").await;
    while let Some(f) = ws.next_within(1.0).await {
        assert_ne!(f["type"], "event", "no events after losing access: {f}");
    }
    // Subscribing again is refused like any invisible board.
    ws.send(json!({"type": "subscribe", "board_id": bid})).await;
    assert_eq!(ws.next_of("error").await["code"], "board_not_found");
}

#[tokio::test]
async fn presence_appears_and_expires() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.realtime.presence_ttl_secs = 1).await;
    let a = app.signup("pres-a@example.com").await;
    let b = board(&app, &a, None).await;
    let bid = b["id"].as_str().unwrap().to_owned();
    let mut wa = app.ws(&a.token).await;
    let mut wb = app.ws(&a.token).await;
    wa.subscribe(&bid, None).await;
    wb.subscribe(&bid, None).await;
    wa.send(json!({"type": "presence", "board_id": bid, "state": "editing"})).await;
    let p = loop {
        let p = wb.next_of("presence").await;
        if !p["users"].as_array().unwrap().is_empty() {
            break p;
        }
    };
    assert_eq!(p["users"][0]["user_id"], a.user_id.as_str());
    assert_eq!(p["users"][0]["state"], "editing");
    assert!(p["users"][0].get("column_id").is_none(), "no cell named, none shown");
    // Editing one cell: the others see which (so they mark the cell, not the row).
    let item = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items"), &a.token, json!({"name": "Cell"})).send().await.unwrap(),
        201,
    )
    .await;
    let column = b["columns"][0]["id"].as_str().unwrap();
    wa.send(
        json!({"type": "presence", "board_id": bid, "item_id": item["id"], "column_id": column, "state": "editing"}),
    )
    .await;
    let p = loop {
        let p = wb.next_of("presence").await;
        if p["users"][0]["column_id"].is_string() {
            break p;
        }
    };
    assert_eq!(
        (p["users"][0]["item_id"].as_str(), p["users"][0]["column_id"].as_str()),
        (item["id"].as_str(), Some(column))
    );
    let gone = loop {
        let p = wb.next_of("presence").await;
        if p["users"].as_array().unwrap().is_empty() {
            break p;
        }
    };
    assert_eq!(gone["board_id"], bid.as_str());
    wa.send(json!({"type": "ping"})).await;
    wa.next_of("pong").await;
    wa.send(json!({"type": "dance"})).await;
    assert_eq!(wa.next_of("error").await["code"], "invalid_frame");
}

#[tokio::test]
async fn a_mention_is_notified_live_in_the_list_and_by_email() {
    let (port, mut mails) = sunday_testkit::smtp_sink().await;
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.mail.smtp_host = "127.0.0.1".into();
        c.mail.smtp_port = port;
        c.mail.poll_millis = 200;
    })
    .await;
    let a = app.signup("mention-a@example.com").await;
    let b_user = app.signup("mention-b@example.com").await;
    app.join(&a, &b_user, "member").await;
    let b = board(&app, &a, None).await;
    let bid = b["id"].as_str().unwrap().to_owned();
    let owner_col = column_id(&b, "Owner");
    let item = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items"), &a.token, json!({"name": "Launch plan"}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    let iid = item["id"].as_str().unwrap().to_owned();
    let mut wb = app.ws(&b_user.token).await;
    wb.send(json!({"type": "ping"})).await;
    wb.next_of("pong").await;

    let body = format!("@[{}] can you review?", b_user.user_id);
    expect_json(
        app.post(&format!("/api/v1/items/{iid}/updates"), &a.token, json!({"body": body})).send().await.unwrap(),
        201,
    )
    .await;
    let live = wb.next_of("notification").await;
    assert_eq!((live["kind"].as_str(), live["item_id"].as_str()), (Some("mention"), Some(iid.as_str())));
    assert!(live["text"].as_str().unwrap().contains("mentioned you on Launch plan"));

    // Assignment through a people column notifies too.
    app.patch(&format!("/api/v1/items/{iid}"), &a.token, json!({"values": {owner_col: [b_user.user_id]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(wb.next_of("notification").await["kind"], "assigned");

    let list = expect_json(app.get("/api/v1/me/notifications", &b_user.token).send().await.unwrap(), 200).await;
    assert_eq!(list["unread_count"], 2);
    assert_eq!(list["data"][1]["kind"], "mention");
    let mail = tokio::time::timeout(Duration::from_secs(10), mails.recv())
        .await
        .expect("an email reaches the SMTP sink")
        .unwrap();
    assert!(mail.contains("mention-b@example.com") && mail.contains("mentioned you on Launch plan"), "{mail}");

    let read =
        expect_json(app.post("/api/v1/me/notifications/read", &b_user.token, json!({})).send().await.unwrap(), 200)
            .await;
    assert_eq!((read["marked"].as_u64(), read["unread_count"].as_i64()), (Some(2), Some(0)));
    let prefs = expect_json(
        app.client()
            .put(app.url("/api/v1/me/notification-preferences"))
            .bearer_auth(&b_user.token)
            .json(&json!({"email_kinds": ["reply"], "digest_minutes": 60}))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(prefs["email_kinds"], json!(["reply"]));
    let bad = app
        .client()
        .put(app.url("/api/v1/me/notification-preferences"))
        .bearer_auth(&b_user.token)
        .json(&json!({"email_kinds": [], "digest_minutes": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn websocket_requires_credentials() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let r = app.client().get(app.url("/ws")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let u = app.signup("wsq@example.com").await;
    // Not a WebSocket handshake: the error table's JSON, like any other bad request.
    let plain = app.get("/api/v1/ws", &u.token).send().await.unwrap();
    sunday_testkit::expect_error(plain, 400, "invalid_parameter").await;
    let url = format!("{}/ws?access_token={}", app.base.replace("http://", "ws://"), u.token);
    let (mut s, _) = tokio_tungstenite::connect_async(url).await.expect("a query token authenticates");
    use futures::{SinkExt, StreamExt};
    s.send(tokio_tungstenite::tungstenite::Message::Text(json!({"type": "ping"}).to_string().into())).await.unwrap();
    let reply = s.next().await.unwrap().unwrap();
    assert!(reply.to_text().unwrap().contains("pong"));

    // A session cookie opens the socket only from Sunday's own origin: another site's page
    // cannot ride the user's cookie (cross-site WebSocket hijacking).
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Error as WsError};
    let upgrade = |origin: &str| {
        let mut req = format!("{}/ws", app.base.replace("http://", "ws://")).into_client_request().unwrap();
        req.headers_mut().insert("cookie", format!("sunday_session={}", u.token).parse().unwrap());
        req.headers_mut().insert("origin", origin.parse().unwrap());
        tokio_tungstenite::connect_async(req)
    };
    match upgrade("http://evil.example").await {
        Err(WsError::Http(r)) => assert_eq!(r.status(), 403),
        other => panic!("a foreign origin must be refused, got {:?}", other.map(|_| ())),
    }
    assert!(upgrade(&app.base).await.is_ok(), "Sunday's own page connects");
}

#[tokio::test]
async fn connections_are_limited_per_user_and_told_to_reconnect_on_shutdown() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.realtime.max_connections_per_user = 2).await;
    let u = app.signup("limit@example.com").await;
    let mut first = app.ws(&u.token).await;
    let _second = app.ws(&u.token).await;
    let third = app
        .client()
        .get(app.url("/ws"))
        .bearer_auth(&u.token)
        .header("connection", "upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .unwrap();
    assert_eq!(third.status(), 429, "a third socket is refused");
    first.send(json!({"type": "ping"})).await;
    first.next_of("pong").await;
    app.shutdown().await;
    assert_eq!(first.next_of("reconnect").await["type"], "reconnect");
}

/// One recipient the mail server refuses is logged and skipped: the others still get their
/// digest in the same round.
#[tokio::test]
async fn a_refused_recipient_does_not_stop_the_digest() {
    let (port, mut mails) = sunday_testkit::smtp_sink().await;
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.mail.smtp_host = "127.0.0.1".into();
        c.mail.smtp_port = port;
        c.mail.poll_millis = 200;
    })
    .await;
    let a = app.signup("digest-a@example.com").await;
    // Signed up first, so the digest meets the refused address first.
    let refused = app.signup("bounce-me@example.com").await;
    let fine = app.signup("digest-fine@example.com").await;
    for who in [&refused, &fine] {
        app.join(&a, who, "member").await;
    }
    let b = board(&app, &a, None).await;
    let bid = b["id"].as_str().unwrap().to_owned();
    let item = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items"), &a.token, json!({"name": "Plan"})).send().await.unwrap(),
        201,
    )
    .await;
    let body = json!({"body": format!("@[{}] @[{}] please look", refused.user_id, fine.user_id)});
    let iid = item["id"].as_str().unwrap();
    expect_json(app.post(&format!("/api/v1/items/{iid}/updates"), &a.token, body).send().await.unwrap(), 201).await;
    let mail = tokio::time::timeout(Duration::from_secs(10), mails.recv())
        .await
        .expect("the other recipient's digest is sent")
        .unwrap();
    assert!(mail.contains("digest-fine@example.com"), "{mail}");
}

/// A client flapping presence is told to slow down instead of flooding the room.
#[tokio::test]
async fn presence_floods_are_refused_per_socket() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.realtime.control_frames_per_sec = 5).await;
    let u = app.signup("flap@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap().to_owned();
    let mut ws = app.ws(&u.token).await;
    ws.subscribe(&bid, None).await;
    for i in 0..60 {
        let state = if i % 2 == 0 { "viewing" } else { "editing" };
        ws.send(json!({"type": "presence", "board_id": bid, "state": state})).await;
    }
    let refused = ws.next_of("error").await;
    assert_eq!(refused["code"], "rate_limited");
    ws.send(json!({"type": "ping"})).await;
    ws.next_of("pong").await;
}

/// When the hub falls behind the bus, the events it missed are sent from the event log at
/// once, including a board's last one (nothing later on that board would bring it).
#[tokio::test]
async fn a_lagging_hub_catches_every_room_up_from_the_log() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.bus.capacity = 16).await;
    // A second node on the same database: its writes never cross this node's bus.
    let dir = app.data_dir().to_owned();
    // The same store; a search index of its own (one writer per index directory).
    let other_node = TestApp::spawn_with(Backend::Sqlite, move |c| {
        c.search.dir = dir.join("search-other-node");
        c.data_dir = dir;
    })
    .await;
    let a = app.signup("lag@example.com").await;
    let quiet = board(&app, &a, None).await["id"].as_str().unwrap().to_owned();
    let busy = board(&app, &a, None).await["id"].as_str().unwrap().to_owned();
    let mut ws = app.ws(&a.token).await;
    ws.subscribe(&quiet, None).await;
    let made = other_node.post(&format!("/api/v1/boards/{quiet}/items"), &a.token, json!({"name": "Elsewhere"}));
    expect_json(made.send().await.unwrap(), 201).await;
    // One commit of 100 events on another board: the hub (on this single-threaded test runtime)
    // sees the bus only after all of them, 84 too late.
    let names: Vec<Value> = (0..100).map(|i| json!({"name": format!("Busy {i}")})).collect();
    let bulk = app.post(&format!("/api/v1/boards/{busy}/items/bulk"), &a.token, json!({"items": names}));
    expect_json(bulk.send().await.unwrap(), 201).await;
    let e = ws.next_of("event").await;
    assert_eq!((e["board_id"].as_str(), e["kind"].as_str()), (Some(quiet.as_str()), Some("item_created")), "{e}");
    assert_eq!(e["payload"]["item"]["name"], "Elsewhere");
    other_node.shutdown().await;
}
