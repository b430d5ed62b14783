//! Opaque list cursors: the last id of the previous page, base64url-encoded so clients do
//! not build them by hand. Ids are time-ordered UUIDs, so "after this id" stays correct
//! while rows are inserted.

use std::str::FromStr;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use sunday_types::{ApiError, ErrorCode};

pub fn encode(id: impl std::fmt::Display) -> String {
    URL_SAFE_NO_PAD.encode(id.to_string())
}

pub fn decode<T: FromStr>(cursor: Option<&str>) -> Result<Option<T>, ApiError> {
    let Some(c) = cursor.filter(|c| !c.is_empty()) else { return Ok(None) };
    URL_SAFE_NO_PAD
        .decode(c)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.parse().ok())
        .map(Some)
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidParameter, "`cursor` is not a cursor returned by this list"))
}

/// The `limit` query parameter: default 50, at most 500.
pub fn limit(raw: Option<u32>) -> Result<usize, ApiError> {
    match raw {
        None => Ok(50),
        Some(n) if (1..=500).contains(&n) => Ok(n as usize),
        Some(_) => Err(ApiError::new(ErrorCode::InvalidParameter, "`limit` must be between 1 and 500")),
    }
}

/// Fetches `limit + 1` rows to learn whether another page exists; returns the page and the
/// cursor for the next one.
pub fn page<T, K: std::fmt::Display>(
    mut rows: Vec<T>,
    limit: usize,
    key: impl Fn(&T) -> K,
) -> (Vec<T>, Option<String>) {
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(|r| encode(key(r)));
        (rows, next)
    } else {
        (rows, None)
    }
}
