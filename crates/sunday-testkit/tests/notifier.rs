//! The notifier follows the event log with a saved cursor: a node that runs no worker writes
//! its changes without notifications, and a notifier started later (after a crash, on another
//! node) delivers each one exactly once, even when two notifiers race.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use serde_json::json;
use sunday_app::{App, AppSettings};
use sunday_bus::InProcessBus;
use sunday_config::NodeRole;
use sunday_store::Store;
use sunday_store_sqlite::SqliteStore;
use sunday_testkit::{board, expect_json, Backend, TestApp};
use sunday_types::BoardId;

async fn unread(app: &TestApp, token: &str) -> Vec<serde_json::Value> {
    let list = expect_json(app.get("/api/v1/me/notifications", token).send().await.unwrap(), 200).await;
    list["data"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_late_notifier_delivers_each_change_exactly_once() {
    // No worker role: changes commit, nobody notifies.
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.roles = vec![NodeRole::Api, NodeRole::Realtime]).await;
    let a = app.signup("late-a@example.com").await;
    let b = app.signup("late-b@example.com").await;
    app.join(&a, &b, "member").await;
    let bd = board(&app, &a, None).await;
    let bid = bd["id"].as_str().unwrap().to_owned();
    let item = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items"), &a.token, json!({"name": "Plan"})).send().await.unwrap(),
        201,
    )
    .await;
    let iid = item["id"].as_str().unwrap().to_owned();
    let mention = json!({"body": format!("@[{}] please look", b.user_id)});
    expect_json(
        app.post(&format!("/api/v1/items/{iid}/updates"), &a.token, mention.clone()).send().await.unwrap(),
        201,
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(unread(&app, &b.token).await.is_empty(), "no worker ran yet");

    // A notifier on the same database catches up from its cursor.
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(&app.data_dir().join("sunday.db"), 2).await.expect("the server's database opens"));
    let settings = AppSettings {
        session_ttl_ms: 3_600_000,
        invite_ttl_ms: 3_600_000,
        argon2_memory_kib: 64,
        argon2_iterations: 1,
        hash_concurrency: 0,
        login_failures_per_account: 5,
        login_failures_per_ip: 5,
        login_window_secs: 60,
        auth_cache_secs: 0,
        engine_memory_bytes: 64 << 20,
        files: Default::default(),
        search: Default::default(),
        analytics: None,
        automations: Default::default(),
        boards: Default::default(),
        webhooks: Default::default(),
        mail: None,
    };
    let node = App::new(store.clone(), Arc::new(InProcessBus::default()), settings);
    let notifier = || node.notifier();
    let board_id: BoardId = bid.parse().unwrap();
    let head = notifier().catch_up(board_id).await.unwrap();
    assert!(head >= 3, "it handled the board's events up to the mention (seq {head})");
    let got = unread(&app, &b.token).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["kind"], "mention");
    assert!(got[0]["text"].as_str().unwrap().contains("mentioned you on Plan"));
    assert_eq!(notifier().catch_up(board_id).await.unwrap(), head, "nothing left to do");
    assert_eq!(unread(&app, &b.token).await.len(), 1, "run again, nothing is repeated");

    // Two notifiers racing over new events still notify once per event.
    expect_json(app.post(&format!("/api/v1/items/{iid}/updates"), &a.token, mention).send().await.unwrap(), 201).await;
    let (one, two) = (notifier(), notifier());
    let (x, y) = tokio::join!(one.catch_up(board_id), two.catch_up(board_id));
    assert_eq!(x.unwrap(), y.unwrap(), "both end at the same place");
    let got = unread(&app, &b.token).await;
    assert_eq!(got.iter().filter(|n| n["kind"] == "mention").count(), 2, "{got:?}");
}

async fn add_member(app: &TestApp, owner: &sunday_testkit::Session, who: &sunday_testkit::Session) {
    app.join(owner, who, "member").await;
}

/// A mention or a follow never tells someone about a board they cannot see.
#[tokio::test]
async fn only_people_who_see_the_board_are_notified() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let owner = app.signup("vis-owner@example.com").await;
    let insider = app.signup("vis-in@example.com").await;
    let outsider = app.signup("vis-out@example.com").await;
    add_member(&app, &owner, &insider).await;
    add_member(&app, &owner, &outsider).await;
    let bd = board(&app, &owner, None).await;
    let bid = bd["id"].as_str().unwrap().to_owned();
    let private = json!({"kind": "private"});
    expect_json(app.patch(&format!("/api/v1/boards/{bid}"), &owner.token, private).send().await.unwrap(), 200).await;
    let grant = json!({"permission": "view"});
    let r = app
        .client()
        .put(app.url(&format!("/api/v1/boards/{bid}/members/{}", insider.user_id)))
        .bearer_auth(&owner.token)
        .json(&grant)
        .send()
        .await
        .unwrap();
    expect_json(r, 200).await;
    let item = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items"), &owner.token, json!({"name": "Secret plan"}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    let iid = item["id"].as_str().unwrap();
    let body = json!({"body": format!("@[{}] @[{}] look", insider.user_id, outsider.user_id)});
    expect_json(app.post(&format!("/api/v1/items/{iid}/updates"), &owner.token, body).send().await.unwrap(), 201).await;
    // Both mentions were handled in one batch: once the insider's arrives, the outsider's
    // would have too.
    let mut waited = 0;
    while unread(&app, &insider.token).await.is_empty() {
        assert!(waited < 100, "the insider is notified");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        waited += 1;
    }
    assert!(unread(&app, &outsider.token).await.is_empty(), "the outsider hears nothing of a private board");

    // Removed from the board, the insider no longer reads about it: what was delivered before
    // is checked against access when it is listed.
    let r = app
        .client()
        .delete(app.url(&format!("/api/v1/boards/{bid}/members/{}", insider.user_id)))
        .bearer_auth(&owner.token)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert!(unread(&app, &insider.token).await.is_empty(), "no longer listed once access is gone");
}
