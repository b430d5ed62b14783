//! My Work through the API, on both backends: the items assigned to me in any people column,
//! across the boards I may see, in the organization asked for.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use sunday_testkit::{backend_tests, board, expect_error, expect_json, TestApp};

backend_tests!(my_work_lists_what_is_assigned_to_me_where_i_may_see_it);

async fn work(app: &TestApp, token: &str, org: &str) -> Value {
    expect_json(app.get(&format!("/api/v1/me/work?org_id={org}"), token).send().await.unwrap(), 200).await
}

fn names(work: &Value) -> Vec<String> {
    let mut n: Vec<String> =
        work["items"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().to_owned()).collect();
    n.sort();
    n
}

async fn my_work_lists_what_is_assigned_to_me_where_i_may_see_it(app: TestApp) {
    let ann = app.signup("ann@example.com").await;
    let bo = app.signup("bo@example.com").await;
    app.join(&ann, &bo, "member").await;
    let b = board(&app, &ann, None).await;
    let bid = b["id"].as_str().unwrap();
    let owner = b["columns"].as_array().unwrap().iter().find(|c| c["type"] == "people").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let helper = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/columns"), &ann.token, json!({"title": "Helper", "type": "people"}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let group = b["groups"][0]["id"].as_str().unwrap();
    for (name, values) in [
        ("Mine", json!({owner.clone(): [ann.user_id]})),
        ("Shared", json!({owner.clone(): [bo.user_id], helper.clone(): [ann.user_id]})),
        ("Bo's", json!({owner.clone(): [bo.user_id]})),
        ("Nobody's", json!({})),
    ] {
        let body = json!({"name": name, "group_id": group, "values": values});
        expect_json(app.post(&format!("/api/v1/boards/{bid}/items"), &ann.token, body).send().await.unwrap(), 201)
            .await;
    }
    let org = ann.org_id.to_string();
    let mine = work(&app, &ann.token, &org).await;
    assert_eq!(names(&mine), ["Mine", "Shared"], "in any people column: {mine}");
    assert_eq!(mine["truncated"], false);
    let board_of = &mine["boards"][0];
    assert_eq!((board_of["id"].as_str(), board_of["name"].as_str()), (Some(bid), Some("Board")));
    assert!(board_of["date_column_id"].is_string() && board_of["status_column_id"].is_string(), "{board_of}");
    assert_eq!(names(&work(&app, &bo.token, &org).await), ["Bo's", "Shared"]);

    // A board made private is out of Bo's work (he is not one of its members).
    let r = app.patch(&format!("/api/v1/boards/{bid}"), &ann.token, json!({"kind": "private"}));
    expect_json(r.send().await.unwrap(), 200).await;
    assert!(work(&app, &bo.token, &org).await["items"].as_array().unwrap().is_empty());
    assert_eq!(names(&work(&app, &ann.token, &org).await), ["Mine", "Shared"]);

    // Another organization's work is not Bo's to read; his own org is empty.
    let theirs = app.get(&format!("/api/v1/me/work?org_id={}", bo.org_id), &ann.token).send().await.unwrap();
    expect_error(theirs, 404, "org_not_found").await;
    assert!(work(&app, &bo.token, &bo.org_id.to_string()).await["items"].as_array().unwrap().is_empty());
}
