//! Date triggers on the real clock, on both stores: a date that arrives while the server is
//! down runs its recipe once the server is back (the scheduler catches up its window), and
//! the recipe's email reaches an SMTP server written in the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use serde_json::{json, Value};
use sunday_testkit::{board, expect_error, expect_json, smtp_sink, Backend, Session, TestApp};

#[tokio::test]
async fn sqlite_a_date_arriving_during_a_downtime_runs_after_restart() {
    a_date_arriving_during_a_downtime_runs_after_restart(Backend::Sqlite).await
}

#[tokio::test]
async fn postgres_a_date_arriving_during_a_downtime_runs_after_restart() {
    a_date_arriving_during_a_downtime_runs_after_restart(Backend::Postgres).await
}

async fn column(app: &TestApp, u: &Session, board: &str, title: &str, kind: &str) -> String {
    let r = app.post(&format!("/api/v1/boards/{board}/columns"), &u.token, json!({"title": title, "type": kind}));
    expect_json(r.send().await.unwrap(), 201).await["id"].as_str().unwrap().to_owned()
}

async fn item(app: &TestApp, u: &Session, board: &str, name: &str, values: Value) -> String {
    let r = app.post(&format!("/api/v1/boards/{board}/items"), &u.token, json!({"name": name, "values": values}));
    expect_json(r.send().await.unwrap(), 201).await["id"].as_str().unwrap().to_owned()
}

async fn notes_of(app: &TestApp, u: &Session, item: &str, notes: &str) -> Option<String> {
    let it = expect_json(app.get(&format!("/api/v1/items/{item}"), &u.token).send().await.unwrap(), 200).await;
    it["values"][notes].as_str().map(str::to_owned)
}

async fn a_date_arriving_during_a_downtime_runs_after_restart(backend: Backend) {
    let (port, mut mails) = smtp_sink().await;
    let mut app = TestApp::spawn_with(backend, |c| {
        c.automations.schedule_secs = 1;
        c.mail.smtp_host = "127.0.0.1".into();
        c.mail.smtp_port = port;
    })
    .await;
    let u = app.signup("clock@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap();
    let due = column(&app, &u, bid, "Due", "date").await;
    let notes = column(&app, &u, bid, "Notes", "text").await;
    let bad = json!({"name": "x", "trigger": {"type": "date_arrives", "column_id": due},
        "actions": [{"type": "send_email", "to": ["not an address"], "subject": "s", "text": "t"}]});
    let path = format!("/api/v1/boards/{bid}/automations");
    let e = expect_error(app.post(&path, &u.token, bad).send().await.unwrap(), 400, "validation_failed").await;
    assert_eq!(e["details"]["field"], "actions[0].to[0]");
    let recipe = json!({
        "name": "when Due arrives",
        "trigger": {"type": "date_arrives", "column_id": due},
        "actions": [
            {"type": "set_column", "column_id": notes, "value": "due: {item.name}"},
            {"type": "send_email", "to": ["pm@example.com"], "subject": "Due now: {item.name}", "text": "{item.name} is due."}
        ]
    });
    let auto = expect_json(app.post(&path, &u.token, recipe).send().await.unwrap(), 201).await;
    let at = |secs: i64| {
        (chrono::Utc::now() + chrono::Duration::seconds(secs)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let soon = item(&app, &u, bid, "Soon", json!({due.clone(): at(3)})).await;
    let later = item(&app, &u, bid, "Later", json!({due.clone(): at(3600)})).await;

    // Down before the date arrives, up after it.
    app.restart(Duration::from_secs(6)).await;
    let mut reached = None;
    for _ in 0..300 {
        reached = notes_of(&app, &u, &soon, &notes).await;
        if reached.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(reached.as_deref(), Some("due: Soon"), "the missed date was caught up");
    let mail = tokio::time::timeout(Duration::from_secs(10), mails.recv()).await.expect("an email").unwrap();
    assert!(mail.contains("Subject: Due now: Soon") && mail.contains("pm@example.com"), "{mail}");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(notes_of(&app, &u, &later, &notes).await, None, "a date still ahead does not fire");
    let runs = expect_json(
        app.get(&format!("/api/v1/automations/{}/runs", auto["id"].as_str().unwrap()), &u.token).send().await.unwrap(),
        200,
    )
    .await;
    let runs = runs["data"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "once, after several scheduler passes: {runs:?}");
    assert_eq!(
        (runs[0]["trigger_kind"].as_str(), runs[0]["status"].as_str()),
        (Some("date_arrives"), Some("succeeded"))
    );
    assert_eq!(runs[0]["steps"][1]["output"]["to"], json!(["pm@example.com"]));
    assert!(mails.try_recv().is_err(), "one email");
    app.shutdown().await;
}
