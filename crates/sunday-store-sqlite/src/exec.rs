//! Running the shared SQL (`sunday-store-sql`) on rusqlite: binding [`Value`]s, reading rows
//! through [`SqlRow`], and the loop that executes a [`Plan`]. Everything here runs on the
//! thread that holds the connection — a plan runs whole inside one writer closure.

use rusqlite::{
    types::{ToSqlOutput, ValueRef},
    Connection, ToSql,
};
use sunday_store::{StoreError, StoreResult};
use sunday_store_sql::{Dialect, Exec, Finished, Plan, Query, SqlRow, Stmt, Value};

use crate::error::{db_err, is_unique_violation};

const DIALECT: Dialect = Dialect::Sqlite;

/// A parameter as SQLite stores it: booleans as 0/1, text borrowed from the value.
struct Bind<'a>(&'a Value);

impl ToSql for Bind<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self.0 {
            Value::Null => ValueRef::Null,
            Value::Int(v) => ValueRef::Integer(*v),
            Value::Bool(b) => ValueRef::Integer(i64::from(*b)),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Str(s) => ValueRef::Text(s.as_bytes()),
        }))
    }
}

fn bind(params: &[Value]) -> impl rusqlite::Params + '_ {
    rusqlite::params_from_iter(params.iter().map(Bind))
}

struct Row<'a, 'r>(&'a rusqlite::Row<'r>);

impl Row<'_, '_> {
    fn value(&self, idx: usize) -> StoreResult<ValueRef<'_>> {
        self.0.get_ref(idx).map_err(db_err)
    }
}

fn wrong_type(e: rusqlite::types::FromSqlError) -> StoreError {
    StoreError::internal(e)
}

impl SqlRow for Row<'_, '_> {
    fn text(&self, idx: usize) -> StoreResult<&str> {
        self.value(idx)?.as_str().map_err(wrong_type)
    }

    fn opt_text(&self, idx: usize) -> StoreResult<Option<&str>> {
        self.value(idx)?.as_str_or_null().map_err(wrong_type)
    }

    fn int(&self, idx: usize) -> StoreResult<i64> {
        self.value(idx)?.as_i64().map_err(wrong_type)
    }

    fn opt_int(&self, idx: usize) -> StoreResult<Option<i64>> {
        self.value(idx)?.as_i64_or_null().map_err(wrong_type)
    }

    fn bool(&self, idx: usize) -> StoreResult<bool> {
        self.int(idx).map(|v| v != 0)
    }
}

fn sql_of(stmt: &Stmt) -> StoreResult<&'static str> {
    stmt.sql(DIALECT).ok_or_else(|| StoreError::internal("statement has no SQLite form"))
}

/// Runs a read and shapes its rows.
pub fn fetch<T, O>(c: &Connection, q: &Query<T, O>) -> StoreResult<O> {
    let mut stmt = c.prepare_cached(sql_of(q.stmt())?).map_err(db_err)?;
    let mut rows = stmt.query(bind(q.params())).map_err(db_err)?;
    let mut decoded = std::iter::from_fn(|| match rows.next() {
        Ok(Some(row)) => Some(q.decode(&Row(row))),
        Ok(None) => None,
        Err(e) => Some(Err(db_err(e))),
    });
    q.finish(&mut decoded)
}

/// Runs a single-statement write; the rows it changed. A statement SQLite does not need
/// changes nothing.
pub fn write(c: &Connection, exec: &Exec) -> StoreResult<u64> {
    match exec.stmt().sql(DIALECT) {
        Some(sql) => execute(c, sql, exec),
        None => Ok(0),
    }
}

fn execute(c: &Connection, sql: &str, exec: &Exec) -> StoreResult<u64> {
    let changed = c.prepare_cached(sql).and_then(|mut s| s.execute(bind(exec.params())));
    changed.map(|n| n as u64).map_err(|e| write_err(e, exec))
}

/// A unique violation means what the write declared; anything else is classified as usual.
fn write_err(e: rusqlite::Error, exec: &Exec) -> StoreError {
    match exec.unique_violation() {
        Some(meant) if is_unique_violation(&e) => meant,
        _ => db_err(e),
    }
}

/// Runs every statement of `plan` on `c` (the caller's transaction).
pub fn run(c: &Connection, plan: Plan) -> StoreResult<Finished> {
    let mut run = plan.run(DIALECT);
    while let Some(next) = run.next_statement() {
        let next = next?;
        if !next.returns_row {
            let changed = execute(c, next.sql, next.exec)?;
            run.changed(changed)?;
            continue;
        }
        let mut stmt = c.prepare_cached(next.sql).map_err(db_err)?;
        let mut rows = stmt.query(bind(next.exec.params())).map_err(|e| write_err(e, next.exec))?;
        match rows.next() {
            Ok(row) => run.row(row.map(Row).as_ref().map(|r| r as &dyn SqlRow))?,
            Err(e) => return Err(write_err(e, next.exec)),
        }
    }
    run.finish()
}
