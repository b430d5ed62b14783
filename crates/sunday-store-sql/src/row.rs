//! The one thing a decoder needs from a driver's row: its columns as text, integers or
//! booleans. Each backend implements [`SqlRow`] for its row type; every decoder in this crate
//! is written once over `&dyn SqlRow`.
//!
//! Both schemas store the same encodings (UUID text ids, millisecond `BIGINT` timestamps,
//! JSON documents as text, enums by snake_case name), so the helpers on `dyn SqlRow` below
//! are the whole of the format, and a malformed value is an `Internal` error naming the
//! column.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::Value as Json;
use sunday_store::{StoreError, StoreResult};
use sunday_types::boards::enum_parse;

pub trait SqlRow {
    /// A non-null text column, borrowed from the row.
    fn text(&self, idx: usize) -> StoreResult<&str>;
    fn opt_text(&self, idx: usize) -> StoreResult<Option<&str>>;
    /// A non-null integer column.
    fn int(&self, idx: usize) -> StoreResult<i64>;
    fn opt_int(&self, idx: usize) -> StoreResult<Option<i64>>;
    /// A boolean expression (SQLite answers 0/1, PostgreSQL `BOOL`).
    fn bool(&self, idx: usize) -> StoreResult<bool>;
}

/// The error for a value the schema should not hold.
pub fn corrupt(idx: usize, what: &str) -> StoreError {
    StoreError::internal(format!("invalid {what} in column {idx}"))
}

impl dyn SqlRow + '_ {
    /// A text column holding an id (or any `FromStr` value).
    pub fn id<T: FromStr>(&self, idx: usize) -> StoreResult<T>
    where
        T::Err: std::error::Error + Send + Sync + 'static,
    {
        self.text(idx)?.parse().map_err(StoreError::internal)
    }

    pub fn opt_id<T: FromStr>(&self, idx: usize) -> StoreResult<Option<T>>
    where
        T::Err: std::error::Error + Send + Sync + 'static,
    {
        self.opt_text(idx)?.map(|s| s.parse().map_err(StoreError::internal)).transpose()
    }

    pub fn string(&self, idx: usize) -> StoreResult<String> {
        self.text(idx).map(str::to_owned)
    }

    pub fn opt_string(&self, idx: usize) -> StoreResult<Option<String>> {
        self.opt_text(idx).map(|t| t.map(str::to_owned))
    }

    /// A millisecond timestamp.
    pub fn time(&self, idx: usize) -> StoreResult<DateTime<Utc>> {
        self.int(idx).map(sunday_types::time::to_datetime)
    }

    pub fn opt_time(&self, idx: usize) -> StoreResult<Option<DateTime<Utc>>> {
        self.opt_int(idx).map(|t| t.map(sunday_types::time::to_datetime))
    }

    /// A JSON document stored as text.
    pub fn json(&self, idx: usize) -> StoreResult<Json> {
        serde_json::from_str(self.text(idx)?).map_err(StoreError::internal)
    }

    pub fn opt_json(&self, idx: usize) -> StoreResult<Option<Json>> {
        self.opt_text(idx)?.map(|t| serde_json::from_str(t).map_err(StoreError::internal)).transpose()
    }

    /// A JSON document decoded into `T`.
    pub fn json_as<T: DeserializeOwned>(&self, idx: usize, what: &str) -> StoreResult<T> {
        serde_json::from_str(self.text(idx)?).map_err(|_| corrupt(idx, what))
    }

    /// An enum stored as its snake_case serde name.
    pub fn named<T: DeserializeOwned>(&self, idx: usize, what: &str) -> StoreResult<T> {
        enum_parse(self.text(idx)?).ok_or_else(|| corrupt(idx, what))
    }
}
