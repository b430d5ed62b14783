//! What every backend must do, written once and run on each (`embedded/tests.rs`,
//! `postgres/tests.rs`): matching, ranking, highlights, paging, removals, positions that
//! survive a reopen and refuse a stale batch, and an index deleted starting over.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use async_trait::async_trait;
use sunday_types::{BoardId, ItemId, OrgId};

use crate::{Advance, Batch, Doc, DocKind, Query, Removal, SearchError, SearchIndex};

/// How a test opens, flushes and deletes one backend's index.
#[async_trait]
pub trait Backend: Send {
    /// Opens the index (making it when there is none: then `true`).
    async fn open(&mut self) -> (Arc<dyn SearchIndex>, bool);
    /// Makes what was applied searchable now.
    async fn flush(&self, index: &Arc<dyn SearchIndex>);
    /// Deletes the index, its node stopped.
    async fn delete(&mut self);
}

pub fn doc(kind: DocKind, key: &str, board: BoardId, item: Option<ItemId>, title: &str, body: &str) -> Doc {
    Doc {
        key: key.into(),
        kind,
        org: OrgId::new(),
        board,
        item,
        parent: None,
        title: title.into(),
        body: body.into(),
        context: String::new(),
    }
}

fn query(text: &str, boards: &[BoardId]) -> Query {
    Query { text: text.into(), boards: boards.to_vec(), kind: None, offset: 0, limit: 10 }
}

async fn titles(index: &Arc<dyn SearchIndex>, q: Query) -> Vec<String> {
    index.search(&q).await.unwrap().hits.into_iter().map(|h| h.title).collect()
}

fn batch(removals: Vec<Removal>, docs: Vec<Doc>, positions: &[(BoardId, i64, i64)]) -> Batch {
    let positions = positions.iter().map(|&(board, from, to)| Advance { board, from, to }).collect();
    Batch { removals, docs, fresh: vec![], positions }
}

pub async fn words_typos_and_prefixes_find_documents_of_the_boards_asked_for(mut backend: impl Backend) {
    let (index, created) = backend.open().await;
    assert!(created);
    let (a, b) = (BoardId::new(), BoardId::new());
    let (launch, other) = (ItemId::new(), ItemId::new());
    let docs = vec![
        doc(DocKind::Item, "item:1", a, Some(launch), "Launch plan", "budget for the webinars"),
        doc(DocKind::Update, "update:1", a, Some(launch), "Launch plan", "the launch venue is booked"),
        doc(DocKind::Item, "item:2", b, Some(other), "Secret launch", "nobody else"),
    ];
    index.apply(batch(vec![], docs, &[(a, 0, 7), (b, 0, 3)])).await.unwrap();
    backend.flush(&index).await;

    assert_eq!(titles(&index, query("launch", &[a])).await, ["Launch plan", "Launch plan"]);
    assert_eq!(titles(&index, query("lanch", &[a])).await.len(), 2, "one typo");
    assert_eq!(titles(&index, query("wevinarz", &[a])).await, ["Launch plan"], "two typos in a long word");
    assert!(titles(&index, query("lnch", &[a])).await.is_empty(), "two typos in a short word");
    assert_eq!(titles(&index, query("webin", &[a])).await, ["Launch plan"], "a prefix of the last word");
    assert_eq!(titles(&index, query("venue booked", &[a])).await, ["Launch plan"], "every word must match");
    assert!(titles(&index, query("venue nothing", &[a])).await.is_empty());
    // Only the boards asked for: the other board's item is not there.
    assert!(titles(&index, query("secret", &[a])).await.is_empty());
    assert_eq!(titles(&index, query("secret", &[a, b])).await, ["Secret launch"]);
    assert!(titles(&index, query("launch", &[])).await.is_empty());
    let mut updates = query("launch", &[a]);
    updates.kind = Some(DocKind::Update);
    let found = index.search(&updates).await.unwrap();
    assert_eq!(found.hits.len(), 1);
    assert_eq!(found.hits[0].key, "update:1");
    assert_eq!(found.hits[0].title_matches, vec![(0, 6)]);
    let found = index.search(&query("budget", &[a])).await.unwrap();
    assert_eq!(found.hits[0].snippet_matches, vec![(0, 6)]);
    // A title match ranks above a body match. A word the index has is taken as typed: its
    // near misses are not looked for.
    let ranked = vec![
        doc(DocKind::Item, "item:3", a, Some(ItemId::new()), "Roadmap", "mentions the harbour"),
        doc(DocKind::Item, "item:4", a, Some(ItemId::new()), "Harbour", "the roadmap"),
        doc(DocKind::Item, "item:5", a, Some(ItemId::new()), "Harbor", ""),
    ];
    index.apply(batch(vec![], ranked, &[])).await.unwrap();
    backend.flush(&index).await;
    assert_eq!(titles(&index, query("harbour", &[a])).await, ["Harbour", "Roadmap"]);
    let mut typo = titles(&index, query("harbur", &[a])).await;
    typo.sort();
    assert_eq!(typo, ["Harbor", "Harbour", "Roadmap"]);

    // A prefix of many words finds them all.
    let many = (0..70).map(|i| doc(DocKind::Item, &format!("item:p{i}"), b, None, &format!("Prefix{i}"), "")).collect();
    index.apply(batch(vec![], many, &[])).await.unwrap();
    backend.flush(&index).await;
    let mut all = query("prefix", &[b]);
    all.limit = 100;
    assert_eq!(index.search(&all).await.unwrap().hits.len(), 70);
    let removed = (0..70).map(|i| Removal::Key(format!("item:p{i}"))).collect();
    index.apply(batch(removed, vec![], &[])).await.unwrap();
    backend.flush(&index).await;

    // Queries are never malformed; absurd ones are refused as such.
    for text in ["\"launch", "(launch OR", "launch]]", "-launch", "*", "launch~2^3", "it's", "a\\b", "':*!&|"] {
        index.search(&query(text, &[a])).await.unwrap();
    }
    assert!(matches!(index.search(&query(&"x".repeat(10_000), &[a])).await, Err(SearchError::Query(_))));

    // Paging.
    let mut first = query("launch", &[a]);
    first.limit = 1;
    let page = index.search(&first).await.unwrap();
    assert!(page.more);
    first.offset = 1;
    let next = index.search(&first).await.unwrap();
    assert!(!next.more);
    assert_ne!(page.hits[0].key, next.hits[0].key);

    // A batch planned from a position the index has left is refused whole.
    let stale = batch(vec![Removal::Item(launch)], vec![], &[(a, 5, 9)]);
    assert!(matches!(index.apply(stale).await, Err(SearchError::Moved)));
    let stale = batch(vec![Removal::Board(b)], vec![], &[(BoardId::new(), 0, 1), (b, 0, 4)]);
    assert!(matches!(index.apply(stale).await, Err(SearchError::Moved)));
    backend.flush(&index).await;
    assert_eq!(titles(&index, query("launch", &[a, b])).await.len(), 3);

    // Removing an item takes its updates with it; positions survive a reopen.
    index.apply(batch(vec![Removal::Item(launch)], vec![], &[(a, 7, 9)])).await.unwrap();
    backend.flush(&index).await;
    assert!(titles(&index, query("launch", &[a])).await.is_empty());
    let generation = index.generation();
    index.close().await;
    drop(index);
    let (index, created) = backend.open().await;
    assert!(!created);
    assert_eq!(index.generation(), generation);
    assert_eq!(index.position(a).await.unwrap(), 9);
    assert_eq!(index.position(b).await.unwrap(), 3);
    assert_eq!(titles(&index, query("secret", &[b])).await, ["Secret launch"]);
    let stats = index.stats().await.unwrap();
    assert_eq!(stats.docs, 4, "item:2 to item:5");
    assert!(stats.bytes > 0);

    // A board's removal; a deleted index starts over with a new generation.
    index.apply(batch(vec![Removal::Board(b)], vec![], &[])).await.unwrap();
    backend.flush(&index).await;
    assert!(titles(&index, query("secret", &[b])).await.is_empty());
    index.close().await;
    drop(index);
    backend.delete().await;
    let (index, created) = backend.open().await;
    assert!(created);
    assert_ne!(index.generation(), generation);
    assert_eq!(index.position(a).await.unwrap(), 0);
}

pub async fn cell_files_and_children_are_replaced_on_their_own(mut backend: impl Backend) {
    let (index, _) = backend.open().await;
    let board = BoardId::new();
    let item = ItemId::new();
    let mut on_update = doc(DocKind::File, "file:u", board, Some(item), "minutes.pdf", "");
    on_update.parent = Some("update:9".into());
    let mut reply = doc(DocKind::Update, "update:10", board, Some(item), "Task", "a reply about contracts");
    reply.parent = Some("update:9".into());
    let mut renamed = doc(DocKind::File, "file:c", board, Some(item), "draft.pdf", "");
    renamed.title = "draft.pdf".into();
    // The last document of a key wins.
    let docs = vec![renamed, doc(DocKind::File, "file:c", board, Some(item), "contract.pdf", ""), on_update, reply];
    index.apply(batch(vec![], docs, &[])).await.unwrap();
    backend.flush(&index).await;
    assert!(titles(&index, query("draft", &[board])).await.is_empty());
    assert_eq!(titles(&index, query("contract", &[board])).await.len(), 2);
    index.apply(batch(vec![Removal::CellFiles(item)], vec![], &[])).await.unwrap();
    backend.flush(&index).await;
    assert_eq!(titles(&index, query("contract", &[board])).await, ["Task"], "the reply stays");
    assert_eq!(titles(&index, query("minutes", &[board])).await, ["minutes.pdf"], "files of updates stay");
    index.apply(batch(vec![Removal::Children("update:9".into())], vec![], &[])).await.unwrap();
    backend.flush(&index).await;
    assert!(titles(&index, query("minutes contract", &[board])).await.is_empty());
    assert!(titles(&index, query("minutes", &[board])).await.is_empty());
}

/// Fresh documents (a created item's) are found like any, and a later document of the same key
/// replaces one added fresh.
pub async fn fresh_documents_are_found_and_replaced_later(mut backend: impl Backend) {
    let (index, _) = backend.open().await;
    let board = BoardId::new();
    let item = ItemId::new();
    let fresh = vec![doc(DocKind::Item, "item:7", board, Some(item), "Quarterly zebracorn", "")];
    index.apply(Batch { fresh, ..batch(vec![], vec![], &[(board, 0, 1)]) }).await.unwrap();
    backend.flush(&index).await;
    assert_eq!(titles(&index, query("zebracorn", &[board])).await, ["Quarterly zebracorn"]);
    let renamed = vec![doc(DocKind::Item, "item:7", board, Some(item), "Yearly zebracorn", "")];
    index.apply(batch(vec![], renamed, &[(board, 1, 2)])).await.unwrap();
    backend.flush(&index).await;
    assert_eq!(titles(&index, query("zebracorn", &[board])).await, ["Yearly zebracorn"], "one document per key");
    assert_eq!(index.position(board).await.unwrap(), 2);
}
