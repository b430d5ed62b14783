//! Boards themselves: create (blank or from a template), read, list, change, delete, and
//! their members (duplicating is `super::duplicate`).

use sunday_domain::{
    permissions,
    text::{parse_name, parse_text},
};
use sunday_store::{BoardFilter, BoardWrite, NewEvent};
use sunday_types::events::*;
use sunday_types::{
    board_api::{BoardMember, CreateBoardRequest, UpdateBoardRequest},
    boards::{Board, BoardKind, BoardPermission, Column, Group},
    dto::{Page, Role, Scope},
    time::{now_millis, to_datetime},
    ApiError, BoardId, ErrorCode, OrgId, UserId, WorkspaceId,
};

use super::{templates, BoardService};
use crate::{cursor, Actor};

impl BoardService {
    pub(super) async fn workspace_for_new_board(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
    ) -> Result<(OrgId, Role), ApiError> {
        let workspace = self.store.workspace(ws).await?.ok_or_else(|| ApiError::of(ErrorCode::WorkspaceNotFound))?;
        let role = self
            .directory
            .role_in(workspace.org_id, actor.user_id)
            .await?
            .ok_or_else(|| ApiError::of(ErrorCode::WorkspaceNotFound))?;
        let member = self.store.is_workspace_member(ws, actor.user_id).await?;
        if !permissions::can_see_workspace(role, workspace.kind, member) {
            return Err(ApiError::of(ErrorCode::WorkspaceNotFound));
        }
        if !permissions::can_create_workspace(role) {
            return Err(ApiError::new(ErrorCode::Forbidden, "viewers and guests cannot create boards"));
        }
        Ok((workspace.org_id, role))
    }

    #[tracing::instrument(skip_all)]
    pub async fn create_board(&self, actor: &Actor, req: CreateBoardRequest) -> Result<Board, ApiError> {
        actor.require_scope(Scope::Write)?;
        let (org, _) = self.workspace_for_new_board(actor, req.workspace_id).await?;
        let name = parse_name("name", &req.name, 200)?;
        let description = parse_text("description", req.description.as_deref().unwrap_or(""), 5000)?;
        let spec = match req.template.as_deref() {
            Some(t) => templates::get(t).ok_or_else(|| {
                ApiError::validation(
                    "template",
                    "unknown_template",
                    format!("no template `{t}`; see GET /api/v1/templates"),
                )
            })?,
            None => templates::blank(),
        };
        let description = if description.is_empty() { spec.description.to_owned() } else { description };
        let settings =
            (req.kind.unwrap_or(BoardKind::Public), req.default_permission.unwrap_or(BoardPermission::EditAll));
        let board = Board {
            permission: Some(BoardPermission::Owner),
            ..new_board((org, req.workspace_id), name, description, settings, actor)
        };
        let (columns, groups, items) = spec.build(board.id, actor.user_id, board.created_at)?;
        let mut writes = creation_writes(&board, Some(actor), &groups, &columns);
        let mut events = vec![NewEvent::new(
            actor.user_id,
            BoardChange::BoardCreated(BoardCreated {
                template: req.template.clone(),
                columns: columns.clone(),
                groups: groups.clone(),
                ..Default::default()
            }),
        )];
        writes.extend(items.iter().cloned().map(BoardWrite::InsertItem));
        events.extend(items.iter().map(|i| {
            NewEvent::new(
                actor.user_id,
                BoardChange::ItemCreated(ItemCreated {
                    item: i.clone(),
                    imported: false,
                    duplicated_from: None,
                    moved_from: None,
                }),
            )
        }));
        self.commit(board.id, writes, events).await?;
        tracing::info!(board_id = %board.id, "board created");
        self.get_board(actor, board.id).await
    }

    pub async fn get_board(&self, actor: &Actor, id: BoardId) -> Result<Board, ApiError> {
        let access = self.access(actor, id).await?;
        let mut board = access.board;
        board.permission = Some(access.permission);
        board.columns = self.store.columns(id).await?;
        board.groups = self.store.groups(id, Some(actor.user_id)).await?;
        Ok(board)
    }

    pub async fn list_boards(
        &self,
        actor: &Actor,
        workspace: Option<WorkspaceId>,
        after: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Page<Board>, ApiError> {
        let (org, role) = match workspace {
            Some(ws) => {
                let w = self.store.workspace(ws).await?.ok_or_else(|| ApiError::of(ErrorCode::WorkspaceNotFound))?;
                let role = self
                    .directory
                    .role_in(w.org_id, actor.user_id)
                    .await?
                    .ok_or_else(|| ApiError::of(ErrorCode::WorkspaceNotFound))?;
                let member = self.store.is_workspace_member(ws, actor.user_id).await?;
                if !permissions::can_see_workspace(role, w.kind, member) {
                    return Err(ApiError::of(ErrorCode::WorkspaceNotFound));
                }
                (w.org_id, role)
            }
            None => {
                self.directory.first_org(actor.user_id).await?.ok_or_else(|| ApiError::of(ErrorCode::OrgNotFound))?
            }
        };
        self.boards_page(actor, org, role, workspace, after, limit).await
    }

    /// A page of the boards of `org` (of one workspace of it, or all) that `actor`, of `role`
    /// in it, may see.
    pub(super) async fn boards_page(
        &self,
        actor: &Actor,
        org: OrgId,
        role: Role,
        workspace: Option<WorkspaceId>,
        after: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Page<Board>, ApiError> {
        let limit = cursor::limit(limit)?;
        let after: Option<BoardId> = cursor::decode(after)?;
        let filter = match role {
            Role::Owner | Role::Admin => BoardFilter::All,
            Role::Guest => BoardFilter::MemberOf(actor.user_id),
            Role::Member | Role::Viewer => BoardFilter::PublicOrMemberOf(actor.user_id),
        };
        let mut rows = self.store.boards(org, workspace, filter, after, limit + 1).await?;
        if role == Role::Guest {
            rows.retain(|b| b.kind == BoardKind::Shareable);
        }
        let (data, next_cursor) = cursor::page(rows, limit, |b| b.id);
        Ok(Page { data, next_cursor })
    }

    pub async fn update_board(
        &self,
        actor: &Actor,
        id: BoardId,
        req: UpdateBoardRequest,
        if_match: Option<i64>,
    ) -> Result<Board, ApiError> {
        let access = self.access_for_write(actor, id).await?;
        access.require_structure()?;
        if req.kind.is_some() || req.default_permission.is_some() {
            access.require_owner()?;
        }
        let expected = crate::workspaces::expected_version(if_match, req.expected_version)?;
        let mut board = access.board;
        if expected.is_some_and(|v| v != board.version) {
            return Err(ApiError::version_conflict(&board));
        }
        let version = board.version;
        if let Some(n) = &req.name {
            board.name = parse_name("name", n, 200)?;
        }
        if let Some(d) = &req.description {
            board.description = parse_text("description", d, 5000)?;
        }
        board.kind = req.kind.unwrap_or(board.kind);
        board.default_permission = req.default_permission.unwrap_or(board.default_permission);
        let event = NewEvent::new(
            actor.user_id,
            BoardChange::BoardUpdated(BoardUpdated {
                name: Some(board.name.clone()),
                description: Some(board.description.clone()),
                kind: Some(board.kind),
                default_permission: Some(board.default_permission),
                subitem_board_id: None,
            }),
        );
        self.commit(id, vec![BoardWrite::UpdateBoard { board, expected_version: version }], vec![event]).await?;
        self.get_board(actor, id).await
    }

    pub async fn delete_board(&self, actor: &Actor, id: BoardId) -> Result<(), ApiError> {
        let access = self.access_for_write(actor, id).await?;
        access.require_owner()?;
        if access.board.parent_board_id.is_some() {
            return Err(ApiError::validation(
                "board_id",
                "subitem_board",
                "a subitem board goes with its parent board",
            ));
        }
        self.commit(id, vec![BoardWrite::DeleteBoard(id)], vec![]).await?;
        self.engine.evict(id);
        self.evict_subitem_boards(&access.board).await?;
        tracing::info!(board_id = %id, "board deleted");
        Ok(())
    }

    pub async fn board_members(&self, actor: &Actor, id: BoardId) -> Result<Vec<BoardMember>, ApiError> {
        let access = self.access(actor, id).await?;
        let governing = access.board.parent_board_id.unwrap_or(id);
        Ok(self
            .store
            .board_members(governing)
            .await?
            .into_iter()
            .map(|(user_id, permission)| BoardMember { user_id, permission })
            .collect())
    }

    pub async fn put_board_member(
        &self,
        actor: &Actor,
        id: BoardId,
        user: UserId,
        permission: BoardPermission,
    ) -> Result<BoardMember, ApiError> {
        let access = self.access_for_write(actor, id).await?;
        access.require_owner()?;
        if self.store.role_in(access.board.org_id, user).await?.is_none() {
            return Err(ApiError::new(
                ErrorCode::MemberNotFound,
                "the user is not a member of this board's organization",
            ));
        }
        let write = BoardWrite::PutMember { board: id, user, permission, at: now_millis() };
        let event =
            NewEvent::new(actor.user_id, BoardChange::BoardMemberSet(BoardMemberSet { user_id: user, permission }));
        self.commit(id, vec![write], vec![event]).await?;
        Ok(BoardMember { user_id: user, permission })
    }

    pub async fn remove_board_member(&self, actor: &Actor, id: BoardId, user: UserId) -> Result<(), ApiError> {
        let access = self.access_for_write(actor, id).await?;
        if user != actor.user_id {
            access.require_owner()?;
        }
        let event = NewEvent::new(actor.user_id, BoardChange::BoardMemberRemoved(BoardMemberRemoved { user_id: user }));
        self.commit(id, vec![BoardWrite::RemoveMember { board: id, user }], vec![event]).await?;
        Ok(())
    }
}

/// A new board of `actor`'s in a workspace of an organization, made now, of a kind and a
/// permission for everyone else: no columns, groups or events yet, no subitem board.
fn new_board(
    (org_id, workspace_id): (OrgId, WorkspaceId),
    name: String,
    description: String,
    (kind, default_permission): (BoardKind, BoardPermission),
    actor: &Actor,
) -> Board {
    let now = to_datetime(now_millis());
    Board::made((org_id, workspace_id), name, description, (kind, default_permission), (actor.user_id, now))
}

/// [`new_board`] with `from`'s settings (organization, workspace, description, kind and
/// permission) and `name`.
pub(super) fn board_like(from: &Board, name: String, actor: &Actor) -> Board {
    let settings = (from.kind, from.default_permission);
    new_board((from.org_id, from.workspace_id), name, from.description.clone(), settings, actor)
}

/// The writes that create a board: the row, its creator as owner, its groups and columns.
/// `owner` is none for a subitem board: it has no members of its own (the board at the top
/// governs it).
pub(super) fn creation_writes(
    board: &Board,
    owner: Option<&Actor>,
    groups: &[Group],
    columns: &[Column],
) -> Vec<BoardWrite> {
    let mut writes = vec![BoardWrite::InsertBoard(board.clone())];
    writes.extend(owner.map(|actor| BoardWrite::PutMember {
        board: board.id,
        user: actor.user_id,
        permission: BoardPermission::Owner,
        at: now_millis(),
    }));
    writes.extend(groups.iter().cloned().map(|group| BoardWrite::InsertGroup { board: board.id, group }));
    writes.extend(columns.iter().cloned().map(|column| BoardWrite::InsertColumn { board: board.id, column }));
    writes
}
