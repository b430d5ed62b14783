//! Reports only the event log can answer, from the label changes a status column kept: cycle
//! time, throughput, burndown and time in each status.

use std::collections::HashMap;

use chrono::NaiveDate;
use chrono_tz::Tz;
use sunday_types::{
    analytics::{CycleTimeSummary, Period},
    boards::ColumnType,
    ApiError, GroupId,
};

use crate::{
    facts::{BoardFacts, ColumnFacts, RowState},
    query::{day_of, period_start, resolve, Acc, Merged, Source},
};

/// The status column `name` names on the board.
pub(crate) fn status_column<'f>(facts: &'f BoardFacts, name: &str) -> Result<&'f ColumnFacts, ApiError> {
    match resolve(facts, "column_id", name)? {
        Source::Column(i) if facts.columns[i].column.column_type == ColumnType::Status => Ok(&facts.columns[i]),
        _ => Err(ApiError::validation("column_id", "not_a_status", format!("`{name}` is not a status column"))),
    }
}

/// The status column a done-based report reads: the one named, else the board's first status
/// column with a done label.
pub(crate) fn done_column<'f>(facts: &'f BoardFacts, name: Option<&str>) -> Result<&'f ColumnFacts, ApiError> {
    let column = match name {
        Some(name) => status_column(facts, name)?,
        None => facts
            .columns
            .iter()
            .find(|c| c.column.column_type == ColumnType::Status && c.column.settings.labels().iter().any(|l| l.done))
            .ok_or_else(|| {
                ApiError::validation(
                    "column_id",
                    "no_done_label",
                    format!("board {} has no status column with a done label", facts.board),
                )
            })?,
    };
    if !column.column.settings.labels().iter().any(|l| l.done) {
        return Err(ApiError::validation(
            "column_id",
            "no_done_label",
            format!("`{}` has no label marked done", column.column.title),
        ));
    }
    Ok(column)
}

/// Which changes count and how they are bucketed.
pub(crate) struct Window {
    pub period: Period,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub tz: Tz,
}

impl Window {
    /// The period a change at `at` (unix seconds) falls in, when it is in the range.
    fn bucket(&self, at: i64) -> Option<NaiveDate> {
        let day = day_of(at, self.tz)?;
        let inside = self.from.is_none_or(|f| day >= f) && self.to.is_none_or(|t| day <= t);
        inside.then(|| period_start(self.period, day))
    }
}

fn put(out: &mut Merged, key: String, name: Option<String>, acc: &Acc) {
    out.entry(key).or_insert((name, Acc::default())).1.merge(acc);
}

/// Items reaching the done label, per period of the day they reached it.
pub(crate) fn throughput(facts: &BoardFacts, column: &ColumnFacts, window: &Window, out: &mut Merged) {
    let Some(done) = column.done_code() else { return };
    let Some(status) = &column.status else { return };
    let mut per: HashMap<NaiveDate, Acc> = HashMap::new();
    for t in status.transitions.iter().filter(|t| t.code == done && facts.state[t.row as usize] != RowState::Gone) {
        if let Some(bucket) = window.bucket(t.at) {
            per.entry(bucket).or_default().add(None);
        }
    }
    for (day, acc) in per {
        put(out, day.to_string(), None, &acc);
    }
}

/// Hours from each item's first reaching `from` to its next reaching `to`, per period of the
/// day it reached `to`; `spans` collects every item's hours for the spread.
pub(crate) fn cycle_time(
    facts: &BoardFacts,
    column: &ColumnFacts,
    (from_label, to_label): (u32, u32),
    window: &Window,
    out: &mut Merged,
    spans: &mut Vec<f64>,
) {
    let Some(status) = &column.status else { return };
    let mut started: HashMap<u32, i64> = HashMap::new();
    let mut counted: std::collections::HashSet<u32> = std::collections::HashSet::new();
    let mut per: HashMap<NaiveDate, Acc> = HashMap::new();
    for t in &status.transitions {
        if facts.state[t.row as usize] == RowState::Gone || counted.contains(&t.row) {
            continue;
        }
        if t.code == from_label {
            started.entry(t.row).or_insert(t.at);
        } else if t.code == to_label {
            // Counted once per item: its first arrival after its first start (a reopened
            // item's later cycles are not counted again).
            if let Some(start) = started.remove(&t.row) {
                counted.insert(t.row);
                if let Some(bucket) = window.bucket(t.at) {
                    let hours = (t.at - start) as f64 / 3600.0;
                    spans.push(hours);
                    per.entry(bucket).or_default().add(Some(hours));
                }
            }
        }
    }
    for (day, acc) in per {
        put(out, day.to_string(), None, &acc);
    }
}

/// The spread of the hours collected.
pub(crate) fn summary(mut spans: Vec<f64>) -> CycleTimeSummary {
    if spans.is_empty() {
        return CycleTimeSummary::default();
    }
    spans.sort_by(f64::total_cmp);
    let at = |q: f64| spans[((spans.len() as f64 - 1.0) * q).round() as usize];
    CycleTimeSummary {
        count: spans.len() as u64,
        average_hours: Some(spans.iter().sum::<f64>() / spans.len() as f64),
        median_hours: Some(at(0.5)),
        p85_hours: Some(at(0.85)),
    }
}

/// The group's items not done at the end of each day of the range (those in the group now:
/// items moved out earlier are not counted back).
pub(crate) fn burndown(
    facts: &BoardFacts,
    column: &ColumnFacts,
    group: GroupId,
    (from, to): (NaiveDate, NaiveDate),
    tz: Tz,
) -> Result<Vec<(NaiveDate, u64)>, ApiError> {
    let days = crate::query::periods(Period::Day, from, to)?;
    let done = column.done_code();
    // +1 on the day an item was created, -1 on the day it was done.
    let mut delta: HashMap<NaiveDate, i64> = HashMap::new();
    let mut before = 0i64;
    for row in facts.live_rows().filter(|r| facts.groups[*r] == group) {
        let Some(created) = day_of(facts.created_at[row], tz) else { continue };
        let finished = match (done, &column.status) {
            (Some(done), Some(status)) if column.codes[row] == done => day_of(status.since[row], tz),
            _ => None,
        };
        for (day, d) in [(Some(created), 1), (finished, -1)] {
            let Some(day) = day else { continue };
            if day < from {
                before += d;
            } else {
                *delta.entry(day).or_default() += d;
            }
        }
    }
    let mut left = before;
    Ok(days
        .into_iter()
        .map(|day| {
            left += delta.get(&day).copied().unwrap_or(0);
            (day, left.max(0) as u64)
        })
        .collect())
}

/// Hours per stay in each label (closed stays and the current ones up to `now`).
pub(crate) fn time_in_status(facts: &BoardFacts, column: &ColumnFacts, now: i64, out: &mut Merged) {
    let Some(status) = &column.status else { return };
    let mut per: HashMap<u32, (f64, u64)> = status.stays.clone();
    for row in facts.live_rows() {
        let stay = per.entry(column.codes[row]).or_default();
        stay.0 += (now - status.since[row]).max(0) as f64;
        stay.1 += 1;
    }
    for (code, (seconds, stays)) in per {
        let key = match column.entries[code as usize].keys.as_ref().and_then(|k| k.first()) {
            Some(label) => column.key_name(label),
            None => String::new(),
        };
        let acc = Acc { count: stays, numbers: stays, sum: seconds / 3600.0, min: 0.0, max: 0.0 };
        put(out, key, None, &acc);
    }
}
