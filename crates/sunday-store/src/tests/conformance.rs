//! The conformance suite every backend runs. Each function takes a freshly migrated, empty
//! store and asserts one behaviour the services rely on; [`conformance_suite!`] turns them
//! into `#[tokio::test]`s in the backend's own test crate, so SQLite and PostgreSQL are held
//! to exactly the same contract.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use sunday_types::{
    dto::{Org, Role, Scope, Workspace, WorkspaceKind},
    ErrorCode, InviteId, OrgId, SessionId, TokenId, UserId, WorkspaceId,
};

use crate::*;

pub type DynStore = Arc<dyn Store>;

/// Generates one test per conformance case. `$factory` is an async fn returning
/// `(DynStore, guard)`; the guard cleans up (temporary directory, scratch database) on drop.
#[macro_export]
macro_rules! conformance_suite {
    ($factory:path) => {
        $crate::conformance_suite!(@cases $factory;
            migrations_are_applied,
            account_creation_and_lookup,
            emails_are_unique_case_insensitively,
            sessions_expire_and_can_be_deleted,
            api_tokens_list_revoke_and_expire,
            membership_roles_and_last_owner,
            removing_a_member_drops_their_workspace_memberships,
            invitations_join_new_and_existing_users,
            workspaces_crud_versioning_and_visibility,
            member_pages_follow_the_cursor,
        );
        $crate::conformance_suite!(@board_cases $factory;
            board_commits_append_gap_free_events,
            failed_commits_write_nothing,
            items_page_by_position_and_group,
            boards_list_by_visibility,
            views_updates_collapse_and_idempotency,
            idempotency_keys_are_reserved_by_the_commit,
            structure_writes_guard_commits_of_checked_values,
            leaving_drops_follows_and_grants,
        );
        $crate::conformance_suite!(@computed_cases $factory;
            computed_cells_apply_while_their_item_stays,
        );
        $crate::conformance_suite!(@automation_cases $factory;
            automations_and_their_runs,
        );
        $crate::conformance_suite!(@notification_cases $factory;
            notifications_are_listed_read_and_emailed,
            item_subscriptions,
            event_cursors_move_once_with_their_writes,
            leases_are_held_by_one_holder_until_they_expire,
        );
    };
    (@notification_cases $factory:path; $($case:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $case() {
            let (store, _guard) = $factory().await;
            $crate::conformance_notifications::$case(store).await;
        }
    )*};
    (@automation_cases $factory:path; $($case:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $case() {
            let (store, _guard) = $factory().await;
            $crate::conformance_automations::$case(store).await;
        }
    )*};
    (@computed_cases $factory:path; $($case:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $case() {
            let (store, _guard) = $factory().await;
            $crate::conformance_computed::$case(store).await;
        }
    )*};
    (@board_cases $factory:path; $($case:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $case() {
            let (store, _guard) = $factory().await;
            $crate::conformance_boards::$case(store).await;
        }
    )*};
    (@cases $factory:path; $($case:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $case() {
            let (store, _guard) = $factory().await;
            $crate::conformance::$case(store).await;
        }
    )*};
}

const T0: i64 = 1_800_000_000_000;

fn new_user(email: &str) -> NewUser {
    NewUser {
        id: UserId::new(),
        email: email.to_owned(),
        name: format!("User {email}"),
        password_hash: "$argon2id$fake".into(),
        created_at: T0,
    }
}

fn new_org(name: &str) -> Org {
    Org { id: OrgId::new(), name: name.into(), created_at: sunday_types::time::to_datetime(T0) }
}

async fn account(store: &DynStore, email: &str) -> (UserId, OrgId) {
    let u = new_user(email);
    let o = new_org(&format!("org of {email}"));
    store.create_account(&u, &o).await.unwrap();
    (u.id, o.id)
}

fn rejected(r: StoreError) -> ErrorCode {
    match r {
        StoreError::Rejected(c) => c,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

fn workspace(org: OrgId, by: UserId, name: &str, kind: WorkspaceKind) -> Workspace {
    let t = sunday_types::time::to_datetime(T0);
    Workspace {
        id: WorkspaceId::new(),
        org_id: org,
        name: name.into(),
        description: String::new(),
        kind,
        version: 1,
        created_by: by,
        created_at: t,
        updated_at: t,
    }
}

pub async fn migrations_are_applied(store: DynStore) {
    assert_eq!(store.schema_version().await.unwrap(), store.expected_schema_version());
    store.ping().await.unwrap();
    assert!(store.pool_stats().size >= 1);
}

pub async fn account_creation_and_lookup(store: DynStore) {
    let u = new_user("ada@example.com");
    let o = new_org("Analytical Engines");
    store.create_account(&u, &o).await.unwrap();

    let found = store.user_by_email("ada@example.com").await.unwrap().unwrap();
    assert_eq!(found.user.id, u.id);
    assert_eq!(found.user.name, u.name);
    assert_eq!(found.password_hash, u.password_hash);
    assert_eq!(found.user.created_at.timestamp_millis(), T0);
    assert_eq!(store.user(u.id).await.unwrap().unwrap().email, "ada@example.com");
    assert!(store.user(UserId::new()).await.unwrap().is_none());
    assert!(store.user_by_email("nobody@example.com").await.unwrap().is_none());

    let ms = store.memberships(u.id).await.unwrap();
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0].org.id, o.id);
    assert_eq!(ms[0].org.name, "Analytical Engines");
    assert_eq!(ms[0].role, Role::Owner);
    assert_eq!(store.role_in(o.id, u.id).await.unwrap(), Some(Role::Owner));
    assert_eq!(store.role_in(OrgId::new(), u.id).await.unwrap(), None);
    let (user, orgs) = store.user_with_memberships(u.id).await.unwrap().unwrap();
    assert_eq!((user.email.as_str(), orgs.len(), orgs[0].role), ("ada@example.com", 1, Role::Owner));
    assert!(store.user_with_memberships(UserId::new()).await.unwrap().is_none());
}

pub async fn emails_are_unique_case_insensitively(store: DynStore) {
    account(&store, "grace@example.com").await;
    let dup = new_user("grace@example.com");
    let org = new_org("second");
    let err = store.create_account(&dup, &org).await.unwrap_err();
    assert_eq!(rejected(err), ErrorCode::EmailTaken);
    // Nothing of the failed signup is left behind: its organization does not exist.
    assert!(store.memberships(dup.id).await.unwrap().is_empty());
    assert!(store.user(dup.id).await.unwrap().is_none());
}

pub async fn sessions_expire_and_can_be_deleted(store: DynStore) {
    let (user, _) = account(&store, "s@example.com").await;
    let s = SessionRecord {
        id: SessionId::new(),
        user_id: user,
        token_hash: "hash-1".into(),
        csrf_token: "csrf-1".into(),
        created_at: T0,
        expires_at: T0 + 1000,
    };
    store.insert_session(&s).await.unwrap();
    assert_eq!(store.session_by_hash("hash-1", T0 + 10).await.unwrap(), Some(s.clone()));
    assert_eq!(store.session_by_hash("hash-1", T0 + 1000).await.unwrap(), None, "expired");
    assert_eq!(store.session_by_hash("other", T0).await.unwrap(), None);
    assert!(store.delete_session("hash-1").await.unwrap());
    assert!(!store.delete_session("hash-1").await.unwrap());
    assert_eq!(store.session_by_hash("hash-1", T0 + 10).await.unwrap(), None);

    // Upkeep deletes what expired and keeps what still lives.
    let old = SessionRecord { id: SessionId::new(), token_hash: "old".into(), ..s.clone() };
    let live = SessionRecord { id: SessionId::new(), token_hash: "live".into(), expires_at: T0 + 5000, ..s };
    store.insert_session(&old).await.unwrap();
    store.insert_session(&live).await.unwrap();
    assert_eq!(store.purge_expired(T0 + 2000, T0).await.unwrap(), 1, "only the expired session goes");
    assert_eq!(store.session_by_hash("live", T0 + 2000).await.unwrap(), Some(live));
    assert_eq!(store.purge_expired(T0 + 2000, T0).await.unwrap(), 0);
}

pub async fn api_tokens_list_revoke_and_expire(store: DynStore) {
    let (user, _) = account(&store, "t@example.com").await;
    let (other, _) = account(&store, "u@example.com").await;
    let mk = |name: &str, hash: &str, created: i64, expires: Option<i64>| ApiTokenRecord {
        id: TokenId::new(),
        user_id: user,
        name: name.into(),
        token_hash: hash.into(),
        scopes: vec![Scope::Read, Scope::Write],
        created_at: created,
        expires_at: expires,
        last_used_at: None,
    };
    let a = mk("ci", "h-a", T0, None);
    let b = mk("short", "h-b", T0 + 1, Some(T0 + 100));
    store.insert_api_token(&a).await.unwrap();
    store.insert_api_token(&b).await.unwrap();

    let listed = store.api_tokens(user).await.unwrap();
    assert_eq!(listed.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["short", "ci"]);
    assert_eq!(listed[1].scopes, vec![Scope::Read, Scope::Write]);
    assert!(store.api_tokens(other).await.unwrap().is_empty());

    assert_eq!(store.api_token_by_hash("h-b", T0 + 50).await.unwrap().map(|t| t.id), Some(b.id));
    assert_eq!(store.api_token_by_hash("h-b", T0 + 100).await.unwrap(), None, "expired");

    store.touch_api_token(a.id, T0 + 7).await.unwrap();
    assert_eq!(store.api_token_by_hash("h-a", T0 + 8).await.unwrap().unwrap().last_used_at, Some(T0 + 7));

    assert!(!store.revoke_api_token(other, a.id, T0).await.unwrap(), "not the owner");
    assert!(store.revoke_api_token(user, a.id, T0 + 9).await.unwrap());
    assert!(!store.revoke_api_token(user, a.id, T0 + 9).await.unwrap(), "already revoked");
    assert_eq!(store.api_token_by_hash("h-a", T0 + 10).await.unwrap(), None);
    assert_eq!(store.api_tokens(user).await.unwrap().len(), 1);
}

pub async fn membership_roles_and_last_owner(store: DynStore) {
    let (owner, org) = account(&store, "o@example.com").await;
    let (bob, _) = account(&store, "bob@example.com").await;

    store.add_member(org, bob, Role::Member, T0).await.unwrap();
    let err = store.add_member(org, bob, Role::Viewer, T0).await.unwrap_err();
    assert_eq!(rejected(err), ErrorCode::AlreadyMember);
    assert_eq!(store.role_in(org, bob).await.unwrap(), Some(Role::Member));
    assert_eq!(store.memberships(bob).await.unwrap().len(), 2);
    let m = store.member(org, bob).await.unwrap().unwrap();
    assert_eq!((m.user.email.as_str(), m.role, m.joined_at.timestamp_millis()), ("bob@example.com", Role::Member, T0));
    assert!(store.member(org, UserId::new()).await.unwrap().is_none());

    // The only owner cannot step down or leave.
    assert_eq!(rejected(store.set_member_role(org, owner, Role::Admin).await.unwrap_err()), ErrorCode::LastOwner);
    assert_eq!(rejected(store.remove_member(org, owner).await.unwrap_err()), ErrorCode::LastOwner);
    // With a second owner they can.
    store.set_member_role(org, bob, Role::Owner).await.unwrap();
    store.set_member_role(org, owner, Role::Admin).await.unwrap();
    assert_eq!(store.role_in(org, owner).await.unwrap(), Some(Role::Admin));
    assert_eq!(rejected(store.remove_member(org, bob).await.unwrap_err()), ErrorCode::LastOwner);
    store.remove_member(org, owner).await.unwrap();
    assert_eq!(store.role_in(org, owner).await.unwrap(), None);

    let stranger = UserId::new();
    assert_eq!(
        rejected(store.set_member_role(org, stranger, Role::Member).await.unwrap_err()),
        ErrorCode::MemberNotFound
    );
    assert_eq!(rejected(store.remove_member(org, stranger).await.unwrap_err()), ErrorCode::MemberNotFound);
}

pub async fn removing_a_member_drops_their_workspace_memberships(store: DynStore) {
    let (owner, org) = account(&store, "o2@example.com").await;
    let (eve, eve_org) = account(&store, "eve@example.com").await;
    store.add_member(org, eve, Role::Member, T0).await.unwrap();
    let ws = workspace(org, owner, "Closed", WorkspaceKind::Closed);
    store.insert_workspace(&ws).await.unwrap();
    let own = workspace(eve_org, eve, "Eve's own", WorkspaceKind::Closed);
    store.insert_workspace(&own).await.unwrap();
    store.add_workspace_member(ws.id, eve, T0).await.unwrap();
    assert!(store.is_workspace_member(ws.id, eve).await.unwrap());

    store.remove_member(org, eve).await.unwrap();
    assert!(!store.is_workspace_member(ws.id, eve).await.unwrap());
    assert!(store.is_workspace_member(own.id, eve).await.unwrap(), "other orgs are untouched");
}

pub async fn invitations_join_new_and_existing_users(store: DynStore) {
    let (owner, org) = account(&store, "boss@example.com").await;
    let invite = |email: &str, hash: &str, expires: i64| InviteRecord {
        id: InviteId::new(),
        org_id: org,
        email: email.into(),
        role: Role::Viewer,
        token_hash: hash.into(),
        invited_by: owner,
        created_at: T0,
        expires_at: expires,
    };
    store.insert_invite(&invite("new@example.com", "inv-new", T0 + 1000)).await.unwrap();
    store.insert_invite(&invite("old@example.com", "inv-old", T0 + 1000)).await.unwrap();
    store.insert_invite(&invite("late@example.com", "inv-late", T0 + 10)).await.unwrap();

    // A new user signs up with the invitation: joins the org, no org of their own.
    let newbie = new_user("new@example.com");
    let (joined, role) = store.create_invited_account(&newbie, "inv-new", T0 + 5).await.unwrap();
    assert_eq!((joined.id, role), (org, Role::Viewer));
    assert_eq!(store.memberships(newbie.id).await.unwrap().len(), 1);
    // The invitation is consumed.
    let again = new_user("new2@example.com");
    assert_eq!(
        rejected(store.create_invited_account(&again, "inv-new", T0 + 6).await.unwrap_err()),
        ErrorCode::InviteInvalid
    );
    assert!(store.user(again.id).await.unwrap().is_none(), "no half-created user");
    assert_eq!(
        rejected(store.create_invited_account(&again, "nope", T0).await.unwrap_err()),
        ErrorCode::InviteNotFound
    );

    // An existing user accepts; the wrong user and an expired invitation are refused.
    let (old, _) = account(&store, "old@example.com").await;
    let (wrong, _) = account(&store, "wrong@example.com").await;
    assert_eq!(
        rejected(store.accept_invite("inv-old", wrong, "wrong@example.com", T0).await.unwrap_err()),
        ErrorCode::InviteInvalid
    );
    let (o, r) = store.accept_invite("inv-old", old, "old@example.com", T0 + 1).await.unwrap();
    assert_eq!((o.id, r), (org, Role::Viewer));
    assert_eq!(store.role_in(org, old).await.unwrap(), Some(Role::Viewer));
    let (late, _) = account(&store, "late@example.com").await;
    assert_eq!(
        rejected(store.accept_invite("inv-late", late, "late@example.com", T0 + 10).await.unwrap_err()),
        ErrorCode::InviteInvalid
    );
    assert_eq!(store.role_in(org, late).await.unwrap(), None);
}

pub async fn workspaces_crud_versioning_and_visibility(store: DynStore) {
    let (owner, org) = account(&store, "w@example.com").await;
    let (viewer, _) = account(&store, "v@example.com").await;
    store.add_member(org, viewer, Role::Viewer, T0).await.unwrap();

    let open = workspace(org, owner, "Open", WorkspaceKind::Open);
    let closed = workspace(org, owner, "Closed", WorkspaceKind::Closed);
    store.insert_workspace(&open).await.unwrap();
    store.insert_workspace(&closed).await.unwrap();
    assert!(store.is_workspace_member(open.id, owner).await.unwrap(), "creator is a member");

    let got = store.workspace(open.id).await.unwrap().unwrap();
    assert_eq!((got.name.as_str(), got.kind, got.version), ("Open", WorkspaceKind::Open, 1));

    let names = |v: Vec<Workspace>| v.into_iter().map(|w| w.name).collect::<Vec<_>>();
    assert_eq!(names(store.workspaces(org, WorkspaceFilter::All, None, 50).await.unwrap()), ["Open", "Closed"]);
    assert_eq!(
        names(store.workspaces(org, WorkspaceFilter::OpenOrMemberOf(viewer), None, 50).await.unwrap()),
        ["Open"]
    );
    assert!(store.workspaces(org, WorkspaceFilter::MemberOf(viewer), None, 50).await.unwrap().is_empty());
    store.add_workspace_member(closed.id, viewer, T0).await.unwrap();
    assert_eq!(
        rejected(store.add_workspace_member(closed.id, viewer, T0).await.unwrap_err()),
        ErrorCode::AlreadyMember
    );
    assert_eq!(names(store.workspaces(org, WorkspaceFilter::MemberOf(viewer), None, 50).await.unwrap()), ["Closed"]);
    assert_eq!(names(store.workspaces(org, WorkspaceFilter::All, Some(open.id), 50).await.unwrap()), ["Closed"]);
    assert_eq!(store.workspaces(org, WorkspaceFilter::All, None, 1).await.unwrap().len(), 1);
    let members = store.workspace_members(closed.id).await.unwrap();
    assert_eq!(members.len(), 2);

    // Unconditional patch changes only what it names.
    let patch = WorkspacePatch { name: Some("Renamed".into()), ..Default::default() };
    let updated = store.update_workspace(open.id, &patch, T0 + 5).await.unwrap();
    assert_eq!((updated.name.as_str(), updated.kind, updated.version), ("Renamed", WorkspaceKind::Open, 2));
    assert_eq!(updated.updated_at.timestamp_millis(), T0 + 5);
    // Conditional patch with a stale version conflicts and returns the current state.
    let stale = WorkspacePatch { kind: Some(WorkspaceKind::Closed), expected_version: Some(1), ..Default::default() };
    match store.update_workspace(open.id, &stale, T0 + 6).await.unwrap_err() {
        StoreError::VersionConflict(current) => assert_eq!(current["version"], 2),
        other => panic!("expected a version conflict, got {other:?}"),
    }
    let fresh = WorkspacePatch { kind: Some(WorkspaceKind::Closed), expected_version: Some(2), ..Default::default() };
    assert_eq!(store.update_workspace(open.id, &fresh, T0 + 7).await.unwrap().version, 3);
    assert_eq!(
        rejected(store.update_workspace(WorkspaceId::new(), &patch, T0).await.unwrap_err()),
        ErrorCode::WorkspaceNotFound
    );

    assert!(store.remove_workspace_member(closed.id, viewer).await.unwrap());
    assert!(!store.remove_workspace_member(closed.id, viewer).await.unwrap());
    assert!(store.delete_workspace(closed.id).await.unwrap());
    assert!(!store.delete_workspace(closed.id).await.unwrap());
    assert!(store.workspace(closed.id).await.unwrap().is_none());
}

pub async fn member_pages_follow_the_cursor(store: DynStore) {
    let (_, org) = account(&store, "p0@example.com").await;
    for i in 1..=4 {
        let (u, _) = account(&store, &format!("p{i}@example.com")).await;
        store.add_member(org, u, Role::Member, T0).await.unwrap();
    }
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store.members(org, after, 2).await.unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().map(|m| m.user.id);
        seen.extend(page.into_iter().map(|m| m.user.id));
    }
    assert_eq!(seen.len(), 5);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "pages are ordered by user id without overlap");
}
