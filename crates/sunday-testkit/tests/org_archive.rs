//! Moving an organization: exported from one instance and imported into another, SQLite to
//! PostgreSQL and back, the API answers the same; importing twice, or into an instance where
//! a member's email is taken, writes nothing; damaged archives are refused before any write.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use serde_json::{json, Value};
use sunday_server::{archive, org_archive};
use sunday_testkit::{
    board, expect_error, expect_json,
    sample::{populate, ADA},
    until_cell, Backend, Session, TestApp, PASSWORD,
};

/// Everything the organization's people see, as the API answers it.
async fn snapshot(app: &TestApp, ada: &Session, bob_token: &str) -> Value {
    let get = |path: String, token: String| async move {
        expect_json(app.get(&path, &token).send().await.unwrap(), 200).await
    };
    let t = ada.token.clone();
    let spaces = get("/api/v1/workspaces".into(), t.clone()).await;
    let org = spaces["data"][0]["org_id"].as_str().unwrap().to_owned();
    let boards = get("/api/v1/boards".into(), t.clone()).await;
    let mut out = json!({
        "workspaces": spaces,
        "boards": boards,
        "members": get(format!("/api/v1/orgs/{org}/members"), t.clone()).await,
        "bob_notifications": get("/api/v1/me/notifications".into(), bob_token.to_owned()).await,
    });
    for b in boards["data"].as_array().unwrap() {
        let id = b["id"].as_str().unwrap();
        let items = get(format!("/api/v1/boards/{id}/items"), t.clone()).await;
        let mut updates = vec![];
        for item in items["data"].as_array().unwrap() {
            let iid = item["id"].as_str().unwrap();
            updates.push(get(format!("/api/v1/items/{iid}/updates"), t.clone()).await);
        }
        out[id] = json!({
            "board": get(format!("/api/v1/boards/{id}"), t.clone()).await,
            "items": items,
            "updates": updates,
            "archived": get(format!("/api/v1/boards/{id}/items/archived"), t.clone()).await,
            "activity": get(format!("/api/v1/boards/{id}/activity"), t.clone()).await,
            "views": get(format!("/api/v1/boards/{id}/views"), t.clone()).await,
            "members": get(format!("/api/v1/boards/{id}/members"), t.clone()).await,
        });
    }
    out
}

async fn login(app: &TestApp, email: &str) -> Option<String> {
    let body = json!({"email": email, "password": PASSWORD});
    let r = app.client().post(app.url("/api/v1/auth/login")).json(&body).send().await.unwrap();
    if r.status() != 200 {
        return None;
    }
    Some(r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned())
}

async fn export(app: &TestApp, org: &str, to: &Path) -> org_archive::OrgManifest {
    let store = sunday_server::open_store(&app.config, false).await.unwrap();
    org_archive::export(store.as_ref(), org.parse().unwrap(), to, org_archive::Secrets::Keep).await.unwrap()
}

async fn import(app: &TestApp, from: &Path) -> anyhow::Result<org_archive::OrgManifest> {
    let store = sunday_server::open_store(&app.config, false).await.unwrap();
    org_archive::import(store.as_ref(), from).await
}

async fn ada_org(app: &TestApp, ada: &Session) -> String {
    let spaces = expect_json(app.get("/api/v1/workspaces", &ada.token).send().await.unwrap(), 200).await;
    spaces["data"][0]["org_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_org_moves_from_sqlite_to_postgres_and_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let a = TestApp::spawn(Backend::Sqlite).await;
    let (ada, bob) = populate(&a).await;
    let org = ada_org(&a, &ada).await;
    let before = snapshot(&a, &ada, &bob.token).await;
    let first = dir.path().join("from-sqlite.tar");
    let m = export(&a, &org, &first).await;
    assert_eq!((m.rows("orgs"), m.rows("org_members"), m.rows("items")), (1, 2, 3));
    assert_eq!(m.rows("sessions"), 0, "sessions stay behind");

    // Into PostgreSQL, beside an organization that is already there.
    let b = TestApp::spawn(Backend::Postgres).await;
    let carol = b.signup("carol@example.com").await;
    let carol_before = snapshot_of_carol(&b, &carol).await;
    import(&b, &first).await.unwrap();
    let ada_b = Session { token: login(&b, ADA).await.expect("Ada signs in with her password"), ..ada.clone() };
    let bob_b = login(&b, &bob.email).await.unwrap();
    assert_eq!(snapshot(&b, &ada_b, &bob_b).await, before, "same answers on PostgreSQL");
    assert_eq!(snapshot_of_carol(&b, &carol).await, carol_before, "the other org is untouched");

    // The board still takes writes on the new instance, continuing its event log.
    let bid = before["boards"]["data"][0]["id"].as_str().unwrap();
    let r =
        b.post(&format!("/api/v1/boards/{bid}/items"), &ada_b.token, json!({"name": "Moved"})).send().await.unwrap();
    expect_json(r, 201).await;

    // Importing again changes nothing.
    let err = import(&b, &first).await.unwrap_err();
    assert!(format!("{err:#}").contains("already on this instance"), "{err:#}");
    let items =
        expect_json(b.get(&format!("/api/v1/boards/{bid}/items"), &ada_b.token).send().await.unwrap(), 200).await;
    assert_eq!(items["data"].as_array().unwrap().len(), 3, "two items plus the new one, none twice");

    // And back to SQLite: the same answers again, the new item included.
    let after_b = snapshot(&b, &ada_b, &bob_b).await;
    let second = dir.path().join("from-postgres.tar");
    export(&b, &org, &second).await;
    let c = TestApp::spawn(Backend::Sqlite).await;
    import(&c, &second).await.unwrap();
    let ada_c = Session { token: login(&c, ADA).await.unwrap(), ..ada.clone() };
    let bob_c = login(&c, &bob.email).await.unwrap();
    assert_eq!(snapshot(&c, &ada_c, &bob_c).await, after_b, "same answers back on SQLite");
    for app in [a, b, c] {
        app.shutdown().await;
    }
}

async fn snapshot_of_carol(app: &TestApp, carol: &Session) -> Value {
    let spaces = expect_json(app.get("/api/v1/workspaces", &carol.token).send().await.unwrap(), 200).await;
    let members = expect_json(
        app.get(&format!("/api/v1/orgs/{}/members", carol.org_id), &carol.token).send().await.unwrap(),
        200,
    )
    .await;
    json!({"spaces": spaces, "members": members})
}

/// An import that fails on its last rows, or an archive that is damaged, leaves the target as
/// it was.
#[tokio::test]
async fn a_failed_or_damaged_import_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a = TestApp::spawn(Backend::Sqlite).await;
    let (ada, bob) = populate(&a).await;
    let org = ada_org(&a, &ada).await;
    let file = dir.path().join("org.tar");
    export(&a, &org, &file).await;

    for backend in [Backend::Sqlite, Backend::Postgres] {
        // Bob's email belongs to another account here: the users go in first, so the
        // failure comes after the organization's own row was written, and is rolled back.
        let b = TestApp::spawn(backend).await;
        b.signup(&bob.email).await;
        let err = import(&b, &file).await.unwrap_err();
        assert!(format!("{err:#}").contains("belongs to another account"), "{backend:?}: {err:#}");
        assert!(login(&b, ADA).await.is_none(), "{backend:?}: no user of the archive was created");
        let store = sunday_server::open_store(&b.config, false).await.unwrap();
        assert!(store.export_org(org.parse().unwrap()).await.unwrap().iter().all(|t| t.rows.is_empty()), "{backend:?}");
        b.shutdown().await;
    }

    let b = TestApp::spawn(Backend::Sqlite).await;
    // Truncated.
    let bytes = std::fs::read(&file).unwrap();
    let truncated = dir.path().join("truncated.tar");
    std::fs::write(&truncated, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let err = import(&b, &truncated).await.unwrap_err();
    let err = format!("{err:#}");
    assert!(err.contains("truncated") || err.contains("lacks") || err.contains("no manifest"), "{err}");
    // A file changed after export.
    let unpacked = tempfile::tempdir().unwrap();
    let manifest: org_archive::OrgManifest = archive::read(&file, unpacked.path(), "archive").unwrap();
    let paths: Vec<String> = manifest.files.iter().map(|f| f.path.clone()).collect();
    let items = unpacked.path().join("tables/items.jsonl");
    let text = std::fs::read_to_string(&items).unwrap().replace("Write brief", "Write brie!");
    std::fs::write(&items, text).unwrap();
    let tampered = dir.path().join("tampered.tar");
    // The manifest as exported: its checksum of the changed file no longer matches.
    archive::write(&tampered, unpacked.path(), &paths, |_| manifest.clone()).unwrap();
    let err = import(&b, &tampered).await.unwrap_err();
    assert!(format!("{err:#}").contains("does not match its checksum"), "{err:#}");
    // From a newer Sunday: checksums made anew, only the schema version is off.
    let newer = dir.path().join("newer.tar");
    let version = manifest.schema_version + 1;
    archive::write(&newer, unpacked.path(), &paths, |files| org_archive::OrgManifest {
        files,
        schema_version: version,
        ..manifest
    })
    .unwrap();
    let err = import(&b, &newer).await.unwrap_err();
    assert!(format!("{err:#}").contains("upgrade this instance first"), "{err:#}");
    assert!(login(&b, ADA).await.is_none(), "nothing was imported");
    a.shutdown().await;
    b.shutdown().await;
}

/// An owner downloads the organization through the API: the same archive, without the
/// members' password hashes; members who are not owners get `403`, strangers `404`.
#[tokio::test]
async fn owners_download_the_org_without_password_hashes() {
    let a = TestApp::spawn(Backend::Sqlite).await;
    let (ada, bob) = populate(&a).await;
    let org = ada_org(&a, &ada).await;
    let stranger = a.signup("stranger@example.com").await;
    let path = format!("/api/v1/orgs/{org}/export");
    expect_error(a.get(&path, &bob.token).send().await.unwrap(), 403, "forbidden").await;
    expect_error(a.get(&path, &stranger.token).send().await.unwrap(), 404, "org_not_found").await;
    let r = a.get(&path, &ada.token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/x-tar");
    let bytes = r.bytes().await.unwrap();
    assert!(!bytes.windows(8).any(|w| w == b"$argon2i"), "no password hash leaves");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("download.tar");
    std::fs::write(&file, &bytes).unwrap();

    // It loads like the operator's export; the members have no password there.
    let b = TestApp::spawn(Backend::Postgres).await;
    let m = import(&b, &file).await.unwrap();
    assert_eq!((m.rows("items"), m.rows("org_members")), (3, 2));
    assert!(login(&b, ADA).await.is_none(), "no password came along");
    let source =
        sunday_server::open_store(&a.config, false).await.unwrap().export_org(org.parse().unwrap()).await.unwrap();
    let target =
        sunday_server::open_store(&b.config, false).await.unwrap().export_org(org.parse().unwrap()).await.unwrap();
    let without_hashes = |mut tables: Vec<sunday_store::TableRows>| {
        for t in &mut tables {
            for row in &mut t.rows {
                row.remove("password_hash");
            }
            t.rows.sort_by_key(|r| serde_json::to_string(r).unwrap());
        }
        tables
    };
    assert_eq!(without_hashes(source), without_hashes(target), "every row arrived");
    a.shutdown().await;
    b.shutdown().await;
}

/// A relation keeps working where its organization moved: the boards relation columns link to
/// are not in the archive (they come from the columns' settings) and the import rebuilds
/// them, so a linked item's change still reaches the mirror over the relation.
#[tokio::test]
async fn relations_follow_their_links_after_a_move() {
    let dir = tempfile::tempdir().unwrap();
    let a = TestApp::spawn(Backend::Sqlite).await;
    let ada = a.signup(ADA).await;
    let id = |v: Value| v["id"].as_str().unwrap().to_owned();
    let post = |app: &TestApp, token: &str, path: String, body: Value| {
        let r = app.post(&path, token, body).send();
        async move { id(expect_json(r.await.unwrap(), 201).await) }
    };
    let (clients, projects) = (id(board(&a, &ada, None).await), id(board(&a, &ada, None).await));
    let columns = |b: &str| format!("/api/v1/boards/{b}/columns");
    let budget = post(&a, &ada.token, columns(&clients), json!({"title": "Budget", "type": "number"})).await;
    let settings = json!({"board_ids": [clients], "two_way": false});
    let body = json!({"title": "Client", "type": "board_relation", "settings": settings});
    let relation = post(&a, &ada.token, columns(&projects), body).await;
    let settings = json!({"relation_column_id": relation, "column_id": budget, "function": "sum"});
    let body = json!({"title": "Total", "type": "mirror", "settings": settings});
    let total = post(&a, &ada.token, columns(&projects), body).await;
    let items = |b: &str| format!("/api/v1/boards/{b}/items");
    let acme = post(&a, &ada.token, items(&clients), json!({"name": "Acme", "values": {budget.clone(): 100}})).await;
    let body = json!({"name": "Launch", "values": {relation.clone(): [acme]}});
    let launch = post(&a, &ada.token, items(&projects), body).await;
    until_cell(&a, &ada.token, &launch, &total, json!(100)).await;

    let archive = dir.path().join("linked.tar");
    export(&a, &ada_org(&a, &ada).await, &archive).await;
    let b = TestApp::spawn(Backend::Postgres).await;
    import(&b, &archive).await.unwrap();
    let token = login(&b, ADA).await.unwrap();
    let patch = json!({"values": {budget: 70}});
    expect_json(b.patch(&format!("/api/v1/items/{acme}"), &token, patch).send().await.unwrap(), 200).await;
    until_cell(&b, &token, &launch, &total, json!(70)).await;
    for app in [a, b] {
        app.shutdown().await;
    }
}
