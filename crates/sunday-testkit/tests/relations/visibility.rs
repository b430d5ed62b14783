//! What a reader who cannot see every board a relation links to reads, on both stores: a
//! relation to boards they can see none of is hidden whole (with its mirrors and the formulas
//! over them); one reaching some boards they can see shows the links to those only, everywhere
//! items reach them (gets, pages, queries, archived items, CSV, the activity log, WebSocket
//! frames and replays), and their writes keep the links they cannot see.

use super::*;

backend_tests!(readers_who_cannot_see_the_linked_board_read_nothing, readers_see_the_links_to_boards_they_may_see);

async fn readers_who_cannot_see_the_linked_board_read_nothing(app: TestApp) {
    let owner = app.signup("rel-owner@example.com").await;
    let reader = app.signup("rel-reader@example.com").await;
    app.join(&owner, &reader, "member").await;
    let l = linked_boards(&app, &owner).await;
    let twice = id(&column(
        &app,
        &owner,
        &l.projects,
        json!({"title": "Twice", "type": "formula", "settings": {"expression": "{Total budget} * 2"}}),
    )
    .await);
    let acme = create(&app, &owner, &l.clients, "Acme", json!({l.budget.clone(): 100})).await;
    let p = create(&app, &owner, &l.projects, "Launch", json!({l.relation.clone(): [acme]})).await;
    until(&app, &owner, &p, &l.total, json!(100)).await;
    until(&app, &owner, &p, &twice, json!(200)).await;
    // Both boards are public: the reader sees the link, the mirror and the linked item's name.
    until(&app, &reader, &p, &l.total, json!(100)).await;
    let lookup = |who: &Session| app.get(&format!("/api/v1/items/lookup?ids={acme}"), &who.token);
    let seen = expect_json(lookup(&reader).send().await.unwrap(), 200).await;
    assert_eq!(seen["data"][0]["name"], "Acme", "{seen}");
    // The clients board turns private: the links, the mirror and the name are gone for them.
    let r = app.patch(&format!("/api/v1/boards/{}", l.clients), &owner.token, json!({"kind": "private"}));
    expect_json(r.send().await.unwrap(), 200).await;
    let theirs = item(&app, &reader, &p).await;
    for hidden in [&l.relation, &l.total, &twice] {
        assert!(theirs["values"].get(hidden).is_none(), "{hidden} (a formula of the mirror too): {theirs}");
    }
    // Nor in what their own write answers.
    let mine = app.patch(&format!("/api/v1/items/{p}"), &reader.token, json!({"name": "Launch!"}));
    let answer = expect_json(mine.send().await.unwrap(), 200).await;
    assert!(answer["values"].get(&l.total).is_none() && answer["values"].get(&twice).is_none(), "{answer}");
    let page =
        expect_json(app.get(&format!("/api/v1/boards/{}/items", l.projects), &reader.token).send().await.unwrap(), 200)
            .await;
    assert!(page["data"][0]["values"].get(&l.total).is_none(), "{page}");
    // Nor may analytics read those columns for them, by id or by title; other questions answer.
    for named in [l.total.as_str(), "Total budget"] {
        let q = json!({"board_ids": [l.projects], "metric": {"fn": "sum", "column_id": named}});
        let r = app.post("/api/v1/analytics/query", &reader.token, q);
        expect_error(r.send().await.unwrap(), 403, "forbidden").await;
    }
    let q = json!({"board_ids": [l.projects], "metric": {"fn": "count"}, "filter": {"column": l.relation, "op": "is_not_empty"}});
    expect_error(app.post("/api/v1/analytics/query", &reader.token, q).send().await.unwrap(), 403, "forbidden").await;
    let q = json!({"board_ids": [l.projects], "metric": {"fn": "count"}});
    expect_json(app.post("/api/v1/analytics/query", &reader.token, q).send().await.unwrap(), 200).await;
    assert_eq!(expect_json(lookup(&reader).send().await.unwrap(), 200).await["data"], json!([]));
    let q = json!({"filter": {"column": l.total, "op": "gt", "value": 50}});
    let r = app.post(&format!("/api/v1/boards/{}/items/query", l.projects), &reader.token, q.clone()).send().await;
    expect_error(r.unwrap(), 403, "forbidden").await;
    let mine = expect_json(
        app.post(&format!("/api/v1/boards/{}/items/query", l.projects), &owner.token, q).send().await.unwrap(),
        200,
    )
    .await;
    assert_eq!(mine["total"], 1, "the owner still filters by it: {mine}");
    // Live frames and the activity log carry none of it either: the mirror's new value reaches
    // the owner, and the reader's socket gets the change without the hidden cells.
    let mut ws = app.ws(&reader.token).await;
    ws.subscribe(&l.projects, Some(0)).await;
    let r = app.patch(&format!("/api/v1/items/{acme}"), &owner.token, json!({"values": {l.budget.clone(): 300}}));
    expect_json(r.send().await.unwrap(), 200).await;
    until(&app, &owner, &p, &l.total, json!(300)).await;
    let mut frames = vec![];
    while let Some(f) = ws.next_within(1.0).await {
        frames.push(f);
    }
    assert!(frames.iter().any(|f| f.to_string().contains("item_updated")), "the mirror's change is sent: {frames:?}");
    let log = expect_json(
        app.get(&format!("/api/v1/boards/{}/activity", l.projects), &reader.token).send().await.unwrap(),
        200,
    )
    .await;
    for hidden in [&l.total, &l.relation] {
        for f in &frames {
            assert!(!carries(f, hidden), "{hidden} leaked: {f}");
        }
        assert!(!carries(&log, hidden), "{hidden} leaked: {log}");
    }
    // Nor may they link to the items they cannot see.
    let e = expect_error(
        app.patch(&format!("/api/v1/items/{p}"), &reader.token, json!({"values": {l.relation.clone(): [acme]}}))
            .send()
            .await
            .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(e["details"]["rule"], "unknown_item", "{e}");
    // Nor unlink them: clearing the cell keeps the links they cannot see.
    let r = app.patch(&format!("/api/v1/items/{p}"), &reader.token, json!({"values": {l.relation.clone(): null}}));
    expect_json(r.send().await.unwrap(), 200).await;
    assert_eq!(item(&app, &owner, &p).await["values"][&l.relation], json!({"item_ids": [acme]}));
    // A copy they make leaves out what they could not see: the relation, its mirror, and the
    // formula reading the mirror is marked broken, with no values.
    let copy = app.post(&format!("/api/v1/boards/{}/duplicate", l.projects), &reader.token, json!({}));
    let copy = expect_json(copy.send().await.unwrap(), 201).await;
    let titles: Vec<&str> = copy["columns"].as_array().unwrap().iter().map(|c| c["title"].as_str().unwrap()).collect();
    assert!(!titles.contains(&"Client") && !titles.contains(&"Total budget"), "{titles:?}");
    let formula = copy["columns"].as_array().unwrap().iter().find(|c| c["title"] == "Twice").unwrap();
    assert!(formula["settings"]["broken"].as_str().unwrap().contains("Total budget"), "{formula}");
    let items = app.get(&format!("/api/v1/boards/{}/items", id(&copy)), &reader.token);
    let items = expect_json(items.send().await.unwrap(), 200).await;
    assert_eq!(items["data"][0]["name"], "Launch!", "{items}");
    assert!(items["data"][0]["values"].get(formula["id"].as_str().unwrap()).is_none(), "{items}");
    // Once the relation is deleted, the log still holds the cells it, its mirror and the
    // formula over them had: the reader reads none of them there, nor in a replay; the owner
    // reads them all.
    let r = app.delete(&format!("/api/v1/boards/{}/columns/{}?force=true", l.projects, l.relation), &owner.token);
    assert_eq!(r.send().await.unwrap().status(), 204);
    let log_of = |who: &Session| app.get(&format!("/api/v1/boards/{}/activity?limit=200", l.projects), &who.token);
    let theirs = expect_json(log_of(&reader).send().await.unwrap(), 200).await;
    let owners = expect_json(log_of(&owner).send().await.unwrap(), 200).await;
    let mut ws = app.ws(&reader.token).await;
    ws.subscribe(&l.projects, Some(0)).await;
    let mut replayed = vec![];
    while let Some(f) = ws.next_within(1.0).await {
        replayed.push(f);
    }
    assert!(replayed.iter().any(|f| f.to_string().contains("item_created")), "replayed: {replayed:?}");
    for hidden in [&l.relation, &l.total, &twice] {
        assert!(carries(&owners, hidden), "the owner reads {hidden} in the log: {owners}");
        assert!(!carries(&theirs, hidden), "{hidden} leaked after the delete: {theirs}");
        for f in &replayed {
            assert!(!carries(f, hidden), "{hidden} leaked in a replay: {f}");
        }
    }
}

/// A relation to two boards, one the reader may not see: they read the links to the other one
/// only, and never its mirror (its value counts the items they cannot see).
async fn readers_see_the_links_to_boards_they_may_see(app: TestApp) {
    let owner = app.signup("part-owner@example.com").await;
    let reader = app.signup("part-reader@example.com").await;
    app.join(&owner, &reader, "member").await;
    let clients = id(&board(&app, &owner, None).await);
    let vendors = id(&board(&app, &owner, None).await);
    let projects = id(&board(&app, &owner, None).await);
    let r = app.patch(&format!("/api/v1/boards/{vendors}"), &owner.token, json!({"kind": "private"}));
    expect_json(r.send().await.unwrap(), 200).await;
    let rel = json!({"title": "Partners", "type": "board_relation", "settings": {"board_ids": [clients, vendors]}});
    let relation = id(&column(&app, &owner, &projects, rel).await);
    let names = json!({"title": "Partner names", "type": "mirror",
        "settings": {"relation_column_id": relation, "function": "show"}});
    let names = id(&column(&app, &owner, &projects, names).await);
    let acme = create(&app, &owner, &clients, "Acme", json!({})).await;
    let globex = create(&app, &owner, &clients, "Globex", json!({})).await;
    let vendor = create(&app, &owner, &vendors, "Secret Vendor", json!({})).await;
    let p = create(&app, &owner, &projects, "Launch", json!({relation.clone(): [acme, vendor]})).await;
    until(&app, &owner, &p, &relation, json!({"item_ids": [acme, vendor]})).await;
    until(&app, &owner, &p, &names, json!("Acme, Secret Vendor")).await;

    // The reader reads the link they may see, and no mirror: in a get, a page, a query.
    let only_acme = json!({"item_ids": [acme]});
    let theirs = item(&app, &reader, &p).await;
    assert_eq!(theirs["values"][&relation], only_acme, "{theirs}");
    assert!(theirs["values"].get(&names).is_none(), "the mirror names the vendor: {theirs}");
    let page = app.get(&format!("/api/v1/boards/{projects}/items"), &reader.token);
    let page = expect_json(page.send().await.unwrap(), 200).await;
    assert_eq!(page["data"][0]["values"][&relation], only_acme, "{page}");
    let query =
        |who: &Session, body: Value| app.post(&format!("/api/v1/boards/{projects}/items/query"), &who.token, body);
    let q = expect_json(query(&reader, json!({})).send().await.unwrap(), 200).await;
    assert_eq!(q["data"][0]["values"][&relation], only_acme, "{q}");
    assert!(!q.to_string().contains(&vendor), "{q}");
    // Filtering by it would count the links left out: refused for them, not for the owner.
    let f = json!({"filter": {"column": relation, "op": "is_not_empty"}});
    expect_error(query(&reader, f.clone()).send().await.unwrap(), 403, "forbidden").await;
    assert_eq!(expect_json(query(&owner, f).send().await.unwrap(), 200).await["total"], 1);
    // So would sorting, grouping or splitting by it; a filter that only spells its id in a
    // value does not use it.
    for body in [
        json!({"sort": [{"column": relation, "dir": "desc"}]}),
        json!({"group_by": relation}),
        json!({"group_by": "group", "split_by": relation}),
    ] {
        expect_error(query(&reader, body).send().await.unwrap(), 403, "forbidden").await;
    }
    let spelled = json!({"filter": {"column": "name", "op": "contains", "value": relation}});
    assert_eq!(expect_json(query(&reader, spelled).send().await.unwrap(), 200).await["total"], 0);
    // The CSV export has the column with the link they may see.
    let export = |who: &Session| app.get(&format!("/api/v1/boards/{projects}/export"), &who.token);
    let csv = export(&reader).send().await.unwrap().text().await.unwrap();
    assert!(csv.contains("Partners") && !csv.contains("Partner names"), "{csv}");
    assert!(!csv.contains(&vendor) && !csv.contains("Secret Vendor"), "{csv}");
    let owners_csv = export(&owner).send().await.unwrap().text().await.unwrap();
    assert!(owners_csv.contains("Secret Vendor"), "the owner's export names the vendor: {owners_csv}");

    // Their write replaces the links they see and keeps the one they do not.
    let mut ws = app.ws(&reader.token).await;
    ws.subscribe(&projects, Some(0)).await;
    let r = app.patch(&format!("/api/v1/items/{p}"), &reader.token, json!({"values": {relation.clone(): [globex]}}));
    let answer = expect_json(r.send().await.unwrap(), 200).await;
    assert_eq!(answer["values"][&relation], json!({"item_ids": [globex]}), "{answer}");
    until(&app, &owner, &p, &relation, json!({"item_ids": [globex, vendor]})).await;
    until(&app, &owner, &p, &names, json!("Globex, Secret Vendor")).await;
    // Clearing it clears what they see.
    let r = app.patch(&format!("/api/v1/items/{p}"), &reader.token, json!({"values": {relation.clone(): null}}));
    let answer = expect_json(r.send().await.unwrap(), 200).await;
    assert!(answer["values"].get(&relation).is_none(), "{answer}");
    until(&app, &owner, &p, &relation, json!({"item_ids": [vendor]})).await;
    assert!(item(&app, &reader, &p).await["values"].get(&relation).is_none());
    // The owner links Acme again: the reader's socket and the activity log show that link
    // and never the vendor, while the owner's log has it.
    let r =
        app.patch(&format!("/api/v1/items/{p}"), &owner.token, json!({"values": {relation.clone(): [vendor, acme]}}));
    expect_json(r.send().await.unwrap(), 200).await;
    let mut frames = vec![];
    while let Some(f) = ws.next_within(1.0).await {
        frames.push(f);
    }
    let live = frames.iter().map(Value::to_string).collect::<Vec<_>>().join("\n");
    assert!(live.contains(&globex) && live.contains(&acme), "the links they may see are sent: {live}");
    assert!(!live.contains(&vendor) && !live.contains("Secret Vendor"), "the vendor leaked: {live}");
    let log_of = |who: &Session| app.get(&format!("/api/v1/boards/{projects}/activity?limit=200"), &who.token);
    let log = expect_json(log_of(&reader).send().await.unwrap(), 200).await;
    assert!(carries(&log, &relation) && log.to_string().contains(&acme), "{log}");
    assert!(!log.to_string().contains(&vendor) && !carries(&log, &names), "{log}");
    assert!(expect_json(log_of(&owner).send().await.unwrap(), 200).await.to_string().contains(&vendor));
    // A replay from the start says the same.
    let mut ws = app.ws(&reader.token).await;
    ws.subscribe(&projects, Some(0)).await;
    let mut replayed = vec![];
    while let Some(f) = ws.next_within(1.0).await {
        replayed.push(f.to_string());
    }
    assert!(replayed.iter().any(|f| f.contains("item_created") && f.contains(&acme)), "{replayed:?}");
    assert!(replayed.iter().all(|f| !f.contains(&vendor)), "{replayed:?}");
    // A copy they make holds only what they could have linked.
    let r = app.post(&format!("/api/v1/items/{p}/duplicate"), &reader.token, json!({}));
    let copy = id(&expect_json(r.send().await.unwrap(), 201).await);
    until(&app, &owner, &copy, &relation, only_acme.clone()).await;
    // Archived, it reads the same on the archive screen.
    let r = app.delete(&format!("/api/v1/items/{p}"), &owner.token).send().await.unwrap();
    assert_eq!(r.status(), 204, "archived");
    let archived = app.get(&format!("/api/v1/boards/{projects}/items/archived"), &reader.token);
    let archived = expect_json(archived.send().await.unwrap(), 200).await;
    assert_eq!(archived["data"][0]["values"][&relation], only_acme, "{archived}");
}

/// Whether `v` holds a cell of `column` anywhere: in an item's `values` or a change.
fn carries(v: &Value, column: &str) -> bool {
    match v {
        Value::Object(o) => {
            let in_values = o.get("values").and_then(Value::as_object).is_some_and(|vals| vals.contains_key(column));
            let in_changes = o
                .get("changes")
                .and_then(Value::as_array)
                .is_some_and(|cs| cs.iter().any(|c| c["column_id"] == column));
            in_values || in_changes || o.values().any(|x| carries(x, column))
        }
        Value::Array(a) => a.iter().any(|x| carries(x, column)),
        _ => false,
    }
}
