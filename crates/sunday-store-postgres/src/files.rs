//! Uploaded files' storage (see `sunday_store::FileStore`).

use async_trait::async_trait;
use sunday_store::{FileRecord, FileStore, StoreError, StoreResult};
use sunday_store_sql::files as sql;
use sunday_types::{time::Millis, BoardId, FileId};

use crate::PostgresStore;

#[async_trait]
impl FileStore for PostgresStore {
    async fn insert_file(&self, file: &FileRecord) -> StoreResult<FileRecord> {
        self.write(sql::insert_file(file)).await?;
        self.read(sql::file_by_id(file.id)).await?.ok_or_else(|| StoreError::internal("an inserted file is missing"))
    }

    async fn file(&self, id: FileId) -> StoreResult<Option<FileRecord>> {
        self.read(sql::file_by_id(id)).await
    }

    async fn file_boards(&self, id: FileId) -> StoreResult<Vec<BoardId>> {
        self.read(sql::file_boards(id)).await
    }

    async fn unreferenced_files(&self, before: Millis, limit: usize) -> StoreResult<Vec<(FileId, String)>> {
        self.read(sql::unreferenced(before, limit)).await
    }

    async fn delete_unreferenced_files(&self, ids: &[FileId]) -> StoreResult<()> {
        self.run(sql::delete_unreferenced(ids)).await.map(|_| ())
    }

    async fn files_naming(&self, key: &str) -> StoreResult<i64> {
        self.read(sql::object_named(key)).await
    }
}
