//! Uploaded files' storage port. Which items hold a file is kept by the board commits
//! themselves (every item and update write), so a file's readers are always those of the
//! boards holding it at that moment.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sunday_types::{time::Millis, BoardId, FileId, OrgId, UserId};

use crate::StoreResult;

/// One upload.
#[derive(Clone, Debug, PartialEq)]
pub struct FileRecord {
    pub id: FileId,
    pub org_id: OrgId,
    pub name: String,
    pub size: i64,
    pub content_type: String,
    pub sha256: String,
    /// Where the bytes are in the file storage; shared by uploads of the same content in one
    /// organization.
    pub object_key: String,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

#[async_trait]
pub trait FileStore: Send + Sync {
    /// Records an upload whose bytes are at `file.object_key`; when the organization already
    /// has the same content, the row names that object instead. Returns the row as stored.
    async fn insert_file(&self, file: &FileRecord) -> StoreResult<FileRecord>;
    async fn file(&self, id: FileId) -> StoreResult<Option<FileRecord>>;
    /// The boards with an item (live or archived) whose cells or updates hold the file.
    async fn file_boards(&self, id: FileId) -> StoreResult<Vec<BoardId>>;
    /// Up to `limit` files uploaded before `before` that no item holds, oldest first, with
    /// their object keys.
    async fn unreferenced_files(&self, before: Millis, limit: usize) -> StoreResult<Vec<(FileId, String)>>;
    /// Deletes those of `ids` that no item holds (checked again as they go), in one transaction.
    async fn delete_unreferenced_files(&self, ids: &[FileId]) -> StoreResult<()>;
    /// How many files name the object `key`.
    async fn files_naming(&self, key: &str) -> StoreResult<i64>;
}
