//! The access matrix: every route in `openapi.json`, called by every kind of actor, answers
//! what the table below says. Each route names the rule that guards it (`ROUTES`); each rule
//! says what each actor gets (`expected`). A route added to the API without a row here fails
//! the test, so nobody ships a route whose access was never thought about.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};
use sunday_testkit::{backend_tests, expect_json, Session, TestApp};

backend_tests!(every_route_answers_every_actor_as_the_table_says);

/// Who calls. The scene (see [`Scene`]) is a closed workspace holding a public board whose
/// default permission is `edit_content`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Actor {
    /// Organization owner; created the workspace, the board and everything on it.
    Owner,
    /// Organization admin, not a member of the closed workspace.
    Admin,
    /// Organization member in the workspace, with no grant on the board (so the default).
    Member,
    /// Organization `viewer` in the workspace: never more than `view`.
    Viewer,
    /// Organization guest, added to nothing.
    Guest,
    /// Organization member who is not in the closed workspace.
    Outsider,
    /// Member in the workspace granted `view` on the board.
    BoardViewer,
    /// Member in the workspace granted `edit_content` on the board.
    BoardEditor,
    /// A user of another organization.
    OtherOrg,
    /// No credentials.
    Anonymous,
    /// The owner's personal token with only the `read` scope.
    ReadToken,
    /// The owner's personal token, revoked.
    Revoked,
}

const ACTORS: [Actor; 12] = [
    Actor::Anonymous,
    Actor::Revoked,
    Actor::OtherOrg,
    Actor::Guest,
    Actor::Outsider,
    Actor::Viewer,
    Actor::BoardViewer,
    Actor::ReadToken,
    Actor::BoardEditor,
    Actor::Member,
    Actor::Admin,
    Actor::Owner,
];

/// What guards a route.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// No credentials needed.
    Open,
    /// Any valid credentials (answers about the caller alone).
    AnyUser,
    /// A resource of the owner's own account (a token): other users get `404`.
    OwnerOnly,
    /// Reading something of the organization: its members.
    OrgMember,
    /// Managing the organization's members: owners and admins.
    OrgAdmin,
    /// Creating a workspace in the organization: members and up.
    OrgCreate,
    /// Reading the closed workspace: its members and the organization's admins.
    WsRead,
    /// Changing it or creating boards in it: its members who are members of the organization.
    WsEdit,
    /// Deleting it (with its boards): its creator or an admin.
    WsDelete,
    BoardRead,
    BoardContent,
    BoardStructure,
    BoardOwner,
    /// Editing an update: its author alone.
    Author,
    /// Not walked here, and why.
    Skip(&'static str),
}

/// Every operation of the API and its rule. Reads are GETs and `items/query`.
const ROUTES: &[(&str, &str, Rule)] = &[
    ("post", "/api/v1/auth/login", Rule::Skip("logging in has no caller; api_auth covers it")),
    ("post", "/api/v1/auth/signup", Rule::Skip("signing up has no caller; api_auth covers it")),
    ("post", "/api/v1/auth/logout", Rule::Skip("ends the caller's cookie session; api_auth covers it")),
    ("post", "/api/v1/invites/{token}/accept", Rule::Skip("needs an invitation addressed to the caller; api_orgs")),
    ("get", "/api/v1/ws", Rule::Skip("a WebSocket upgrade; realtime tests cover who may subscribe")),
    (
        "get",
        "/api/v1/admin/status",
        Rule::Skip("instance admins by configuration, not by organization; admin.rs covers it"),
    ),
    (
        "get",
        "/api/v1/boards/{id}/webhooks",
        Rule::Skip("a subscription needs a receiver answering its challenge; webhooks.rs checks who may"),
    ),
    (
        "post",
        "/api/v1/boards/{id}/webhooks",
        Rule::Skip("a subscription needs a receiver answering its challenge; webhooks.rs checks who may"),
    ),
    (
        "delete",
        "/api/v1/webhooks/{id}",
        Rule::Skip("a subscription needs a receiver answering its challenge; webhooks.rs checks who may"),
    ),
    (
        "get",
        "/api/v1/webhooks/{id}/deliveries",
        Rule::Skip("a subscription needs a receiver answering its challenge; webhooks.rs checks who may"),
    ),
    (
        "post",
        "/api/v1/webhook-deliveries/{id}/resend",
        Rule::Skip("a subscription needs a receiver answering its challenge; webhooks.rs checks who may"),
    ),
    ("get", "/api/v1/orgs/{org_id}/export", Rule::Skip("owners only, a rule of its own; org_archive.rs covers it")),
    ("get", "/health", Rule::Open),
    ("get", "/ready", Rule::Open),
    ("get", "/metrics", Rule::Open),
    ("get", "/api/v1/column-types", Rule::AnyUser),
    ("get", "/api/v1/templates", Rule::AnyUser),
    ("get", "/api/v1/me", Rule::AnyUser),
    ("get", "/api/v1/me/notification-preferences", Rule::AnyUser),
    ("put", "/api/v1/me/notification-preferences", Rule::AnyUser),
    ("get", "/api/v1/me/notifications", Rule::AnyUser),
    ("get", "/api/v1/me/work", Rule::AnyUser),
    ("post", "/api/v1/me/notifications/read", Rule::AnyUser),
    ("get", "/api/v1/me/tokens", Rule::AnyUser),
    ("post", "/api/v1/me/tokens", Rule::AnyUser),
    ("delete", "/api/v1/me/tokens/{id}", Rule::OwnerOnly),
    ("get", "/api/v1/workspaces", Rule::AnyUser),
    ("get", "/api/v1/boards", Rule::AnyUser),
    ("get", "/api/v1/orgs/{org_id}/members", Rule::OrgMember),
    ("post", "/api/v1/orgs/{org_id}/invites", Rule::OrgAdmin),
    ("patch", "/api/v1/orgs/{org_id}/members/{user_id}", Rule::OrgAdmin),
    ("delete", "/api/v1/orgs/{org_id}/members/{user_id}", Rule::OrgAdmin),
    ("post", "/api/v1/workspaces", Rule::OrgCreate),
    ("get", "/api/v1/workspaces/{id}", Rule::WsRead),
    ("get", "/api/v1/workspaces/{id}/members", Rule::WsRead),
    ("patch", "/api/v1/workspaces/{id}", Rule::WsEdit),
    ("post", "/api/v1/workspaces/{id}/members", Rule::WsEdit),
    ("delete", "/api/v1/workspaces/{id}/members/{user_id}", Rule::WsEdit),
    ("delete", "/api/v1/workspaces/{id}", Rule::WsDelete),
    ("post", "/api/v1/boards", Rule::WsEdit),
    ("post", "/api/v1/boards/import", Rule::WsEdit),
    ("get", "/api/v1/boards/{id}", Rule::BoardRead),
    ("get", "/api/v1/boards/{id}/activity", Rule::BoardRead),
    ("get", "/api/v1/boards/{id}/export", Rule::BoardRead),
    ("get", "/api/v1/boards/{id}/items", Rule::BoardRead),
    ("get", "/api/v1/boards/{id}/items/archived", Rule::BoardRead),
    ("post", "/api/v1/boards/{id}/items/query", Rule::BoardRead),
    ("get", "/api/v1/boards/{id}/members", Rule::BoardRead),
    ("get", "/api/v1/boards/{id}/update-counts", Rule::BoardRead),
    ("get", "/api/v1/boards/{id}/subitem-counts", Rule::BoardRead),
    ("get", "/api/v1/boards/{id}/formulas/progress", Rule::BoardRead),
    ("post", "/api/v1/boards/{id}/formulas/preview", Rule::BoardRead),
    ("get", "/api/v1/boards/{id}/views", Rule::BoardRead),
    ("get", "/api/v1/views/{id}", Rule::BoardRead),
    ("get", "/api/v1/boards/{id}/automations", Rule::BoardRead),
    ("get", "/api/v1/boards/{id}/links", Rule::BoardRead),
    ("get", "/api/v1/automations/{id}", Rule::BoardRead),
    ("get", "/api/v1/automations/{id}/runs", Rule::BoardRead),
    ("post", "/api/v1/automations/{id}/dry-run", Rule::BoardRead),
    ("get", "/api/v1/items/{id}/automation-runs", Rule::BoardRead),
    ("get", "/api/v1/items/{id}", Rule::BoardRead),
    // Answers only with items of boards the caller sees (tests/relations.rs checks which).
    ("get", "/api/v1/items/lookup", Rule::AnyUser),
    ("get", "/api/v1/items/{id}/activity", Rule::BoardRead),
    // Members upload to their organization; a file is read through the boards holding it.
    ("post", "/api/v1/files", Rule::OrgMember),
    ("get", "/api/v1/files", Rule::AnyUser),
    ("get", "/api/v1/files/{id}", Rule::BoardRead),
    ("get", "/api/v1/files/{id}/info", Rule::BoardRead),
    ("get", "/api/v1/files/{id}/thumbnail", Rule::BoardRead),
    ("post", "/api/v1/files/{id}/link", Rule::BoardRead),
    ("get", "/api/v1/files/{id}/signed", Rule::Skip("the signature is the credential; files.rs covers it")),
    // Answers only with what the caller may read (tests/search.rs checks what).
    ("get", "/api/v1/search", Rule::AnyUser),
    ("get", "/api/v1/search/status", Rule::Skip("instance admins by configuration; search.rs covers it")),
    ("post", "/api/v1/analytics/query", Rule::BoardRead),
    ("post", "/api/v1/analytics/report", Rule::BoardRead),
    ("get", "/api/v1/analytics/status", Rule::Skip("instance admins by configuration; analytics.rs covers it")),
    ("get", "/api/v1/items/{id}/subitems", Rule::BoardRead),
    ("get", "/api/v1/items/{id}/updates", Rule::BoardRead),
    ("post", "/api/v1/boards/{id}/items", Rule::BoardContent),
    ("post", "/api/v1/boards/{id}/items/bulk", Rule::BoardContent),
    ("post", "/api/v1/boards/{id}/import", Rule::BoardContent),
    ("post", "/api/v1/boards/{id}/duplicate", Rule::BoardContent),
    ("patch", "/api/v1/items/{id}", Rule::BoardContent),
    ("delete", "/api/v1/items/{id}", Rule::BoardContent),
    ("post", "/api/v1/items/{id}/duplicate", Rule::BoardContent),
    ("post", "/api/v1/items/{id}/restore", Rule::BoardContent),
    ("post", "/api/v1/items/{id}/subitems", Rule::BoardContent),
    ("post", "/api/v1/items/{id}/updates", Rule::BoardContent),
    ("post", "/api/v1/updates/{id}/replies", Rule::BoardContent),
    ("patch", "/api/v1/updates/{id}", Rule::Author),
    ("delete", "/api/v1/updates/{id}", Rule::Author),
    ("patch", "/api/v1/boards/{id}", Rule::BoardStructure),
    ("post", "/api/v1/boards/{id}/columns", Rule::BoardStructure),
    ("patch", "/api/v1/boards/{id}/columns/{column_id}", Rule::BoardStructure),
    ("delete", "/api/v1/boards/{id}/columns/{column_id}", Rule::BoardStructure),
    ("post", "/api/v1/boards/{id}/groups", Rule::BoardStructure),
    ("patch", "/api/v1/boards/{id}/groups/{group_id}", Rule::BoardStructure),
    ("delete", "/api/v1/boards/{id}/groups/{group_id}", Rule::BoardStructure),
    ("post", "/api/v1/boards/{id}/views", Rule::BoardStructure),
    ("patch", "/api/v1/views/{id}", Rule::BoardStructure),
    ("delete", "/api/v1/views/{id}", Rule::BoardStructure),
    ("post", "/api/v1/boards/{id}/automations", Rule::BoardStructure),
    ("post", "/api/v1/boards/{id}/links", Rule::BoardStructure),
    ("post", "/api/v1/items/{id}/move-to-board", Rule::Skip("needs a second board; api_items.rs checks who may move")),
    (
        "post",
        "/api/v1/items/{id}/buttons/{column_id}",
        Rule::Skip("needs a button column; automations.rs checks who may click"),
    ),
    ("delete", "/api/v1/links/{id}", Rule::Skip("revoking needs a link of the scene's board; links.rs checks who may")),
    ("get", "/api/v1/ical/{token}", Rule::Skip("the secret token in the path is the credential; links.rs covers it")),
    (
        "post",
        "/api/v1/inbound/{token}",
        Rule::Skip("the secret token in the path is the credential; links.rs covers it"),
    ),
    ("get", "/api/v1/workspaces/{id}/dashboards", Rule::WsRead),
    (
        "post",
        "/api/v1/workspaces/{id}/dashboards",
        Rule::Skip("a dashboard names boards; dashboards.rs checks who may make one"),
    ),
    (
        "get",
        "/api/v1/dashboards/{id}",
        Rule::Skip("needs a dashboard of the scene; dashboards.rs checks who may see it"),
    ),
    (
        "patch",
        "/api/v1/dashboards/{id}",
        Rule::Skip("needs a dashboard of the scene; dashboards.rs checks who may change it"),
    ),
    (
        "delete",
        "/api/v1/dashboards/{id}",
        Rule::Skip("needs a dashboard of the scene; dashboards.rs checks who may delete it"),
    ),
    ("get", "/api/v1/forms/{token}", Rule::Skip("the secret token in the path is the credential; forms.rs covers it")),
    ("post", "/api/v1/forms/{token}", Rule::Skip("the secret token in the path is the credential; forms.rs covers it")),
    ("post", "/api/v1/views/{id}/form/link", Rule::Skip("needs a form view; forms.rs checks who may")),
    ("put", "/api/v1/views/{id}/form/password", Rule::Skip("needs a form view; forms.rs checks who may")),
    ("patch", "/api/v1/automations/{id}", Rule::BoardStructure),
    ("delete", "/api/v1/automations/{id}", Rule::BoardStructure),
    ("post", "/api/v1/automations/{id}/replay", Rule::BoardStructure),
    ("post", "/api/v1/automation-runs/{id}/retry", Rule::Skip("needs a failed run; automations.rs checks retries")),
    ("put", "/api/v1/boards/{id}/members/{user_id}", Rule::BoardOwner),
    ("delete", "/api/v1/boards/{id}/members/{user_id}", Rule::BoardOwner),
    ("delete", "/api/v1/boards/{id}", Rule::BoardOwner),
];

/// `None`: a success (2xx); `Some(status)`: exactly that status.
fn expected(rule: Rule, actor: Actor, read: bool) -> Option<u16> {
    use Actor::*;
    match (rule, actor) {
        (Rule::Open, _) => None,
        (_, Anonymous | Revoked) => Some(401),
        (_, ReadToken) if !read => Some(403),
        (_, ReadToken) => expected(rule, Owner, read),
        (Rule::AnyUser, _) => None,
        (Rule::OwnerOnly, Owner) => None,
        (Rule::OwnerOnly, _) => Some(404),
        (_, OtherOrg) => Some(404),
        (Rule::OrgMember, _) => None,
        (Rule::OrgAdmin, Owner | Admin) => None,
        (Rule::OrgAdmin, _) => Some(403),
        (Rule::OrgCreate, Viewer | Guest) => Some(403),
        (Rule::OrgCreate, _) => None,
        // Beyond here the closed workspace decides: who is not in it sees nothing.
        (_, Guest | Outsider) => Some(404),
        (Rule::WsRead | Rule::BoardRead, _) => None,
        (Rule::WsEdit, Viewer) => Some(403),
        (Rule::WsEdit, _) => None,
        (Rule::BoardContent, Owner | Admin | Member | BoardEditor) => None,
        (Rule::WsDelete | Rule::BoardStructure | Rule::BoardOwner, Owner | Admin) => None,
        (Rule::Author, Owner) => None,
        _ => Some(403),
    }
}

/// What one route is called on: a fresh closed workspace with a public board, its items,
/// a view, an update, a spare group, and a user to act on.
struct Scene {
    ws: String,
    board: String,
    column: String,
    spare_group: String,
    item: String,
    archived: String,
    view: String,
    automation: String,
    update: String,
    /// Held by the scene's update.
    file: String,
    token: String,
    victim: String,
}

struct People {
    owner: Session,
    sessions: Vec<(Actor, String)>,
    ws_members: Vec<String>,
    board_grants: Vec<(String, &'static str)>,
    read_token: String,
    revoked: String,
    outsider: String,
    serial: std::cell::Cell<u32>,
}

async fn people(app: &TestApp) -> People {
    let owner = app.signup("owner@matrix.example").await;
    let mut sessions = vec![];
    let mut ids = std::collections::HashMap::new();
    for (actor, role) in [
        (Actor::Admin, "admin"),
        (Actor::Member, "member"),
        (Actor::Viewer, "viewer"),
        (Actor::Guest, "guest"),
        (Actor::Outsider, "member"),
        (Actor::BoardViewer, "member"),
        (Actor::BoardEditor, "member"),
    ] {
        let s = app.signup(&format!("{actor:?}@matrix.example").to_lowercase()).await;
        app.join(&owner, &s, role).await;
        ids.insert(format!("{actor:?}"), s.user_id.clone());
        sessions.push((actor, s.token));
    }
    let other = app.signup("other@elsewhere.example").await;
    sessions.push((Actor::OtherOrg, other.token));
    let token = |scopes: Value| {
        let body = json!({"name": "matrix", "scopes": scopes});
        app.post("/api/v1/me/tokens", &owner.token, body).send()
    };
    let read = expect_json(token(json!(["read"])).await.unwrap(), 201).await;
    let revoked = expect_json(token(json!(["read", "write"])).await.unwrap(), 201).await;
    let gone = app.delete(&format!("/api/v1/me/tokens/{}", revoked["id"].as_str().unwrap()), &owner.token);
    assert_eq!(gone.send().await.unwrap().status(), 204);
    let id = |a: Actor| ids[&format!("{a:?}")].clone();
    People {
        ws_members: vec![id(Actor::Member), id(Actor::Viewer), id(Actor::BoardViewer), id(Actor::BoardEditor)],
        board_grants: vec![(id(Actor::BoardViewer), "view"), (id(Actor::BoardEditor), "edit_content")],
        outsider: id(Actor::Outsider),
        read_token: read["secret"].as_str().unwrap().to_owned(),
        revoked: revoked["secret"].as_str().unwrap().to_owned(),
        owner,
        sessions,
        serial: std::cell::Cell::new(0),
    }
}

impl People {
    fn token(&self, actor: Actor) -> Option<&str> {
        match actor {
            Actor::Owner => Some(&self.owner.token),
            Actor::Anonymous => None,
            Actor::ReadToken => Some(&self.read_token),
            Actor::Revoked => Some(&self.revoked),
            a => self.sessions.iter().find(|(b, _)| *b == a).map(|(_, t)| t.as_str()),
        }
    }
}

async fn ok(r: reqwest::RequestBuilder) -> Value {
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    assert!((200..300).contains(&status), "scene setup answered {status}: {body}");
    body
}

async fn scene(app: &TestApp, p: &People) -> Scene {
    let o = &p.owner;
    let n = p.serial.get() + 1;
    p.serial.set(n);
    let ws =
        ok(app.post("/api/v1/workspaces", &o.token, json!({"name": "Closed", "org_id": o.org_id, "kind": "closed"})))
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
    let victim = app.signup(&format!("victim{n}@matrix.example")).await;
    app.join(o, &victim, "member").await;
    for u in p.ws_members.iter().chain([&victim.user_id]) {
        ok(app.post(&format!("/api/v1/workspaces/{ws}/members"), &o.token, json!({"user_id": u}))).await;
    }
    let body = json!({"name": "B", "workspace_id": ws, "kind": "public", "default_permission": "edit_content"});
    let board = ok(app.post("/api/v1/boards", &o.token, body)).await;
    let b = board["id"].as_str().unwrap().to_owned();
    for (u, perm) in &p.board_grants {
        let put = app.client().put(app.url(&format!("/api/v1/boards/{b}/members/{u}"))).bearer_auth(&o.token);
        ok(put.json(&json!({"permission": perm}))).await;
    }
    let column = ok(app.post(&format!("/api/v1/boards/{b}/columns"), &o.token, json!({"title": "T", "type": "text"})))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let spare_group = ok(app.post(&format!("/api/v1/boards/{b}/groups"), &o.token, json!({"title": "Spare"}))).await
        ["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let item = ok(app.post(&format!("/api/v1/boards/{b}/items"), &o.token, json!({"name": "I"}))).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let archived = ok(app.post(&format!("/api/v1/boards/{b}/items"), &o.token, json!({"name": "A"}))).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(app.delete(&format!("/api/v1/items/{archived}"), &o.token)).await;
    let view = ok(app.post(&format!("/api/v1/boards/{b}/views"), &o.token, json!({"name": "V", "type": "table"})))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A recipe that never fires in the scene (nobody writes "never" into the column).
    let recipe = json!({"name": "R", "trigger": {"type": "column_changed", "column_id": column, "to": "never"},
        "actions": [{"type": "post_update", "text": "seen"}]});
    let automation = ok(app.post(&format!("/api/v1/boards/{b}/automations"), &o.token, recipe)).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let upload = app.client().post(app.url("/api/v1/files?filename=a.txt")).bearer_auth(&o.token).body("attached");
    let file = ok(upload).await["id"].as_str().unwrap().to_owned();
    let body = json!({"body": "Hello", "files": [file]});
    let update =
        ok(app.post(&format!("/api/v1/items/{item}/updates"), &o.token, body)).await["id"].as_str().unwrap().to_owned();
    let token = ok(app.post("/api/v1/me/tokens", &o.token, json!({"name": "spare", "scopes": ["read"]}))).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Scene {
        ws,
        board: b,
        column,
        spare_group,
        item,
        archived,
        view,
        automation,
        update,
        file,
        token,
        victim: victim.user_id,
    }
}

/// The concrete path and a valid body for one route in `s`.
fn request(method: &str, template: &str, s: &Scene, p: &People) -> (String, Option<Value>) {
    let mut path = template
        .replace("{org_id}", &p.owner.org_id)
        .replace("{user_id}", &s.victim)
        .replace("{column_id}", &s.column)
        .replace("{group_id}", &s.spare_group);
    let id = match template {
        t if t.starts_with("/api/v1/workspaces/") => &s.ws,
        t if t.starts_with("/api/v1/boards/") => &s.board,
        "/api/v1/items/{id}/restore" => &s.archived,
        t if t.starts_with("/api/v1/items/") => &s.item,
        t if t.starts_with("/api/v1/views/") => &s.view,
        t if t.starts_with("/api/v1/automations/") => &s.automation,
        t if t.starts_with("/api/v1/updates/") => &s.update,
        t if t.starts_with("/api/v1/me/tokens/") => &s.token,
        t if t.starts_with("/api/v1/files/") => &s.file,
        _ => "",
    };
    path = path.replace("{id}", id);
    if method == "delete" && template == "/api/v1/workspaces/{id}" {
        path.push_str("?with_boards=true");
    }
    if template == "/api/v1/items/lookup" {
        path.push_str(&format!("?ids={}", s.item));
    }
    if method == "get" && template == "/api/v1/files" {
        path.push_str(&format!("?ids={}", s.file));
    }
    if template == "/api/v1/search" {
        path.push_str("?q=hello");
    }
    if method == "post" && template == "/api/v1/files" {
        path.push_str(&format!("?org_id={}", p.owner.org_id));
    }
    let body = match (method, template) {
        ("put", "/api/v1/me/notification-preferences") => json!({"email_kinds": ["mention"], "digest_minutes": 60}),
        ("post", "/api/v1/me/notifications/read") => json!({}),
        ("post", "/api/v1/me/tokens") => json!({"name": "t", "scopes": ["read"]}),
        ("post", "/api/v1/orgs/{org_id}/invites") => json!({"email": "someone@matrix.example", "role": "member"}),
        ("patch", "/api/v1/orgs/{org_id}/members/{user_id}") => json!({"role": "viewer"}),
        ("post", "/api/v1/workspaces") => json!({"name": "New", "org_id": p.owner.org_id}),
        ("patch", "/api/v1/workspaces/{id}") => json!({"name": "Renamed"}),
        ("post", "/api/v1/workspaces/{id}/members") => json!({"user_id": p.outsider}),
        ("post", "/api/v1/boards") => json!({"name": "New", "workspace_id": s.ws}),
        ("post", "/api/v1/boards/import") => json!({"name": "New", "workspace_id": s.ws, "csv": "Name\nA\n"}),
        ("post", "/api/v1/boards/{id}/items/query") => json!({}),
        ("post", "/api/v1/analytics/query") => json!({"board_ids": [s.board], "metric": {"fn": "count"}}),
        ("post", "/api/v1/analytics/report") => {
            json!({"report": "time_in_status", "board_ids": [s.board], "column_id": "Status"})
        }
        ("post", "/api/v1/boards/{id}/formulas/preview") => json!({"expression": "1 + 1"}),
        ("post", "/api/v1/boards/{id}/items") | ("post", "/api/v1/items/{id}/subitems") => json!({"name": "New"}),
        ("post", "/api/v1/boards/{id}/items/bulk") => json!({"items": [{"name": "New"}]}),
        ("post", "/api/v1/boards/{id}/import") => json!({"csv": "Name\nA\n"}),
        ("post", "/api/v1/boards/{id}/duplicate") => json!({"with_items": false}),
        ("patch", "/api/v1/items/{id}") => json!({"name": "Renamed"}),
        ("post", "/api/v1/items/{id}/updates") | ("post", "/api/v1/updates/{id}/replies") => json!({"body": "Hi"}),
        ("patch", "/api/v1/updates/{id}") => json!({"body": "Edited"}),
        ("patch", "/api/v1/boards/{id}") => json!({"name": "Renamed"}),
        ("post", "/api/v1/boards/{id}/columns") => json!({"title": "New", "type": "text"}),
        ("patch", "/api/v1/boards/{id}/columns/{column_id}") => json!({"title": "Renamed"}),
        ("post", "/api/v1/boards/{id}/groups") => json!({"title": "New"}),
        ("patch", "/api/v1/boards/{id}/groups/{group_id}") => json!({"title": "Renamed"}),
        ("post", "/api/v1/boards/{id}/views") => json!({"name": "New", "type": "table"}),
        ("patch", "/api/v1/views/{id}") => json!({"name": "Renamed"}),
        ("post", "/api/v1/boards/{id}/automations") => {
            json!({"name": "New", "trigger": {"type": "item_archived"}, "actions": [{"type": "post_update", "text": "x"}]})
        }
        ("patch", "/api/v1/automations/{id}") => json!({"name": "Renamed"}),
        ("post", "/api/v1/boards/{id}/links") => json!({"kind": "ical", "name": "Feed"}),
        ("post", "/api/v1/automations/{id}/dry-run") => json!({"item_id": s.item}),
        ("post", "/api/v1/automations/{id}/replay") => json!({"since": "2020-01-01T00:00:00Z"}),
        ("put", "/api/v1/boards/{id}/members/{user_id}") => json!({"permission": "view"}),
        ("post", "/api/v1/items/{id}/duplicate") | ("post", "/api/v1/items/{id}/restore") => json!({}),
        // Uploaded as is: the JSON is the file.
        ("post", "/api/v1/files") | ("post", "/api/v1/files/{id}/link") => json!({}),
        ("get" | "delete", _) => return (path, None),
        _ => panic!("no body for {method} {template}: add one to `request`"),
    };
    (path, Some(body))
}

/// Whether a success changes the scene for the actors after it (so they get a fresh one).
fn consumes(method: &str, template: &str) -> bool {
    matches!(method, "delete" | "put")
        || matches!(template, "/api/v1/workspaces/{id}/members" | "/api/v1/orgs/{org_id}/members/{user_id}")
}

async fn every_route_answers_every_actor_as_the_table_says(app: TestApp) {
    let spec: Value = serde_json::from_str(include_str!("../../../openapi.json")).unwrap();
    let mut routes = vec![];
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for method in
            ops.as_object().unwrap().keys().filter(|m| ["get", "post", "put", "patch", "delete"].contains(&m.as_str()))
        {
            routes.push((method.clone(), path.clone()));
        }
    }
    let missing: Vec<_> = routes.iter().filter(|(m, p)| !ROUTES.iter().any(|(rm, rp, _)| rm == m && rp == p)).collect();
    assert!(missing.is_empty(), "routes without a row in the access matrix: {missing:?}");
    let stale: Vec<_> = ROUTES.iter().filter(|(m, p, _)| !routes.iter().any(|(rm, rp)| rm == m && rp == p)).collect();
    assert!(stale.is_empty(), "rows for routes the API no longer has: {stale:?}");

    let p = people(&app).await;
    let mut wrong = vec![];
    let mut calls = 0;
    for (method, template, rule) in ROUTES {
        if let Rule::Skip(why) = rule {
            eprintln!("not walked: {method} {template}: {why}");
            continue;
        }
        let read = *method == "get"
            || template.ends_with("/items/query")
            || template.starts_with("/api/v1/analytics/")
            || template.ends_with("/dry-run")
            || template.ends_with("/files/{id}/link");
        let mut s = scene(&app, &p).await;
        for actor in ACTORS {
            let (path, body) = request(method, template, &s, &p);
            let mut r = app.client().request(method.to_uppercase().parse().unwrap(), app.url(&path));
            if let Some(t) = p.token(actor) {
                r = r.bearer_auth(t);
            }
            if let Some(b) = body {
                r = r.json(&b);
            }
            let got = r.send().await.unwrap();
            calls += 1;
            let status = got.status().as_u16();
            let want = expected(*rule, actor, read);
            let fine = match want {
                None => (200..300).contains(&status),
                Some(w) => w == status,
            };
            if !fine {
                let text = got.text().await.unwrap_or_default();
                wrong.push(format!(
                    "{} {template} as {actor:?}: want {}, got {status} {}",
                    method.to_uppercase(),
                    want.map_or("2xx".to_owned(), |w| w.to_string()),
                    text.chars().take(160).collect::<String>()
                ));
            } else if want.is_none() && consumes(method, template) {
                s = scene(&app, &p).await;
            }
        }
    }
    assert!(wrong.is_empty(), "{} of {calls} calls answered otherwise:\n{}", wrong.len(), wrong.join("\n"));
}
