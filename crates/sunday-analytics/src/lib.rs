//! Analytics: the aggregates Sunday keeps from the event log, and the questions and reports
//! answered from them (the design's Analytics service; ClickHouse's role).
//!
//! Each board's items are held as columns ([`BoardFacts`]): every column dictionary-encoded
//! (one small integer per item, each distinct value decoded once), plus the facts only the
//! event log has: when each item entered its status label, every label change, and time spent
//! in each label. A question over a million items is a scan of integers, a filter is evaluated
//! once per distinct value (with the item queries' own evaluator, so it means the same), and
//! a snapshot written now and then lets a restart skip the log it already read.
//!
//! Pure: the follower that feeds it (`sunday-app`'s `analytics`) reads the log and checks who
//! may ask about which boards.

mod facts;
mod query;
mod report;
mod snapshot;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use sunday_domain::filter::{parse_tz, EvalContext};
use sunday_types::{
    analytics::{AnalyticsAnswer, AnalyticsQuery, BoardPosition, ReportAnswer, ReportRequest},
    ApiError, UserId,
};

pub use facts::BoardFacts;
pub use query::{period_start, MAX_BUCKETS};
pub use snapshot::SnapshotError;

/// The most boards one question may read.
pub const MAX_BOARDS: usize = 50;

/// The boards a question names: 1 to [`MAX_BOARDS`], each once.
pub fn check_boards(ids: &[sunday_types::BoardId]) -> Result<(), ApiError> {
    if ids.is_empty() || ids.len() > MAX_BOARDS {
        return Err(ApiError::validation("board_ids", "count", format!("name 1 to {MAX_BOARDS} boards")));
    }
    let mut seen = std::collections::HashSet::new();
    if !ids.iter().all(|id| seen.insert(*id)) {
        return Err(ApiError::validation("board_ids", "duplicate", "a board is named twice"));
    }
    Ok(())
}

fn positions(boards: &[&BoardFacts]) -> Vec<BoardPosition> {
    boards.iter().map(|b| BoardPosition { board_id: b.board(), seq: b.seq() }).collect()
}

fn check_range(from: Option<chrono::NaiveDate>, to: Option<chrono::NaiveDate>) -> Result<(), ApiError> {
    use chrono::Datelike;
    for (field, day) in [("from", from), ("to", to)] {
        if day.is_some_and(|d| !(1..=9999).contains(&d.year())) {
            return Err(ApiError::validation(field, "out_of_range", "a day between the years 1 and 9999"));
        }
    }
    match (from, to) {
        (Some(f), Some(t)) if f > t => Err(ApiError::validation("from", "after_to", "`from` is after `to`")),
        _ => Ok(()),
    }
}

/// Answers `q` over `boards` (the ones it names, already checked readable by `user`).
pub fn query(
    boards: &[&BoardFacts],
    q: &AnalyticsQuery,
    now: DateTime<Utc>,
    user: UserId,
) -> Result<AnalyticsAnswer, ApiError> {
    check_boards(&q.board_ids)?;
    check_range(q.from, q.to)?;
    let ctx = EvalContext { now, tz: parse_tz(q.tz.as_deref())?, user: Some(user) };
    let question = query::Question {
        metric: &q.metric,
        group_by: q.group_by.as_ref(),
        filter: q.filter.as_ref(),
        from: q.from,
        to: q.to,
        ctx: &ctx,
    };
    let mut merged = query::Merged::new();
    for board in boards {
        board.answer(&question, &mut merged)?;
    }
    let fill = match (q.group_by.as_ref().and_then(|g| g.period), q.from, q.to) {
        (Some(p), Some(from), Some(to)) => Some((p, from, to)),
        _ => None,
    };
    Ok(AnalyticsAnswer { data: query::buckets(&q.metric, merged, fill)?, positions: positions(boards) })
}

/// Answers a report over `boards` (the ones it names, already checked readable).
pub fn report(boards: &[&BoardFacts], r: &ReportRequest, now: DateTime<Utc>) -> Result<ReportAnswer, ApiError> {
    use sunday_types::analytics::{Bucket, Metric, Period};
    let tz = parse_tz(r.tz())?;
    let mut merged = query::Merged::new();
    let mut summary = None;
    let mut metric = Metric::Count;
    match r {
        ReportRequest::Throughput { board_ids, column_id, period, from, to, .. } => {
            check_boards(board_ids)?;
            check_range(*from, *to)?;
            let period = period.unwrap_or(Period::Week);
            let window = report::Window { period, from: *from, to: *to, tz };
            for board in boards {
                let column = report::done_column(board, column_id.as_deref())?;
                report::throughput(board, column, &window, &mut merged);
            }
            if let (Some(f), Some(t)) = (from, to) {
                return Ok(ReportAnswer {
                    data: query::buckets(&metric, merged, Some((period, *f, *t)))?,
                    summary: None,
                    positions: positions(boards),
                });
            }
        }
        ReportRequest::CycleTime { board_ids, column_id, from_label, to_label, period, from, to, .. } => {
            check_boards(board_ids)?;
            check_range(*from, *to)?;
            metric = Metric::Avg { column_id: String::new() };
            let mut spans = Vec::new();
            for board in boards {
                let column = report::status_column(board, column_id)?;
                let label = |field: &str, name: &str| match column.label_code(name) {
                    Some(code) => Ok(code),
                    None => Err(ApiError::validation(
                        field,
                        "unknown_label",
                        format!("`{}` has no label `{name}`", column.column.title),
                    )),
                };
                let codes = match (label("from_label", from_label)?, label("to_label", to_label)?) {
                    (Some(from), Some(to)) => (from, to),
                    // A label no item has reached on this board: no cycle to count here.
                    _ => continue,
                };
                let window = report::Window { period: period.unwrap_or(Period::Week), from: *from, to: *to, tz };
                report::cycle_time(board, column, codes, &window, &mut merged, &mut spans);
            }
            summary = Some(report::summary(spans));
        }
        ReportRequest::Burndown { board_id, group_id, column_id, from, to, .. } => {
            check_range(Some(*from), Some(*to))?;
            let board = boards
                .iter()
                .find(|b| b.board() == *board_id)
                .ok_or_else(|| ApiError::validation("board_id", "unknown", "no such board"))?;
            if !board.group_names.contains_key(group_id) {
                return Err(ApiError::validation(
                    "group_id",
                    "unknown_group",
                    format!("board {board_id} has no group {group_id}"),
                ));
            }
            let column = report::done_column(board, column_id.as_deref())?;
            let data = report::burndown(board, column, *group_id, (*from, *to), tz)?
                .into_iter()
                .map(|(day, left)| Bucket { key: day.to_string(), name: None, value: Some(left as f64), count: left })
                .collect();
            return Ok(ReportAnswer { data, summary: None, positions: positions(boards) });
        }
        ReportRequest::TimeInStatus { board_ids, column_id, .. } => {
            check_boards(board_ids)?;
            metric = Metric::Avg { column_id: String::new() };
            for board in boards {
                let column = report::status_column(board, column_id)?;
                report::time_in_status(board, column, now.timestamp(), &mut merged);
            }
        }
    }
    Ok(ReportAnswer { data: query::buckets(&metric, merged, None)?, summary, positions: positions(boards) })
}

/// The boards a report reads.
pub fn report_boards(r: &ReportRequest) -> Vec<sunday_types::BoardId> {
    match r {
        ReportRequest::Throughput { board_ids, .. }
        | ReportRequest::CycleTime { board_ids, .. }
        | ReportRequest::TimeInStatus { board_ids, .. } => board_ids.clone(),
        ReportRequest::Burndown { board_id, .. } => vec![*board_id],
    }
}
