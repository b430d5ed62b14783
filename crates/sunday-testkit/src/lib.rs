//! Test harness: [`TestApp::spawn`] starts a real `sunday` server in-process on port 0 with a
//! fresh store (a temporary SQLite file, or a scratch PostgreSQL database on the local
//! server), and offers a small typed client. Tests share nothing, so they run in parallel.
//! [`backend_tests!`] runs each API scenario against both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod cluster;
pub mod sample;

use reqwest::{header, Client, RequestBuilder, Response};
use serde_json::{json, Value};
use sunday_config::{Config, Secret};
use sunday_server::Running;
use sunday_store_postgres::testing::{admin_url, create_scratch_database, ScratchDb};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base: String,
    pub backend: Backend,
    /// The configuration the server started with (its store URL, data directory).
    pub config: Config,
    running: Option<Running>,
    _dir: tempfile::TempDir,
    _pg: Option<ScratchDb>,
}

/// A logged-in user: their bearer token, CSRF token and ids.
#[derive(Clone, Debug)]
pub struct Session {
    pub token: String,
    pub csrf: String,
    pub user_id: String,
    pub org_id: String,
    pub email: String,
}

pub const PASSWORD: &str = "correct horse battery staple";

/// Settings that keep tests fast and deterministic: cheap password hashing, no request-rate
/// limits (the tests that check limits turn them on).
pub fn test_config(dir: &std::path::Path) -> Config {
    let mut c = Config { listen: "127.0.0.1:0".parse().unwrap(), data_dir: dir.to_owned(), ..Config::default() };
    c.log.level = std::env::var("SUNDAY_TEST_LOG").unwrap_or_else(|_| "warn".into());
    c.auth.argon2_memory_kib = 64;
    c.auth.argon2_iterations = 1;
    c.gateway.rate_limit_ip_per_sec = 0;
    c.gateway.rate_limit_user_per_sec = 0;
    c.gateway.shutdown_grace_secs = 5;
    c
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestApp {
        Self::spawn_seeded(backend, async |config: &mut Config| tweak(config)).await
    }

    /// Starts a server on a store that `seed` prepared first (a database as an older release
    /// left it, say); `seed` may also change the configuration.
    pub async fn spawn_seeded(backend: Backend, seed: impl AsyncFnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let mut config = test_config(dir.path());
        let pg = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let (url, guard) = create_scratch_database(&admin_url()).await.expect("postgres test server reachable");
                config.store.url = Secret::new(url);
                Some(guard)
            }
        };
        seed(&mut config).await;
        sunday_server::init_logging(&config);
        let running = sunday_server::start(config.clone()).await.expect("server starts");
        let base = format!("http://{}", running.addr);
        TestApp { base, backend, config, running: Some(running), _dir: dir, _pg: pg }
    }

    /// The server's data directory (its SQLite file is `sunday.db` there).
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A client without cookies.
    pub fn client(&self) -> Client {
        Client::builder().build().unwrap()
    }

    /// A client that keeps cookies, like a browser.
    pub fn browser(&self) -> Client {
        Client::builder().cookie_store(true).build().unwrap()
    }

    pub fn get(&self, path: &str, token: &str) -> RequestBuilder {
        self.client().get(self.url(path)).bearer_auth(token)
    }

    pub fn post(&self, path: &str, token: &str, body: Value) -> RequestBuilder {
        self.client().post(self.url(path)).bearer_auth(token).json(&body)
    }

    pub fn patch(&self, path: &str, token: &str, body: Value) -> RequestBuilder {
        self.client().patch(self.url(path)).bearer_auth(token).json(&body)
    }

    pub fn delete(&self, path: &str, token: &str) -> RequestBuilder {
        self.client().delete(self.url(path)).bearer_auth(token)
    }

    /// Signs up a new user (and organization) and returns their session.
    pub async fn signup(&self, email: &str) -> Session {
        let r = self
            .client()
            .post(self.url("/api/v1/auth/signup"))
            .json(&json!({"email": email, "password": PASSWORD, "name": email.split('@').next().unwrap()}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "signup {email}");
        session_of(r.json().await.unwrap(), email)
    }

    /// Signs up through an invitation.
    pub async fn signup_invited(&self, email: &str, invite_token: &str) -> Session {
        let r = self
            .client()
            .post(self.url("/api/v1/auth/signup"))
            .json(&json!({"email": email, "password": PASSWORD, "name": "Invited", "invite_token": invite_token}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "invited signup {email}");
        session_of(r.json().await.unwrap(), email)
    }

    /// Brings `who` into `inviter`'s organization with `role` the only way there is: an
    /// invitation, accepted by `who`.
    pub async fn join(&self, inviter: &Session, who: &Session, role: &str) {
        let invites = format!("/api/v1/orgs/{}/invites", inviter.org_id);
        let invite = json!({"email": who.email, "role": role});
        let r = self.post(&invites, &inviter.token, invite).send().await.unwrap();
        assert_eq!(r.status(), 201, "invite {}", who.email);
        let token = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
        let accepted =
            self.post(&format!("/api/v1/invites/{token}/accept"), &who.token, json!({})).send().await.unwrap();
        assert_eq!(accepted.status(), 200, "accept {}", who.email);
    }

    /// Stops the server, waits `down`, and starts it again on the same store and data
    /// directory (on a new port): a downtime, as an operator's restart makes one.
    pub async fn restart(&mut self, down: std::time::Duration) {
        self.restart_with(down, async || {}).await
    }

    /// [`TestApp::restart`], doing `while_down` (to the data directory, say) while it is down.
    pub async fn restart_with(&mut self, down: std::time::Duration, while_down: impl AsyncFnOnce()) {
        if let Some(r) = self.running.take() {
            r.shutdown().await.unwrap();
        }
        tokio::time::sleep(down).await;
        while_down().await;
        let running = sunday_server::start(self.config.clone()).await.expect("server restarts");
        self.base = format!("http://{}", running.addr);
        self.running = Some(running);
    }

    /// Stops the server gracefully.
    pub async fn shutdown(mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown().await.unwrap();
        }
    }
}

fn session_of(body: Value, email: &str) -> Session {
    Session {
        token: body["token"].as_str().unwrap().to_owned(),
        csrf: body["csrf_token"].as_str().unwrap().to_owned(),
        user_id: body["user"]["id"].as_str().unwrap().to_owned(),
        org_id: body["org"]["id"].as_str().unwrap().to_owned(),
        email: email.to_owned(),
    }
}

/// Waits (up to ten seconds) until `item`'s cell in `column`, as `token` reads it, is `want`:
/// the other side of a relation and mirrors are kept by a follower of the event log, a moment
/// after the change commits.
pub async fn until_cell(app: &TestApp, token: &str, item: &str, column: &str, want: Value) {
    let mut last = Value::Null;
    for _ in 0..200 {
        let it = expect_json(app.get(&format!("/api/v1/items/{item}"), token).send().await.unwrap(), 200).await;
        last = it["values"].get(column).cloned().unwrap_or(Value::Null);
        if last == want {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("item {item} column {column}: wanted {want}, still {last}");
}

/// A workspace and a board (from `template`, or blank) owned by `s`; returns the board JSON.
pub async fn board(app: &TestApp, s: &Session, template: Option<&str>) -> Value {
    let ws =
        expect_json(app.post("/api/v1/workspaces", &s.token, json!({"name": "W"})).send().await.unwrap(), 201).await;
    let body = json!({"name": "Board", "workspace_id": ws["id"], "template": template});
    expect_json(app.post("/api/v1/boards", &s.token, body).send().await.unwrap(), 201).await
}

/// The id of the board's column titled `title`.
pub fn column_id(board: &Value, title: &str) -> String {
    board["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == title)
        .unwrap_or_else(|| panic!("no column {title}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Asserts an error response: status, code, the shared body shape, and the request id.
pub async fn expect_error(r: Response, status: u16, code: &str) -> Value {
    let got = r.status().as_u16();
    let header_id = r.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body: Value = r.json().await.unwrap_or(Value::Null);
    assert_eq!((got, body["code"].as_str().unwrap_or("<none>")), (status, code), "body: {body}");
    assert!(body["message"].is_string() && body["kind"].is_string(), "error shape: {body}");
    assert_eq!(body["request_id"].as_str().map(str::to_owned), header_id, "request id in body and header");
    body
}

/// The JSON body of a response that must have `status`.
pub async fn expect_json(r: Response, status: u16) -> Value {
    let got = r.status().as_u16();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "body: {body}");
    body
}

pub fn has_header(r: &Response, name: header::HeaderName) -> bool {
    r.headers().contains_key(name)
}

/// Runs each scenario `async fn case(app: TestApp)` once per backend.
#[macro_export]
macro_rules! backend_tests {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $case() {
                super::$case($crate::TestApp::spawn($crate::Backend::Sqlite).await).await
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $case() {
                super::$case($crate::TestApp::spawn($crate::Backend::Postgres).await).await
            })*
        }
    };
}

/// A real WebSocket client for tests.
pub struct Ws {
    stream: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
}

impl TestApp {
    /// Opens `/ws` authenticated with `token` (bearer header).
    pub async fn ws(&self, token: &str) -> Ws {
        Ws::connect(&self.base, token).await.expect("websocket connects").0
    }
}

impl Ws {
    /// Opens `<base>/ws` with a bearer token; also returns the `X-Sunday-Node` header of the
    /// upgrade response (which node a load balancer chose), when there is one.
    pub async fn connect(base: &str, token: &str) -> Result<(Ws, Option<String>), String> {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let url = format!("{}/ws", base.replace("http://", "ws://"));
        let mut req = url.into_client_request().map_err(|e| e.to_string())?;
        req.headers_mut().insert("authorization", format!("Bearer {token}").parse().map_err(|_| "bad token")?);
        let (stream, response) = tokio_tungstenite::connect_async(req).await.map_err(|e| e.to_string())?;
        let node = response.headers().get("x-sunday-node").and_then(|v| v.to_str().ok()).map(str::to_owned);
        Ok((Ws { stream }, node))
    }

    pub async fn send(&mut self, frame: Value) {
        use futures::SinkExt;
        self.stream.send(tokio_tungstenite::tungstenite::Message::Text(frame.to_string().into())).await.unwrap();
    }

    /// The next JSON frame, or `None` after `secs` seconds of silence.
    pub async fn next_within(&mut self, secs: f64) -> Option<Value> {
        use futures::StreamExt;
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs_f64(secs);
        loop {
            let msg = tokio::time::timeout_at(deadline, self.stream.next()).await.ok()??.ok()?;
            if let tokio_tungstenite::tungstenite::Message::Text(t) = msg {
                return serde_json::from_str(t.as_str()).ok();
            }
        }
    }

    /// The next frame of type `kind` (skipping others), within 5 seconds.
    pub async fn next_of(&mut self, kind: &str) -> Value {
        loop {
            let f = self.next_within(5.0).await.unwrap_or_else(|| panic!("no `{kind}` frame within 5 s"));
            if f["type"] == kind {
                return f;
            }
        }
    }

    /// Subscribes to a board and returns the `subscribed` frame.
    pub async fn subscribe(&mut self, board: &str, since: Option<i64>) -> Value {
        self.send(json!({"type": "subscribe", "board_id": board, "since_seq": since})).await;
        self.next_of("subscribed").await
    }
}

/// A minimal SMTP server that accepts every message (except to addresses containing
/// `bounce`, refused for good with `550`) and hands its text to the test.
pub async fn smtp_sink() -> (u16, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else { return };
            let tx = tx.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut data = String::new();
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            let _ = tx.send(std::mem::take(&mut data));
                            w.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            data.push_str(&line);
                            data.push('\n');
                        }
                        continue;
                    }
                    let cmd = line.to_ascii_uppercase();
                    let reply: &[u8] = if cmd.starts_with("RCPT") && cmd.contains("BOUNCE") {
                        b"550 no such mailbox\r\n"
                    } else if cmd.starts_with("EHLO") {
                        b"250-sink\r\n250 OK\r\n"
                    } else if cmd.starts_with("DATA") {
                        in_data = true;
                        b"354 go ahead\r\n"
                    } else if cmd.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        b"250 OK\r\n"
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, rx)
}
