//! SQLite and PostgreSQL migrations produce the same tables, columns, indexes and named
//! constraints, so code and operators can rely on one set of names.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use sunday_store_postgres::{testing, PostgresStore};
use sunday_store_sqlite::SqliteStore;

type Schema = (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>);

fn sqlite_schema(path: &std::path::Path) -> Schema {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut columns = BTreeSet::new();
    let mut indexes = BTreeSet::new();
    let mut constraints = BTreeSet::new();
    let tables: Vec<(String, String)> = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (table, sql) in &tables {
        let cols: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        columns.extend(cols.into_iter().map(|c| format!("{table}.{c}")));
        for word in sql.split("CONSTRAINT ").skip(1) {
            constraints.insert(word.split_whitespace().next().unwrap().to_owned());
        }
    }
    let idx: Vec<(String, String, bool)> = conn
        .prepare("SELECT m.name, il.name, il.\"unique\" FROM sqlite_master m, pragma_index_list(m.name) il WHERE m.type = 'table' AND il.origin = 'c'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (table, name, unique) in idx {
        let cols: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_index_info('{name}') ORDER BY seqno"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        indexes.insert(format!("{table}.{name}({}){}", cols.join(","), if unique { " unique" } else { "" }));
    }
    (columns, indexes, constraints)
}

async fn postgres_schema(url: &str) -> Schema {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(conn);
    let columns = client
        .query(
            "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public'",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect();
    let indexes = client
        .query(
            "SELECT t.relname, i.relname, ix.indisunique,
                    array_to_string(array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, n)
                        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n), ',')
             FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
             JOIN pg_namespace n ON n.oid = t.relnamespace
             WHERE n.nspname = 'public' AND NOT ix.indisprimary",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let unique: bool = r.get(2);
            format!(
                "{}.{}({}){}",
                r.get::<_, String>(0),
                r.get::<_, String>(1),
                r.get::<_, String>(3),
                if unique { " unique" } else { "" }
            )
        })
        .collect();
    let constraints = client
        .query(
            "SELECT c.conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
             WHERE n.nspname = 'public' AND c.contype IN ('p', 'f', 'c', 'u')",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect();
    (columns, indexes, constraints)
}

#[tokio::test]
async fn sqlite_and_postgres_schemas_match() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parity.db");
    SqliteStore::open(&path, 1).await.unwrap().migrate().await.unwrap();
    let (url, _guard) = testing::create_scratch_database(&testing::admin_url()).await.unwrap();
    PostgresStore::connect(&url, 2).await.unwrap().migrate().await.unwrap();

    let (s_cols, s_idx, s_cons) = sqlite_schema(&path);
    let (p_cols, p_idx, p_cons) = postgres_schema(&url).await;
    assert!(s_cols.len() > 20, "read the sqlite schema: {s_cols:?}");
    assert_eq!(s_cols, p_cols, "tables and columns");
    assert_eq!(s_idx, p_idx, "indexes");
    assert!(s_cons.contains("org_members_role_check") && s_cons.contains("users_pkey"));
    assert_eq!(s_cons, p_cons, "named constraints");
}

/// Organization archives list every table and column of the schema, or name the table as one
/// that holds no organization's data: a new column cannot be left out of them silently.
#[tokio::test]
async fn org_archives_cover_the_whole_schema() {
    use sunday_store_sql::archive::{NOT_ARCHIVED, TABLES};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archive.db");
    SqliteStore::open(&path, 1).await.unwrap().migrate().await.unwrap();
    let (columns, _, _) = sqlite_schema(&path);
    let archived: BTreeSet<String> =
        TABLES.iter().flat_map(|t| t.columns.iter().map(move |c| format!("{}.{c}", t.name))).collect();
    let schema: BTreeSet<String> =
        columns.into_iter().filter(|c| !NOT_ARCHIVED.contains(&c.split('.').next().unwrap())).collect();
    assert_eq!(archived, schema, "sunday-store-sql/src/archive.rs lists every archived column");
}
