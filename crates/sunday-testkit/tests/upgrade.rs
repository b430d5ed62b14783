//! Upgrades from every released schema version, on both stores, with data.
//!
//! `fixtures/upgrade/vNN.sql` holds what a database at schema version NN contains: rows made
//! through the API (users, an organization with two members, a workspace, a board with typed
//! columns, items with values, an archived item, an update, a view, a notification), written
//! as plain INSERTs of the columns that existed at that version. Each test builds an empty
//! database, applies migrations 1..NN, loads the fixture, then starts a real server on it
//! (which migrates it to the latest) and checks through the API that everything is there and
//! that the board still takes writes where its event log left off.
//!
//! A fixture records what an old release left behind, so it is written once, when its
//! migration is added, and never regenerated: `UPDATE_FIXTURES=1 cargo nextest run -p
//! sunday-testkit -E 'binary(upgrade)'` writes only the missing ones.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use serde_json::{json, Value};
use sunday_config::{Config, StoreUrl};
use sunday_store_postgres::PostgresStore;
use sunday_store_sqlite::SqliteStore;
use sunday_testkit::{
    expect_json,
    sample::{notifications, populate, wait_for_notification, ADA, BOB},
    Backend, Session, TestApp,
};

fn fixture_path(version: i64) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("fixtures/upgrade/v{version:02}.sql"))
}

/// The newest schema version (both stores have the same migrations, a test checks).
fn latest() -> i64 {
    sunday_store_sqlite::MIGRATIONS.len() as i64
}

#[tokio::test]
async fn every_schema_version_has_a_fixture() {
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        write_missing_fixtures().await;
    }
    for version in 1..=latest() {
        assert!(
            fixture_path(version).is_file(),
            "no upgrade fixture for schema version {version}: run UPDATE_FIXTURES=1 cargo nextest run -p sunday-testkit -E 'binary(upgrade)'"
        );
    }
}

#[tokio::test]
async fn sqlite_upgrades_from_every_version() {
    for version in 1..=latest() {
        upgrade_from(Backend::Sqlite, version).await;
    }
}

#[tokio::test]
async fn postgres_upgrades_from_every_version() {
    for version in 1..=latest() {
        upgrade_from(Backend::Postgres, version).await;
    }
}

/// Relation columns made before `relation_targets` existed (schema version 18) are found
/// through it: the migration fills it from the columns' settings, on both stores.
#[tokio::test]
async fn relation_columns_from_before_their_table_are_found() {
    const COLUMN: &str = "0190a0b0-0000-7000-8000-0000000000c1";
    const TARGETS: [&str; 2] = ["0190a0b0-0000-7000-8000-000000000001", "0190a0b0-0000-7000-8000-000000000002"];
    let mut sql = std::fs::read_to_string(fixture_path(17)).unwrap();
    sql.push_str(&format!(
        "INSERT INTO board_columns (id, board_id, title, type, settings, position, width) \
         SELECT '{COLUMN}', id, 'Partners', 'board_relation', \
         '{{\"board_ids\": [\"{}\", \"{}\"], \"reverse_column_id\": null}}', 'zz', NULL \
         FROM boards WHERE name = 'Launch';\n",
        TARGETS[0], TARGETS[1]
    ));
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = TestApp::spawn_seeded(backend, async |config: &mut Config| load(config, 17, &sql).await).await;
        let want: Vec<(String, String)> = TARGETS.iter().map(|t| (t.to_string(), COLUMN.to_owned())).collect();
        assert_eq!(relation_targets(&app.config).await, want, "{backend:?}");
        app.shutdown().await;
    }
}

/// Every row of `relation_targets`, in order.
async fn relation_targets(config: &Config) -> Vec<(String, String)> {
    const ROWS: &str = "SELECT target_board_id, column_id FROM relation_targets ORDER BY target_board_id, column_id";
    match config.store_url().unwrap() {
        StoreUrl::Sqlite(path) => {
            let conn = rusqlite::Connection::open(&path).unwrap();
            let mut stmt = conn.prepare(ROWS).unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
        }
        StoreUrl::Postgres(url) => {
            let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
            let conn = tokio::spawn(conn);
            let rows = client.query(ROWS, &[]).await.unwrap().iter().map(|r| (r.get(0), r.get(1))).collect();
            drop(client);
            let _ = conn.await;
            rows
        }
    }
}

/// A database migrated by a newer Sunday is refused, migrating or not, on both stores.
#[tokio::test]
async fn a_schema_this_binary_does_not_match_is_refused() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let (dir, pg) = (tempfile::tempdir().unwrap(), None::<sunday_store_postgres::testing::ScratchDb>);
        let mut config = sunday_testkit::test_config(dir.path());
        let _pg = match backend {
            Backend::Sqlite => pg,
            Backend::Postgres => {
                let admin = sunday_store_postgres::testing::admin_url();
                let (url, guard) = sunday_store_postgres::testing::create_scratch_database(&admin).await.unwrap();
                config.store.url = sunday_config::Secret::new(url);
                Some(guard)
            }
        };
        let older = sunday_server::open_store(&config, false).await.unwrap().migration_plan().await.unwrap();
        assert_eq!((older.current, older.pending.len() as i64), (0, older.latest), "{backend:?}: all pending");
        let store = sunday_server::open_store(&config, true).await.unwrap();
        let latest = store.expected_schema_version();
        drop(store);
        let future = format!(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ({}, 'from_the_future', 0)",
            latest + 1
        );
        match config.store_url().unwrap() {
            StoreUrl::Sqlite(path) => rusqlite::Connection::open(path).unwrap().execute_batch(&future).unwrap(),
            StoreUrl::Postgres(url) => {
                let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
                let conn = tokio::spawn(conn);
                client.batch_execute(&future).await.unwrap();
                drop(client);
                let _ = conn.await;
            }
        }
        for migrate in [true, false] {
            let err = sunday_server::open_store(&config, migrate).await.err().expect("a newer schema");
            let text = format!("{err:#}");
            assert!(
                text.contains(&format!("version {}, newer than this Sunday knows (version {latest})", latest + 1)),
                "{backend:?}: {text}"
            );
        }
    }
}

/// A database at `version` with its fixture loaded, then a server started on it.
async fn upgrade_from(backend: Backend, version: i64) {
    let sql = std::fs::read_to_string(fixture_path(version)).unwrap();
    let fixture_notifications = sql.lines().filter(|l| l.starts_with("INSERT INTO notifications ")).count();
    let app = TestApp::spawn_seeded(backend, async |config: &mut Config| load(config, version, &sql).await).await;
    let ctx = format!("{backend:?} from schema version {version}");
    let ada = login(&app, ADA).await;
    let bob = login(&app, BOB).await;

    let spaces = expect_json(app.get("/api/v1/workspaces", &ada.token).send().await.unwrap(), 200).await;
    assert_eq!(names(&spaces["data"]), ["Fixture workspace"], "{ctx}");
    let org = spaces["data"][0]["org_id"].as_str().unwrap();
    let members =
        expect_json(app.get(&format!("/api/v1/orgs/{org}/members"), &ada.token).send().await.unwrap(), 200).await;
    assert_eq!(members["data"].as_array().unwrap().len(), 2, "{ctx}: both members");
    if version < 2 {
        return app.shutdown().await;
    }

    let boards = expect_json(app.get("/api/v1/boards", &ada.token).send().await.unwrap(), 200).await;
    let board = boards["data"].as_array().unwrap().iter().find(|b| b["name"] == "Launch").expect("the board");
    let bid = board["id"].as_str().unwrap().to_owned();
    let full = expect_json(app.get(&format!("/api/v1/boards/{bid}"), &ada.token).send().await.unwrap(), 200).await;
    let col = |title: &str| sunday_testkit::column_id(&full, title);
    let items =
        expect_json(app.get(&format!("/api/v1/boards/{bid}/items"), &ada.token).send().await.unwrap(), 200).await;
    assert_eq!(names(&items["data"]), ["Write brief", "Book venue"], "{ctx}");
    let brief = &items["data"][0];
    assert_eq!(brief["values"][col("Cost")], json!(1200.5), "{ctx}");
    assert_eq!(brief["values"][col("Notes")], json!("Two pages"), "{ctx}");
    assert_eq!(brief["values"][col("Lead")], json!([bob.user_id]), "{ctx}");
    let archived =
        expect_json(app.get(&format!("/api/v1/boards/{bid}/items/archived"), &ada.token).send().await.unwrap(), 200)
            .await;
    assert_eq!(names(&archived["data"]), ["Old idea"], "{ctx}");
    let brief_id = brief["id"].as_str().unwrap().to_owned();
    let updates =
        expect_json(app.get(&format!("/api/v1/items/{brief_id}/updates"), &ada.token).send().await.unwrap(), 200).await;
    assert_eq!(updates["data"][0]["body"], "Draft is in the shared folder", "{ctx}");
    let views =
        expect_json(app.get(&format!("/api/v1/boards/{bid}/views"), &ada.token).send().await.unwrap(), 200).await;
    assert!(names(&views["data"]).contains(&"Open work".to_owned()), "{ctx}: {views}");
    if version >= 10 {
        let recipes =
            expect_json(app.get(&format!("/api/v1/boards/{bid}/automations"), &ada.token).send().await.unwrap(), 200)
                .await;
        let want: &[&str] = if version >= 11 { &["Ready check", "Monday nudge"] } else { &["Ready check"] };
        assert_eq!(names(&recipes["data"]), want, "{ctx}");
        let aid = recipes["data"][0]["id"].as_str().unwrap();
        let runs =
            expect_json(app.get(&format!("/api/v1/automations/{aid}/runs"), &ada.token).send().await.unwrap(), 200)
                .await;
        assert_eq!(runs["data"][0]["status"], "succeeded", "{ctx}: {runs}");
    }
    if version >= 11 {
        let links =
            expect_json(app.get(&format!("/api/v1/boards/{bid}/links"), &ada.token).send().await.unwrap(), 200).await;
        assert_eq!(names(&links["data"]), ["Team calendar", "Form"], "{ctx}");
        assert_eq!(links["data"][1]["mapping"]["name"], "/title", "{ctx}");
    }

    // The event log continues where it left off, and a new assignment notifies Bob once the
    // notifier has gone through the old events without notifying them again.
    let activity =
        expect_json(app.get(&format!("/api/v1/boards/{bid}/activity"), &ada.token).send().await.unwrap(), 200).await;
    let last_seq = activity["data"].as_array().unwrap().iter().filter_map(|e| e["seq"].as_i64()).max().expect("events");
    let body = json!({"name": "After upgrade", "values": {col("Lead"): [bob.user_id]}});
    let created =
        expect_json(app.post(&format!("/api/v1/boards/{bid}/items"), &ada.token, body).send().await.unwrap(), 201)
            .await;
    let patch = json!({"values": {col("Cost"): 99}});
    let iid = created["id"].as_str().unwrap();
    expect_json(app.patch(&format!("/api/v1/items/{iid}"), &ada.token, patch).send().await.unwrap(), 200).await;
    let activity =
        expect_json(app.get(&format!("/api/v1/boards/{bid}/activity"), &ada.token).send().await.unwrap(), 200).await;
    let seqs: Vec<i64> = activity["data"].as_array().unwrap().iter().filter_map(|e| e["seq"].as_i64()).collect();
    assert!(seqs.contains(&(last_seq + 1)) && seqs.contains(&(last_seq + 2)), "{ctx}: seqs {seqs:?} after {last_seq}");

    let fresh = wait_for_notification(&app, &bob, "After upgrade").await;
    let ada_count = notifications(&app, &ada).await.len();
    assert_eq!(fresh.len() + ada_count, fixture_notifications + 1, "{ctx}: old events are not notified again");
    app.shutdown().await;
}

/// Applies migrations 1..=version to the configured (empty) store, then the fixture.
async fn load(config: &Config, version: i64, sql: &str) {
    match config.store_url().unwrap() {
        StoreUrl::Sqlite(path) => {
            let store = SqliteStore::open(&path, 1).await.unwrap();
            assert_eq!(store.migrate_to(version).await.unwrap(), version);
            drop(store);
            rusqlite::Connection::open(&path).unwrap().execute_batch(sql).unwrap();
        }
        StoreUrl::Postgres(url) => {
            let store = PostgresStore::connect(&url, 2).await.unwrap();
            assert_eq!(store.migrate_to(version).await.unwrap(), version);
            drop(store);
            let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
            let conn = tokio::spawn(conn);
            client.batch_execute(&format!("BEGIN;\n{sql}\nCOMMIT;")).await.unwrap();
            drop(client);
            let _ = conn.await;
        }
    }
}

async fn login(app: &TestApp, email: &str) -> Session {
    let body = json!({"email": email, "password": sunday_testkit::PASSWORD});
    let r = app.client().post(app.url("/api/v1/auth/login")).json(&body).send().await.unwrap();
    let v = expect_json(r, 200).await;
    Session {
        token: v["token"].as_str().unwrap().to_owned(),
        csrf: v["csrf_token"].as_str().unwrap_or_default().to_owned(),
        user_id: v["user"]["id"].as_str().unwrap().to_owned(),
        org_id: String::new(), // not in a login's answer, and not needed here
        email: email.to_owned(),
    }
}

fn names(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap_or_default().to_owned()).collect()
}

// ---- writing fixtures ----

/// Makes the fixture data through the API on the current version, then writes, for each
/// version without a fixture, the rows of the tables and columns that version had.
async fn write_missing_fixtures() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    populate(&app).await;
    let reference = rusqlite::Connection::open(app.data_dir().join("sunday.db")).unwrap();
    for version in 1..=latest() {
        let path = fixture_path(version);
        if path.is_file() {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let at = dir.path().join("at.db");
        SqliteStore::open(&at, 1).await.unwrap().migrate_to(version).await.unwrap();
        let shape = rusqlite::Connection::open(&at).unwrap();
        let mut out = format!(
            "-- Sunday upgrade fixture: a database at schema version {version}, loaded after migrations 1..{version}.\n\
             -- Made through the API and never regenerated (crates/sunday-testkit/tests/upgrade.rs).\n"
        );
        for table in tables(&shape) {
            let columns = table_columns(&shape, &table);
            out.push_str(&inserts(&reference, &table, &columns));
        }
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, out).unwrap();
        eprintln!("wrote {}", path.display());
    }
    app.shutdown().await;
}

/// The tables of a database in the order they were created, parents before children.
fn tables(c: &rusqlite::Connection) -> Vec<String> {
    let mut st = c
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name <> 'schema_migrations' ORDER BY rowid",
        )
        .unwrap();
    st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

fn table_columns(c: &rusqlite::Connection, table: &str) -> Vec<String> {
    let mut st = c.prepare(&format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid")).unwrap();
    st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

fn inserts(reference: &rusqlite::Connection, table: &str, columns: &[String]) -> String {
    use rusqlite::types::ValueRef;
    let list = columns.join(", ");
    let mut st = reference.prepare(&format!("SELECT {list} FROM {table} ORDER BY rowid")).unwrap();
    let mut rows = st.query([]).unwrap();
    let mut out = String::new();
    while let Some(row) = rows.next().unwrap() {
        let values: Vec<String> = (0..columns.len())
            .map(|i| match row.get_ref(i).unwrap() {
                ValueRef::Null => "NULL".to_owned(),
                ValueRef::Integer(n) => n.to_string(),
                ValueRef::Real(x) => format!("{x:?}"),
                ValueRef::Text(t) => format!("'{}'", String::from_utf8_lossy(t).replace('\'', "''")),
                ValueRef::Blob(_) => panic!("{table}: blobs do not load into both stores"),
            })
            .collect();
        out.push_str(&format!("INSERT INTO {table} ({list}) VALUES ({});\n", values.join(", ")));
    }
    out
}
