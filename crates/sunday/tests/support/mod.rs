//! Running the real `sunday` binary from the integration tests: a command with a clean
//! environment, a server started from it with its address read from its JSON log, and the
//! few API calls the tests make.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::HashSet,
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
    sync::mpsc::Receiver,
    time::Duration,
};

use serde_json::{json, Value};

pub const PASSWORD: &str = "a long enough password";

/// `sunday` with nothing of the caller's environment but `PATH`.
pub fn sunday() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sunday"));
    c.env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    c
}

/// A `sunday serve` child: its address and every log line it wrote so far (and writes on).
pub struct Server {
    pub child: Child,
    pub addr: String,
    /// The lines read while waiting for the address.
    pub early: Vec<String>,
    pub lines: Receiver<String>,
}

impl Server {
    /// `http://<addr>/api/v1`.
    pub fn api(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// Spawns `cmd` (a prepared `serve … --log-format json`) and waits for it to log its address.
pub fn serve(mut cmd: Command) -> Server {
    let mut child = cmd.stderr(Stdio::piped()).spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, lines) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut early = vec![];
    let addr = loop {
        let line = lines.recv_timeout(Duration::from_secs(60)).expect("the server logs its address");
        let v = serde_json::from_str::<Value>(&line).ok();
        early.push(line);
        if let Some(v) = v.filter(|v| v["fields"]["message"] == "sunday is listening") {
            break v["fields"]["addr"].as_str().unwrap().to_owned();
        }
    };
    Server { child, addr, early, lines }
}

/// `sunday serve` on a free port with cheap password hashing and no rate limits, on `data`
/// (or the store `env` names), plus `env`.
pub fn start(data: Option<&Path>, env: &[(&str, &str)]) -> Server {
    let mut cmd = sunday();
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
        .env("SUNDAY_LOG__LEVEL", "info")
        .env("SUNDAY_AUTH__ARGON2_MEMORY_KIB", "64")
        .env("SUNDAY_GATEWAY__RATE_LIMIT_IP_PER_SEC", "0")
        .env("SUNDAY_GATEWAY__RATE_LIMIT_USER_PER_SEC", "0")
        .envs(env.iter().copied());
    if let Some(d) = data {
        cmd.arg("--data-dir").arg(d);
    }
    serve(cmd)
}

/// A successful POST's JSON body.
pub async fn post(client: &reqwest::Client, url: String, token: &str, body: Value) -> Value {
    let res = client.post(url).bearer_auth(token).json(&body).send().await.unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    res.json().await.unwrap()
}

/// Signs `email` up (password [`PASSWORD`]) and returns the session token.
pub async fn signup(client: &reqwest::Client, api: &str, email: &str) -> String {
    let body = json!({"email": email, "password": PASSWORD, "name": "Tester"});
    let r: Value = client.post(format!("{api}/auth/signup")).json(&body).send().await.unwrap().json().await.unwrap();
    r["token"].as_str().expect("signed up").to_owned()
}

/// A workspace and a blank board in it; returns the board's id.
pub async fn board(client: &reqwest::Client, api: &str, token: &str) -> String {
    let ws = post(client, format!("{api}/workspaces"), token, json!({"name": "W"})).await;
    let board = post(client, format!("{api}/boards"), token, json!({"name": "B", "workspace_id": ws["id"]})).await;
    board["id"].as_str().unwrap().to_owned()
}

/// The ids of the board's items, every page (`base` is `…/api/v1`).
pub async fn all_item_ids(client: &reqwest::Client, base: &str, token: &str, board: &str) -> HashSet<String> {
    all_items(client, base, token, board).await.iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

/// The board's items, every page (`base` is `…/api/v1`).
pub async fn all_items(client: &reqwest::Client, base: &str, token: &str, board: &str) -> Vec<Value> {
    let mut items = vec![];
    let mut cursor = String::new();
    loop {
        let url = format!("{base}/boards/{board}/items?limit=500&cursor={cursor}");
        let page: Value = client.get(url).bearer_auth(token).send().await.unwrap().json().await.unwrap();
        items.extend(page["data"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => return items,
        }
    }
}
