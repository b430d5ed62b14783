//! Conformance cases for formula cells kept beside their items ([`BoardWrite::PutComputed`]).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::json;
use sunday_types::{
    events::{BoardChange, ComputedCells, ItemsComputed},
    ColumnId, ErrorCode, ItemId,
};

use super::conformance::DynStore;
use super::conformance_boards::{fixture, item, seeded, T0};
use crate::*;

fn computed(item: ItemId, version: i64) -> NewEvent {
    let cells = ComputedCells { item_id: item, version, changes: vec![] };
    NewEvent::new(
        sunday_types::automations::FORMULA_ACTOR,
        BoardChange::ItemsComputed(ItemsComputed { items: vec![cells].into() }),
    )
}

/// Kept cells are read with the item while it stays at their version (a `null` clearing a
/// cell its row holds), replaced by the next ones, refused for another version or a missing
/// item with nothing written, ignored once the item is written again, and gone with it.
pub async fn computed_cells_apply_while_their_item_stays(store: DynStore) {
    let f = fixture(&store, "computed@example.com").await;
    let (b, g, _) = seeded(&store, &f).await;
    let (total, label) = (ColumnId::new(), ColumnId::new());
    let mut it = item(b.id, g.id, f.user, "Task", "V");
    it.values.set_logged(label, Some(&json!("stale")));
    let created = NewEvent::new(
        f.user,
        BoardChange::ItemCreated(sunday_types::events::ItemCreated {
            item: it.clone(),
            imported: false,
            duplicated_from: None,
            moved_from: None,
        }),
    );
    store.commit(b.id, vec![BoardWrite::InsertItem(it.clone())], vec![created], T0).await.unwrap();

    let put = |cells: Vec<(ColumnId, Option<serde_json::Value>)>, version: i64| {
        BoardWrite::PutComputed(vec![Computed { item: it.id, version, cells }])
    };
    store
        .commit(b.id, vec![put(vec![(total, Some(json!(6))), (label, None)], 1)], vec![computed(it.id, 1)], T0)
        .await
        .unwrap();
    let read = store.item(it.id).await.unwrap().unwrap();
    assert_eq!((read.version, read.values.json(total), read.values.json(label)), (1, Some(json!(6)), None), "{read:?}");
    let page = store.all_items(b.id).await.unwrap();
    assert_eq!(page[0].values.json(total), Some(json!(6)), "every read of items lays them over");

    // The next cells replace them.
    store
        .commit(b.id, vec![put(vec![(total, Some(json!(8))), (label, Some(json!("big")))], 1)], vec![], T0)
        .await
        .unwrap();
    let read = store.item(it.id).await.unwrap().unwrap();
    assert_eq!((read.values.json(total), read.values.json(label)), (Some(json!(8)), Some(json!("big"))));

    // Another version is refused with the stored item, the whole commit with it.
    let seq = store.board(b.id).await.unwrap().unwrap().last_seq;
    let err = store
        .commit(b.id, vec![put(vec![(total, Some(json!(1)))], 2)], vec![computed(it.id, 2)], T0)
        .await
        .unwrap_err();
    match err {
        StoreError::VersionConflict(current) => {
            assert_eq!((current["version"].as_i64(), &current["values"][total.to_string()]), (Some(1), &json!(8)))
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(store.board(b.id).await.unwrap().unwrap().last_seq, seq, "no event was appended");
    let missing = Computed { item: ItemId::new(), version: 1, cells: vec![] };
    let kept = Computed { item: it.id, version: 1, cells: vec![(total, Some(json!(3)))] };
    let err = store.commit(b.id, vec![BoardWrite::PutComputed(vec![kept, missing])], vec![], T0).await.unwrap_err();
    assert!(matches!(err, StoreError::Rejected(ErrorCode::ItemNotFound)), "{err:?}");
    assert_eq!(store.item(it.id).await.unwrap().unwrap().values.json(total), Some(json!(8)), "nothing written");

    // Many items in one batch.
    let mut others = vec![];
    for n in 0..3 {
        let o = item(b.id, g.id, f.user, &format!("Other {n}"), &format!("W{n}"));
        store.commit(b.id, vec![BoardWrite::InsertItem(o.clone())], vec![], T0).await.unwrap();
        others.push(Computed { item: o.id, version: 1, cells: vec![(total, Some(json!(n)))] });
    }
    store.commit(b.id, vec![BoardWrite::PutComputed(others.clone())], vec![], T0).await.unwrap();
    for o in &others {
        assert_eq!(store.item(o.item).await.unwrap().unwrap().values.json(total), o.cells[0].1.clone());
    }

    // A write of the item carries its own values: the kept cells no longer apply.
    let mut next = read.clone();
    next.values.set_logged(total, Some(&json!(10)));
    next.version = 2;
    store
        .commit(b.id, vec![BoardWrite::UpdateValues { item: next, expected_version: 1, files: false }], vec![], T0)
        .await
        .unwrap();
    let read = store.item(it.id).await.unwrap().unwrap();
    assert_eq!(
        (read.version, read.values.json(total), read.values.json(label)),
        (2, Some(json!(10)), Some(json!("big")))
    );

    // Deleting the item deletes them (the item can be inserted again with the same id).
    store.commit(b.id, vec![put(vec![(total, Some(json!(12)))], 2)], vec![], T0).await.unwrap();
    store.commit(b.id, vec![BoardWrite::DeleteItem { id: it.id, subitems: vec![] }], vec![], T0).await.unwrap();
    assert!(store.item(it.id).await.unwrap().is_none());
    store.commit(b.id, vec![BoardWrite::InsertItem(it.clone())], vec![], T0).await.unwrap();
    let back = store.item(it.id).await.unwrap().unwrap();
    assert_eq!(
        (back.values.json(total), back.values.json(label)),
        (None, Some(json!("stale"))),
        "nothing kept from before"
    );
}
