//! `Idempotency-Key` under concurrency, through the real HTTP API on both backends: identical
//! requests sent at the same moment do the work once and every one of them gets its response.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use sunday_testkit::{backend_tests, board, expect_json, TestApp};

backend_tests!(racing_duplicates_create_one_item);

async fn racing_duplicates_create_one_item(app: TestApp) {
    let u = app.signup("race@example.com").await;
    let b = board(&app, &u, None).await;
    let path = format!("/api/v1/boards/{}/items", b["id"].as_str().unwrap());
    const ROUNDS: usize = 4;
    const COPIES: usize = 6;
    for round in 0..ROUNDS {
        let key = format!("race-{round}");
        let sends = (0..COPIES).map(|_| {
            app.post(&path, &u.token, json!({"name": format!("Once {round}")})).header("idempotency-key", &key).send()
        });
        let mut bodies = vec![];
        for r in futures::future::join_all(sends).await {
            bodies.push(expect_json(r.unwrap(), 201).await);
        }
        let ids: Vec<&Value> = bodies.iter().map(|b| &b["id"]).collect();
        assert!(ids.iter().all(|id| *id == ids[0]), "every copy answers with the one item: {ids:?}");
    }
    let q = expect_json(app.post(&format!("{path}/query"), &u.token, json!({})).send().await.unwrap(), 200).await;
    assert_eq!(q["total"], ROUNDS, "each key did the work once");
}
