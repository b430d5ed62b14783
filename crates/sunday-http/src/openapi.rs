//! The OpenAPI document: declared next to the handlers (`#[utoipa::path]`), collected by
//! `utoipa-axum` as the routes are registered, then finished here with the shared error
//! response, the security schemes and the error-code table. `openapi_spec()` is what the
//! committed `openapi.json` is generated from and checked against.

use utoipa::{
    openapi::{
        path::Operation,
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
        ContentBuilder, Ref, RefOr, ResponseBuilder,
    },
    OpenApi,
};

use sunday_types::{ErrorBody, ErrorCode, ErrorKind};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sunday API",
        version = "1",
        description = "REST API of Sunday, the self-hostable Work OS. Authenticate with `Authorization: Bearer <token>` (a session token from login or a personal API token) or the `sunday_session` cookie; cookie-authenticated writes also send `X-CSRF-Token`.",
        license(name = "AGPL-3.0-or-later")
    ),
    components(schemas(
        ErrorBody,
        ErrorKind,
        sunday_realtime::protocol::ClientFrame,
        sunday_realtime::protocol::ServerFrame,
        sunday_types::events::BoardChange,
        sunday_types::forms::FormSettings,
    )),
    security(("bearer" = []), ("cookie" = [])),
    tags(
        (name = "auth", description = "Signup, login, logout"),
        (name = "me", description = "The current user and their personal API tokens"),
        (name = "orgs", description = "Organization members and invitations"),
        (name = "workspaces", description = "Workspaces of an organization"),
        (name = "boards", description = "Boards, their members, templates, CSV import and export"),
        (name = "structure", description = "Groups and typed columns of a board"),
        (name = "items", description = "Items, subitems, queries and activity"),
        (name = "updates", description = "Comments on items"),
        (name = "views", description = "Saved views"),
        (name = "webhooks", description = "Outbound webhooks: signed deliveries of a board's events, retries, dead letters"),
        (name = "links", description = "A board's secret links: iCal feeds and inbound webhooks"),
        (name = "dashboards", description = "Dashboards: a workspace's widgets over the organization's boards"),
        (name = "analytics", description = "Questions and reports over many boards, answered from aggregates kept from the event log"),
        (name = "forms", description = "Forms: a form view published at a public link; each submission creates an item"),
        (name = "automations", description = "Recipes that act on boards (trigger, conditions, actions), their runs, dry runs and replays"),
        (name = "realtime", description = "The WebSocket: live board events, presence, notifications"),
        (name = "operations", description = "Health, readiness, metrics")
    )
)]
pub struct ApiDoc;

/// Adds what every operation shares: the error responses (`4XX`, `5XX`, with the full code
/// table) and the security schemes.
pub fn finish(mut spec: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let table: String = ErrorCode::ALL
        .iter()
        .map(|c| format!("\n| `{}` | {} | {} | {} |", c.as_str(), c.status(), kind_name(c.kind()), c.description()))
        .collect();
    let description = format!(
        "An error. `code` is stable; match on it.\n\n| code | status | kind | meaning |\n|---|---|---|---|{table}"
    );
    let error = ResponseBuilder::new()
        .description(description)
        .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build())
        .build();
    let components = spec.components.get_or_insert_with(Default::default);
    components.responses.insert("Error".into(), RefOr::T(error));
    components.security_schemes.insert(
        "bearer".into(),
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("session token or personal API token"))
                .build(),
        ),
    );
    components
        .security_schemes
        .insert("cookie".into(), SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("sunday_session"))));

    for item in spec.paths.paths.values_mut() {
        let ops: [&mut Option<Operation>; 5] =
            [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete];
        for op in ops.into_iter().flatten() {
            for range in ["4XX", "5XX"] {
                op.responses
                    .responses
                    .entry(range.into())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name("Error")));
            }
        }
    }
    spec
}

fn kind_name(kind: ErrorKind) -> String {
    serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// The complete specification, as served at `/api/openapi.json`.
pub fn openapi_spec() -> utoipa::openapi::OpenApi {
    let (_, spec) = crate::routes::all().split_for_parts();
    finish(spec)
}
