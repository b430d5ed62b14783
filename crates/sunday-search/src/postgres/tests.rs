#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use async_trait::async_trait;
use sunday_store_postgres::testing::{admin_url, create_scratch_database, ScratchDb};

use super::*;
use crate::conformance;

/// An index in a scratch database of the test server.
struct Postgres {
    url: String,
    _db: ScratchDb,
}

impl Postgres {
    async fn new() -> Postgres {
        let (url, db) = create_scratch_database(&admin_url()).await.unwrap();
        Postgres { url, _db: db }
    }
}

#[async_trait]
impl conformance::Backend for Postgres {
    async fn open(&mut self) -> (Arc<dyn SearchIndex>, bool) {
        let (index, created) = PostgresIndex::open(&self.url, 4).await.unwrap();
        (Arc::new(index), created)
    }

    /// Every batch is searchable once applied.
    async fn flush(&self, _: &Arc<dyn SearchIndex>) {}

    async fn delete(&mut self) {
        let (index, _) = PostgresIndex::open(&self.url, 1).await.unwrap();
        let conn = index.pool.get().await.unwrap();
        conn.batch_execute("DROP TABLE search_docs").await.unwrap();
    }
}

#[tokio::test]
async fn words_typos_and_prefixes_find_documents_of_the_boards_asked_for() {
    conformance::words_typos_and_prefixes_find_documents_of_the_boards_asked_for(Postgres::new().await).await;
}

#[tokio::test]
async fn fresh_documents_are_found_and_replaced_later() {
    conformance::fresh_documents_are_found_and_replaced_later(Postgres::new().await).await;
}

#[tokio::test]
async fn cell_files_and_children_are_replaced_on_their_own() {
    conformance::cell_files_and_children_are_replaced_on_their_own(Postgres::new().await).await;
}

#[test]
fn lexemes_are_quoted_and_words_weighted() {
    assert_eq!(lexeme("it's"), "'it''s'");
    assert_eq!(lexeme("a\\b"), "'a\\\\b'");
    let d = conformance::doc(DocKind::Item, "item:1", BoardId::new(), None, "Launch plan", "the plan");
    assert_eq!(vector(&d), "'launch':1A 'plan':2A 'the':3B 'plan':4B ");
}
