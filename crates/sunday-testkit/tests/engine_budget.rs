//! The board engine's memory budget through the API: boards beyond it are evicted (least
//! recently used first), an evicted board answers correctly when asked again, a board larger
//! than the whole budget is still served, and concurrent loads keep to the budget. A node
//! holding many boards finds an item by id on any of them, not only on those used last.
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

/// The engine probes only the boards used last for an item asked for by id; an item of
/// another loaded board is found through the store's index and still read, edited and
/// archived correctly, on both stores.
#[tokio::test]
async fn items_of_boards_not_used_lately_are_read_and_edited_by_id() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = TestApp::spawn(backend).await;
        let u = app.signup("many@example.com").await;
        // More boards than the engine probes (8), each loaded by its bulk create.
        let mut boards = vec![];
        for n in 0..12 {
            let bid = filled_board(&app, &u, &format!("board{n}"), 3).await;
            boards.push(bid);
        }
        assert_eq!(gauge(&app, "board_engine_boards").await, 12.0);
        for (n, bid) in boards.iter().enumerate() {
            let page =
                expect_json(app.get(&format!("/api/v1/boards/{bid}/items"), &u.token).send().await.unwrap(), 200).await;
            let first = page["data"][0]["id"].as_str().unwrap().to_owned();
            let path = format!("/api/v1/items/{first}");
            let got = expect_json(app.get(&path, &u.token).send().await.unwrap(), 200).await;
            assert_eq!(got["board_id"], bid.as_str());
            assert_eq!(got["name"], format!("board{n} 0"));
            let renamed = json!({"name": format!("renamed {n}")});
            expect_json(app.patch(&path, &u.token, renamed).send().await.unwrap(), 200).await;
            // Read back while eleven other boards were used since this one.
            let later = boards[(n + 1) % boards.len()].clone();
            expect_json(app.get(&format!("/api/v1/boards/{later}/items"), &u.token).send().await.unwrap(), 200).await;
            let got = expect_json(app.get(&path, &u.token).send().await.unwrap(), 200).await;
            assert_eq!(got["name"], format!("renamed {n}"));
        }
        // An archived item is read from the store as before.
        let page =
            expect_json(app.get(&format!("/api/v1/boards/{}/items", boards[0]), &u.token).send().await.unwrap(), 200)
                .await;
        let gone = page["data"][1]["id"].as_str().unwrap().to_owned();
        let r = app.delete(&format!("/api/v1/items/{gone}"), &u.token).send().await.unwrap();
        assert!(r.status().is_success(), "{}", r.status());
        for bid in &boards[1..] {
            expect_json(app.get(&format!("/api/v1/boards/{bid}/items"), &u.token).send().await.unwrap(), 200).await;
        }
        let got = expect_json(app.get(&format!("/api/v1/items/{gone}"), &u.token).send().await.unwrap(), 200).await;
        assert_eq!(got["archived"], true);
        // Someone without access to the boards finds none of their items.
        let other = app.signup("stranger@example.com").await;
        let r = app
            .get(&format!("/api/v1/items/{}", page["data"][0]["id"].as_str().unwrap()), &other.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
    }
}
