//! Dashboards of a workspace: the widgets stored as one JSON document, replaced whole under a
//! version (a write over another version is a conflict carrying the stored dashboard).

use sunday_store::{StoreError, StoreResult};
use sunday_types::{
    dashboards::{Dashboard, Widget},
    DashboardId, ErrorCode, WorkspaceId,
};

use crate::{args, stmt, Plan, Query, Refusal, SqlRow, Step, Stmt, Value};

macro_rules! dashboard_cols {
    () => {
        "d.id, d.org_id, d.workspace_id, d.name, d.widgets, d.version, d.created_by, d.created_at, d.updated_at"
    };
}

fn dashboard(r: &dyn SqlRow) -> StoreResult<Dashboard> {
    let widgets: Vec<Widget> = serde_json::from_str(r.text(4)?).map_err(StoreError::internal)?;
    Ok(Dashboard {
        id: r.id(0)?,
        org_id: r.id(1)?,
        workspace_id: r.id(2)?,
        name: r.string(3)?,
        widgets,
        version: r.int(5)?,
        created_by: r.id(6)?,
        created_at: r.time(7)?,
        updated_at: r.time(8)?,
    })
}

fn dashboard_json(r: &dyn SqlRow) -> StoreResult<serde_json::Value> {
    serde_json::to_value(dashboard(r)?).map_err(StoreError::internal)
}

static LIST: Stmt =
    stmt!("SELECT ", dashboard_cols!(), " FROM dashboards d WHERE d.workspace_id = $1 ORDER BY d.created_at, d.id");
static GET: Stmt = stmt!("SELECT ", dashboard_cols!(), " FROM dashboards d WHERE d.id = $1");
static INSERT: Stmt = stmt!(
    "INSERT INTO dashboards (id, org_id, workspace_id, name, widgets, version, created_by, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
);
static UPDATE: Stmt = stmt!(
    "UPDATE dashboards SET name = $2, widgets = $3, version = $4, updated_at = $5 WHERE id = $1 AND version = $6"
);
static DELETE: Stmt = stmt!("DELETE FROM dashboards WHERE id = $1");

pub fn list(workspace: WorkspaceId) -> Query<Dashboard, Vec<Dashboard>> {
    Query::all(&LIST, args![workspace], dashboard)
}

pub fn get(id: DashboardId) -> Query<Dashboard, Option<Dashboard>> {
    Query::opt(&GET, args![id], dashboard)
}

pub fn insert(d: &Dashboard) -> StoreResult<Plan> {
    let mut plan = Plan::new();
    let params = args![
        d.id,
        d.org_id,
        d.workspace_id,
        d.name.clone(),
        Value::json(&d.widgets)?,
        d.version,
        d.created_by,
        d.created_at.timestamp_millis(),
        d.updated_at.timestamp_millis()
    ];
    plan.push(Step::new(&INSERT, params));
    Ok(plan)
}

/// Replaces the dashboard if its stored version is `expected_version`: else a version
/// conflict carrying the stored one, or `dashboard_not_found`.
pub fn update(d: &Dashboard, expected_version: i64) -> StoreResult<Plan> {
    let mut plan = Plan::new();
    let params = args![
        d.id,
        d.name.clone(),
        Value::json(&d.widgets)?,
        d.version,
        d.updated_at.timestamp_millis(),
        expected_version
    ];
    let current = Step::current(&GET, args![d.id], dashboard_json, ErrorCode::DashboardNotFound);
    plan.push(Step::changes(&UPDATE, params, Refusal::Then(Box::new(current))));
    Ok(plan)
}

pub fn delete(id: DashboardId) -> Plan {
    let mut plan = Plan::new();
    plan.push(Step::changes(&DELETE, args![id], Refusal::rejected(ErrorCode::DashboardNotFound)));
    plan
}
