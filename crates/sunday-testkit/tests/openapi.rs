//! The committed `openapi.json` is exactly what the code declares, and it covers the paths of
//! the API contract (API.md) implemented so far. Regenerate with
//! `UPDATE_OPENAPI=1 cargo test -p sunday-testkit --test openapi`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

fn committed_path() -> PathBuf {
    // The runner's value, not the one compiled in: a build cache shared between checkouts at
    // other paths must still read this checkout's file.
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_owned());
    PathBuf::from(dir).join("../../openapi.json")
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
        ("get", "/api/v1/admin/status"),
        ("get", "/api/v1/orgs/{org_id}/export"),
        ("post", "/api/v1/me/tokens"),
        ("get", "/api/v1/me/tokens"),
        ("delete", "/api/v1/me/tokens/{id}"),
        ("get", "/api/v1/orgs/{org_id}/members"),
        ("patch", "/api/v1/orgs/{org_id}/members/{user_id}"),
        ("delete", "/api/v1/orgs/{org_id}/members/{user_id}"),
        ("post", "/api/v1/orgs/{org_id}/invites"),
        ("post", "/api/v1/invites/{token}/accept"),
        ("get", "/api/v1/workspaces"),
        ("post", "/api/v1/workspaces"),
        ("get", "/api/v1/workspaces/{id}"),
        ("patch", "/api/v1/workspaces/{id}"),
        ("delete", "/api/v1/workspaces/{id}"),
        ("get", "/api/v1/boards"),
        ("post", "/api/v1/boards"),
        ("post", "/api/v1/boards/import"),
        ("get", "/api/v1/boards/{id}"),
        ("patch", "/api/v1/boards/{id}"),
        ("delete", "/api/v1/boards/{id}"),
        ("get", "/api/v1/boards/{id}/activity"),
        ("get", "/api/v1/boards/{id}/items/archived"),
        ("get", "/api/v1/boards/{id}/update-counts"),
        ("get", "/api/v1/boards/{id}/subitem-counts"),
        ("get", "/api/v1/boards/{id}/formulas/progress"),
        ("post", "/api/v1/boards/{id}/formulas/preview"),
        ("post", "/api/v1/boards/{id}/columns"),
        ("patch", "/api/v1/boards/{id}/columns/{column_id}"),
        ("delete", "/api/v1/boards/{id}/columns/{column_id}"),
        ("post", "/api/v1/boards/{id}/duplicate"),
        ("get", "/api/v1/boards/{id}/export"),
        ("post", "/api/v1/boards/{id}/groups"),
        ("patch", "/api/v1/boards/{id}/groups/{group_id}"),
        ("delete", "/api/v1/boards/{id}/groups/{group_id}"),
        ("post", "/api/v1/boards/{id}/import"),
        ("get", "/api/v1/boards/{id}/items"),
        ("post", "/api/v1/boards/{id}/items"),
        ("post", "/api/v1/boards/{id}/items/bulk"),
        ("post", "/api/v1/boards/{id}/items/query"),
        ("get", "/api/v1/boards/{id}/members"),
        ("put", "/api/v1/boards/{id}/members/{user_id}"),
        ("delete", "/api/v1/boards/{id}/members/{user_id}"),
        ("get", "/api/v1/boards/{id}/views"),
        ("post", "/api/v1/boards/{id}/views"),
        ("get", "/api/v1/templates"),
        ("get", "/api/v1/column-types"),
        ("get", "/api/v1/items/{id}"),
        ("get", "/api/v1/items/lookup"),
        ("patch", "/api/v1/items/{id}"),
        ("delete", "/api/v1/items/{id}"),
        ("get", "/api/v1/items/{id}/activity"),
        ("post", "/api/v1/items/{id}/duplicate"),
        ("post", "/api/v1/items/{id}/restore"),
        ("get", "/api/v1/items/{id}/subitems"),
        ("post", "/api/v1/items/{id}/subitems"),
        ("get", "/api/v1/items/{id}/updates"),
        ("post", "/api/v1/items/{id}/updates"),
        ("patch", "/api/v1/updates/{id}"),
        ("delete", "/api/v1/updates/{id}"),
        ("post", "/api/v1/updates/{id}/replies"),
        ("get", "/api/v1/views/{id}"),
        ("patch", "/api/v1/views/{id}"),
        ("delete", "/api/v1/views/{id}"),
        ("get", "/api/v1/boards/{id}/automations"),
        ("post", "/api/v1/boards/{id}/automations"),
        ("get", "/api/v1/automations/{id}"),
        ("patch", "/api/v1/automations/{id}"),
        ("delete", "/api/v1/automations/{id}"),
        ("get", "/api/v1/automations/{id}/runs"),
        ("post", "/api/v1/automations/{id}/dry-run"),
        ("post", "/api/v1/automations/{id}/replay"),
        ("get", "/api/v1/items/{id}/automation-runs"),
        ("post", "/api/v1/automation-runs/{id}/retry"),
        ("get", "/api/v1/boards/{id}/webhooks"),
        ("post", "/api/v1/boards/{id}/webhooks"),
        ("delete", "/api/v1/webhooks/{id}"),
        ("get", "/api/v1/webhooks/{id}/deliveries"),
        ("post", "/api/v1/webhook-deliveries/{id}/resend"),
        ("post", "/api/v1/items/{id}/buttons/{column_id}"),
        ("post", "/api/v1/items/{id}/move-to-board"),
        ("get", "/api/v1/boards/{id}/links"),
        ("post", "/api/v1/boards/{id}/links"),
        ("delete", "/api/v1/links/{id}"),
        ("get", "/api/v1/ical/{token}"),
        ("post", "/api/v1/inbound/{token}"),
        ("post", "/api/v1/files"),
        ("get", "/api/v1/files"),
        ("get", "/api/v1/files/{id}"),
        ("get", "/api/v1/files/{id}/info"),
        ("get", "/api/v1/files/{id}/thumbnail"),
        ("post", "/api/v1/files/{id}/link"),
        ("get", "/api/v1/files/{id}/signed"),
        ("get", "/api/v1/search"),
        ("get", "/api/v1/search/status"),
        ("get", "/api/v1/ws"),
        ("get", "/api/v1/me/notifications"),
        ("post", "/api/v1/me/notifications/read"),
        ("get", "/api/v1/me/notification-preferences"),
        ("put", "/api/v1/me/notification-preferences"),
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

/// Lists answer `{data, next_cursor}`, and optional request fields are optional in the spec.
#[test]
fn lists_are_pages_and_optional_fields_are_optional() {
    let spec = serde_json::to_value(sunday_http::openapi_spec()).unwrap();
    for path in [
        "/api/v1/boards",
        "/api/v1/boards/{id}/items",
        "/api/v1/boards/{id}/members",
        "/api/v1/boards/{id}/views",
        "/api/v1/templates",
        "/api/v1/column-types",
        "/api/v1/items/{id}/updates",
        "/api/v1/me/tokens",
    ] {
        let schema = &spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"];
        let name = schema.as_str().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_owned();
        let page = &spec["components"]["schemas"][&name];
        assert!(page["properties"]["data"]["type"] == "array", "GET {path} answers a page, not {name}");
        assert!(page["properties"]["next_cursor"].is_object(), "GET {path} has a next_cursor");
    }
    let schemas = &spec["components"]["schemas"];
    for (schema, field) in [
        ("QueryRequest", "filter"),
        ("QueryRequest", "sort"),
        ("CreateItemRequest", "values"),
        ("UpdateItemRequest", "values"),
        ("CreateColumnRequest", "settings"),
        ("CreateViewRequest", "filter"),
        ("CreateViewRequest", "sort"),
        ("CreateViewRequest", "settings"),
    ] {
        let required = schemas[schema]["required"].as_array().cloned().unwrap_or_default();
        assert!(!required.iter().any(|r| r == field), "{schema}.{field} is optional");
        assert!(schemas[schema]["properties"][field].is_object(), "{schema}.{field} is documented");
    }
    let sort = serde_json::to_string(&schemas["QueryRequest"]["properties"]["sort"]).unwrap();
    assert!(sort.contains("array") && sort.contains("SortKeySpec"), "sort is an array of sort keys: {sort}");
    // Events are typed: every kind is a variant of BoardChange with its own payload schema.
    let change = serde_json::to_string(&schemas["BoardChange"]).unwrap();
    for kind in sunday_types::events::BoardChange::KINDS {
        assert!(change.contains(&format!("\"{kind}\"")), "BoardChange documents {kind}");
    }
}

/// A parameter documented as in the path appears in the path template; the others are query
/// parameters (typed clients build URLs from this).
#[test]
fn path_parameters_are_in_the_path() {
    let spec = serde_json::to_value(sunday_http::openapi_spec()).unwrap();
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                let in_path = path.contains(&format!("{{{name}}}"));
                assert_eq!(p["in"] == "path", in_path, "{method} {path}: parameter {name} is in {}", p["in"]);
            }
        }
    }
}
