//! Workspaces and their members. A conditional update reads the workspace in its
//! transaction (`FOR UPDATE` on PostgreSQL), so the version it compares is the one it then
//! bumps.

use sunday_store::{StoreError, StoreResult, WorkspaceFilter, WorkspacePatch};
use sunday_types::{
    dto::{Workspace, WorkspaceKind, WorkspaceMember},
    time::Millis,
    ErrorCode, OrgId, UserId, WorkspaceId,
};

use crate::{
    accounts::{user, user_cols},
    args,
    row::corrupt,
    stmt, Exec, Fail, Plan, Query, Rows, SqlRow, Stmt, Value,
};

/// The workspace columns, unqualified (for `RETURNING`) and of `workspaces w`.
macro_rules! workspace_cols {
    () => {
        "id, org_id, name, description, kind, version, created_by, created_at, updated_at"
    };
    (w) => {
        "w.id, w.org_id, w.name, w.description, w.kind, w.version, w.created_by, w.created_at, w.updated_at"
    };
}

fn workspace(r: &dyn SqlRow) -> StoreResult<Workspace> {
    Ok(Workspace {
        id: r.id(0)?,
        org_id: r.id(1)?,
        name: r.string(2)?,
        description: r.string(3)?,
        kind: WorkspaceKind::parse(r.text(4)?).ok_or_else(|| corrupt(4, "workspace kind"))?,
        version: r.int(5)?,
        created_by: r.id(6)?,
        created_at: r.time(7)?,
        updated_at: r.time(8)?,
    })
}

fn found(rows: Rows<'_, Workspace>) -> StoreResult<Workspace> {
    rows.next().unwrap_or(Err(StoreError::Rejected(ErrorCode::WorkspaceNotFound)))
}

static INSERT: Stmt =
    stmt!("INSERT INTO workspaces (", workspace_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");

/// The workspace with its creator as first member.
pub fn insert(w: &Workspace) -> Plan {
    let mut plan = Plan::new();
    let params = args![
        w.id,
        w.org_id,
        &w.name,
        &w.description,
        w.kind.as_str(),
        w.version,
        w.created_by,
        w.created_at.timestamp_millis(),
        w.updated_at.timestamp_millis()
    ];
    plan.push(Exec::new(&INSERT, params).into());
    plan.push(add_member(w.id, w.created_by, w.created_at.timestamp_millis()).into());
    plan
}

static GET: Stmt = stmt!("SELECT ", workspace_cols!(w), " FROM workspaces w WHERE w.id = $1");

pub fn get(id: WorkspaceId) -> Query<Workspace, Option<Workspace>> {
    Query::opt(&GET, args![id], workspace)
}

/// The listing's common part; `$4` is the user a visibility filter names.
macro_rules! list_where {
    ($visibility:expr) => {
        stmt!(
            "SELECT ",
            workspace_cols!(w),
            " FROM workspaces w WHERE w.org_id = $1 AND w.id > $2 AND (",
            $visibility,
            ") ORDER BY w.id LIMIT $3"
        )
    };
}
static LIST_ALL: Stmt = list_where!("TRUE");
static LIST_OPEN_OR_MEMBER: Stmt = list_where!(
    "w.kind = 'open' OR EXISTS (SELECT 1 FROM workspace_members m WHERE m.workspace_id = w.id AND m.user_id = $4)"
);
static LIST_MEMBER: Stmt =
    list_where!("EXISTS (SELECT 1 FROM workspace_members m WHERE m.workspace_id = w.id AND m.user_id = $4)");

/// Workspaces of `org` visible under `filter`, ordered by id, after the cursor.
pub fn list(
    org: OrgId,
    filter: WorkspaceFilter,
    after: Option<WorkspaceId>,
    limit: usize,
) -> Query<Workspace, Vec<Workspace>> {
    let mut params = args![org, after.map_or(Value::Str(""), Value::from), Value::limit(limit)];
    let stmt = match filter {
        WorkspaceFilter::All => &LIST_ALL,
        WorkspaceFilter::OpenOrMemberOf(user) => {
            params.push(user.into());
            &LIST_OPEN_OR_MEMBER
        }
        WorkspaceFilter::MemberOf(user) => {
            params.push(user.into());
            &LIST_MEMBER
        }
    };
    Query::all(stmt, params, workspace)
}

static CURRENT: Stmt = stmt!("SELECT ", workspace_cols!(w), " FROM workspaces w WHERE w.id = $1{| FOR UPDATE}");

/// The workspace as an update in this transaction must compare it; read it first, then run
/// [`update`].
pub fn current(id: WorkspaceId) -> Query<Workspace, Workspace> {
    Query::new(&CURRENT, args![id], workspace, found)
}

static UPDATE: Stmt = stmt!(
    "UPDATE workspaces SET name = coalesce($2, name), description = coalesce($3, description),
     kind = coalesce($4, kind), version = version + 1, updated_at = $5 WHERE id = $1
     RETURNING ",
    workspace_cols!()
);

/// Applies the patch to `current`, bumping its version, and answers the updated workspace;
/// `VersionConflict` (with `current`) when the patch expects another version.
pub fn update(current: &Workspace, p: &WorkspacePatch, now: Millis) -> StoreResult<Query<Workspace, Workspace>> {
    if p.expected_version.is_some_and(|v| v != current.version) {
        return Err(StoreError::VersionConflict(serde_json::to_value(current).map_err(StoreError::internal)?));
    }
    let params = args![current.id, p.name.clone(), p.description.clone(), p.kind.map(WorkspaceKind::as_str), now];
    Ok(Query::new(&UPDATE, params, workspace, found))
}

/// Never with boards in it: the boards' deletions are the board service's (events, engines),
/// and a board created meanwhile must not be swept away by the workspace's cascade.
static DELETE: Stmt =
    stmt!("DELETE FROM workspaces WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM boards b WHERE b.workspace_id = $1)");

pub fn delete(id: WorkspaceId) -> Exec {
    Exec::new(&DELETE, args![id])
}

static IS_MEMBER: Stmt =
    stmt!("SELECT EXISTS (SELECT 1 FROM workspace_members WHERE workspace_id = $1 AND user_id = $2)");

pub fn is_member(ws: WorkspaceId, user: UserId) -> Query<bool, bool> {
    Query::one(&IS_MEMBER, args![ws, user], |r| r.bool(0))
}

static ADD_MEMBER: Stmt = stmt!("INSERT INTO workspace_members (workspace_id, user_id, added_at) VALUES ($1, $2, $3)");

/// `AlreadyMember` when present.
pub fn add_member(ws: WorkspaceId, user: UserId, now: Millis) -> Exec {
    Exec::new(&ADD_MEMBER, args![ws, user, now]).unique_means(Fail::Rejected(ErrorCode::AlreadyMember))
}

static REMOVE_MEMBER: Stmt = stmt!("DELETE FROM workspace_members WHERE workspace_id = $1 AND user_id = $2");

pub fn remove_member(ws: WorkspaceId, user: UserId) -> Exec {
    Exec::new(&REMOVE_MEMBER, args![ws, user])
}

static MEMBERS: Stmt = stmt!(
    "SELECT ",
    user_cols!(),
    ", m.added_at FROM workspace_members m JOIN users u ON u.id = m.user_id
     WHERE m.workspace_id = $1 ORDER BY m.added_at, u.id"
);

pub fn members(ws: WorkspaceId) -> Query<WorkspaceMember, Vec<WorkspaceMember>> {
    Query::all(&MEMBERS, args![ws], |r| Ok(WorkspaceMember { user: user(r, 0)?, added_at: r.time(4)? }))
}
