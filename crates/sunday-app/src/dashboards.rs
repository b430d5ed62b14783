//! Dashboards: a workspace's page of widgets over the organization's boards. Who may see the
//! workspace sees its dashboards, who may change the workspace changes them; each widget names
//! boards its author could read when saving, and shows each viewer only what that viewer may
//! read (the web app reads the boards with the viewer's own credentials).

use std::{collections::HashSet, sync::Arc};

use serde_json::Value;
use sunday_domain::text::parse_name;
use sunday_store::{Store, StoreError};
use sunday_types::{
    dashboards::{CreateDashboardRequest, Dashboard, UpdateDashboardRequest, Widget},
    dto::Page,
    time::{now_millis, to_datetime},
    ApiError, DashboardId, ErrorCode, OrgId, WorkspaceId,
};

use crate::{boards::BoardService, workspaces::WorkspaceService, Actor};

/// The most widgets a dashboard holds, and boards a widget reads.
const MAX_WIDGETS: usize = 30;
const MAX_BOARDS: usize = 20;
/// The grid: 12 columns; a widget at most 20 rows tall.
const COLUMNS: u16 = 12;
const MAX_ROWS: u16 = 20;

#[derive(Clone)]
pub struct DashboardService {
    store: Arc<dyn Store>,
    workspaces: WorkspaceService,
    boards: BoardService,
}

fn not_found() -> ApiError {
    ApiError::of(ErrorCode::DashboardNotFound)
}

impl DashboardService {
    pub fn new(store: Arc<dyn Store>, workspaces: WorkspaceService, boards: BoardService) -> DashboardService {
        DashboardService { store, workspaces, boards }
    }

    /// The widgets checked: ids unique, a place on the grid, boards of `org` the actor reads
    /// (a board a widget of `before` already read is not checked again, so moving someone
    /// else's widget needs no access to its boards).
    async fn check(
        &self,
        actor: &Actor,
        org: OrgId,
        widgets: Vec<Widget>,
        before: &[Widget],
    ) -> Result<Vec<Widget>, ApiError> {
        if widgets.len() > MAX_WIDGETS {
            let message = format!("at most {MAX_WIDGETS} widgets");
            return Err(ApiError::validation("widgets", "too_many", message));
        }
        let mut ids = HashSet::new();
        // Each board is checked once, however many widgets read it.
        let mut readable = HashSet::new();
        let mut out = Vec::with_capacity(widgets.len());
        for (i, mut w) in widgets.into_iter().enumerate() {
            let at = |f: &str| format!("widgets[{i}].{f}");
            if w.id.is_empty() || w.id.chars().count() > 40 || !ids.insert(w.id.clone()) {
                let message = "a widget's id is 1 to 40 characters, unique on the dashboard";
                return Err(ApiError::validation(&at("id"), "widget_id", message));
            }
            if w.title.chars().count() > 200 {
                return Err(ApiError::validation(&at("title"), "too_long", "at most 200 characters"));
            }
            let l = w.layout;
            if l.w == 0 || l.h == 0 || l.w > COLUMNS || l.x > COLUMNS - l.w || l.h > MAX_ROWS {
                let message = format!("a widget fits the {COLUMNS}-column grid, 1 to {MAX_ROWS} rows tall");
                return Err(ApiError::validation(&at("layout"), "layout", message));
            }
            if w.board_ids.is_empty() || w.board_ids.len() > MAX_BOARDS {
                let message = format!("a widget reads 1 to {MAX_BOARDS} boards");
                return Err(ApiError::validation(&at("board_ids"), "board_count", message));
            }
            let kept = before.iter().find(|x| x.id == w.id).map(|x| x.board_ids.as_slice()).unwrap_or_default();
            for b in &w.board_ids {
                if kept.contains(b) || readable.contains(b) {
                    continue;
                }
                let access = self.boards.access(actor, *b).await.ok().filter(|a| a.board.org_id == org);
                if access.is_none() {
                    let message = format!("no board `{b}` you can see in this organization");
                    return Err(ApiError::validation(&at("board_ids"), "unknown_board", message));
                }
                readable.insert(*b);
            }
            match &w.settings {
                Value::Null => w.settings = Value::Object(Default::default()),
                Value::Object(_) => {}
                _ => return Err(ApiError::validation(&at("settings"), "type", "a widget's settings are an object")),
            }
            out.push(w);
        }
        Ok(out)
    }

    /// The dashboard if the actor may see its workspace.
    async fn visible(&self, actor: &Actor, id: DashboardId) -> Result<Dashboard, ApiError> {
        let d = self.store.dashboard(id).await?.ok_or_else(not_found)?;
        self.workspaces.visible(actor, d.workspace_id).await.map_err(|_| not_found())?;
        Ok(d)
    }

    pub async fn list(&self, actor: &Actor, ws: WorkspaceId) -> Result<Page<Dashboard>, ApiError> {
        self.workspaces.visible(actor, ws).await?;
        Ok(Page::whole(self.store.dashboards(ws).await?))
    }

    pub async fn get(&self, actor: &Actor, id: DashboardId) -> Result<Dashboard, ApiError> {
        self.visible(actor, id).await
    }

    pub async fn create(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        req: CreateDashboardRequest,
    ) -> Result<Dashboard, ApiError> {
        let workspace = self.workspaces.editable(actor, ws).await?;
        let now = to_datetime(now_millis());
        let d = Dashboard {
            id: DashboardId::new(),
            org_id: workspace.org_id,
            workspace_id: ws,
            name: parse_name("name", &req.name, 100)?,
            widgets: self.check(actor, workspace.org_id, req.widgets, &[]).await?,
            version: 1,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
        };
        self.store.insert_dashboard(&d).await?;
        Ok(d)
    }

    /// Changes the name or replaces the widgets (layout included). With `expected_version` (or
    /// `If-Match`), a dashboard changed since is a `409` carrying it.
    pub async fn update(
        &self,
        actor: &Actor,
        id: DashboardId,
        req: UpdateDashboardRequest,
        if_match: Option<i64>,
    ) -> Result<Dashboard, ApiError> {
        let expected = crate::workspaces::expected_version(if_match, req.expected_version)?;
        let current = self.visible(actor, id).await?;
        self.workspaces.editable(actor, current.workspace_id).await?;
        if expected.is_some_and(|v| v != current.version) {
            return Err(ApiError::version_conflict(&current));
        }
        let mut next = current.clone();
        if let Some(n) = &req.name {
            next.name = parse_name("name", n, 100)?;
        }
        if let Some(w) = req.widgets {
            next.widgets = self.check(actor, current.org_id, w, &current.widgets).await?;
        }
        next.version += 1;
        next.updated_at = to_datetime(now_millis());
        match self.store.update_dashboard(&next, current.version).await {
            Ok(()) => Ok(next),
            Err(StoreError::VersionConflict(stored)) => Err(ApiError::version_conflict(&stored)),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn delete(&self, actor: &Actor, id: DashboardId) -> Result<(), ApiError> {
        let current = self.visible(actor, id).await?;
        self.workspaces.editable(actor, current.workspace_id).await?;
        Ok(self.store.delete_dashboard(id).await?)
    }
}
