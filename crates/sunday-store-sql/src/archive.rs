//! An organization's rows, table by table, for moving it between instances and stores.
//!
//! Each table an organization owns is listed once below with its columns and how its rows
//! are found from the org id. Export reads each row as one JSON object built by the database
//! (`json_object` / `json_build_object`), so integers stay integers, text stays text and NULL
//! stays null whatever the store. Import is one transaction: it refuses an organization that
//! is already here (an archive imports once, never twice), keeps every id, and inserts the
//! tables parents first; a user who is already on the instance (same id) is kept as is, and
//! one whose email belongs to another account fails the whole import.
//!
//! The same list serves a logical backup of the whole instance (every row of every table,
//! read in one snapshot) and its restore into an empty database. Sessions and API tokens are
//! in backups but not in an organization's archive: people sign in again on the new instance.
//! A test checks this list against the schema, so a new column or table cannot be left out
//! silently.

use serde_json::{Map, Value as Json};
use sunday_store::{StoreError, StoreResult, TableRows};
use sunday_types::{ErrorCode, OrgId};

use crate::{args, stmt, Fail, Plan, Query, Refusal, SqlRow, Step, Stmt, Value};

/// One table of an organization archive.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [&'static str],
    export: Stmt,
    all: Stmt,
    import: Stmt,
    clear: Stmt,
}

/// Tables of the schema in no archive: retry records that expire within a day, the
/// migrations' own bookkeeping (written by migrating), which running node holds which lease
/// (live state of the nodes, not of the data), and the boards relation columns link to
/// (derived from the columns' settings: rebuilt by an import or a restore, so an archive
/// made before the table existed restores it too).
pub const NOT_ARCHIVED: &[&str] = &["idempotency_keys", "schema_migrations", "leases", "relation_targets"];

/// The `relation_targets` rows of the relation columns `$pred` keeps, from their settings.
macro_rules! relation_targets_of {
    ($($pred:literal)?) => {
        stmt!(
            "INSERT INTO relation_targets (target_board_id, column_id) SELECT j.value, c.id FROM board_columns c, ",
            "{json_each(c.settings -> 'board_ids') AS j",
            "|jsonb_array_elements_text(c.settings::jsonb -> 'board_ids') AS j(value)}",
            " WHERE c.type = 'board_relation'", $($pred,)? " ON CONFLICT DO NOTHING"
        )
    };
}
static TARGETS_OF_ORG: Stmt = relation_targets_of!(" AND c.board_id IN (SELECT id FROM boards WHERE org_id = $1)");
static TARGETS_OF_ALL: Stmt = relation_targets_of!();

macro_rules! table {
    ($name:literal [$first:literal $(, $col:literal)*] where $pred:literal $(; $conflict:literal)?) => {
        Table {
            name: $name,
            columns: &[$first $(, $col)*],
            export: stmt!(
                "SELECT {json_object|json_build_object}('", $first, "', ", $first, $(", '", $col, "', ", $col,)*
                "){|::text} FROM ", $name, " WHERE ", $pred
            ),
            all: stmt!(
                "SELECT {json_object|json_build_object}('", $first, "', ", $first, $(", '", $col, "', ", $col,)*
                "){|::text} FROM ", $name
            ),
            // Rows arrive as one JSON array per statement (`IMPORT_BATCH` of them), taken
            // apart by the database: one round trip per batch instead of one per row.
            import: stmt!(
                "INSERT INTO ", $name, " (", $first, $(", ", $col,)* ") SELECT {value ->> '", $first, "'|", $first, "}",
                $(", {value ->> '", $col, "'|", $col, "}",)*
                // `WHERE TRUE`: SQLite reads an `ON CONFLICT` after a bare `FROM` as a join's `ON`.
                " FROM {json_each($1)|json_populate_recordset(NULL::", $name, ", $1::text::json)} WHERE TRUE"
                $(, " ", $conflict)?
            ),
            clear: stmt!("DELETE FROM ", $name),
        }
    };
}

/// Parents before children.
pub static TABLES: &[Table] = &[
    table!("orgs" ["id", "name", "created_at"] where "id = $1"),
    table!("users" ["id", "email", "name", "password_hash", "created_at"]
        where "id IN (SELECT user_id FROM org_members WHERE org_id = $1)"; "ON CONFLICT (id) DO NOTHING"),
    table!("org_members" ["org_id", "user_id", "role", "joined_at"] where "org_id = $1"),
    // Credentials belong to the instance, not to an organization: in backups, never in an
    // organization's archive (people sign in again after a move).
    table!("sessions" ["id", "user_id", "token_hash", "csrf_token", "created_at", "expires_at"] where "user_id = $1 AND FALSE"),
    table!("api_tokens" ["id", "user_id", "name", "token_hash", "scopes", "created_at", "expires_at", "last_used_at",
        "revoked_at"] where "user_id = $1 AND FALSE"),
    table!("invites" ["id", "org_id", "email", "role", "token_hash", "invited_by", "created_at", "expires_at",
        "accepted_at", "accepted_by"] where "org_id = $1"),
    table!("workspaces" ["id", "org_id", "name", "description", "kind", "version", "created_by", "created_at",
        "updated_at"] where "org_id = $1"),
    table!("workspace_members" ["workspace_id", "user_id", "added_at"]
        where "workspace_id IN (SELECT id FROM workspaces WHERE org_id = $1)"),
    table!("dashboards" ["id", "org_id", "workspace_id", "name", "widgets", "version", "created_by", "created_at",
        "updated_at"] where "org_id = $1"),
    table!("boards" ["id", "org_id", "workspace_id", "name", "description", "kind", "default_permission", "version",
        "last_seq", "last_auto_number", "created_by", "created_at", "updated_at", "subitem_board_id",
        "parent_board_id", "structure_version"] where "org_id = $1"),
    table!("board_members" ["board_id", "user_id", "permission", "added_at"]
        where "board_id IN (SELECT id FROM boards WHERE org_id = $1)"),
    table!("board_groups" ["id", "board_id", "title", "color", "position"]
        where "board_id IN (SELECT id FROM boards WHERE org_id = $1)"),
    table!("group_collapse" ["user_id", "group_id"]
        where "group_id IN (SELECT g.id FROM board_groups g JOIN boards b ON b.id = g.board_id WHERE b.org_id = $1)"),
    table!("board_columns" ["id", "board_id", "title", "type", "settings", "position", "width"]
        where "board_id IN (SELECT id FROM boards WHERE org_id = $1)"),
    table!("column_past_links" ["column_id", "board_id", "linked_board_id"]
        where "board_id IN (SELECT id FROM boards WHERE org_id = $1)"),
    table!("items" ["id", "board_id", "group_id", "parent_item_id", "name", "position", "item_values", "version",
        "auto_number", "created_by", "created_at", "updated_at", "archived_at"]
        where "board_id IN (SELECT id FROM boards WHERE org_id = $1)"),
    table!("item_computed" ["item_id", "version", "cells"]
        where "item_id IN (SELECT i.id FROM items i JOIN boards b ON b.id = i.board_id WHERE b.org_id = $1)"),
    table!("board_events" ["board_id", "seq", "kind", "actor", "item_id", "payload", "created_at", "cause"]
        where "board_id IN (SELECT id FROM boards WHERE org_id = $1)"),
    table!("item_updates" ["id", "item_id", "board_id", "parent_id", "author", "body", "mentions", "created_at",
        "edited_at", "files"] where "board_id IN (SELECT id FROM boards WHERE org_id = $1)"),
    table!("board_views" ["id", "board_id", "name", "type", "filter", "sort", "group_by", "hidden_columns",
        "settings", "version", "created_by", "created_at", "updated_at"]
        where "board_id IN (SELECT id FROM boards WHERE org_id = $1)"),
    table!("automations" ["id", "board_id", "name", "recipe", "enabled", "paused_reason", "failures", "version",
        "created_by", "created_at", "updated_at", "scheduled_through"] where "board_id IN (SELECT id FROM boards WHERE org_id = $1)"),
    table!("automation_runs" ["id", "automation_id", "board_id", "item_id", "event_seq", "status", "detail",
        "started_at"] where "board_id IN (SELECT id FROM boards WHERE org_id = $1)"),
    table!("webhooks" ["id", "board_id", "url", "events", "secret", "created_by", "created_at"]
        where "board_id IN (SELECT id FROM boards WHERE org_id = $1)"),
    table!("webhook_deliveries" ["id", "webhook_id", "board_id", "event_seq", "kind", "body", "status", "attempts",
        "next_attempt_at", "claim", "claimed_until", "last_status", "last_error", "latency_ms", "created_at",
        "delivered_at"] where "board_id IN (SELECT id FROM boards WHERE org_id = $1)"),
    table!("board_links" ["id", "board_id", "kind", "name", "token_hash", "mapping", "created_by", "created_at"]
        where "board_id IN (SELECT id FROM boards WHERE org_id = $1)"),
    table!("notifications" ["id", "user_id", "kind", "actor", "board_id", "item_id", "body", "created_at", "read_at",
        "emailed_at"] where "board_id IN (SELECT id FROM boards WHERE org_id = $1)"),
    table!("notification_prefs" ["user_id", "email_kinds", "digest_minutes", "last_digest_at", "digest_claimed_until"]
        where "user_id IN (SELECT user_id FROM org_members WHERE org_id = $1)"; "ON CONFLICT (user_id) DO NOTHING"),
    table!("item_subscriptions" ["item_id", "user_id"]
        where "item_id IN (SELECT i.id FROM items i JOIN boards b ON b.id = i.board_id WHERE b.org_id = $1)"),
    table!("event_cursors" ["consumer", "board_id", "seq"]
        where "board_id IN (SELECT id FROM boards WHERE org_id = $1)"),
    // The rows only: an archive of an organization does not carry the files' bytes yet.
    table!("files" ["id", "org_id", "name", "size", "content_type", "sha256", "object_key", "created_by", "created_at"]
        where "org_id = $1"),
    table!("file_refs" ["item_id", "source", "file_id"]
        where "item_id IN (SELECT i.id FROM items i JOIN boards b ON b.id = i.board_id WHERE b.org_id = $1)"),
];

static ORG_PRESENT: Stmt = stmt!("SELECT count(*) FROM orgs WHERE id = $1");

/// A read of one table's rows as JSON objects.
pub type RowsQuery = Query<Map<String, Json>, Vec<Map<String, Json>>>;

fn object(row: &dyn SqlRow) -> StoreResult<Map<String, Json>> {
    serde_json::from_str(row.text(0)?).map_err(StoreError::internal)
}

/// The reads of an export, one per table in [`TABLES`] order; run them in one read
/// transaction for a consistent archive.
pub fn export(org: OrgId) -> Vec<RowsQuery> {
    TABLES.iter().map(|t| Query::all(&t.export, args![org], object)).collect()
}

/// The reads of a whole-instance backup, one per table in [`TABLES`] order.
pub fn export_all() -> Vec<RowsQuery> {
    TABLES.iter().map(|t| Query::all(&t.all, vec![], object)).collect()
}

/// The rows read by [`export`] or [`export_all`], named by table.
pub fn named(rows: Vec<Vec<Map<String, Json>>>) -> Vec<TableRows> {
    TABLES.iter().zip(rows).map(|(t, rows)| TableRows { table: t.name.to_owned(), rows }).collect()
}

/// The import of `org` as one transaction: refused when the organization is here already,
/// or when a table, column or value is not what this schema holds.
pub fn import(org: OrgId, tables: Vec<TableRows>) -> StoreResult<Plan> {
    let tables = in_order(tables)?;
    let orgs_ok = matches!(tables.first(), Some((0, t)) if t.rows.len() == 1
        && t.rows[0].get("id") == Some(&Json::from(org.to_string())));
    if !orgs_ok
        || tables.iter().any(|(i, t)| !t.rows.is_empty() && ["sessions", "api_tokens"].contains(&TABLES[*i].name))
    {
        return Err(invalid(format!("the archive is not one of organization {org} alone")));
    }
    let mut plan = Plan::new();
    let exists = Refusal::rejected(ErrorCode::OrgExists);
    plan.push(Step::equals(&ORG_PRESENT, args![org], 0, count_missing(), exists));
    inserts(&mut plan, tables)?;
    plan.push(Step::new(&TARGETS_OF_ORG, args![org]));
    Ok(plan)
}

static ANY_USER: Stmt = stmt!("SELECT count(*) FROM users");
static CLEAR_KEYS: Stmt = stmt!("DELETE FROM idempotency_keys");

/// The restore of a whole-instance backup as one transaction, into an empty database or,
/// with `replace`, over whatever it holds (every row deleted first, in the same transaction).
pub fn restore(tables: Vec<TableRows>, replace: bool) -> StoreResult<Plan> {
    let tables = in_order(tables)?;
    let mut plan = Plan::new();
    if replace {
        plan.push(Step::new(&CLEAR_KEYS, vec![]));
        for t in TABLES.iter().rev() {
            plan.push(Step::new(&t.clear, vec![]));
        }
    } else {
        let not_empty = Refusal::Fail(Fail::Invalid("the database already holds data".into()));
        plan.push(Step::equals(&ANY_USER, vec![], 0, count_missing(), not_empty));
    }
    inserts(&mut plan, tables)?;
    plan.push(Step::new(&TARGETS_OF_ALL, vec![]));
    Ok(plan)
}

fn count_missing() -> Refusal {
    Refusal::Fail(Fail::Internal("count(*) returned no row".into()))
}

/// The archive's tables in [`TABLES`] order (parents first); an unknown one is refused.
fn in_order(tables: Vec<TableRows>) -> StoreResult<Vec<(usize, TableRows)>> {
    let mut tables: Vec<(usize, TableRows)> = tables
        .into_iter()
        .map(|t| match TABLES.iter().position(|known| known.name == t.table) {
            Some(i) => Ok((i, t)),
            None => Err(invalid(format!("unknown table `{}`", t.table))),
        })
        .collect::<StoreResult<_>>()?;
    tables.sort_by_key(|(i, _)| *i);
    Ok(tables)
}

/// Rows per insert statement.
const IMPORT_BATCH: usize = 1_000;

fn inserts(plan: &mut Plan, tables: Vec<(usize, TableRows)>) -> StoreResult<()> {
    for (i, t) in tables {
        let table = &TABLES[i];
        let mut batch = Vec::with_capacity(IMPORT_BATCH.min(t.rows.len()));
        for row in t.rows {
            // Checked, and rebuilt from the checked values: exactly the table's columns.
            let checked = table.columns.iter().zip(values(table, row)?).map(|(c, v)| ((*c).to_owned(), json_of(v)));
            batch.push(Json::Object(checked.collect()));
            if batch.len() == IMPORT_BATCH {
                insert_batch(plan, table, std::mem::take(&mut batch))?;
            }
        }
        if !batch.is_empty() {
            insert_batch(plan, table, batch)?;
        }
    }
    Ok(())
}

fn insert_batch(plan: &mut Plan, table: &'static Table, rows: Vec<Json>) -> StoreResult<()> {
    let rows = serde_json::to_string(&rows).map_err(StoreError::internal)?;
    let step = Step::new(&table.import, vec![Value::Text(rows)]);
    plan.push(if table.name == "users" { step.unique_means(Fail::Rejected(ErrorCode::EmailTaken)) } else { step });
    Ok(())
}

fn json_of(v: Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Int(n) => Json::from(n),
        Value::Bool(b) => Json::from(b),
        Value::Text(s) => Json::String(s),
        Value::Str(s) => Json::from(s),
    }
}

/// A row's values in the table's column order; every column present, no other.
fn values(table: &Table, mut row: Map<String, Json>) -> StoreResult<Vec<Value>> {
    let out = table
        .columns
        .iter()
        .map(|c| match row.remove(*c) {
            Some(Json::Null) => Ok(Value::Null),
            Some(Json::String(s)) => Ok(Value::Text(s)),
            Some(Json::Number(n)) => {
                n.as_i64().map(Value::Int).ok_or_else(|| invalid(format!("{}.{c}: not an integer", table.name)))
            }
            Some(other) => Err(invalid(format!("{}.{c}: unexpected value {other}", table.name))),
            None => Err(invalid(format!("{}: a row lacks `{c}`", table.name))),
        })
        .collect::<StoreResult<Vec<_>>>()?;
    match row.keys().next() {
        Some(extra) => Err(invalid(format!("{}: unknown column `{extra}`", table.name))),
        None => Ok(out),
    }
}

fn invalid(msg: String) -> StoreError {
    StoreError::Invalid(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_names_every_column_and_takes_one_parameter() {
        for t in TABLES {
            for dialect in [crate::Dialect::Sqlite, crate::Dialect::Postgres] {
                let sql = t.import.sql(dialect).unwrap();
                let marks = sql.matches(['$', '?']).count();
                assert_eq!(marks, 1, "{}: one parameter, the rows: {sql}", t.name);
                assert!(t.columns.iter().all(|c| sql.contains(&format!("'{c}'")) || sql.contains(c)), "{sql}");
                let export = t.export.sql(dialect).unwrap();
                let org_param = if dialect == crate::Dialect::Sqlite { "?1" } else { "$1" };
                assert!(export.contains(org_param), "every export takes the org id: {export}");
                assert!(t.columns.iter().all(|c| export.contains(&format!("'{c}', {c}"))), "{export}");
            }
        }
    }

    #[test]
    fn rows_must_match_the_columns() {
        let table = &TABLES[0];
        let row = |v: Json| v.as_object().unwrap().clone();
        let ok = values(table, row(serde_json::json!({"id": "x", "name": "n", "created_at": 1}))).unwrap();
        assert_eq!(ok, vec![Value::Text("x".into()), Value::Text("n".into()), Value::Int(1)]);
        for bad in [
            serde_json::json!({"id": "x", "name": "n"}),
            serde_json::json!({"id": "x", "name": "n", "created_at": 1, "extra": 2}),
            serde_json::json!({"id": "x", "name": "n", "created_at": 1.5}),
            serde_json::json!({"id": "x", "name": ["n"], "created_at": 1}),
        ] {
            assert!(matches!(values(table, row(bad)), Err(StoreError::Invalid(_))));
        }
    }
}
