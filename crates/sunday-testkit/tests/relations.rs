//! Board relations and mirrors through the API, on both stores: a two-way relation creates
//! its column on the linked board and keeps both sides linked; mirrors show and roll up the
//! linked items' values and follow their changes; archiving a linked item drops the link and
//! restoring brings it back; bad settings and values are refused; a reader who cannot see the
//! linked board reads neither the links nor the mirrors, and cannot filter by them. Subitems
//! nest down to the configured depth, roll up into their parent and export with it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use serde_json::{json, Value};
use sunday_testkit::{backend_tests, board, expect_error, expect_json, until_cell, Session, TestApp};

/// What a reader who cannot see every linked board reads.
#[path = "relations/visibility.rs"]
mod visibility;

backend_tests!(
    relations_link_both_ways_and_mirrors_follow,
    subitems_nest_roll_up_and_export,
    forced_deletes_turn_dependents_into_errors,
    a_copy_keeps_its_subitems_and_connections
);

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn item(app: &TestApp, u: &Session, item: &str) -> Value {
    expect_json(app.get(&format!("/api/v1/items/{item}"), &u.token).send().await.unwrap(), 200).await
}

/// Waits until `item`'s cell in `column` is `want`, as `u` reads it ([`until_cell`]).
async fn until(app: &TestApp, u: &Session, it: &str, column: &str, want: Value) {
    until_cell(app, &u.token, it, column, want).await
}

async fn column(app: &TestApp, u: &Session, board: &str, body: Value) -> Value {
    expect_json(app.post(&format!("/api/v1/boards/{board}/columns"), &u.token, body).send().await.unwrap(), 201).await
}

async fn create(app: &TestApp, u: &Session, board: &str, name: &str, values: Value) -> String {
    let body = json!({"name": name, "values": values});
    id(&expect_json(app.post(&format!("/api/v1/boards/{board}/items"), &u.token, body).send().await.unwrap(), 201)
        .await)
}

struct Linked {
    projects: String,
    clients: String,
    relation: String,
    reverse: String,
    budget: String,
    total: String,
}

/// Clients (Budget, Stage) and Projects linked to them, with mirrors over the link.
async fn linked_boards(app: &TestApp, u: &Session) -> Linked {
    let clients = id(&board(app, u, None).await);
    let projects = id(&board(app, u, None).await);
    let budget = id(&column(app, u, &clients, json!({"title": "Budget", "type": "number"})).await);
    let rel = column(
        app,
        u,
        &projects,
        json!({"title": "Client", "type": "board_relation", "settings": {"board_ids": [clients]}}),
    )
    .await;
    let reverse = rel["settings"]["reverse_column_id"].as_str().expect("two-way by default").to_owned();
    let relation = id(&rel);
    let total = column(
        app,
        u,
        &projects,
        json!({"title": "Total budget", "type": "mirror",
            "settings": {"relation_column_id": relation, "column_id": budget, "function": "sum"}}),
    )
    .await;
    Linked { projects, clients, relation, reverse, budget, total: id(&total) }
}

async fn relations_link_both_ways_and_mirrors_follow(app: TestApp) {
    let u = app.signup("relations@example.com").await;
    let l = linked_boards(&app, &u).await;
    // The linked board has the column showing the links back.
    let clients =
        expect_json(app.get(&format!("/api/v1/boards/{}", l.clients), &u.token).send().await.unwrap(), 200).await;
    let back = clients["columns"].as_array().unwrap().iter().find(|c| c["id"] == l.reverse.as_str()).cloned();
    let back = back.expect("the reverse column is on the linked board");
    assert_eq!(back["type"], "board_relation");
    assert_eq!(back["settings"]["board_ids"], json!([l.projects]));
    assert_eq!(back["settings"]["reverse_column_id"], l.relation.as_str());
    let stage = id(&column(&app, &u, &l.clients, json!({"title": "Stage", "type": "status"})).await);
    let done = column(
        &app,
        &u,
        &l.projects,
        json!({"title": "Done", "type": "mirror",
            "settings": {"relation_column_id": l.relation, "column_id": stage, "function": "percent_done"}}),
    )
    .await;
    let names = column(
        &app,
        &u,
        &l.projects,
        json!({"title": "Clients", "type": "mirror", "settings": {"relation_column_id": l.relation}}),
    )
    .await;
    let (done, names) = (id(&done), id(&names));
    let acme = create(&app, &u, &l.clients, "Acme", json!({l.budget.clone(): 100, stage.clone(): "l3"})).await;
    let initech = create(&app, &u, &l.clients, "Initech", json!({l.budget.clone(): 50, stage.clone(): "l2"})).await;
    let p = create(&app, &u, &l.projects, "Launch", json!({l.relation.clone(): [acme, initech]})).await;
    until(&app, &u, &p, &l.total, json!(150)).await;
    until(&app, &u, &p, &done, json!(50)).await;
    until(&app, &u, &p, &names, json!("Acme, Initech")).await;
    until(&app, &u, &acme, &l.reverse, json!({"item_ids": [p]})).await;
    until(&app, &u, &initech, &l.reverse, json!({"item_ids": [p]})).await;
    // A linked item's change reaches the mirrors; filters read mirror values.
    let patch = |it: &str, body: Value| app.patch(&format!("/api/v1/items/{it}"), &u.token, body);
    expect_json(patch(&initech, json!({"values": {l.budget.clone(): 70}})).send().await.unwrap(), 200).await;
    until(&app, &u, &p, &l.total, json!(170)).await;
    let q = json!({"filter": {"column": l.total, "op": "gt", "value": 160}});
    let found = expect_json(
        app.post(&format!("/api/v1/boards/{}/items/query", l.projects), &u.token, q).send().await.unwrap(),
        200,
    )
    .await;
    assert_eq!(found["total"], 1, "{found}");
    // Unlinking from the other side unlinks this side too.
    expect_json(patch(&initech, json!({"values": {l.reverse.clone(): null}})).send().await.unwrap(), 200).await;
    until(&app, &u, &p, &l.relation, json!({"item_ids": [acme]})).await;
    until(&app, &u, &p, &l.total, json!(100)).await;
    // Archiving a linked item drops the link; restoring it brings it back.
    expect_json(patch(&p, json!({"values": {l.relation.clone(): [acme, initech]}})).send().await.unwrap(), 200).await;
    until(&app, &u, &p, &l.total, json!(170)).await;
    // Linked both ways first: restoring brings back the links the restored item's own cell
    // names (docs/relations.md, Limits).
    until(&app, &u, &acme, &l.reverse, json!({"item_ids": [p]})).await;
    let r = app.delete(&format!("/api/v1/items/{acme}"), &u.token).send().await.unwrap();
    assert_eq!(r.status(), 204);
    until(&app, &u, &p, &l.relation, json!({"item_ids": [initech]})).await;
    until(&app, &u, &p, &l.total, json!(70)).await;
    expect_json(app.post(&format!("/api/v1/items/{acme}/restore"), &u.token, json!({})).send().await.unwrap(), 200)
        .await;
    until(&app, &u, &p, &l.total, json!(170)).await;
    // Bad values and settings are refused, naming the rule.
    let e = expect_error(
        patch(&p, json!({"values": {l.relation.clone(): ["01900000-0000-7000-8000-000000000000"]}}))
            .send()
            .await
            .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(e["details"]["rule"], "unknown_item", "{e}");
    let e = expect_error(
        patch(&p, json!({"values": {l.total.clone(): 5}})).send().await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(e["details"]["rule"], "read_only", "{e}");
    for (settings, rule) in [
        (json!({"relation_column_id": l.relation, "column_id": stage, "function": "sum"}), "function_not_applicable"),
        (json!({"relation_column_id": l.total, "column_id": stage}), "not_a_relation_column"),
        (json!({"relation_column_id": l.relation, "column_id": l.relation}), "unknown_column"),
    ] {
        let body = json!({"title": "Bad", "type": "mirror", "settings": settings});
        let r = app.post(&format!("/api/v1/boards/{}/columns", l.projects), &u.token, body).send().await.unwrap();
        let e = expect_error(r, 400, "validation_failed").await;
        assert_eq!(e["details"]["rule"], rule, "{e}");
    }
    let r =
        app.delete(&format!("/api/v1/boards/{}/columns/{}", l.projects, l.relation), &u.token).send().await.unwrap();
    let e = expect_error(r, 400, "validation_failed").await;
    assert_eq!(e["details"]["rule"], "used_by_mirror", "{e}");
    // A mirror never reads what a mirror computes, even through a formula: the clients mirror
    // their projects' names and shout them; the projects may not mirror that back.
    column(
        &app,
        &u,
        &l.clients,
        json!({"title": "Projects named", "type": "mirror", "settings": {"relation_column_id": l.reverse}}),
    )
    .await;
    let shout = column(
        &app,
        &u,
        &l.clients,
        json!({"title": "Shout", "type": "formula", "settings": {"expression": "UPPER({Projects named})"}}),
    )
    .await;
    let body = json!({"title": "Echo", "type": "mirror", "settings": {"relation_column_id": l.relation, "column_id": id(&shout)}});
    let r = app.post(&format!("/api/v1/boards/{}/columns", l.projects), &u.token, body).send().await.unwrap();
    let e = expect_error(r, 400, "validation_failed").await;
    assert_eq!(e["details"]["rule"], "mirror_of_mirror", "{e}");
    // A new mirror computes every linked item's value.
    let count = column(
        &app,
        &u,
        &l.projects,
        json!({"title": "How many", "type": "mirror", "settings": {"relation_column_id": l.relation, "function": "count"}}),
    )
    .await;
    until(&app, &u, &p, &id(&count), json!(2)).await;
    // Links survive a restart: they are ordinary cells.
    let mut app = app;
    app.restart(Duration::from_millis(10)).await;
    until(&app, &u, &p, &l.total, json!(170)).await;
    // Forced, the relation goes and its mirrors say why they compute nothing.
    let r = app.delete(&format!("/api/v1/boards/{}/columns/{}?force=true", l.projects, l.relation), &u.token);
    assert_eq!(r.send().await.unwrap().status(), 204);
    let cell = item(&app, &u, &p).await["values"][&l.total].clone();
    assert_eq!(cell["error"]["code"], "input_deleted", "{cell}");
    assert!(cell["error"]["message"].as_str().unwrap().contains("\"Client\""), "{cell}");
}

async fn forced_deletes_turn_dependents_into_errors(app: TestApp) {
    let u = app.signup("force@example.com").await;
    let bid = id(&board(&app, &u, None).await);
    let price = id(&column(&app, &u, &bid, json!({"title": "Price", "type": "number"})).await);
    let formula = |title: &str, expression: &str| json!({"title": title, "type": "formula", "settings": {"expression": expression}});
    let total = id(&column(&app, &u, &bid, formula("Total", "{Price} * 2")).await);
    let double = id(&column(&app, &u, &bid, formula("Double", "{Total} * 2")).await);
    let tl = id(&column(&app, &u, &bid, json!({"title": "When", "type": "timeline"})).await);
    let deps = id(&column(
        &app,
        &u,
        &bid,
        json!({"title": "After", "type": "dependency", "settings": {"date_column_id": tl}}),
    )
    .await);
    let it = create(&app, &u, &bid, "Chair", json!({price.clone(): 5})).await;
    assert_eq!(item(&app, &u, &it).await["values"][&double], json!(20));
    let delete =
        |col: &str, force: bool| app.delete(&format!("/api/v1/boards/{bid}/columns/{col}?force={force}"), &u.token);
    // Refused with the dependents named, unless forced.
    let e = expect_error(delete(&price, false).send().await.unwrap(), 400, "validation_failed").await;
    assert_eq!(e["details"]["rule"], "used_by_formula", "{e}");
    assert_eq!(e["details"]["dependents"][0]["title"], "Total", "{e}");
    let e = expect_error(delete(&tl, false).send().await.unwrap(), 400, "validation_failed").await;
    assert_eq!(e["details"]["rule"], "used_by_dependency", "{e}");
    assert_eq!(delete(&price, true).send().await.unwrap().status(), 204);
    assert_eq!(delete(&tl, true).send().await.unwrap().status(), 204);
    let values = item(&app, &u, &it).await["values"].clone();
    assert_eq!(values[&total]["error"]["code"], "input_deleted", "{values}");
    assert!(values[&total]["error"]["message"].as_str().unwrap().contains("\"Price\""), "{values}");
    assert_eq!(values[&double]["error"]["code"], "input_deleted", "a formula reading a broken one: {values}");
    let b = expect_json(app.get(&format!("/api/v1/boards/{bid}"), &u.token).send().await.unwrap(), 200).await;
    let settings =
        |col: &str| b["columns"].as_array().unwrap().iter().find(|c| c["id"] == col).unwrap()["settings"].clone();
    assert!(settings(&total)["broken"].is_string(), "{b}");
    assert_eq!(settings(&deps)["date_column_id"], Value::Null, "{b}");
    // Saving the expression again mends the formula, and the one reading it with it.
    let r =
        app.patch(&format!("/api/v1/boards/{bid}/columns/{total}"), &u.token, json!({"settings": {"expression": "3"}}));
    expect_json(r.send().await.unwrap(), 200).await;
    let values = item(&app, &u, &it).await["values"].clone();
    assert_eq!((values[&total].clone(), values[&double].clone()), (json!(3), json!(6)), "{values}");
}

/// A copy of a board takes its subitem boards (every level, their columns and items) and its
/// connections: a rollup of the copied subitems, a relation still linking to the other board,
/// two-way with a new column there showing the copy's links, and a mirror over it. The source
/// keeps its own, and deleting the copy takes only the copy's.
async fn a_copy_keeps_its_subitems_and_connections(app: TestApp) {
    let u = app.signup("copies@example.com").await;
    let l = linked_boards(&app, &u).await;
    let acme = create(&app, &u, &l.clients, "Acme", json!({l.budget.clone(): 100})).await;
    let launch = create(&app, &u, &l.projects, "Launch", json!({l.relation.clone(): [acme.clone()]})).await;
    until(&app, &u, &launch, &l.total, json!(100)).await;
    let sub = |parent: &str, name: &str| {
        let r = app.post(&format!("/api/v1/items/{parent}/subitems"), &u.token, json!({"name": name}));
        async move { id(&expect_json(r.send().await.unwrap(), 201).await) }
    };
    let get = |path: String| {
        let r = app.get(&path, &u.token);
        async move { expect_json(r.send().await.unwrap(), 200).await }
    };
    let design = sub(&launch, "Design").await;
    let level1 = get(format!("/api/v1/boards/{}", l.projects)).await["subitem_board_id"].as_str().unwrap().to_owned();
    let hours = id(&column(&app, &u, &level1, json!({"title": "Hours", "type": "number"})).await);
    let r = app.patch(&format!("/api/v1/items/{design}"), &u.token, json!({"values": {hours.clone(): 3}}));
    expect_json(r.send().await.unwrap(), 200).await;
    sub(&design, "Sketch").await;
    let rollup = json!({"title": "Hours", "type": "rollup", "settings": {"source": "subitems", "column_id": hours}});
    let rollup = id(&column(&app, &u, &l.projects, rollup).await);
    until(&app, &u, &launch, &rollup, json!(3)).await;

    let copy = app.post(&format!("/api/v1/boards/{}/duplicate", l.projects), &u.token, json!({"name": "Projects 2"}));
    let copy = expect_json(copy.send().await.unwrap(), 201).await;
    let cid = id(&copy);
    let col = |board: &Value, title: &str| {
        board["columns"].as_array().unwrap().iter().find(|c| c["title"] == title).cloned().unwrap_or(Value::Null)
    };
    let relation = col(&copy, "Client");
    assert_eq!(relation["settings"]["board_ids"], json!([l.clients]), "{relation}");
    let back = relation["settings"]["reverse_column_id"].as_str().expect("still two-way").to_owned();
    assert_ne!(back, l.reverse);
    let (total, hours_up) = (id(&col(&copy, "Total budget")), id(&col(&copy, "Hours")));
    let items = get(format!("/api/v1/boards/{cid}/items")).await;
    let launch2 = id(&items["data"][0]);
    assert_eq!(items["data"][0]["values"][id(&relation)], json!({"item_ids": [acme]}), "{items}");
    until(&app, &u, &launch2, &total, json!(100)).await;
    until(&app, &u, &launch2, &hours_up, json!(3)).await;
    // The other board shows the copy's links in a column named after it.
    let clients = get(format!("/api/v1/boards/{}", l.clients)).await;
    let theirs = col(&clients, "Projects 2");
    assert_eq!((theirs["id"].as_str(), &theirs["settings"]["board_ids"]), (Some(back.as_str()), &json!([cid])));
    until(&app, &u, &acme, &back, json!({"item_ids": [launch2]})).await;
    until(&app, &u, &acme, &l.reverse, json!({"item_ids": [launch]})).await;
    // Subitems two levels down, on the copy's own subitem boards, with their values.
    let sub1 = copy["subitem_board_id"].as_str().unwrap().to_owned();
    assert_ne!(sub1, level1);
    let hours2 = id(&col(&get(format!("/api/v1/boards/{sub1}")).await, "Hours"));
    let subs = get(format!("/api/v1/items/{launch2}/subitems")).await;
    assert_eq!(
        (&subs["data"][0]["name"], &subs["data"][0]["values"][&hours2]),
        (&json!("Design"), &json!(3)),
        "{subs}"
    );
    let design2 = id(&subs["data"][0]);
    assert_ne!(design2, design);
    assert_eq!(get(format!("/api/v1/items/{design2}/subitems")).await["data"][0]["name"], "Sketch");
    let log = get(format!("/api/v1/boards/{sub1}/activity")).await;
    let made = log["data"].as_array().unwrap().iter().find(|e| e["kind"] == "board_created").cloned();
    assert_eq!(made.expect("the copy's subitem board has its event")["payload"]["duplicated_from"], level1.as_str());
    // Deleting the copy takes its subitem boards, not the source's.
    assert_eq!(app.delete(&format!("/api/v1/boards/{cid}"), &u.token).send().await.unwrap().status(), 204);
    assert_eq!(app.get(&format!("/api/v1/boards/{sub1}"), &u.token).send().await.unwrap().status(), 404);
    assert_eq!(get(format!("/api/v1/items/{launch}/subitems")).await["data"][0]["id"], design.as_str());
    // A subitem board is copied only with its parent.
    let e = app.post(&format!("/api/v1/boards/{level1}/duplicate"), &u.token, json!({}));
    let e = expect_error(e.send().await.unwrap(), 400, "validation_failed").await;
    assert_eq!(e["details"]["rule"], "subitem_board", "{e}");
}

async fn subitems_nest_roll_up_and_export(app: TestApp) {
    let u = app.signup("subitems@example.com").await;
    let bid = id(&board(&app, &u, None).await);
    let top = create(&app, &u, &bid, "Launch", json!({})).await;
    let sub = |parent: &str, name: &str| {
        let r = app.post(&format!("/api/v1/items/{parent}/subitems"), &u.token, json!({"name": name}));
        async move { r.send().await.unwrap() }
    };
    let first = id(&expect_json(sub(&top, "Design").await, 201).await);
    let b = expect_json(app.get(&format!("/api/v1/boards/{bid}"), &u.token).send().await.unwrap(), 200).await;
    let level1 = b["subitem_board_id"].as_str().unwrap().to_owned();
    let hours = id(&column(&app, &u, &level1, json!({"title": "Hours", "type": "number"})).await);
    let patch = |it: &str, body: Value| app.patch(&format!("/api/v1/items/{it}"), &u.token, body);
    expect_json(patch(&first, json!({"values": {hours.clone(): 3}})).send().await.unwrap(), 200).await;
    let second = id(&expect_json(sub(&top, "Build").await, 201).await);
    expect_json(patch(&second, json!({"values": {hours.clone(): 4}})).send().await.unwrap(), 200).await;
    // Each item's live subitems are counted (for the rows and the group footers).
    let counts = |board: String| {
        let r = app.get(&format!("/api/v1/boards/{board}/subitem-counts"), &u.token);
        async move { expect_json(r.send().await.unwrap(), 200).await }
    };
    assert_eq!(counts(bid.clone()).await["data"], json!([{"item_id": top, "count": 2}]));
    assert_eq!(counts(level1.clone()).await["data"], json!([]), "no subitems of subitems yet");
    let r = app.delete(&format!("/api/v1/items/{second}"), &u.token).send().await.unwrap();
    assert_eq!(r.status(), 204, "archived");
    assert_eq!(counts(bid.clone()).await["data"], json!([{"item_id": top, "count": 1}]), "archived ones do not count");
    let r = app.post(&format!("/api/v1/items/{second}/restore"), &u.token, json!({})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let stranger = app.signup("subitems-stranger@example.com").await;
    let r = app.get(&format!("/api/v1/boards/{bid}/subitem-counts"), &stranger.token).send().await.unwrap();
    assert_eq!(r.status(), 404, "counts are as private as the board");
    // A rollup of the subitems' hours into their parent, kept current as they change.
    let total = column(
        &app,
        &u,
        &bid,
        json!({"title": "Hours", "type": "rollup", "settings": {"source": "subitems", "column_id": hours}}),
    )
    .await;
    let total = id(&total);
    until(&app, &u, &top, &total, json!(7)).await;
    expect_json(patch(&second, json!({"values": {hours.clone(): 10}})).send().await.unwrap(), 200).await;
    until(&app, &u, &top, &total, json!(13)).await;
    // Subitems of subitems, down to the default depth of five levels.
    let mut parent = first.clone();
    let mut chain = vec![];
    for level in 2..=5 {
        let next = id(&expect_json(sub(&parent, &format!("Level {level}")).await, 201).await);
        chain.push(next.clone());
        parent = next;
    }
    let e = expect_error(sub(&parent, "Too deep").await, 400, "validation_failed").await;
    assert_eq!(e["details"]["rule"], "max_depth", "{e}");
    let listed =
        expect_json(app.get(&format!("/api/v1/items/{first}/subitems"), &u.token).send().await.unwrap(), 200).await;
    assert_eq!(listed["data"][0]["name"], "Level 2", "{listed}");
    // The export lists each subitem after its parent, naming it.
    let csv = app.get(&format!("/api/v1/boards/{bid}/export"), &u.token).send().await.unwrap().text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("Name,Group") && lines[0].ends_with(",Parent"), "{csv}");
    let at = |name: &str| lines.iter().position(|l| l.starts_with(name)).unwrap_or_else(|| panic!("{name} in {csv}"));
    assert!(at("Launch") < at("Design") && at("Design") < at("Level 2") && at("Level 5") < at("Build"), "{csv}");
    assert!(lines[at("Level 2")].ends_with(",Design"), "{csv}");
    assert!(lines[at("Build")].contains(",10,") || lines[at("Build")].contains(",10.00,"), "{csv}");
    // An item linking to subitems two levels down, one of them under the item deleted next.
    let level2 = expect_json(app.get(&format!("/api/v1/boards/{level1}"), &u.token).send().await.unwrap(), 200).await;
    let level2 = level2["subitem_board_id"].as_str().unwrap().to_owned();
    let check = id(&expect_json(sub(&second, "Check").await, 201).await);
    let steps = json!({"title": "Steps", "type": "board_relation", "settings": {"board_ids": [level2]}});
    let steps = id(&column(&app, &u, &bid, steps).await);
    let review = create(&app, &u, &bid, "Review", json!({steps.clone(): [chain[0].clone(), check.clone()]})).await;
    until(&app, &u, &review, &steps, json!({"item_ids": [chain[0], check]})).await;
    // Deleting the top item deletes its subitems at every depth; the rollup of the rest follows,
    // and the link to a deleted subitem goes (its deletion is an event on its own board).
    let r = app.delete(&format!("/api/v1/items/{first}?permanent=true"), &u.token).send().await.unwrap();
    assert_eq!(r.status(), 204);
    for gone in chain.iter().chain([&first]) {
        let r = app.get(&format!("/api/v1/items/{gone}"), &u.token).send().await.unwrap();
        assert_eq!(r.status(), 404, "{gone} went with its parent");
    }
    until(&app, &u, &top, &total, json!(10)).await;
    until(&app, &u, &review, &steps, json!({"item_ids": [check]})).await;
}
