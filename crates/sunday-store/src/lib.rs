//! Storage ports of Sunday, in domain terms.
//!
//! [`Store`] is what the services need from persistence, phrased as use-case operations
//! ("create an account with its organization", "accept an invitation") rather than tables, so
//! each operation is one transaction inside its backend and no partial write can escape.
//! Backends (`sunday-store-sqlite`, `sunday-store-postgres`) implement it and run the same
//! [`conformance`] suite; nothing above the backends imports a database driver.

mod boards;
#[cfg(feature = "testing")]
#[path = "tests/conformance.rs"]
pub mod conformance;
#[cfg(feature = "testing")]
#[path = "tests/automations.rs"]
pub mod conformance_automations;
#[cfg(feature = "testing")]
#[path = "tests/boards.rs"]
pub mod conformance_boards;
#[cfg(feature = "testing")]
#[path = "tests/computed.rs"]
pub mod conformance_computed;
#[cfg(feature = "testing")]
#[path = "tests/notifications.rs"]
pub mod conformance_notifications;
mod cursors;
mod error;
mod files;
pub mod migrations;
mod notifications;
mod records;
mod webhooks;

use async_trait::async_trait;
use sunday_types::{
    dto::{Member, Org, OrgMembership, Role, User, Workspace, WorkspaceMember},
    time::Millis,
    OrgId, TokenId, UserId, WorkspaceId,
};

pub use boards::*;
pub use cursors::CursorStore;
pub use error::{StoreError, StoreResult};
pub use files::{FileRecord, FileStore};
pub use notifications::*;
pub use records::*;
pub use webhooks::{DeliveryOutcome, DueDelivery, FinishedAttempt, WebhookRecord, WebhookStore};

/// Connection-pool figures for `/metrics`.
#[derive(Clone, Copy, Debug, Default)]
pub struct PoolStats {
    pub size: usize,
    pub available: usize,
}

#[async_trait]
pub trait Store:
    BoardStore + NotificationStore + CursorStore + WebhookStore + FileStore + Send + Sync + 'static
{
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// This store's schema migrations, oldest first.
    fn migrations(&self) -> &'static [migrations::Migration];
    /// The schema version this binary's migrations produce.
    fn expected_schema_version(&self) -> i64 {
        self.migrations().len() as i64
    }
    fn pool_stats(&self) -> PoolStats;
    /// Round-trip to the store (readiness).
    async fn ping(&self) -> StoreResult<()>;
    /// The highest applied migration.
    async fn schema_version(&self) -> StoreResult<i64>;
    /// The migrations the database still needs (`sunday migrate --dry-run`); `SchemaTooNew`
    /// when a newer Sunday migrated it.
    async fn migration_plan(&self) -> StoreResult<migrations::MigrationPlan> {
        migrations::MigrationPlan::new(self.schema_version().await?, self.migrations())
    }
    /// Deletes expired sessions and invitations and idempotency keys created before
    /// `keys_before`; answers how many rows went.
    async fn purge_expired(&self, now: Millis, keys_before: Millis) -> StoreResult<u64>;
    /// Every row of the organization, table by table (parents first), read in one
    /// transaction so the archive is consistent while others write.
    async fn export_org(&self, org: OrgId) -> StoreResult<Vec<TableRows>>;
    /// Loads an organization archive in one transaction: all of it or, on any failure,
    /// nothing. `Rejected(OrgExists)` when the organization is here already.
    async fn import_org(&self, org: OrgId, tables: Vec<TableRows>) -> StoreResult<()>;
    /// Every row of every table (a logical backup), read in one transaction.
    async fn export_instance(&self) -> StoreResult<Vec<TableRows>>;
    /// Loads a logical backup in one transaction, into an empty database (`Invalid`
    /// otherwise) or, with `replace`, in place of everything it holds.
    async fn restore_instance(&self, tables: Vec<TableRows>, replace: bool) -> StoreResult<()>;

    // ---- accounts ----
    /// Creates the user, a new organization and the user's owner membership. `EmailTaken` when
    /// the email exists.
    async fn create_account(&self, user: &NewUser, org: &Org) -> StoreResult<()>;
    /// Creates the user and joins them to the invitation's organization, consuming it.
    /// `InviteNotFound`, `InviteInvalid` (used, expired, other email) or `EmailTaken`.
    async fn create_invited_account(
        &self,
        user: &NewUser,
        invite_token_hash: &str,
        now: Millis,
    ) -> StoreResult<(Org, Role)>;
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserWithPassword>>;
    async fn user(&self, id: UserId) -> StoreResult<Option<User>>;
    /// The user with their memberships, read in one snapshot.
    async fn user_with_memberships(&self, id: UserId) -> StoreResult<Option<(User, Vec<OrgMembership>)>>;

    // ---- sessions and tokens ----
    async fn insert_session(&self, session: &SessionRecord) -> StoreResult<()>;
    /// The unexpired session with this token hash.
    async fn session_by_hash(&self, token_hash: &str, now: Millis) -> StoreResult<Option<SessionRecord>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<bool>;
    async fn insert_api_token(&self, token: &ApiTokenRecord) -> StoreResult<()>;
    /// The unrevoked, unexpired token with this hash.
    async fn api_token_by_hash(&self, token_hash: &str, now: Millis) -> StoreResult<Option<ApiTokenRecord>>;
    /// The user's unrevoked tokens, newest first.
    async fn api_tokens(&self, user: UserId) -> StoreResult<Vec<ApiTokenRecord>>;
    /// `false` when the user has no such unrevoked token.
    async fn revoke_api_token(&self, user: UserId, id: TokenId, now: Millis) -> StoreResult<bool>;
    async fn touch_api_token(&self, id: TokenId, now: Millis) -> StoreResult<()>;

    // ---- organizations ----
    async fn memberships(&self, user: UserId) -> StoreResult<Vec<OrgMembership>>;
    async fn role_in(&self, org: OrgId, user: UserId) -> StoreResult<Option<Role>>;
    /// Members ordered by user id, after the cursor.
    async fn members(&self, org: OrgId, after: Option<UserId>, limit: usize) -> StoreResult<Vec<Member>>;
    /// One member of `org`.
    async fn member(&self, org: OrgId, user: UserId) -> StoreResult<Option<Member>>;
    /// `AlreadyMember` when present.
    async fn add_member(&self, org: OrgId, user: UserId, role: Role, now: Millis) -> StoreResult<()>;
    /// `MemberNotFound`; `LastOwner` when it would leave no owner.
    async fn set_member_role(&self, org: OrgId, user: UserId, role: Role) -> StoreResult<()>;
    /// Removes the membership and the user's workspace memberships in that organization.
    /// `MemberNotFound`; `LastOwner` when it would leave no owner.
    async fn remove_member(&self, org: OrgId, user: UserId) -> StoreResult<()>;
    async fn insert_invite(&self, invite: &InviteRecord) -> StoreResult<()>;
    /// Consumes the invitation for an existing user. `InviteNotFound`, `InviteInvalid`,
    /// `AlreadyMember`.
    async fn accept_invite(&self, token_hash: &str, user: UserId, email: &str, now: Millis)
        -> StoreResult<(Org, Role)>;

    // ---- workspaces ----
    /// Inserts the workspace with its creator as first member.
    async fn insert_workspace(&self, ws: &Workspace) -> StoreResult<()>;
    async fn workspace(&self, id: WorkspaceId) -> StoreResult<Option<Workspace>>;
    /// Workspaces of `org` visible under `filter`, ordered by id, after the cursor.
    async fn workspaces(
        &self,
        org: OrgId,
        filter: WorkspaceFilter,
        after: Option<WorkspaceId>,
        limit: usize,
    ) -> StoreResult<Vec<Workspace>>;
    /// Applies the patch, bumping `version`. `VersionConflict` (with the current workspace)
    /// when `expected_version` differs; `WorkspaceNotFound`.
    async fn update_workspace(&self, id: WorkspaceId, patch: &WorkspacePatch, now: Millis) -> StoreResult<Workspace>;
    /// Deletes the workspace if it holds no boards; `false` when nothing was deleted (no such
    /// workspace, or boards still in it).
    async fn delete_workspace(&self, id: WorkspaceId) -> StoreResult<bool>;
    async fn is_workspace_member(&self, ws: WorkspaceId, user: UserId) -> StoreResult<bool>;
    /// `AlreadyMember` when present.
    async fn add_workspace_member(&self, ws: WorkspaceId, user: UserId, now: Millis) -> StoreResult<()>;
    async fn remove_workspace_member(&self, ws: WorkspaceId, user: UserId) -> StoreResult<bool>;
    async fn workspace_members(&self, ws: WorkspaceId) -> StoreResult<Vec<WorkspaceMember>>;

    // ---- dashboards ----
    /// The workspace's dashboards, oldest first.
    async fn dashboards(&self, ws: WorkspaceId) -> StoreResult<Vec<sunday_types::dashboards::Dashboard>>;
    async fn dashboard(
        &self,
        id: sunday_types::DashboardId,
    ) -> StoreResult<Option<sunday_types::dashboards::Dashboard>>;
    async fn insert_dashboard(&self, d: &sunday_types::dashboards::Dashboard) -> StoreResult<()>;
    /// Replaces it whole if stored at `expected_version`: else `VersionConflict` (with the
    /// stored one), or `DashboardNotFound`.
    async fn update_dashboard(&self, d: &sunday_types::dashboards::Dashboard, expected_version: i64)
        -> StoreResult<()>;
    /// `DashboardNotFound` when there is none.
    async fn delete_dashboard(&self, id: sunday_types::DashboardId) -> StoreResult<()>;
}
