//! Incremental formula values equal a from-scratch recomputation: random sequences of writes
//! through the API (creates, edits, renames, expression changes, archive and restore,
//! duplicates), on both stores, then every live item's formula cells compared with what the
//! domain computes from the board's columns and the item's other cells.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rand::{rngs::StdRng, Rng, SeedableRng};
use serde_json::{json, Value};
use sunday_domain::formula::BoardFormulas;
use sunday_testkit::{backend_tests, board, expect_json, Session, TestApp};
use sunday_types::boards::{Column, Item};

backend_tests!(incremental_values_equal_a_recomputation);

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn column(app: &TestApp, u: &Session, board: &str, title: &str, ty: &str, settings: Value) -> String {
    let body = json!({"title": title, "type": ty, "settings": settings});
    id(&expect_json(app.post(&format!("/api/v1/boards/{board}/columns"), &u.token, body).send().await.unwrap(), 201)
        .await)
}

fn random_value(rng: &mut StdRng, kind: &str) -> Value {
    if rng.gen_bool(0.15) {
        return Value::Null;
    }
    match kind {
        "number" => json!(rng.gen_range(-50..200)),
        "text" => json!(["alpha", "beta", "", "Gamma ray"][rng.gen_range(0..4)]),
        _ => json!(format!("2026-{:02}-{:02}", rng.gen_range(1..13), rng.gen_range(1..29))),
    }
}

async fn incremental_values_equal_a_recomputation(app: TestApp) {
    let u = app.signup("oracle@example.com").await;
    for seed in [7u64, 42] {
        let mut rng = StdRng::seed_from_u64(seed);
        let b = board(&app, &u, None).await;
        let bid = id(&b);
        let inputs = [
            (column(&app, &u, &bid, "Price", "number", json!({})).await, "number"),
            (column(&app, &u, &bid, "Qty", "number", json!({})).await, "number"),
            (column(&app, &u, &bid, "Note", "text", json!({})).await, "text"),
            (column(&app, &u, &bid, "Due", "date", json!({})).await, "date"),
        ];
        let total = column(&app, &u, &bid, "Total", "formula", json!({"expression": "{Price} * {Qty}"})).await;
        column(&app, &u, &bid, "Label", "formula", json!({"expression": r#"UPPER({Note}) & "-" & {Total}"#})).await;
        column(&app, &u, &bid, "Late", "formula", json!({"expression": r#"IF({Due} < DATE(2026, 6, 1), "late", "")"#}))
            .await;
        column(&app, &u, &bid, "Span", "formula", json!({"expression": "DAYS({Due}, DATE(2026, 1, 1)) + {Qty}"})).await;
        let mut price_title = "Price";
        let (mut live, mut archived): (Vec<String>, Vec<String>) = (vec![], vec![]);
        for step in 0..70 {
            let roll = rng.gen_range(0..100);
            if live.is_empty() || roll < 30 {
                let mut values = serde_json::Map::new();
                for (c, kind) in &inputs {
                    values.insert(c.clone(), random_value(&mut rng, kind));
                }
                let body = json!({"name": format!("item {step}"), "values": values});
                let r = app.post(&format!("/api/v1/boards/{bid}/items"), &u.token, body).send().await.unwrap();
                live.push(id(&expect_json(r, 201).await));
            } else if roll < 65 {
                let item = &live[rng.gen_range(0..live.len())];
                let (c, kind) = &inputs[rng.gen_range(0..inputs.len())];
                let body = json!({"values": {c.clone(): random_value(&mut rng, kind)}});
                expect_json(app.patch(&format!("/api/v1/items/{item}"), &u.token, body).send().await.unwrap(), 200)
                    .await;
            } else if roll < 70 {
                price_title = if price_title == "Price" { "Cost" } else { "Price" };
                let r = app.patch(
                    &format!("/api/v1/boards/{bid}/columns/{}", inputs[0].0),
                    &u.token,
                    json!({"title": price_title}),
                );
                expect_json(r.send().await.unwrap(), 200).await;
            } else if roll < 78 {
                let expressions = ["{P} * {Qty}", "{P} + {Qty}", "ROUND({P} / MAX({Qty}, 1), 2)", "{P} / {Qty}"];
                let e = expressions[rng.gen_range(0..expressions.len())].replace("{P}", &format!("{{{price_title}}}"));
                let r = app.patch(
                    &format!("/api/v1/boards/{bid}/columns/{total}"),
                    &u.token,
                    json!({"settings": {"expression": e}}),
                );
                expect_json(r.send().await.unwrap(), 200).await;
            } else if roll < 85 {
                let item = live.swap_remove(rng.gen_range(0..live.len()));
                let r = app.delete(&format!("/api/v1/items/{item}"), &u.token).send().await.unwrap();
                assert!(r.status().is_success(), "archive: {}", r.status());
                archived.push(item);
            } else if roll < 92 && !archived.is_empty() {
                let item = archived.swap_remove(rng.gen_range(0..archived.len()));
                let r = app.post(&format!("/api/v1/items/{item}/restore"), &u.token, json!({})).send().await.unwrap();
                assert!(r.status().is_success(), "restore: {}", r.status());
                live.push(item);
            } else {
                let item = &live[rng.gen_range(0..live.len())];
                let r = app.post(&format!("/api/v1/items/{item}/duplicate"), &u.token, json!({})).send().await.unwrap();
                live.push(id(&expect_json(r, 201).await));
            }
        }
        // The oracle: the board's columns and items as the API serves them, computed afresh.
        let board_now =
            expect_json(app.get(&format!("/api/v1/boards/{bid}"), &u.token).send().await.unwrap(), 200).await;
        let columns: Vec<Column> = serde_json::from_value(board_now["columns"].clone()).unwrap();
        let formulas = BoardFormulas::compile(&columns, None).expect("the stored formulas compile");
        let page =
            expect_json(app.get(&format!("/api/v1/boards/{bid}/items?limit=500"), &u.token).send().await.unwrap(), 200)
                .await;
        let items: Vec<Item> = serde_json::from_value(page["data"].clone()).unwrap();
        assert_eq!(items.len(), live.len());
        let today = chrono::Utc::now().date_naive();
        for item in items {
            let mut fresh = item.clone();
            let changes = formulas.apply(&mut fresh, today);
            assert!(
                changes.is_empty(),
                "seed {seed}, item {}: stored {:?}, recomputed {changes:?}",
                item.name,
                item.values
            );
        }
    }
}
