//! Formula columns through the API, on both stores: checked when saved (with the position of
//! the mistake), computed in the same commit as every write they read, stored so that
//! queries, sorts, exports, events and a restart all see them, and kept right through column
//! renames, retypes, deletions and formula changes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use sunday_testkit::{backend_tests, board, expect_error, expect_json, Session, TestApp};

backend_tests!(
    formulas_compute_with_every_write,
    formulas_are_checked_when_saved,
    automations_trigger_on_formula_changes,
    large_boards_recompute_in_the_background,
);

async fn column(app: &TestApp, u: &Session, board: &str, title: &str, ty: &str, settings: Value) -> Value {
    let body = json!({"title": title, "type": ty, "settings": settings});
    expect_json(app.post(&format!("/api/v1/boards/{board}/columns"), &u.token, body).send().await.unwrap(), 201).await
}

async fn create(app: &TestApp, u: &Session, board: &str, name: &str, values: Value) -> Value {
    let body = json!({"name": name, "values": values});
    expect_json(app.post(&format!("/api/v1/boards/{board}/items"), &u.token, body).send().await.unwrap(), 201).await
}

async fn item(app: &TestApp, u: &Session, id: &str) -> Value {
    expect_json(app.get(&format!("/api/v1/items/{id}"), &u.token).send().await.unwrap(), 200).await
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn formulas_compute_with_every_write(mut app: TestApp) {
    let u = app.signup("formulas@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = id(&b);
    let price = id(&column(&app, &u, &bid, "Price", "number", json!({})).await);
    let qty = id(&column(&app, &u, &bid, "Qty", "number", json!({})).await);
    let due = id(&column(&app, &u, &bid, "Due", "date", json!({})).await);
    // A board with items already: a new formula computes every one of them in its commit.
    let early = create(&app, &u, &bid, "Early", json!({price.clone(): 2, qty.clone(): 3})).await;
    let total = column(&app, &u, &bid, "Total", "formula", json!({"expression": "{Price} * {Qty}"})).await;
    assert_eq!(total["settings"], json!({"expression": "{Price} * {Qty}", "result": "number"}), "the type is inferred");
    let total = id(&total);
    assert_eq!(item(&app, &u, &id(&early)).await["values"][&total], json!(6));
    // Formulas of formulas, text over the item's name, dates.
    let label = id(&column(
        &app,
        &u,
        &bid,
        "Label",
        "formula",
        json!({"expression": r#"{Name} & ": " & IF({Total} > 10, "big", "small")"#}),
    )
    .await);
    let late =
        id(&column(&app, &u, &bid, "Late", "formula", json!({"expression": "DAYS(DATE(2026, 12, 31), {Due})"})).await);
    let a = create(&app, &u, &bid, "Alpha", json!({price.clone(): 5, qty.clone(): 4, due.clone(): "2026-12-01"})).await;
    assert_eq!(a["values"][&total], json!(20), "computed in the create's commit");
    assert_eq!(a["values"][&label], json!("Alpha: big"));
    assert_eq!(a["values"][&late], json!(30));
    let aid = id(&a);
    // An edit recomputes what reads it, in the same event.
    let patched = expect_json(
        app.patch(&format!("/api/v1/items/{aid}"), &u.token, json!({"name": "Alfa", "values": {qty.clone(): 1}}))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!((&patched["values"][&total], &patched["values"][&label]), (&json!(5), &json!("Alfa: small")));
    let activity =
        expect_json(app.get(&format!("/api/v1/items/{aid}/activity"), &u.token).send().await.unwrap(), 200).await;
    let updated = activity["data"].as_array().unwrap().iter().rfind(|e| e["kind"] == "item_updated").unwrap();
    let changes = updated["payload"]["changes"].as_array().cloned().unwrap();
    let changed: Vec<&str> = changes.iter().map(|c| c["column_id"].as_str().unwrap()).collect();
    assert!(changed.contains(&total.as_str()) && changed.contains(&label.as_str()), "{activity}");
    let t = changes.iter().find(|c| c["column_id"] == total.as_str()).unwrap();
    assert_eq!((&t["old"], &t["new"]), (&json!(20), &json!(5)), "the event says old and new");
    // No answer for one item is that cell's error value; it reads as empty and fails nothing.
    let ratio = id(&column(&app, &u, &bid, "Ratio", "formula", json!({"expression": "{Price} / {Qty}"})).await);
    let zero = create(&app, &u, &bid, "Zero", json!({price.clone(): 1, qty.clone(): 0})).await;
    assert_eq!(zero["values"][&ratio], json!({"error": {"code": "division_by_zero", "message": "division by zero"}}));
    let q = json!({"filter": {"column": ratio, "op": "is_empty"}});
    let found =
        expect_json(app.post(&format!("/api/v1/boards/{bid}/items/query"), &u.token, q).send().await.unwrap(), 200)
            .await;
    assert_eq!(found["data"][0]["name"], "Zero", "{found}");
    let r = app.delete(&format!("/api/v1/boards/{bid}/columns/{ratio}"), &u.token).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let r = app.delete(&format!("/api/v1/items/{}?permanent=true", id(&zero)), &u.token).send().await.unwrap();
    assert_eq!(r.status(), 204);
    // Clients cannot write a formula.
    let e = expect_error(
        app.patch(&format!("/api/v1/items/{aid}"), &u.token, json!({"values": {total.clone(): 3}}))
            .send()
            .await
            .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(e["details"]["rule"], "read_only");
    // Stored values filter and sort as numbers, and export as text.
    create(&app, &u, &bid, "Beta", json!({price.clone(): 10, qty.clone(): 10})).await;
    let q = json!({"filter": {"column": total, "op": "gt", "value": 5}, "sort": [{"column": total, "dir": "desc"}]});
    let found =
        expect_json(app.post(&format!("/api/v1/boards/{bid}/items/query"), &u.token, q).send().await.unwrap(), 200)
            .await;
    let names: Vec<&str> = found["data"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Beta", "Early"]);
    let csv = app.get(&format!("/api/v1/boards/{bid}/export"), &u.token).send().await.unwrap().text().await.unwrap();
    assert!(csv.lines().next().unwrap().contains("Total") && csv.contains("Beta: big"), "{csv}");
    // Changing the expression recomputes every item; a rename of an input follows into it.
    let r = app
        .patch(
            &format!("/api/v1/boards/{bid}/columns/{total}"),
            &u.token,
            json!({"settings": {"expression": "{Price} + {Qty}"}}),
        )
        .send()
        .await
        .unwrap();
    expect_json(r, 200).await;
    assert_eq!(item(&app, &u, &aid).await["values"][&total], json!(6));
    let r = app
        .patch(&format!("/api/v1/boards/{bid}/columns/{price}"), &u.token, json!({"title": "Cost"}))
        .send()
        .await
        .unwrap();
    expect_json(r, 200).await;
    let columns = expect_json(app.get(&format!("/api/v1/boards/{bid}"), &u.token).send().await.unwrap(), 200).await;
    let t = columns["columns"].as_array().unwrap().iter().find(|c| c["id"] == total.as_str()).unwrap().clone();
    assert_eq!(t["settings"]["expression"], "{Cost} + {Qty}");
    // Deleting an input of a formula is refused and changes nothing.
    let e = expect_error(
        app.delete(&format!("/api/v1/boards/{bid}/columns/{qty}"), &u.token).send().await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(e["details"]["rule"], "used_by_formula");
    let dependents: Vec<&str> =
        e["details"]["dependents"].as_array().unwrap().iter().map(|d| d["title"].as_str().unwrap()).collect();
    assert_eq!(dependents, ["Total"], "{e}");
    assert_eq!(item(&app, &u, &aid).await["values"][&qty], json!(1));
    // Stored: a restart serves the same values without computing anything.
    app.restart(std::time::Duration::from_millis(10)).await;
    let after = item(&app, &u, &aid).await;
    assert_eq!((&after["values"][&total], &after["values"][&label]), (&json!(6), &json!("Alfa: small")));
    // Deleting the formulas that read it, then it, works.
    for c in [&label, &total, &qty] {
        let r = app.delete(&format!("/api/v1/boards/{bid}/columns/{c}"), &u.token).send().await.unwrap();
        assert_eq!(r.status(), 204, "{}", r.text().await.unwrap());
    }
    assert!(item(&app, &u, &aid).await["values"].get(&total).is_none());
}

async fn formulas_are_checked_when_saved(app: TestApp) {
    let u = app.signup("checks@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = id(&b);
    column(&app, &u, &bid, "Price", "number", json!({})).await;
    column(&app, &u, &bid, "Note", "text", json!({})).await;
    let refused = |expression: &'static str| {
        let app = &app;
        let u = &u;
        let bid = bid.clone();
        async move {
            let body = json!({"title": "F", "type": "formula", "settings": {"expression": expression}});
            let r = app.post(&format!("/api/v1/boards/{bid}/columns"), &u.token, body).send().await.unwrap();
            let e = expect_error(r, 400, "validation_failed").await;
            assert_eq!(e["details"]["field"], "settings.expression", "{e}");
            (e["details"]["rule"].as_str().unwrap().to_owned(), e["details"]["position"].as_u64().unwrap())
        }
    };
    assert_eq!(refused("{Price} * ").await, ("unexpected_end".into(), 10));
    assert_eq!(refused("{Price} + {Nope}").await, ("unknown_column".into(), 10));
    assert_eq!(refused("{Price} + {Note}").await, ("type_mismatch".into(), 0));
    assert_eq!(refused("ROUND({Note})").await, ("type_mismatch".into(), 6));
    assert_eq!(refused("NOPE(1)").await, ("unknown_function".into(), 0));
    // A preview checks the same way and computes the first items without saving anything.
    let item = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items"), &u.token, json!({"name": "Only"})).send().await.unwrap(),
        201,
    )
    .await;
    let preview = |expression: &str| {
        app.post(&format!("/api/v1/boards/{bid}/formulas/preview"), &u.token, json!({"expression": expression}))
    };
    let p = expect_json(preview(r#"{Name} & "!""#).send().await.unwrap(), 200).await;
    assert_eq!(p["result"], "text");
    assert_eq!(p["items"], json!([{"item_id": item["id"], "name": "Only", "value": "Only!"}]));
    let e = expect_error(preview("{Price} *").send().await.unwrap(), 400, "validation_failed").await;
    assert_eq!(e["details"]["position"], 9);
    let board_now = expect_json(app.get(&format!("/api/v1/boards/{bid}"), &u.token).send().await.unwrap(), 200).await;
    assert!(!board_now["columns"].as_array().unwrap().iter().any(|c| c["title"] == "F"), "nothing was created");
    // Cycles are refused at the formula being saved.
    let a = id(&column(&app, &u, &bid, "A", "formula", json!({"expression": "{Price} + 1"})).await);
    column(&app, &u, &bid, "B", "formula", json!({"expression": "{A} * 2"})).await;
    let r = app
        .patch(&format!("/api/v1/boards/{bid}/columns/{a}"), &u.token, json!({"settings": {"expression": "{B} + 1"}}))
        .send()
        .await
        .unwrap();
    let e = expect_error(r, 400, "validation_failed").await;
    assert_eq!((e["details"]["rule"].as_str(), e["details"]["column_id"].as_str()), (Some("cycle"), Some(a.as_str())));
    // Retyping an input into something its formulas cannot read is refused, naming the formula.
    let price = sunday_testkit::column_id(&board_now, "Price");
    let r = app
        .patch(&format!("/api/v1/boards/{bid}/columns/{price}"), &u.token, json!({"type": "text"}))
        .send()
        .await
        .unwrap();
    let e = expect_error(r, 400, "validation_failed").await;
    assert!(e["message"].as_str().unwrap().contains("formula \"A\""), "{e}");
    // A formula that reads a text of a retyped column follows its new type.
    let r = app
        .patch(
            &format!("/api/v1/boards/{bid}/columns/{a}"),
            &u.token,
            json!({"settings": {"expression": "{Price} & \"\""}}),
        )
        .send()
        .await
        .unwrap();
    let e = expect_error(r, 400, "validation_failed").await;
    assert_eq!(
        e["details"]["column_id"],
        sunday_testkit::column_id(
            &expect_json(app.get(&format!("/api/v1/boards/{bid}"), &u.token).send().await.unwrap(), 200).await,
            "B"
        ),
        "B cannot double a text: {e}"
    );
}

/// A formula's change is an ordinary cell change in the event: "when Total changes to 50" runs.
async fn automations_trigger_on_formula_changes(app: TestApp) {
    let u = app.signup("formula-auto@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = id(&b);
    let qty = id(&column(&app, &u, &bid, "Qty", "number", json!({})).await);
    let total = id(&column(&app, &u, &bid, "Total", "formula", json!({"expression": "{Qty} * 10"})).await);
    let recipe = json!({"name": "Big", "trigger": {"type": "column_changed", "column_id": total, "to": 50}, "actions": [{"type": "archive"}]});
    expect_json(app.post(&format!("/api/v1/boards/{bid}/automations"), &u.token, recipe).send().await.unwrap(), 201)
        .await;
    let bad = json!({"name": "Bad", "trigger": {"type": "column_changed", "column_id": total, "to": "fifty"}, "actions": [{"type": "archive"}]});
    let e = expect_error(
        app.post(&format!("/api/v1/boards/{bid}/automations"), &u.token, bad).send().await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(e["details"]["field"], "trigger.to", "a formula's trigger value has its result's type: {e}");
    let small = create(&app, &u, &bid, "Small", json!({qty.clone(): 2})).await;
    let big = create(&app, &u, &bid, "Big", json!({qty.clone(): 1})).await;
    app.patch(&format!("/api/v1/items/{}", id(&big)), &u.token, json!({"values": {qty.clone(): 5}}))
        .send()
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !item(&app, &u, &id(&big)).await["archived"].as_bool().unwrap() {
        assert!(std::time::Instant::now() < deadline, "the automation archived the item");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(!item(&app, &u, &id(&small)).await["archived"].as_bool().unwrap());
}

/// Waits for the board's background recompute to end, having done `total` items.
async fn recomputed(app: &TestApp, u: &Session, bid: &str, total: u64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let p = expect_json(
            app.get(&format!("/api/v1/boards/{bid}/formulas/progress"), &u.token).send().await.unwrap(),
            200,
        )
        .await;
        if p["running"] == false && p["total"] == total {
            assert_eq!(p["done"], total, "{p}");
            return;
        }
        assert!(std::time::Instant::now() < deadline, "the recompute ends: {p}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// How many items of the board have no value in `column`.
async fn empty_in(app: &TestApp, u: &Session, bid: &str, column: &str) -> Value {
    let q = json!({"filter": {"column": column, "op": "is_empty"}, "limit": 1});
    expect_json(app.post(&format!("/api/v1/boards/{bid}/items/query"), &u.token, q).send().await.unwrap(), 200).await
        ["total"]
        .clone()
}

/// The `seq` of the board's newest event.
async fn head(app: &TestApp, u: &Session, bid: &str) -> Value {
    expect_json(app.get(&format!("/api/v1/boards/{bid}/activity?limit=1"), &u.token).send().await.unwrap(), 200).await
        ["data"][0]["seq"]
        .clone()
}

/// On a board larger than a commit should rewrite, a formula change commits at once and its
/// values follow in the background, in `items_computed` events by the formula actor, while
/// edits go on; every item ends with the right value. The values are kept beside the items
/// (their versions stay), and a restart reads them back from the store as they were.
async fn large_boards_recompute_in_the_background(mut app: TestApp) {
    let u = app.signup("formula-bg@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = id(&b);
    let qty = id(&column(&app, &u, &bid, "Qty", "number", json!({})).await);
    for chunk in 0..3 {
        let items: Vec<Value> =
            (0..1000).map(|i| json!({"name": format!("i{chunk}-{i}"), "values": {qty.clone(): i}})).collect();
        let r = app
            .post(&format!("/api/v1/boards/{bid}/items/bulk"), &u.token, json!({"items": items}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    }
    let firsts =
        expect_json(app.get(&format!("/api/v1/boards/{bid}/items?limit=3"), &u.token).send().await.unwrap(), 200).await;
    let (first, second, third) = (firsts["data"][0].clone(), firsts["data"][1].clone(), firsts["data"][2].clone());
    let total = id(&column(&app, &u, &bid, "Double", "formula", json!({"expression": "{Qty} * 2"})).await);
    // An edit while it runs computes its own item.
    let edited = expect_json(
        app.patch(&format!("/api/v1/items/{}", id(&first)), &u.token, json!({"values": {qty.clone(): 5000}}))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(edited["values"][&total], json!(10000));
    recomputed(&app, &u, &bid, 3000).await;
    assert_eq!(empty_in(&app, &u, &bid, &total).await, 0, "every item has its value");
    let q = json!({"filter": {"column": total, "op": "eq", "value": 1998}});
    let found =
        expect_json(app.post(&format!("/api/v1/boards/{bid}/items/query"), &u.token, q).send().await.unwrap(), 200)
            .await;
    assert_eq!(found["total"], 3, "{found}");
    assert_eq!(item(&app, &u, &id(&first)).await["values"][&total], json!(10000), "the edit's value stands");
    // The values came as `items_computed` events of up to 2,000 items each, by the formula actor.
    let log =
        expect_json(app.get(&format!("/api/v1/boards/{bid}/activity?limit=10"), &u.token).send().await.unwrap(), 200)
            .await;
    let computed: Vec<&Value> =
        log["data"].as_array().unwrap().iter().filter(|e| e["kind"] == "items_computed").collect();
    assert!(!computed.is_empty(), "{log}");
    let n: usize = computed.iter().map(|e| e["payload"]["items"].as_array().unwrap().len()).sum();
    assert!((2999..=3000).contains(&n), "every item but perhaps the edited one: {n}");
    for e in &computed {
        assert_eq!(e["actor"], "00000000-0000-7000-8000-0000a0700003", "the formula actor: {e}");
        assert!(e["item_id"].is_null(), "{e}");
    }
    let one = &computed[0]["payload"]["items"][0];
    assert_eq!(one["changes"][0]["column_id"], json!(total), "{one}");
    // A computed value leaves its item's version as it was.
    let now = item(&app, &u, &id(&second)).await;
    assert_eq!((&now["version"], &now["values"][&total]), (&second["version"], &json!(2)), "{now}");
    let logged =
        computed.iter().flat_map(|e| e["payload"]["items"].as_array().unwrap()).find(|i| i["item_id"] == second["id"]);
    assert_eq!(logged.unwrap()["version"], second["version"]);

    // A second formula at the same versions keeps the first one's values beside it; an item
    // edited afterwards carries both in its own row.
    let triple = id(&column(&app, &u, &bid, "Triple", "formula", json!({"expression": "{Qty} * 3"})).await);
    recomputed(&app, &u, &bid, 3000).await;
    let body = json!({"values": {qty.clone(): 7}});
    expect_json(app.patch(&format!("/api/v1/items/{}", id(&third)), &u.token, body).send().await.unwrap(), 200).await;
    let before = head(&app, &u, &bid).await;

    // What the store keeps: after a restart, the board is read back with every value, and
    // checking them (a board's first use) finds nothing to compute again.
    app.restart(std::time::Duration::from_millis(10)).await;
    assert_eq!(empty_in(&app, &u, &bid, &total).await, 0, "after a restart");
    assert_eq!(empty_in(&app, &u, &bid, &triple).await, 0, "after a restart");
    let after = item(&app, &u, &id(&second)).await;
    assert_eq!((&after["values"][&total], &after["values"][&triple]), (&json!(2), &json!(3)), "{after}");
    assert_eq!(after["version"], second["version"]);
    let after = item(&app, &u, &id(&third)).await;
    assert_eq!((&after["values"][&total], &after["values"][&triple]), (&json!(14), &json!(21)), "{after}");
    assert_eq!(item(&app, &u, &id(&first)).await["values"][&total], json!(10000));
    let csv = app.get(&format!("/api/v1/boards/{bid}/export"), &u.token).send().await.unwrap().text().await.unwrap();
    let name = second["name"].as_str().unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = csv.lines().find(|l| l.split(',').any(|c| c == name)).unwrap().split(',').collect();
    let at = |title: &str| row[header.iter().position(|h| *h == title).unwrap()];
    assert_eq!((at("Double"), at("Triple")), ("2", "3"), "{header:?} {row:?}");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while expect_json(app.get(&format!("/api/v1/boards/{bid}/formulas/progress"), &u.token).send().await.unwrap(), 200)
        .await["running"]
        == true
    {
        assert!(std::time::Instant::now() < deadline, "the check ends");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(head(&app, &u, &bid).await, before, "nothing was computed again");
}

/// The same edits on SQLite and on PostgreSQL leave the same formula values: computing them is
/// deterministic, whichever store (or node) does it.
#[tokio::test]
async fn both_stores_compute_the_same_values() {
    let mut seen = vec![];
    for backend in [sunday_testkit::Backend::Sqlite, sunday_testkit::Backend::Postgres] {
        let app = TestApp::spawn(backend).await;
        let u = app.signup("same@example.com").await;
        let b = board(&app, &u, Some("project_tracker")).await;
        let bid = id(&b);
        let exprs = [
            r#"IF({Budget} > 1000, "big", "small") & " " & UPPER(LEFT({Name}, 3))"#,
            "ROUND({Budget} / 7, 2) + LEN({Notes})",
            r#"FORMAT_DATE(ADD_DAYS(DATE(2026, 1, 31), {Budget} / 100), "MMM D, YYYY")"#,
            r#"SWITCH({Status}, "Done", 1, "Stuck", 2, 0) * 10 + WORKDAYS(DATE(2026, 3, 31), DATE(2026, 3, 1))"#,
        ];
        let mut formula_ids = vec![];
        for (i, e) in exprs.iter().enumerate() {
            formula_ids.push(id(&column(&app, &u, &bid, &format!("F{i}"), "formula", json!({"expression": e})).await));
        }
        let budget = sunday_testkit::column_id(&b, "Budget");
        let items =
            expect_json(app.get(&format!("/api/v1/boards/{bid}/items"), &u.token).send().await.unwrap(), 200).await;
        for (n, it) in items["data"].as_array().unwrap().iter().enumerate() {
            let body = json!({"values": {budget.clone(): 250 * n as i64 + 3}});
            expect_json(app.patch(&format!("/api/v1/items/{}", id(it)), &u.token, body).send().await.unwrap(), 200)
                .await;
        }
        let items =
            expect_json(app.get(&format!("/api/v1/boards/{bid}/items"), &u.token).send().await.unwrap(), 200).await;
        let mut values: Vec<(String, Vec<Value>)> = items["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (i["name"].as_str().unwrap().to_owned(), formula_ids.iter().map(|f| i["values"][f].clone()).collect())
            })
            .collect();
        values.sort_by(|a, b| a.0.cmp(&b.0));
        assert!(values.iter().all(|(_, v)| v.iter().all(|x| !x.is_null())), "{values:?}");
        seen.push(values);
    }
    assert_eq!(seen[0], seen[1], "SQLite and PostgreSQL agree");
}
