//! The raw ceiling for W2: axum plus rusqlite answering the same indexed page query that
//! Sunday's `GET /boards/{id}/items?group_id=…&limit=50` runs (same SQL, same driver, same
//! file), decoding rows into the same JSON shape — with no auth, permissions or gateway.
//! `raw-items DB_PATH 127.0.0.1:9001`

use std::cell::RefCell;

use axum::{
    extract::{Path, Query},
    routing::get,
    Json, Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

thread_local! {
    static CONN: RefCell<Option<rusqlite::Connection>> = const { RefCell::new(None) };
}

static DB: std::sync::OnceLock<String> = std::sync::OnceLock::new();

#[derive(Deserialize)]
struct Params {
    group_id: String,
    limit: Option<i64>,
}

async fn items(Path(board): Path<String>, Query(p): Query<Params>) -> Json<Value> {
    let rows = CONN.with(|cell| {
        let mut slot = cell.borrow_mut();
        let conn = slot.get_or_insert_with(|| {
            let c = rusqlite::Connection::open(DB.get().map(String::as_str).unwrap_or("bench.db")).unwrap_or_else(|e| panic!("{e}"));
            // The same connection settings as SqliteStore.
            let _ = c.execute_batch("PRAGMA journal_mode = WAL; PRAGMA cache_size = -16000; PRAGMA mmap_size = 1073741824;");
            c
        });
        let mut stmt = conn
            .prepare_cached(
                "SELECT i.id, i.board_id, i.group_id, i.parent_item_id, i.name, i.position, i.item_values, i.version, i.auto_number,
                 i.created_by, i.created_at, i.updated_at, i.archived_at FROM items i
                 WHERE i.board_id = ?1 AND i.group_id = ?2 AND i.archived_at IS NULL AND i.parent_item_id IS NULL
                 AND (i.position, i.id) > ('', '') ORDER BY i.position, i.id LIMIT ?3",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        stmt.query_map(rusqlite::params![board, p.group_id, p.limit.unwrap_or(50) + 1], |r| {
            let values: String = r.get(6)?;
            Ok(json!({
                "id": r.get::<_, String>(0)?, "board_id": r.get::<_, String>(1)?, "group_id": r.get::<_, String>(2)?,
                "parent_item_id": r.get::<_, Option<String>>(3)?, "name": r.get::<_, String>(4)?, "position": r.get::<_, String>(5)?,
                "values": serde_json::from_str::<Value>(&values).unwrap_or(Value::Null), "version": r.get::<_, i64>(7)?,
                "auto_number": r.get::<_, i64>(8)?, "created_by": r.get::<_, String>(9)?, "created_at": r.get::<_, i64>(10)?,
                "updated_at": r.get::<_, i64>(11)?, "archived": r.get::<_, Option<i64>>(12)?.is_some(),
            }))
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .unwrap_or_default()
    });
    Json(json!({"data": rows, "next_cursor": null}))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let _ = DB.set(args.next().unwrap_or_else(|| "bench.db".into()));
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:9001".into());
    let app = Router::new().route("/api/v1/boards/{board}/items", get(items));
    axum::serve(tokio::net::TcpListener::bind(&addr).await?, app).await
}
