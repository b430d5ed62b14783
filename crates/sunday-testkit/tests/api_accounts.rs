//! Signup, login, logout, sessions (bearer and cookie with CSRF), personal API tokens and
//! login throttling, on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use sunday_testkit::{backend_tests, expect_error, expect_json, Backend, TestApp, PASSWORD};

backend_tests!(
    signup_login_me_logout,
    signup_rejects_bad_input_without_writing,
    cookie_sessions_require_csrf_for_writes,
    personal_tokens_are_scoped_and_revocable,
    malformed_credentials_are_rejected,
);

async fn signup_login_me_logout(app: TestApp) {
    let ada = app.signup("ada@example.com").await;
    let me = expect_json(app.get("/api/v1/me", &ada.token).send().await.unwrap(), 200).await;
    assert_eq!(me["user"]["email"], "ada@example.com");
    assert_eq!(me["orgs"][0]["role"], "owner");
    assert_eq!(me["orgs"][0]["org"]["id"], ada.org_id.as_str());

    let c = app.client();
    let bad =
        c.post(app.url("/api/v1/auth/login")).json(&json!({"email": "ada@example.com", "password": "wrong password!"}));
    expect_error(bad.send().await.unwrap(), 401, "invalid_credentials").await;
    let unknown =
        c.post(app.url("/api/v1/auth/login")).json(&json!({"email": "nobody@example.com", "password": PASSWORD}));
    expect_error(unknown.send().await.unwrap(), 401, "invalid_credentials").await;

    // Login is case-insensitive on the email and issues a second, independent session.
    let login = c.post(app.url("/api/v1/auth/login")).json(&json!({"email": "ADA@example.com", "password": PASSWORD}));
    let body = expect_json(login.send().await.unwrap(), 200).await;
    let second = body["token"].as_str().unwrap().to_owned();
    assert!(body["csrf_token"].is_string());
    assert_ne!(second, ada.token);

    let out = app.post("/api/v1/auth/logout", &second, json!({})).send().await.unwrap();
    assert_eq!(out.status(), 204);
    expect_error(app.get("/api/v1/me", &second).send().await.unwrap(), 401, "invalid_session").await;
    // The first session is unaffected.
    expect_json(app.get("/api/v1/me", &ada.token).send().await.unwrap(), 200).await;
}

async fn signup_rejects_bad_input_without_writing(app: TestApp) {
    let c = app.client();
    let signup = |body: serde_json::Value| c.post(app.url("/api/v1/auth/signup")).json(&body).send();
    let ok = |email: &str| json!({"email": email, "password": PASSWORD, "name": "Grace"});

    expect_error(
        signup(json!({"email": "not-an-email", "password": PASSWORD, "name": "G"})).await.unwrap(),
        400,
        "invalid_email",
    )
    .await;
    expect_error(
        signup(json!({"email": "g@example.com", "password": "short", "name": "G"})).await.unwrap(),
        400,
        "weak_password",
    )
    .await;
    expect_error(
        signup(json!({"email": "g@example.com", "password": "g@example.com", "name": "G"})).await.unwrap(),
        400,
        "weak_password",
    )
    .await;
    let long = expect_error(
        signup(json!({"email": "g@example.com", "password": PASSWORD, "name": "x".repeat(101)})).await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(long["details"]["field"], "name");
    let org = expect_error(
        signup(json!({"email": "g@example.com", "password": PASSWORD, "name": "G", "org_name": "o".repeat(500)}))
            .await
            .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(org["details"]["field"], "org_name");
    expect_error(signup(json!({"email": "g@example.com", "password": PASSWORD})).await.unwrap(), 400, "invalid_body")
        .await;
    expect_error(
        signup(json!({"email": "g@example.com", "password": PASSWORD, "name": "G", "admin": true})).await.unwrap(),
        400,
        "invalid_body",
    )
    .await;
    expect_error(signup(json!({"email": 42, "password": PASSWORD, "name": "G"})).await.unwrap(), 400, "invalid_body")
        .await;
    let malformed = c
        .post(app.url("/api/v1/auth/signup"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    expect_error(malformed, 400, "malformed_json").await;
    let no_type = c.post(app.url("/api/v1/auth/signup")).body(ok("g@example.com").to_string()).send().await.unwrap();
    expect_error(no_type, 415, "invalid_content_type").await;

    // None of the rejected signups created the account: it can still be created once.
    expect_json(signup(ok("g@example.com")).await.unwrap(), 201).await;
    expect_error(signup(ok("G@Example.com")).await.unwrap(), 409, "email_taken").await;
    // The duplicate attempt changed nothing: the original password still works.
    let login = c.post(app.url("/api/v1/auth/login")).json(&json!({"email": "g@example.com", "password": PASSWORD}));
    expect_json(login.send().await.unwrap(), 200).await;
}

async fn cookie_sessions_require_csrf_for_writes(app: TestApp) {
    app.signup("cookie@example.com").await;
    let browser = app.browser();
    let login = browser
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": "cookie@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = login.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(cookie.starts_with("sunday_session=sus_"), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    let csrf = expect_json(login, 200).await["csrf_token"].as_str().unwrap().to_owned();

    expect_json(browser.get(app.url("/api/v1/me")).send().await.unwrap(), 200).await;
    let create = || browser.post(app.url("/api/v1/workspaces")).json(&json!({"name": "Via cookie"}));
    expect_error(create().send().await.unwrap(), 403, "csrf_token_missing").await;
    expect_error(create().header("x-csrf-token", "forged").send().await.unwrap(), 403, "csrf_token_invalid").await;
    expect_json(create().header("x-csrf-token", &csrf).send().await.unwrap(), 201).await;

    let tampered = app
        .client()
        .get(app.url("/api/v1/me"))
        .header("cookie", "sunday_session=sus_forgedforgedforged")
        .send()
        .await
        .unwrap();
    expect_error(tampered, 401, "invalid_session").await;

    // Logout clears the cookie and ends the session.
    let out = browser.post(app.url("/api/v1/auth/logout")).header("x-csrf-token", &csrf).send().await.unwrap();
    assert_eq!(out.status(), 204);
    assert!(out.headers().get("set-cookie").unwrap().to_str().unwrap().contains("Max-Age=0"));
    expect_error(browser.get(app.url("/api/v1/me")).send().await.unwrap(), 401, "unauthenticated").await;
}

async fn personal_tokens_are_scoped_and_revocable(app: TestApp) {
    let u = app.signup("tok@example.com").await;
    let create = |name: &str, scopes: serde_json::Value| {
        app.post("/api/v1/me/tokens", &u.token, json!({"name": name, "scopes": scopes})).send()
    };
    let read = expect_json(create("reader", json!(["read"])).await.unwrap(), 201).await;
    let secret = read["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("sup_"));
    let write = expect_json(create("writer", json!(["write"])).await.unwrap(), 201).await;
    let write_secret = write["secret"].as_str().unwrap().to_owned();

    let listed = expect_json(app.get("/api/v1/me/tokens", &u.token).send().await.unwrap(), 200).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 2);
    assert!(!listed.to_string().contains(&secret), "secrets are shown once");

    expect_json(app.get("/api/v1/me", &secret).send().await.unwrap(), 200).await;
    let ws = json!({"name": "Scoped"});
    expect_error(app.post("/api/v1/workspaces", &secret, ws.clone()).send().await.unwrap(), 403, "insufficient_scope")
        .await;
    expect_json(app.post("/api/v1/workspaces", &write_secret, ws).send().await.unwrap(), 201).await;
    // Scopes follow the operation: a board query is a read, even sent as a POST.
    let b = sunday_testkit::board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap();
    let query = app.post(&format!("/api/v1/boards/{bid}/items/query"), &secret, json!({"limit": 5}));
    expect_json(query.send().await.unwrap(), 200).await;
    let write_item = app.post(&format!("/api/v1/boards/{bid}/items"), &secret, json!({"name": "No"}));
    expect_error(write_item.send().await.unwrap(), 403, "insufficient_scope").await;
    expect_error(
        app.post("/api/v1/me/tokens", &write_secret, json!({"name": "x", "scopes": ["admin"]})).send().await.unwrap(),
        403,
        "insufficient_scope",
    )
    .await;
    expect_error(app.post("/api/v1/auth/logout", &secret, json!({})).send().await.unwrap(), 403, "insufficient_scope")
        .await;
    expect_error(app.post("/api/v1/auth/logout", &write_secret, json!({})).send().await.unwrap(), 400, "not_a_session")
        .await;

    expect_error(create("none", json!([])).await.unwrap(), 400, "validation_failed").await;
    expect_error(create("root", json!(["root"])).await.unwrap(), 400, "invalid_body").await;
    let bad_days = app
        .post("/api/v1/me/tokens", &u.token, json!({"name": "x", "scopes": ["read"], "expires_in_days": 0}))
        .send()
        .await
        .unwrap();
    expect_error(bad_days, 400, "validation_failed").await;

    let id = read["id"].as_str().unwrap();
    assert_eq!(app.delete(&format!("/api/v1/me/tokens/{id}"), &u.token).send().await.unwrap().status(), 204);
    expect_error(app.get("/api/v1/me", &secret).send().await.unwrap(), 401, "invalid_session").await;
    expect_error(
        app.delete(&format!("/api/v1/me/tokens/{id}"), &u.token).send().await.unwrap(),
        404,
        "token_not_found",
    )
    .await;
    expect_error(app.delete("/api/v1/me/tokens/not-a-uuid", &u.token).send().await.unwrap(), 400, "invalid_parameter")
        .await;

    // Another user cannot revoke it.
    let other = app.signup("other-tok@example.com").await;
    let wid = write["id"].as_str().unwrap();
    expect_error(
        app.delete(&format!("/api/v1/me/tokens/{wid}"), &other.token).send().await.unwrap(),
        404,
        "token_not_found",
    )
    .await;
}

async fn malformed_credentials_are_rejected(app: TestApp) {
    let c = app.client();
    expect_error(c.get(app.url("/api/v1/me")).send().await.unwrap(), 401, "unauthenticated").await;
    expect_error(
        c.get(app.url("/api/v1/me")).header("authorization", "Basic YTpi").send().await.unwrap(),
        401,
        "invalid_session",
    )
    .await;
    expect_error(c.get(app.url("/api/v1/me")).bearer_auth("garbage").send().await.unwrap(), 401, "invalid_session")
        .await;
    expect_error(c.get(app.url("/api/v1/me")).bearer_auth("sup_unknown").send().await.unwrap(), 401, "invalid_session")
        .await;
}

#[tokio::test]
async fn expired_sessions_are_refused() {
    // Session lifetimes are hours; age one in the store instead of waiting.
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.auth.auth_cache_secs = 0).await;
    let u = app.signup("old@example.com").await;
    expect_json(app.get("/api/v1/me", &u.token).send().await.unwrap(), 200).await;
    let db = rusqlite::Connection::open(app.data_dir().join("sunday.db")).unwrap();
    let aged = db.execute("UPDATE sessions SET expires_at = 1 WHERE user_id = ?1", [&u.user_id]).unwrap();
    assert_eq!(aged, 1);
    expect_error(app.get("/api/v1/me", &u.token).send().await.unwrap(), 401, "invalid_session").await;
}

#[tokio::test]
async fn repeated_login_failures_are_throttled() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.auth.login_failures_per_account = 3;
        c.auth.login_failures_per_ip = 100;
    })
    .await;
    app.signup("victim@example.com").await;
    app.signup("bystander@example.com").await;
    let c = app.client();
    let attempt = |email: &str, password: &str| {
        c.post(app.url("/api/v1/auth/login")).json(&json!({"email": email, "password": password})).send()
    };
    for _ in 0..3 {
        expect_error(attempt("victim@example.com", "guess guess guess").await.unwrap(), 401, "invalid_credentials")
            .await;
    }
    let throttled = attempt("victim@example.com", PASSWORD).await.unwrap();
    let retry: u64 = throttled.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 900);
    expect_error(throttled, 429, "too_many_login_attempts").await;
    // Other accounts from the same address are unaffected.
    expect_json(attempt("bystander@example.com", PASSWORD).await.unwrap(), 200).await;
}

/// Guesses sent at the same moment are counted before their passwords are checked: 50
/// concurrent wrong passwords on one account with a limit of 5 get five `401`s, the rest `429`.
#[tokio::test]
async fn concurrent_guesses_cannot_slip_past_the_throttle() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.auth.login_failures_per_account = 5;
        c.auth.login_failures_per_ip = 1000;
    })
    .await;
    app.signup("target@example.com").await;
    let c = app.client();
    let guesses = (0..50).map(|i| {
        c.post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": "target@example.com", "password": format!("wrong guess {i}")}))
            .send()
    });
    let statuses: Vec<u16> =
        futures::future::join_all(guesses).await.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 45, "{statuses:?}");
}

#[tokio::test]
async fn login_failures_from_one_address_are_throttled_across_accounts() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.auth.login_failures_per_account = 100;
        c.auth.login_failures_per_ip = 4;
    })
    .await;
    let c = app.client();
    for i in 0..4 {
        let r = c
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": format!("spray{i}@example.com"), "password": "nope nope nope"}));
        expect_error(r.send().await.unwrap(), 401, "invalid_credentials").await;
    }
    let r = c
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": "spray9@example.com", "password": "nope nope nope"}));
    expect_error(r.send().await.unwrap(), 429, "too_many_login_attempts").await;
}
