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

    async fn sweep_files(&self, before: Millis, limit: usize) -> StoreResult<Vec<String>> {
        let found = self.read(sql::unreferenced(before, limit)).await?;
        if found.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<FileId> = found.iter().map(|(id, _)| *id).collect();
        self.run(sql::delete_unreferenced(&ids)).await?;
        let mut gone = Vec::new();
        for key in found.into_iter().map(|(_, key)| key).collect::<std::collections::BTreeSet<_>>() {
            if self.read(sql::object_named(&key)).await? == 0 {
                gone.push(key);
            }
        }
        Ok(gone)
    }
}
