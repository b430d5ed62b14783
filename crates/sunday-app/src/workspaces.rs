//! Workspaces: folders of boards inside an organization, open to every member or closed to
//! their own members. Every lookup checks the caller's membership of the workspace's
//! organization first, so another organization's workspace is `workspace_not_found`.

use std::sync::Arc;

use sunday_domain::{
    permissions,
    text::{parse_name, parse_text},
};
use sunday_store::{BoardFilter, Store, WorkspaceFilter, WorkspacePatch};
use sunday_types::{
    dto::{
        CreateWorkspaceRequest, Page, Role, Scope, UpdateWorkspaceRequest, Workspace, WorkspaceKind, WorkspaceMember,
    },
    time::{now_millis, to_datetime},
    ApiError, ErrorCode, OrgId, UserId, WorkspaceId,
};

use crate::{boards::BoardService, cursor, directory::Directory, Actor};

#[derive(Clone)]
pub struct WorkspaceService {
    store: Arc<dyn Store>,
    directory: Directory,
    boards: BoardService,
}

/// The version a conditional write expects: from `If-Match` or the body's
/// `expected_version`; both may be sent only when they agree.
pub fn expected_version(if_match: Option<i64>, body: Option<i64>) -> Result<Option<i64>, ApiError> {
    match (if_match, body) {
        (Some(a), Some(b)) if a != b => Err(ApiError::validation(
            "expected_version",
            "matches_if_match",
            "`If-Match` and `expected_version` disagree",
        )),
        (a, b) => Ok(a.or(b)),
    }
}

fn not_found() -> ApiError {
    ApiError::of(ErrorCode::WorkspaceNotFound)
}

impl WorkspaceService {
    pub fn new(store: Arc<dyn Store>, directory: Directory, boards: BoardService) -> Self {
        WorkspaceService { store, directory, boards }
    }

    /// The organization a request targets: the one named, or the caller's first.
    async fn org_for(&self, actor: &Actor, org: Option<OrgId>) -> Result<(OrgId, Role), ApiError> {
        match org {
            Some(org) => {
                let role = self
                    .directory
                    .role_in(org, actor.user_id)
                    .await?
                    .ok_or_else(|| ApiError::of(ErrorCode::OrgNotFound))?;
                Ok((org, role))
            }
            None => self.directory.first_org(actor.user_id).await?.ok_or_else(|| ApiError::of(ErrorCode::OrgNotFound)),
        }
    }

    /// The workspace if the actor may see it, with their org role and workspace membership.
    pub(crate) async fn visible(&self, actor: &Actor, id: WorkspaceId) -> Result<(Workspace, Role, bool), ApiError> {
        let ws = self.store.workspace(id).await?.ok_or_else(not_found)?;
        let role = self.directory.role_in(ws.org_id, actor.user_id).await?.ok_or_else(not_found)?;
        let member = self.store.is_workspace_member(id, actor.user_id).await?;
        if !permissions::can_see_workspace(role, ws.kind, member) {
            return Err(not_found());
        }
        Ok((ws, role, member))
    }

    pub(crate) async fn editable(&self, actor: &Actor, id: WorkspaceId) -> Result<Workspace, ApiError> {
        actor.require_scope(Scope::Write)?;
        let (ws, role, member) = self.visible(actor, id).await?;
        if !permissions::can_edit_workspace(role, member) {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "only the workspace's members and the organization's admins change it",
            ));
        }
        Ok(ws)
    }

    pub async fn list(
        &self,
        actor: &Actor,
        org: Option<OrgId>,
        after: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Page<Workspace>, ApiError> {
        let (org, role) = self.org_for(actor, org).await?;
        let limit = cursor::limit(limit)?;
        let after: Option<WorkspaceId> = cursor::decode(after)?;
        let filter = match role {
            Role::Owner | Role::Admin => WorkspaceFilter::All,
            Role::Guest => WorkspaceFilter::MemberOf(actor.user_id),
            Role::Member | Role::Viewer => WorkspaceFilter::OpenOrMemberOf(actor.user_id),
        };
        let rows = self.store.workspaces(org, filter, after, limit + 1).await?;
        let (data, next_cursor) = cursor::page(rows, limit, |w| w.id);
        Ok(Page { data, next_cursor })
    }

    #[tracing::instrument(skip_all)]
    pub async fn create(&self, actor: &Actor, req: CreateWorkspaceRequest) -> Result<Workspace, ApiError> {
        actor.require_scope(Scope::Write)?;
        let (org, role) = self.org_for(actor, req.org_id).await?;
        if !permissions::can_create_workspace(role) {
            return Err(ApiError::new(ErrorCode::Forbidden, "viewers and guests cannot create workspaces"));
        }
        let now = to_datetime(now_millis());
        let ws = Workspace {
            id: WorkspaceId::new(),
            org_id: org,
            name: parse_name("name", &req.name, 100)?,
            description: parse_text("description", req.description.as_deref().unwrap_or(""), 2000)?,
            kind: req.kind.unwrap_or(WorkspaceKind::Open),
            version: 1,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
        };
        self.store.insert_workspace(&ws).await?;
        tracing::info!(workspace_id = %ws.id, org_id = %org, "workspace created");
        Ok(ws)
    }

    pub async fn get(&self, actor: &Actor, id: WorkspaceId) -> Result<Workspace, ApiError> {
        Ok(self.visible(actor, id).await?.0)
    }

    /// `if_match` (header) and `expected_version` (body) both make the write conditional; when
    /// both are sent they must agree.
    pub async fn update(
        &self,
        actor: &Actor,
        id: WorkspaceId,
        req: UpdateWorkspaceRequest,
        if_match: Option<i64>,
    ) -> Result<Workspace, ApiError> {
        self.editable(actor, id).await?;
        let expected_version = expected_version(if_match, req.expected_version)?;
        let patch = WorkspacePatch {
            name: req.name.as_deref().map(|n| parse_name("name", n, 100)).transpose()?,
            description: req.description.as_deref().map(|d| parse_text("description", d, 2000)).transpose()?,
            kind: req.kind,
            expected_version,
        };
        Ok(self.store.update_workspace(id, &patch, now_millis()).await?)
    }

    /// Deletes the workspace: its creator or the organization's admins. It must hold no
    /// boards, unless `with_boards`, when each of its boards is deleted first as a board is (the
    /// deleter must be allowed to delete every one; nothing is deleted otherwise).
    pub async fn delete(&self, actor: &Actor, id: WorkspaceId, with_boards: bool) -> Result<(), ApiError> {
        let ws = self.editable(actor, id).await?;
        let role = self.directory.role_in(ws.org_id, actor.user_id).await?.unwrap_or(Role::Viewer);
        if !permissions::can_delete_workspace(role, ws.created_by == actor.user_id) {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "only the workspace's creator and the organization's admins delete it",
            ));
        }
        let boards = self.store.boards(ws.org_id, Some(id), BoardFilter::All, None, 10_000).await?;
        if !boards.is_empty() {
            if !with_boards {
                return Err(ApiError::of(ErrorCode::WorkspaceNotEmpty));
            }
            // Check every board before deleting any, so a refusal deletes nothing.
            for b in &boards {
                let access = self.boards.access_for_write(actor, b.id).await.map_err(|_| {
                    ApiError::new(ErrorCode::Forbidden, "the workspace holds boards you may not delete")
                })?;
                access.require_owner().map_err(|_| {
                    ApiError::new(ErrorCode::Forbidden, "the workspace holds boards you may not delete")
                })?;
            }
            for b in &boards {
                self.boards.delete_board(actor, b.id).await?;
            }
        }
        if !self.store.delete_workspace(id).await? {
            // A board arrived meanwhile: it stays, and so does its workspace.
            return Err(ApiError::of(ErrorCode::WorkspaceNotEmpty));
        }
        Ok(())
    }

    pub async fn members(&self, actor: &Actor, id: WorkspaceId) -> Result<Vec<WorkspaceMember>, ApiError> {
        self.visible(actor, id).await?;
        Ok(self.store.workspace_members(id).await?)
    }

    /// Adds a member of the same organization to the workspace.
    pub async fn add_member(&self, actor: &Actor, id: WorkspaceId, user: UserId) -> Result<WorkspaceMember, ApiError> {
        let ws = self.editable(actor, id).await?;
        if self.store.role_in(ws.org_id, user).await?.is_none() {
            return Err(ApiError::new(
                ErrorCode::MemberNotFound,
                "the user is not a member of this workspace's organization",
            ));
        }
        let now = now_millis();
        self.store.add_workspace_member(id, user, now).await?;
        let user = self.store.user(user).await?.ok_or_else(|| ApiError::of(ErrorCode::UserNotFound))?;
        Ok(WorkspaceMember { user, added_at: to_datetime(now) })
    }

    pub async fn remove_member(&self, actor: &Actor, id: WorkspaceId, user: UserId) -> Result<(), ApiError> {
        if user != actor.user_id {
            self.editable(actor, id).await?;
        } else {
            actor.require_scope(Scope::Write)?;
            self.visible(actor, id).await?;
        }
        if self.store.remove_workspace_member(id, user).await? {
            Ok(())
        } else {
            Err(ApiError::of(ErrorCode::MemberNotFound))
        }
    }
}
