//! The PostgreSQL store: tokio-postgres through a deadpool-postgres pool.
//!
//! Same schema (table, index and constraint names) and same semantics as the SQLite backend,
//! checked by the shared conformance suite. Ids are canonical lowercase UUID text and
//! timestamps `BIGINT` milliseconds, so both backends store identical values; cursors compare
//! id text, which every collation orders like the bytes for such strings (notification ids
//! are nonetheless compared with `COLLATE "C"`, see `notifications`).
//!
//! The board side's SQL (statements, row decoders, the commit plan) is written once in
//! `sunday-store-sql` and run here by `exec`; the remaining areas keep their SQL in per-area
//! modules as async functions over any client or transaction. The [`Store`] impls only check
//! a connection out and, for operations of more than one statement or that must read then
//! write consistently, wrap the call in one transaction.

mod accounts;
mod exec;
mod migrate;
mod orgs;
mod pool;
mod rows;
#[cfg(feature = "testing")]
pub mod testing;
mod workspaces;

use async_trait::async_trait;
use sunday_store::*;
use sunday_store_sql::{Exec, Query};
use sunday_types::{
    dto::{Member, Org, OrgMembership, Role, User, Workspace, WorkspaceMember},
    time::Millis,
    OrgId, TokenId, UserId, WorkspaceId,
};

use pool::Pool;

pub struct PostgresStore {
    pool: Pool,
}

/// Runs `$body` (an expression using the transaction `$tx`) in one transaction on a pooled
/// connection: committed when it returns `Ok`, rolled back when it fails (dropping an
/// uncommitted tokio-postgres transaction rolls it back).
macro_rules! in_transaction {
    ($store:expr, |$tx:ident| $body:expr) => {{
        let mut client = $store.pool.get().await?;
        let $tx = client.transaction().await.map_err(rows::db_err)?;
        let value = $body.await?;
        $tx.commit().await.map_err(rows::db_err)?;
        Ok(value)
    }};
}

/// Runs `$body` (an expression using the client `$c`) on a pooled connection, in autocommit
/// mode: single statements are atomic on their own.
macro_rules! on_client {
    ($store:expr, |$c:ident| $body:expr) => {{
        let $c = $store.pool.get().await?;
        $body.await
    }};
}

// After the macros above, which they use.
mod board_store;
mod cursors;
mod notifications;

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/dbname` or the
    /// key=value form) with at most `max_connections` pooled connections. Fails with
    /// `Unavailable` when the server cannot be reached. Does not migrate: call
    /// [`PostgresStore::migrate`].
    pub async fn connect(url: &str, max_connections: usize) -> StoreResult<PostgresStore> {
        Ok(PostgresStore { pool: Pool::connect(url, max_connections).await? })
    }

    /// Applies pending migrations; returns the schema version.
    pub async fn migrate(&self) -> StoreResult<i64> {
        migrate::migrate(&self.pool).await
    }

    /// Runs a shared read on a pooled connection.
    async fn read<T, O>(&self, q: Query<T, O>) -> StoreResult<O> {
        on_client!(self, |c| exec::fetch(&c, &q))
    }

    /// Runs a shared single-statement write in autocommit mode; the rows it changed.
    async fn write(&self, w: Exec) -> StoreResult<u64> {
        on_client!(self, |c| exec::write(&c, &w))
    }
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }
    fn expected_schema_version(&self) -> i64 {
        migrate::MIGRATIONS.len() as i64
    }
    fn pool_stats(&self) -> PoolStats {
        self.pool.stats()
    }
    async fn ping(&self) -> StoreResult<()> {
        on_client!(self, |c| rows::query_one(&c, "SELECT 1", &[]))?;
        Ok(())
    }
    async fn schema_version(&self) -> StoreResult<i64> {
        on_client!(self, |c| migrate::current_version(&c))
    }

    async fn create_account(&self, user: &NewUser, org: &Org) -> StoreResult<()> {
        in_transaction!(self, |tx| accounts::create_account(&tx, user, org))
    }
    async fn create_invited_account(
        &self,
        user: &NewUser,
        invite_token_hash: &str,
        now: Millis,
    ) -> StoreResult<(Org, Role)> {
        in_transaction!(self, |tx| orgs::create_invited_account(&tx, user, invite_token_hash, now))
    }
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserWithPassword>> {
        on_client!(self, |c| accounts::user_by_email(&c, email))
    }
    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        on_client!(self, |c| accounts::user(&c, id))
    }

    async fn user_with_memberships(&self, id: UserId) -> StoreResult<Option<(User, Vec<OrgMembership>)>> {
        on_client!(self, |c| async move {
            let Some(user) = accounts::user(&c, id).await? else { return Ok(None) };
            Ok(Some((user, orgs::memberships(&c, id).await?)))
        })
    }
    async fn insert_session(&self, session: &SessionRecord) -> StoreResult<()> {
        on_client!(self, |c| accounts::insert_session(&c, session))
    }
    async fn session_by_hash(&self, token_hash: &str, now: Millis) -> StoreResult<Option<SessionRecord>> {
        on_client!(self, |c| accounts::session_by_hash(&c, token_hash, now))
    }
    async fn delete_session(&self, token_hash: &str) -> StoreResult<bool> {
        on_client!(self, |c| accounts::delete_session(&c, token_hash))
    }
    async fn insert_api_token(&self, token: &ApiTokenRecord) -> StoreResult<()> {
        on_client!(self, |c| accounts::insert_api_token(&c, token))
    }
    async fn api_token_by_hash(&self, token_hash: &str, now: Millis) -> StoreResult<Option<ApiTokenRecord>> {
        on_client!(self, |c| accounts::api_token_by_hash(&c, token_hash, now))
    }
    async fn api_tokens(&self, user: UserId) -> StoreResult<Vec<ApiTokenRecord>> {
        on_client!(self, |c| accounts::api_tokens(&c, user))
    }
    async fn revoke_api_token(&self, user: UserId, id: TokenId, now: Millis) -> StoreResult<bool> {
        on_client!(self, |c| accounts::revoke_api_token(&c, user, id, now))
    }
    async fn touch_api_token(&self, id: TokenId, now: Millis) -> StoreResult<()> {
        on_client!(self, |c| accounts::touch_api_token(&c, id, now))
    }

    async fn memberships(&self, user: UserId) -> StoreResult<Vec<OrgMembership>> {
        on_client!(self, |c| orgs::memberships(&c, user))
    }
    async fn role_in(&self, org: OrgId, user: UserId) -> StoreResult<Option<Role>> {
        on_client!(self, |c| orgs::role_in(&c, org, user))
    }
    async fn members(&self, org: OrgId, after: Option<UserId>, limit: usize) -> StoreResult<Vec<Member>> {
        on_client!(self, |c| orgs::members(&c, org, after, limit))
    }
    async fn member(&self, org: OrgId, user: UserId) -> StoreResult<Option<Member>> {
        on_client!(self, |c| orgs::member(&c, org, user))
    }
    async fn add_member(&self, org: OrgId, user: UserId, role: Role, now: Millis) -> StoreResult<()> {
        on_client!(self, |c| orgs::add_member(&c, org, user, role, now))
    }
    async fn set_member_role(&self, org: OrgId, user: UserId, role: Role) -> StoreResult<()> {
        in_transaction!(self, |tx| orgs::set_member_role(&tx, org, user, role))
    }
    async fn remove_member(&self, org: OrgId, user: UserId) -> StoreResult<()> {
        in_transaction!(self, |tx| orgs::remove_member(&tx, org, user))
    }
    async fn insert_invite(&self, invite: &InviteRecord) -> StoreResult<()> {
        on_client!(self, |c| orgs::insert_invite(&c, invite))
    }
    async fn accept_invite(
        &self,
        token_hash: &str,
        user: UserId,
        email: &str,
        now: Millis,
    ) -> StoreResult<(Org, Role)> {
        in_transaction!(self, |tx| orgs::accept_invite(&tx, token_hash, user, email, now))
    }

    async fn insert_workspace(&self, ws: &Workspace) -> StoreResult<()> {
        in_transaction!(self, |tx| workspaces::insert(&tx, ws))
    }
    async fn workspace(&self, id: WorkspaceId) -> StoreResult<Option<Workspace>> {
        on_client!(self, |c| workspaces::get(&c, id))
    }
    async fn workspaces(
        &self,
        org: OrgId,
        filter: WorkspaceFilter,
        after: Option<WorkspaceId>,
        limit: usize,
    ) -> StoreResult<Vec<Workspace>> {
        on_client!(self, |c| workspaces::list(&c, org, filter, after, limit))
    }
    async fn update_workspace(&self, id: WorkspaceId, patch: &WorkspacePatch, now: Millis) -> StoreResult<Workspace> {
        in_transaction!(self, |tx| workspaces::update(&tx, id, patch, now))
    }
    async fn delete_workspace(&self, id: WorkspaceId) -> StoreResult<bool> {
        on_client!(self, |c| workspaces::delete(&c, id))
    }
    async fn is_workspace_member(&self, ws: WorkspaceId, user: UserId) -> StoreResult<bool> {
        on_client!(self, |c| workspaces::is_member(&c, ws, user))
    }
    async fn add_workspace_member(&self, ws: WorkspaceId, user: UserId, now: Millis) -> StoreResult<()> {
        on_client!(self, |c| workspaces::add_member(&c, ws, user, now))
    }
    async fn remove_workspace_member(&self, ws: WorkspaceId, user: UserId) -> StoreResult<bool> {
        on_client!(self, |c| workspaces::remove_member(&c, ws, user))
    }
    async fn workspace_members(&self, ws: WorkspaceId) -> StoreResult<Vec<WorkspaceMember>> {
        on_client!(self, |c| workspaces::members(&c, ws))
    }
}
