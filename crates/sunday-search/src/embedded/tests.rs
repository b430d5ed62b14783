#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use async_trait::async_trait;

use super::*;
use crate::conformance;

/// An index in a temporary directory.
struct Embedded {
    dir: tempfile::TempDir,
    open: Option<EmbeddedIndex>,
}

impl Embedded {
    fn new() -> Embedded {
        Embedded { dir: tempfile::tempdir().unwrap(), open: None }
    }
}

#[async_trait]
impl conformance::Backend for Embedded {
    async fn open(&mut self) -> (Arc<dyn SearchIndex>, bool) {
        let (index, created) = EmbeddedIndex::open(self.dir.path()).unwrap();
        self.open = Some(index.clone());
        (Arc::new(index), created)
    }

    async fn flush(&self, _: &Arc<dyn SearchIndex>) {
        if let Some(index) = &self.open {
            index.flush().await.unwrap();
        }
    }

    async fn delete(&mut self) {
        self.open = None;
        std::fs::remove_dir_all(self.dir.path()).unwrap();
    }
}

#[tokio::test]
async fn words_typos_and_prefixes_find_documents_of_the_boards_asked_for() {
    conformance::words_typos_and_prefixes_find_documents_of_the_boards_asked_for(Embedded::new()).await;
}

#[tokio::test]
async fn fresh_documents_are_found_and_replaced_later() {
    conformance::fresh_documents_are_found_and_replaced_later(Embedded::new()).await;
}

#[tokio::test]
async fn cell_files_and_children_are_replaced_on_their_own() {
    conformance::cell_files_and_children_are_replaced_on_their_own(Embedded::new()).await;
}
