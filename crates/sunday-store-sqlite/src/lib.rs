//! The embedded default store: SQLite through rusqlite.
//!
//! One writer connection (SQLite allows one writer at a time; queuing in-process is cheaper
//! than `SQLITE_BUSY` retries) and a small pool of reader connections, all in WAL mode so
//! readers never block the writer. Calls run on tokio's blocking pool. rusqlite was chosen
//! over sqlx's SQLite driver after measuring about 10x more inserts and 60x more point reads
//! per second on this machine (ARCHITECTURE.md, "Choices already measured").
//!
//! The board side's SQL (statements, row decoders, the commit plan) is written once in
//! `sunday-store-sql` and run here by `exec`; the remaining areas keep their SQL in per-area
//! modules as plain synchronous functions over a connection. The [`Store`] impls only pick
//! the reader or writer side and the transaction.

mod accounts;
mod board_store;
mod cursors;
mod exec;
mod notifications;
mod orgs;
mod pool;
mod rows;
mod workspaces;

use std::path::Path;

use async_trait::async_trait;
use rusqlite::Connection;
use sunday_store::*;
use sunday_store_sql::{Exec, Query};
use sunday_types::{
    dto::{Member, Org, OrgMembership, Role, User, Workspace, WorkspaceMember},
    time::Millis,
    OrgId, TokenId, UserId, WorkspaceId,
};

use pool::Pool;

/// Migrations in order; the version of each is its position (1-based).
const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_accounts", include_str!("../migrations/0001_accounts.sql")),
    ("0002_boards", include_str!("../migrations/0002_boards.sql")),
    ("0003_notifications", include_str!("../migrations/0003_notifications.sql")),
    ("0004_idempotency_reservations", include_str!("../migrations/0004_idempotency_reservations.sql")),
    ("0005_board_structure_version", include_str!("../migrations/0005_board_structure_version.sql")),
    ("0006_event_cursors", include_str!("../migrations/0006_event_cursors.sql")),
];

pub struct SqliteStore {
    pool: Pool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file with `readers` reader connections.
    /// Does not migrate: call [`SqliteStore::migrate`].
    pub async fn open(path: &Path, readers: usize) -> StoreResult<SqliteStore> {
        let path = path.to_owned();
        let pool = tokio::task::spawn_blocking(move || Pool::open(&path, readers.max(1)))
            .await
            .map_err(StoreError::internal)??;
        Ok(SqliteStore { pool })
    }

    /// Applies pending migrations; returns the schema version.
    pub async fn migrate(&self) -> StoreResult<i64> {
        self.pool.write(migrate).await
    }

    /// Runs a shared read on a reader connection.
    async fn read<T: 'static, O: Send + 'static>(&self, q: Query<T, O>) -> StoreResult<O> {
        self.pool.read(move |c| exec::fetch(c, &q)).await
    }

    /// Runs a shared single-statement write on the writer; the rows it changed.
    async fn write(&self, w: Exec) -> StoreResult<u64> {
        self.pool.write(move |c| exec::write(c, &w)).await
    }
}

fn migrate(conn: &mut Connection) -> StoreResult<i64> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL,
            CONSTRAINT schema_migrations_pkey PRIMARY KEY (version))",
    )
    .map_err(rows::db_err)?;
    let current = current_version(conn)?;
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate() {
        let version = i as i64 + 1;
        if version <= current {
            continue;
        }
        let tx = conn.transaction().map_err(rows::db_err)?;
        tx.execute_batch(sql).map_err(rows::db_err)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![version, name, sunday_types::time::now_millis()],
        )
        .map_err(rows::db_err)?;
        tx.commit().map_err(rows::db_err)?;
        tracing::info!(version, name, "applied sqlite migration");
    }
    current_version(conn)
}

fn current_version(conn: &Connection) -> StoreResult<i64> {
    let has_table: bool = conn
        .query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
            [],
            |r| r.get(0),
        )
        .map_err(rows::db_err)?;
    if !has_table {
        return Ok(0);
    }
    conn.query_row("SELECT coalesce(max(version), 0) FROM schema_migrations", [], |r| r.get(0)).map_err(rows::db_err)
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }
    fn expected_schema_version(&self) -> i64 {
        MIGRATIONS.len() as i64
    }
    fn pool_stats(&self) -> PoolStats {
        self.pool.stats()
    }
    async fn ping(&self) -> StoreResult<()> {
        self.pool.read(|c| c.query_row("SELECT 1", [], |_| Ok(())).map_err(rows::db_err)).await
    }
    async fn schema_version(&self) -> StoreResult<i64> {
        self.pool.read(current_version).await
    }

    async fn create_account(&self, user: &NewUser, org: &Org) -> StoreResult<()> {
        let (user, org) = (user.clone(), org.clone());
        self.pool.transaction(move |tx| accounts::create_account(tx, &user, &org)).await
    }
    async fn create_invited_account(
        &self,
        user: &NewUser,
        invite_token_hash: &str,
        now: Millis,
    ) -> StoreResult<(Org, Role)> {
        let (user, hash) = (user.clone(), invite_token_hash.to_owned());
        self.pool.transaction(move |tx| orgs::create_invited_account(tx, &user, &hash, now)).await
    }
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserWithPassword>> {
        let email = email.to_owned();
        self.pool.read(move |c| accounts::user_by_email(c, &email)).await
    }
    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        self.pool.read(move |c| accounts::user(c, id)).await
    }

    async fn user_with_memberships(&self, id: UserId) -> StoreResult<Option<(User, Vec<OrgMembership>)>> {
        self.pool.read(move |c| accounts::user_with_memberships(c, id)).await
    }
    async fn insert_session(&self, session: &SessionRecord) -> StoreResult<()> {
        let s = session.clone();
        self.pool.write(move |c| accounts::insert_session(c, &s)).await
    }
    async fn session_by_hash(&self, token_hash: &str, now: Millis) -> StoreResult<Option<SessionRecord>> {
        let hash = token_hash.to_owned();
        self.pool.read(move |c| accounts::session_by_hash(c, &hash, now)).await
    }
    async fn delete_session(&self, token_hash: &str) -> StoreResult<bool> {
        let hash = token_hash.to_owned();
        self.pool.write(move |c| accounts::delete_session(c, &hash)).await
    }
    async fn insert_api_token(&self, token: &ApiTokenRecord) -> StoreResult<()> {
        let t = token.clone();
        self.pool.write(move |c| accounts::insert_api_token(c, &t)).await
    }
    async fn api_token_by_hash(&self, token_hash: &str, now: Millis) -> StoreResult<Option<ApiTokenRecord>> {
        let hash = token_hash.to_owned();
        self.pool.read(move |c| accounts::api_token_by_hash(c, &hash, now)).await
    }
    async fn api_tokens(&self, user: UserId) -> StoreResult<Vec<ApiTokenRecord>> {
        self.pool.read(move |c| accounts::api_tokens(c, user)).await
    }
    async fn revoke_api_token(&self, user: UserId, id: TokenId, now: Millis) -> StoreResult<bool> {
        self.pool.write(move |c| accounts::revoke_api_token(c, user, id, now)).await
    }
    async fn touch_api_token(&self, id: TokenId, now: Millis) -> StoreResult<()> {
        self.pool.write(move |c| accounts::touch_api_token(c, id, now)).await
    }

    async fn memberships(&self, user: UserId) -> StoreResult<Vec<OrgMembership>> {
        self.pool.read(move |c| orgs::memberships(c, user)).await
    }
    async fn role_in(&self, org: OrgId, user: UserId) -> StoreResult<Option<Role>> {
        self.pool.read(move |c| orgs::role_in(c, org, user)).await
    }
    async fn members(&self, org: OrgId, after: Option<UserId>, limit: usize) -> StoreResult<Vec<Member>> {
        self.pool.read(move |c| orgs::members(c, org, after, limit)).await
    }
    async fn member(&self, org: OrgId, user: UserId) -> StoreResult<Option<Member>> {
        self.pool.read(move |c| orgs::member(c, org, user)).await
    }
    async fn add_member(&self, org: OrgId, user: UserId, role: Role, now: Millis) -> StoreResult<()> {
        self.pool.transaction(move |tx| orgs::add_member(tx, org, user, role, now)).await
    }
    async fn set_member_role(&self, org: OrgId, user: UserId, role: Role) -> StoreResult<()> {
        self.pool.transaction(move |tx| orgs::set_member_role(tx, org, user, role)).await
    }
    async fn remove_member(&self, org: OrgId, user: UserId) -> StoreResult<()> {
        self.pool.transaction(move |tx| orgs::remove_member(tx, org, user)).await
    }
    async fn insert_invite(&self, invite: &InviteRecord) -> StoreResult<()> {
        let inv = invite.clone();
        self.pool.write(move |c| orgs::insert_invite(c, &inv)).await
    }
    async fn accept_invite(
        &self,
        token_hash: &str,
        user: UserId,
        email: &str,
        now: Millis,
    ) -> StoreResult<(Org, Role)> {
        let (hash, email) = (token_hash.to_owned(), email.to_owned());
        self.pool.transaction(move |tx| orgs::accept_invite(tx, &hash, user, &email, now)).await
    }

    async fn insert_workspace(&self, ws: &Workspace) -> StoreResult<()> {
        let ws = ws.clone();
        self.pool.transaction(move |tx| workspaces::insert(tx, &ws)).await
    }
    async fn workspace(&self, id: WorkspaceId) -> StoreResult<Option<Workspace>> {
        self.pool.read(move |c| workspaces::get(c, id)).await
    }
    async fn workspaces(
        &self,
        org: OrgId,
        filter: WorkspaceFilter,
        after: Option<WorkspaceId>,
        limit: usize,
    ) -> StoreResult<Vec<Workspace>> {
        self.pool.read(move |c| workspaces::list(c, org, filter, after, limit)).await
    }
    async fn update_workspace(&self, id: WorkspaceId, patch: &WorkspacePatch, now: Millis) -> StoreResult<Workspace> {
        let patch = patch.clone();
        self.pool.transaction(move |tx| workspaces::update(tx, id, &patch, now)).await
    }
    async fn delete_workspace(&self, id: WorkspaceId) -> StoreResult<bool> {
        self.pool.write(move |c| workspaces::delete(c, id)).await
    }
    async fn is_workspace_member(&self, ws: WorkspaceId, user: UserId) -> StoreResult<bool> {
        self.pool.read(move |c| workspaces::is_member(c, ws, user)).await
    }
    async fn add_workspace_member(&self, ws: WorkspaceId, user: UserId, now: Millis) -> StoreResult<()> {
        self.pool.write(move |c| workspaces::add_member(c, ws, user, now)).await
    }
    async fn remove_workspace_member(&self, ws: WorkspaceId, user: UserId) -> StoreResult<bool> {
        self.pool.write(move |c| workspaces::remove_member(c, ws, user)).await
    }
    async fn workspace_members(&self, ws: WorkspaceId) -> StoreResult<Vec<WorkspaceMember>> {
        self.pool.read(move |c| workspaces::members(c, ws)).await
    }
}
