//! Workspaces and their members.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sunday_store::{StoreError, StoreResult, WorkspaceFilter, WorkspacePatch};
use sunday_types::{
    dto::{Workspace, WorkspaceMember},
    time::{to_datetime, Millis},
    ErrorCode, OrgId, UserId, WorkspaceId,
};

use crate::rows::{self, db_err, is_unique_violation, USER_COLS, WORKSPACE_COLS};

pub fn insert(tx: &Transaction<'_>, w: &Workspace) -> StoreResult<()> {
    tx.execute(
        &format!(
            "INSERT INTO workspaces ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            WORKSPACE_COLS.replace("w.", "")
        ),
        params![
            w.id.to_string(),
            w.org_id.to_string(),
            w.name,
            w.description,
            w.kind.as_str(),
            w.version,
            w.created_by.to_string(),
            w.created_at.timestamp_millis(),
            w.updated_at.timestamp_millis()
        ],
    )
    .map_err(db_err)?;
    add_member(tx, w.id, w.created_by, w.created_at.timestamp_millis())
}

pub fn get(c: &Connection, id: WorkspaceId) -> StoreResult<Option<Workspace>> {
    c.prepare_cached(&format!("SELECT {WORKSPACE_COLS} FROM workspaces w WHERE w.id = ?1"))
        .and_then(|mut s| s.query_row([id.to_string()], rows::workspace).optional())
        .map_err(db_err)
}

pub fn list(
    c: &Connection,
    org: OrgId,
    filter: WorkspaceFilter,
    after: Option<WorkspaceId>,
    limit: usize,
) -> StoreResult<Vec<Workspace>> {
    let is_member = "EXISTS (SELECT 1 FROM workspace_members m WHERE m.workspace_id = w.id AND m.user_id = ?4)";
    let (visibility, user) = match filter {
        WorkspaceFilter::All => ("1 = 1 OR ?4 IS NULL".to_owned(), None),
        WorkspaceFilter::OpenOrMemberOf(u) => (format!("w.kind = 'open' OR {is_member}"), Some(u.to_string())),
        WorkspaceFilter::MemberOf(u) => (is_member.to_owned(), Some(u.to_string())),
    };
    let sql = format!(
        "SELECT {WORKSPACE_COLS} FROM workspaces w
         WHERE w.org_id = ?1 AND w.id > ?2 AND ({visibility}) ORDER BY w.id LIMIT ?3"
    );
    let after = after.map(|a| a.to_string()).unwrap_or_default();
    c.prepare_cached(&sql)
        .and_then(|mut s| s.query_map(params![org.to_string(), after, limit as i64, user], rows::workspace)?.collect())
        .map_err(db_err)
}

pub fn update(tx: &Transaction<'_>, id: WorkspaceId, p: &WorkspacePatch, now: Millis) -> StoreResult<Workspace> {
    let current = get(tx, id)?.ok_or(StoreError::Rejected(ErrorCode::WorkspaceNotFound))?;
    if p.expected_version.is_some_and(|v| v != current.version) {
        return Err(StoreError::VersionConflict(serde_json::to_value(&current).map_err(StoreError::internal)?));
    }
    tx.execute(
        "UPDATE workspaces SET name = coalesce(?2, name), description = coalesce(?3, description),
         kind = coalesce(?4, kind), version = version + 1, updated_at = ?5 WHERE id = ?1",
        params![id.to_string(), p.name, p.description, p.kind.map(|k| k.as_str()), now],
    )
    .map_err(db_err)?;
    get(tx, id)?.ok_or(StoreError::Rejected(ErrorCode::WorkspaceNotFound))
}

pub fn delete(c: &Connection, id: WorkspaceId) -> StoreResult<bool> {
    c.execute("DELETE FROM workspaces WHERE id = ?1", [id.to_string()]).map(|n| n > 0).map_err(db_err)
}

pub fn is_member(c: &Connection, ws: WorkspaceId, user: UserId) -> StoreResult<bool> {
    c.prepare_cached("SELECT EXISTS (SELECT 1 FROM workspace_members WHERE workspace_id = ?1 AND user_id = ?2)")
        .and_then(|mut s| s.query_row([ws.to_string(), user.to_string()], |r| r.get(0)))
        .map_err(db_err)
}

pub fn add_member(c: &Connection, ws: WorkspaceId, user: UserId, now: Millis) -> StoreResult<()> {
    c.execute(
        "INSERT INTO workspace_members (workspace_id, user_id, added_at) VALUES (?1, ?2, ?3)",
        params![ws.to_string(), user.to_string(), now],
    )
    .map_err(|e| if is_unique_violation(&e) { StoreError::Rejected(ErrorCode::AlreadyMember) } else { db_err(e) })?;
    Ok(())
}

pub fn remove_member(c: &Connection, ws: WorkspaceId, user: UserId) -> StoreResult<bool> {
    c.execute(
        "DELETE FROM workspace_members WHERE workspace_id = ?1 AND user_id = ?2",
        [ws.to_string(), user.to_string()],
    )
    .map(|n| n > 0)
    .map_err(db_err)
}

pub fn members(c: &Connection, ws: WorkspaceId) -> StoreResult<Vec<WorkspaceMember>> {
    c.prepare_cached(&format!(
        "SELECT {USER_COLS}, m.added_at FROM workspace_members m JOIN users u ON u.id = m.user_id
         WHERE m.workspace_id = ?1 ORDER BY m.added_at, u.id"
    ))
    .and_then(|mut s| {
        s.query_map([ws.to_string()], |r| {
            Ok(WorkspaceMember { user: rows::user(r, 0)?, added_at: to_datetime(r.get(4)?) })
        })?
        .collect()
    })
    .map_err(db_err)
}
