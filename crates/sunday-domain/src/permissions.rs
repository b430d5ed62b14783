//! Who may do what in an organization. The HTTP layer authenticates; these rules authorize.

use sunday_types::{
    boards::{BoardKind, BoardPermission},
    dto::{Role, Scope, WorkspaceKind},
};

/// Owners and admins administer the organization (members, invitations, every workspace).
pub fn can_administer(role: Role) -> bool {
    matches!(role, Role::Owner | Role::Admin)
}

/// Members and above create workspaces; viewers and guests only look.
pub fn can_create_workspace(role: Role) -> bool {
    matches!(role, Role::Owner | Role::Admin | Role::Member)
}

/// Whether `actor` may give `target` role to someone (or take it away). Only owners make or
/// unmake owners, so an admin can never lock the owners out.
pub fn can_assign_role(actor: Role, target: Role) -> bool {
    match actor {
        Role::Owner => true,
        Role::Admin => target != Role::Owner,
        _ => false,
    }
}

/// Whether a workspace is visible to someone with `role` in its organization.
pub fn can_see_workspace(role: Role, kind: WorkspaceKind, is_workspace_member: bool) -> bool {
    if can_administer(role) || is_workspace_member {
        return true;
    }
    kind == WorkspaceKind::Open && role != Role::Guest
}

/// Who may rename, reconfigure or delete a workspace: its organization's admins and, for a
/// workspace they can see, members who belong to it.
pub fn can_edit_workspace(role: Role, is_workspace_member: bool) -> bool {
    can_administer(role) || (role == Role::Member && is_workspace_member)
}

/// Deleting a workspace: its creator or the organization's owners and admins, never a
/// member merely because they belong to it.
pub fn can_delete_workspace(role: Role, is_creator: bool) -> bool {
    can_administer(role) || (is_creator && role == Role::Member)
}

/// The scope a personal API token needs for a request with this HTTP method.
pub fn scope_for_method(method: &str) -> Scope {
    match method {
        "GET" | "HEAD" | "OPTIONS" => Scope::Read,
        _ => Scope::Write,
    }
}

/// `admin` implies `write`, which implies `read`.
pub fn scopes_allow(granted: &[Scope], needed: Scope) -> bool {
    granted.iter().any(|g| match needed {
        Scope::Read => true,
        Scope::Write => matches!(g, Scope::Write | Scope::Admin),
        Scope::Admin => *g == Scope::Admin,
    })
}

/// A user's effective permission on a board, or `None` when they may not see it at all.
///
/// Organization owners and admins own every board. Otherwise an explicit board membership
/// decides; without one, members (not viewers' or guests' extra rights) get the board's
/// default permission on public boards. Viewers never exceed `view`; guests see only the
/// shareable boards they were added to.
pub fn board_permission(
    role: Role,
    kind: BoardKind,
    default_permission: BoardPermission,
    explicit: Option<BoardPermission>,
) -> Option<BoardPermission> {
    let base = match role {
        Role::Owner | Role::Admin => return Some(BoardPermission::Owner),
        Role::Guest => match kind {
            BoardKind::Shareable => explicit,
            _ => None,
        },
        Role::Member | Role::Viewer => match (explicit, kind) {
            (Some(p), _) => Some(p),
            (None, BoardKind::Public) => Some(default_permission),
            (None, _) => None,
        },
    }?;
    Some(if role == Role::Viewer { BoardPermission::View } else { base })
}

/// Whether a board's workspace lets `role` reach its boards at all: a closed workspace admits
/// only its members and the organization's owners and admins (whatever the board's own kind
/// or grants say).
pub fn workspace_admits(role: Role, closed: bool, member: bool) -> bool {
    !closed || member || matches!(role, Role::Owner | Role::Admin)
}

/// Columns, groups, views and board settings.
pub fn can_edit_structure(p: BoardPermission) -> bool {
    matches!(p, BoardPermission::Owner | BoardPermission::EditAll)
}

/// Items, their values and updates.
pub fn can_edit_content(p: BoardPermission) -> bool {
    p != BoardPermission::View
}

/// Sharing, kind and deletion.
pub fn can_manage_board(p: BoardPermission) -> bool {
    p == BoardPermission::Owner
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLES: [Role; 5] = [Role::Owner, Role::Admin, Role::Member, Role::Viewer, Role::Guest];

    #[test]
    fn only_owners_make_owners() {
        for r in ROLES {
            assert_eq!(can_assign_role(r, Role::Owner), r == Role::Owner);
        }
        assert!(can_assign_role(Role::Admin, Role::Member));
        assert!(!can_assign_role(Role::Member, Role::Viewer));
    }

    #[test]
    fn closed_workspaces_hide_from_non_members() {
        assert!(!can_see_workspace(Role::Member, WorkspaceKind::Closed, false));
        assert!(can_see_workspace(Role::Member, WorkspaceKind::Closed, true));
        assert!(can_see_workspace(Role::Admin, WorkspaceKind::Closed, false));
        assert!(!can_see_workspace(Role::Guest, WorkspaceKind::Open, false));
        assert!(can_see_workspace(Role::Viewer, WorkspaceKind::Open, false));
    }

    #[test]
    fn board_permissions() {
        use BoardKind::*;
        use BoardPermission::*;
        assert_eq!(board_permission(Role::Admin, Private, View, None), Some(Owner));
        assert_eq!(board_permission(Role::Member, Public, EditContent, None), Some(EditContent));
        assert_eq!(board_permission(Role::Member, Private, EditAll, None), None);
        assert_eq!(board_permission(Role::Member, Private, EditAll, Some(View)), Some(View));
        assert_eq!(board_permission(Role::Viewer, Public, EditAll, Some(Owner)), Some(View));
        assert_eq!(board_permission(Role::Guest, Public, EditAll, Some(EditAll)), None);
        assert_eq!(board_permission(Role::Guest, Shareable, EditAll, Some(EditContent)), Some(EditContent));
        assert!(can_edit_content(EditContent) && !can_edit_structure(EditContent));
        assert!(workspace_admits(Role::Member, false, false), "an open workspace admits everyone");
        assert!(!workspace_admits(Role::Member, true, false) && !workspace_admits(Role::Viewer, true, false));
        assert!(workspace_admits(Role::Member, true, true) && workspace_admits(Role::Admin, true, false));
        assert!(!can_edit_content(View) && can_manage_board(Owner) && !can_manage_board(EditAll));
    }

    #[test]
    fn scope_hierarchy() {
        assert!(scopes_allow(&[Scope::Read], Scope::Read));
        assert!(!scopes_allow(&[Scope::Read], Scope::Write));
        assert!(scopes_allow(&[Scope::Admin], Scope::Write));
        assert!(!scopes_allow(&[Scope::Write], Scope::Admin));
        assert!(!scopes_allow(&[], Scope::Read));
        assert_eq!(scope_for_method("DELETE"), Scope::Write);
    }
}
