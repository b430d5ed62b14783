//! `GET /api/v1/admin/status`: instance admins (`auth.instance_admins`) see the node's store,
//! engine and service level objectives; everyone else gets `403`, strangers `401`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use sunday_testkit::{board, expect_error, expect_json, Backend, TestApp};

#[tokio::test]
async fn instance_admins_see_the_status_and_no_one_else() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.auth.instance_admins = vec!["Ops@Example.com".into()]).await;
    let ops = app.signup("ops@example.com").await;
    let user = app.signup("user@example.com").await;
    let b = board(&app, &user, None).await;
    let bid = b["id"].as_str().unwrap();
    for i in 0..5 {
        let r = app.post(&format!("/api/v1/boards/{bid}/items"), &user.token, json!({"name": format!("I{i}")}));
        expect_json(r.send().await.unwrap(), 201).await;
    }
    // A 404 is the client's doing: it does not count against availability.
    let r = app.get("/api/v1/boards/0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee", &user.token).send().await.unwrap();
    expect_error(r, 404, "board_not_found").await;

    let r = app.get("/api/v1/admin/status", &user.token).send().await.unwrap();
    expect_error(r, 403, "forbidden").await;
    let r = app.client().get(app.url("/api/v1/admin/status")).send().await.unwrap();
    expect_error(r, 401, "unauthenticated").await;

    let s = expect_json(app.get("/api/v1/admin/status", &ops.token).send().await.unwrap(), 200).await;
    assert_eq!(s["store"]["backend"], "sqlite");
    assert_eq!(s["store"]["schema_version"], s["store"]["expected_schema_version"]);
    assert!(s["engine"]["items"].as_u64().unwrap() >= 5, "{s}");
    let slo = &s["slo"];
    assert!(slo["requests"].as_u64().unwrap() >= 10, "{slo}");
    assert_eq!(slo["server_errors"], 0);
    assert_eq!((slo["availability"].as_f64(), slo["availability_met"].as_bool()), (Some(1.0), Some(true)));
    let class = |name: &str| slo["classes"].as_array().unwrap().iter().find(|c| c["class"] == name).unwrap().clone();
    assert!(class("write")["requests"].as_u64().unwrap() >= 5, "{slo}");
    assert!(class("auth")["requests"].as_u64().unwrap() >= 2, "{slo}");
    let p95 = class("write")["latency"]["p95_ms"].as_f64().expect("a p95 for writes");
    assert!(p95 > 0.0 && class("write")["latency"]["objective_ms"] == 500.0, "{slo}");
    app.shutdown().await;
}
