//! Boards, structure and items through the API, on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use sunday_testkit::{backend_tests, board, column_id, expect_error, expect_json, TestApp};

backend_tests!(
    column_types_describe_what_the_api_accepts,
    templates_create_realistic_boards,
    board_lifecycle_and_conditional_update,
    every_column_type_validates_and_bad_values_write_nothing,
    concurrent_edits_to_different_columns_both_survive,
    events_are_gap_free_and_form_the_activity_log,
    board_permissions_are_enforced,
    groups_and_columns_keep_values_safe,
);

/// `GET /column-types` is what the web app's pickers and filter builder read: every type it
/// lists can be created with its default settings, and every operator it lists for a type is
/// accepted by the query API on a column of that type.
async fn column_types_describe_what_the_api_accepts(app: TestApp) {
    let u = app.signup("kinds@example.com").await;
    let types = expect_json(app.get("/api/v1/column-types", &u.token).send().await.unwrap(), 200).await;
    let types = types["data"].as_array().unwrap().clone();
    assert_eq!(types.len(), 25, "every column type is described");
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap();
    let mut relation = None;
    for t in &types {
        let ty = t["type"].as_str().unwrap();
        assert!(!t["title"].as_str().unwrap().is_empty(), "{ty} has a title");
        // A relation names the boards it links to, a mirror the relation it reads: the only
        // types whose settings have no default.
        let body = match ty {
            "board_relation" => json!({"title": ty, "type": ty, "settings": {"board_ids": [bid], "two_way": false}}),
            "mirror" => json!({"title": ty, "type": ty, "settings": {"relation_column_id": relation.clone().unwrap()}}),
            // Showing (a text), so the listed operators, those of a text, apply.
            "rollup" => json!({"title": ty, "type": ty, "settings": {"source": "subitems", "function": "show"}}),
            _ => json!({"title": ty, "type": ty}),
        };
        let col =
            expect_json(app.post(&format!("/api/v1/boards/{bid}/columns"), &u.token, body).send().await.unwrap(), 201)
                .await;
        match ty {
            "board_relation" => relation = Some(col["id"].clone()),
            "mirror" => assert_eq!(col["settings"]["function"], "show"),
            "rollup" => assert_eq!(col["settings"]["source"], "subitems"),
            _ => assert_eq!(col["settings"], t["default_settings"], "{ty}: a new column gets the listed defaults"),
        }
        for op in t["filter_operators"].as_array().unwrap() {
            let op = op.as_str().unwrap();
            let operand = match op {
                "is_empty" | "is_not_empty" => continue,
                _ => json!(null),
            };
            // The operand is wrong on purpose: a listed operator fails on its value, never as
            // an operator the column does not allow.
            let r = app
                .post(
                    &format!("/api/v1/boards/{bid}/items/query"),
                    &u.token,
                    json!({"filter": {"column": col["id"], "op": op, "value": operand}}),
                )
                .send()
                .await
                .unwrap();
            let body: Value = r.json().await.unwrap();
            assert_ne!(body["details"]["rule"], "operator_not_applicable", "{ty} allows {op}");
        }
        let listed: Vec<&str> = t["filter_operators"].as_array().unwrap().iter().map(|o| o.as_str().unwrap()).collect();
        let all = [
            "eq",
            "neq",
            "contains",
            "not_contains",
            "starts_with",
            "gt",
            "gte",
            "lt",
            "lte",
            "between",
            "any_of",
            "none_of",
            "is_empty",
            "is_not_empty",
            "before",
            "after",
            "within",
        ];
        if let Some(unlisted) = all.iter().find(|o| !listed.contains(o)) {
            let q = json!({"filter": {"column": col["id"], "op": unlisted, "value": "x"}});
            let r = app.post(&format!("/api/v1/boards/{bid}/items/query"), &u.token, q).send().await.unwrap();
            let e = expect_error(r, 400, "validation_failed").await;
            assert_eq!(e["details"]["rule"], "operator_not_applicable", "{ty} refuses {unlisted}");
        }
        if listed.contains(&"is_empty") {
            let empty = json!({"filter": {"column": col["id"], "op": "is_empty"}});
            let r = app.post(&format!("/api/v1/boards/{bid}/items/query"), &u.token, empty).send().await.unwrap();
            expect_json(r, 200).await;
        }
    }
    let system: Vec<&str> =
        types.iter().filter(|t| t["origin"] == "system").map(|t| t["type"].as_str().unwrap()).collect();
    assert_eq!(system, ["auto_number", "item_id", "creation_log", "last_updated", "button"]);
}

async fn templates_create_realistic_boards(app: TestApp) {
    let u = app.signup("tpl@example.com").await;
    let templates = expect_json(app.get("/api/v1/templates", &u.token).send().await.unwrap(), 200).await;
    assert!(templates["next_cursor"].is_null(), "the templates come whole");
    let ids: Vec<&str> = templates["data"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["project_tracker", "crm_pipeline", "bug_tracker", "content_calendar"]);
    for id in ids {
        let b = board(&app, &u, Some(id)).await;
        assert!(b["columns"].as_array().unwrap().len() >= 5, "{id} has typed columns");
        assert!(b["groups"].as_array().unwrap().len() >= 2, "{id} has groups");
        assert_eq!(b["permission"], "owner");
        let q = expect_json(
            app.post(&format!("/api/v1/boards/{}/items/query", b["id"].as_str().unwrap()), &u.token, json!({}))
                .send()
                .await
                .unwrap(),
            200,
        )
        .await;
        assert!(q["total"].as_u64().unwrap() >= 4, "{id} has sample items");
    }
    let bad = app
        .post("/api/v1/boards", &u.token, json!({"name": "x", "workspace_id": "0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee"}))
        .send()
        .await
        .unwrap();
    expect_error(bad, 404, "workspace_not_found").await;
    let b = board(&app, &u, None).await;
    let ws = b["workspace_id"].as_str().unwrap();
    let unknown = app
        .post("/api/v1/boards", &u.token, json!({"name": "x", "workspace_id": ws, "template": "nope"}))
        .send()
        .await
        .unwrap();
    expect_error(unknown, 400, "validation_failed").await;
}

async fn board_lifecycle_and_conditional_update(app: TestApp) {
    let u = app.signup("life@example.com").await;
    let b = board(&app, &u, None).await;
    let path = format!("/api/v1/boards/{}", b["id"].as_str().unwrap());
    let listed = expect_json(
        app.get(&format!("/api/v1/boards?workspace_id={}", b["workspace_id"].as_str().unwrap()), &u.token)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    let renamed = expect_json(app.patch(&path, &u.token, json!({"name": "Roadmap"})).send().await.unwrap(), 200).await;
    assert_eq!((renamed["name"].as_str(), renamed["version"].as_i64()), (Some("Roadmap"), Some(2)));
    let stale =
        app.patch(&path, &u.token, json!({"description": "x"})).header("if-match", "\"1\"").send().await.unwrap();
    assert_eq!(expect_error(stale, 409, "version_conflict").await["details"]["current"]["name"], "Roadmap");
    let copy = expect_json(
        app.post(&format!("{path}/duplicate"), &u.token, json!({"with_items": false})).send().await.unwrap(),
        201,
    )
    .await;
    assert_eq!(copy["name"], "Roadmap (copy)");
    assert_eq!(copy["columns"].as_array().unwrap().len(), b["columns"].as_array().unwrap().len());
    assert_eq!(app.delete(&path, &u.token).send().await.unwrap().status(), 204);
    expect_error(app.get(&path, &u.token).send().await.unwrap(), 404, "board_not_found").await;
}

async fn every_column_type_validates_and_bad_values_write_nothing(app: TestApp) {
    let u = app.signup("vals@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap().to_owned();
    let mut cols = std::collections::HashMap::new();
    for (title, ty, settings) in [
        ("T", "text", Value::Null),
        ("LT", "long_text", Value::Null),
        ("N", "number", json!({"unit": "$", "decimals": 2})),
        ("S", "status", Value::Null),
        ("D", "dropdown", json!({"options": [{"id": "a", "name": "Alpha"}, {"id": "b", "name": "Beta"}]})),
        ("Date", "date", Value::Null),
        ("TL", "timeline", Value::Null),
        ("P", "people", Value::Null),
        ("C", "checkbox", Value::Null),
        ("R", "rating", Value::Null),
        ("L", "link", Value::Null),
        ("E", "email", Value::Null),
        ("Ph", "phone", Value::Null),
        ("Tags", "tags", Value::Null),
        ("Auto", "auto_number", Value::Null),
    ] {
        let mut body = json!({"title": title, "type": ty});
        if !settings.is_null() {
            body["settings"] = settings;
        }
        let c =
            expect_json(app.post(&format!("/api/v1/boards/{bid}/columns"), &u.token, body).send().await.unwrap(), 201)
                .await;
        cols.insert(title, c);
    }
    let id = |t: &str| cols[t]["id"].as_str().unwrap().to_owned();
    let status_label = cols["S"]["settings"]["labels"][0]["id"].clone();
    let values = json!({
        id("T"): "Hello", id("LT"): "Line 1\nLine 2", id("N"): 12.5, id("S"): status_label, id("D"): ["b", "a"],
        id("Date"): "2026-11-27", id("TL"): {"from": "2026-11-01", "to": "2026-11-30"}, id("P"): [u.user_id],
        id("C"): true, id("R"): 4, id("L"): {"url": "https://example.com", "text": "Example"}, id("E"): "Ada@Example.com",
        id("Ph"): "+49 30 123456", id("Tags"): ["urgent", "Urgent", "q4"]
    });
    let item = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items"), &u.token, json!({"name": "Everything", "values": values}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    let v = &item["values"];
    assert_eq!(v[id("E")], "ada@example.com");
    assert_eq!(v[id("Ph")], "+4930123456");
    assert_eq!(v[id("Tags")], json!(["urgent", "q4"]));
    assert_eq!(v[id("D")], json!(["b", "a"]));
    assert_eq!(item["auto_number"].as_i64().map(|n| n > 0), Some(true));
    let again = expect_json(
        app.get(&format!("/api/v1/items/{}", item["id"].as_str().unwrap()), &u.token).send().await.unwrap(),
        200,
    )
    .await;
    assert_eq!(again["values"], item["values"], "values persist as normalized");

    let stranger = "0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee";
    for (col, bad, rule) in [
        ("T", json!("a\nb"), "single_line"),
        ("T", json!("x".repeat(2001)), "max_length"),
        ("N", json!("12"), "type"),
        ("S", json!("no-such-label"), "unknown_label"),
        ("D", json!(["zzz"]), "unknown_option"),
        ("Date", json!("27/11/2026"), "date_format"),
        ("TL", json!({"from": "2026-12-01", "to": "2026-11-01"}), "range"),
        ("P", json!([stranger]), "not_a_member"),
        ("R", json!(9), "range"),
        ("L", json!({"url": "ftp://x"}), "url"),
        ("E", json!("nope"), "email"),
        ("Ph", json!("12"), "phone"),
        ("Auto", json!(3), "read_only"),
    ] {
        let body = json!({"name": "Bad", "values": {id("LT"): "fine", id(col): bad}});
        let err = expect_error(
            app.post(&format!("/api/v1/boards/{bid}/items"), &u.token, body).send().await.unwrap(),
            400,
            "validation_failed",
        )
        .await;
        assert_eq!(err["details"]["column_id"], id(col), "{col}: {err}");
        assert_eq!(err["details"]["field"], format!("values.{}", id(col)), "{col}: {err}");
        assert!(
            err["details"]["rule"].as_str().unwrap().contains(rule) || err["details"]["rule"] == "type",
            "{col}: expected {rule}, got {err}"
        );
    }
    let unknown = app
        .post(&format!("/api/v1/boards/{bid}/items"), &u.token, json!({"name": "X", "values": {stranger: 1}}))
        .send()
        .await
        .unwrap();
    assert_eq!(expect_error(unknown, 400, "validation_failed").await["details"]["rule"], "unknown_column");
    let total = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items/query"), &u.token, json!({})).send().await.unwrap(),
        200,
    )
    .await;
    assert_eq!(total["total"], 1, "no rejected item was written");
    // null clears a value.
    let cleared = expect_json(
        app.patch(
            &format!("/api/v1/items/{}", item["id"].as_str().unwrap()),
            &u.token,
            json!({"values": {id("T"): null}}),
        )
        .send()
        .await
        .unwrap(),
        200,
    )
    .await;
    assert!(cleared["values"].get(id("T")).is_none());
}

async fn concurrent_edits_to_different_columns_both_survive(app: TestApp) {
    let u = app.signup("merge@example.com").await;
    let b = board(&app, &u, Some("project_tracker")).await;
    let bid = b["id"].as_str().unwrap();
    let notes = column_id(&b, "Notes");
    let budget = column_id(&b, "Budget");
    let item = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items"), &u.token, json!({"name": "Race"})).send().await.unwrap(),
        201,
    )
    .await;
    let path = format!("/api/v1/items/{}", item["id"].as_str().unwrap());
    for round in 0..10 {
        let a = app.patch(&path, &u.token, json!({"values": {notes.clone(): format!("note {round}")}})).send();
        let c = app.patch(&path, &u.token, json!({"values": {budget.clone(): round}})).send();
        let (a, c) = tokio::join!(a, c);
        assert_eq!(a.unwrap().status(), 200);
        assert_eq!(c.unwrap().status(), 200);
        let now = expect_json(app.get(&path, &u.token).send().await.unwrap(), 200).await;
        assert_eq!(now["values"][&notes], format!("note {round}"));
        assert_eq!(now["values"][&budget], round);
    }
    let current = expect_json(app.get(&path, &u.token).send().await.unwrap(), 200).await;
    let version = current["version"].as_i64().unwrap();
    assert_eq!(version, 21, "one version per change");
    let stale = app
        .patch(&path, &u.token, json!({"name": "Mine"}))
        .header("if-match", format!("\"{}\"", version - 1))
        .send()
        .await
        .unwrap();
    let err = expect_error(stale, 409, "version_conflict").await;
    assert_eq!(err["details"]["current"]["version"], version);
    let strict = app.patch(&path, &u.token, json!({"name": "Mine", "expected_version": version})).send().await.unwrap();
    assert_eq!(expect_json(strict, 200).await["version"], version + 1);
}

async fn events_are_gap_free_and_form_the_activity_log(app: TestApp) {
    let u = app.signup("events@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap();
    let status = column_id(&b, "Status");
    let label = b["columns"].as_array().unwrap().iter().find(|c| c["title"] == "Status").unwrap()["settings"]["labels"]
        [2]["id"]
        .clone();
    let item = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items"), &u.token, json!({"name": "Ship"})).send().await.unwrap(),
        201,
    )
    .await;
    let iid = item["id"].as_str().unwrap();
    app.patch(&format!("/api/v1/items/{iid}"), &u.token, json!({"values": {status.clone(): label.clone()}}))
        .send()
        .await
        .unwrap();
    app.patch(&format!("/api/v1/items/{iid}"), &u.token, json!({"name": "Ship it"})).send().await.unwrap();
    let board_log =
        expect_json(app.get(&format!("/api/v1/boards/{bid}/activity?limit=500"), &u.token).send().await.unwrap(), 200)
            .await;
    let seqs: Vec<i64> = board_log["data"].as_array().unwrap().iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    let n = seqs.len() as i64;
    assert_eq!(seqs, (1..=n).rev().collect::<Vec<_>>(), "gap-free, newest first");
    let log = expect_json(app.get(&format!("/api/v1/items/{iid}/activity"), &u.token).send().await.unwrap(), 200).await;
    let kinds: Vec<&str> = log["data"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["item_updated", "item_updated", "item_created"]);
    let change = &log["data"][1]["payload"]["changes"][0];
    assert_eq!(
        (change["column_id"].as_str().unwrap(), &change["old"], &change["new"]),
        (status.as_str(), &Value::Null, &label)
    );
    assert_eq!(log["data"][0]["payload"]["name"], json!({"old": "Ship", "new": "Ship it"}));
    assert_eq!(log["data"][0]["actor"], u.user_id.as_str());
    let page =
        expect_json(app.get(&format!("/api/v1/items/{iid}/activity?limit=2"), &u.token).send().await.unwrap(), 200)
            .await;
    let next = page["next_cursor"].as_str().unwrap();
    let rest = expect_json(
        app.get(&format!("/api/v1/items/{iid}/activity?limit=2&cursor={next}"), &u.token).send().await.unwrap(),
        200,
    )
    .await;
    assert_eq!(rest["data"][0]["kind"], "item_created");
}

async fn board_permissions_are_enforced(app: TestApp) {
    let owner = app.signup("perm-owner@example.com").await;
    let b = board(&app, &owner, None).await;
    let bid = b["id"].as_str().unwrap().to_owned();
    let viewer = app.signup("perm-view@example.com").await;
    let editor = app.signup("perm-edit@example.com").await;
    let outsider = app.signup("perm-out@example.com").await;
    for who in [&viewer, &editor] {
        app.join(&owner, who, "member").await;
    }
    let set = |who: &str, p: &str| {
        app.client()
            .put(app.url(&format!("/api/v1/boards/{bid}/members/{who}")))
            .bearer_auth(&owner.token)
            .json(&json!({"permission": p}))
            .send()
    };
    expect_json(set(&viewer.user_id, "view").await.unwrap(), 200).await;
    expect_json(set(&editor.user_id, "edit_content").await.unwrap(), 200).await;

    let new_item = json!({"name": "Try"});
    expect_error(
        app.post(&format!("/api/v1/boards/{bid}/items"), &viewer.token, new_item.clone()).send().await.unwrap(),
        403,
        "forbidden",
    )
    .await;
    let item = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items"), &editor.token, new_item).send().await.unwrap(),
        201,
    )
    .await;
    expect_error(
        app.post(&format!("/api/v1/boards/{bid}/columns"), &editor.token, json!({"title": "X", "type": "text"}))
            .send()
            .await
            .unwrap(),
        403,
        "forbidden",
    )
    .await;
    expect_error(
        app.patch(&format!("/api/v1/items/{}", item["id"].as_str().unwrap()), &viewer.token, json!({"name": "no"}))
            .send()
            .await
            .unwrap(),
        403,
        "forbidden",
    )
    .await;
    expect_json(app.get(&format!("/api/v1/boards/{bid}"), &viewer.token).send().await.unwrap(), 200).await;
    // Saved views are structure: edit_content is not enough.
    let view = json!({"name": "Mine", "type": "table"});
    let r = app.post(&format!("/api/v1/boards/{bid}/views"), &editor.token, view.clone()).send().await.unwrap();
    expect_error(r, 403, "forbidden").await;
    expect_json(app.post(&format!("/api/v1/boards/{bid}/views"), &owner.token, view).send().await.unwrap(), 201).await;
    // Copying a board needs edit rights on it.
    let copy = app.post(&format!("/api/v1/boards/{bid}/duplicate"), &viewer.token, json!({})).send().await.unwrap();
    expect_error(copy, 403, "forbidden").await;
    // Another organization sees nothing of it.
    expect_error(
        app.get(&format!("/api/v1/boards/{bid}"), &outsider.token).send().await.unwrap(),
        404,
        "board_not_found",
    )
    .await;
    expect_error(
        app.get(&format!("/api/v1/items/{}", item["id"].as_str().unwrap()), &outsider.token).send().await.unwrap(),
        404,
        "item_not_found",
    )
    .await;

    // A private board is invisible to members who are not on it.
    expect_json(
        app.patch(&format!("/api/v1/boards/{bid}"), &owner.token, json!({"kind": "private"})).send().await.unwrap(),
        200,
    )
    .await;
    let member = app.signup("perm-member@example.com").await;
    app.join(&owner, &member, "member").await;
    expect_error(
        app.get(&format!("/api/v1/boards/{bid}"), &member.token).send().await.unwrap(),
        404,
        "board_not_found",
    )
    .await;
    let listed = expect_json(
        app.get(&format!("/api/v1/boards?workspace_id={}", b["workspace_id"].as_str().unwrap()), &member.token)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert!(listed["data"].as_array().unwrap().is_empty());
    expect_json(app.get(&format!("/api/v1/boards/{bid}"), &viewer.token).send().await.unwrap(), 200).await;
    // A copy of a private board is private too, and the member still cannot see it.
    let copy = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/duplicate"), &owner.token, json!({"with_items": false}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    assert_eq!(copy["kind"], "private");
    let copy_id = copy["id"].as_str().unwrap();
    let r = app.get(&format!("/api/v1/boards/{copy_id}"), &member.token).send().await.unwrap();
    expect_error(r, 404, "board_not_found").await;
}

async fn groups_and_columns_keep_values_safe(app: TestApp) {
    let u = app.signup("struct@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap();
    let status_col = b["columns"].as_array().unwrap().iter().find(|c| c["title"] == "Status").unwrap().clone();
    let sid = status_col["id"].as_str().unwrap();
    let labels = status_col["settings"]["labels"].as_array().unwrap().clone();
    let stuck = labels[1]["id"].as_str().unwrap().to_owned();
    let done = labels[2]["id"].as_str().unwrap().to_owned();
    let g2 = expect_json(
        app.post(
            &format!("/api/v1/boards/{bid}/groups"),
            &u.token,
            json!({"title": "Later", "color": "purple", "position": {"at": "top"}}),
        )
        .send()
        .await
        .unwrap(),
        201,
    )
    .await;
    let item = expect_json(
        app.post(
            &format!("/api/v1/boards/{bid}/items"),
            &u.token,
            json!({"name": "A", "group_id": g2["id"], "values": {sid: stuck}}),
        )
        .send()
        .await
        .unwrap(),
        201,
    )
    .await;
    let b2 = expect_json(app.get(&format!("/api/v1/boards/{bid}"), &u.token).send().await.unwrap(), 200).await;
    assert_eq!(b2["groups"][0]["title"], "Later", "placed at the top");
    let collapsed = app
        .patch(
            &format!("/api/v1/boards/{bid}/groups/{}", g2["id"].as_str().unwrap()),
            &u.token,
            json!({"collapsed": true}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(expect_json(collapsed, 200).await["collapsed"], true);

    // Renaming a label keeps items on it; deleting one in use needs a replacement.
    let mut renamed = labels.clone();
    renamed[1]["name"] = json!("Blocked");
    expect_json(
        app.patch(&format!("/api/v1/boards/{bid}/columns/{sid}"), &u.token, json!({"settings": {"labels": renamed}}))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let without: Vec<Value> = labels.iter().filter(|l| l["id"] != json!(stuck)).cloned().collect();
    let refused = app
        .patch(
            &format!("/api/v1/boards/{bid}/columns/{sid}"),
            &u.token,
            json!({"settings": {"labels": without.clone()}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(expect_error(refused, 400, "validation_failed").await["details"]["rule"], "label_in_use");
    let replaced = app
        .patch(
            &format!("/api/v1/boards/{bid}/columns/{sid}"),
            &u.token,
            json!({"settings": {"labels": without}, "replacements": {stuck.clone(): done.clone()}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(expect_json(replaced, 200).await["converted"], 1);
    let iid = item["id"].as_str().unwrap();
    assert_eq!(
        expect_json(app.get(&format!("/api/v1/items/{iid}"), &u.token).send().await.unwrap(), 200).await["values"][sid],
        done
    );

    // A type change converts what it can and reports the rest.
    let text = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/columns"), &u.token, json!({"title": "Estimate", "type": "text"}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    let tid = text["id"].as_str().unwrap();
    let other = expect_json(
        app.post(
            &format!("/api/v1/boards/{bid}/items"),
            &u.token,
            json!({"name": "B", "values": {tid: "not a number"}}),
        )
        .send()
        .await
        .unwrap(),
        201,
    )
    .await;
    app.patch(&format!("/api/v1/items/{iid}"), &u.token, json!({"values": {tid: "42"}})).send().await.unwrap();
    let report = expect_json(
        app.patch(&format!("/api/v1/boards/{bid}/columns/{tid}"), &u.token, json!({"type": "number"}))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!((report["converted"].as_u64(), report["not_converted"].as_u64()), (Some(1), Some(1)));
    assert_eq!(
        expect_json(app.get(&format!("/api/v1/items/{iid}"), &u.token).send().await.unwrap(), 200).await["values"][tid],
        42
    );
    let q = expect_json(
        app.post(
            &format!("/api/v1/boards/{bid}/items/query"),
            &u.token,
            json!({"filter": {"column": tid, "op": "gt", "value": 40}}),
        )
        .send()
        .await
        .unwrap(),
        200,
    )
    .await;
    assert_eq!(q["total"], 1, "the engine sees converted values");
    assert!(expect_json(
        app.get(&format!("/api/v1/items/{}", other["id"].as_str().unwrap()), &u.token).send().await.unwrap(),
        200
    )
    .await["values"]
        .get(tid)
        .is_none());

    // Deleting a group moves its items; the last group cannot go.
    let main = b["groups"][0]["id"].as_str().unwrap();
    let del = app
        .delete(&format!("/api/v1/boards/{bid}/groups/{}?move_items_to={main}", g2["id"].as_str().unwrap()), &u.token)
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), 204);
    assert_eq!(
        expect_json(app.get(&format!("/api/v1/items/{iid}"), &u.token).send().await.unwrap(), 200).await["group_id"],
        main
    );
    assert_eq!(
        app.delete(&format!("/api/v1/boards/{bid}/columns/{tid}"), &u.token).send().await.unwrap().status(),
        204
    );
    assert!(expect_json(app.get(&format!("/api/v1/items/{iid}"), &u.token).send().await.unwrap(), 200).await["values"]
        .get(tid)
        .is_none());
}
