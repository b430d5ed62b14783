//! The board engine's memory budget through the API: boards beyond it are evicted (least
//! recently used first), an evicted board answers correctly when asked again, a board larger
//! than the whole budget is still served, and concurrent loads keep to the budget.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use sunday_testkit::{board, expect_json, Backend, Session, TestApp};

/// The value of one `/metrics` gauge.
async fn gauge(app: &TestApp, name: &str) -> f64 {
    let text = app.client().get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.trim().parse().ok()))
        .unwrap_or_else(|| panic!("no {name} in /metrics"))
}

/// A board with `n` items named `prefix 0…`.
async fn filled_board(app: &TestApp, u: &Session, prefix: &str, n: usize) -> String {
    let b = board(app, u, None).await;
    let bid = b["id"].as_str().unwrap().to_owned();
    for chunk in 0..n.div_ceil(1000) {
        let items: Vec<Value> =
            (chunk * 1000..((chunk + 1) * 1000).min(n)).map(|i| json!({"name": format!("{prefix} {i}")})).collect();
        let url = format!("/api/v1/boards/{bid}/items/bulk");
        expect_json(app.post(&url, &u.token, json!({"items": items})).send().await.unwrap(), 201).await;
    }
    bid
}

async fn count(app: &TestApp, u: &Session, bid: &str, needle: &str) -> u64 {
    let body = json!({"filter": {"column": "name", "op": "contains", "value": needle}, "limit": 1});
    let r = app.post(&format!("/api/v1/boards/{bid}/items/query"), &u.token, body).send().await.unwrap();
    expect_json(r, 200).await["total"].as_u64().unwrap()
}

#[tokio::test]
async fn boards_beyond_the_budget_are_evicted_and_still_answer() {
    // 1 MiB holds one of these 5,000-item boards at most.
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.engine.memory_mib = 1).await;
    let u = app.signup("budget@example.com").await;
    let a = filled_board(&app, &u, "alpha", 5000).await;
    let b = filled_board(&app, &u, "beta", 5000).await;
    assert_eq!(count(&app, &u, &a, "alpha").await, 5000);
    let one_board = gauge(&app, "board_engine_bytes").await;
    assert!(one_board > 1_048_576.0, "a 5,000-item board is estimated above 1 MiB: {one_board}");
    assert_eq!(count(&app, &u, &b, "beta").await, 5000, "a board larger than the budget is still served");
    assert_eq!(gauge(&app, "board_engine_boards").await, 1.0, "loading beta evicted alpha");
    assert_eq!(gauge(&app, "board_engine_items").await, 5000.0);
    assert_eq!(count(&app, &u, &a, "alpha 12").await, 111, "alpha is loaded again and answers");
    assert_eq!(gauge(&app, "board_engine_boards").await, 1.0);

    // Four boards asked for at once: every answer is right and at most one board stays.
    let c = filled_board(&app, &u, "gamma", 5000).await;
    let d = filled_board(&app, &u, "delta", 5000).await;
    let asks = [(&a, "alpha"), (&b, "beta"), (&c, "gamma"), (&d, "delta")]
        .into_iter()
        .flat_map(|(bid, name)| (0..3).map(move |_| (bid.clone(), name)))
        .map(|(bid, name)| {
            let (app, u) = (&app, &u);
            async move { count(app, u, &bid, name).await }
        });
    let totals = futures::future::join_all(asks).await;
    assert!(totals.iter().all(|t| *t == 5000), "{totals:?}");
    assert_eq!(gauge(&app, "board_engine_boards").await, 1.0);
}
