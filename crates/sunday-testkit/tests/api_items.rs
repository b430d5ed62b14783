//! Items through the API, on both backends: archive, restore, delete, duplicate, subitems (and
//! who may read them), bulk creation, and the bounds on an item's size.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use sunday_testkit::{backend_tests, board, column_id, expect_error, expect_json, TestApp};

backend_tests!(
    items_archive_restore_delete_duplicate_subitems_and_bulk,
    restore_never_revives_an_item_into_a_missing_group,
    an_item_s_size_is_bounded,
    the_archive_lists_archived_items_and_rows_count_their_updates,
    an_item_read_by_id_is_current,
    twenty_concurrent_edits_of_one_cell_all_land,
    deleting_an_item_gives_each_of_its_subitems_an_event,
    a_subitem_board_takes_the_access_of_the_board_at_the_top,
);

/// Deleting an item for good deletes its subitems at every depth, archived ones too, each with
/// an `item_deleted` event on its own board's log (gap-free), in the same commit.
async fn deleting_an_item_gives_each_of_its_subitems_an_event(app: TestApp) {
    let u = app.signup("cascade@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap();
    // The helpers below borrow them (`async move` moves these references, not the values).
    let (app, u) = (&app, &u);
    let post = |path: String, body: Value| async move {
        expect_json(app.post(&path, &u.token, body).send().await.unwrap(), 201).await["id"].as_str().unwrap().to_owned()
    };
    let parent =
        post(format!("/api/v1/boards/{bid}/items"), json!({"name": "Parent", "group_id": b["groups"][0]["id"]})).await;
    let first = post(format!("/api/v1/items/{parent}/subitems"), json!({"name": "First"})).await;
    let second = post(format!("/api/v1/items/{parent}/subitems"), json!({"name": "Second"})).await;
    let deep = post(format!("/api/v1/items/{first}/subitems"), json!({"name": "Deep"})).await;
    assert_eq!(
        app.delete(&format!("/api/v1/items/{second}"), &u.token).send().await.unwrap().status(),
        204,
        "archived"
    );
    let board_of = |id: String| async move {
        expect_json(app.get(&format!("/api/v1/boards/{id}"), &u.token).send().await.unwrap(), 200).await
    };
    let sub = board_of(bid.to_owned()).await["subitem_board_id"].as_str().unwrap().to_owned();
    let subsub = board_of(sub.clone()).await["subitem_board_id"].as_str().unwrap().to_owned();

    let gone = app.delete(&format!("/api/v1/items/{parent}?permanent=true"), &u.token).send().await.unwrap();
    assert_eq!(gone.status(), 204);
    for id in [&parent, &first, &second, &deep] {
        expect_error(app.get(&format!("/api/v1/items/{id}"), &u.token).send().await.unwrap(), 404, "item_not_found")
            .await;
    }
    // Each board's log: its items' deletions last, newest first, seqs without a gap.
    let log = |board: String| async move {
        let url = format!("/api/v1/boards/{board}/activity?limit=500");
        let log = expect_json(app.get(&url, &u.token).send().await.unwrap(), 200).await;
        let events = log["data"].as_array().unwrap().clone();
        let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
        assert_eq!(seqs, (1..=seqs.len() as i64).rev().collect::<Vec<_>>(), "gap-free on {board}");
        events
    };
    let deleted = |events: &[Value]| -> Vec<String> {
        let mut ids: Vec<String> = events
            .iter()
            .filter(|e| e["kind"] == "item_deleted")
            .map(|e| e["item_id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };
    let top = log(bid.to_owned()).await;
    assert_eq!(deleted(&top), [parent]);
    let mut subs = vec![first.clone(), second.clone()];
    subs.sort();
    assert_eq!(deleted(&log(sub).await), subs, "both subitems, the archived one too");
    assert_eq!(deleted(&log(subsub).await), [deep]);
}

/// Twenty people edit one cell at the same moment: every edit is answered `200` (none gives
/// up on a lost version race), each is one event, and the cell holds one of the values.
async fn twenty_concurrent_edits_of_one_cell_all_land(app: TestApp) {
    let u = app.signup("hot-cell@example.com").await;
    let b = board(&app, &u, Some("project_tracker")).await;
    let bid = b["id"].as_str().unwrap();
    let notes = column_id(&b, "Notes");
    let item = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items"), &u.token, json!({"name": "Hot"})).send().await.unwrap(),
        201,
    )
    .await;
    let path = format!("/api/v1/items/{}", item["id"].as_str().unwrap());
    let edits = (0..20).map(|i| app.patch(&path, &u.token, json!({"values": {notes.clone(): format!("v{i}")}})).send());
    let statuses: Vec<u16> =
        futures::future::join_all(edits).await.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let now = expect_json(app.get(&path, &u.token).send().await.unwrap(), 200).await;
    assert_eq!(now["version"].as_i64().unwrap(), item["version"].as_i64().unwrap() + 20, "twenty versions: {now}");
    assert!(now["values"][&notes].as_str().unwrap().starts_with('v'));
}

/// `GET /items/{id}` answers from the board engine once the board is in memory: always the
/// item as last written (by anyone), archived items from the store, and `404` to strangers.
async fn an_item_read_by_id_is_current(app: TestApp) {
    let u = app.signup("by-id@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap();
    let item = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items"), &u.token, json!({"name": "First"})).send().await.unwrap(),
        201,
    )
    .await;
    let iid = item["id"].as_str().unwrap();
    // Load the board into the engine, then read through it.
    expect_json(app.get(&format!("/api/v1/boards/{bid}/items"), &u.token).send().await.unwrap(), 200).await;
    let get = || app.get(&format!("/api/v1/items/{iid}"), &u.token).send();
    assert_eq!(expect_json(get().await.unwrap(), 200).await["name"], "First");
    for name in ["Second", "Third"] {
        let r = app.patch(&format!("/api/v1/items/{iid}"), &u.token, json!({"name": name})).send().await.unwrap();
        expect_json(r, 200).await;
        let got = expect_json(get().await.unwrap(), 200).await;
        assert_eq!((got["name"].as_str(), got["archived"].as_bool()), (Some(name), Some(false)));
    }
    assert_eq!(app.delete(&format!("/api/v1/items/{iid}"), &u.token).send().await.unwrap().status(), 204);
    let got = expect_json(get().await.unwrap(), 200).await;
    assert_eq!((got["name"].as_str(), got["archived"].as_bool()), (Some("Third"), Some(true)));
    let stranger = app.signup("by-id-stranger@example.com").await;
    expect_error(
        app.get(&format!("/api/v1/items/{iid}"), &stranger.token).send().await.unwrap(),
        404,
        "item_not_found",
    )
    .await;
}

/// The archive screen's list (archived top-level items, in board order, paged) and the update
/// counts every row's bubble shows.
async fn the_archive_lists_archived_items_and_rows_count_their_updates(app: TestApp) {
    let u = app.signup("archive@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap();
    let names: Vec<Value> = (0..5).map(|i| json!({"name": format!("A{i}")})).collect();
    let created = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items/bulk"), &u.token, json!({"items": names})).send().await.unwrap(),
        201,
    )
    .await;
    let ids: Vec<String> =
        created["data"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect();
    for id in [&ids[3], &ids[0], &ids[1]] {
        assert_eq!(app.delete(&format!("/api/v1/items/{id}"), &u.token).send().await.unwrap().status(), 204);
    }
    let archived = |cursor: String| {
        app.get(&format!("/api/v1/boards/{bid}/items/archived?limit=2&cursor={cursor}"), &u.token).send()
    };
    let first = expect_json(archived(String::new()).await.unwrap(), 200).await;
    let names_of = |page: &Value| -> Vec<String> {
        page["data"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(names_of(&first), ["A0", "A1"], "board order");
    let second = expect_json(archived(first["next_cursor"].as_str().unwrap().to_owned()).await.unwrap(), 200).await;
    assert_eq!((names_of(&second), second["next_cursor"].is_null()), (vec!["A3".to_owned()], true));
    expect_json(app.post(&format!("/api/v1/items/{}/restore", ids[0]), &u.token, json!({})).send().await.unwrap(), 200)
        .await;
    let after = expect_json(archived(String::new()).await.unwrap(), 200).await;
    assert_eq!(names_of(&after), ["A1", "A3"], "a restored item leaves the archive");

    for (item, n) in [(&ids[2], 2), (&ids[4], 1)] {
        for k in 0..n {
            let body = json!({"body": format!("note {k}")});
            expect_json(app.post(&format!("/api/v1/items/{item}/updates"), &u.token, body).send().await.unwrap(), 201)
                .await;
        }
    }
    let counts =
        expect_json(app.get(&format!("/api/v1/boards/{bid}/update-counts"), &u.token).send().await.unwrap(), 200).await;
    let mut got: Vec<(String, i64)> = counts["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["item_id"].as_str().unwrap().to_owned(), c["count"].as_i64().unwrap()))
        .collect();
    got.sort();
    let mut want = vec![(ids[2].clone(), 2), (ids[4].clone(), 1)];
    want.sort();
    assert_eq!(got, want);
    let stranger = app.signup("stranger@example.com").await;
    expect_error(
        app.get(&format!("/api/v1/boards/{bid}/update-counts"), &stranger.token).send().await.unwrap(),
        404,
        "board_not_found",
    )
    .await;
}

async fn items_archive_restore_delete_duplicate_subitems_and_bulk(app: TestApp) {
    let u = app.signup("items@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap();
    let status = column_id(&b, "Status");
    let bulk: Vec<Value> = (0..1000).map(|i| json!({"name": format!("Row {i:04}")})).collect();
    let created = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items/bulk"), &u.token, json!({"items": bulk})).send().await.unwrap(),
        201,
    )
    .await;
    let rows = created["data"].as_array().unwrap();
    assert_eq!(rows.len(), 1000);
    assert!(
        rows.windows(2).all(|w| w[0]["position"].as_str() < w[1]["position"].as_str()),
        "request order is board order"
    );
    let mut bad: Vec<Value> = (0..5).map(|i| json!({"name": format!("B{i}")})).collect();
    bad[3]["values"] = json!({status.clone(): "nope"});
    let err = expect_error(
        app.post(&format!("/api/v1/boards/{bid}/items/bulk"), &u.token, json!({"items": bad})).send().await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(err["details"]["index"], 3);
    let too_many: Vec<Value> = (0..1001).map(|i| json!({"name": format!("X{i}")})).collect();
    expect_error(
        app.post(&format!("/api/v1/boards/{bid}/items/bulk"), &u.token, json!({"items": too_many}))
            .send()
            .await
            .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    let q = |body: Value| app.post(&format!("/api/v1/boards/{bid}/items/query"), &u.token, body).send();
    assert_eq!(expect_json(q(json!({})).await.unwrap(), 200).await["total"], 1000, "the failed bulk wrote nothing");

    let first = rows[0]["id"].as_str().unwrap();
    assert_eq!(app.delete(&format!("/api/v1/items/{first}"), &u.token).send().await.unwrap().status(), 204);
    assert_eq!(expect_json(q(json!({})).await.unwrap(), 200).await["total"], 999);
    assert_eq!(
        expect_json(app.get(&format!("/api/v1/items/{first}"), &u.token).send().await.unwrap(), 200).await["archived"],
        true
    );
    expect_json(app.post(&format!("/api/v1/items/{first}/restore"), &u.token, json!({})).send().await.unwrap(), 200)
        .await;
    assert_eq!(expect_json(q(json!({})).await.unwrap(), 200).await["total"], 1000);

    let dup = expect_json(
        app.post(&format!("/api/v1/items/{first}/duplicate"), &u.token, json!({})).send().await.unwrap(),
        201,
    )
    .await;
    assert_eq!(dup["name"], "Row 0000");
    assert!(
        dup["position"].as_str() > rows[0]["position"].as_str()
            && dup["position"].as_str() < rows[1]["position"].as_str()
    );

    let sub = expect_json(
        app.post(&format!("/api/v1/items/{first}/subitems"), &u.token, json!({"name": "Step 1"})).send().await.unwrap(),
        201,
    )
    .await;
    expect_json(
        app.post(&format!("/api/v1/items/{first}/subitems"), &u.token, json!({"name": "Step 2"})).send().await.unwrap(),
        201,
    )
    .await;
    assert_eq!(sub["parent_item_id"], first);
    let subs =
        expect_json(app.get(&format!("/api/v1/items/{first}/subitems"), &u.token).send().await.unwrap(), 200).await;
    assert_eq!(
        subs["data"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect::<Vec<_>>(),
        ["Step 1", "Step 2"]
    );
    // The list comes from the board engine: an archived subitem leaves it, an edit shows.
    let second = subs["data"][1]["id"].as_str().unwrap().to_owned();
    let sub_id = sub["id"].as_str().unwrap();
    assert_eq!(app.delete(&format!("/api/v1/items/{sub_id}"), &u.token).send().await.unwrap().status(), 204);
    expect_json(
        app.patch(&format!("/api/v1/items/{second}"), &u.token, json!({"name": "Step 2b"})).send().await.unwrap(),
        200,
    )
    .await;
    let subs =
        expect_json(app.get(&format!("/api/v1/items/{first}/subitems"), &u.token).send().await.unwrap(), 200).await;
    assert_eq!(
        subs["data"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect::<Vec<_>>(),
        ["Step 2b"]
    );
    let board_now = expect_json(app.get(&format!("/api/v1/boards/{bid}"), &u.token).send().await.unwrap(), 200).await;
    assert!(board_now["subitem_board_id"].is_string());

    let dup_id = dup["id"].as_str().unwrap();
    assert_eq!(
        app.delete(&format!("/api/v1/items/{dup_id}?permanent=true"), &u.token).send().await.unwrap().status(),
        204
    );
    expect_error(app.get(&format!("/api/v1/items/{dup_id}"), &u.token).send().await.unwrap(), 404, "item_not_found")
        .await;

    // Deleting an item for good takes its subitems out of their board's queries too.
    let sub_board = board_now["subitem_board_id"].as_str().unwrap();
    let sub_query = || app.post(&format!("/api/v1/boards/{sub_board}/items/query"), &u.token, json!({})).send();
    assert_eq!(expect_json(sub_query().await.unwrap(), 200).await["total"], 1);
    let gone = app.delete(&format!("/api/v1/items/{first}?permanent=true"), &u.token).send().await.unwrap();
    assert_eq!(gone.status(), 204);
    assert_eq!(expect_json(sub_query().await.unwrap(), 200).await["total"], 0, "no ghost subitems");
}

/// An item archived in a group that is then deleted comes back in a group that exists.
async fn restore_never_revives_an_item_into_a_missing_group(app: TestApp) {
    let u = app.signup("revive@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap();
    let later = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/groups"), &u.token, json!({"title": "Later"})).send().await.unwrap(),
        201,
    )
    .await;
    let gid = later["id"].as_str().unwrap();
    let item = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items"), &u.token, json!({"name": "Parked", "group_id": gid}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    let iid = item["id"].as_str().unwrap();
    assert_eq!(app.delete(&format!("/api/v1/items/{iid}"), &u.token).send().await.unwrap().status(), 204);
    let r = app.delete(&format!("/api/v1/boards/{bid}/groups/{gid}"), &u.token).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let restored =
        expect_json(app.post(&format!("/api/v1/items/{iid}/restore"), &u.token, json!({})).send().await.unwrap(), 200)
            .await;
    let now = expect_json(app.get(&format!("/api/v1/boards/{bid}"), &u.token).send().await.unwrap(), 200).await;
    let groups: Vec<&str> = now["groups"].as_array().unwrap().iter().map(|g| g["id"].as_str().unwrap()).collect();
    assert!(groups.contains(&restored["group_id"].as_str().unwrap()), "restored into {groups:?}");
    let q = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items/query"), &u.token, json!({"group_by": "group"}))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert!(q["data"].as_array().unwrap().iter().any(|i| i["id"] == iid), "and it is listed again");

    // Items sent to another group go there archived or not: a restore lands beside them.
    let group = |title: &str| app.post(&format!("/api/v1/boards/{bid}/groups"), &u.token, json!({"title": title}));
    let (from, to) = (
        expect_json(group("From").send().await.unwrap(), 201).await,
        expect_json(group("To").send().await.unwrap(), 201).await,
    );
    let (from, to) = (from["id"].as_str().unwrap(), to["id"].as_str().unwrap());
    let parked = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items"), &u.token, json!({"name": "Parked 2", "group_id": from}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    let pid = parked["id"].as_str().unwrap();
    assert_eq!(app.delete(&format!("/api/v1/items/{pid}"), &u.token).send().await.unwrap().status(), 204);
    let r =
        app.delete(&format!("/api/v1/boards/{bid}/groups/{from}?move_items_to={to}"), &u.token).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let restored =
        expect_json(app.post(&format!("/api/v1/items/{pid}/restore"), &u.token, json!({})).send().await.unwrap(), 200)
            .await;
    assert_eq!(restored["group_id"].as_str(), Some(to), "the archived item moved with its group's items");
}

/// Each cell has its limit, and so does the row: six full long texts do not fit one item.
async fn an_item_s_size_is_bounded(app: TestApp) {
    let u = app.signup("size@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap();
    let mut notes = vec![];
    for i in 0..6 {
        let c = expect_json(
            app.post(
                &format!("/api/v1/boards/{bid}/columns"),
                &u.token,
                json!({"title": format!("Notes {i}"), "type": "long_text"}),
            )
            .send()
            .await
            .unwrap(),
            201,
        )
        .await;
        notes.push(c["id"].as_str().unwrap().to_owned());
    }
    let full = "x".repeat(50_000);
    let all: serde_json::Map<String, Value> = notes.iter().map(|n| (n.clone(), json!(full))).collect();
    let r = app.post(&format!("/api/v1/boards/{bid}/items"), &u.token, json!({"name": "Huge", "values": all})).send();
    let e = expect_error(r.await.unwrap(), 400, "validation_failed").await;
    assert_eq!(
        (e["details"]["field"].as_str(), e["details"]["rule"].as_str()),
        (Some("values"), Some("row_too_large"))
    );
    // Grown one cell at a time, the write that tips it over is refused and changes nothing.
    let item = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/items"), &u.token, json!({"name": "Grows"})).send().await.unwrap(),
        201,
    )
    .await;
    let iid = item["id"].as_str().unwrap();
    for n in &notes[..5] {
        let r = app.patch(&format!("/api/v1/items/{iid}"), &u.token, json!({"values": {n.clone(): full}})).send();
        expect_json(r.await.unwrap(), 200).await;
    }
    let r = app.patch(&format!("/api/v1/items/{iid}"), &u.token, json!({"values": {notes[5].clone(): full}})).send();
    expect_error(r.await.unwrap(), 400, "validation_failed").await;
    let stored = expect_json(app.get(&format!("/api/v1/items/{iid}"), &u.token).send().await.unwrap(), 200).await;
    assert!(stored["values"].get(&notes[5]).is_none());
    // A people cell names at most 100 people.
    let owner = column_id(&b, "Owner");
    let crowd: Vec<String> = (0..101).map(|_| u.user_id.clone()).collect();
    let r = app.patch(&format!("/api/v1/items/{iid}"), &u.token, json!({"values": {owner: crowd}})).send();
    let e = expect_error(r.await.unwrap(), 400, "validation_failed").await;
    assert_eq!(e["details"]["rule"], "max_items");
}

/// A subitem board, at any depth, is read and edited with the permission its top board gives:
/// a member of the organization the (private) top board does not admit gets 404 for a subitem
/// and for its board; made a viewer of the top board, they read both and may not edit them.
async fn a_subitem_board_takes_the_access_of_the_board_at_the_top(app: TestApp) {
    let owner = app.signup("top@example.com").await;
    let other = app.signup("other@example.com").await;
    app.join(&owner, &other, "member").await;
    let b = board(&app, &owner, None).await;
    let bid = b["id"].as_str().unwrap();
    let private = json!({"kind": "private"});
    expect_json(app.patch(&format!("/api/v1/boards/{bid}"), &owner.token, private).send().await.unwrap(), 200).await;
    let new = |path: String, name: &str| {
        let body = json!({"name": name});
        let r = app.post(&path, &owner.token, body).send();
        async move { expect_json(r.await.unwrap(), 201).await }
    };
    let parent = new(format!("/api/v1/boards/{bid}/items"), "Parent").await;
    let child = new(format!("/api/v1/items/{}/subitems", parent["id"].as_str().unwrap()), "Child").await;
    let grandchild = new(format!("/api/v1/items/{}/subitems", child["id"].as_str().unwrap()), "Grandchild").await;
    let paths: Vec<String> = [&child, &grandchild]
        .iter()
        .flat_map(|i| {
            [
                format!("/api/v1/items/{}", i["id"].as_str().unwrap()),
                format!("/api/v1/boards/{}", i["board_id"].as_str().unwrap()),
            ]
        })
        .collect();
    assert_ne!(child["board_id"], grandchild["board_id"], "two levels of subitem boards");
    for path in &paths {
        let r = app.get(path, &other.token).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path} before the top board admits them");
    }
    let member = format!("/api/v1/boards/{bid}/members/{}", other.user_id);
    let view = json!({"permission": "view"});
    let put = app.client().put(app.url(&member)).bearer_auth(&owner.token).json(&view);
    expect_json(put.send().await.unwrap(), 200).await;
    for path in &paths {
        let r = app.get(path, &other.token).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path} for a viewer of the top board");
    }
    let rename = json!({"name": "Renamed"});
    let edit = app.patch(&format!("/api/v1/items/{}", grandchild["id"].as_str().unwrap()), &other.token, rename);
    assert_eq!(edit.send().await.unwrap().status(), 403, "a viewer does not edit a subitem");
}
