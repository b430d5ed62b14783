//! Row decoding and error mapping shared by the SQL modules.

use std::str::FromStr;

use rusqlite::{ErrorCode as SqliteCode, Row};
use sunday_store::StoreError;
use sunday_types::{
    dto::{Org, Role, User, Workspace, WorkspaceKind},
    time::to_datetime,
};

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

/// Reads a text column holding an id (or any `FromStr` value).
pub fn parse<T: FromStr>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let s: String = row.get(idx)?;
    s.parse::<T>().map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e)))
}

fn corrupt(idx: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, format!("invalid {what} in row").into())
}

pub fn role(row: &Row<'_>, idx: usize) -> rusqlite::Result<Role> {
    let s: String = row.get(idx)?;
    Role::parse(&s).ok_or_else(|| corrupt(idx, "role"))
}

/// `id, email, name, created_at` starting at `at`. A macro so hot queries can be built
/// with `concat!` at compile time instead of `format!` per call.
macro_rules! user_cols {
    () => {
        "u.id, u.email, u.name, u.created_at"
    };
}
pub(crate) use user_cols;
pub const USER_COLS: &str = user_cols!();
pub fn user(row: &Row<'_>, at: usize) -> rusqlite::Result<User> {
    Ok(User {
        id: parse(row, at)?,
        email: row.get(at + 1)?,
        name: row.get(at + 2)?,
        created_at: to_datetime(row.get(at + 3)?),
    })
}

/// `id, name, created_at` starting at `at`.
macro_rules! org_cols {
    () => {
        "o.id, o.name, o.created_at"
    };
}
pub(crate) use org_cols;
pub const ORG_COLS: &str = org_cols!();
pub fn org(row: &Row<'_>, at: usize) -> rusqlite::Result<Org> {
    Ok(Org { id: parse(row, at)?, name: row.get(at + 1)?, created_at: to_datetime(row.get(at + 2)?) })
}

pub const WORKSPACE_COLS: &str =
    "w.id, w.org_id, w.name, w.description, w.kind, w.version, w.created_by, w.created_at, w.updated_at";
pub fn workspace(row: &Row<'_>) -> rusqlite::Result<Workspace> {
    let kind: String = row.get(4)?;
    Ok(Workspace {
        id: parse(row, 0)?,
        org_id: parse(row, 1)?,
        name: row.get(2)?,
        description: row.get(3)?,
        kind: WorkspaceKind::parse(&kind).ok_or_else(|| corrupt(4, "workspace kind"))?,
        version: row.get(5)?,
        created_by: parse(row, 6)?,
        created_at: to_datetime(row.get(7)?),
        updated_at: to_datetime(row.get(8)?),
    })
}
