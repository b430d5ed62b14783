//! Behaviour specific to the PostgreSQL backend: connection errors, concurrent migrators, the
//! race-free last-owner rule, gap-free event sequences under concurrent commits, and nodes
//! sharing one database reading each other's events.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use sunday_store::{BoardStore, BoardWrite, NewEvent, NewUser, Store, StoreError};
use sunday_store_postgres::{
    testing::{admin_url, create_scratch_database, ScratchDb},
    PostgresStore,
};
use sunday_types::{
    boards::{Board, BoardKind, BoardPermission},
    dto::{Org, Role, Workspace, WorkspaceKind},
    events::{BoardChange, BoardUpdated},
    time::to_datetime,
    ErrorCode, OrgId, UserId, WorkspaceId,
};

async fn scratch() -> (String, ScratchDb) {
    create_scratch_database(&admin_url()).await.unwrap()
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable_without_the_password() {
    // Port 1 on localhost: nothing listens there, the connection is refused at once.
    let url = "postgres://sunday:hunter2-secret@127.0.0.1:1/sunday?connect_timeout=2";
    let Err(err) = PostgresStore::connect(url, 2).await else { panic!("connected to port 1") };
    match &err {
        StoreError::Unavailable(msg) => {
            assert!(msg.contains("127.0.0.1:1/sunday"), "{msg}");
            assert!(!msg.contains("hunter2"), "{msg}");
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    let Err(StoreError::Unavailable(msg)) = PostgresStore::connect("postgres://u:hunter2@h:notaport/db", 2).await
    else {
        panic!("a malformed URL must be refused as Unavailable")
    };
    assert!(!msg.contains("hunter2"), "{msg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_migrators_apply_each_migration_once() {
    let (url, _guard) = scratch().await;
    let mut stores = Vec::new();
    for _ in 0..4 {
        stores.push(Arc::new(PostgresStore::connect(&url, 2).await.unwrap()));
    }
    let migrators: Vec<_> = stores
        .iter()
        .map(|s| {
            let s = s.clone();
            tokio::spawn(async move { s.migrate().await })
        })
        .collect();
    let expected = stores[0].expected_schema_version();
    for m in migrators {
        assert_eq!(m.await.unwrap().unwrap(), expected);
    }
    for store in &stores {
        assert_eq!(store.schema_version().await.unwrap(), store.expected_schema_version());
        assert_eq!(store.migrate().await.unwrap(), store.expected_schema_version(), "idempotent");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_demotions_never_leave_an_org_without_owner() {
    let (url, _guard) = scratch().await;
    let store = Arc::new(PostgresStore::connect(&url, 8).await.unwrap());
    store.migrate().await.unwrap();
    let t0 = 1_800_000_000_000;
    for _ in 0..10 {
        let user = |n: &str| NewUser {
            id: UserId::new(),
            email: format!("{n}-{}@example.com", UserId::new()),
            name: n.into(),
            password_hash: "x".into(),
            created_at: t0,
        };
        let (a, b) = (user("a"), user("b"));
        let org = Org { id: OrgId::new(), name: "race".into(), created_at: to_datetime(t0) };
        store.create_account(&a, &org).await.unwrap();
        store.create_account(&b, &Org { id: OrgId::new(), ..org.clone() }).await.unwrap();
        store.add_member(org.id, b.id, Role::Owner, t0).await.unwrap();

        let (s1, s2) = (store.clone(), store.clone());
        let demote = tokio::spawn(async move { s1.set_member_role(org.id, a.id, Role::Admin).await });
        let remove = tokio::spawn(async move { s2.remove_member(org.id, b.id).await });
        let results = [demote.await.unwrap(), remove.await.unwrap()];
        let refused = results.iter().filter(|r| matches!(r, Err(StoreError::Rejected(ErrorCode::LastOwner)))).count();
        assert_eq!(refused, 1, "exactly one of the two must be refused: {results:?}");
        let owners =
            store.members(org.id, None, 10).await.unwrap().into_iter().filter(|m| m.role == Role::Owner).count();
        assert_eq!(owners, 1);
    }
}

/// A user and an empty board on `store`, at the time `t0` (ms).
async fn a_board(store: &PostgresStore, t0: i64) -> (UserId, sunday_types::BoardId) {
    let t = to_datetime(t0);
    let user = NewUser {
        id: UserId::new(),
        email: "seq@example.com".into(),
        name: "S".into(),
        password_hash: "x".into(),
        created_at: t0,
    };
    let org = Org { id: OrgId::new(), name: "seq".into(), created_at: t };
    store.create_account(&user, &org).await.unwrap();
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
    store.insert_workspace(&ws).await.unwrap();
    let board = Board::made(
        (org.id, ws.id),
        "Race".into(),
        String::new(),
        (BoardKind::Public, BoardPermission::EditAll),
        (user.id, t),
    );
    let b = board.id;
    store.commit(b, vec![BoardWrite::InsertBoard(board)], vec![], t0).await.unwrap();
    (user.id, b)
}

/// Two nodes on one database, each keeping the events it committed decoded (its tail): a read
/// of the log on either returns every event, the other node's too, not a run of its own.
#[tokio::test]
async fn each_node_reads_the_events_other_nodes_committed() {
    let (url, _guard) = scratch().await;
    let a = PostgresStore::connect(&url, 2).await.unwrap();
    a.migrate().await.unwrap();
    let b = PostgresStore::connect(&url, 2).await.unwrap();
    let t0 = 1_800_000_000_000;
    let (user, board) = a_board(&a, t0).await;
    let tick = |n: usize| {
        let name = Some(format!("{n}"));
        NewEvent::new(user, BoardChange::BoardUpdated(BoardUpdated { name, ..Default::default() }))
    };
    for (n, node) in [&a, &a, &b, &b, &a].into_iter().enumerate() {
        node.commit(board, vec![], vec![tick(n)], t0 + n as i64).await.unwrap();
    }
    for node in [&a, &b] {
        for after in 0..5 {
            let seqs: Vec<i64> = node.events_after(board, after, 100).await.unwrap().iter().map(|e| e.seq).collect();
            assert_eq!(seqs, ((after + 1)..=5).collect::<Vec<_>>(), "after {after}");
        }
        let two: Vec<i64> = node.events_after(board, 0, 2).await.unwrap().iter().map(|e| e.seq).collect();
        assert_eq!(two, [1, 2]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_commits_on_one_board_get_gap_free_seqs() {
    const TASKS: i64 = 8;
    const COMMITS: i64 = 25;
    let (url, _guard) = scratch().await;
    let store = Arc::new(PostgresStore::connect(&url, 8).await.unwrap());
    store.migrate().await.unwrap();
    let t0 = 1_800_000_000_000;
    let (user, b) = a_board(&store, t0).await;

    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut seqs = Vec::new();
                for n in 0..COMMITS {
                    let tick = BoardUpdated { name: Some(format!("{task}/{n}")), ..Default::default() };
                    let event = NewEvent::new(user, BoardChange::BoardUpdated(tick));
                    let done = store.commit(b, vec![], vec![event], t0 + n).await.unwrap();
                    assert_eq!(done.events.len(), 1);
                    seqs.push(done.events[0].seq);
                }
                seqs
            })
        })
        .collect();
    let mut returned = Vec::new();
    for t in tasks {
        let seqs = t.await.unwrap();
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "one task's commits get increasing seqs: {seqs:?}");
        returned.extend(seqs);
    }
    returned.sort_unstable();
    let expected: Vec<i64> = (1..=TASKS * COMMITS).collect();
    assert_eq!(returned, expected, "every commit got its own seq");

    let stored = store.events_after(b, 0, 1000).await.unwrap();
    assert_eq!(stored.iter().map(|e| e.seq).collect::<Vec<_>>(), expected, "stored seqs are 1..=200, no gap");
    let mut payloads: Vec<_> = stored
        .iter()
        .map(|e| match &e.change {
            BoardChange::BoardUpdated(u) => u.name.clone(),
            _ => None,
        })
        .collect();
    payloads.sort_unstable();
    payloads.dedup();
    assert_eq!(payloads.len(), expected.len(), "each commit's event stored once");
    assert_eq!(store.board(b).await.unwrap().unwrap().last_seq, TASKS * COMMITS);
}
