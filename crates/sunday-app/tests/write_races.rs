//! Writes racing other writes, replayed deterministically on both backends: a change is held
//! back between its checks and its commit while another one commits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::json;
use sunday_app::idempotency::{IdempotentRequest, WAIT_FOR_FIRST};
use sunday_types::{boards::Column, ApiError, ErrorCode};

use support::{parse, Backend, TestApp};

backend_tests!(
    item_values_follow_a_column_type_change_that_races_them,
    new_items_follow_a_column_type_change_that_races_them,
    a_failed_idempotent_request_frees_its_key
);

async fn item_values_follow_a_column_type_change_that_races_them(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (actor, board) = t.owner_with_board("race@example.com").await;
    let boards = &t.app.boards;
    let notes: Column =
        boards.create_column(&actor, board.id, parse(json!({"title": "Notes", "type": "long_text"}))).await.unwrap();
    let item = boards.create_item(&actor, board.id, parse(json!({"name": "Task"}))).await.unwrap();
    let key = notes.id.to_string();

    // Long text keeps surrounding spaces; single-line text trims them. The change is checked
    // against the long text column, then held back before its commit…
    let held = t.store.hold_next_commit();
    let update = tokio::spawn({
        let (app, actor) = (t.app.clone(), actor.clone());
        let values = json!({"values": {key.clone(): "  padded  "}});
        async move { app.boards.update_item(&actor, item.id, parse(values), None).await }
    });
    let release = held.reached().await;
    // …while the column becomes single-line text.
    boards.update_column(&actor, board.id, notes.id, parse(json!({"type": "text"}))).await.unwrap();
    release.send(()).unwrap();

    let updated = update.await.unwrap().unwrap();
    assert_eq!(
        updated.values.json(notes.id),
        Some(json!("padded")),
        "the value is checked again against the text column"
    );
    let stored = boards.get_item(&actor, item.id).await.unwrap();
    assert_eq!(stored.values.json(notes.id), Some(json!("padded")));
}

async fn new_items_follow_a_column_type_change_that_races_them(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (actor, board) = t.owner_with_board("race-new@example.com").await;
    let boards = &t.app.boards;
    let notes: Column =
        boards.create_column(&actor, board.id, parse(json!({"title": "Notes", "type": "long_text"}))).await.unwrap();
    let key = notes.id.to_string();

    // The new item is checked against the long text column, then held before its commit…
    let held = t.store.hold_next_commit();
    let create = tokio::spawn({
        let (app, actor) = (t.app.clone(), actor.clone());
        let req = json!({"name": "Task", "values": {key.clone(): "  padded  "}});
        async move { app.boards.create_item(&actor, board.id, parse(req)).await }
    });
    let release = held.reached().await;
    // …while the column becomes single-line text.
    boards.update_column(&actor, board.id, notes.id, parse(json!({"type": "text"}))).await.unwrap();
    release.send(()).unwrap();

    let created = create.await.unwrap().unwrap();
    assert_eq!(
        created.values.json(notes.id),
        Some(json!("padded")),
        "the new item is checked again against the text column"
    );
    let stored = boards.get_item(&actor, created.id).await.unwrap();
    assert_eq!(stored.values.json(notes.id), Some(json!("padded")));
}

async fn a_failed_idempotent_request_frees_its_key(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let (actor, board) = t.owner_with_board("retry@example.com").await;
    let (boards, idem) = (&t.app.boards, &t.app.idempotency);
    let request = IdempotentRequest { user: actor.user_id, key: "k1".into(), request_hash: "h1".into() };

    // The work commits (reserving the key in that commit), then fails.
    let failed = idem
        .run(request.clone(), 201, async {
            boards.create_group(&actor, board.id, parse(json!({"title": "First try"}))).await?;
            Err::<(), _>(ApiError::unavailable("the rest of the work failed"))
        })
        .await;
    assert_eq!(failed.unwrap_err().code, ErrorCode::Unavailable);

    // A retry runs at once instead of waiting for an answer that will never come…
    let started = tokio::time::Instant::now();
    let retried = idem
        .run(request.clone(), 201, async {
            boards.create_group(&actor, board.id, parse(json!({"title": "Second try"}))).await
        })
        .await
        .unwrap();
    assert!(!retried.replayed && started.elapsed() < WAIT_FOR_FIRST, "the retry did the work");
    // …and its response is the key's answer from then on.
    let again = idem.run(request, 201, async { Err::<(), _>(ApiError::internal("ran twice")) }).await.unwrap();
    assert!(again.replayed);
    assert_eq!(again.response.body, retried.response.body);
}
