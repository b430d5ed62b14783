//! The SQLite driver choice, measured: raw rusqlite on one connection (the ceiling) against
//! Sunday's `SqliteStore` doing the same single-row durable inserts and point reads through
//! its port (writer on the blocking pool, readers inline). `store-bench [N]`, default 50,000.
//!
//! A last line times the board write path, which has no raw twin: `BoardStore::commit` of one
//! item edit as the services send it (structure check, conditional item update, one event),
//! so a change to how commits reach the writer shows up here.

use std::{sync::Arc, time::Instant};

use rusqlite::{params, Connection};
use sunday_store::{BoardWrite, NewEvent, SessionRecord, Store};
use sunday_store_sqlite::SqliteStore;
use sunday_types::{
    boards::{Board, BoardKind, BoardPermission, Group, Item},
    dto::{Org, Workspace, WorkspaceKind},
    events::{BoardChange, ItemChanged},
    time::to_datetime,
    GroupId, ItemId, OrgId, SessionId, UserId, WorkspaceId,
};

fn rate(n: usize, start: Instant) -> f64 {
    n as f64 / start.elapsed().as_secs_f64()
}

fn raw(dir: &std::path::Path, n: usize) -> rusqlite::Result<(f64, f64)> {
    let c = Connection::open(dir.join("raw.db"))?;
    c.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
         CREATE TABLE sessions (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, token_hash TEXT NOT NULL,
           csrf_token TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
         CREATE UNIQUE INDEX sessions_token_hash_key ON sessions (token_hash);",
    )?;
    let user = UserId::new().to_string();
    let start = Instant::now();
    for i in 0..n {
        c.prepare_cached("INSERT INTO sessions VALUES (?1, ?2, ?3, 'csrf', 0, ?4)")?.execute(params![
            SessionId::new().to_string(),
            user,
            format!("hash-{i}"),
            i64::MAX
        ])?;
    }
    let inserts = rate(n, start);
    let start = Instant::now();
    for i in 0..n {
        let _: String = c
            .prepare_cached("SELECT user_id FROM sessions WHERE token_hash = ?1 AND expires_at > ?2")?
            .query_row(params![format!("hash-{i}"), 0], |r| r.get(0))?;
    }
    Ok((inserts, rate(n, start)))
}

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

async fn ours(dir: &std::path::Path, n: usize) -> BenchResult<(f64, f64, f64)> {
    let store = SqliteStore::open(&dir.join("sunday.db"), 4).await?;
    store.migrate().await?;
    let store: Arc<dyn Store> = Arc::new(store);
    let user = sunday_store::NewUser {
        id: UserId::new(),
        email: "bench@example.com".into(),
        name: "Bench".into(),
        password_hash: "x".into(),
        created_at: 0,
    };
    store.create_account(&user, &Org { id: OrgId::new(), name: "Bench".into(), created_at: to_datetime(0) }).await?;
    let start = Instant::now();
    for i in 0..n {
        let s = SessionRecord {
            id: SessionId::new(),
            user_id: user.id,
            token_hash: format!("hash-{i}"),
            csrf_token: "csrf".into(),
            created_at: 0,
            expires_at: i64::MAX,
        };
        store.insert_session(&s).await?;
    }
    let inserts = rate(n, start);
    let start = Instant::now();
    for i in 0..n {
        store.session_by_hash(&format!("hash-{i}"), 0).await?.ok_or("missing session")?;
    }
    let reads = rate(n, start);
    Ok((inserts, reads, commits(&store, user.id, n).await?))
}

/// `n` commits, each renaming one item of a board the way `PATCH /items/{id}` does.
async fn commits(store: &Arc<dyn Store>, user: UserId, n: usize) -> BenchResult<f64> {
    let org = store.memberships(user).await?.first().ok_or("no organization")?.org.id;
    let t = to_datetime(0);
    let ws = Workspace {
        id: WorkspaceId::new(),
        org_id: org,
        name: "W".into(),
        description: String::new(),
        kind: WorkspaceKind::Open,
        version: 1,
        created_by: user,
        created_at: t,
        updated_at: t,
    };
    store.insert_workspace(&ws).await?;
    let board = Board::made(
        (org, ws.id),
        "Bench".into(),
        String::new(),
        (BoardKind::Public, BoardPermission::EditAll),
        (user, t),
    );
    let group =
        Group { id: GroupId::new(), title: "G".into(), color: "blue".into(), position: "M".into(), collapsed: false };
    let mut item = Item {
        id: ItemId::new(),
        board_id: board.id,
        group_id: group.id,
        name: "item".into(),
        position: "M".into(),
        values: Default::default(),
        version: 1,
        created_by: user,
        created_at: t,
        updated_at: t,
        parent_item_id: None,
        archived: false,
        auto_number: 0,
    };
    let setup = vec![
        BoardWrite::InsertBoard(board.clone()),
        BoardWrite::InsertGroup { board: board.id, group },
        BoardWrite::InsertItem(item.clone()),
    ];
    store.commit(board.id, setup, vec![], 0).await?;
    let structure = store.structure_version(board.id).await?;
    let start = Instant::now();
    for i in 0..n {
        let expected_version = item.version;
        item.version += 1;
        item.name = format!("item {i}");
        let writes = vec![
            BoardWrite::ExpectStructure { board: board.id, version: structure },
            BoardWrite::UpdateItem { item: item.clone(), expected_version },
        ];
        let event = NewEvent::new(user, BoardChange::ItemUpdated(ItemChanged::moved(&item)));
        store.commit(board.id, writes, vec![event], 0).await?;
    }
    Ok(rate(n, start))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(50_000);
    let dir = tempfile::tempdir()?;
    let (raw_ins, raw_read) = raw(dir.path(), n)?;
    let (our_ins, our_read, our_commit) = ours(dir.path(), n).await?;
    println!("| store | raw rusqlite | SqliteStore | ratio |");
    println!("|---|---|---|---|");
    println!(
        "| single-row durable insert (autocommit) | {raw_ins:.0}/s | {our_ins:.0}/s | {:.2}x |",
        our_ins / raw_ins
    );
    println!("| point read by unique index | {raw_read:.0}/s | {our_read:.0}/s | {:.2}x |", our_read / raw_read);
    println!("| board commit: item edit + event (no raw twin) | | {our_commit:.0}/s | |");
    Ok(())
}
