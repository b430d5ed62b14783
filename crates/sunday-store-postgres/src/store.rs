//! `Store` on PostgreSQL: accounts, organizations and workspaces. Operations of more than
//! one statement, or that read then write, run in one transaction; the rest in autocommit
//! mode.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use sunday_store::{migrations::Migration, *};
use sunday_store_sql::{accounts, archive, dashboards, orgs, workspaces, Query};
use sunday_types::{
    dto::{Member, Org, OrgMembership, Role, User, Workspace, WorkspaceMember},
    time::Millis,
    OrgId, TokenId, UserId, WorkspaceId,
};

use crate::{error::db_err, exec, migrate, PostgresStore};

/// Consumes the invitation read by `invite` (under its row lock) for `user`, in the
/// caller's transaction.
async fn accept<C: GenericClient>(
    tx: &C,
    invite: &Query<orgs::Invite, Option<orgs::Invite>>,
    user: UserId,
    email: &str,
    now: Millis,
) -> StoreResult<(Org, Role)> {
    let (plan, joined) = orgs::accept_invite(exec::fetch(tx, invite).await?, user, email, now)?;
    exec::run(tx, plan).await?;
    Ok(joined)
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }
    fn migrations(&self) -> &'static [Migration] {
        migrate::MIGRATIONS
    }
    fn pool_stats(&self) -> PoolStats {
        self.pool.stats()
    }
    async fn ping(&self) -> StoreResult<()> {
        on_client!(self, |c| c.batch_execute("SELECT 1")).map_err(db_err)
    }
    async fn schema_version(&self) -> StoreResult<i64> {
        on_client!(self, |c| migrate::current_version(&c))
    }
    async fn export_org(&self, org: OrgId) -> StoreResult<Vec<TableRows>> {
        self.snapshot(archive::export(org)).await
    }
    async fn export_instance(&self) -> StoreResult<Vec<TableRows>> {
        self.snapshot(archive::export_all()).await
    }
    async fn restore_instance(&self, tables: Vec<TableRows>, replace: bool) -> StoreResult<()> {
        let plan = archive::restore(tables, replace)?;
        self.run(plan).await.map(|_| ())
    }
    async fn import_org(&self, org: OrgId, tables: Vec<TableRows>) -> StoreResult<()> {
        let plan = archive::import(org, tables)?;
        self.run(plan).await.map(|_| ())
    }
    async fn purge_expired(&self, now: Millis, keys_before: Millis) -> StoreResult<u64> {
        let mut gone = 0;
        for purge in sunday_store_sql::upkeep::purges(now, keys_before) {
            gone += self.write(purge).await?;
        }
        Ok(gone)
    }

    async fn create_account(&self, user: &NewUser, org: &Org) -> StoreResult<()> {
        self.run(accounts::create_account(user, org)).await.map(drop)
    }
    async fn create_invited_account(
        &self,
        user: &NewUser,
        invite_token_hash: &str,
        now: Millis,
    ) -> StoreResult<(Org, Role)> {
        let (insert, invite) = (accounts::insert_user(user), orgs::invite(invite_token_hash));
        in_transaction!(self, |tx| async {
            exec::write(&tx, &insert).await?;
            accept(&tx, &invite, user.id, &user.email, now).await
        })
    }
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserWithPassword>> {
        self.read(accounts::user_by_email(email)).await
    }
    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        self.read(accounts::user_by_id(id)).await
    }
    async fn user_with_memberships(&self, id: UserId) -> StoreResult<Option<(User, Vec<OrgMembership>)>> {
        self.read(accounts::user_with_memberships(id)).await
    }

    async fn insert_session(&self, session: &SessionRecord) -> StoreResult<()> {
        self.write(accounts::insert_session(session)).await.map(drop)
    }
    async fn session_by_hash(&self, token_hash: &str, now: Millis) -> StoreResult<Option<SessionRecord>> {
        self.read(accounts::session_by_hash(token_hash, now)).await
    }
    async fn delete_session(&self, token_hash: &str) -> StoreResult<bool> {
        Ok(self.write(accounts::delete_session(token_hash)).await? > 0)
    }
    async fn insert_api_token(&self, token: &ApiTokenRecord) -> StoreResult<()> {
        self.write(accounts::insert_api_token(token)).await.map(drop)
    }
    async fn api_token_by_hash(&self, token_hash: &str, now: Millis) -> StoreResult<Option<ApiTokenRecord>> {
        self.read(accounts::api_token_by_hash(token_hash, now)).await
    }
    async fn api_tokens(&self, user: UserId) -> StoreResult<Vec<ApiTokenRecord>> {
        self.read(accounts::api_tokens(user)).await
    }
    async fn revoke_api_token(&self, user: UserId, id: TokenId, now: Millis) -> StoreResult<bool> {
        Ok(self.write(accounts::revoke_api_token(user, id, now)).await? > 0)
    }
    async fn touch_api_token(&self, id: TokenId, now: Millis) -> StoreResult<()> {
        self.write(accounts::touch_api_token(id, now)).await.map(drop)
    }

    async fn memberships(&self, user: UserId) -> StoreResult<Vec<OrgMembership>> {
        self.read(orgs::memberships(user)).await
    }
    async fn role_in(&self, org: OrgId, user: UserId) -> StoreResult<Option<Role>> {
        self.read(orgs::role_in(org, user)).await
    }
    async fn members(&self, org: OrgId, after: Option<UserId>, limit: usize) -> StoreResult<Vec<Member>> {
        self.read(orgs::members(org, after, limit)).await
    }
    async fn member(&self, org: OrgId, user: UserId) -> StoreResult<Option<Member>> {
        self.read(orgs::member(org, user)).await
    }
    async fn add_member(&self, org: OrgId, user: UserId, role: Role, now: Millis) -> StoreResult<()> {
        self.write(orgs::add_member(org, user, role, now)).await.map(drop)
    }
    async fn set_member_role(&self, org: OrgId, user: UserId, role: Role) -> StoreResult<()> {
        self.run(orgs::set_member_role(org, user, role)).await.map(drop)
    }
    async fn remove_member(&self, org: OrgId, user: UserId) -> StoreResult<()> {
        self.run(orgs::remove_member(org, user)).await.map(drop)
    }
    async fn insert_invite(&self, invite: &InviteRecord) -> StoreResult<()> {
        self.write(orgs::insert_invite(invite)).await.map(drop)
    }
    async fn accept_invite(
        &self,
        token_hash: &str,
        user: UserId,
        email: &str,
        now: Millis,
    ) -> StoreResult<(Org, Role)> {
        let invite = orgs::invite(token_hash);
        in_transaction!(self, |tx| accept(&tx, &invite, user, email, now))
    }

    async fn insert_workspace(&self, ws: &Workspace) -> StoreResult<()> {
        self.run(workspaces::insert(ws)).await.map(drop)
    }
    async fn workspace(&self, id: WorkspaceId) -> StoreResult<Option<Workspace>> {
        self.read(workspaces::get(id)).await
    }
    async fn workspaces(
        &self,
        org: OrgId,
        filter: WorkspaceFilter,
        after: Option<WorkspaceId>,
        limit: usize,
    ) -> StoreResult<Vec<Workspace>> {
        self.read(workspaces::list(org, filter, after, limit)).await
    }
    async fn update_workspace(&self, id: WorkspaceId, patch: &WorkspacePatch, now: Millis) -> StoreResult<Workspace> {
        let current = workspaces::current(id);
        in_transaction!(self, |tx| async {
            let current = exec::fetch(&tx, &current).await?;
            exec::fetch(&tx, &workspaces::update(&current, patch, now)?).await
        })
    }
    async fn dashboards(&self, ws: WorkspaceId) -> StoreResult<Vec<sunday_types::dashboards::Dashboard>> {
        self.read(dashboards::list(ws)).await
    }
    async fn dashboard(
        &self,
        id: sunday_types::DashboardId,
    ) -> StoreResult<Option<sunday_types::dashboards::Dashboard>> {
        self.read(dashboards::get(id)).await
    }
    async fn insert_dashboard(&self, d: &sunday_types::dashboards::Dashboard) -> StoreResult<()> {
        self.run(dashboards::insert(d)?).await.map(drop)
    }
    async fn update_dashboard(
        &self,
        d: &sunday_types::dashboards::Dashboard,
        expected_version: i64,
    ) -> StoreResult<()> {
        self.run(dashboards::update(d, expected_version)?).await.map(drop)
    }
    async fn delete_dashboard(&self, id: sunday_types::DashboardId) -> StoreResult<()> {
        self.run(dashboards::delete(id)).await.map(drop)
    }
    async fn delete_workspace(&self, id: WorkspaceId) -> StoreResult<bool> {
        Ok(self.write(workspaces::delete(id)).await? > 0)
    }
    async fn is_workspace_member(&self, ws: WorkspaceId, user: UserId) -> StoreResult<bool> {
        self.read(workspaces::is_member(ws, user)).await
    }
    async fn add_workspace_member(&self, ws: WorkspaceId, user: UserId, now: Millis) -> StoreResult<()> {
        self.write(workspaces::add_member(ws, user, now)).await.map(drop)
    }
    async fn remove_workspace_member(&self, ws: WorkspaceId, user: UserId) -> StoreResult<bool> {
        Ok(self.write(workspaces::remove_member(ws, user)).await? > 0)
    }
    async fn workspace_members(&self, ws: WorkspaceId) -> StoreResult<Vec<WorkspaceMember>> {
        self.read(workspaces::members(ws)).await
    }
}
