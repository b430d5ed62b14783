//! Who may do what on a board. A board the actor may not see is `board_not_found`, exactly
//! as if it did not exist.

use sunday_domain::permissions;
use sunday_types::{
    boards::{Board, BoardPermission},
    dto::{Role, Scope},
    ApiError, BoardId, ErrorCode, UserId,
};

use super::BoardService;
use crate::Actor;

/// A board with the actor's effective permission on it.
pub struct Access {
    pub board: Board,
    pub permission: BoardPermission,
    pub role: Role,
}

fn not_found() -> ApiError {
    ApiError::of(ErrorCode::BoardNotFound)
}

impl Access {
    pub fn require_content(&self) -> Result<(), ApiError> {
        if permissions::can_edit_content(self.permission) {
            Ok(())
        } else {
            Err(ApiError::new(ErrorCode::Forbidden, "you can view this board but not edit it"))
        }
    }

    pub fn require_structure(&self) -> Result<(), ApiError> {
        if permissions::can_edit_structure(self.permission) {
            Ok(())
        } else {
            Err(ApiError::new(ErrorCode::Forbidden, "changing columns, groups and views needs the edit_all permission"))
        }
    }

    pub fn require_owner(&self) -> Result<(), ApiError> {
        if permissions::can_manage_board(self.permission) {
            Ok(())
        } else {
            Err(ApiError::new(ErrorCode::Forbidden, "only the board's owners manage it"))
        }
    }
}

impl BoardService {
    /// The board and the actor's permission on it; a subitem board inherits its top board's.
    pub async fn access(&self, actor: &Actor, id: BoardId) -> Result<Access, ApiError> {
        match actor.credentials {
            crate::Credentials::Automation { org_id } => self.automation_access(org_id, id).await,
            _ => self.access_of(actor.user_id, id).await,
        }
    }

    /// An automation acts on any board of its organization with an owner's rights: a recipe
    /// belongs to its board, not to the person who made it, so it keeps working when they
    /// leave (who may make recipes, and on which boards they act, is checked when saved).
    async fn automation_access(&self, org: sunday_types::OrgId, id: BoardId) -> Result<Access, ApiError> {
        let board = self.store.board(id).await?.filter(|b| b.org_id == org).ok_or_else(not_found)?;
        Ok(Access { board, permission: BoardPermission::Owner, role: Role::Member })
    }

    /// The board and `user`'s permission on it, whoever asks (the notifier checks recipients).
    pub async fn access_of(&self, user: UserId, id: BoardId) -> Result<Access, ApiError> {
        // One read for a board at the top (the board and the user's grant on it together).
        let (board, mut grant) = self.store.board_and_grant(id, user).await?.ok_or_else(not_found)?;
        // Subitem boards, at any depth, take the permissions of the board at the top.
        let mut parent = board.parent_board_id;
        let mut top = None;
        for _ in 0..=super::subitems::MAX_LEVELS {
            let Some(id) = parent else { break };
            let (above, its_grant) = self.store.board_and_grant(id, user).await?.ok_or_else(not_found)?;
            parent = above.parent_board_id;
            (top, grant) = (Some(above), its_grant);
        }
        if parent.is_some() {
            return Err(not_found());
        }
        let governing = top.as_ref().unwrap_or(&board);
        let role = self.directory.role_in(governing.org_id, user).await?.ok_or_else(not_found)?;
        if !permissions::workspace_admits(role, grant.closed_workspace, grant.workspace_member) {
            return Err(not_found());
        }
        let permission =
            permissions::board_permission(role, governing.kind, governing.default_permission, grant.explicit)
                .ok_or_else(not_found)?;
        Ok(Access { board, permission, role })
    }

    /// Access for a write: the credential must allow writing too.
    pub async fn access_for_write(&self, actor: &Actor, id: BoardId) -> Result<Access, ApiError> {
        actor.require_scope(Scope::Write)?;
        self.access(actor, id).await
    }
}
