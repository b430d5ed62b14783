//! Uploaded files: what an upload answers and what a file cell's value names.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::*;

/// An uploaded file. Its bytes are at `GET /api/v1/files/{id}`, a preview at
/// `GET /api/v1/files/{id}/thumbnail`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FileInfo {
    pub id: FileId,
    /// The name it was uploaded with, made safe: no path, no control characters, at most 255
    /// characters.
    pub name: String,
    /// Bytes.
    pub size: i64,
    /// Sniffed from the content (the client's claim is only used for text and unknown types).
    pub content_type: String,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// `image` when the thumbnail is a scaled copy of the image; `icon` when it is an icon of
    /// the file's type.
    pub preview: Preview,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// What `GET /api/v1/files/{id}/thumbnail` shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Preview {
    Image,
    Icon,
}

/// A link to a file's bytes that works without signing in, until `expires_at`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SignedUrl {
    /// A path on this server, e.g. `/api/v1/files/{id}?expires=…&signature=…`.
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// Raw bytes (a file's content): OpenAPI's `string` in `binary` format.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct Binary(pub Vec<u8>);
