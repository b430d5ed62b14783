//! Analytics: questions over many items answered from the aggregates the analytics pipeline
//! keeps from the event log (`POST /analytics/query`, `POST /analytics/report`), not by
//! reading items. Columns are named by id, by title (so one question spans boards whose
//! columns share a title), or by a pseudo-column (`group`, `created_at`, `created_by`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::ids::*;

/// What is measured over the items that pass the filter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "fn", rename_all = "snake_case", deny_unknown_fields)]
pub enum Metric {
    /// How many items.
    Count,
    /// The sum of a number column (items without a number are left out).
    Sum {
        column_id: String,
    },
    /// The average of a number column over the items that have one.
    Avg {
        column_id: String,
    },
    Min {
        column_id: String,
    },
    Max {
        column_id: String,
    },
}

impl Metric {
    /// The number column it reads, if any.
    pub fn column(&self) -> Option<&str> {
        match self {
            Metric::Count => None,
            Metric::Sum { column_id }
            | Metric::Avg { column_id }
            | Metric::Min { column_id }
            | Metric::Max { column_id } => Some(column_id),
        }
    }
}

/// A calendar bucket: days, ISO weeks (from Monday) or months.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Day,
    Week,
    Month,
}

/// How items are split into buckets: by a column's labels, options, people or group
/// (`{"column_id"}`), or by the period of a date or timeline column's day, or of the day an
/// item was created when no column is named (`{"period", "column_id"?}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupBy {
    #[serde(default)]
    pub column_id: Option<String>,
    #[serde(default)]
    pub period: Option<Period>,
}

/// `POST /analytics/query`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalyticsQuery {
    /// 1 to 50 boards of one organization, each readable by the caller.
    pub board_ids: Vec<BoardId>,
    pub metric: Metric,
    /// One bucket for everything when absent.
    #[serde(default)]
    pub group_by: Option<GroupBy>,
    /// A filter as item queries take it (API.md, "Filter, sort, group"), its columns named by
    /// id or title on each board. `name` and `updated_at` are not kept by analytics.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub filter: Option<Value>,
    /// Only items whose day (the grouped period's column, else the day they were created) is
    /// on or after `from` and on or before `to`. With both and a period, empty buckets are
    /// answered too.
    #[serde(default)]
    pub from: Option<NaiveDate>,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// The IANA time zone days are reckoned in (UTC by default).
    #[serde(default)]
    pub tz: Option<String>,
}

/// One bucket of an answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Bucket {
    /// A label's or option's name, a person's or group's id, a period's first day
    /// (`YYYY-MM-DD`), or `""` for items without a value (and for the one bucket of an
    /// ungrouped question).
    pub key: String,
    /// What the key names, where it is not itself a name (a group's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The metric; `null` for an average, minimum or maximum over no numbers.
    pub value: Option<f64>,
    /// Items in the bucket.
    pub count: u64,
}

/// How far the aggregates had read a board's event log when they answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BoardPosition {
    pub board_id: BoardId,
    pub seq: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AnalyticsAnswer {
    pub data: Vec<Bucket>,
    pub positions: Vec<BoardPosition>,
}

/// `POST /analytics/report`: a report derived from status changes over time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "report", rename_all = "snake_case", deny_unknown_fields)]
pub enum ReportRequest {
    /// Time from an item first reaching label `from_label` to its next reaching `to_label` of
    /// a status column, bucketed by when `to_label` was reached (the average hours).
    CycleTime {
        board_ids: Vec<BoardId>,
        column_id: String,
        from_label: String,
        to_label: String,
        #[serde(default)]
        period: Option<Period>,
        #[serde(default)]
        from: Option<NaiveDate>,
        #[serde(default)]
        to: Option<NaiveDate>,
        /// The IANA time zone days are reckoned in (UTC by default).
        #[serde(default)]
        tz: Option<String>,
    },
    /// Items reaching the status column's done label per period (weeks by default).
    Throughput {
        board_ids: Vec<BoardId>,
        /// A status column with a done label; the board's first such column when absent.
        #[serde(default)]
        column_id: Option<String>,
        #[serde(default)]
        period: Option<Period>,
        #[serde(default)]
        from: Option<NaiveDate>,
        #[serde(default)]
        to: Option<NaiveDate>,
        /// The IANA time zone days are reckoned in (UTC by default).
        #[serde(default)]
        tz: Option<String>,
    },
    /// Items of a group not done yet, at the end of each day from `from` to `to`.
    Burndown {
        board_id: BoardId,
        group_id: GroupId,
        #[serde(default)]
        column_id: Option<String>,
        from: NaiveDate,
        to: NaiveDate,
        #[serde(default)]
        tz: Option<String>,
    },
    /// Hours items spent in each label of a status column (the average per stay; `count`
    /// stays), the current stays counted up to now.
    TimeInStatus {
        board_ids: Vec<BoardId>,
        column_id: String,
        #[serde(default)]
        tz: Option<String>,
    },
}

impl ReportRequest {
    /// The time zone it names, if any.
    pub fn tz(&self) -> Option<&str> {
        match self {
            ReportRequest::CycleTime { tz, .. }
            | ReportRequest::Throughput { tz, .. }
            | ReportRequest::Burndown { tz, .. }
            | ReportRequest::TimeInStatus { tz, .. } => tz.as_deref(),
        }
    }
}

/// A cycle time report's spread, in hours.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CycleTimeSummary {
    pub count: u64,
    pub average_hours: Option<f64>,
    pub median_hours: Option<f64>,
    pub p85_hours: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReportAnswer {
    pub data: Vec<Bucket>,
    /// The cycle time report's spread over every item counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<CycleTimeSummary>,
    pub positions: Vec<BoardPosition>,
}

/// How the analytics pipeline is doing on this node (`GET /analytics/status`, `/ready`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AnalyticsStatus {
    /// A rebuild from the event log is under way.
    pub rebuilding: bool,
    pub boards_done: u64,
    pub boards_total: u64,
    /// Boards and items the aggregates hold.
    pub boards: u64,
    pub items: u64,
    /// Events folded in since the node started.
    pub events: u64,
    /// Estimated memory of the aggregates held (`analytics.memory_mib` bounds it).
    pub memory_bytes: u64,
    /// Boards sent to their snapshots to stay within that bound, read back when asked about
    /// (not counted in `boards`, `items` or `events`).
    pub boards_away: u64,
    /// Boards' aggregates read from their snapshots since the node started: at start, and each
    /// time an away board is asked about (a board without a readable snapshot is read from
    /// the event log instead, and not counted).
    pub snapshots_read: u64,
}
