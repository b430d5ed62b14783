//! Workspaces: lifecycle, conditional writes, open/closed visibility — on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use sunday_testkit::{backend_tests, expect_error, expect_json, Session, TestApp};

backend_tests!(
    workspace_lifecycle_and_versions,
    closed_workspaces_and_roles,
    invalid_workspace_input_writes_nothing,
    a_closed_workspace_s_boards_are_its_members_alone,
    deleting_a_workspace_never_sweeps_boards_away
);

async fn workspace_lifecycle_and_versions(app: TestApp) {
    let u = app.signup("ws@example.com").await;
    let ws = expect_json(
        app.post("/api/v1/workspaces", &u.token, json!({"name": " Marketing ", "description": "Campaigns"}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    assert_eq!(
        (ws["name"].as_str().unwrap(), ws["kind"].as_str().unwrap(), ws["version"].as_i64().unwrap()),
        ("Marketing", "open", 1)
    );
    assert_eq!(ws["org_id"], u.org_id.as_str());
    let path = format!("/api/v1/workspaces/{}", ws["id"].as_str().unwrap());

    // An unconditional patch changes only the named field.
    let renamed = expect_json(app.patch(&path, &u.token, json!({"name": "Growth"})).send().await.unwrap(), 200).await;
    assert_eq!(
        (
            renamed["name"].as_str().unwrap(),
            renamed["description"].as_str().unwrap(),
            renamed["version"].as_i64().unwrap()
        ),
        ("Growth", "Campaigns", 2)
    );

    // A stale If-Match conflicts and returns the current state; a fresh one applies.
    let stale = app.patch(&path, &u.token, json!({"kind": "closed"})).header("if-match", "\"1\"").send().await.unwrap();
    let conflict = expect_error(stale, 409, "version_conflict").await;
    assert_eq!(conflict["details"]["current"]["version"], 2);
    assert_eq!(conflict["details"]["current"]["name"], "Growth");
    let body_stale = app.patch(&path, &u.token, json!({"kind": "closed", "expected_version": 1})).send().await.unwrap();
    expect_error(body_stale, 409, "version_conflict").await;
    let fresh = expect_json(
        app.patch(&path, &u.token, json!({"kind": "closed"})).header("if-match", "\"2\"").send().await.unwrap(),
        200,
    )
    .await;
    assert_eq!((fresh["kind"].as_str().unwrap(), fresh["version"].as_i64().unwrap()), ("closed", 3));
    let garbage = app.patch(&path, &u.token, json!({"name": "x"})).header("if-match", "soon").send().await.unwrap();
    expect_error(garbage, 400, "invalid_parameter").await;
    let disagree = app
        .patch(&path, &u.token, json!({"name": "x", "expected_version": 3}))
        .header("if-match", "\"2\"")
        .send()
        .await
        .unwrap();
    expect_error(disagree, 400, "validation_failed").await;

    let members = expect_json(app.get(&format!("{path}/members"), &u.token).send().await.unwrap(), 200).await;
    assert_eq!(members["data"][0]["user"]["id"], u.user_id.as_str());

    assert_eq!(app.delete(&path, &u.token).send().await.unwrap().status(), 204);
    expect_error(app.get(&path, &u.token).send().await.unwrap(), 404, "workspace_not_found").await;
    expect_error(app.get("/api/v1/workspaces/123", &u.token).send().await.unwrap(), 400, "invalid_parameter").await;
}

async fn closed_workspaces_and_roles(app: TestApp) {
    let owner = app.signup("boss@closed.example").await;
    let member = app.signup("member@closed.example").await;
    let viewer = app.signup("viewer@closed.example").await;
    let guest = app.signup("guest@closed.example").await;
    for (who, role) in [(&member, "member"), (&viewer, "viewer"), (&guest, "guest")] {
        app.join(&owner, who, role).await;
    }
    let org = owner.org_id.clone();
    let create = |tok: &str, name: &str, kind: &str| {
        app.post("/api/v1/workspaces", tok, json!({"name": name, "kind": kind, "org_id": org})).send()
    };
    let open = expect_json(create(&owner.token, "Everyone", "open").await.unwrap(), 201).await;
    let closed = expect_json(create(&owner.token, "Leadership", "closed").await.unwrap(), 201).await;
    let closed_path = format!("/api/v1/workspaces/{}", closed["id"].as_str().unwrap());
    let list_names = |tok: String| {
        let req = app.get(&format!("/api/v1/workspaces?org_id={org}"), &tok).send();
        async move {
            let v = expect_json(req.await.unwrap(), 200).await;
            v["data"].as_array().unwrap().iter().map(|w| w["name"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
        }
    };

    assert_eq!(list_names(owner.token.clone()).await, ["Everyone", "Leadership"]);
    assert_eq!(list_names(member.token.clone()).await, ["Everyone"]);
    assert_eq!(list_names(viewer.token.clone()).await, ["Everyone"]);
    assert!(list_names(guest.token.clone()).await.is_empty(), "guests see only what they are added to");
    expect_error(app.get(&closed_path, &member.token).send().await.unwrap(), 404, "workspace_not_found").await;

    // Viewers and guests do not create; members edit only workspaces they belong to.
    expect_error(create(&viewer.token, "Nope", "open").await.unwrap(), 403, "forbidden").await;
    expect_error(create(&guest.token, "Nope", "open").await.unwrap(), 403, "forbidden").await;
    let open_path = format!("/api/v1/workspaces/{}", open["id"].as_str().unwrap());
    expect_error(
        app.patch(&open_path, &member.token, json!({"name": "Mine now"})).send().await.unwrap(),
        403,
        "forbidden",
    )
    .await;
    expect_error(
        app.patch(&open_path, &viewer.token, json!({"name": "Mine now"})).send().await.unwrap(),
        403,
        "forbidden",
    )
    .await;

    // Adding the member to the closed workspace makes it visible and editable to them.
    let add = app
        .post(&format!("{closed_path}/members"), &owner.token, json!({"user_id": member.user_id}))
        .send()
        .await
        .unwrap();
    expect_json(add, 201).await;
    let dup = app
        .post(&format!("{closed_path}/members"), &owner.token, json!({"user_id": member.user_id}))
        .send()
        .await
        .unwrap();
    expect_error(dup, 409, "already_member").await;
    assert_eq!(list_names(member.token.clone()).await, ["Everyone", "Leadership"]);
    expect_json(
        app.patch(&closed_path, &member.token, json!({"description": "Quarterly goals"})).send().await.unwrap(),
        200,
    )
    .await;

    // Someone outside the organization cannot be added.
    let outsider = app.signup("out@other.example").await;
    let add_out = app
        .post(&format!("{closed_path}/members"), &owner.token, json!({"user_id": outsider.user_id}))
        .send()
        .await
        .unwrap();
    expect_error(add_out, 404, "member_not_found").await;

    // Leaving hides it again.
    let leave = app.delete(&format!("{closed_path}/members/{}", member.user_id), &member.token).send().await.unwrap();
    assert_eq!(leave.status(), 204);
    expect_error(app.get(&closed_path, &member.token).send().await.unwrap(), 404, "workspace_not_found").await;
}

async fn invalid_workspace_input_writes_nothing(app: TestApp) {
    let u = app.signup("bad-ws@example.com").await;
    for (body, status, code) in [
        (json!({"name": ""}), 400, "validation_failed"),
        (json!({"name": "   "}), 400, "validation_failed"),
        (json!({"name": "x".repeat(101)}), 400, "validation_failed"),
        (json!({"name": "ok", "description": "d".repeat(2001)}), 400, "validation_failed"),
        (json!({"name": "ok", "kind": "secret"}), 400, "invalid_body"),
        (json!({"name": "ok", "org_id": "not-a-uuid"}), 400, "invalid_body"),
        (json!({"name": 5}), 400, "invalid_body"),
        (json!({"title": "ok"}), 400, "invalid_body"),
    ] {
        expect_error(app.post("/api/v1/workspaces", &u.token, body).send().await.unwrap(), status, code).await;
    }
    let list = expect_json(app.get("/api/v1/workspaces", &u.token).send().await.unwrap(), 200).await;
    assert!(list["data"].as_array().unwrap().is_empty());
}

/// A public board in a closed workspace is visible only to the workspace's members and the
/// organization's owners and admins: to anyone else it does not exist, on every surface.
async fn a_closed_workspace_s_boards_are_its_members_alone(app: TestApp) {
    let owner = app.signup("cw-owner@example.com").await;
    let insider = app.signup("cw-in@example.com").await;
    let outsider = app.signup("cw-out@example.com").await;
    for who in [&insider, &outsider] {
        app.join(&owner, who, "member").await;
    }
    let ws = expect_json(
        app.post("/api/v1/workspaces", &owner.token, json!({"name": "Board room", "kind": "closed"}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    let wid = ws["id"].as_str().unwrap();
    let r = app.post(&format!("/api/v1/workspaces/{wid}/members"), &owner.token, json!({"user_id": insider.user_id}));
    expect_json(r.send().await.unwrap(), 201).await;
    let board = expect_json(
        app.post("/api/v1/boards", &owner.token, json!({"name": "Salaries", "workspace_id": wid, "kind": "public"}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    let bid = board["id"].as_str().unwrap().to_owned();
    let listed = |s: &Session| {
        let url = format!("/api/v1/boards?workspace_id={wid}");
        let token = s.token.clone();
        let app = &app;
        async move {
            let page = expect_json(app.get(&url, &token).send().await.unwrap(), 200).await;
            page["data"].as_array().unwrap().iter().map(|b| b["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
        }
    };
    assert_eq!(listed(&insider).await, vec![bid.clone()]);
    expect_json(app.get(&format!("/api/v1/boards/{bid}"), &insider.token).send().await.unwrap(), 200).await;

    let by_workspace = app.get(&format!("/api/v1/boards?workspace_id={wid}"), &outsider.token).send().await.unwrap();
    expect_error(by_workspace, 404, "workspace_not_found").await;
    let all = expect_json(app.get("/api/v1/boards", &outsider.token).send().await.unwrap(), 200).await;
    assert!(all["data"].as_array().unwrap().iter().all(|b| b["id"] != bid.as_str()), "not in the full list either");
    for path in [
        format!("/api/v1/boards/{bid}"),
        format!("/api/v1/boards/{bid}/export"),
        format!("/api/v1/boards/{bid}/activity"),
        format!("/api/v1/boards/{bid}/views"),
        format!("/api/v1/boards/{bid}/items"),
    ] {
        expect_error(app.get(&path, &outsider.token).send().await.unwrap(), 404, "board_not_found").await;
    }
    let write = app.post(&format!("/api/v1/boards/{bid}/items"), &outsider.token, json!({"name": "Peek"}));
    expect_error(write.send().await.unwrap(), 404, "board_not_found").await;
    let mut ws_socket = app.ws(&outsider.token).await;
    ws_socket.send(json!({"type": "subscribe", "board_id": bid})).await;
    assert_eq!(ws_socket.next_of("error").await["code"], "board_not_found", "no live events either");
}

/// Only the creator or an admin deletes a workspace; boards in it are never swept away by the
/// cascade: the deletion is refused, or deletes each board as a board is deleted, all or none.
async fn deleting_a_workspace_never_sweeps_boards_away(app: TestApp) {
    let admin = app.signup("wd-admin@example.com").await;
    let creator = app.signup("wd-creator@example.com").await;
    let colleague = app.signup("wd-colleague@example.com").await;
    for who in [&creator, &colleague] {
        app.join(&admin, who, "member").await;
    }
    let ws = expect_json(
        app.post("/api/v1/workspaces", &creator.token, json!({"name": "Team", "org_id": admin.org_id}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    let wid = ws["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/workspaces/{wid}");
    let add = app.post(&format!("{path}/members"), &creator.token, json!({"user_id": colleague.user_id}));
    expect_json(add.send().await.unwrap(), 201).await;
    let make = |token: &str, name: &str, kind: &str| {
        app.post("/api/v1/boards", token, json!({"name": name, "workspace_id": wid, "kind": kind})).send()
    };
    let mine = expect_json(make(&creator.token, "Mine", "public").await.unwrap(), 201).await;
    let secret = expect_json(make(&admin.token, "Admin's", "private").await.unwrap(), 201).await;

    // A member is not the creator.
    let r = app.delete(&path, &colleague.token).send().await.unwrap();
    expect_error(r, 403, "forbidden").await;
    // Boards in it: refused, unless they go with it.
    expect_error(app.delete(&path, &creator.token).send().await.unwrap(), 409, "workspace_not_empty").await;
    // The creator cannot delete a board they cannot see: nothing is deleted.
    let r = app.delete(&format!("{path}?with_boards=true"), &creator.token).send().await.unwrap();
    expect_error(r, 403, "forbidden").await;
    let mine_id = mine["id"].as_str().unwrap();
    expect_json(app.get(&format!("/api/v1/boards/{mine_id}"), &creator.token).send().await.unwrap(), 200).await;
    // The admin may delete them all.
    let r = app.delete(&format!("{path}?with_boards=true"), &admin.token).send().await.unwrap();
    assert_eq!(r.status(), 204);
    for b in [&mine, &secret] {
        let r = app.get(&format!("/api/v1/boards/{}", b["id"].as_str().unwrap()), &admin.token).send().await.unwrap();
        expect_error(r, 404, "board_not_found").await;
    }
    expect_error(app.get(&path, &admin.token).send().await.unwrap(), 404, "workspace_not_found").await;
}
