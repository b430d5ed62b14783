//! W3 and W13 in one process, on the same SQLite file:
//! - W3: a filtered page (first 50 + total) of a 100,000-item board with predicates on
//!   unindexed typed columns (text contains, date within, people any_of), answered by the
//!   board engine, against the raw ceiling: the same predicate as one SQL scan with
//!   `json_extract` over the stored values, plus its count, on the same driver.
//! - W13: the permission + board-metadata check every board request starts with.
//!
//! `board-bench [items]` (default 100,000).

use std::{sync::Arc, time::Instant};

use chrono::Utc;
use serde_json::{json, Value};
use sunday_app::{Actor, App, AppSettings, Credentials};
use sunday_domain::filter::{parse_filter, EvalContext};
use sunday_engine::{query, Engine, GroupBy, Query};
use sunday_store::{BoardWrite, NewUser, Store};
use sunday_store_sqlite::SqliteStore;
use sunday_types::{
    boards::*,
    cells::{CellValue, DateValue, ItemValues},
    dto::{Org, Workspace, WorkspaceKind},
    time::to_datetime,
    ColumnId, GroupId, ItemId, OrgId, UserId, WorkspaceId,
};

fn pct(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn col(title: &str, ty: ColumnType, pos: &str) -> Column {
    Column {
        id: ColumnId::new(),
        title: title.into(),
        column_type: ty,
        // Every type the bench uses takes its default settings.
        settings: sunday_domain::columns::normalize_settings(ty, None)
            .unwrap_or(sunday_types::column_settings::ColumnSettings::None(Default::default())),
        position: pos.into(),
        width: None,
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench.db");
    let sqlite = SqliteStore::open(&path, 4).await?;
    sqlite.migrate().await?;
    let store: Arc<dyn Store> = Arc::new(sqlite);

    let user = NewUser {
        id: UserId::new(),
        email: "b@example.com".into(),
        name: "B".into(),
        password_hash: "x".into(),
        created_at: 0,
    };
    let org = Org { id: OrgId::new(), name: "O".into(), created_at: to_datetime(0) };
    store.create_account(&user, &org).await?;
    let t = to_datetime(0);
    let ws = Workspace {
        id: WorkspaceId::new(),
        org_id: org.id,
        name: "W".into(),
        description: String::new(),
        kind: WorkspaceKind::Open,
        version: 1,
        created_by: user.id,
        created_at: t,
        updated_at: t,
    };
    store.insert_workspace(&ws).await?;
    let board = Board::made(
        (org.id, ws.id),
        "Big".into(),
        String::new(),
        (BoardKind::Public, BoardPermission::EditAll),
        (user.id, t),
    );
    let text = col("Notes", ColumnType::Text, "A");
    let date = col("Due", ColumnType::Date, "B");
    let people = col("Owner", ColumnType::People, "C");
    let number = col("Budget", ColumnType::Number, "D");
    let columns = vec![text.clone(), date.clone(), people.clone(), number.clone()];
    let groups: Vec<Group> = (0..5)
        .map(|i| Group {
            id: GroupId::new(),
            title: format!("G{i}"),
            color: "blue".into(),
            position: format!("{i}V"),
            collapsed: false,
        })
        .collect();
    let mut writes = vec![BoardWrite::InsertBoard(board.clone())];
    writes.extend(groups.iter().cloned().map(|group| BoardWrite::InsertGroup { board: board.id, group }));
    writes.extend(columns.iter().cloned().map(|column| BoardWrite::InsertColumn { board: board.id, column }));
    store.commit(board.id, writes, vec![], 0).await?;
    let users: Vec<UserId> = (0..50).map(|_| UserId::new()).collect();
    let words = ["alpha", "launch", "budget", "review", "design", "copy", "legal", "ops", "sales", "ship"];
    let start = Instant::now();
    // The size of the values' stored JSON, summed: the part of an item's memory the goal
    // ("300 bytes per item plus its values' size") leaves out.
    let mut values_bytes = 0;
    for chunk in 0..n.div_ceil(10_000) {
        let mut batch = vec![];
        for i in chunk * 10_000..((chunk + 1) * 10_000).min(n) {
            let day = (Utc::now() + chrono::Duration::days((i % 60) as i64 - 30)).date_naive();
            let values: ItemValues = [
                (text.id, CellValue::Text(format!("{} {} item {i}", words[i % 10], words[(i / 10) % 10]))),
                (date.id, CellValue::Date(DateValue::Day(day))),
                (people.id, CellValue::People(vec![users[i % 50]])),
                (number.id, CellValue::Number((i % 1000) as f64)),
            ]
            .into_iter()
            .collect();
            values_bytes += values.stored_size();
            batch.push(BoardWrite::InsertItem(Item {
                id: ItemId::new(),
                board_id: board.id,
                group_id: groups[i % 5].id,
                name: format!("Item {i}"),
                position: format!("{i:08}"),
                values,
                version: 1,
                created_by: user.id,
                created_at: t,
                updated_at: t,
                parent_item_id: None,
                archived: false,
                auto_number: i as i64 + 1,
            }));
        }
        store.commit(board.id, batch, vec![], 0).await?;
    }
    eprintln!("seeded {n} items in {:.1}s", start.elapsed().as_secs_f64());

    // A line of /proc/self/status, in KiB.
    let status_kib = |field: &str| {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let anon_kib = || status_kib("RssAnon:");
    let anon_before = anon_kib();
    let engine = Engine::new(store.clone(), 16 << 30);
    let load = Instant::now();
    engine.read(board.id, 0, |_| ()).await?;
    eprintln!("engine load {:.0} ms", load.elapsed().as_secs_f64() * 1000.0);
    let stats = engine.stats();
    // Anonymous memory only: the SQLite file pages the load read through mmap are not the
    // engine's.
    eprintln!(
        "engine: estimate {} bytes per item; anonymous RSS grew by {} bytes per item; the values' stored JSON {} bytes per item; process RSS {} MiB",
        stats.bytes / n.max(1),
        (anon_kib().saturating_sub(anon_before) * 1024) / n.max(1) as u64,
        values_bytes / n.max(1),
        status_kib("VmRSS:") / 1024
    );
    let raw = rusqlite::Connection::open(&path)?;
    let ctx = EvalContext { now: Utc::now(), tz: chrono_tz::UTC, user: None };
    let key = |c: &Column| format!("$.\"{}\"", c.id);
    let today = Utc::now().format("%Y-%m-%d").to_string();
    let week = (Utc::now() + chrono::Duration::days(7)).format("%Y-%m-%d").to_string();
    let cases: Vec<(&str, Value, String)> = vec![
        (
            "text contains",
            json!({"column": text.id, "op": "contains", "value": "launch"}),
            format!("lower(json_extract(item_values, '{}')) LIKE '%launch%'", key(&text)),
        ),
        (
            "date within next 7 days",
            json!({"column": date.id, "op": "between", "value": [today, week]}),
            format!("json_extract(item_values, '{}') BETWEEN '{today}' AND '{week}'", key(&date)),
        ),
        (
            "people any_of",
            json!({"column": people.id, "op": "any_of", "value": [users[7]]}),
            format!("EXISTS (SELECT 1 FROM json_each(item_values, '{}') WHERE value = '{}')", key(&people), users[7]),
        ),
    ];
    println!("| W3 filter ({n} items) | raw SQL scan (page + count), p50 | board engine p50 | speed-up | engine p99 | first query (decodes the column) |");
    println!("|---|---|---|---|---|---|");
    for (name, filter, sql) in cases {
        let f = parse_filter(&filter, &columns)?;
        let mut eng = vec![];
        let mut total = 0;
        let mut first = 0.0;
        for run in 0..31 {
            let s = Instant::now();
            let q = Query {
                filter: Some(f.clone()),
                sort: vec![],
                group_by: None,
                split_by: None,
                footers: vec![],
                limit: 50,
                cursor: None,
            };
            let r = engine.read(board.id, 0, |s| query::run(s, &q, &ctx)).await??;
            total = r.total;
            // The first query on a column decodes it into the engine's cell vector.
            if run == 0 {
                first = s.elapsed().as_secs_f64() * 1000.0;
            } else {
                eng.push(s.elapsed().as_secs_f64() * 1000.0);
            }
        }
        let mut sqlt = vec![];
        let mut raw_total = 0i64;
        for _ in 0..5 {
            let s = Instant::now();
            let mut page = raw.prepare_cached(&format!("SELECT id, item_values FROM items WHERE board_id = ?1 AND archived_at IS NULL AND {sql} ORDER BY position LIMIT 50"))?;
            let rows: Vec<String> = page.query_map([board.id.to_string()], |r| r.get(0))?.collect::<Result<_, _>>()?;
            raw_total = raw.query_row(
                &format!("SELECT count(*) FROM items WHERE board_id = ?1 AND archived_at IS NULL AND {sql}"),
                [board.id.to_string()],
                |r| r.get(0),
            )?;
            assert!(rows.len() <= 50);
            sqlt.push(s.elapsed().as_secs_f64() * 1000.0);
        }
        assert_eq!(total as i64, raw_total, "{name}: engine and SQL agree");
        let (e50, r50) = (pct(eng.clone(), 0.5), pct(sqlt.clone(), 0.5));
        println!(
            "| {name} ({total} match) | {r50:.1} ms | {e50:.2} ms | {:.1}x | {:.2} ms | {first:.0} ms |",
            r50 / e50,
            pct(eng, 0.99)
        );
    }

    // A table's group footers over the whole board: the count and the sum of a number column per
    // group (`footers: true`), as the web app asks for them on a large board.
    let mut times = vec![];
    let mut first = 0.0;
    for run in 0..31 {
        let s = Instant::now();
        let q = Query {
            filter: None,
            sort: vec![],
            group_by: Some(GroupBy::Group),
            split_by: None,
            footers: vec![number.clone()],
            limit: 1,
            cursor: None,
        };
        let r = engine.read(board.id, 0, |s| query::run(s, &q, &ctx)).await??;
        assert_eq!(r.groups.iter().map(|g| g.count).sum::<usize>(), n, "every item counted");
        if run == 0 {
            first = s.elapsed().as_secs_f64() * 1000.0;
        } else {
            times.push(s.elapsed().as_secs_f64() * 1000.0);
        }
    }
    println!(
        "| group footers (count and Σ of a number per group, {n} items) | | {:.2} ms | | {:.2} ms | {first:.0} ms |",
        pct(times.clone(), 0.5),
        pct(times, 0.99)
    );

    // W13: permission + board metadata, as every board request does it.
    let settings = AppSettings {
        session_ttl_ms: 1,
        invite_ttl_ms: 1,
        argon2_memory_kib: 64,
        argon2_iterations: 1,
        hash_concurrency: 0,
        login_failures_per_account: 5,
        login_failures_per_ip: 5,
        login_window_secs: 1,
        auth_cache_secs: 10,
        engine_memory_bytes: 1 << 20,
        files: Default::default(),
        search: Default::default(),
        analytics: None,
        automations: Default::default(),
        boards: Default::default(),
        webhooks: Default::default(),
        mail: None,
    };
    let app = App::new(store.clone(), std::sync::Arc::new(sunday_bus::InProcessBus::default()), settings);
    let actor = Actor {
        user_id: user.id,
        credentials: Credentials::Session { token_hash: String::new(), csrf_token: String::new() },
    };
    for _ in 0..1000 {
        app.boards.access(&actor, board.id).await?;
    }
    let mut w13 = vec![];
    for _ in 0..20_000 {
        let s = Instant::now();
        app.boards.access(&actor, board.id).await?;
        w13.push(s.elapsed().as_secs_f64() * 1e6);
    }
    println!();
    println!(
        "| W13 permission + board metadata | p50 {:.1} µs | p99 {:.1} µs | goal < 20 µs |",
        pct(w13.clone(), 0.5),
        pct(w13, 0.99)
    );
    Ok(())
}
