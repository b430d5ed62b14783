//! Dashboards: a workspace's page of widgets over any of the organization's boards. A widget
//! reads its boards as the viewer may (a board the viewer cannot see shows as such in the
//! widget, and is never counted); its place on the page is a cell of a 12-column grid.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::ids::*;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Dashboard {
    pub id: DashboardId,
    pub org_id: OrgId,
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub widgets: Vec<Widget>,
    pub version: i64,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a widget shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WidgetKind {
    /// One number: items counted, or a number column summed (`settings.metric`).
    Number,
    /// A chart of the items by a column (`settings`: `chart`, `group_by`, `metric`, as the
    /// chart view's, with columns named by title so one widget spans boards).
    Chart,
    /// Progress: the share of items whose status is a "done" label.
    Battery,
    /// The items, with their board.
    Table,
    /// The latest changes on the boards.
    Activity,
    /// Its boards' items on one calendar (`settings.date_column`, as the calendar view's).
    /// Several boards are shown as one: their columns of the same title and type are one.
    Calendar,
    /// Its boards' items on one timeline (`settings.timeline_column`, `zoom`), merged so.
    Timeline,
    /// Its boards' workload (`settings`: as the workload view's), merged so.
    Workload,
    /// A report from the analytics pipeline (`settings.report`: `throughput`, `cycle_time`,
    /// `burndown` or `time_in_status`; `column` a status column's title, `from_label` and
    /// `to_label` for a cycle time, `group_id` for a burndown of the first board's group,
    /// `weeks` of history, 12 by default).
    Report,
}

/// Where a widget sits: columns `x`..`x+w` of 12, rows `y`..`y+h`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WidgetLayout {
    pub x: u16,
    pub y: u16,
    pub w: u16,
    pub h: u16,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Widget {
    /// Chosen by the client, unique within the dashboard (1 to 40 characters).
    pub id: String,
    pub kind: WidgetKind,
    #[serde(default)]
    pub title: String,
    /// The boards it reads (1 to 20, of the dashboard's organization; exactly one for a
    /// calendar, timeline or workload).
    pub board_ids: Vec<BoardId>,
    /// By kind: `metric` (`{"fn": "count"}` or `{"fn": "sum", "column": "<title>"}`),
    /// `group_by` (a column title), `chart` (bar, stacked, line, pie), `limit`.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub settings: Value,
    pub layout: WidgetLayout,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDashboardRequest {
    pub name: String,
    #[serde(default)]
    pub widgets: Vec<Widget>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDashboardRequest {
    pub name: Option<String>,
    pub widgets: Option<Vec<Widget>>,
    /// Refuse (`409`) when the dashboard changed since this version.
    pub expected_version: Option<i64>,
}
