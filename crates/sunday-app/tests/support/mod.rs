//! Shared set-up of the service tests: a fresh [`App`] over a fresh store of either backend,
//! seen through [`Interposed`], a store that can hold a commit back so a test can commit
//! something else in between — a race replayed deterministically.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use serde_json::{json, Value};
use sunday_app::{Actor, App, AppSettings, Credentials};
use sunday_store::*;
use sunday_types::{
    boards::{Board, BoardEvent, BoardPermission, Column, Group, Item, Update, View},
    dto::{Member, Org, OrgMembership, Role, SignupRequest, User, Workspace, WorkspaceMember},
    time::Millis,
    BoardId, GroupId, ItemId, OrgId, TokenId, UpdateId, UserId, ViewId, WorkspaceId,
};
use tokio::sync::oneshot;

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each scenario `async fn case(backend: Backend)` once per backend.
#[macro_export]
macro_rules! backend_tests {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $case() {
                super::$case($crate::support::Backend::Sqlite).await
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $case() {
                super::$case($crate::support::Backend::Postgres).await
            })*
        }
    };
}

/// The services over a fresh store; the store's files or scratch database live as long as
/// this value.
pub struct TestApp {
    pub app: App,
    pub store: Arc<Interposed>,
    _dir: tempfile::TempDir,
    _pg: Option<sunday_store_postgres::testing::ScratchDb>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let (inner, pg): (Arc<dyn Store>, _) = match backend {
            Backend::Sqlite => {
                let store = sunday_store_sqlite::SqliteStore::open(&dir.path().join("sunday.db"), 2).await.unwrap();
                store.migrate().await.unwrap();
                (Arc::new(store), None)
            }
            Backend::Postgres => {
                use sunday_store_postgres::testing::{admin_url, create_scratch_database};
                let (url, guard) = create_scratch_database(&admin_url()).await.unwrap();
                let store = sunday_store_postgres::PostgresStore::connect(&url, 4).await.unwrap();
                store.migrate().await.unwrap();
                (Arc::new(store), Some(guard))
            }
        };
        let store = Arc::new(Interposed { inner, pause: Mutex::new(None) });
        let settings = AppSettings {
            session_ttl_ms: 3_600_000,
            invite_ttl_ms: 3_600_000,
            argon2_memory_kib: 64,
            argon2_iterations: 1,
            hash_concurrency: 0,
            login_failures_per_account: 100,
            login_failures_per_ip: 100,
            login_window_secs: 60,
            auth_cache_secs: 1,
            engine_memory_bytes: 64 << 20,
            files: Default::default(),
            search: Default::default(),
            analytics: None,
            automations: Default::default(),
            boards: Default::default(),
            webhooks: Default::default(),
            mail: None,
        };
        let bus: sunday_bus::DynBus = Arc::new(sunday_bus::InProcessBus::new(1024));
        let app = App::new(store.clone(), bus, settings);
        app.start();
        TestApp { app, store, _dir: dir, _pg: pg }
    }

    /// A new user (owner of a new organization) with a workspace and a blank board.
    pub async fn owner_with_board(&self, email: &str) -> (Actor, Board) {
        let signup: SignupRequest =
            parse(json!({"email": email, "password": "correct horse battery staple", "name": "Owner"}));
        let user = self.app.accounts.signup(signup).await.unwrap().user;
        let actor = Actor {
            user_id: user.id,
            credentials: Credentials::Session { token_hash: "test".into(), csrf_token: "test".into() },
        };
        let ws = self.app.workspaces.create(&actor, parse(json!({"name": "W"}))).await.unwrap();
        let board =
            self.app.boards.create_board(&actor, parse(json!({"name": "B", "workspace_id": ws.id}))).await.unwrap();
        (actor, board)
    }
}

/// A request DTO from its JSON, as a client would send it.
pub fn parse<T: serde::de::DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).unwrap()
}

/// A store that delegates everything to a real backend, except that one commit can be held
/// back ([`Interposed::hold_next_commit`]).
pub struct Interposed {
    inner: Arc<dyn Store>,
    pause: Mutex<Option<Hold>>,
}

struct Hold {
    reached: oneshot::Sender<()>,
    release: oneshot::Receiver<()>,
}

/// A commit held back: [`Held::reached`] resolves once a service called it.
pub struct Held {
    reached: oneshot::Receiver<()>,
    release: oneshot::Sender<()>,
}

impl Held {
    /// Waits until the held commit was called; it runs once the returned sender fires.
    pub async fn reached(self) -> oneshot::Sender<()> {
        self.reached.await.unwrap();
        self.release
    }
}

impl Interposed {
    /// The next commit, when called, waits until the test releases it (before touching the
    /// store); later commits run as usual.
    pub fn hold_next_commit(&self) -> Held {
        let (reached_tx, reached_rx) = oneshot::channel();
        let (release_tx, release_rx) = oneshot::channel();
        *self.pause.lock().unwrap() = Some(Hold { reached: reached_tx, release: release_rx });
        Held { reached: reached_rx, release: release_tx }
    }

    async fn pause_if_armed(&self) {
        let hold = self.pause.lock().unwrap().take();
        if let Some(hold) = hold {
            hold.reached.send(()).unwrap();
            hold.release.await.unwrap();
        }
    }
}

// Plain delegation from here on.

#[async_trait]
impl Store for Interposed {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }

    fn migrations(&self) -> &'static [sunday_store::migrations::Migration] {
        self.inner.migrations()
    }

    fn pool_stats(&self) -> PoolStats {
        self.inner.pool_stats()
    }

    async fn ping(&self) -> StoreResult<()> {
        self.inner.ping().await
    }

    async fn schema_version(&self) -> StoreResult<i64> {
        self.inner.schema_version().await
    }
    async fn purge_expired(&self, now: Millis, keys_before: Millis) -> StoreResult<u64> {
        self.inner.purge_expired(now, keys_before).await
    }

    async fn export_org(&self, org: OrgId) -> StoreResult<Vec<TableRows>> {
        self.inner.export_org(org).await
    }

    async fn import_org(&self, org: OrgId, tables: Vec<TableRows>) -> StoreResult<()> {
        self.inner.import_org(org, tables).await
    }

    async fn export_instance(&self) -> StoreResult<Vec<TableRows>> {
        self.inner.export_instance().await
    }

    async fn restore_instance(&self, tables: Vec<TableRows>, replace: bool) -> StoreResult<()> {
        self.inner.restore_instance(tables, replace).await
    }

    async fn create_account(&self, user: &NewUser, org: &Org) -> StoreResult<()> {
        self.inner.create_account(user, org).await
    }

    async fn create_invited_account(
        &self,
        user: &NewUser,
        invite_token_hash: &str,
        now: Millis,
    ) -> StoreResult<(Org, Role)> {
        self.inner.create_invited_account(user, invite_token_hash, now).await
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserWithPassword>> {
        self.inner.user_by_email(email).await
    }

    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        self.inner.user(id).await
    }

    async fn user_with_memberships(&self, id: UserId) -> StoreResult<Option<(User, Vec<OrgMembership>)>> {
        self.inner.user_with_memberships(id).await
    }

    async fn insert_session(&self, session: &SessionRecord) -> StoreResult<()> {
        self.inner.insert_session(session).await
    }

    async fn session_by_hash(&self, token_hash: &str, now: Millis) -> StoreResult<Option<SessionRecord>> {
        self.inner.session_by_hash(token_hash, now).await
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<bool> {
        self.inner.delete_session(token_hash).await
    }

    async fn insert_api_token(&self, token: &ApiTokenRecord) -> StoreResult<()> {
        self.inner.insert_api_token(token).await
    }

    async fn api_token_by_hash(&self, token_hash: &str, now: Millis) -> StoreResult<Option<ApiTokenRecord>> {
        self.inner.api_token_by_hash(token_hash, now).await
    }

    async fn api_tokens(&self, user: UserId) -> StoreResult<Vec<ApiTokenRecord>> {
        self.inner.api_tokens(user).await
    }

    async fn revoke_api_token(&self, user: UserId, id: TokenId, now: Millis) -> StoreResult<bool> {
        self.inner.revoke_api_token(user, id, now).await
    }

    async fn touch_api_token(&self, id: TokenId, now: Millis) -> StoreResult<()> {
        self.inner.touch_api_token(id, now).await
    }

    async fn memberships(&self, user: UserId) -> StoreResult<Vec<OrgMembership>> {
        self.inner.memberships(user).await
    }

    async fn role_in(&self, org: OrgId, user: UserId) -> StoreResult<Option<Role>> {
        self.inner.role_in(org, user).await
    }

    async fn members(&self, org: OrgId, after: Option<UserId>, limit: usize) -> StoreResult<Vec<Member>> {
        self.inner.members(org, after, limit).await
    }

    async fn member(&self, org: OrgId, user: UserId) -> StoreResult<Option<Member>> {
        self.inner.member(org, user).await
    }

    async fn add_member(&self, org: OrgId, user: UserId, role: Role, now: Millis) -> StoreResult<()> {
        self.inner.add_member(org, user, role, now).await
    }

    async fn set_member_role(&self, org: OrgId, user: UserId, role: Role) -> StoreResult<()> {
        self.inner.set_member_role(org, user, role).await
    }

    async fn remove_member(&self, org: OrgId, user: UserId) -> StoreResult<()> {
        self.inner.remove_member(org, user).await
    }

    async fn insert_invite(&self, invite: &InviteRecord) -> StoreResult<()> {
        self.inner.insert_invite(invite).await
    }

    async fn accept_invite(
        &self,
        token_hash: &str,
        user: UserId,
        email: &str,
        now: Millis,
    ) -> StoreResult<(Org, Role)> {
        self.inner.accept_invite(token_hash, user, email, now).await
    }

    async fn insert_workspace(&self, ws: &Workspace) -> StoreResult<()> {
        self.inner.insert_workspace(ws).await
    }

    async fn workspace(&self, id: WorkspaceId) -> StoreResult<Option<Workspace>> {
        self.inner.workspace(id).await
    }

    async fn workspaces(
        &self,
        org: OrgId,
        filter: WorkspaceFilter,
        after: Option<WorkspaceId>,
        limit: usize,
    ) -> StoreResult<Vec<Workspace>> {
        self.inner.workspaces(org, filter, after, limit).await
    }

    async fn update_workspace(&self, id: WorkspaceId, patch: &WorkspacePatch, now: Millis) -> StoreResult<Workspace> {
        self.inner.update_workspace(id, patch, now).await
    }

    async fn delete_workspace(&self, id: WorkspaceId) -> StoreResult<bool> {
        self.inner.delete_workspace(id).await
    }

    async fn is_workspace_member(&self, ws: WorkspaceId, user: UserId) -> StoreResult<bool> {
        self.inner.is_workspace_member(ws, user).await
    }

    async fn add_workspace_member(&self, ws: WorkspaceId, user: UserId, now: Millis) -> StoreResult<()> {
        self.inner.add_workspace_member(ws, user, now).await
    }

    async fn remove_workspace_member(&self, ws: WorkspaceId, user: UserId) -> StoreResult<bool> {
        self.inner.remove_workspace_member(ws, user).await
    }

    async fn workspace_members(&self, ws: WorkspaceId) -> StoreResult<Vec<WorkspaceMember>> {
        self.inner.workspace_members(ws).await
    }
    async fn dashboards(&self, ws: WorkspaceId) -> StoreResult<Vec<sunday_types::dashboards::Dashboard>> {
        self.inner.dashboards(ws).await
    }
    async fn dashboard(
        &self,
        id: sunday_types::DashboardId,
    ) -> StoreResult<Option<sunday_types::dashboards::Dashboard>> {
        self.inner.dashboard(id).await
    }
    async fn insert_dashboard(&self, d: &sunday_types::dashboards::Dashboard) -> StoreResult<()> {
        self.inner.insert_dashboard(d).await
    }
    async fn update_dashboard(
        &self,
        d: &sunday_types::dashboards::Dashboard,
        expected_version: i64,
    ) -> StoreResult<()> {
        self.inner.update_dashboard(d, expected_version).await
    }
    async fn delete_dashboard(&self, id: sunday_types::DashboardId) -> StoreResult<()> {
        self.inner.delete_dashboard(id).await
    }
}

#[async_trait]
impl BoardStore for Interposed {
    async fn commit(
        &self,
        board: BoardId,
        writes: Vec<BoardWrite>,
        events: Vec<NewEvent>,
        now: Millis,
    ) -> StoreResult<Committed> {
        self.pause_if_armed().await;
        self.inner.commit(board, writes, events, now).await
    }

    async fn commit_across(
        &self,
        parts: Vec<(BoardId, Vec<BoardWrite>, Vec<NewEvent>)>,
        now: Millis,
    ) -> StoreResult<Committed> {
        self.pause_if_armed().await;
        self.inner.commit_across(parts, now).await
    }

    async fn reserve_auto_numbers(&self, board: BoardId, n: i64) -> StoreResult<i64> {
        self.inner.reserve_auto_numbers(board, n).await
    }

    async fn board(&self, id: BoardId) -> StoreResult<Option<Board>> {
        self.inner.board(id).await
    }

    async fn boards(
        &self,
        org: OrgId,
        workspace: Option<WorkspaceId>,
        filter: BoardFilter,
        after: Option<BoardId>,
        limit: usize,
    ) -> StoreResult<Vec<Board>> {
        self.inner.boards(org, workspace, filter, after, limit).await
    }

    async fn board_and_grant(&self, board: BoardId, user: UserId) -> StoreResult<Option<(Board, BoardGrant)>> {
        self.inner.board_and_grant(board, user).await
    }

    async fn board_members(&self, board: BoardId) -> StoreResult<Vec<(UserId, BoardPermission)>> {
        self.inner.board_members(board).await
    }

    async fn structure_version(&self, board: BoardId) -> StoreResult<i64> {
        self.inner.structure_version(board).await
    }

    async fn columns(&self, board: BoardId) -> StoreResult<Vec<Column>> {
        self.inner.columns(board).await
    }

    async fn relations_to(&self, board: BoardId) -> StoreResult<Vec<(BoardId, Column)>> {
        self.inner.relations_to(board).await
    }

    async fn past_links(&self, board: BoardId) -> StoreResult<Vec<(sunday_types::ColumnId, BoardId)>> {
        self.inner.past_links(board).await
    }

    async fn groups(&self, board: BoardId, viewer: Option<UserId>) -> StoreResult<Vec<Group>> {
        self.inner.groups(board, viewer).await
    }

    async fn item(&self, id: ItemId) -> StoreResult<Option<Item>> {
        self.inner.item(id).await
    }

    async fn item_board(&self, id: ItemId) -> StoreResult<Option<BoardId>> {
        self.inner.item_board(id).await
    }

    async fn items(
        &self,
        board: BoardId,
        group: Option<GroupId>,
        after: Option<ItemCursor>,
        limit: usize,
    ) -> StoreResult<Vec<Item>> {
        self.inner.items(board, group, after, limit).await
    }

    async fn all_items(&self, board: BoardId) -> StoreResult<Vec<Item>> {
        self.inner.all_items(board).await
    }

    async fn subitems(&self, parent: ItemId) -> StoreResult<Vec<Item>> {
        self.inner.subitems(parent).await
    }

    async fn subtree(&self, root: ItemId) -> StoreResult<Vec<Item>> {
        self.inner.subtree(root).await
    }

    async fn archived_items(&self, board: BoardId, after: Option<ItemCursor>, limit: usize) -> StoreResult<Vec<Item>> {
        self.inner.archived_items(board, after, limit).await
    }

    async fn update_counts(&self, board: BoardId) -> StoreResult<Vec<(ItemId, i64)>> {
        self.inner.update_counts(board).await
    }

    async fn events_after(&self, board: BoardId, after: i64, limit: usize) -> StoreResult<Vec<BoardEvent>> {
        self.inner.events_after(board, after, limit).await
    }

    async fn events_before(
        &self,
        board: BoardId,
        item: Option<ItemId>,
        before: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<BoardEvent>> {
        self.inner.events_before(board, item, before, limit).await
    }

    async fn updates(&self, item: ItemId) -> StoreResult<Vec<Update>> {
        self.inner.updates(item).await
    }

    async fn update(&self, id: UpdateId) -> StoreResult<Option<Update>> {
        self.inner.update(id).await
    }

    async fn views(&self, board: BoardId) -> StoreResult<Vec<View>> {
        self.inner.views(board).await
    }

    async fn view(&self, id: ViewId) -> StoreResult<Option<View>> {
        self.inner.view(id).await
    }

    async fn automations(&self, board: BoardId) -> StoreResult<Vec<sunday_types::automations::Automation>> {
        self.inner.automations(board).await
    }

    async fn automation(
        &self,
        id: sunday_types::AutomationId,
    ) -> StoreResult<Option<sunday_types::automations::Automation>> {
        self.inner.automation(id).await
    }

    async fn automation_runs(
        &self,
        of: RunsOf,
        before: Option<(i64, sunday_types::RunId)>,
        limit: usize,
    ) -> StoreResult<Vec<sunday_types::automations::AutomationRun>> {
        self.inner.automation_runs(of, before, limit).await
    }

    async fn seq_before(&self, board: BoardId, at: Millis) -> StoreResult<i64> {
        self.inner.seq_before(board, at).await
    }

    async fn scheduled_automations(&self) -> StoreResult<Vec<(sunday_types::automations::Automation, i64)>> {
        self.inner.scheduled_automations().await
    }

    async fn links(&self, board: BoardId) -> StoreResult<Vec<sunday_types::links::BoardLink>> {
        self.inner.links(board).await
    }

    async fn link(&self, id: sunday_types::LinkId) -> StoreResult<Option<sunday_types::links::BoardLink>> {
        self.inner.link(id).await
    }

    async fn link_by_token(&self, token_hash: &str) -> StoreResult<Option<sunday_types::links::BoardLink>> {
        self.inner.link_by_token(token_hash).await
    }

    async fn automation_run(
        &self,
        id: sunday_types::RunId,
    ) -> StoreResult<Option<sunday_types::automations::AutomationRun>> {
        self.inner.automation_run(id).await
    }

    async fn idempotency_record(&self, user: UserId, key: &str) -> StoreResult<Option<IdempotencyRecord>> {
        self.inner.idempotency_record(user, key).await
    }

    async fn save_idempotent_response(
        &self,
        user: UserId,
        key: &str,
        response: &IdempotentResponse,
        now: Millis,
    ) -> StoreResult<()> {
        self.inner.save_idempotent_response(user, key, response, now).await
    }

    async fn complete_idempotency_key(
        &self,
        user: UserId,
        key: &str,
        response: &IdempotentResponse,
    ) -> StoreResult<()> {
        self.inner.complete_idempotency_key(user, key, response).await
    }

    async fn release_idempotency_key(&self, user: UserId, key: &str, request_hash: &str) -> StoreResult<()> {
        self.inner.release_idempotency_key(user, key, request_hash).await
    }
}

mod files;
mod passthrough;
