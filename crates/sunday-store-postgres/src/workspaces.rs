//! Workspaces and their members. A conditional update reads the workspace `FOR UPDATE`, so
//! the version it compares is the one it then bumps.

use deadpool_postgres::GenericClient;
use sunday_store::{StoreError, StoreResult, WorkspaceFilter, WorkspacePatch};
use sunday_types::{
    dto::{Workspace, WorkspaceMember},
    time::{to_datetime, Millis},
    ErrorCode, OrgId, UserId, WorkspaceId,
};

use crate::rows::{self, db_err, unique_as, USER_COLS, WORKSPACE_COLS};

pub async fn insert<C: GenericClient>(tx: &C, w: &Workspace) -> StoreResult<()> {
    rows::execute(
        tx,
        "INSERT INTO workspaces (id, org_id, name, description, kind, version, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            &w.id.to_string(),
            &w.org_id.to_string(),
            &w.name,
            &w.description,
            &w.kind.as_str(),
            &w.version,
            &w.created_by.to_string(),
            &w.created_at.timestamp_millis(),
            &w.updated_at.timestamp_millis(),
        ],
    )
    .await
    .map_err(db_err)?;
    add_member(tx, w.id, w.created_by, w.created_at.timestamp_millis()).await
}

pub async fn get<C: GenericClient>(c: &C, id: WorkspaceId) -> StoreResult<Option<Workspace>> {
    let sql = format!("SELECT {WORKSPACE_COLS} FROM workspaces w WHERE w.id = $1");
    rows::query_opt(c, &sql, &[&id.to_string()]).await?.map(|r| rows::workspace(&r)).transpose()
}

pub async fn list<C: GenericClient>(
    c: &C,
    org: OrgId,
    filter: WorkspaceFilter,
    after: Option<WorkspaceId>,
    limit: usize,
) -> StoreResult<Vec<Workspace>> {
    let is_member = "EXISTS (SELECT 1 FROM workspace_members m WHERE m.workspace_id = w.id AND m.user_id = $4)";
    let (visibility, user) = match filter {
        WorkspaceFilter::All => (String::from("TRUE"), None),
        WorkspaceFilter::OpenOrMemberOf(u) => (format!("w.kind = 'open' OR {is_member}"), Some(u.to_string())),
        WorkspaceFilter::MemberOf(u) => (is_member.to_owned(), Some(u.to_string())),
    };
    let sql = format!(
        "SELECT {WORKSPACE_COLS} FROM workspaces w
         WHERE w.org_id = $1 AND w.id > $2 AND ({visibility}) ORDER BY w.id LIMIT $3"
    );
    let (org, after) = (org.to_string(), after.map(|a| a.to_string()).unwrap_or_default());
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let found = match &user {
        // Without a user the statement has no `$4`: PostgreSQL could not infer its type.
        None => rows::query(c, &sql, &[&org, &after, &limit]).await?,
        Some(user) => rows::query(c, &sql, &[&org, &after, &limit, user]).await?,
    };
    found.iter().map(rows::workspace).collect()
}

pub async fn update<C: GenericClient>(
    tx: &C,
    id: WorkspaceId,
    p: &WorkspacePatch,
    now: Millis,
) -> StoreResult<Workspace> {
    let sql = format!("SELECT {WORKSPACE_COLS} FROM workspaces w WHERE w.id = $1 FOR UPDATE");
    let current = rows::query_opt(tx, &sql, &[&id.to_string()])
        .await?
        .map(|r| rows::workspace(&r))
        .transpose()?
        .ok_or(StoreError::Rejected(ErrorCode::WorkspaceNotFound))?;
    if p.expected_version.is_some_and(|v| v != current.version) {
        return Err(StoreError::VersionConflict(serde_json::to_value(&current).map_err(StoreError::internal)?));
    }
    let sql = format!(
        "UPDATE workspaces w SET name = coalesce($2, w.name), description = coalesce($3, w.description),
         kind = coalesce($4, w.kind), version = w.version + 1, updated_at = $5 WHERE w.id = $1
         RETURNING {WORKSPACE_COLS}"
    );
    let kind = p.kind.map(|k| k.as_str());
    rows::query_opt(tx, &sql, &[&id.to_string(), &p.name, &p.description, &kind, &now])
        .await?
        .map(|r| rows::workspace(&r))
        .transpose()?
        .ok_or(StoreError::Rejected(ErrorCode::WorkspaceNotFound))
}

pub async fn delete<C: GenericClient>(c: &C, id: WorkspaceId) -> StoreResult<bool> {
    rows::execute(c, "DELETE FROM workspaces WHERE id = $1", &[&id.to_string()]).await.map(|n| n > 0).map_err(db_err)
}

pub async fn is_member<C: GenericClient>(c: &C, ws: WorkspaceId, user: UserId) -> StoreResult<bool> {
    let sql = "SELECT EXISTS (SELECT 1 FROM workspace_members WHERE workspace_id = $1 AND user_id = $2)";
    let r = rows::query_one(c, sql, &[&ws.to_string(), &user.to_string()]).await?;
    rows::get(&r, 0)
}

pub async fn add_member<C: GenericClient>(c: &C, ws: WorkspaceId, user: UserId, now: Millis) -> StoreResult<()> {
    rows::execute(
        c,
        "INSERT INTO workspace_members (workspace_id, user_id, added_at) VALUES ($1, $2, $3)",
        &[&ws.to_string(), &user.to_string(), &now],
    )
    .await
    .map_err(unique_as(ErrorCode::AlreadyMember))?;
    Ok(())
}

pub async fn remove_member<C: GenericClient>(c: &C, ws: WorkspaceId, user: UserId) -> StoreResult<bool> {
    rows::execute(
        c,
        "DELETE FROM workspace_members WHERE workspace_id = $1 AND user_id = $2",
        &[&ws.to_string(), &user.to_string()],
    )
    .await
    .map(|n| n > 0)
    .map_err(db_err)
}

pub async fn members<C: GenericClient>(c: &C, ws: WorkspaceId) -> StoreResult<Vec<WorkspaceMember>> {
    let sql = format!(
        "SELECT {USER_COLS}, m.added_at FROM workspace_members m JOIN users u ON u.id = m.user_id
         WHERE m.workspace_id = $1 ORDER BY m.added_at, u.id"
    );
    rows::query(c, &sql, &[&ws.to_string()])
        .await?
        .iter()
        .map(|r| Ok(WorkspaceMember { user: rows::user(r, 0)?, added_at: to_datetime(rows::get(r, 4)?) }))
        .collect()
}
