//! Organizations: tenant isolation, members and roles, invitations — on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use sunday_testkit::{backend_tests, expect_error, expect_json, TestApp};

backend_tests!(
    organizations_cannot_see_each_other,
    invitations_join_new_and_existing_users,
    roles_limit_who_manages_members,
    member_lists_page_with_cursors,
);

async fn organizations_cannot_see_each_other(app: TestApp) {
    let a = app.signup("alice@a.example").await;
    let b = app.signup("bob@b.example").await;
    let ws = expect_json(
        app.post("/api/v1/workspaces", &a.token, json!({"name": "Alice's secret plans"})).send().await.unwrap(),
        201,
    )
    .await;
    let ws_path = format!("/api/v1/workspaces/{}", ws["id"].as_str().unwrap());

    // Each sees only their own.
    let a_list = expect_json(app.get("/api/v1/workspaces", &a.token).send().await.unwrap(), 200).await;
    assert_eq!(a_list["data"].as_array().unwrap().len(), 1);
    let b_list = expect_json(app.get("/api/v1/workspaces", &b.token).send().await.unwrap(), 200).await;
    assert_eq!(b_list["data"].as_array().unwrap().len(), 0);

    // Everything of the other organization is 404, never 403, and names nothing.
    let got = expect_error(app.get(&ws_path, &b.token).send().await.unwrap(), 404, "workspace_not_found").await;
    assert!(!got.to_string().contains("secret plans"));
    expect_error(
        app.patch(&ws_path, &b.token, json!({"name": "pwned"})).send().await.unwrap(),
        404,
        "workspace_not_found",
    )
    .await;
    expect_error(app.delete(&ws_path, &b.token).send().await.unwrap(), 404, "workspace_not_found").await;
    expect_error(app.get(&format!("{ws_path}/members"), &b.token).send().await.unwrap(), 404, "workspace_not_found")
        .await;
    let a_org = format!("/api/v1/orgs/{}/members", a.org_id);
    expect_error(app.get(&a_org, &b.token).send().await.unwrap(), 404, "org_not_found").await;
    let listed = app.get(&format!("/api/v1/workspaces?org_id={}", a.org_id), &b.token).send().await.unwrap();
    expect_error(listed, 404, "org_not_found").await;
    let create =
        app.post("/api/v1/workspaces", &b.token, json!({"name": "intruder", "org_id": a.org_id})).send().await.unwrap();
    expect_error(create, 404, "org_not_found").await;
    expect_error(
        app.post(
            &format!("/api/v1/orgs/{}/invites", a.org_id),
            &b.token,
            json!({"email": "x@b.example", "role": "member"}),
        )
        .send()
        .await
        .unwrap(),
        404,
        "org_not_found",
    )
    .await;

    // Alice's workspace is untouched.
    assert_eq!(
        expect_json(app.get(&ws_path, &a.token).send().await.unwrap(), 200).await["name"],
        "Alice's secret plans"
    );
}

async fn invitations_join_new_and_existing_users(app: TestApp) {
    let owner = app.signup("owner@inv.example").await;
    let invites = format!("/api/v1/orgs/{}/invites", owner.org_id);
    let inv = expect_json(
        app.post(&invites, &owner.token, json!({"email": "New@Inv.example", "role": "member"})).send().await.unwrap(),
        201,
    )
    .await;
    assert_eq!(inv["email"], "new@inv.example");
    let token = inv["token"].as_str().unwrap().to_owned();

    // A new user signs up with it: they join the inviting org and get no org of their own.
    let newbie = app.signup_invited("new@inv.example", &token).await;
    assert_eq!(newbie.org_id, owner.org_id);
    let me = expect_json(app.get("/api/v1/me", &newbie.token).send().await.unwrap(), 200).await;
    assert_eq!(me["orgs"].as_array().unwrap().len(), 1);
    assert_eq!(me["orgs"][0]["role"], "member");

    // Used invitations cannot be used again, unknown ones do not exist.
    let again = app.client().post(app.url("/api/v1/auth/signup")).json(
        &json!({"email": "new2@inv.example", "password": sunday_testkit::PASSWORD, "name": "N", "invite_token": token}),
    );
    expect_error(again.send().await.unwrap(), 400, "invite_invalid").await;
    let login = app
        .client()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": "new2@inv.example", "password": sunday_testkit::PASSWORD}));
    expect_error(login.send().await.unwrap(), 401, "invalid_credentials").await;

    // An existing user accepts one addressed to them; someone else cannot.
    let carol = app.signup("carol@elsewhere.example").await;
    let mallory = app.signup("mallory@elsewhere.example").await;
    let inv = expect_json(
        app.post(&invites, &owner.token, json!({"email": "carol@elsewhere.example", "role": "viewer"}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    // Inviting says nothing about the account: the answer has the same shape as for an email
    // nobody signed up with, and names nobody.
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    let unknown = expect_json(
        app.post(&invites, &owner.token, json!({"email": "nobody@elsewhere.example", "role": "viewer"}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    assert_eq!(keys(&inv), keys(&unknown));
    assert!(!inv.to_string().contains("carol\""), "{inv}");
    // Nobody is added without accepting: there is no way to add an account directly, and until
    // Carol accepts she is not in the organization.
    let members = format!("/api/v1/orgs/{}/members", owner.org_id);
    let direct = app.post(&members, &owner.token, json!({"email": "carol@elsewhere.example", "role": "viewer"}));
    assert_eq!(direct.send().await.unwrap().status(), 405);
    expect_error(app.get(&members, &carol.token).send().await.unwrap(), 404, "org_not_found").await;
    let accept = format!("/api/v1/invites/{}/accept", inv["token"].as_str().unwrap());
    expect_error(app.post(&accept, &mallory.token, json!({})).send().await.unwrap(), 400, "invite_invalid").await;
    let joined = expect_json(app.post(&accept, &carol.token, json!({})).send().await.unwrap(), 200).await;
    assert_eq!(
        (joined["org"]["id"].as_str().unwrap(), joined["role"].as_str().unwrap()),
        (owner.org_id.as_str(), "viewer")
    );
    expect_error(
        app.post("/api/v1/invites/sui_nope/accept", &carol.token, json!({})).send().await.unwrap(),
        404,
        "invite_not_found",
    )
    .await;
    expect_error(
        app.post(&invites, &owner.token, json!({"email": "bad", "role": "member"})).send().await.unwrap(),
        400,
        "invalid_email",
    )
    .await;
    expect_error(
        app.post(&invites, &owner.token, json!({"email": "a@b.example", "role": "emperor"})).send().await.unwrap(),
        400,
        "invalid_body",
    )
    .await;
}

async fn roles_limit_who_manages_members(app: TestApp) {
    let owner = app.signup("o@roles.example").await;
    let admin = app.signup("a@roles.example").await;
    let member = app.signup("m@roles.example").await;
    let members = format!("/api/v1/orgs/{}/members", owner.org_id);
    app.join(&owner, &admin, "admin").await;
    app.join(&owner, &member, "member").await;
    // A second invitation to a member cannot be used to change their role.
    let again = expect_json(
        app.post(
            &format!("/api/v1/orgs/{}/invites", owner.org_id),
            &owner.token,
            json!({"email": member.email, "role": "viewer"}),
        )
        .send()
        .await
        .unwrap(),
        201,
    )
    .await;
    let accept = format!("/api/v1/invites/{}/accept", again["token"].as_str().unwrap());
    expect_error(app.post(&accept, &member.token, json!({})).send().await.unwrap(), 409, "already_member").await;

    // Members do not manage members; admins do, but never touch owners.
    let invite = json!({"email": "z@roles.example", "role": "member"});
    expect_error(
        app.post(&format!("/api/v1/orgs/{}/invites", owner.org_id), &member.token, invite).send().await.unwrap(),
        403,
        "forbidden",
    )
    .await;
    let owner_path = format!("{members}/{}", owner.user_id);
    let member_path = format!("{members}/{}", member.user_id);
    expect_error(
        app.patch(&member_path, &admin.token, json!({"role": "owner"})).send().await.unwrap(),
        403,
        "forbidden",
    )
    .await;
    expect_error(
        app.patch(&owner_path, &admin.token, json!({"role": "viewer"})).send().await.unwrap(),
        403,
        "forbidden",
    )
    .await;
    expect_error(app.delete(&owner_path, &admin.token).send().await.unwrap(), 403, "forbidden").await;
    let changed =
        expect_json(app.patch(&member_path, &admin.token, json!({"role": "viewer"})).send().await.unwrap(), 200).await;
    assert_eq!(changed["role"], "viewer");

    // The last owner can neither step down nor leave.
    expect_error(
        app.patch(&owner_path, &owner.token, json!({"role": "admin"})).send().await.unwrap(),
        409,
        "last_owner",
    )
    .await;
    expect_error(app.delete(&owner_path, &owner.token).send().await.unwrap(), 409, "last_owner").await;

    // A removed member loses access at once.
    let ws = expect_json(
        app.post("/api/v1/workspaces", &owner.token, json!({"name": "Team", "org_id": owner.org_id}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    let ws_path = format!("/api/v1/workspaces/{}", ws["id"].as_str().unwrap());
    expect_json(app.get(&ws_path, &member.token).send().await.unwrap(), 200).await;
    assert_eq!(app.delete(&member_path, &admin.token).send().await.unwrap().status(), 204);
    expect_error(app.get(&ws_path, &member.token).send().await.unwrap(), 404, "workspace_not_found").await;
    // Anyone may leave on their own.
    let admin_path = format!("{members}/{}", admin.user_id);
    assert_eq!(app.delete(&admin_path, &admin.token).send().await.unwrap().status(), 204);
    expect_error(app.get(&members, &admin.token).send().await.unwrap(), 404, "org_not_found").await;
}

async fn member_lists_page_with_cursors(app: TestApp) {
    let owner = app.signup("p@pages.example").await;
    let members = format!("/api/v1/orgs/{}/members", owner.org_id);
    for i in 0..4 {
        let email = format!("p{i}@pages.example");
        let who = app.signup(&email).await;
        app.join(&owner, &who, "member").await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("{members}?limit=2&cursor={c}"),
            None => format!("{members}?limit=2"),
        };
        let page = expect_json(app.get(&path, &owner.token).send().await.unwrap(), 200).await;
        seen.extend(page["data"].as_array().unwrap().iter().map(|m| m["user"]["email"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 5);
    expect_error(app.get(&format!("{members}?limit=0"), &owner.token).send().await.unwrap(), 400, "invalid_parameter")
        .await;
    expect_error(
        app.get(&format!("{members}?limit=501"), &owner.token).send().await.unwrap(),
        400,
        "invalid_parameter",
    )
    .await;
    expect_error(
        app.get(&format!("{members}?cursor=%%%"), &owner.token).send().await.unwrap(),
        400,
        "invalid_parameter",
    )
    .await;
    expect_error(
        app.get(&format!("{members}?cursor=bm9wZQ"), &owner.token).send().await.unwrap(),
        400,
        "invalid_parameter",
    )
    .await;
    expect_error(app.get(&format!("{members}?bogus=1"), &owner.token).send().await.unwrap(), 400, "invalid_parameter")
        .await;
}
