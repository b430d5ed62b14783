//! Store failures: either an outcome the caller asked about (a rule the data enforces, such
//! as a unique email) named by its API error code, or a fault of the store itself.

use sunday_types::{ApiError, ErrorCode};

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A rule enforced by the data (unique email, last owner, used invitation…).
    #[error("rejected: {0}")]
    Rejected(ErrorCode),
    /// A conditional write lost: the current state, serialized for the client.
    #[error("version conflict")]
    VersionConflict(serde_json::Value),
    /// The board's columns or groups changed since the version the commit expected
    /// (`BoardWrite::ExpectStructure`); the writer re-reads them and retries.
    #[error("board structure changed")]
    StructureChanged,
    /// The store cannot be reached (connection refused, pool timed out).
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// Input to the store that its schema cannot hold (a damaged or foreign archive).
    #[error("invalid: {0}")]
    Invalid(String),
    /// The database was migrated by a newer Sunday than this one.
    #[error(
        "the database's schema is version {found}, newer than this Sunday knows (version {known}): \
         run the Sunday release that wrote it, or restore a backup made by this one"
    )]
    SchemaTooNew { found: i64, known: i64 },
    /// Anything else: a bug or a corrupt row.
    #[error("store error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    pub fn internal(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        StoreError::Internal(e.into())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Rejected(code) => ApiError::of(code),
            StoreError::VersionConflict(current) => ApiError::version_conflict(&current),
            StoreError::StructureChanged => {
                ApiError::unavailable("the board's columns or groups kept changing under this write; retry")
            }
            StoreError::Unavailable(msg) => ApiError::unavailable(msg),
            StoreError::Invalid(msg) => ApiError::validation("body", "archive", msg),
            e @ (StoreError::Internal(_) | StoreError::SchemaTooNew { .. }) => ApiError::internal(e),
        }
    }
}
