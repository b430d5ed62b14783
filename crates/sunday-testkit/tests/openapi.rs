//! The committed `openapi.json` is exactly what the code declares, and it covers the paths of
//! the API contract (API.md) implemented so far. Regenerate with
//! `UPDATE_OPENAPI=1 cargo test -p sunday-testkit --test openapi`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi.json")
}

#[test]
fn committed_spec_matches_the_code() {
    let generated = serde_json::to_string_pretty(&sunday_http::openapi_spec()).unwrap() + "\n";
    let path = committed_path();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi.json is out of date: run `UPDATE_OPENAPI=1 cargo test -p sunday-testkit --test openapi` and commit it"
    );
}

#[test]
fn spec_covers_the_contract_and_the_error_table() {
    let spec = serde_json::to_value(sunday_http::openapi_spec()).unwrap();
    let paths = &spec["paths"];
    for (method, path) in [
        ("post", "/api/v1/auth/signup"),
        ("post", "/api/v1/auth/login"),
        ("post", "/api/v1/auth/logout"),
        ("get", "/api/v1/me"),
        ("post", "/api/v1/me/tokens"),
        ("get", "/api/v1/me/tokens"),
        ("delete", "/api/v1/me/tokens/{id}"),
        ("get", "/api/v1/orgs/{org_id}/members"),
        ("post", "/api/v1/orgs/{org_id}/members"),
        ("patch", "/api/v1/orgs/{org_id}/members/{user_id}"),
        ("delete", "/api/v1/orgs/{org_id}/members/{user_id}"),
        ("post", "/api/v1/orgs/{org_id}/invites"),
        ("post", "/api/v1/invites/{token}/accept"),
        ("get", "/api/v1/workspaces"),
        ("post", "/api/v1/workspaces"),
        ("get", "/api/v1/workspaces/{id}"),
        ("patch", "/api/v1/workspaces/{id}"),
        ("delete", "/api/v1/workspaces/{id}"),
        ("get", "/health"),
        ("get", "/ready"),
        ("get", "/metrics"),
    ] {
        let op = &paths[path][method];
        assert!(op.is_object(), "{method} {path} missing from the spec");
        assert_eq!(op["responses"]["4XX"]["$ref"], "#/components/responses/Error", "{method} {path} documents errors");
    }
    let error_doc = spec["components"]["responses"]["Error"]["description"].as_str().unwrap();
    for code in sunday_types::ErrorCode::ALL {
        assert!(error_doc.contains(&format!("`{}`", code.as_str())), "{code} documented");
    }
    assert!(spec["components"]["schemas"]["ErrorBody"].is_object());
}
