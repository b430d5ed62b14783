//! OpenTelemetry traces, against an OTLP/HTTP receiver in the test: a request that carries a
//! `traceparent` joins its caller's trace, its spans (request, service, store commit, bus
//! publish) reach the collector, error bodies quote the trace id; and a collector that is
//! down never fails a request, its spans counted as dropped in `/metrics`.
//!
//! The logging subscriber (and so the tracer) is installed once per process; nextest runs
//! each test in its own process, so each test configures its own collector.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{sync::Arc, time::Duration};

use serde_json::{json, Value};
use sunday_testkit::{board, expect_error, expect_json, Backend, TestApp};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
    sync::Mutex,
};

/// A minimal OTLP/HTTP receiver: answers every POST with `200 {}` and keeps the JSON bodies.
async fn receiver() -> (String, Arc<Mutex<Vec<Value>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let bodies = Arc::new(Mutex::new(vec![]));
    let kept = bodies.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut conn, _)) = listener.accept().await else { return };
            let kept = kept.clone();
            tokio::spawn(async move {
                let mut buf = vec![];
                loop {
                    let mut chunk = [0u8; 8192];
                    let n = conn.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    // One request: headers, then Content-Length bytes of body.
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
                    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    if buf.len() < end + 4 + len {
                        continue;
                    }
                    let body: Vec<u8> = buf.drain(..end + 4 + len).skip(end + 4).collect();
                    if let Ok(v) = serde_json::from_slice::<Value>(&body) {
                        kept.lock().await.push(v);
                    }
                    let ok = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";
                    if conn.write_all(ok.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (format!("http://{addr}"), bodies)
}

/// Every span the receiver got: (trace id, name).
async fn spans(bodies: &Mutex<Vec<Value>>) -> Vec<(String, String)> {
    let mut out = vec![];
    for body in bodies.lock().await.iter() {
        for rs in body["resourceSpans"].as_array().into_iter().flatten() {
            for ss in rs["scopeSpans"].as_array().into_iter().flatten() {
                for span in ss["spans"].as_array().into_iter().flatten() {
                    let id = span["traceId"].as_str().unwrap_or_default().to_ascii_lowercase();
                    out.push((id, span["name"].as_str().unwrap_or_default().to_owned()));
                }
            }
        }
    }
    out
}

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

#[tokio::test]
async fn spans_reach_the_collector_and_errors_quote_the_trace_id() {
    let (endpoint, bodies) = receiver().await;
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.trace.otlp_endpoint = endpoint).await;
    let u = app.signup("traced@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap();
    let traceparent = format!("00-{TRACE}-00f067aa0ba902b7-01");
    let r = app
        .post(&format!("/api/v1/boards/{bid}/items"), &u.token, json!({"name": "Traced"}))
        .header("traceparent", &traceparent)
        .send()
        .await
        .unwrap();
    expect_json(r, 201).await;
    let r = app
        .get("/api/v1/boards/0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee", &u.token)
        .header("traceparent", &traceparent)
        .send()
        .await
        .unwrap();
    let err = expect_error(r, 404, "board_not_found").await;
    assert_eq!(err["trace_id"], TRACE, "the error quotes the caller's trace");
    // Without a traceparent, a fresh trace id.
    let r = app.get("/api/v1/boards/0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee", &u.token).send().await.unwrap();
    let fresh = expect_error(r, 404, "board_not_found").await;
    let fresh = fresh["trace_id"].as_str().expect("a trace id");
    assert!(fresh.len() == 32 && fresh != TRACE, "{fresh}");

    let mut names = vec![];
    for _ in 0..100 {
        names = spans(&bodies).await.into_iter().filter(|(t, _)| t == TRACE).map(|(_, n)| n).collect();
        // Spans arrive in export batches: wait for every one the test expects.
        if ["POST /api/v1/boards/{id}/items", "GET /api/v1/boards/{id}", "store.commit", "bus.publish"]
            .iter()
            .all(|n| names.iter().any(|x| x == n))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for expected in ["POST /api/v1/boards/{id}/items", "GET /api/v1/boards/{id}", "store.commit", "bus.publish"] {
        assert!(names.iter().any(|n| n == expected), "{expected} in {names:?}");
    }
    assert!(names.len() >= 5, "service spans too: {names:?}");
    app.shutdown().await;
}

#[tokio::test]
async fn a_collector_that_is_down_never_fails_requests_and_drops_are_counted() {
    // A port with nothing listening.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.trace.otlp_endpoint = endpoint;
        c.trace.queue = 4;
    })
    .await;
    let u = app.signup("untraced@example.com").await;
    for _ in 0..200 {
        expect_json(app.get("/api/v1/me", &u.token).send().await.unwrap(), 200).await;
    }
    let mut dropped = 0.0;
    for _ in 0..100 {
        let metrics = app.client().get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
        dropped = metrics
            .lines()
            .filter(|l| l.starts_with("trace_spans_dropped_total"))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum();
        if dropped >= 100.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(dropped >= 100.0, "{dropped} spans counted as dropped");
    app.shutdown().await;
}
