//! The interposed store's file methods: passed straight through (no test pauses them).

use async_trait::async_trait;
use sunday_store::StoreResult;
use sunday_types::{time::Millis, BoardId};

use super::Interposed;

#[async_trait]
impl sunday_store::FileStore for Interposed {
    async fn insert_file(&self, file: &sunday_store::FileRecord) -> StoreResult<sunday_store::FileRecord> {
        self.inner.insert_file(file).await
    }

    async fn file(&self, id: sunday_types::FileId) -> StoreResult<Option<sunday_store::FileRecord>> {
        self.inner.file(id).await
    }

    async fn file_boards(&self, id: sunday_types::FileId) -> StoreResult<Vec<BoardId>> {
        self.inner.file_boards(id).await
    }

    async fn unreferenced_files(
        &self,
        before: Millis,
        limit: usize,
    ) -> StoreResult<Vec<(sunday_types::FileId, String)>> {
        self.inner.unreferenced_files(before, limit).await
    }

    async fn delete_unreferenced_files(&self, ids: &[sunday_types::FileId]) -> StoreResult<()> {
        self.inner.delete_unreferenced_files(ids).await
    }

    async fn files_naming(&self, key: &str) -> StoreResult<i64> {
        self.inner.files_naming(key).await
    }
}
