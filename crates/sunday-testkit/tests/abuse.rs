//! Abuse: one tenant pushes at the documented bounds (the largest filters a query accepts,
//! floods of password guesses, the largest imports) while a second tenant keeps working. The
//! bounds hold, and the second tenant's requests keep answering, within a generous limit (a
//! debug build on a shared two-core CI box: the point is "not starved", not a speed goal —
//! those live in bench/).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use futures::future::join_all;
use serde_json::{json, Value};
use sunday_testkit::{board, column_id, expect_error, expect_json, Session, TestApp, PASSWORD};

/// The slowest answer the other tenant may get while the attack runs.
const PATIENCE: Duration = Duration::from_secs(5);

/// Runs `attack` while `victim` reads a page of their board over and over; returns the
/// attack's output and the victim's slowest answer (at least one request is made).
async fn while_other_tenant_works<T>(
    app: &TestApp,
    victim: &Session,
    victim_board: &str,
    attack: impl std::future::Future<Output = T>,
) -> (T, Duration) {
    let done = std::sync::atomic::AtomicBool::new(false);
    let probe = async {
        let mut slowest = Duration::ZERO;
        let mut n = 0;
        while n == 0 || !done.load(std::sync::atomic::Ordering::Relaxed) {
            let t = Instant::now();
            let r = app.get(&format!("/api/v1/boards/{victim_board}/items?limit=50"), &victim.token).send().await;
            assert_eq!(r.unwrap().status(), 200, "the other tenant's read failed");
            slowest = slowest.max(t.elapsed());
            n += 1;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        slowest
    };
    let attack = async {
        let out = attack.await;
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        out
    };
    tokio::join!(attack, probe)
}

async fn tenants(app: &TestApp, tag: &str) -> (Session, String, Session, String) {
    let attacker = app.signup(&format!("attacker-{tag}@abuse.example")).await;
    let victim = app.signup(&format!("victim-{tag}@abuse.example")).await;
    let ab = board(app, &attacker, Some("project_tracker")).await;
    let vb = board(app, &victim, None).await;
    (attacker, ab["id"].as_str().unwrap().to_owned(), victim, vb["id"].as_str().unwrap().to_owned())
}

/// The biggest filter a query takes, sent 32 at a time against a 4,000-item board; one node
/// or one value more is a `400`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_largest_filters_do_not_starve_another_tenant() {
    let app = TestApp::spawn(sunday_testkit::Backend::Sqlite).await;
    let (attacker, ab, victim, vb) = tenants(&app, "filter").await;
    for chunk in 0..4 {
        let items: Vec<Value> = (0..1_000).map(|i| json!({"name": format!("Task {chunk}-{i}")})).collect();
        let bulk = app.post(&format!("/api/v1/boards/{ab}/items/bulk"), &attacker.token, json!({"items": items}));
        expect_json(bulk.send().await.unwrap(), 201).await;
    }
    let b = expect_json(app.get(&format!("/api/v1/boards/{ab}"), &attacker.token).send().await.unwrap(), 200).await;
    let budget = column_id(&b, "Budget");
    let values: Vec<u32> = (0..500).collect();
    // 99 conditions under one group (100 nodes with it), each a 500-value list or a text scan.
    let conditions: Vec<Value> = (0..99)
        .map(|i| match i % 2 {
            0 => json!({"column": budget, "op": "none_of", "value": values}),
            _ => json!({"column": "name", "op": "contains", "value": format!("Task {i}")}),
        })
        .collect();
    let heavy = json!({"filter": {"or": [{"and": conditions}, {"column": "name", "op": "contains", "value": "Task"}]}});
    let query = format!("/api/v1/boards/{ab}/items/query");
    expect_json(app.post(&query, &attacker.token, heavy.clone()).send().await.unwrap(), 200).await;
    let (answers, slowest) = while_other_tenant_works(&app, &victim, &vb, async {
        let mut statuses = vec![];
        for _ in 0..4 {
            let round = (0..32).map(|_| app.post(&query, &attacker.token, heavy.clone()).send());
            statuses.extend(join_all(round).await.into_iter().map(|r| r.unwrap().status().as_u16()));
        }
        statuses
    })
    .await;
    assert!(answers.iter().all(|s| *s == 200), "{answers:?}");
    eprintln!("the other tenant's slowest answer: {slowest:?}");
    assert!(slowest < PATIENCE, "the other tenant waited {slowest:?}");

    let too_many: Vec<u32> = (0..501).collect();
    let over = json!({"filter": {"column": budget, "op": "any_of", "value": too_many}});
    expect_error(app.post(&query, &attacker.token, over).send().await.unwrap(), 400, "validation_failed").await;
    let nodes: Vec<Value> =
        (0..201).map(|i| json!({"and": [{"column": "name", "op": "eq", "value": format!("{i}")}]})).collect();
    let over = json!({"filter": {"or": nodes}});
    expect_error(app.post(&query, &attacker.token, over).send().await.unwrap(), 400, "validation_failed").await;
}

/// Fifty concurrent wrong guesses on one account: five are checked, the rest throttled
/// before any hashing, and the other tenant does not notice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guessing_flood_does_not_starve_another_tenant() {
    let app = TestApp::spawn(sunday_testkit::Backend::Sqlite).await;
    let (attacker, _, victim, vb) = tenants(&app, "guess").await;
    let (statuses, slowest) = while_other_tenant_works(&app, &victim, &vb, async {
        let guesses = (0..50).map(|i| {
            let body = json!({"email": attacker.email, "password": format!("wrong-guess-{i}")});
            app.client().post(app.url("/api/v1/auth/login")).json(&body).send()
        });
        join_all(guesses).await.into_iter().map(|r| r.unwrap().status().as_u16()).collect::<Vec<_>>()
    })
    .await;
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 45, "{statuses:?}");
    eprintln!("the other tenant's slowest answer: {slowest:?}");
    assert!(slowest < PATIENCE, "the other tenant waited {slowest:?}");
    // The real password is throttled too until the window passes: guessing cannot go on.
    let body = json!({"email": attacker.email, "password": PASSWORD});
    let r = app.client().post(app.url("/api/v1/auth/login")).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 429);
}

/// A 20,000-row import (in batches) while the other tenant keeps writing: both finish, and
/// the other tenant's writes are never held for the length of the import.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_import_does_not_starve_another_tenant() {
    let app = TestApp::spawn(sunday_testkit::Backend::Sqlite).await;
    let (attacker, ab, victim, vb) = tenants(&app, "import").await;
    let mut csv = String::from("Name,Notes\n");
    for i in 0..20_000 {
        csv.push_str(&format!("Row {i},{}\n", "x".repeat(40)));
    }
    let import = app.post(&format!("/api/v1/boards/{ab}/import"), &attacker.token, json!({"csv": csv}));
    let writes = async {
        let mut slowest = Duration::ZERO;
        for i in 0..40 {
            let t = Instant::now();
            let r =
                app.post(&format!("/api/v1/boards/{vb}/items"), &victim.token, json!({"name": format!("Mine {i}")}));
            assert_eq!(r.send().await.unwrap().status(), 201);
            slowest = slowest.max(t.elapsed());
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        slowest
    };
    let (report, slowest) = tokio::join!(async { expect_json(import.send().await.unwrap(), 200).await }, writes);
    assert_eq!(report["imported"], 20_000);
    eprintln!("the other tenant's slowest write: {slowest:?}");
    assert!(slowest < PATIENCE, "the other tenant's write waited {slowest:?}");
    // A cell over its limit is refused whole, naming the column; nothing is written.
    let b = expect_json(app.get(&format!("/api/v1/boards/{ab}"), &attacker.token).send().await.unwrap(), 200).await;
    let notes = b["columns"].as_array().unwrap().iter().find(|c| c["type"] == "text").unwrap()["id"].clone();
    let big = json!({"name": "Big", "values": {notes.as_str().unwrap(): "y".repeat(2_001)}});
    let r = app.post(&format!("/api/v1/boards/{ab}/items"), &attacker.token, big).send().await.unwrap();
    let err = expect_error(r, 400, "validation_failed").await;
    assert_eq!(err["details"]["rule"], "max_length", "{err}");
}
