//! Conformance cases for the boards half of the port (see `conformance.rs` for the runner).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{future::Future, task::Poll};

use serde_json::json;
use sunday_types::{
    boards::*,
    cells::CellValue,
    column_settings::{ColumnSettings, Label, NoSettings, StatusSettings},
    dto::{Org, Role, Workspace, WorkspaceKind},
    events::*,
    time::to_datetime,
    BoardId, ColumnId, ErrorCode, GroupId, ItemId, OrgId, UpdateId, UserId, ViewId, WorkspaceId,
};

use super::conformance::DynStore;
use crate::*;

pub const T0: i64 = 1_800_000_000_000;

pub struct Fixture {
    pub user: UserId,
    pub org: OrgId,
    pub ws: WorkspaceId,
}

pub async fn fixture(store: &DynStore, email: &str) -> Fixture {
    let user =
        NewUser { id: UserId::new(), email: email.into(), name: "U".into(), password_hash: "x".into(), created_at: T0 };
    let org = Org { id: OrgId::new(), name: "O".into(), created_at: to_datetime(T0) };
    store.create_account(&user, &org).await.unwrap();
    let t = to_datetime(T0);
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
    Fixture { user: user.id, org: org.id, ws: ws.id }
}

pub fn board(f: &Fixture, name: &str, kind: BoardKind) -> Board {
    let t = to_datetime(T0);
    Board::made((f.org, f.ws), name.into(), String::new(), (kind, BoardPermission::EditAll), (f.user, t))
}

pub fn item(board: BoardId, group: GroupId, by: UserId, name: &str, position: &str) -> Item {
    let t = to_datetime(T0);
    Item {
        id: ItemId::new(),
        board_id: board,
        group_id: group,
        name: name.into(),
        position: position.into(),
        values: Default::default(),
        version: 1,
        created_by: by,
        created_at: t,
        updated_at: t,
        parent_item_id: None,
        archived: false,
        auto_number: 0,
    }
}

fn board_created(actor: UserId) -> NewEvent {
    NewEvent::new(actor, BoardChange::BoardCreated(Default::default()))
}

fn item_created(actor: UserId, item: &Item) -> NewEvent {
    NewEvent::new(
        actor,
        BoardChange::ItemCreated(ItemCreated {
            item: item.clone(),
            imported: false,
            duplicated_from: None,
            moved_from: None,
        }),
    )
}

fn item_updated(actor: UserId, item: &Item) -> NewEvent {
    NewEvent::new(actor, BoardChange::ItemUpdated(ItemChanged::moved(item)))
}

fn group(title: &str, position: &str) -> Group {
    Group { id: GroupId::new(), title: title.into(), color: "blue".into(), position: position.into(), collapsed: false }
}

/// A board with one group and one status column, created in one commit.
pub async fn seeded(store: &DynStore, f: &Fixture) -> (Board, Group, Column) {
    let b = board(f, "Roadmap", BoardKind::Public);
    let g = group("This week", "M");
    let c = Column {
        id: ColumnId::new(),
        title: "Status".into(),
        column_type: ColumnType::Status,
        settings: ColumnSettings::Status(StatusSettings {
            labels: vec![Label { id: "l1".into(), name: "Done".into(), color: Some("green".into()), done: true }],
        }),
        position: "M".into(),
        width: Some(140),
    };
    let writes = vec![
        BoardWrite::InsertBoard(b.clone()),
        BoardWrite::PutMember { board: b.id, user: f.user, permission: BoardPermission::Owner, at: T0 },
        BoardWrite::InsertGroup { board: b.id, group: g.clone() },
        BoardWrite::InsertColumn { board: b.id, column: c.clone() },
    ];
    let done = store.commit(b.id, writes, vec![board_created(f.user)], T0).await.unwrap();
    assert_eq!(done.events.len(), 1);
    (b, g, c)
}

pub async fn board_commits_append_gap_free_events(store: DynStore) {
    let f = fixture(&store, "b1@example.com").await;
    let (b, g, c) = seeded(&store, &f).await;
    let got = store.board(b.id).await.unwrap().unwrap();
    assert_eq!((got.name.as_str(), got.kind, got.last_seq, got.version), ("Roadmap", BoardKind::Public, 1, 1));
    assert_eq!(store.columns(b.id).await.unwrap(), vec![c]);
    assert_eq!(store.groups(b.id, None).await.unwrap(), vec![g.clone()]);
    let (read, grant) = store.board_and_grant(b.id, f.user).await.unwrap().unwrap();
    assert_eq!(read, got, "the same board as a read of the board alone");
    assert_eq!(grant.explicit, Some(BoardPermission::Owner));
    assert!(!grant.closed_workspace && grant.workspace_member, "the fixture's creator is in its open workspace");
    assert!(store.board_and_grant(BoardId::new(), f.user).await.unwrap().is_none(), "no board, no grant");

    let items: Vec<Item> = (0..3).map(|i| item(b.id, g.id, f.user, &format!("I{i}"), &format!("{i}V"))).collect();
    let writes = items.iter().cloned().map(BoardWrite::InsertItem).collect();
    let events = items.iter().map(|i| item_created(f.user, i)).collect();
    let done = store.commit(b.id, writes, events, T0 + 1).await.unwrap();
    assert_eq!(done.events.iter().map(|e| e.seq).collect::<Vec<_>>(), [2, 3, 4]);
    assert_eq!(done.auto_numbers, [1, 2, 3]);
    assert_eq!(store.item(items[2].id).await.unwrap().unwrap().auto_number, 3);

    let after = store.events_after(b.id, 1, 10).await.unwrap();
    assert_eq!(after.iter().map(|e| e.seq).collect::<Vec<_>>(), [2, 3, 4]);
    assert_eq!(
        after[0].change,
        BoardChange::ItemCreated(ItemCreated {
            item: items[0].clone(),
            imported: false,
            duplicated_from: None,
            moved_from: None
        })
    );
    assert_eq!(after[0].item_id, Some(items[0].id));
    assert_eq!(store.events_after(b.id, 3, 1).await.unwrap()[0].seq, 4);
    let newest = store.events_before(b.id, None, None, 2).await.unwrap();
    assert_eq!(newest.iter().map(|e| e.seq).collect::<Vec<_>>(), [4, 3]);
    let of_item = store.events_before(b.id, Some(items[0].id), None, 10).await.unwrap();
    assert_eq!(of_item.iter().map(|e| e.seq).collect::<Vec<_>>(), [2]);
    assert_eq!(store.board(b.id).await.unwrap().unwrap().last_seq, 4);

    // Reserved numbers continue the sequence and are never handed out twice.
    assert_eq!(store.reserve_auto_numbers(b.id, 5).await.unwrap(), 4);
    assert_eq!(store.reserve_auto_numbers(b.id, 1).await.unwrap(), 9);
    assert!(matches!(
        store.reserve_auto_numbers(BoardId::new(), 1).await,
        Err(StoreError::Rejected(ErrorCode::BoardNotFound))
    ));
    let mut explicit = item(b.id, g.id, f.user, "Explicit", "Z");
    explicit.auto_number = 50;
    store.commit(b.id, vec![BoardWrite::InsertItem(explicit)], vec![], T0).await.unwrap();
    assert_eq!(store.reserve_auto_numbers(b.id, 1).await.unwrap(), 51, "explicit numbers advance the counter");
}

pub async fn failed_commits_write_nothing(store: DynStore) {
    let f = fixture(&store, "b2@example.com").await;
    let (b, g, _) = seeded(&store, &f).await;
    let it = item(b.id, g.id, f.user, "Task", "V");
    store.commit(b.id, vec![BoardWrite::InsertItem(it.clone())], vec![item_created(f.user, &it)], T0).await.unwrap();

    // A stale version fails the whole commit, with the stored item as the conflict.
    let mut stale = it.clone();
    stale.name = "Renamed".into();
    stale.version = 2;
    let extra = group("Next week", "Z");
    let err = store
        .commit(
            b.id,
            vec![
                BoardWrite::InsertGroup { board: b.id, group: extra.clone() },
                BoardWrite::UpdateItem { item: stale.clone(), expected_version: 7 },
            ],
            vec![item_updated(f.user, &it)],
            T0 + 1,
        )
        .await
        .unwrap_err();
    match err {
        StoreError::VersionConflict(current) => {
            assert_eq!((current["version"].as_i64(), current["name"].as_str()), (Some(1), Some("Task")))
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(store.groups(b.id, None).await.unwrap().len(), 1, "the group of the failed commit was not written");
    assert_eq!(store.board(b.id).await.unwrap().unwrap().last_seq, 2, "no event was appended");

    // With the right version it applies.
    store
        .commit(
            b.id,
            vec![BoardWrite::UpdateItem { item: stale, expected_version: 1 }],
            vec![item_updated(f.user, &it)],
            T0 + 2,
        )
        .await
        .unwrap();
    let now = store.item(it.id).await.unwrap().unwrap();
    assert_eq!((now.name.as_str(), now.version), ("Renamed", 2));
    let missing = item(b.id, g.id, f.user, "Ghost", "X");
    let err = store
        .commit(b.id, vec![BoardWrite::UpdateItem { item: missing, expected_version: 1 }], vec![], T0)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Rejected(ErrorCode::ItemNotFound)), "{err:?}");
    let err = store.commit(BoardId::new(), vec![], vec![board_created(f.user)], T0).await.unwrap_err();
    assert!(matches!(err, StoreError::Rejected(ErrorCode::BoardNotFound)), "{err:?}");
}

pub async fn items_page_by_position_and_group(store: DynStore) {
    let f = fixture(&store, "b3@example.com").await;
    let (b, g1, _) = seeded(&store, &f).await;
    let g2 = group("Later", "T");
    let mut writes = vec![BoardWrite::InsertGroup { board: b.id, group: g2.clone() }];
    let mut all = vec![];
    let c = ColumnId::new();
    for (i, pos) in ["B", "D", "F", "H", "J"].iter().enumerate() {
        let g = if i % 2 == 0 { g1.id } else { g2.id };
        let mut it = item(b.id, g, f.user, &format!("I{i}"), pos);
        it.values.set(c, Some(&CellValue::Number(i as f64)));
        all.push(it.clone());
        writes.push(BoardWrite::InsertItem(it));
    }
    let mut archived = item(b.id, g1.id, f.user, "Old", "A");
    archived.archived = true;
    writes.push(BoardWrite::InsertItem(archived.clone()));
    let parent = all[0].id;
    let mut sub = item(b.id, g1.id, f.user, "Sub", "C");
    sub.parent_item_id = Some(parent);
    writes.push(BoardWrite::InsertItem(sub.clone()));
    store.commit(b.id, writes, vec![], T0).await.unwrap();

    let page1 = store.items(b.id, None, None, 2).await.unwrap();
    assert_eq!(page1.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(), ["I0", "I1"]);
    let cursor = page1.last().map(|i| (i.position.clone(), i.id));
    let page2 = store.items(b.id, None, cursor, 10).await.unwrap();
    assert_eq!(page2.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(), ["I2", "I3", "I4"]);
    let in_g2 = store.items(b.id, Some(g2.id), None, 10).await.unwrap();
    assert_eq!(in_g2.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(), ["I1", "I3"]);
    assert_eq!(in_g2[0].values.json(c), Some(json!(1)));
    assert_eq!(store.all_items(b.id).await.unwrap().len(), 6, "live items including subitems");
    assert_eq!(store.subitems(parent).await.unwrap().iter().map(|i| i.id).collect::<Vec<_>>(), [sub.id]);
    assert!(store.item(archived.id).await.unwrap().unwrap().archived);

    // Deleting a parent deletes the subitems it names, which must be all of them: a list
    // missing one (a subitem added since it was read) refuses the whole delete.
    assert_eq!(store.subtree(parent).await.unwrap().iter().map(|i| i.id).collect::<Vec<_>>(), [sub.id]);
    let stale = store.commit(b.id, vec![BoardWrite::DeleteItem { id: parent, subitems: vec![] }], vec![], T0).await;
    assert!(matches!(stale, Err(StoreError::StructureChanged)), "{stale:?}");
    assert!(
        store.item(parent).await.unwrap().is_some() && store.item(sub.id).await.unwrap().is_some(),
        "nothing deleted"
    );
    let delete = BoardWrite::DeleteItem { id: parent, subitems: vec![sub.id] };
    store.commit(b.id, vec![delete], vec![], T0).await.unwrap();
    assert!(store.item(parent).await.unwrap().is_none() && store.item(sub.id).await.unwrap().is_none());
}

pub async fn boards_list_by_visibility(store: DynStore) {
    let f = fixture(&store, "b4@example.com").await;
    let other = fixture(&store, "b5@example.com").await;
    let public = board(&f, "Public", BoardKind::Public);
    let private = board(&f, "Private", BoardKind::Private);
    for b in [&public, &private] {
        store.commit(b.id, vec![BoardWrite::InsertBoard(b.clone())], vec![], T0).await.unwrap();
    }
    store
        .commit(
            private.id,
            vec![BoardWrite::PutMember { board: private.id, user: f.user, permission: BoardPermission::Owner, at: T0 }],
            vec![],
            T0,
        )
        .await
        .unwrap();
    let names = |v: Vec<Board>| v.into_iter().map(|b| b.name).collect::<Vec<_>>();
    assert_eq!(names(store.boards(f.org, None, BoardFilter::All, None, 10).await.unwrap()), ["Public", "Private"]);
    assert_eq!(
        names(store.boards(f.org, Some(f.ws), BoardFilter::PublicOrMemberOf(other.user), None, 10).await.unwrap()),
        ["Public"]
    );
    assert_eq!(
        names(store.boards(f.org, None, BoardFilter::PublicOrMemberOf(f.user), None, 10).await.unwrap()),
        ["Public", "Private"]
    );
    assert_eq!(names(store.boards(f.org, None, BoardFilter::MemberOf(f.user), None, 10).await.unwrap()), ["Private"]);
    assert_eq!(names(store.boards(f.org, None, BoardFilter::All, Some(public.id), 10).await.unwrap()), ["Private"]);
    assert!(store.boards(f.org, Some(other.ws), BoardFilter::All, None, 10).await.unwrap().is_empty());

    store
        .commit(
            private.id,
            vec![BoardWrite::PutMember {
                board: private.id,
                user: other.user,
                permission: BoardPermission::View,
                at: T0,
            }],
            vec![],
            T0,
        )
        .await
        .unwrap();
    assert_eq!(store.board_members(private.id).await.unwrap().len(), 2);
    store
        .commit(private.id, vec![BoardWrite::RemoveMember { board: private.id, user: other.user }], vec![], T0)
        .await
        .unwrap();
    let (_, grant) = store.board_and_grant(private.id, other.user).await.unwrap().unwrap();
    assert_eq!((grant.explicit, grant.workspace_member), (None, false));

    // Conditional board update.
    let mut renamed = public.clone();
    renamed.name = "Renamed".into();
    store
        .commit(
            public.id,
            vec![BoardWrite::UpdateBoard { board: renamed.clone(), expected_version: 1 }],
            vec![],
            T0 + 5,
        )
        .await
        .unwrap();
    let got = store.board(public.id).await.unwrap().unwrap();
    assert_eq!((got.name.as_str(), got.version), ("Renamed", 2));
    let err = store
        .commit(public.id, vec![BoardWrite::UpdateBoard { board: renamed, expected_version: 1 }], vec![], T0)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::VersionConflict(_)), "{err:?}");
    store.commit(public.id, vec![BoardWrite::DeleteBoard(public.id)], vec![], T0).await.unwrap();
    assert!(store.board(public.id).await.unwrap().is_none());
}

pub async fn views_updates_collapse_and_idempotency(store: DynStore) {
    let f = fixture(&store, "b6@example.com").await;
    let (b, g, c) = seeded(&store, &f).await;
    let t = to_datetime(T0);
    let view = View {
        id: ViewId::new(),
        board_id: b.id,
        name: "Mine".into(),
        view_type: ViewType::Kanban,
        filter: Some(json!({"and": []})),
        sort: None,
        group_by: Some("status".into()),
        hidden_columns: vec![ColumnId::new()],
        settings: json!({"lane_column": "x"}),
        version: 1,
        created_by: f.user,
        created_at: t,
        updated_at: t,
    };
    store.commit(b.id, vec![BoardWrite::InsertView(view.clone())], vec![], T0).await.unwrap();
    assert_eq!(store.views(b.id).await.unwrap(), vec![view.clone()]);
    let mut v2 = view.clone();
    v2.name = "Renamed".into();
    v2.version = 2;
    let update_view = |v: &View| BoardWrite::UpdateView { view: v.clone(), expected_version: 1 };
    store.commit(b.id, vec![update_view(&v2)], vec![], T0).await.unwrap();
    assert_eq!(store.view(view.id).await.unwrap(), Some(v2.clone()));
    // A second writer who also read version 1 loses, and learns what is stored.
    let mut stale = v2.clone();
    stale.name = "Stale".into();
    match store.commit(b.id, vec![update_view(&stale)], vec![], T0).await.unwrap_err() {
        StoreError::VersionConflict(current) => assert_eq!(current["name"], "Renamed"),
        other => panic!("{other:?}"),
    }
    store.commit(b.id, vec![BoardWrite::DeleteView(view.id)], vec![], T0).await.unwrap();
    assert!(store.view(view.id).await.unwrap().is_none());
    // Changes that lose a race with a delete never bring the row back.
    let err = store
        .commit(b.id, vec![BoardWrite::UpdateView { view: v2.clone(), expected_version: 2 }], vec![], T0)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Rejected(ErrorCode::ViewNotFound)), "{err:?}");
    assert!(store.view(view.id).await.unwrap().is_none());
    let gone_group = Group { id: GroupId::new(), ..g.clone() };
    let err = store.commit(b.id, vec![BoardWrite::UpdateGroup(gone_group)], vec![], T0).await.unwrap_err();
    assert!(matches!(err, StoreError::Rejected(ErrorCode::GroupNotFound)), "{err:?}");
    let gone_column = Column { id: ColumnId::new(), ..c.clone() };
    let err = store.commit(b.id, vec![BoardWrite::UpdateColumn(gone_column)], vec![], T0).await.unwrap_err();
    assert!(matches!(err, StoreError::Rejected(ErrorCode::ColumnNotFound)), "{err:?}");

    let it = item(b.id, g.id, f.user, "Task", "V");
    store.commit(b.id, vec![BoardWrite::InsertItem(it.clone())], vec![], T0).await.unwrap();
    let up = Update {
        id: UpdateId::new(),
        item_id: it.id,
        board_id: b.id,
        parent_id: None,
        author: f.user,
        body: "Hello @[x]".into(),
        mentions: vec![f.user],
        created_at: t,
        edited_at: None,
        files: vec![],
        replies: vec![],
    };
    let mut reply = up.clone();
    reply.id = UpdateId::new();
    reply.parent_id = Some(up.id);
    reply.created_at = to_datetime(T0 + 1);
    store
        .commit(b.id, vec![BoardWrite::InsertUpdate(up.clone()), BoardWrite::InsertUpdate(reply.clone())], vec![], T0)
        .await
        .unwrap();
    assert_eq!(store.updates(it.id).await.unwrap(), vec![up.clone(), reply.clone()]);
    store.commit(b.id, vec![BoardWrite::DeleteUpdate(up.id)], vec![], T0).await.unwrap();
    assert!(store.updates(it.id).await.unwrap().is_empty(), "replies go with their update");
    let edited = Update { body: "Edited".into(), edited_at: Some(t), ..up.clone() };
    let err = store.commit(b.id, vec![BoardWrite::EditUpdate(edited)], vec![], T0).await.unwrap_err();
    assert!(matches!(err, StoreError::Rejected(ErrorCode::UpdateNotFound)), "{err:?}");
    assert!(store.updates(it.id).await.unwrap().is_empty(), "an edit never revives a deleted update");

    store
        .commit(b.id, vec![BoardWrite::SetCollapsed { user: f.user, group: g.id, collapsed: true }], vec![], T0)
        .await
        .unwrap();
    assert!(store.groups(b.id, Some(f.user)).await.unwrap()[0].collapsed);
    assert!(!store.groups(b.id, None).await.unwrap()[0].collapsed);
    store
        .commit(b.id, vec![BoardWrite::SetCollapsed { user: f.user, group: g.id, collapsed: false }], vec![], T0)
        .await
        .unwrap();
    assert!(!store.groups(b.id, Some(f.user)).await.unwrap()[0].collapsed);

    assert_eq!(store.idempotency_record(f.user, "k1").await.unwrap(), None);
    let r = IdempotentResponse { request_hash: "h".into(), status: 201, body: "{\"a\":1}".into() };
    store.save_idempotent_response(f.user, "k1", &r, T0).await.unwrap();
    let later = IdempotentResponse { request_hash: "other".into(), status: 500, body: String::new() };
    store.save_idempotent_response(f.user, "k1", &later, T0).await.unwrap();
    assert_eq!(
        store.idempotency_record(f.user, "k1").await.unwrap(),
        Some(IdempotencyRecord::Answered(r)),
        "the first response wins"
    );
}

pub async fn idempotency_keys_are_reserved_by_the_commit(store: DynStore) {
    let f = fixture(&store, "b7@example.com").await;
    let (b, g, _) = seeded(&store, &f).await;
    let reserve = |key: &str, hash: &str| BoardWrite::ReserveIdempotencyKey {
        user: f.user,
        key: key.into(),
        request_hash: hash.into(),
    };
    let first = item(b.id, g.id, f.user, "First", "V");
    store
        .commit(
            b.id,
            vec![reserve("k", "h"), BoardWrite::InsertItem(first.clone())],
            vec![item_created(f.user, &first)],
            T0,
        )
        .await
        .unwrap();
    let reserved = Some(IdempotencyRecord::Reserved { request_hash: "h".into() });
    assert_eq!(store.idempotency_record(f.user, "k").await.unwrap(), reserved);

    // The same request again: its whole commit is refused.
    let twin = item(b.id, g.id, f.user, "Twin", "W");
    let err = store
        .commit(
            b.id,
            vec![reserve("k", "h"), BoardWrite::InsertItem(twin.clone())],
            vec![item_created(f.user, &twin)],
            T0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Rejected(ErrorCode::IdempotencyKeyInUse)), "{err:?}");
    assert!(store.item(twin.id).await.unwrap().is_none(), "the refused commit wrote nothing");
    assert_eq!(store.board(b.id).await.unwrap().unwrap().last_seq, 2);

    // Only the reserving request answers the key.
    let stranger = IdempotentResponse { request_hash: "other".into(), status: 201, body: "{}".into() };
    store.complete_idempotency_key(f.user, "k", &stranger).await.unwrap();
    store.save_idempotent_response(f.user, "k", &stranger, T0).await.unwrap();
    assert_eq!(store.idempotency_record(f.user, "k").await.unwrap(), reserved);
    let answer = IdempotentResponse { request_hash: "h".into(), status: 201, body: "{\"id\":1}".into() };
    store.complete_idempotency_key(f.user, "k", &answer).await.unwrap();
    store.release_idempotency_key(f.user, "k", "h").await.unwrap();
    let answered = Some(IdempotencyRecord::Answered(answer));
    assert_eq!(store.idempotency_record(f.user, "k").await.unwrap(), answered, "an answered key is kept");
    let err = store.commit(b.id, vec![reserve("k", "h")], vec![], T0).await.unwrap_err();
    assert!(matches!(err, StoreError::Rejected(ErrorCode::IdempotencyKeyInUse)), "{err:?}");

    // A released reservation lets a retry run; keys belong to their user.
    store.commit(b.id, vec![reserve("k2", "h2")], vec![], T0).await.unwrap();
    store.release_idempotency_key(f.user, "k2", "h2").await.unwrap();
    assert_eq!(store.idempotency_record(f.user, "k2").await.unwrap(), None);
    store.commit(b.id, vec![reserve("k2", "h2")], vec![], T0).await.unwrap();
    let other = fixture(&store, "b8@example.com").await;
    let theirs = BoardWrite::ReserveIdempotencyKey { user: other.user, key: "k".into(), request_hash: "h".into() };
    store.commit(b.id, vec![theirs], vec![], T0).await.unwrap();

    // Two commits racing for one key, on different boards (no board lock orders them): one wins.
    let (b2, _, _) = seeded(&store, &f).await;
    let (x, y) = join(
        store.commit(b.id, vec![reserve("k3", "h3")], vec![board_created(f.user)], T0),
        store.commit(b2.id, vec![reserve("k3", "h3")], vec![board_created(f.user)], T0),
    )
    .await;
    let refused =
        [&x, &y].iter().filter(|r| matches!(r, Err(StoreError::Rejected(ErrorCode::IdempotencyKeyInUse)))).count();
    assert_eq!((x.is_ok() as usize + y.is_ok() as usize, refused), (1, 1), "{x:?} {y:?}");
}

pub async fn structure_writes_guard_commits_of_checked_values(store: DynStore) {
    let f = fixture(&store, "b9@example.com").await;
    let (b, g, c) = seeded(&store, &f).await;
    let version = |store: &DynStore| {
        let store = store.clone();
        async move { store.structure_version(b.id).await.unwrap() }
    };
    let it = item(b.id, g.id, f.user, "Task", "V");
    store.commit(b.id, vec![BoardWrite::InsertItem(it.clone())], vec![item_created(f.user, &it)], T0).await.unwrap();
    let read = version(&store).await;
    store
        .commit(b.id, vec![BoardWrite::SetCollapsed { user: f.user, group: g.id, collapsed: true }], vec![], T0)
        .await
        .unwrap();
    assert_eq!(version(&store).await, read, "item and personal writes leave the structure alone");

    // A status value checked against the column as read; the column becomes text before the
    // write commits: the write is refused whole.
    let mut checked = it.clone();
    checked.values.set(c.id, Some(&CellValue::Status("l1".into())));
    checked.version = 2;
    let text = Column { column_type: ColumnType::Text, settings: ColumnSettings::None(NoSettings {}), ..c.clone() };
    store.commit(b.id, vec![BoardWrite::UpdateColumn(text)], vec![], T0).await.unwrap();
    let write = |expected: i64| {
        vec![
            BoardWrite::ExpectStructure { board: b.id, version: expected },
            BoardWrite::UpdateItem { item: checked.clone(), expected_version: 1 },
        ]
    };
    let err = store.commit(b.id, write(read), vec![item_updated(f.user, &checked)], T0).await.unwrap_err();
    assert!(matches!(err, StoreError::StructureChanged), "{err:?}");
    assert_eq!(store.item(it.id).await.unwrap().unwrap().version, 1, "the refused commit wrote nothing");
    assert_eq!(store.board(b.id).await.unwrap().unwrap().last_seq, 2);
    let now = version(&store).await;
    assert_ne!(now, read);
    store.commit(b.id, write(now), vec![item_updated(f.user, &checked)], T0).await.unwrap();

    // Every group and column write moves the version.
    let extra = group("Later", "Z");
    let extra_column = Column { id: ColumnId::new(), position: "Z".into(), ..c.clone() };
    for w in [
        BoardWrite::InsertGroup { board: b.id, group: extra.clone() },
        BoardWrite::UpdateGroup(Group { title: "Much later".into(), ..extra.clone() }),
        BoardWrite::DeleteGroup { group: extra.id, archived_to: None },
        BoardWrite::InsertColumn { board: b.id, column: extra_column.clone() },
        BoardWrite::UpdateColumn(Column { title: "Renamed".into(), ..extra_column.clone() }),
        BoardWrite::DeleteColumn(extra_column.id),
    ] {
        let before = version(&store).await;
        store.commit(b.id, vec![w.clone()], vec![], T0).await.unwrap();
        assert!(version(&store).await > before, "{w:?} moves the structure version");
    }
    assert!(matches!(
        store.structure_version(BoardId::new()).await,
        Err(StoreError::Rejected(ErrorCode::BoardNotFound))
    ));

    // Past links: each pair kept once, read back by board, moving the version like a column.
    let (x, y) = (BoardId::new(), BoardId::new());
    let record = |boards: Vec<BoardId>| vec![BoardWrite::RecordPastLinks { column: c.id, boards }];
    let before = version(&store).await;
    store.commit(b.id, record(vec![x, y]), vec![], T0).await.unwrap();
    store.commit(b.id, record(vec![x]), vec![], T0).await.unwrap();
    assert!(version(&store).await > before);
    let mut kept = store.past_links(b.id).await.unwrap();
    kept.sort_by_key(|(c, b)| (c.to_string(), b.to_string()));
    let mut want = vec![(c.id, x), (c.id, y)];
    want.sort_by_key(|(c, b)| (c.to_string(), b.to_string()));
    assert_eq!(kept, want);
}

/// Runs two futures at once on the caller's task (the suite brings no runtime of its own).
/// Leaving a board that is not public drops the follows there; leaving the organization drops
/// every board grant and follow in it.
pub async fn leaving_drops_follows_and_grants(store: DynStore) {
    let f = fixture(&store, "leave-owner@example.com").await;
    let bob = fixture(&store, "leave-bob@example.com").await.user;
    store.add_member(f.org, bob, Role::Member, T0).await.unwrap();
    let mut followed = vec![];
    for (name, kind) in [("Secret", BoardKind::Private), ("Open", BoardKind::Public)] {
        let b = board(&f, name, kind);
        let g = group("G", "M");
        let it = item(b.id, g.id, f.user, "Task", "V");
        let writes = vec![
            BoardWrite::InsertBoard(b.clone()),
            BoardWrite::PutMember { board: b.id, user: f.user, permission: BoardPermission::Owner, at: T0 },
            BoardWrite::PutMember { board: b.id, user: bob, permission: BoardPermission::EditAll, at: T0 },
            BoardWrite::InsertGroup { board: b.id, group: g },
            BoardWrite::InsertItem(it.clone()),
            BoardWrite::Subscribe { item: it.id, user: bob },
            BoardWrite::Subscribe { item: it.id, user: f.user },
        ];
        store.commit(b.id, writes, vec![board_created(f.user)], T0).await.unwrap();
        followed.push((b.id, it.id));
    }
    let [(secret, secret_item), (open, open_item)] = followed[..] else { unreachable!() };
    let remove = |board: BoardId| BoardWrite::RemoveMember { board, user: bob };
    store.commit(secret, vec![remove(secret)], vec![], T0).await.unwrap();
    assert_eq!(store.item_subscribers(secret_item).await.unwrap(), [f.user], "no longer sees the private board");
    store.commit(open, vec![remove(open)], vec![], T0).await.unwrap();
    assert!(store.item_subscribers(open_item).await.unwrap().contains(&bob), "still sees the public board");

    let grant = BoardWrite::PutMember { board: open, user: bob, permission: BoardPermission::EditAll, at: T0 };
    store.commit(open, vec![grant], vec![], T0).await.unwrap();
    store.remove_member(f.org, bob).await.unwrap();
    assert_eq!(store.item_subscribers(open_item).await.unwrap(), [f.user], "follows go with the organization");
    let members: Vec<UserId> = store.board_members(open).await.unwrap().into_iter().map(|(u, _)| u).collect();
    assert_eq!(members, [f.user], "and so do board grants");
}

async fn join<A, B>(a: impl Future<Output = A>, b: impl Future<Output = B>) -> (A, B) {
    let (mut a, mut b) = (Box::pin(a), Box::pin(b));
    let (mut done_a, mut done_b) = (None, None);
    std::future::poll_fn(|cx| {
        if done_a.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                done_a = Some(v);
            }
        }
        if done_b.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                done_b = Some(v);
            }
        }
        if done_a.is_some() && done_b.is_some() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    (done_a.unwrap(), done_b.unwrap())
}
