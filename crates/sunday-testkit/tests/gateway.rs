//! Gateway behaviour shared by every route: request ids, the error table for routing and
//! body problems, limits, compression, security headers, CORS, operations endpoints and
//! graceful shutdown. The store does not matter here, so these run on SQLite.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use serde_json::json;
use sunday_testkit::{expect_error, expect_json, Backend, TestApp, PASSWORD};

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let r = app.client().get(app.url("/health")).send().await.unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a uuid: {id}");
    let echoed = app.client().get(app.url("/health")).header("x-request-id", "trace-me-123").send().await.unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "trace-me-123");
    let err = app.client().get(app.url("/api/v1/me")).header("x-request-id", "trace-err-9").send().await.unwrap();
    assert_eq!(expect_error(err, 401, "unauthenticated").await["request_id"], "trace-err-9");
}

#[tokio::test]
async fn routing_errors_use_the_error_table() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    expect_error(app.client().get(app.url("/api/v1/nope")).send().await.unwrap(), 404, "route_not_found").await;
    expect_error(app.client().delete(app.url("/api/v1/auth/signup")).send().await.unwrap(), 405, "method_not_allowed")
        .await;
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.gateway.body_limit_bytes = 4096).await;
    let body = json!({"email": "big@example.com", "password": PASSWORD, "name": "x".repeat(10_000)});
    let r = app.client().post(app.url("/api/v1/auth/signup")).json(&body).send().await.unwrap();
    expect_error(r, 413, "payload_too_large").await;
    // Nothing was written: the same email can sign up with a normal body.
    app.signup("big@example.com").await;
}

#[tokio::test]
async fn per_ip_rate_limit_answers_429_with_retry_after() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.gateway.rate_limit_ip_per_sec = 1;
        c.gateway.rate_limit_ip_burst = 3;
    })
    .await;
    let c = app.client();
    for _ in 0..3 {
        expect_error(c.get(app.url("/api/v1/me")).send().await.unwrap(), 401, "unauthenticated").await;
    }
    let limited = c.get(app.url("/api/v1/me")).send().await.unwrap();
    assert!(limited.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
    expect_error(limited, 429, "rate_limited").await;
    // Probes are never limited.
    for _ in 0..5 {
        assert_eq!(c.get(app.url("/health")).send().await.unwrap().status(), 200);
    }
}

/// Behind a trusted proxy the client's address is the right-most `X-Forwarded-For` entry (the
/// proxy appends it); a client cannot dodge the limit by writing other addresses on the left.
#[tokio::test]
async fn forwarded_for_is_read_from_the_right() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.gateway.rate_limit_ip_per_sec = 1;
        c.gateway.rate_limit_ip_burst = 3;
        c.gateway.trust_forwarded_for = true;
    })
    .await;
    let c = app.client();
    let via_proxy = |spoofed: usize| {
        c.get(app.url("/api/v1/me")).header("x-forwarded-for", format!("10.9.8.{spoofed}, 203.0.113.7")).send()
    };
    for i in 0..3 {
        expect_error(via_proxy(i).await.unwrap(), 401, "unauthenticated").await;
    }
    expect_error(via_proxy(99).await.unwrap(), 429, "rate_limited").await;
    // Another client behind the same proxy has its own budget.
    let other = c.get(app.url("/api/v1/me")).header("x-forwarded-for", "203.0.113.8").send().await.unwrap();
    expect_error(other, 401, "unauthenticated").await;
}

#[tokio::test]
async fn per_user_rate_limit_answers_429() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.gateway.rate_limit_user_per_sec = 1;
        c.gateway.rate_limit_user_burst = 2;
    })
    .await;
    let u = app.signup("busy@example.com").await;
    let other = app.signup("calm@example.com").await;
    for _ in 0..2 {
        expect_json(app.get("/api/v1/me", &u.token).send().await.unwrap(), 200).await;
    }
    expect_error(app.get("/api/v1/me", &u.token).send().await.unwrap(), 429, "rate_limited").await;
    expect_json(app.get("/api/v1/me", &other.token).send().await.unwrap(), 200).await;
}

#[tokio::test]
async fn security_headers_and_compression() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let r = app.client().get(app.url("/api/openapi.json")).header("accept-encoding", "gzip").send().await.unwrap();
    let h = r.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");
    assert_eq!(h["content-encoding"], "gzip");
    let br = app.client().get(app.url("/api/openapi.json")).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");
    // Without configured origins there is no CORS at all.
    let pre = app
        .client()
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/me"))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert!(!pre.headers().contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app =
        TestApp::spawn_with(Backend::Sqlite, |c| c.gateway.cors_allowed_origins = vec!["https://app.example".into()])
            .await;
    let preflight = |origin: &str| {
        app.client()
            .request(reqwest::Method::OPTIONS, app.url("/api/v1/workspaces"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type,x-csrf-token")
            .send()
    };
    let ok = preflight("https://app.example").await.unwrap();
    assert_eq!(ok.headers()["access-control-allow-origin"], "https://app.example");
    assert_eq!(ok.headers()["access-control-allow-credentials"], "true");
    let other = preflight("https://evil.example").await.unwrap();
    assert!(!other.headers().contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn health_ready_and_metrics() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    assert_eq!(expect_json(app.client().get(app.url("/health")).send().await.unwrap(), 200).await["status"], "ok");
    let ready = expect_json(app.client().get(app.url("/ready")).send().await.unwrap(), 200).await;
    assert_eq!(ready["checks"]["store"], "sqlite");
    let u = app.signup("metrics@example.com").await;
    let id = "0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee";
    app.get(&format!("/api/v1/workspaces/{id}"), &u.token).send().await.unwrap();
    let text = app.client().get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(
        text.contains("http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/workspaces/{id}\""),
        "route templates label latency"
    );
    assert!(!text.contains(id), "raw paths never become labels");
    assert!(text.contains("http_requests_in_flight"));
    assert!(text.contains("store_pool_size"));
}

#[tokio::test]
async fn ready_is_503_until_migrations_are_applied() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.store.auto_migrate = false).await;
    assert_eq!(app.client().get(app.url("/health")).send().await.unwrap().status(), 200);
    let r = app.client().get(app.url("/ready")).send().await.unwrap();
    let body = expect_error(r, 503, "unavailable").await;
    assert_eq!(body["details"]["applied"], 0);
}

/// A node stays ready when a newer release migrates the schema under it mid-rollout.
#[tokio::test]
async fn ready_stays_200_when_a_newer_release_migrates() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let db = rusqlite::Connection::open(app.data_dir().join("sunday.db")).unwrap();
    db.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (1000, 'newer', 0)", []).unwrap();
    let r = app.client().get(app.url("/ready")).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn shutdown_drains_in_flight_requests() {
    // Expensive password hashing keeps a signup in flight long enough to shut down under it.
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.auth.argon2_memory_kib = 128 * 1024;
        c.auth.argon2_iterations = 8;
    })
    .await;
    let (client, url) = (app.client(), app.url("/api/v1/auth/signup"));
    let in_flight = tokio::spawn(async move {
        client.post(url).json(&json!({"email": "late@example.com", "password": PASSWORD, "name": "Late"})).send().await
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert!(!in_flight.is_finished(), "the signup must still be in flight when shutdown begins");
    let base = app.base.clone();
    app.shutdown().await;
    let r = in_flight.await.unwrap().expect("the in-flight request completes");
    assert_eq!(r.status(), 201);
    assert!(reqwest::get(format!("{base}/health")).await.is_err(), "no new connections after shutdown");
}

/// A client that trickles its headers is dropped once the header deadline passes.
#[tokio::test]
async fn slow_headers_are_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.gateway.header_read_timeout_secs = 1).await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let started = std::time::Instant::now();
    let mut buf = vec![0u8; 1024];
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), slow.read(&mut buf)).await;
    let read = read.expect("the server does not wait forever for the rest of the headers");
    // Closed (0 bytes or a reset), or answered with 408 before closing.
    let answered = read.map(|n| String::from_utf8_lossy(&buf[..n]).to_string()).unwrap_or_default();
    assert!(answered.is_empty() || answered.starts_with("HTTP/1.1 408"), "{answered}");
    assert!(started.elapsed() >= std::time::Duration::from_millis(500), "not before the deadline");
    // Prompt clients are unaffected.
    assert_eq!(app.client().get(app.url("/health")).send().await.unwrap().status(), 200);
}

/// Beyond the connection cap, new connections are closed on arrival; closing one frees a place.
#[tokio::test]
async fn open_connections_are_capped() {
    use tokio::io::AsyncReadExt;
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.gateway.max_connections = 2).await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let first = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let _second = tokio::net::TcpStream::connect(&addr).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let mut third = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut buf = [0u8; 16];
    let n =
        tokio::time::timeout(std::time::Duration::from_secs(5), third.read(&mut buf)).await.expect("closed at once");
    assert!(matches!(n, Ok(0) | Err(_)), "the third connection is refused");
    drop(first);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let r = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap().get(app.url("/health")).send().await;
    assert_eq!(r.unwrap().status(), 200, "a freed place is taken again");
}
