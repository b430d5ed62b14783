//! Automations (recipes) and their runs: the rows, the writes a commit lowers them to, and
//! the reads.
//!
//! A recipe's trigger, conditions and actions are one JSON document (`recipe`), typed on
//! both sides of the store ([`Recipe`]); a run is its indexed columns plus the whole run as a
//! document (`detail`). Run ids are derived from the recipe and the triggering event, so the
//! insert of a run the automation consumer already recorded (a retry after a crash) changes
//! nothing.

use serde_json::Value as Json;
use sunday_store::{StoreError, StoreResult};
use sunday_types::{
    automations::{Automation, AutomationRun, Recipe},
    AutomationId, BoardId, ErrorCode, ItemId, RunId,
};

use crate::{args, stmt, Plan, Query, Refusal, SqlRow, Step, Stmt, Value};

macro_rules! automation_cols {
    () => {
        "a.id, a.board_id, a.name, a.recipe, a.enabled, a.paused_reason, a.failures, a.version, a.created_by, \
         a.created_at, a.updated_at"
    };
}

fn automation(r: &dyn SqlRow) -> StoreResult<Automation> {
    let recipe: Recipe = serde_json::from_str(r.text(3)?).map_err(StoreError::internal)?;
    let enabled = r.int(4)? != 0;
    let paused_reason = r.opt_string(5)?;
    Ok(Automation {
        id: r.id(0)?,
        board_id: r.id(1)?,
        name: r.string(2)?,
        recipe,
        enabled,
        state: Automation::state_of(enabled, paused_reason.as_deref()),
        paused_reason,
        failures: u32::try_from(r.int(6)?).unwrap_or(u32::MAX),
        version: r.int(7)?,
        created_by: r.id(8)?,
        created_at: r.time(9)?,
        updated_at: r.time(10)?,
    })
}

fn automation_json(r: &dyn SqlRow) -> StoreResult<Json> {
    serde_json::to_value(automation(r)?).map_err(StoreError::internal)
}

fn run(r: &dyn SqlRow) -> StoreResult<AutomationRun> {
    serde_json::from_str(r.text(0)?).map_err(StoreError::internal)
}

static AUTOMATIONS: Stmt =
    stmt!("SELECT ", automation_cols!(), " FROM automations a WHERE a.board_id = $1 ORDER BY a.created_at, a.id");
static AUTOMATION: Stmt = stmt!("SELECT ", automation_cols!(), " FROM automations a WHERE a.id = $1");
static SCHEDULED: Stmt = stmt!(
    "SELECT ",
    automation_cols!(),
    ", a.scheduled_through FROM automations a WHERE a.scheduled_through IS NOT NULL ORDER BY a.board_id, a.id"
);
static RUNS_OF_AUTOMATION: Stmt = stmt!(
    "SELECT detail FROM automation_runs WHERE automation_id = $1
     AND (started_at < $2 OR (started_at = $2 AND id < $3)) ORDER BY started_at DESC, id DESC LIMIT $4"
);
static RUNS_OF_ITEM: Stmt = stmt!(
    "SELECT detail FROM automation_runs WHERE item_id = $1
     AND (started_at < $2 OR (started_at = $2 AND id < $3)) ORDER BY started_at DESC, id DESC LIMIT $4"
);
static RUN: Stmt = stmt!("SELECT detail FROM automation_runs WHERE id = $1");

pub fn automations(board: BoardId) -> Query<Automation, Vec<Automation>> {
    Query::all(&AUTOMATIONS, args![board], automation)
}

pub fn automation_by_id(id: AutomationId) -> Query<Automation, Option<Automation>> {
    Query::opt(&AUTOMATION, args![id], automation)
}

/// Recipes with a date or periodic trigger, each with the instant its occurrences were
/// handled up to.
pub fn scheduled() -> Query<(Automation, i64), Vec<(Automation, i64)>> {
    Query::all(&SCHEDULED, args![], |r| Ok((automation(r)?, r.int(11)?)))
}

/// Where a page of runs starts: before this `(started_at millis, id)`, newest first.
pub type RunCursor = (i64, RunId);

/// The newest runs of a recipe (or of an item, across recipes), before the cursor.
pub fn runs(
    of: sunday_store::RunsOf,
    before: Option<RunCursor>,
    limit: usize,
) -> Query<AutomationRun, Vec<AutomationRun>> {
    // The greatest id sorts after every real one: a page without a cursor starts at the top.
    let (at, id) = before.unwrap_or((i64::MAX, RunId(uuid::Uuid::max())));
    match of {
        sunday_store::RunsOf::Automation(a) => {
            Query::all(&RUNS_OF_AUTOMATION, args![a, at, id, Value::limit(limit)], run)
        }
        sunday_store::RunsOf::Item(i) => Query::all(&RUNS_OF_ITEM, args![i, at, id, Value::limit(limit)], run),
    }
}

pub fn run_by_id(id: RunId) -> Query<AutomationRun, Option<AutomationRun>> {
    Query::opt(&RUN, args![id], run)
}

static INSERT: Stmt = stmt!(
    "INSERT INTO automations (id, board_id, name, recipe, enabled, paused_reason, failures, version, created_by,
     created_at, updated_at, scheduled_through) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
);
static UPDATE: Stmt = stmt!(
    "UPDATE automations SET name = $3, recipe = $4, enabled = $5, paused_reason = $6, failures = $7, version = $8,
     updated_at = $9, scheduled_through = CASE WHEN CAST($11 AS BIGINT) IS NULL THEN NULL ELSE coalesce(scheduled_through, $11) END
     WHERE id = $1 AND board_id = $2 AND version = $10"
);
static DELETE: Stmt = stmt!("DELETE FROM automations WHERE id = $1 AND board_id = $2");
/// Moves a scheduled recipe's window forward (never back; a recipe no longer scheduled stays
/// unscheduled).
static ADVANCE: Stmt = stmt!(
    "UPDATE automations SET scheduled_through = $2 WHERE id = $1 AND scheduled_through IS NOT NULL
     AND scheduled_through < $2"
);
/// A run's outcome on its recipe: the failure count, and a pause once it reached the limit
/// (a recipe deleted meanwhile is left deleted).
static SET_HEALTH: Stmt = stmt!(
    "UPDATE automations SET failures = $2, paused_reason = coalesce($3, paused_reason), version = version + 1
     WHERE id = $1"
);
static INSERT_RUN: Stmt = stmt!(
    "INSERT INTO automation_runs (id, automation_id, board_id, item_id, event_seq, status, detail, started_at)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM automations WHERE id = $2)
     ON CONFLICT (id) DO NOTHING"
);

/// `$1`–`$8` of insert and update.
fn params(a: &Automation) -> StoreResult<Vec<Value>> {
    Ok(args![
        a.id,
        a.board_id,
        a.name.clone(),
        Value::json(&a.recipe)?,
        i64::from(a.enabled),
        a.paused_reason.clone(),
        i64::from(a.failures),
        a.version
    ])
}

pub fn insert(plan: &mut Plan, a: &Automation) -> StoreResult<()> {
    let mut p = params(a)?;
    // A scheduled recipe answers the clock from when it was saved.
    let through = a.recipe.trigger.is_scheduled().then(|| a.created_at.timestamp_millis());
    p.extend(args![a.created_by, a.created_at.timestamp_millis(), a.updated_at.timestamp_millis(), through]);
    plan.push(Step::new(&INSERT, p));
    Ok(())
}

/// Replaces the recipe if its stored version is `expected_version`: else a version conflict
/// carrying the stored one, or `automation_not_found`.
pub fn update(plan: &mut Plan, a: &Automation, expected_version: i64) -> StoreResult<()> {
    let mut p = params(a)?;
    // A recipe that becomes scheduled starts its window now; one that stays keeps its window.
    let through = a.recipe.trigger.is_scheduled().then(|| a.updated_at.timestamp_millis());
    p.extend(args![a.updated_at.timestamp_millis(), expected_version, through]);
    let current = Step::current(&AUTOMATION, args![a.id], automation_json, ErrorCode::AutomationNotFound);
    plan.push(Step::changes(&UPDATE, p, Refusal::Then(Box::new(current))));
    Ok(())
}

pub fn delete(plan: &mut Plan, id: AutomationId, board: BoardId) {
    plan.push(Step::changes(&DELETE, args![id, board], Refusal::rejected(ErrorCode::AutomationNotFound)));
}

pub fn advance_schedule(plan: &mut Plan, id: AutomationId, through: i64) {
    plan.push(Step::new(&ADVANCE, args![id, through]));
}

pub fn set_health(plan: &mut Plan, id: AutomationId, failures: u32, paused_reason: Option<String>) {
    plan.push(Step::new(&SET_HEALTH, args![id, i64::from(failures), paused_reason]));
}

/// Records a run once (a second insert of the same run id changes nothing); a run of a
/// recipe deleted meanwhile is not recorded.
pub fn insert_run(plan: &mut Plan, run: &AutomationRun) -> StoreResult<()> {
    let item: Option<ItemId> = run.item_id;
    plan.push(Step::new(
        &INSERT_RUN,
        args![
            run.id,
            run.automation_id,
            run.board_id,
            item,
            run.event_seq,
            Value::name(&run.status),
            Value::json(run)?,
            run.started_at.timestamp_millis()
        ],
    ));
    Ok(())
}
