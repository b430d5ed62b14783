//! Running the shared SQL (`sunday-store-sql`) on tokio-postgres: binding [`Value`]s with
//! PostgreSQL's binary types, reading rows through [`SqlRow`], and the loop that executes a
//! [`Plan`] on a transaction. Statements go through `prepare_cached`, so each pooled
//! connection parses a given statement once.

use std::error::Error;

use bytes::BytesMut;
use deadpool_postgres::GenericClient;
use sunday_store::{StoreError, StoreResult};
use sunday_store_sql::{Dialect, Exec, Finished, Plan, Query, SqlRow, Stmt, Value};
use tokio_postgres::types::{IsNull, ToSql, Type};

use crate::error::{db_err, is_unique_violation};

const DIALECT: Dialect = Dialect::Postgres;

type BoxError = Box<dyn Error + Sync + Send>;

/// A parameter in the type PostgreSQL inferred for it: integers fit narrower integer
/// columns when they can, and a type mismatch is the driver's usual `WrongType` error.
#[derive(Debug)]
struct Bind<'a>(&'a Value);

impl ToSql for Bind<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        self.to_sql_checked(ty, out)
    }

    /// Checked per value in `to_sql_checked`, where the value's own type is known.
    fn accepts(_: &Type) -> bool {
        true
    }

    fn to_sql_checked(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self.0 {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) => match *ty {
                Type::INT4 => i32::try_from(*v)?.to_sql_checked(ty, out),
                Type::INT2 => i16::try_from(*v)?.to_sql_checked(ty, out),
                _ => v.to_sql_checked(ty, out),
            },
            Value::Bool(b) => b.to_sql_checked(ty, out),
            Value::Text(s) => s.as_str().to_sql_checked(ty, out),
            Value::Str(s) => s.to_sql_checked(ty, out),
        }
    }
}

fn binds(params: &[Value]) -> Vec<Bind<'_>> {
    params.iter().map(Bind).collect()
}

fn refs<'a>(binds: &'a [Bind<'a>]) -> Vec<&'a (dyn ToSql + Sync)> {
    binds.iter().map(|b| b as &(dyn ToSql + Sync)).collect()
}

struct Row<'a>(&'a tokio_postgres::Row);

impl Row<'_> {
    /// Integer columns of any width (`count(*)` is `BIGINT`, literals `INTEGER`).
    fn integer(&self, idx: usize) -> StoreResult<Option<i64>> {
        let ty = self.0.columns().get(idx).map(|c| c.type_().clone());
        match ty {
            Some(Type::INT4) => self.0.try_get::<_, Option<i32>>(idx).map(|v| v.map(i64::from)),
            Some(Type::INT2) => self.0.try_get::<_, Option<i16>>(idx).map(|v| v.map(i64::from)),
            _ => self.0.try_get::<_, Option<i64>>(idx),
        }
        .map_err(db_err)
    }
}

impl SqlRow for Row<'_> {
    fn text(&self, idx: usize) -> StoreResult<&str> {
        self.0.try_get(idx).map_err(db_err)
    }

    fn opt_text(&self, idx: usize) -> StoreResult<Option<&str>> {
        self.0.try_get(idx).map_err(db_err)
    }

    fn int(&self, idx: usize) -> StoreResult<i64> {
        self.integer(idx)?.ok_or_else(|| StoreError::internal(format!("unexpected NULL in column {idx}")))
    }

    fn opt_int(&self, idx: usize) -> StoreResult<Option<i64>> {
        self.integer(idx)
    }

    fn bool(&self, idx: usize) -> StoreResult<bool> {
        self.0.try_get(idx).map_err(db_err)
    }
}

fn sql_of(stmt: &Stmt) -> StoreResult<&'static str> {
    stmt.sql(DIALECT).ok_or_else(|| StoreError::internal("statement has no PostgreSQL form"))
}

/// Runs a read and shapes its rows.
pub async fn fetch<C: GenericClient, T, O>(c: &C, q: &Query<T, O>) -> StoreResult<O> {
    let stmt = c.prepare_cached(sql_of(q.stmt())?).await.map_err(db_err)?;
    let binds = binds(q.params());
    let rows = c.query(&stmt, &refs(&binds)).await.map_err(db_err)?;
    q.finish(&mut rows.iter().map(|r| q.decode(&Row(r))))
}

/// Runs a single-statement write; the rows it changed.
pub async fn write<C: GenericClient>(c: &C, exec: &Exec) -> StoreResult<u64> {
    execute(c, sql_of(exec.stmt())?, exec).await
}

async fn execute<C: GenericClient>(c: &C, sql: &str, exec: &Exec) -> StoreResult<u64> {
    let stmt = c.prepare_cached(sql).await.map_err(db_err)?;
    c.execute_raw(&stmt, exec.params().iter().map(Bind)).await.map_err(|e| write_err(e, exec))
}

/// A unique violation means what the write declared; anything else is classified as usual.
fn write_err(e: tokio_postgres::Error, exec: &Exec) -> StoreError {
    match exec.unique_violation() {
        Some(meant) if is_unique_violation(&e) => meant,
        _ => db_err(e),
    }
}

/// Runs every statement of `plan` on `tx`, one round trip each.
pub async fn run<C: GenericClient>(tx: &C, plan: Plan) -> StoreResult<Finished> {
    let mut run = plan.run(DIALECT);
    while let Some(next) = run.next_statement() {
        let next = next?;
        if !next.returns_row {
            let changed = execute(tx, next.sql, next.exec).await?;
            run.changed(changed)?;
            continue;
        }
        let stmt = tx.prepare_cached(next.sql).await.map_err(db_err)?;
        let binds = binds(next.exec.params());
        let row = tx.query_opt(&stmt, &refs(&binds)).await.map_err(|e| write_err(e, next.exec))?;
        let row = row.as_ref().map(Row);
        run.row(row.as_ref().map(|r| r as &dyn SqlRow))?;
    }
    run.finish()
}
