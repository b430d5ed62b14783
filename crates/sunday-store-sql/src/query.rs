//! Reads: a statement, its parameters, how to decode a row and how to shape the rows into
//! the answer. Backends run a [`Query`] with one generic function (prepare, bind, feed the
//! decoded rows to [`Query::finish`]); what is read and how it is read is written here once.
//! Single-statement writes are an [`Exec`].
//!
//! Decoders and shapes are plain function pointers, so building a query allocates only its
//! parameters, and a point read does not collect its row into a vector.

use sunday_store::{StoreError, StoreResult};
use sunday_types::ErrorCode;

use crate::{Fail, SqlRow, Stmt, Value};

/// The decoded rows of a query, as the backend streams them.
pub type Rows<'a, T> = &'a mut dyn Iterator<Item = StoreResult<T>>;

pub struct Query<T, O> {
    stmt: &'static Stmt,
    params: Vec<Value>,
    decode: fn(&dyn SqlRow) -> StoreResult<T>,
    shape: fn(Rows<'_, T>) -> StoreResult<O>,
}

impl<T, O> Query<T, O> {
    /// A query answering `shape` of the rows `decode` reads.
    pub fn new(
        stmt: &'static Stmt,
        params: Vec<Value>,
        decode: fn(&dyn SqlRow) -> StoreResult<T>,
        shape: fn(Rows<'_, T>) -> StoreResult<O>,
    ) -> Self {
        Query { stmt, params, decode, shape }
    }

    pub fn stmt(&self) -> &'static Stmt {
        self.stmt
    }

    pub fn params(&self) -> &[Value] {
        &self.params
    }

    pub fn decode(&self, row: &dyn SqlRow) -> StoreResult<T> {
        (self.decode)(row)
    }

    /// The answer from the decoded rows.
    pub fn finish(&self, rows: Rows<'_, T>) -> StoreResult<O> {
        (self.shape)(rows)
    }
}

impl<T> Query<T, Vec<T>> {
    /// Every row.
    pub fn all(stmt: &'static Stmt, params: Vec<Value>, decode: fn(&dyn SqlRow) -> StoreResult<T>) -> Self {
        Query::new(stmt, params, decode, |rows| rows.collect())
    }
}

impl<T> Query<T, Option<T>> {
    /// The first row, if any.
    pub fn opt(stmt: &'static Stmt, params: Vec<Value>, decode: fn(&dyn SqlRow) -> StoreResult<T>) -> Self {
        Query::new(stmt, params, decode, |rows| rows.next().transpose())
    }
}

impl<T> Query<T, T> {
    /// The one row the statement always returns (an aggregate, `EXISTS`).
    pub fn one(stmt: &'static Stmt, params: Vec<Value>, decode: fn(&dyn SqlRow) -> StoreResult<T>) -> Self {
        Query::new(stmt, params, decode, |rows| {
            rows.next().unwrap_or_else(|| Err(StoreError::internal("a single-row query returned no row")))
        })
    }
}

/// The first row, or the board's absence as a rejection (for shapes of board lookups).
pub fn board_row<T>(rows: Rows<'_, T>) -> StoreResult<T> {
    rows.next().unwrap_or(Err(StoreError::Rejected(ErrorCode::BoardNotFound)))
}

/// A write of one statement outside a plan (or one step of one), with what a unique violation
/// of it means.
#[derive(Debug)]
pub struct Exec {
    stmt: &'static Stmt,
    params: Vec<Value>,
    on_unique: Option<Fail>,
}

impl Exec {
    pub fn new(stmt: &'static Stmt, params: Vec<Value>) -> Exec {
        Exec { stmt, params, on_unique: None }
    }

    /// Maps a unique violation of this statement to `fail` (else it stays an internal error).
    pub fn unique_means(self, fail: Fail) -> Exec {
        Exec { on_unique: Some(fail), ..self }
    }

    pub fn stmt(&self) -> &'static Stmt {
        self.stmt
    }

    pub fn params(&self) -> &[Value] {
        &self.params
    }

    pub(crate) fn params_mut(&mut self) -> &mut [Value] {
        &mut self.params
    }

    /// The error a unique violation of this statement means, or `None` when it is a fault
    /// (the backend then reports its driver's error).
    pub fn unique_violation(&self) -> Option<StoreError> {
        self.on_unique.clone().map(StoreError::from)
    }
}
