//! Search through the API, on both stores with the embedded index and on PostgreSQL with the
//! PostgreSQL index: what is indexed from the event log (board and item names, text cells,
//! updates and replies, file names), kept current (renames, archives, deletes), found with
//! typos and prefixes, ranked and highlighted; never what the caller cannot read now (another
//! organization, a private board, access revoked); odd queries answered or refused clearly; and
//! an index deleted while the server is down rebuilt at start.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use serde_json::{json, Value};
use sunday_testkit::{backend_tests, board, expect_error, expect_json, Backend, Session, TestApp};

backend_tests!(
    search_finds_what_the_caller_may_read,
    a_deleted_index_is_rebuilt_at_start,
    columns_turned_into_or_from_text_are_indexed_again
);

/// The same on the PostgreSQL index (in the store's database).
mod postgres_index {
    use super::*;

    async fn spawn() -> TestApp {
        TestApp::spawn_with(Backend::Postgres, |c| c.search.backend = "postgres".into()).await
    }

    #[tokio::test]
    async fn search_finds_what_the_caller_may_read() {
        super::search_finds_what_the_caller_may_read(spawn().await).await
    }

    #[tokio::test]
    async fn a_deleted_index_is_rebuilt_at_start() {
        super::a_deleted_index_is_rebuilt_at_start(spawn().await).await
    }

    /// Nodes share the index: one keeps it (the lease's holder), all answer from it, and when
    /// the keeper stops another takes over.
    #[tokio::test]
    async fn nodes_of_a_cluster_share_one_index() {
        let nats = sunday_testkit::cluster::NatsServer::start().await;
        // The first node writes and does not search; the second keeps the index (the only
        // one that can: it finds what is written), the third, started after, stands by.
        let writer = TestApp::spawn_on_nats(&nats, |c| c.search.backend = "off".into()).await;
        let keeper = writer.spawn_node(|c| c.search.backend = "postgres".into()).await;
        let s = writer.signup("cluster@search.test").await;
        let b = id(&board(&writer, &s, None).await);
        item(&writer, &s, &b, "Harbour inspection", json!({})).await;
        until(&keeper, &s, "harbour", &["Harbour inspection"]).await;
        let standby = writer.spawn_node(|c| c.search.backend = "postgres".into()).await;
        item(&keeper, &s, &b, "Harbour permit", json!({})).await;
        until(&keeper, &s, "harbour", &["Harbour inspection", "Harbour permit"]).await;
        until(&standby, &s, "harbour", &["Harbour inspection", "Harbour permit"]).await;
        keeper.shutdown().await;
        item(&writer, &s, &b, "Harbour dredging", json!({})).await;
        until(&standby, &s, "dredging", &["Harbour dredging"]).await;
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn search(app: &TestApp, s: &Session, query: &str) -> Value {
    let r = app.client().get(app.url("/api/v1/search")).query(&[("q", query)]).bearer_auth(&s.token).send().await;
    expect_json(r.unwrap(), 200).await
}

fn titles(found: &Value) -> Vec<String> {
    found["data"].as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap().to_owned()).collect()
}

/// Waits (up to ten seconds: indexing follows the event log) until `query` finds `want`
/// titles for `s`.
async fn until(app: &TestApp, s: &Session, query: &str, want: &[&str]) -> Value {
    let mut last = Value::Null;
    for _ in 0..200 {
        last = search(app, s, query).await;
        let mut got = titles(&last);
        got.sort();
        let mut wanted: Vec<String> = want.iter().map(|w| (*w).to_owned()).collect();
        wanted.sort();
        if got == wanted {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("search {query:?}: wanted {want:?}, got {last}");
}

async fn item(app: &TestApp, s: &Session, board: &str, name: &str, values: Value) -> String {
    let body = json!({"name": name, "values": values});
    id(&expect_json(app.post(&format!("/api/v1/boards/{board}/items"), &s.token, body).send().await.unwrap(), 201)
        .await)
}

async fn search_finds_what_the_caller_may_read(app: TestApp) {
    let owner = app.signup("owner@search.test").await;
    let member = app.signup("member@search.test").await;
    app.join(&owner, &member, "member").await;
    let stranger = app.signup("stranger@search.test").await;
    let b = board(&app, &owner, None).await;
    let board_id = id(&b);
    let notes = id(&expect_json(
        app.post(
            &format!("/api/v1/boards/{board_id}/columns"),
            &owner.token,
            json!({"title": "Notes", "type": "text"}),
        )
        .send()
        .await
        .unwrap(),
        201,
    )
    .await);
    let launch = item(&app, &owner, &board_id, "Launch webinar", json!({&notes: "Budget approved by finance"})).await;
    item(&app, &owner, &board_id, "Hire designer", json!({})).await;

    // Item names and text cells, with typos and prefixes; each hit says where the words are.
    let found = until(&app, &member, "webinar", &["Launch webinar"]).await;
    let hit = &found["data"][0];
    assert_eq!((hit["kind"].as_str(), hit["item_id"].as_str()), (Some("item"), Some(launch.as_str())));
    assert_eq!(hit["board_id"], board_id.as_str());
    assert_eq!(hit["title_highlights"], json!([{"start": 7, "end": 14}]));
    until(&app, &member, "webnar", &["Launch webinar"]).await;
    until(&app, &member, "finan", &["Launch webinar"]).await;
    let found = until(&app, &member, "budget approved", &["Launch webinar"]).await;
    assert_eq!(found["data"][0]["snippet"], "Budget approved by finance");
    assert_eq!(found["data"][0]["snippet_highlights"], json!([{"start": 0, "end": 6}, {"start": 7, "end": 15}]));

    // Updates, replies and file names.
    let body = json!({"body": "The venue in Lisbon is confirmed"});
    let update = id(&expect_json(
        app.post(&format!("/api/v1/items/{launch}/updates"), &owner.token, body).send().await.unwrap(),
        201,
    )
    .await);
    let found = until(&app, &member, "lisbon", &["Launch webinar"]).await;
    assert_eq!(
        (found["data"][0]["kind"].as_str(), found["data"][0]["update_id"].as_str()),
        (Some("update"), Some(update.as_str()))
    );
    let r = app
        .client()
        .post(app.url("/api/v1/files?filename=contract-draft.pdf"))
        .bearer_auth(&owner.token)
        .body("%PDF-1.4 x");
    let file = id(&expect_json(r.send().await.unwrap(), 201).await);
    let body = json!({"body": "signed version", "files": [file]});
    expect_json(app.post(&format!("/api/v1/updates/{update}/replies"), &owner.token, body).send().await.unwrap(), 201)
        .await;
    let found = until(&app, &member, "contract draft", &["contract-draft.pdf"]).await;
    assert_eq!(found["data"][0]["file_id"], file.as_str());
    until(&app, &member, "signed", &["Launch webinar"]).await;
    // Kinds and boards narrow it.
    let r = app
        .client()
        .get(app.url("/api/v1/search"))
        .query(&[("q", "launch"), ("kind", "item")])
        .bearer_auth(&member.token);
    let items = expect_json(r.send().await.unwrap(), 200).await;
    let kinds: Vec<&str> = items["data"].as_array().unwrap().iter().map(|h| h["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["item"], "updates and files of the item are titled with its name, but not items: {items}");

    // Never what the caller cannot read.
    assert!(titles(&search(&app, &stranger, "webinar").await).is_empty());
    let r = app.patch(&format!("/api/v1/boards/{board_id}"), &owner.token, json!({"kind": "private"}));
    expect_json(r.send().await.unwrap(), 200).await;
    assert!(titles(&search(&app, &member, "webinar").await).is_empty(), "a private board they are not on");
    until(&app, &owner, "webinar", &["Launch webinar"]).await;
    let r = app
        .client()
        .get(app.url("/api/v1/search"))
        .query(&[("q", "webinar"), ("board_id", board_id.as_str())])
        .bearer_auth(&member.token);
    expect_error(r.send().await.unwrap(), 404, "board_not_found").await;
    let r = app.patch(&format!("/api/v1/boards/{board_id}"), &owner.token, json!({"kind": "public"}));
    expect_json(r.send().await.unwrap(), 200).await;

    // Kept current: a rename, an archive.
    let r = app.patch(&format!("/api/v1/items/{launch}"), &owner.token, json!({"name": "Launch conference"}));
    expect_json(r.send().await.unwrap(), 200).await;
    until(&app, &member, "conference", &["Launch conference"]).await;
    until(&app, &member, "webinar", &[]).await;
    // The board's own document is written at its first indexing and when it is renamed, not
    // with every batch of item changes.
    until(&app, &member, "board", &["Board"]).await;
    let r = app.patch(&format!("/api/v1/boards/{board_id}"), &owner.token, json!({"name": "Quokka roadmap"}));
    expect_json(r.send().await.unwrap(), 200).await;
    until(&app, &member, "quokka", &["Quokka roadmap"]).await;
    until(&app, &member, "board", &[]).await;
    assert_eq!(app.delete(&format!("/api/v1/items/{launch}"), &owner.token).send().await.unwrap().status(), 204);
    until(&app, &member, "lisbon", &[]).await;
    until(&app, &member, "budget", &[]).await;

    // Odd queries get answers or a clear 400, never a 500.
    for q in ["\"launch", "(hire OR", "hire]]", "-hire", "*", "hire~2^3", "ハイヤー", "🙂"] {
        search(&app, &member, q).await;
    }
    let r = app.client().get(app.url("/api/v1/search")).query(&[("q", "x".repeat(10_000))]).bearer_auth(&member.token);
    expect_error(r.send().await.unwrap(), 400, "validation_failed").await;
    let r = app.client().get(app.url("/api/v1/search")).query(&[("q", " ")]).bearer_auth(&member.token);
    expect_error(r.send().await.unwrap(), 400, "validation_failed").await;
    let r = app
        .client()
        .get(app.url("/api/v1/search"))
        .query(&[("q", "hire"), ("kind", "nope")])
        .bearer_auth(&member.token);
    expect_error(r.send().await.unwrap(), 400, "invalid_parameter").await;
}

async fn a_deleted_index_is_rebuilt_at_start(mut app: TestApp) {
    let s = app.signup("rebuild@search.test").await;
    let b = id(&board(&app, &s, None).await);
    for name in ["Quarterly report", "Quarterly review", "Annual party"] {
        item(&app, &s, &b, name, json!({})).await;
    }
    until(&app, &s, "quarterly", &["Quarterly report", "Quarterly review"]).await;
    let backend = app.config.search.backend.clone();
    let (dir, url) = (app.data_dir().join("search"), app.config.store.url.expose().to_owned());
    // The index's counts are the whole instance's: its admins' to see.
    let other = app.signup("other@search.test").await;
    expect_error(app.get("/api/v1/search/status", &other.token).send().await.unwrap(), 403, "forbidden").await;
    app.config.auth.instance_admins = vec![s.email.clone()];
    app.restart_with(Duration::ZERO, async || {
        if backend == "postgres" {
            let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(connection);
            client.batch_execute("DROP TABLE search_docs").await.unwrap();
        } else {
            std::fs::remove_dir_all(&dir).unwrap();
        }
    })
    .await;
    let status = expect_json(app.get("/api/v1/search/status", &s.token).send().await.unwrap(), 200).await;
    assert_eq!(status["backend"], backend.as_str());
    let ready = expect_json(app.client().get(app.url("/ready")).send().await.unwrap(), 200).await;
    assert_eq!(ready["checks"]["search"]["backend"], backend.as_str(), "{ready}");
    until(&app, &s, "quarterly", &["Quarterly report", "Quarterly review"]).await;
    let status = expect_json(app.get("/api/v1/search/status", &s.token).send().await.unwrap(), 200).await;
    assert_eq!(
        (status["rebuilding"].as_bool(), status["boards_done"].as_u64()),
        (Some(false), status["boards_total"].as_u64())
    );
    assert!(status["documents"].as_u64().unwrap() >= 3, "{status}");
    let ready = expect_json(app.client().get(app.url("/ready")).send().await.unwrap(), 200).await;
    assert_eq!(
        (ready["status"].as_str(), ready["checks"]["search"]["rebuilding"].as_bool()),
        (Some("ready"), Some(false))
    );
}

/// Items are indexed again when the text their columns hold changes: a number column turned
/// into text makes its values found, a text column deleted takes its words away; a new formula
/// column (no text) leaves what is found as it was.
async fn columns_turned_into_or_from_text_are_indexed_again(app: TestApp) {
    let s = app.signup("columns@search.test").await;
    let b = board(&app, &s, None).await;
    let board_id = id(&b);
    let column = |title: &str, kind: &str, settings: Value| {
        let (app, s, board_id) = (&app, &s, &board_id);
        let body = json!({"title": title, "type": kind, "settings": settings});
        async move {
            let r = app.post(&format!("/api/v1/boards/{board_id}/columns"), &s.token, body).send().await.unwrap();
            id(&expect_json(r, 201).await)
        }
    };
    let notes = column("Notes", "text", json!({})).await;
    let code = column("Code", "number", json!({})).await;
    item(&app, &s, &board_id, "Quarterly plan", json!({&notes: "zebracorn figures", &code: 987_654})).await;
    until(&app, &s, "zebracorn", &["Quarterly plan"]).await;
    until(&app, &s, "987654", &[]).await;

    column("Six", "formula", json!({"expression": "2 * 3"})).await;
    let r = app
        .patch(&format!("/api/v1/boards/{board_id}/columns/{code}"), &s.token, json!({"type": "text"}))
        .send()
        .await
        .unwrap();
    expect_json(r, 200).await;
    until(&app, &s, "987654", &["Quarterly plan"]).await;

    let r = app.delete(&format!("/api/v1/boards/{board_id}/columns/{notes}"), &s.token).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    until(&app, &s, "zebracorn", &[]).await;
    until(&app, &s, "quarterly", &["Quarterly plan"]).await;
}
