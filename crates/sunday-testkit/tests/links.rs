//! A board's secret links through the API, on both stores: the iCal feed of its dates, and
//! inbound webhooks that create or update items (and fire `webhook_received` recipes).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use serde_json::{json, Value};
use sunday_testkit::{backend_tests, board, column_id, expect_error, expect_json, TestApp};

backend_tests!(
    an_ical_feed_lists_the_dates_until_revoked,
    inbound_webhooks_create_then_update_items,
    an_inbound_call_fires_webhook_received_recipes,
);

async fn link(app: &TestApp, token: &str, board: &str, body: Value) -> Value {
    let r = app.post(&format!("/api/v1/boards/{board}/links"), token, body).send().await.unwrap();
    expect_json(r, 201).await
}

async fn an_ical_feed_lists_the_dates_until_revoked(app: TestApp) {
    let u = app.signup("ical@example.com").await;
    let b = board(&app, &u, Some("project_tracker")).await;
    let bid = b["id"].as_str().unwrap();
    let e = expect_error(
        app.post(
            &format!("/api/v1/boards/{bid}/links"),
            &u.token,
            json!({"kind": "ical", "name": "x", "mapping": {"name": "/t"}}),
        )
        .send()
        .await
        .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(e["details"]["field"], "mapping");
    let made = link(&app, &u.token, bid, json!({"kind": "ical", "name": "Team calendar"})).await;
    let path = made["path"].as_str().unwrap().to_owned();
    assert!(path.starts_with("/api/v1/ical/sul_") && path.ends_with(".ics"), "{path}");
    let listed =
        expect_json(app.get(&format!("/api/v1/boards/{bid}/links"), &u.token).send().await.unwrap(), 200).await;
    assert_eq!(listed["data"][0]["name"], "Team calendar");
    assert!(!listed.to_string().contains("sul_"), "the token is shown once: {listed}");

    // No session: the token is the key.
    let r = app.client().get(app.url(&path)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let ics = r.text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
    // Six sample items: five with a due date, two with a timeline.
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 7, "{ics}");
    assert!(ics.contains("SUMMARY:Kick-off meeting (Due date)"), "{ics}");
    assert!(ics.contains("DTSTART;VALUE=DATE:"), "all-day events for calendar days: {ics}");
    // Coloured by status: the label as the category, its colour as the event's (RFC 7986).
    assert!(ics.contains("CATEGORIES:Done") && ics.contains("COLOR:green"), "{ics}");
    // The token without the suffix works too; a wrong token is a 404.
    let bare = path.trim_end_matches(".ics");
    assert_eq!(app.client().get(app.url(bare)).send().await.unwrap().status(), 200);
    let wrong = app.client().get(app.url("/api/v1/ical/sul_nope.ics")).send().await.unwrap();
    expect_error(wrong, 404, "link_not_found").await;

    // A viewer cannot make links; the owner revokes it and the URL stops working.
    let viewer = app.signup("ical-viewer@example.com").await;
    app.join(&u, &viewer, "viewer").await;
    let r = app
        .post(&format!("/api/v1/boards/{bid}/links"), &viewer.token, json!({"kind": "ical", "name": "v"}))
        .send()
        .await
        .unwrap();
    assert!(r.status() == 403 || r.status() == 404, "{}", r.status());
    let id = made["id"].as_str().unwrap();
    assert_eq!(app.delete(&format!("/api/v1/links/{id}"), &u.token).send().await.unwrap().status(), 204);
    expect_error(app.client().get(app.url(&path)).send().await.unwrap(), 404, "link_not_found").await;
}

async fn inbound_webhooks_create_then_update_items(app: TestApp) {
    let u = app.signup("inbound@example.com").await;
    let b = board(&app, &u, Some("project_tracker")).await;
    let bid = b["id"].as_str().unwrap();
    let (status, notes, budget) = (column_id(&b, "Status"), column_id(&b, "Notes"), column_id(&b, "Budget"));
    let path = format!("/api/v1/boards/{bid}/links");
    for (mapping, field) in [
        (json!({"name": "title"}), "mapping.name"),
        (
            json!({"name": "/t", "values": {"00000000-0000-7000-8000-000000000000": "/x"}}),
            "mapping.values.00000000-0000-7000-8000-000000000000",
        ),
        (json!({"name": "/t", "match": {"column_id": &notes, "pointer": "x"}}), "mapping.match.pointer"),
    ] {
        let body = json!({"kind": "inbound", "name": "x", "mapping": mapping});
        let e = expect_error(app.post(&path, &u.token, body).send().await.unwrap(), 400, "validation_failed").await;
        assert_eq!(e["details"]["field"], field, "{e}");
    }
    let mapping = json!({
        "name": "/ticket/title",
        "values": {&status: "/state", &notes: "/ticket/ref", &budget: "/amount"},
        "match": {"column_id": &notes, "pointer": "/ticket/ref"}
    });
    let made = link(&app, &u.token, bid, json!({"kind": "inbound", "name": "Helpdesk", "mapping": mapping})).await;
    assert_eq!(made["mapping"]["match"]["pointer"], "/ticket/ref");
    let url = app.url(made["path"].as_str().unwrap());
    let send = |body: Value| app.client().post(&url).json(&body).send();

    let first = expect_json(
        send(json!({"ticket": {"title": "Printer on fire", "ref": "T-1"}, "state": "Stuck", "amount": 50}))
            .await
            .unwrap(),
        201,
    )
    .await;
    assert_eq!(first["created"], true);
    let iid = first["item_id"].as_str().unwrap();
    let item = expect_json(app.get(&format!("/api/v1/items/{iid}"), &u.token).send().await.unwrap(), 200).await;
    assert_eq!(item["name"], "Printer on fire");
    let stuck = b["columns"].as_array().unwrap().iter().find(|c| c["title"] == "Status").unwrap()["settings"]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "Stuck")
        .unwrap()["id"]
        .clone();
    assert_eq!(item["values"][&status], stuck, "a label by its name: {item}");
    assert_eq!(item["values"][&budget], 50.0);

    // The same reference again updates that item; the fields the body lacks stay.
    let again = expect_json(
        send(json!({"ticket": {"title": "Printer fixed", "ref": "T-1"}, "state": "Done"})).await.unwrap(),
        200,
    )
    .await;
    assert_eq!((again["created"].as_bool(), again["item_id"].as_str()), (Some(false), Some(iid)));
    let item = expect_json(app.get(&format!("/api/v1/items/{iid}"), &u.token).send().await.unwrap(), 200).await;
    assert_eq!(item["name"], "Printer fixed");
    assert_eq!(item["values"][&budget], 50.0);

    // Bad bodies: not an object, no name, a value the column refuses; nothing is written.
    let before = expect_json(app.get(&format!("/api/v1/boards/{bid}/items"), &u.token).send().await.unwrap(), 200)
        .await["data"]
        .as_array()
        .unwrap()
        .len();
    expect_error(send(json!([1, 2])).await.unwrap(), 400, "invalid_body").await;
    let e = expect_error(send(json!({"ticket": {"ref": "T-2"}})).await.unwrap(), 400, "validation_failed").await;
    assert_eq!(e["details"]["field"], "name");
    expect_error(
        send(json!({"ticket": {"title": "x", "ref": "T-3"}, "amount": "lots"})).await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    let after = expect_json(app.get(&format!("/api/v1/boards/{bid}/items"), &u.token).send().await.unwrap(), 200).await
        ["data"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);
    // The activity names the Webhook actor.
    let activity =
        expect_json(app.get(&format!("/api/v1/items/{iid}/activity"), &u.token).send().await.unwrap(), 200).await;
    assert!(
        activity["data"].as_array().unwrap().iter().all(|e| e["actor"] == "00000000-0000-7000-8000-0000a0700002"),
        "{activity}"
    );
    // An iCal token does not open the inbound endpoint.
    let ical = link(&app, &u.token, bid, json!({"kind": "ical", "name": "c"})).await;
    let token = ical["path"].as_str().unwrap().trim_start_matches("/api/v1/ical/").trim_end_matches(".ics");
    let r = app.client().post(app.url(&format!("/api/v1/inbound/{token}"))).json(&json!({})).send().await.unwrap();
    expect_error(r, 404, "link_not_found").await;
}

async fn an_inbound_call_fires_webhook_received_recipes(app: TestApp) {
    let u = app.signup("inbound-recipe@example.com").await;
    let b = board(&app, &u, Some("project_tracker")).await;
    let bid = b["id"].as_str().unwrap();
    let recipe = json!({"name": "ack", "trigger": {"type": "webhook_received"},
        "actions": [{"type": "post_update", "text": "Received from the helpdesk: {item.name}"}]});
    let auto = expect_json(
        app.post(&format!("/api/v1/boards/{bid}/automations"), &u.token, recipe).send().await.unwrap(),
        201,
    )
    .await;
    let made = link(&app, &u.token, bid, json!({"kind": "inbound", "name": "h", "mapping": {"name": "/title"}})).await;
    // An item made by a person does not fire it.
    let by_hand =
        app.post(&format!("/api/v1/boards/{bid}/items"), &u.token, json!({"name": "By hand"})).send().await.unwrap();
    expect_json(by_hand, 201).await;
    let r = app
        .client()
        .post(app.url(made["path"].as_str().unwrap()))
        .json(&json!({"title": "From outside"}))
        .send()
        .await
        .unwrap();
    let iid = expect_json(r, 201).await["item_id"].as_str().unwrap().to_owned();
    let runs_path = format!("/api/v1/automations/{}/runs", auto["id"].as_str().unwrap());
    for _ in 0..200 {
        let runs = expect_json(app.get(&runs_path, &u.token).send().await.unwrap(), 200).await;
        if let Some(run) = runs["data"].as_array().unwrap().first() {
            assert_eq!((run["item_id"].as_str(), run["status"].as_str()), (Some(iid.as_str()), Some("succeeded")));
            assert_eq!(runs["data"].as_array().unwrap().len(), 1);
            let updates =
                expect_json(app.get(&format!("/api/v1/items/{iid}/updates"), &u.token).send().await.unwrap(), 200)
                    .await;
            assert_eq!(updates["data"][0]["body"], "Received from the helpdesk: From outside");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the recipe did not run");
}
