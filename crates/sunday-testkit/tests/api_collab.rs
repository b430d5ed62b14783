//! Queries, updates, views, CSV and idempotency through the API, on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use sunday_testkit::{backend_tests, board, column_id, expect_error, expect_json, TestApp};

backend_tests!(
    queries_filter_sort_group_and_page_stably,
    updates_replies_and_mentions,
    saved_views_validate_and_version,
    csv_round_trip_with_rejected_rows,
    large_imports_commit_in_batches,
    idempotency_keys_replay_the_first_response,
);

async fn queries_filter_sort_group_and_page_stably(app: TestApp) {
    let u = app.signup("query@example.com").await;
    let b = board(&app, &u, Some("crm_pipeline")).await;
    let bid = b["id"].as_str().unwrap();
    let value = column_id(&b, "Deal value");
    let stage = column_id(&b, "Stage");
    let q = |body: Value| app.post(&format!("/api/v1/boards/{bid}/items/query"), &u.token, body).send();

    let big = expect_json(
        q(json!({"filter": {"column": value, "op": "gt", "value": 10000}, "sort": [{"column": value, "dir": "desc"}]}))
            .await
            .unwrap(),
        200,
    )
    .await;
    let names: Vec<&str> = big["data"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Initech", "Acme Corp", "Umbrella"]);
    let nested = json!({"or": [{"column": "name", "op": "starts_with", "value": "glo"}, {"and": [{"column": value, "op": "lt", "value": 10000}, {"column": "name", "op": "contains", "value": "HOO"}]}]});
    let n = expect_json(q(json!({"filter": nested, "sort": [{"column": "name"}]})).await.unwrap(), 200).await;
    assert_eq!(
        n["data"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect::<Vec<_>>(),
        ["Globex", "Hooli"]
    );
    let grouped = expect_json(q(json!({"group_by": stage.clone()})).await.unwrap(), 200).await;
    assert_eq!(grouped["groups"].as_array().unwrap().iter().map(|g| g["count"].as_u64().unwrap()).sum::<u64>(), 5);
    let today = expect_json(q(json!({"filter": {"column": column_id(&b, "Close date"), "op": "within", "value": "overdue"}, "tz": "Europe/Berlin"})).await.unwrap(), 200).await;
    assert_eq!(today["total"], 2, "Umbrella and Hooli closed in the past");

    for (filter, rule) in [
        (json!({"column": value, "op": "contains", "value": "x"}), "operator_not_applicable"),
        (json!({"column": "nope", "op": "eq", "value": 1}), "unknown_column"),
        (json!({"column": stage, "op": "any_of", "value": ["ghost"]}), "unknown_label"),
        (json!({"and": "x"}), "invalid_shape"),
    ] {
        let err = expect_error(q(json!({ "filter": filter })).await.unwrap(), 400, "validation_failed").await;
        assert_eq!(err["details"]["rule"], rule, "{err}");
    }
    expect_error(q(json!({"tz": "Mars/Olympus"})).await.unwrap(), 400, "validation_failed").await;

    // Paging by a sort key stays correct while items are inserted before and after the cursor.
    let page1 = expect_json(q(json!({"sort": [{"column": "name"}], "limit": 2})).await.unwrap(), 200).await;
    let seen1: Vec<String> =
        page1["data"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(seen1, ["Acme Corp", "Globex"]);
    for name in ["Aardvark", "Zeta", "Hal"] {
        expect_json(
            app.post(&format!("/api/v1/boards/{bid}/items"), &u.token, json!({"name": name})).send().await.unwrap(),
            201,
        )
        .await;
    }
    let cursor = page1["next_cursor"].as_str().unwrap();
    let page2 =
        expect_json(q(json!({"sort": [{"column": "name"}], "limit": 10, "cursor": cursor})).await.unwrap(), 200).await;
    let seen2: Vec<&str> = page2["data"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(
        seen2,
        ["Hal", "Hooli", "Initech", "Umbrella", "Zeta"],
        "no item skipped or repeated; earlier inserts stay behind"
    );
    expect_error(q(json!({"cursor": "garbage"})).await.unwrap(), 400, "invalid_parameter").await;
}

async fn updates_replies_and_mentions(app: TestApp) {
    let author = app.signup("author@example.com").await;
    let teammate = app.signup("mate@example.com").await;
    app.join(&author, &teammate, "member").await;
    let outsider = "0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee";
    let b = board(&app, &author, None).await;
    let item = expect_json(
        app.post(
            &format!("/api/v1/boards/{}/items", b["id"].as_str().unwrap()),
            &author.token,
            json!({"name": "Talk"}),
        )
        .send()
        .await
        .unwrap(),
        201,
    )
    .await;
    let iid = item["id"].as_str().unwrap();
    let body = format!("Can you check @[{}]? cc @[{outsider}]", teammate.user_id);
    let up = expect_json(
        app.post(&format!("/api/v1/items/{iid}/updates"), &author.token, json!({"body": body})).send().await.unwrap(),
        201,
    )
    .await;
    assert_eq!(up["mentions"], json!([teammate.user_id]), "only members of the organization are mentioned");
    let uid = up["id"].as_str().unwrap();
    let reply = expect_json(
        app.post(&format!("/api/v1/updates/{uid}/replies"), &teammate.token, json!({"body": "On it"}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    assert_eq!(reply["parent_id"], uid);
    let listed =
        expect_json(app.get(&format!("/api/v1/items/{iid}/updates"), &author.token).send().await.unwrap(), 200).await;
    assert_eq!(listed["data"][0]["replies"][0]["body"], "On it");
    expect_error(
        app.patch(&format!("/api/v1/updates/{uid}"), &teammate.token, json!({"body": "hijack"})).send().await.unwrap(),
        403,
        "forbidden",
    )
    .await;
    let edited = expect_json(
        app.patch(&format!("/api/v1/updates/{uid}"), &author.token, json!({"body": "Edited"})).send().await.unwrap(),
        200,
    )
    .await;
    assert!(edited["edited_at"].is_string());
    expect_error(
        app.post(&format!("/api/v1/items/{iid}/updates"), &author.token, json!({"body": "   "})).send().await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(app.delete(&format!("/api/v1/updates/{uid}"), &author.token).send().await.unwrap().status(), 204);
    assert!(expect_json(app.get(&format!("/api/v1/items/{iid}/updates"), &author.token).send().await.unwrap(), 200)
        .await["data"]
        .as_array()
        .unwrap()
        .is_empty());
    let log =
        expect_json(app.get(&format!("/api/v1/items/{iid}/activity"), &author.token).send().await.unwrap(), 200).await;
    let kinds: Vec<&str> = log["data"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["update_deleted", "update_edited", "update_posted", "update_posted", "item_created"]);
}

async fn saved_views_validate_and_version(app: TestApp) {
    let u = app.signup("views@example.com").await;
    let b = board(&app, &u, Some("bug_tracker")).await;
    let bid = b["id"].as_str().unwrap();
    let status = column_id(&b, "Status");
    let body = json!({"name": "My open bugs", "type": "kanban", "filter": {"column": status, "op": "neq", "value": "l4"},
        "sort": [{"column": "created_at", "dir": "desc"}], "hidden_columns": [column_id(&b, "Verified")], "settings": {"lane_column": status}});
    let v =
        expect_json(app.post(&format!("/api/v1/boards/{bid}/views"), &u.token, body).send().await.unwrap(), 201).await;
    let vid = v["id"].as_str().unwrap();
    assert_eq!(
        expect_json(app.get(&format!("/api/v1/boards/{bid}/views"), &u.token).send().await.unwrap(), 200).await["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let lane_text = json!({"name": "Bad", "type": "kanban", "settings": {"lane_column": column_id(&b, "Component")}});
    expect_error(
        app.post(&format!("/api/v1/boards/{bid}/views"), &u.token, lane_text).send().await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    // A calendar's days come from a date or timeline column.
    let dates_text =
        json!({"name": "Bad", "type": "calendar", "settings": {"date_column": column_id(&b, "Component")}});
    expect_error(
        app.post(&format!("/api/v1/boards/{bid}/views"), &u.token, dates_text).send().await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    // A timeline's bars come from a timeline or date column, at a zoom it knows.
    for settings in [json!({"timeline_column": column_id(&b, "Component")}), json!({"zoom": "decade"})] {
        let body = json!({"name": "Bad", "type": "timeline", "settings": settings});
        expect_error(
            app.post(&format!("/api/v1/boards/{bid}/views"), &u.token, body).send().await.unwrap(),
            400,
            "validation_failed",
        )
        .await;
    }
    // A chart sums a number column.
    let sum_text = json!({"name": "Bad", "type": "chart", "settings": {"metric": {"fn": "sum", "column_id": column_id(&b, "Component")}}});
    expect_error(
        app.post(&format!("/api/v1/boards/{bid}/views"), &u.token, sum_text).send().await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    // A gallery's covers come from a file column.
    let cover_text =
        json!({"name": "Bad", "type": "gallery", "settings": {"cover_column": column_id(&b, "Component")}});
    expect_error(
        app.post(&format!("/api/v1/boards/{bid}/views"), &u.token, cover_text).send().await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    // A workload's rows come from a people column, its load is a count or a sum of numbers, and
    // its capacity is not negative.
    for settings in [
        json!({"people_column": column_id(&b, "Component")}),
        json!({"metric": {"fn": "avg", "column_id": column_id(&b, "Component")}}),
        json!({"capacity": -1}),
    ] {
        let body = json!({"name": "Bad", "type": "workload", "settings": settings});
        expect_error(
            app.post(&format!("/api/v1/boards/{bid}/views"), &u.token, body).send().await.unwrap(),
            400,
            "validation_failed",
        )
        .await;
    }
    let load = json!({"name": "Load", "type": "workload", "settings": {"metric": {"fn": "count"}, "capacity": 3.5}});
    let made =
        expect_json(app.post(&format!("/api/v1/boards/{bid}/views"), &u.token, load).send().await.unwrap(), 201).await;
    assert_eq!((made["type"].as_str(), made["settings"]["capacity"].as_f64()), (Some("workload"), Some(3.5)));
    let r = app.post(&format!("/api/v1/boards/{bid}/columns"), &u.token, json!({"title": "Photos", "type": "file"}));
    let photos = expect_json(r.send().await.unwrap(), 201).await["id"].as_str().unwrap().to_owned();
    let gallery =
        json!({"name": "Covers", "type": "gallery", "settings": {"cover_column": photos, "card_columns": [photos]}});
    let made =
        expect_json(app.post(&format!("/api/v1/boards/{bid}/views"), &u.token, gallery).send().await.unwrap(), 201)
            .await;
    assert_eq!(
        (made["type"].as_str(), made["settings"]["cover_column"].as_str()),
        (Some("gallery"), Some(photos.as_str()))
    );
    let bad_filter = json!({"name": "Bad", "type": "table", "filter": {"column": "nope", "op": "eq", "value": 1}});
    expect_error(
        app.post(&format!("/api/v1/boards/{bid}/views"), &u.token, bad_filter).send().await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    let renamed = expect_json(
        app.patch(&format!("/api/v1/views/{vid}"), &u.token, json!({"name": "Open", "filter": null}))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(
        (renamed["name"].as_str(), renamed["version"].as_i64(), renamed["filter"].is_null()),
        (Some("Open"), Some(2), true)
    );
    expect_error(
        app.patch(&format!("/api/v1/views/{vid}"), &u.token, json!({"name": "x"}))
            .header("if-match", "\"1\"")
            .send()
            .await
            .unwrap(),
        409,
        "version_conflict",
    )
    .await;
    // Racing writers who all read version 2: exactly one wins, the rest get 409. Writers
    // without If-Match all apply, one after another.
    let view_path = format!("/api/v1/views/{vid}");
    let racing = (0..8).map(|i| {
        app.patch(&view_path, &u.token, json!({"name": format!("Racer {i}")})).header("if-match", "\"2\"").send()
    });
    let statuses: Vec<u16> =
        futures::future::join_all(racing).await.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 7, "{statuses:?}");
    let blind = (0..8).map(|i| app.patch(&view_path, &u.token, json!({"name": format!("Blind {i}")})).send());
    for r in futures::future::join_all(blind).await {
        assert_eq!(r.unwrap().status(), 200);
    }
    let now = expect_json(app.get(&view_path, &u.token).send().await.unwrap(), 200).await;
    assert_eq!(now["version"], 11);
    assert_eq!(app.delete(&format!("/api/v1/views/{vid}"), &u.token).send().await.unwrap().status(), 204);
    expect_error(app.get(&format!("/api/v1/views/{vid}"), &u.token).send().await.unwrap(), 404, "view_not_found").await;
}

async fn csv_round_trip_with_rejected_rows(app: TestApp) {
    let u = app.signup("csv@example.com").await;
    let b = board(&app, &u, Some("crm_pipeline")).await;
    let bid = b["id"].as_str().unwrap();
    let export = app.get(&format!("/api/v1/boards/{bid}/export"), &u.token).send().await.unwrap();
    assert!(export.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = export.text().await.unwrap();
    assert!(text.starts_with("Name,Group,Stage,Owner,Deal value"), "{text}");
    assert!(text.contains("Initech,Active deals,Negotiation"), "{text}");
    // System columns export what the board shows: the item's number and id.
    for (title, ty) in [("No.", "auto_number"), ("Ref", "item_id")] {
        let body = json!({"title": title, "type": ty});
        expect_json(app.post(&format!("/api/v1/boards/{bid}/columns"), &u.token, body).send().await.unwrap(), 201)
            .await;
    }
    let text = app.get(&format!("/api/v1/boards/{bid}/export"), &u.token).send().await.unwrap().text().await.unwrap();
    let items = expect_json(app.get(&format!("/api/v1/boards/{bid}/items"), &u.token).send().await.unwrap(), 200).await;
    let first = &items["data"][0];
    let row = text.lines().find(|l| l.starts_with(first["name"].as_str().unwrap())).unwrap();
    let expected_tail = format!(",{},{}", first["auto_number"], first["id"].as_str().unwrap());
    assert!(row.ends_with(&expected_tail), "{row} should end with {expected_tail}");

    let csv = "Name,Group,Stage,Deal value,Contact email\nNew Co,Active deals,Lead,1000,a@newco.example\nBad Co,Active deals,Nope,5,x@y.example\nOther,Fresh group,Won,abc,o@o.example\n";
    let dry = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/import"), &u.token, json!({"csv": csv, "dry_run": true}))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!((dry["imported"].as_u64(), dry["rejected"].as_array().unwrap().len()), (Some(0), 2));
    let strict = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/import"), &u.token, json!({"csv": csv, "all_or_nothing": true}))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(strict["imported"], 0);
    let q = |body: Value| app.post(&format!("/api/v1/boards/{bid}/items/query"), &u.token, body).send();
    assert_eq!(expect_json(q(json!({})).await.unwrap(), 200).await["total"], 5, "nothing was imported");
    let report = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/import"), &u.token, json!({"csv": csv})).send().await.unwrap(),
        200,
    )
    .await;
    assert_eq!(report["imported"], 1);
    let lines: Vec<u64> = report["rejected"].as_array().unwrap().iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [3, 4]);
    assert_eq!(report["rejected"][0]["column"], "Stage");
    let found =
        expect_json(q(json!({"filter": {"column": "name", "op": "eq", "value": "New Co"}})).await.unwrap(), 200).await;
    assert_eq!(found["data"][0]["values"][column_id(&b, "Deal value")], 1000);

    let ws = b["workspace_id"].as_str().unwrap();
    let fresh = json!({"name": "Imported", "workspace_id": ws, "csv": "Name,Score,Note\nA,1,x\nB,2,y\n", "column_types": {"Score": "number"}});
    let made = expect_json(app.post("/api/v1/boards/import", &u.token, fresh).send().await.unwrap(), 201).await;
    assert_eq!(made["imported"], 2);
    let nb = expect_json(
        app.get(&format!("/api/v1/boards/{}", made["board_id"].as_str().unwrap()), &u.token).send().await.unwrap(),
        200,
    )
    .await;
    let titles: Vec<&str> = nb["columns"].as_array().unwrap().iter().map(|c| c["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Score", "Note"]);
    // A name a spreadsheet would run as a formula is exported inert, and imports back as typed.
    let plain = board(&app, &u, None).await;
    let pid = plain["id"].as_str().unwrap();
    let formula = "=HYPERLINK(\"http://evil.example\",\"x\")";
    expect_json(
        app.post(&format!("/api/v1/boards/{pid}/items"), &u.token, json!({"name": formula})).send().await.unwrap(),
        201,
    )
    .await;
    let text = app.get(&format!("/api/v1/boards/{pid}/export"), &u.token).send().await.unwrap().text().await.unwrap();
    assert!(
        text.contains("\"'=HYPERLINK(") && !text.contains(",=HYPERLINK") && !text.contains("\n=HYPERLINK"),
        "{text}"
    );
    let back = json!({"name": "Round trip", "workspace_id": plain["workspace_id"], "csv": text});
    let imported = expect_json(app.post("/api/v1/boards/import", &u.token, back).send().await.unwrap(), 201).await;
    let copy_id = imported["board_id"].as_str().unwrap();
    let names = expect_json(
        app.post(&format!("/api/v1/boards/{copy_id}/items/query"), &u.token, json!({"limit": 100}))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert!(names["data"].as_array().unwrap().iter().any(|i| i["name"] == formula), "{names}");
}

async fn idempotency_keys_replay_the_first_response(app: TestApp) {
    let u = app.signup("idem@example.com").await;
    let b = board(&app, &u, None).await;
    let path = format!("/api/v1/boards/{}/items", b["id"].as_str().unwrap());
    let send =
        |name: &str| app.post(&path, &u.token, json!({"name": name})).header("idempotency-key", "create-1").send();
    let first = expect_json(send("Once").await.unwrap(), 201).await;
    let again = send("Once").await.unwrap();
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(expect_json(again, 201).await["id"], first["id"]);
    expect_error(send("Different").await.unwrap(), 409, "idempotency_key_reused").await;
    let q = expect_json(app.post(&format!("{path}/query"), &u.token, json!({})).send().await.unwrap(), 200).await;
    assert_eq!(q["total"], 1, "the work was done once");
}

/// A large import commits in batches of 1,000 rows (each its own transaction, so other writes
/// go in between), keeps every row, and numbers and orders them as in the file.
async fn large_imports_commit_in_batches(app: TestApp) {
    let u = app.signup("batches@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap();
    let mut csv = String::from("Name\n");
    for i in 0..2_500 {
        csv.push_str(&format!("Row {i:05}\n"));
    }
    let report = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/import"), &u.token, json!({"csv": csv})).send().await.unwrap(),
        200,
    )
    .await;
    assert_eq!(report["imported"], 2_500);
    let mut commits = std::collections::BTreeSet::new();
    let mut created = 0;
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/boards/{bid}/activity?limit=500&cursor={c}"),
            None => format!("/api/v1/boards/{bid}/activity?limit=500"),
        };
        let page = expect_json(app.get(&path, &u.token).send().await.unwrap(), 200).await;
        for e in page["data"].as_array().unwrap().iter().filter(|e| e["kind"] == "item_created") {
            created += 1;
            commits.insert(e["created_at"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(created, 2_500);
    assert!(commits.len() >= 3, "2,500 rows commit in at least three transactions: {commits:?}");
    let q = json!({
        "filter": {"column": "name", "op": "contains", "value": "Row "},
        "limit": 500
    });
    let page =
        expect_json(app.post(&format!("/api/v1/boards/{bid}/items/query"), &u.token, q).send().await.unwrap(), 200)
            .await;
    assert_eq!(page["total"], 2_500);
    let names: Vec<&str> = page["data"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 500);
    assert!(names.windows(2).all(|w| w[0] < w[1]), "in file order: {names:?}");
}
