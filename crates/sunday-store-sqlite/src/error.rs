//! Classifying rusqlite errors: a busy or unopenable database is `Unavailable`, anything else
//! `Internal`; writes that expect a unique violation ask [`is_unique_violation`] first.

use rusqlite::ErrorCode as SqliteCode;
use sunday_store::StoreError;

pub fn db_err(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(SqliteCode::DatabaseBusy | SqliteCode::DatabaseLocked | SqliteCode::CannotOpen) => {
            StoreError::Unavailable(e.to_string())
        }
        _ => StoreError::internal(e),
    }
}

/// Whether the error is a UNIQUE or PRIMARY KEY violation.
pub fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}
