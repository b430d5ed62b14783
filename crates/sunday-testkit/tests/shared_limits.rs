//! Limits shared through Redis (the machine's, at 127.0.0.1:6379, each test under a key
//! prefix of its own): two nodes give one budget, not two; and a node whose Redis is away
//! still serves, limiting on its own, and says it is degraded.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use sunday_config::{Config, Secret};
use sunday_testkit::{expect_error, expect_json, Backend, TestApp, PASSWORD};

const REDIS: &str = "redis://127.0.0.1:6379";

fn shared(c: &mut Config) {
    use std::hash::{BuildHasher, Hasher};
    // A random prefix per test: RandomState is seeded afresh for each.
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    c.redis.url = Secret::new(REDIS);
    c.redis.prefix = format!("sunday-test-{:016x}", h.finish());
}

/// Waits until the node has connected to Redis (it connects in the background).
async fn until_connected(app: &TestApp) {
    for _ in 0..100 {
        let ready = expect_json(app.client().get(app.url("/ready")).send().await.unwrap(), 200).await;
        if ready["checks"]["redis"]["connected"] == true {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the node did not connect to Redis");
}

#[tokio::test]
async fn two_nodes_share_one_request_budget() {
    let first = TestApp::spawn_with(Backend::Postgres, |c| {
        shared(c);
        c.gateway.rate_limit_user_per_sec = 1;
        c.gateway.rate_limit_user_burst = 10;
    })
    .await;
    let second = first.spawn_node(|_| {}).await;
    until_connected(&first).await;
    until_connected(&second).await;
    let a = first.signup("budget@example.com").await;
    let mut allowed = 0;
    for i in 0..12 {
        let node = if i % 2 == 0 { &first } else { &second };
        let r = node.get("/api/v1/me", &a.token).send().await.unwrap();
        match r.status().as_u16() {
            200 => allowed += 1,
            429 => {
                assert!(r.headers().contains_key("retry-after"));
            }
            other => panic!("unexpected {other}"),
        }
    }
    // A burst of 10 (plus at most one token refilled during the loop) across both nodes;
    // per node, each would have allowed 10.
    assert!((10..=11).contains(&allowed), "{allowed} of 12 allowed");
    drop(second);
}

#[tokio::test]
async fn the_login_throttle_holds_across_nodes() {
    let first = TestApp::spawn_with(Backend::Postgres, |c| {
        shared(c);
        c.auth.login_failures_per_account = 3;
        c.auth.login_window_secs = 60;
    })
    .await;
    let second = first.spawn_node(|_| {}).await;
    until_connected(&first).await;
    until_connected(&second).await;
    let a = first.signup("throttle@example.com").await;
    for i in 0..3 {
        let node = if i % 2 == 0 { &first } else { &second };
        let body = json!({"email": a.email, "password": format!("wrong {i}")});
        let r = node.client().post(node.url("/api/v1/auth/login")).json(&body).send().await.unwrap();
        expect_error(r, 401, "invalid_credentials").await;
    }
    // The fourth attempt, on either node and even with the right password, is throttled.
    for node in [&first, &second] {
        let body = json!({"email": a.email, "password": PASSWORD});
        let r = node.client().post(node.url("/api/v1/auth/login")).json(&body).send().await.unwrap();
        expect_error(r, 429, "too_many_login_attempts").await;
    }
    drop(second);
}

#[tokio::test]
async fn without_redis_a_node_limits_on_its_own_and_says_so() {
    let port = sunday_testkit::cluster::free_port();
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.redis.url = Secret::new(format!("redis://127.0.0.1:{port}"));
        c.gateway.rate_limit_user_per_sec = 1;
        c.gateway.rate_limit_user_burst = 3;
    })
    .await;
    let ready = expect_json(app.client().get(app.url("/ready")).send().await.unwrap(), 200).await;
    assert_eq!(
        (ready["status"].as_str(), ready["checks"]["redis"]["connected"].as_bool()),
        (Some("degraded"), Some(false))
    );
    let a = app.signup("alone@example.com").await;
    let statuses: Vec<u16> = futures_statuses(&app, &a.token, 5).await;
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 3, "the in-process burst: {statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
}

async fn futures_statuses(app: &TestApp, token: &str, n: usize) -> Vec<u16> {
    let mut out = vec![];
    for _ in 0..n {
        out.push(app.get("/api/v1/me", token).send().await.unwrap().status().as_u16());
    }
    out
}
