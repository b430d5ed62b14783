//! Outbound webhooks through the API, on both stores, against a receiver written here (a raw
//! HTTP/1.1 server, so it can also hang up or stall): the challenge, signatures checked by the
//! receiver's own HMAC, event filters, retries with backoff, dead letters and resend, the SSRF
//! guard (addresses, names and redirects), and a slow receiver not delaying another.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use sunday_testkit::{board, expect_error, expect_json, Backend, Session, TestApp};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

/// What the receiver does with a delivery (challenges are always answered).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Ok,
    Fail,
    Slow,
    HangUp,
    /// Answers the challenge with `{}`.
    NoEcho,
    /// Redirects everything to the cloud metadata address.
    Redirect,
}

#[derive(Clone, Debug)]
struct Received {
    path: String,
    headers: HashMap<String, String>,
    body: String,
}

#[derive(Clone)]
struct Receiver {
    base: String,
    modes: Arc<Mutex<HashMap<String, Mode>>>,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    async fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let r = Receiver { base, modes: Default::default(), got: Default::default() };
        let this = r.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else { return };
                let this = this.clone();
                tokio::spawn(async move {
                    let Some(req) = read_request(&mut sock).await else { return };
                    let mode = this.modes.lock().unwrap().get(&req.path).copied().unwrap_or(Mode::Ok);
                    let challenge =
                        serde_json::from_str::<Value>(&req.body).ok().and_then(|v| v.get("challenge").cloned());
                    this.got.lock().unwrap().push(req);
                    let (status, body) = match (challenge, mode) {
                        (_, Mode::Redirect) => {
                            let head = "HTTP/1.1 302 Found\r\nlocation: http://169.254.169.254/latest\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
                            let _ = sock.write_all(head.as_bytes()).await;
                            return;
                        }
                        (Some(_), Mode::NoEcho) => (200, "{}".to_owned()),
                        (Some(c), _) => (200, json!({ "challenge": c }).to_string()),
                        (None, Mode::Ok | Mode::NoEcho) => (200, "{}".to_owned()),
                        (None, Mode::Fail) => (500, "{}".to_owned()),
                        (None, Mode::Slow) => {
                            tokio::time::sleep(Duration::from_secs(2)).await;
                            (200, "{}".to_owned())
                        }
                        (None, Mode::HangUp) => return,
                    };
                    let head = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = sock.write_all(head.as_bytes()).await;
                    let _ = sock.write_all(body.as_bytes()).await;
                });
            }
        });
        r
    }

    fn set(&self, path: &str, mode: Mode) {
        self.modes.lock().unwrap().insert(path.to_owned(), mode);
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Deliveries (not challenges) received on `path`.
    fn deliveries(&self, path: &str) -> Vec<Received> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == path && !r.body.contains("\"challenge\""))
            .cloned()
            .collect()
    }

    async fn wait_for(&self, path: &str, n: usize, secs: u64) -> Vec<Received> {
        for _ in 0..secs * 20 {
            let got = self.deliveries(path);
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{path} got {} deliveries, wanted {n}", self.deliveries(path).len());
    }
}

async fn read_request(sock: &mut tokio::net::TcpStream) -> Option<Received> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let path = lines.next()?.split(' ').nth(1)?.to_owned();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    while buf.len() < head_end + len {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buf[head_end..]).to_string();
    Some(Received { path, headers, body })
}

/// The receiver's check, as README shows it: HMAC-SHA256 of "<t>.<body>" with the secret,
/// compared in constant time, and a timestamp within five minutes.
fn signed(secret: &str, header: &str, body: &str) -> bool {
    let parts: HashMap<&str, &str> = header.split(',').filter_map(|p| p.split_once('=')).collect();
    let (Some(t), Some(v1)) = (parts.get("t"), parts.get("v1")) else { return false };
    let now = chrono::Utc::now().timestamp();
    if (now - t.parse::<i64>().unwrap_or(0)).abs() > 300 {
        return false;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    let want: Vec<u8> = (0..v1.len() / 2).filter_map(|i| u8::from_str_radix(&v1[i * 2..i * 2 + 2], 16).ok()).collect();
    mac.verify_slice(&want).is_ok()
}

async fn spawn(backend: Backend, allow_local: bool) -> TestApp {
    TestApp::spawn_with(backend, |c| {
        if allow_local {
            c.webhooks.allowed_hosts = vec!["127.0.0.1".into()];
        }
        c.webhooks.first_retry_ms = 50;
        c.webhooks.max_attempts = 3;
        c.webhooks.timeout_secs = 1;
    })
    .await
}

async fn subscribe(app: &TestApp, u: &Session, board: &str, url: &str, events: Value) -> reqwest::Response {
    app.post(&format!("/api/v1/boards/{board}/webhooks"), &u.token, json!({"url": url, "events": events}))
        .send()
        .await
        .unwrap()
}

async fn item(app: &TestApp, u: &Session, board: &str, name: &str) -> String {
    let r = app.post(&format!("/api/v1/boards/{board}/items"), &u.token, json!({"name": name})).send().await.unwrap();
    expect_json(r, 201).await["id"].as_str().unwrap().to_owned()
}

async fn deliveries(app: &TestApp, u: &Session, hook: &str) -> Vec<Value> {
    let r = app.get(&format!("/api/v1/webhooks/{hook}/deliveries"), &u.token).send().await.unwrap();
    expect_json(r, 200).await["data"].as_array().unwrap().clone()
}

/// Waits until the subscription's deliveries satisfy `done`.
async fn until(app: &TestApp, u: &Session, hook: &str, what: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    for _ in 0..200 {
        let d = deliveries(app, u, hook).await;
        if done(&d) {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what}: {:?}", deliveries(app, u, hook).await);
}

macro_rules! both {
    ($($case:ident),* $(,)?) => {
        mod sqlite { $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $case() { super::$case(sunday_testkit::Backend::Sqlite).await })* }
        mod postgres { $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $case() { super::$case(sunday_testkit::Backend::Postgres).await })* }
    };
}

both!(
    deliveries_are_challenged_filtered_and_signed,
    failures_retry_then_dead_letter_and_resend,
    private_addresses_are_refused,
    a_slow_receiver_does_not_delay_another,
    a_recipe_calls_a_webhook,
);

async fn deliveries_are_challenged_filtered_and_signed(backend: Backend) {
    let app = spawn(backend, true).await;
    let rx = Receiver::start().await;
    let u = app.signup("hooks@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap();

    rx.set("/echo-less", Mode::NoEcho);
    let e =
        expect_error(subscribe(&app, &u, bid, &rx.url("/echo-less"), json!([])).await, 400, "validation_failed").await;
    assert_eq!(
        (e["details"]["field"].as_str(), e["details"]["rule"].as_str()),
        (Some("url"), Some("challenge_failed"))
    );
    let e =
        expect_error(subscribe(&app, &u, bid, &rx.url("/x"), json!(["no_such_event"])).await, 400, "validation_failed")
            .await;
    assert_eq!(e["details"]["field"], "events[0]");

    let created = expect_json(subscribe(&app, &u, bid, &rx.url("/hook"), json!(["item_created"])).await, 201).await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    let hook = created["id"].as_str().unwrap().to_owned();
    let challenge = rx.got.lock().unwrap().iter().find(|r| r.path == "/hook").cloned().unwrap();
    assert!(signed(&secret, &challenge.headers["sunday-signature"], &challenge.body), "the challenge is signed too");
    let listed =
        expect_json(app.get(&format!("/api/v1/boards/{bid}/webhooks"), &u.token).send().await.unwrap(), 200).await;
    assert_eq!(listed["data"][0]["id"], hook.as_str());
    assert!(listed["data"][0].get("secret").is_none(), "the secret is shown once: {listed}");

    let iid = item(&app, &u, bid, "Hooked").await;
    let patch = json!({"name": "Renamed"});
    expect_json(app.patch(&format!("/api/v1/items/{iid}"), &u.token, patch).send().await.unwrap(), 200).await;
    let got = rx.wait_for("/hook", 1, 10).await;
    let d = &got[0];
    assert!(signed(&secret, &d.headers["sunday-signature"], &d.body), "the receiver's own check passes");
    assert!(!signed("whsec_wrong", &d.headers["sunday-signature"], &d.body));
    let body: Value = serde_json::from_str(&d.body).unwrap();
    assert_eq!(
        (body["event"]["kind"].as_str(), body["event"]["item_id"].as_str()),
        (Some("item_created"), Some(iid.as_str()))
    );
    assert_eq!(body["webhook_id"], hook.as_str());
    assert_eq!(d.headers["sunday-event"], "item_created");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rx.deliveries("/hook").len(), 1, "the rename is not an item_created event");
    let log = until(&app, &u, &hook, "delivered", |d| d.first().is_some_and(|d| d["status"] == "delivered")).await;
    assert_eq!((log[0]["last_status"].as_u64(), log[0]["attempts"].as_u64()), (Some(200), Some(1)));
    assert!(log[0]["latency_ms"].is_number());

    // Webhooks are managed with the board's edit_all permission: a viewer, a member who may
    // only edit items, and another organization cannot see or change them.
    let viewer = app.signup("hooks-viewer@example.com").await;
    app.join(&u, &viewer, "viewer").await;
    let outsider = app.signup("hooks-outsider@example.com").await;
    for (who, status) in [(&viewer, 403), (&outsider, 404)] {
        let r = app.get(&format!("/api/v1/boards/{bid}/webhooks"), &who.token).send().await.unwrap();
        assert_eq!(r.status().as_u16(), status);
        let r = subscribe(&app, who, bid, &rx.url("/other"), json!([])).await;
        assert_eq!(r.status().as_u16(), status);
        let r = app.get(&format!("/api/v1/webhooks/{hook}/deliveries"), &who.token).send().await.unwrap();
        assert_eq!(r.status().as_u16(), status);
        assert_eq!(
            app.delete(&format!("/api/v1/webhooks/{hook}"), &who.token).send().await.unwrap().status().as_u16(),
            status
        );
        let id = log[0]["id"].as_str().unwrap();
        let r =
            app.post(&format!("/api/v1/webhook-deliveries/{id}/resend"), &who.token, json!({})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 404);
    }

    // Unsubscribed: nothing more arrives.
    assert_eq!(app.delete(&format!("/api/v1/webhooks/{hook}"), &u.token).send().await.unwrap().status(), 204);
    item(&app, &u, bid, "After").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rx.deliveries("/hook").len(), 1);
    app.shutdown().await;
}

async fn failures_retry_then_dead_letter_and_resend(backend: Backend) {
    let app = spawn(backend, true).await;
    let rx = Receiver::start().await;
    let u = app.signup("hooks-retry@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap();
    let mut hooks = vec![];
    for (path, mode) in [("/fail", Mode::Fail), ("/hang", Mode::HangUp), ("/stall", Mode::Slow)] {
        let created = expect_json(subscribe(&app, &u, bid, &rx.url(path), json!(["item_created"])).await, 201).await;
        rx.set(path, mode);
        hooks.push((path, created["id"].as_str().unwrap().to_owned()));
    }
    item(&app, &u, bid, "Unlucky").await;
    for (path, hook) in &hooks {
        let dead =
            until(&app, &u, hook, "dead after 3 attempts", |d| d.first().is_some_and(|d| d["status"] == "dead")).await;
        assert_eq!(dead[0]["attempts"], 3, "{path}: {dead:?}");
        assert_eq!(rx.deliveries(path).len(), 3, "{path}: three attempts reached the receiver");
        let why = dead[0]["last_error"].as_str().unwrap_or_default().to_owned();
        match *path {
            "/fail" => assert_eq!(dead[0]["last_status"], 500),
            "/stall" => assert!(why.contains("in time"), "{why}"),
            _ => assert!(!why.is_empty()),
        }
    }
    // Fixed receiver: the dead letter is sent again and delivered.
    let (path, hook) = &hooks[0];
    rx.set(path, Mode::Ok);
    let id = deliveries(&app, &u, hook).await[0]["id"].as_str().unwrap().to_owned();
    let resent = expect_json(
        app.post(&format!("/api/v1/webhook-deliveries/{id}/resend"), &u.token, json!({})).send().await.unwrap(),
        200,
    )
    .await;
    assert_eq!(resent["status"], "pending");
    until(&app, &u, hook, "delivered after resend", |d| d[0]["status"] == "delivered").await;
    let again = app.post(&format!("/api/v1/webhook-deliveries/{id}/resend"), &u.token, json!({})).send().await.unwrap();
    expect_error(again, 404, "delivery_not_found").await;
    app.shutdown().await;
}

async fn private_addresses_are_refused(backend: Backend) {
    let app = spawn(backend, false).await;
    let rx = Receiver::start().await;
    let u = app.signup("hooks-ssrf@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap();
    for url in [
        rx.url("/x"),
        "http://169.254.169.254/latest/meta-data".into(),
        "http://[::1]:9/".into(),
        "http://10.0.0.5/".into(),
    ] {
        let e = expect_error(subscribe(&app, &u, bid, &url, json!([])).await, 400, "validation_failed").await;
        assert_eq!(e["details"]["rule"], "url_refused", "{url}: {e}");
    }
    // A name that resolves to loopback is refused when resolved.
    let port = rx.base.rsplit(':').next().unwrap();
    let e = expect_error(
        subscribe(&app, &u, bid, &format!("http://localhost:{port}/x"), json!([])).await,
        400,
        "validation_failed",
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("addresses webhooks may not reach"), "{e}");
    assert!(rx.got.lock().unwrap().is_empty(), "nothing reached the receiver");
    let e =
        expect_error(subscribe(&app, &u, bid, "ftp://example.com/", json!([])).await, 400, "validation_failed").await;
    assert_eq!(e["details"]["rule"], "url_refused");
    app.shutdown().await;

    // With loopback allowed, a redirect to the metadata address is still refused.
    let app = spawn(backend, true).await;
    let u = app.signup("hooks-redirect@example.com").await;
    let b = board(&app, &u, None).await;
    rx.set("/redirect", Mode::Redirect);
    let e = expect_error(
        subscribe(&app, &u, b["id"].as_str().unwrap(), &rx.url("/redirect"), json!([])).await,
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(e["details"]["rule"], "challenge_failed", "{e}");
    app.shutdown().await;
}

async fn a_slow_receiver_does_not_delay_another(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.webhooks.allowed_hosts = vec!["127.0.0.1".into()]).await;
    let rx = Receiver::start().await;
    let u = app.signup("hooks-slow@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap();
    expect_json(subscribe(&app, &u, bid, &rx.url("/slow"), json!([])).await, 201).await;
    expect_json(subscribe(&app, &u, bid, &rx.url("/fast"), json!([])).await, 201).await;
    rx.set("/slow", Mode::Slow);
    let started = std::time::Instant::now();
    for n in 0..5 {
        item(&app, &u, bid, &format!("n{n}")).await;
    }
    rx.wait_for("/fast", 5, 10).await;
    assert!(started.elapsed() < Duration::from_millis(1500), "the fast receiver waited: {:?}", started.elapsed());
    rx.wait_for("/slow", 5, 10).await;
    app.shutdown().await;
}

/// The `call_webhook` action: the item goes to the subscription as a signed delivery of kind
/// `automation`, whatever event kinds the subscription chose, once per run.
async fn a_recipe_calls_a_webhook(backend: Backend) {
    let app = spawn(backend, true).await;
    let rx = Receiver::start().await;
    let u = app.signup("hooks-recipe@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap();
    let created = expect_json(subscribe(&app, &u, bid, &rx.url("/recipe"), json!(["item_archived"])).await, 201).await;
    let (hook, secret) = (created["id"].as_str().unwrap(), created["secret"].as_str().unwrap());
    let path = format!("/api/v1/boards/{bid}/automations");
    let bad = json!({"name": "x", "trigger": {"type": "item_created"},
        "actions": [{"type": "call_webhook", "webhook_id": "00000000-0000-7000-8000-000000000000"}]});
    let e = expect_error(app.post(&path, &u.token, bad).send().await.unwrap(), 400, "validation_failed").await;
    assert_eq!(e["details"]["field"], "actions[0].webhook_id");
    let recipe = json!({"name": "tell the CRM", "trigger": {"type": "item_created"},
        "actions": [{"type": "call_webhook", "webhook_id": hook}]});
    expect_json(app.post(&path, &u.token, recipe).send().await.unwrap(), 201).await;
    let iid = item(&app, &u, bid, "New lead").await;
    let got = rx.wait_for("/recipe", 1, 10).await;
    assert!(signed(secret, &got[0].headers["sunday-signature"], &got[0].body));
    let body: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!((body["kind"].as_str(), body["item"]["id"].as_str()), (Some("automation"), Some(iid.as_str())));
    assert!(body["run_id"].is_string(), "{body}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(rx.deliveries("/recipe").len(), 1, "one delivery per run");
    let log = deliveries(&app, &u, hook).await;
    assert_eq!((log.len(), log[0]["kind"].as_str()), (1, Some("automation")));
    app.shutdown().await;
}
