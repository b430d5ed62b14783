//! Statement helpers, row decoding and error mapping shared by the SQL modules.
//!
//! Every statement goes through `prepare_cached`, so each pooled connection parses a given
//! SQL text once. Errors from the server become [`StoreError`]s here: connection trouble is
//! `Unavailable`, everything else `Internal`; callers map the unique violations they expect
//! (`23505`) to rejections themselves.

use std::{error::Error as _, str::FromStr};

use deadpool_postgres::GenericClient;
use sunday_store::{StoreError, StoreResult};
use sunday_types::{
    dto::{Org, Role, User, Workspace, WorkspaceKind},
    time::to_datetime,
};
use tokio_postgres::{
    error::SqlState,
    types::{FromSql, ToSql},
    Row,
};

/// Parameters of one statement.
pub type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// The error and its causes, one line (`error connecting to server: Connection refused`).
/// Neither tokio-postgres errors nor server messages carry the connection password.
pub fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// Whether the error means the server cannot be used right now, as opposed to a failed
/// statement: a closed or broken connection, or the server refusing or ending sessions.
fn is_connection_error(e: &tokio_postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    match e.code() {
        Some(code) => {
            let code = code.code();
            // 08: connection exception; 53300: too many connections; 57P01..03: the
            // server is shutting down, crashed or starting up.
            code.starts_with("08") || matches!(code, "53300" | "57P01" | "57P02" | "57P03")
        }
        None => e.source().is_some_and(|s| s.is::<std::io::Error>()),
    }
}

pub fn db_err(e: tokio_postgres::Error) -> StoreError {
    if is_connection_error(&e) {
        StoreError::Unavailable(format!("postgres: {}", describe(&e)))
    } else {
        StoreError::internal(e)
    }
}

/// Whether the error is a UNIQUE or PRIMARY KEY violation.
pub fn is_unique_violation(e: &tokio_postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

/// Maps a unique violation to the rejection `code`, anything else through [`db_err`].
pub fn unique_as(code: sunday_types::ErrorCode) -> impl Fn(tokio_postgres::Error) -> StoreError {
    move |e| {
        if is_unique_violation(&e) {
            StoreError::Rejected(code)
        } else {
            db_err(e)
        }
    }
}

/// Runs a statement; the raw error is left to the caller to map.
pub async fn execute<C: GenericClient>(c: &C, sql: &str, params: Params<'_>) -> Result<u64, tokio_postgres::Error> {
    let stmt = c.prepare_cached(sql).await?;
    c.execute(&stmt, params).await
}

pub async fn query<C: GenericClient>(c: &C, sql: &str, params: Params<'_>) -> StoreResult<Vec<Row>> {
    let stmt = c.prepare_cached(sql).await.map_err(db_err)?;
    c.query(&stmt, params).await.map_err(db_err)
}

pub async fn query_opt<C: GenericClient>(c: &C, sql: &str, params: Params<'_>) -> StoreResult<Option<Row>> {
    let stmt = c.prepare_cached(sql).await.map_err(db_err)?;
    c.query_opt(&stmt, params).await.map_err(db_err)
}

pub async fn query_one<C: GenericClient>(c: &C, sql: &str, params: Params<'_>) -> StoreResult<Row> {
    let stmt = c.prepare_cached(sql).await.map_err(db_err)?;
    c.query_one(&stmt, params).await.map_err(db_err)
}

/// Reads a column.
pub fn get<'a, T: FromSql<'a>>(row: &'a Row, idx: usize) -> StoreResult<T> {
    row.try_get(idx).map_err(db_err)
}

/// Reads a text column holding an id (or any `FromStr` value).
pub fn parse<T: FromStr>(row: &Row, idx: usize) -> StoreResult<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    row.try_get::<_, &str>(idx).map_err(db_err)?.parse::<T>().map_err(StoreError::internal)
}

fn corrupt(idx: usize, what: &str) -> StoreError {
    StoreError::internal(format!("invalid {what} in column {idx}"))
}

pub fn role(row: &Row, idx: usize) -> StoreResult<Role> {
    Role::parse(row.try_get(idx).map_err(db_err)?).ok_or_else(|| corrupt(idx, "role"))
}

/// `id, email, name, created_at` starting at `at`.
pub const USER_COLS: &str = "u.id, u.email, u.name, u.created_at";
pub fn user(row: &Row, at: usize) -> StoreResult<User> {
    Ok(User {
        id: parse(row, at)?,
        email: get(row, at + 1)?,
        name: get(row, at + 2)?,
        created_at: to_datetime(get(row, at + 3)?),
    })
}

/// `id, name, created_at` starting at `at`.
pub const ORG_COLS: &str = "o.id, o.name, o.created_at";
pub fn org(row: &Row, at: usize) -> StoreResult<Org> {
    Ok(Org { id: parse(row, at)?, name: get(row, at + 1)?, created_at: to_datetime(get(row, at + 2)?) })
}

pub const WORKSPACE_COLS: &str =
    "w.id, w.org_id, w.name, w.description, w.kind, w.version, w.created_by, w.created_at, w.updated_at";
pub fn workspace(row: &Row) -> StoreResult<Workspace> {
    let kind: &str = get(row, 4)?;
    Ok(Workspace {
        id: parse(row, 0)?,
        org_id: parse(row, 1)?,
        name: get(row, 2)?,
        description: get(row, 3)?,
        kind: WorkspaceKind::parse(kind).ok_or_else(|| corrupt(4, "workspace kind"))?,
        version: get(row, 5)?,
        created_by: parse(row, 6)?,
        created_at: to_datetime(get(row, 7)?),
        updated_at: to_datetime(get(row, 8)?),
    })
}
