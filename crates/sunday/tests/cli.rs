//! The `sunday` binary as an operator uses it: commands, configuration errors, JSON logs,
//! and the promise that passwords and tokens never reach the logs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::{process::Command, time::Duration};

use serde_json::{json, Value};
use support::{board, post, serve, signup, start, sunday};

#[test]
fn version_and_print_default() {
    let out = sunday().arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("sunday "));
    let out = sunday().args(["config", "print-default"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("listen = \"127.0.0.1:8080\"") && text.contains("[gateway]"), "{text}");
}

/// `sunday capacity` sizes the design's target and prints its assumptions; a bad input is an
/// error naming the flag's field.
#[test]
fn capacity_sizes_a_target_load() {
    let out = sunday()
        .args(["capacity", "--users", "10000000", "--sockets", "1000000", "--rps", "1000000"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    for part in ["api", "realtime", "PostgreSQL", "NATS", "measured", "W1: GET /me"] {
        assert!(text.contains(part), "{part} in {text}");
    }
    let out = sunday().args(["capacity", "--active-ratio", "2"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("active_ratio"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn configuration_errors_name_the_key_and_fail() {
    let dir = tempfile::tempdir().unwrap();
    let out = sunday()
        .current_dir(dir.path())
        .env("SUNDAY_GATEWAY__BODY_LIMIT_BYTES", "huge")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("gateway.body_limit_bytes"), "{err}");
    let out =
        sunday().current_dir(dir.path()).env("SUNDAY_STORE__URL", "redis://nope").arg("migrate").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("store.url"));
}

#[test]
fn migrate_creates_the_embedded_store() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = sunday().args(["migrate", "--data-dir"]).arg(&data).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(data.join("sunday.db").exists());
}

/// `migrate --dry-run` prints the plan and changes nothing; the server and every command
/// refuse a schema newer than they know.
#[test]
fn migrate_dry_run_and_schema_checks() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let out = sunday().args(args).arg("--data-dir").arg(&data).envs(env.iter().copied()).output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (ok, plan) = run(&["migrate", "--dry-run"], &[]);
    assert!(
        ok && plan.contains("sqlite store at schema version 0") && plan.contains("-- apply 1 (0001_accounts)"),
        "{plan}"
    );
    assert!(plan.contains("CREATE TABLE users"), "{plan}");
    let latest: i64 =
        plan.split("this Sunday's latest is ").nth(1).unwrap().split('.').next().unwrap().parse().unwrap();

    let (ok, out) = run(&["migrate"], &[]);
    assert!(ok && out.contains(&format!("schema at version {latest}")), "{out}");
    let (ok, plan) = run(&["migrate", "--dry-run"], &[]);
    assert!(ok && plan.contains("Nothing to apply"), "{plan}");

    let db = rusqlite::Connection::open(data.join("sunday.db")).unwrap();
    db.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, 'from_the_future', 0)",
        [latest + 1],
    )
    .unwrap();
    drop(db);
    for args in [&["serve", "--listen", "127.0.0.1:0"][..], &["migrate"], &["migrate", "--dry-run"]] {
        let (ok, out) = run(args, &[]);
        assert!(!ok && out.contains("newer than this Sunday knows"), "{args:?}: {out}");
    }
}

#[tokio::test]
async fn serve_logs_json_without_secrets_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = sunday();
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json", "--data-dir"])
        .arg(dir.path())
        .env("SUNDAY_LOG__LEVEL", "trace")
        .env("SUNDAY_AUTH__ARGON2_MEMORY_KIB", "64");
    let mut server = serve(cmd);
    let addr = server.addr.clone();

    let password = "a very secret passphrase";
    let client = reqwest::Client::new();
    let base = format!("http://{addr}/api/v1");
    let signup: Value = client
        .post(format!("{base}/auth/signup"))
        .json(&json!({"email": "ops@example.com", "password": password, "name": "Ops"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = signup["token"].as_str().unwrap().to_owned();
    let csrf = signup["csrf_token"].as_str().unwrap().to_owned();
    let pat: Value = client
        .post(format!("{base}/me/tokens"))
        .bearer_auth(&token)
        .json(&json!({"name": "ci", "scopes": ["read"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = pat["secret"].as_str().unwrap().to_owned();
    let bad = client
        .post(format!("{base}/auth/login"))
        .json(&json!({"email": "ops@example.com", "password": "wrong guess!!"}));
    assert_eq!(bad.send().await.unwrap().status(), 401);
    client.get(format!("{base}/me")).bearer_auth(&secret).send().await.unwrap();

    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = server.child.wait().unwrap();
    assert!(status.success(), "graceful exit on SIGTERM: {status:?}");
    let mut lines = std::mem::take(&mut server.early);
    lines.extend(server.lines.try_iter());

    assert!(lines.len() > 5, "trace logging produced lines: {lines:?}");
    for line in &lines {
        assert!(serde_json::from_str::<Value>(line).is_ok(), "every line is JSON: {line}");
        for (what, s) in [
            ("password", password),
            ("session token", token.as_str()),
            ("csrf token", csrf.as_str()),
            ("api token", secret.as_str()),
        ] {
            assert!(!line.contains(s), "{what} leaked into the log: {line}");
        }
    }
    assert!(lines.iter().any(|l| l.contains("request_id")), "request spans carry the request id");
}

/// The binary carries the web app: copied into an empty folder and started there, it serves
/// the app at `/` (and the app's own routes), hashed assets cached for a year, the page
/// revalidated by `ETag`, and API paths still answer JSON.
#[tokio::test]
async fn the_binary_serves_the_web_app_from_anywhere() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/dist/index.html");
    assert!(dist.is_file(), "build the web app first (cd web && npm ci && npm run build)");
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("sunday");
    std::fs::copy(env!("CARGO_BIN_EXE_sunday"), &bin).unwrap();
    let mut cmd = Command::new(&bin);
    cmd.env_clear().current_dir(dir.path()).args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"]);
    let server = serve(cmd);
    let addr = server.addr.clone();
    let client = reqwest::Client::new();
    let page = client.get(format!("http://{addr}/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-cache");
    let etag = page.headers()["etag"].to_str().unwrap().to_owned();
    let html = page.text().await.unwrap();
    assert!(html.contains("<div id=\"root\">"), "{html}");
    let again = client.get(format!("http://{addr}/")).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), 304);
    let route = client.get(format!("http://{addr}/boards/some-board")).send().await.unwrap();
    assert_eq!(route.text().await.unwrap(), html, "the app's own routes get the page");
    let asset = html.split("src=\"/").nth(1).and_then(|s| s.split('"').next()).expect("the page loads a script");
    let js = client.get(format!("http://{addr}/{asset}")).send().await.unwrap();
    assert_eq!(js.status(), 200);
    assert_eq!(js.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert!(js.headers()["content-type"].to_str().unwrap().contains("javascript"));
    let api = client.get(format!("http://{addr}/api/v1/nope")).send().await.unwrap();
    assert_eq!(api.status(), 404);
    assert_eq!(api.json::<Value>().await.unwrap()["code"], "route_not_found");
    server.kill();
}

/// A backup taken while the server runs and writes restores into an empty data directory
/// with everything answered before it began; restoring over a database needs --force; a
/// damaged backup is refused and changes nothing.
#[tokio::test]
async fn backup_while_running_and_restore() {
    backup_and_restore_on(Store::Sqlite).await;
}

/// The same on PostgreSQL: a logical dump through the store while the server writes, restored
/// into another database.
#[tokio::test]
async fn postgres_backup_while_running_and_restore() {
    backup_and_restore_on(Store::Postgres).await;
}

enum Store {
    Sqlite,
    Postgres,
}

/// A store to run on: the data directory is always set; on PostgreSQL `SUNDAY_STORE__URL`
/// names a scratch database (dropped with the guard).
struct Target {
    dir: tempfile::TempDir,
    url: Option<(String, sunday_store_postgres::testing::ScratchDb)>,
}

impl Target {
    async fn new(store: &Store) -> Target {
        let url = match store {
            Store::Sqlite => None,
            Store::Postgres => {
                let admin = sunday_store_postgres::testing::admin_url();
                Some(sunday_store_postgres::testing::create_scratch_database(&admin).await.unwrap())
            }
        };
        Target { dir: tempfile::tempdir().unwrap(), url }
    }

    fn env(&self) -> Vec<(&str, &str)> {
        self.url.iter().map(|(u, _)| ("SUNDAY_STORE__URL", u.as_str())).collect()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = sunday();
        c.arg("--data-dir").arg(self.dir.path()).args(args).envs(self.env());
        c
    }
}

async fn backup_and_restore_on(store: Store) {
    let live = Target::new(&store).await;
    let server = start(Some(live.dir.path()), &live.env());
    let client = reqwest::Client::new();
    let base = server.api();
    let token = signup(&client, &base, "keep@example.com").await;
    let bid = board(&client, &base, &token).await;
    for chunk in 0..2 {
        let items: Vec<Value> = (0..1_000).map(|i| json!({"name": format!("Item {chunk}-{i}")})).collect();
        post(&client, format!("{base}/boards/{bid}/items/bulk"), &token, json!({"items": items})).await;
    }
    // An uploaded file (on local storage: its bytes go in the backup too).
    let upload =
        client.post(format!("{base}/files?filename=minutes.txt")).bearer_auth(&token).body("kept in the backup");
    let upload: Value = upload.send().await.unwrap().json().await.unwrap();
    let file_id = upload["id"].as_str().expect("uploaded").to_owned();
    // Writes go on while the backup runs.
    let writer = {
        let (client, base, token, bid) = (client.clone(), base.clone(), token.clone(), bid.clone());
        tokio::spawn(async move {
            for i in 0..50 {
                let r = client
                    .post(format!("{base}/boards/{bid}/items"))
                    .bearer_auth(&token)
                    .json(&json!({"name": format!("Late {i}")}));
                assert_eq!(r.send().await.unwrap().status(), 201);
            }
        })
    };
    let file = live.dir.path().join("backup.tar");
    let out = live.command(&["backup", "--to"]).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    writer.await.unwrap();
    server.kill();

    let fresh = Target::new(&store).await;
    let restore = |force: bool| {
        let mut c = fresh.command(&["restore", "--from"]);
        c.arg(&file);
        if force {
            c.arg("--force");
        }
        c.output().unwrap()
    };
    let out = restore(false);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again = restore(false);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"), "{}", String::from_utf8_lossy(&again.stderr));
    let forced = restore(true);
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));

    // A damaged backup (one byte of an item's name changed) is refused.
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.windows(8).position(|w| w == b"Item 1-5").expect("an item's name in the backup");
    bytes[at] ^= 0x01;
    let damaged = live.dir.path().join("damaged.tar");
    std::fs::write(&damaged, bytes).unwrap();
    let out = fresh.command(&["restore", "--force", "--from"]).arg(&damaged).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("damaged"), "{}", String::from_utf8_lossy(&out.stderr));

    // A backup made by a newer Sunday (a schema this one does not know) is refused.
    let unpacked = tempfile::tempdir().unwrap();
    let manifest: sunday_server::backup::Manifest =
        sunday_server::archive::read(&file, unpacked.path(), "backup").unwrap();
    let paths: Vec<String> = manifest.files.iter().map(|f| f.path.clone()).collect();
    let version = manifest.schema_version + 1;
    let newer = live.dir.path().join("newer.tar");
    sunday_server::archive::write(&newer, unpacked.path(), &paths, |files| sunday_server::backup::Manifest {
        files,
        schema_version: version,
        ..manifest
    })
    .unwrap();
    let out = fresh.command(&["restore", "--force", "--from"]).arg(&newer).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("newer than this Sunday knows"), "{err}");

    // The restored instance has the account, the board and every item answered before.
    let restored = start(Some(fresh.dir.path()), &fresh.env());
    let base = restored.api();
    let login: Value = client
        .post(format!("{base}/auth/login"))
        .json(&json!({"email": "keep@example.com", "password": support::PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().expect("the account was restored").to_owned();
    let q: Value = client
        .post(format!("{base}/boards/{bid}/items/query"))
        .bearer_auth(&token)
        .json(&json!({"filter": {"column": "name", "op": "contains", "value": "Item "}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(q["total"], 2_000);
    let r = client.get(format!("{base}/files/{file_id}")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "kept in the backup", "the file's bytes were restored");
    restored.kill();
}

/// The scheduler role backs up on its interval and keeps the newest `backup.keep`; each is a
/// backup `sunday restore` takes.
/// A backup killed with SIGKILL at any point leaves either nothing under the name asked for
/// or a whole backup that restores: never a partial file that looks complete.
#[tokio::test]
async fn a_backup_killed_midway_leaves_no_file_that_looks_complete() {
    let live = tempfile::tempdir().unwrap();
    let server = start(Some(live.path()), &[]);
    let client = reqwest::Client::new();
    let base = server.api();
    let token = signup(&client, &base, "kill@example.com").await;
    let bid = board(&client, &base, &token).await;
    for chunk in 0..10 {
        let items: Vec<Value> =
            (0..1_000).map(|i| json!({"name": format!("Item {chunk}-{i} {}", "x".repeat(200))})).collect();
        post(&client, format!("{base}/boards/{bid}/items/bulk"), &token, json!({"items": items})).await;
    }
    server.kill();
    let (mut killed, mut finished) = (0, 0);
    for delay_ms in [0u64, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048] {
        let file = live.path().join(format!("backup-{delay_ms}.tar"));
        let mut child =
            sunday().args(["backup", "--to"]).arg(&file).arg("--data-dir").arg(live.path()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let done_before_kill = child.try_wait().unwrap().is_some();
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        if !file.exists() {
            assert!(!done_before_kill, "a finished backup left no file");
            killed += 1;
            continue;
        }
        finished += 1;
        let fresh = tempfile::tempdir().unwrap();
        let out = sunday().args(["restore", "--from"]).arg(&file).arg("--data-dir").arg(fresh.path()).output().unwrap();
        assert!(
            out.status.success(),
            "a file under the asked name must be whole: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(killed > 0 && finished > 0, "killed {killed} midway, {finished} finished: try other delays");
}

#[tokio::test]
async fn scheduled_backups_keep_the_newest() {
    let live = tempfile::tempdir().unwrap();
    let server = start(Some(live.path()), &[("SUNDAY_BACKUP__INTERVAL_SECS", "1"), ("SUNDAY_BACKUP__KEEP", "2")]);
    let dir = live.path().join("backups");
    let listed = || {
        let mut names: Vec<std::path::PathBuf> =
            std::fs::read_dir(&dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
        names.sort();
        names
    };
    // Wait for a third backup to have happened (the first two then rotate out one).
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut seen = std::collections::BTreeSet::new();
    while seen.len() < 3 && std::time::Instant::now() < deadline {
        seen.extend(listed());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(seen.len() >= 3, "backups made: {seen:?}");
    server.kill();
    let kept = listed();
    assert_eq!(kept.len(), 2, "only the newest two are kept: {kept:?}");
    let fresh = tempfile::tempdir().unwrap();
    let out = sunday()
        .args(["restore", "--from"])
        .arg(kept.last().unwrap())
        .arg("--data-dir")
        .arg(fresh.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
