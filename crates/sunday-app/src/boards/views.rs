//! Saved views: a named filter, sort, grouping, hidden columns and per-type settings (the
//! kanban's lane column…) on a board.

use serde_json::Value;
use sunday_domain::{
    filter::{parse_filter, parse_sort},
    text::parse_name,
};
use sunday_store::{BoardWrite, StoreError};
use sunday_types::{
    board_api::{CreateViewRequest, UpdateViewRequest},
    boards::{Column, ColumnType, View, ViewType},
    time::{now_millis, to_datetime},
    ApiError, BoardId, ErrorCode, ViewId,
};

use super::{forms, BoardService, MERGE_RETRIES};
use crate::Actor;

/// Settings that name a column, by view type: which types of column, and what for.
const COLUMN_SETTINGS: &[(ViewType, &str, &[ColumnType], &str)] = &[
    (
        ViewType::Kanban,
        "lane_column",
        &[ColumnType::Status, ColumnType::Dropdown],
        "a kanban's lanes come from a status or dropdown column",
    ),
    (
        ViewType::Calendar,
        "date_column",
        &[ColumnType::Date, ColumnType::Timeline],
        "a calendar's days come from a date or timeline column",
    ),
    (
        ViewType::Timeline,
        "timeline_column",
        &[ColumnType::Timeline, ColumnType::Date],
        "a timeline's bars come from a timeline or date column",
    ),
    (ViewType::Gallery, "cover_column", &[ColumnType::File], "a gallery's covers come from a file column"),
    (ViewType::Workload, "people_column", &[ColumnType::People], "a workload's rows come from a people column"),
    (
        ViewType::Workload,
        "date_column",
        &[ColumnType::Date, ColumnType::Timeline],
        "a workload's weeks come from a date or timeline column",
    ),
];

fn check(columns: &[Column], v: &View) -> Result<(), ApiError> {
    if let Some(f) = v.filter.as_ref().filter(|f| !f.is_null()) {
        parse_filter(f, columns)?;
    }
    if let Some(s) = v.sort.as_ref().filter(|s| !s.is_null()) {
        parse_sort(s, columns)?;
    }
    let column = |id: &str| columns.iter().find(|c| c.id.to_string() == id);
    if let Some(g) = v.group_by.as_deref() {
        if g != "group" && column(g).is_none() {
            return Err(ApiError::validation(
                "group_by",
                "unknown_column",
                "`group_by` is `group` or a column id of this board",
            ));
        }
    }
    if let Some(h) = v.hidden_columns.iter().find(|h| !columns.iter().any(|c| c.id == **h)) {
        return Err(ApiError::validation("hidden_columns", "unknown_column", format!("no column `{h}` on this board")));
    }
    if !v.settings.is_object() {
        return Err(ApiError::validation("settings", "type", "`settings` is an object"));
    }
    for (kind, setting, types, message) in COLUMN_SETTINGS {
        let Some(id) = v.settings.get(*setting).filter(|_| v.view_type == *kind) else { continue };
        if !id.as_str().and_then(column).is_some_and(|c| types.contains(&c.column_type)) {
            return Err(ApiError::validation(&format!("settings.{setting}"), setting, *message));
        }
    }
    match v.view_type {
        ViewType::Timeline => timeline_settings(columns, &v.settings)?,
        ViewType::Chart => chart_settings(columns, &v.settings)?,
        ViewType::Workload => workload_settings(columns, &v.settings)?,
        _ => {}
    }
    Ok(())
}

/// A timeline's rows come from its groups or a column, at a zoom it knows (its bars' column is
/// in [`COLUMN_SETTINGS`]).
fn timeline_settings(columns: &[Column], s: &Value) -> Result<(), ApiError> {
    let column = |id: &str| columns.iter().find(|c| c.id.to_string() == id);
    if let Some(rows) = s.get("rows_by") {
        if !rows.as_str().is_some_and(|r| r == "group" || column(r).is_some()) {
            return Err(ApiError::validation(
                "settings.rows_by",
                "unknown_column",
                "`rows_by` is `group` or a column id of this board",
            ));
        }
    }
    if let Some(zoom) = s.get("zoom") {
        if !zoom.as_str().is_some_and(|z| matches!(z, "day" | "week" | "month" | "quarter")) {
            return Err(ApiError::validation("settings.zoom", "zoom", "`zoom` is day, week, month or quarter"));
        }
    }
    Ok(())
}

/// A chart names columns of its board: what it splits by (`group_by`, `stack_by`) and the
/// number column it sums or averages (`metric.column_id`).
fn chart_settings(columns: &[Column], s: &Value) -> Result<(), ApiError> {
    let column = |id: &str| columns.iter().find(|c| c.id.to_string() == id);
    for field in ["group_by", "stack_by"] {
        if let Some(id) = s.get(field).filter(|v| !v.is_null()) {
            if id.as_str().and_then(column).is_none() {
                let message = format!("`{field}` is a column id of this board");
                return Err(ApiError::validation(&format!("settings.{field}"), "unknown_column", message));
            }
        }
    }
    if let Some(metric) = s.get("metric") {
        metric_settings(columns, metric, &["count", "sum", "avg"])?;
    }
    Ok(())
}

/// A `metric` counts items (`fn: count`) or sums or averages a number column (`column_id`);
/// `fns` are the functions the view knows.
fn metric_settings(columns: &[Column], metric: &Value, fns: &[&str]) -> Result<(), ApiError> {
    let f = metric.get("fn").and_then(Value::as_str).filter(|f| fns.contains(f));
    match f {
        Some("count") => Ok(()),
        Some(_) => {
            let numeric = metric
                .get("column_id")
                .and_then(Value::as_str)
                .and_then(|id| columns.iter().find(|c| c.id.to_string() == id))
                .is_some_and(|c| c.column_type == ColumnType::Number);
            if numeric {
                Ok(())
            } else {
                Err(ApiError::validation(
                    "settings.metric.column_id",
                    "metric_column",
                    "a sum or an average is of a number column",
                ))
            }
        }
        None => {
            let message = format!("`metric.fn` is {}", fns.join(", "));
            Err(ApiError::validation("settings.metric.fn", "metric_fn", message))
        }
    }
}

/// A workload counts items or sums a number column, against a capacity of zero or more.
fn workload_settings(columns: &[Column], s: &Value) -> Result<(), ApiError> {
    if let Some(metric) = s.get("metric") {
        metric_settings(columns, metric, &["count", "sum"])?;
    }
    if let Some(c) = s.get("capacity") {
        if !c.as_f64().is_some_and(|c| c >= 0.0) {
            return Err(ApiError::validation("settings.capacity", "capacity", "`capacity` is a number, 0 or more"));
        }
    }
    Ok(())
}

impl BoardService {
    pub async fn views(&self, actor: &Actor, board: BoardId) -> Result<Vec<View>, ApiError> {
        self.access(actor, board).await?;
        Ok(self.store.views(board).await?.into_iter().map(forms::shown).collect())
    }

    pub async fn view(&self, actor: &Actor, id: ViewId) -> Result<View, ApiError> {
        self.view_as_stored(actor, id).await.map(forms::shown)
    }

    /// The view with what Sunday keeps to itself (a form's secrets), for changing it.
    pub(super) async fn view_as_stored(&self, actor: &Actor, id: ViewId) -> Result<View, ApiError> {
        let view = self.store.view(id).await?.ok_or_else(|| ApiError::of(ErrorCode::ViewNotFound))?;
        self.access(actor, view.board_id).await.map_err(|_| ApiError::of(ErrorCode::ViewNotFound))?;
        Ok(view)
    }

    pub async fn create_view(&self, actor: &Actor, board: BoardId, req: CreateViewRequest) -> Result<View, ApiError> {
        let access = self.access_for_write(actor, board).await?;
        access.require_structure()?;
        let now = to_datetime(now_millis());
        let mut view = View {
            id: ViewId::new(),
            board_id: board,
            name: parse_name("name", &req.name, 100)?,
            view_type: req.view_type,
            filter: req.filter.filter(|f| !f.is_null()),
            sort: req.sort.filter(|s| !s.is_null()),
            group_by: req.group_by,
            hidden_columns: req.hidden_columns.unwrap_or_default(),
            settings: req.settings.unwrap_or_else(|| Value::Object(Default::default())),
            version: 1,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
        };
        let (columns, groups) = self.structure_of(board).await?;
        check(&columns, &view)?;
        if view.view_type == ViewType::Form {
            view.settings = forms::settle(&columns, &groups, &view.settings, None)?;
        }
        self.commit(board, vec![BoardWrite::InsertView(view.clone())], vec![]).await?;
        Ok(forms::shown(view))
    }

    /// Changes the fields named. With `If-Match` (or `expected_version`) a view changed since
    /// is a `409`; without, the change applies to the view as it is when it commits. Either
    /// way the store writes only over the version read, so a concurrent delete stays deleted.
    pub async fn update_view(
        &self,
        actor: &Actor,
        id: ViewId,
        req: UpdateViewRequest,
        if_match: Option<i64>,
    ) -> Result<View, ApiError> {
        let expected = crate::workspaces::expected_version(if_match, req.expected_version)?;
        let name = req.name.as_deref().map(|n| parse_name("name", n, 100)).transpose()?;
        for _ in 0..MERGE_RETRIES {
            let current = self.view_as_stored(actor, id).await?;
            let access = self.access_for_write(actor, current.board_id).await?;
            access.require_structure()?;
            if expected.is_some_and(|v| v != current.version) {
                return Err(ApiError::version_conflict(&forms::shown(current)));
            }
            let mut next = current.clone();
            if let Some(n) = &name {
                next.name.clone_from(n);
            }
            next.view_type = req.view_type.unwrap_or(next.view_type);
            if let Some(f) = &req.filter {
                next.filter = f.clone().filter(|f: &Value| !f.is_null());
            }
            if let Some(s) = &req.sort {
                next.sort = s.clone().filter(|s: &Value| !s.is_null());
            }
            if let Some(g) = &req.group_by {
                next.group_by.clone_from(g);
            }
            if let Some(h) = &req.hidden_columns {
                next.hidden_columns.clone_from(h);
            }
            if let Some(s) = &req.settings {
                next.settings = s.clone();
            } else if current.view_type == ViewType::Form && next.view_type != ViewType::Form {
                // A form turned into another view keeps nothing of the form's secrets.
                next.settings = Value::Object(Default::default());
            }
            next.version += 1;
            next.updated_at = to_datetime(now_millis());
            let (columns, groups) = self.structure_of(current.board_id).await?;
            check(&columns, &next)?;
            if next.view_type == ViewType::Form && (req.settings.is_some() || current.view_type != ViewType::Form) {
                let given = req.settings.clone().unwrap_or_else(|| Value::Object(Default::default()));
                next.settings = forms::settle(&columns, &groups, &given, forms::stored(&current).as_ref())?;
            }
            let write = BoardWrite::UpdateView { view: next.clone(), expected_version: current.version };
            match self.try_commit(current.board_id, vec![write], vec![]).await {
                Ok(_) => return Ok(forms::shown(next)),
                Err(StoreError::VersionConflict(stored)) if expected.is_some() => {
                    return Err(ApiError::version_conflict(&forms::shown_json(stored)));
                }
                Err(StoreError::VersionConflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ApiError::unavailable("the view kept changing under this write; retry"))
    }

    pub async fn delete_view(&self, actor: &Actor, id: ViewId) -> Result<(), ApiError> {
        let current = self.view(actor, id).await?;
        let access = self.access_for_write(actor, current.board_id).await?;
        access.require_structure()?;
        self.commit(current.board_id, vec![BoardWrite::DeleteView(id)], vec![]).await?;
        Ok(())
    }
}
