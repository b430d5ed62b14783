#![allow(clippy::unwrap_used, clippy::expect_used)]

use sunday_types::{BoardId, ItemId, OrgId};

use super::*;

fn doc(kind: DocKind, key: &str, board: BoardId, item: Option<ItemId>, title: &str, body: &str) -> Doc {
    let context = String::new();
    Doc {
        key: key.into(),
        kind,
        org: OrgId::new(),
        board,
        item,
        parent: None,
        title: title.into(),
        body: body.into(),
        context,
    }
}

fn query(text: &str, boards: &[BoardId]) -> Query {
    Query { text: text.into(), boards: boards.to_vec(), kind: None, offset: 0, limit: 10 }
}

async fn titles(index: &EmbeddedIndex, q: Query) -> Vec<String> {
    index.search(&q).await.unwrap().hits.into_iter().map(|h| h.title).collect()
}

#[tokio::test]
async fn words_typos_and_prefixes_find_documents_of_the_boards_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let (index, created) = EmbeddedIndex::open(dir.path()).unwrap();
    assert!(created);
    let (a, b) = (BoardId::new(), BoardId::new());
    let (launch, other) = (ItemId::new(), ItemId::new());
    let batch = Batch {
        removals: vec![],
        docs: vec![
            doc(DocKind::Item, "item:1", a, Some(launch), "Launch plan", "budget for the webinar"),
            doc(DocKind::Update, "update:1", a, Some(launch), "Launch plan", "the launch venue is booked"),
            doc(DocKind::Item, "item:2", b, Some(other), "Secret launch", "nobody else"),
        ],
        positions: vec![(a, 7), (b, 3)],
    };
    index.apply(batch).await.unwrap();
    index.flush().await.unwrap();

    assert_eq!(titles(&index, query("launch", &[a])).await, ["Launch plan", "Launch plan"]);
    assert_eq!(titles(&index, query("lanch", &[a])).await.len(), 2, "one typo");
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
    // Titles rank above bodies; exact words above typos.
    let found = index.search(&query("budget", &[a])).await.unwrap();
    assert_eq!(found.hits[0].snippet_matches, vec![(0, 6)]);

    // Queries are never malformed; absurd ones are refused as such.
    for text in ["\"launch", "(launch OR", "launch]]", "-launch", "*", "launch~2^3"] {
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

    // Removing an item takes its updates with it; positions survive a reopen.
    index.apply(Batch { removals: vec![Removal::Item(launch)], docs: vec![], positions: vec![(a, 9)] }).await.unwrap();
    index.flush().await.unwrap();
    assert!(titles(&index, query("launch", &[a])).await.is_empty());
    let generation = index.generation();
    drop(index);
    let (index, created) = EmbeddedIndex::open(dir.path()).unwrap();
    assert!(!created);
    assert_eq!(index.generation(), generation);
    assert_eq!(index.position(a).await.unwrap(), 9);
    assert_eq!(index.position(b).await.unwrap(), 3);
    assert_eq!(titles(&index, query("secret", &[b])).await, ["Secret launch"]);

    // A board's removal; a deleted index starts over with a new generation.
    index.apply(Batch { removals: vec![Removal::Board(b)], docs: vec![], positions: vec![] }).await.unwrap();
    index.flush().await.unwrap();
    assert!(titles(&index, query("secret", &[b])).await.is_empty());
    drop(index);
    std::fs::remove_dir_all(dir.path()).unwrap();
    let (index, created) = EmbeddedIndex::open(dir.path()).unwrap();
    assert!(created);
    assert_ne!(index.generation(), generation);
    assert_eq!(index.position(a).await.unwrap(), 0);
}

#[tokio::test]
async fn cell_files_and_children_are_replaced_on_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let (index, _) = EmbeddedIndex::open(dir.path()).unwrap();
    let board = BoardId::new();
    let item = ItemId::new();
    let mut on_update = doc(DocKind::File, "file:u", board, Some(item), "minutes.pdf", "");
    on_update.parent = Some("update:9".into());
    let mut reply = doc(DocKind::Update, "update:10", board, Some(item), "Task", "a reply about contracts");
    reply.parent = Some("update:9".into());
    let docs = vec![doc(DocKind::File, "file:c", board, Some(item), "contract.pdf", ""), on_update, reply];
    index.apply(Batch { removals: vec![], docs, positions: vec![] }).await.unwrap();
    index.flush().await.unwrap();
    assert_eq!(titles(&index, query("contract", &[board])).await.len(), 2);
    index.apply(Batch { removals: vec![Removal::CellFiles(item)], docs: vec![], positions: vec![] }).await.unwrap();
    index.flush().await.unwrap();
    assert_eq!(titles(&index, query("contract", &[board])).await, ["Task"], "the reply stays");
    assert_eq!(titles(&index, query("minutes", &[board])).await, ["minutes.pdf"], "files of updates stay");
    index
        .apply(Batch { removals: vec![Removal::Children("update:9".into())], docs: vec![], positions: vec![] })
        .await
        .unwrap();
    index.flush().await.unwrap();
    assert!(titles(&index, query("minutes contract", &[board])).await.is_empty());
    assert!(titles(&index, query("minutes", &[board])).await.is_empty());
}
