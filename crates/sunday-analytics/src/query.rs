//! Answering `POST /analytics/query` over one board's aggregates: the filter is prepared once
//! per distinct value of each column it names (the same evaluator item queries use, so it means
//! the same thing), then rows are scanned as integers into per-slot accumulators, and slots
//! become named buckets at the end. Answers of several boards merge by key.

use std::collections::BTreeMap;

// Accumulators keyed per row scanned: hashbrown's default hasher (foldhash), not SipHash.
use hashbrown::HashMap;

use chrono::{Datelike, NaiveDate, TimeDelta};
use chrono_tz::Tz;
use serde_json::Value;
use sunday_domain::filter::{self, condition_holds, Cell, Condition, EvalContext, Field, Filter, Moment};
use sunday_types::{
    analytics::{Bucket, GroupBy, Metric, Period},
    boards::ColumnType,
    ApiError, GroupId, UserId,
};

use crate::facts::{BoardFacts, DateOrInstant};

/// The most buckets a question may fill in (days of a long range, say).
pub const MAX_BUCKETS: usize = 5000;

/// What a question names where a column may stand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    Column(usize),
    Group,
    CreatedAt,
    CreatedBy,
}

/// Finds what `name` names on the board: a pseudo-column, a column id, or a column title.
pub(crate) fn resolve(facts: &BoardFacts, field: &str, name: &str) -> Result<Source, ApiError> {
    match name {
        "group" => return Ok(Source::Group),
        "created_at" => return Ok(Source::CreatedAt),
        "created_by" => return Ok(Source::CreatedBy),
        _ => {}
    }
    let found = facts
        .columns
        .iter()
        .position(|c| c.column.id.to_string().eq_ignore_ascii_case(name))
        .or_else(|| facts.columns.iter().position(|c| c.column.title.eq_ignore_ascii_case(name)));
    match found {
        Some(i) if facts.columns[i].column.column_type == ColumnType::CreationLog => Ok(Source::CreatedAt),
        Some(i) => Ok(Source::Column(i)),
        None => Err(ApiError::validation(
            field,
            "unknown_column",
            format!("board {} has no column `{name}` (by id or title)", facts.board),
        )),
    }
}

/// A filter prepared for one board's rows.
enum Test {
    All(Vec<Test>),
    Any(Vec<Test>),
    /// Whether each distinct value of a column passes.
    Codes {
        column: usize,
        pass: Vec<bool>,
    },
    /// A test on a row's own facts (group, creation, creator).
    Row(Source, Condition),
}

impl Test {
    fn holds(&self, facts: &BoardFacts, row: usize, ctx: &EvalContext) -> bool {
        match self {
            Test::All(t) => t.iter().all(|t| t.holds(facts, row, ctx)),
            Test::Any(t) => t.iter().any(|t| t.holds(facts, row, ctx)),
            Test::Codes { column, pass } => pass[facts.columns[*column].codes[row] as usize],
            Test::Row(source, c) => condition_holds(c, &row_cell(facts, *source, row), ctx),
        }
    }
}

fn row_cell(facts: &BoardFacts, source: Source, row: usize) -> Cell {
    match source {
        Source::Group => Cell::Group(facts.groups[row]),
        Source::CreatedBy => Cell::Users(vec![facts.created_by[row]]),
        Source::CreatedAt | Source::Column(_) => match chrono::DateTime::from_timestamp(facts.created_at[row], 0) {
            Some(t) => Cell::Moment(Moment::At(t)),
            None => Cell::Empty,
        },
    }
}

/// Rewrites the filter's column titles into the board's column ids, so the item queries'
/// parser (which names columns by id) reads it.
fn with_ids(facts: &BoardFacts, json: &Value) -> Value {
    match json {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| match (k.as_str(), v) {
                    ("column", Value::String(name)) => match resolve(facts, "filter", name) {
                        Ok(Source::Column(i)) => (k.clone(), Value::String(facts.columns[i].column.id.to_string())),
                        _ => (k.clone(), v.clone()),
                    },
                    _ => (k.clone(), with_ids(facts, v)),
                })
                .collect(),
        ),
        Value::Array(list) => Value::Array(list.iter().map(|v| with_ids(facts, v)).collect()),
        other => other.clone(),
    }
}

fn prepare_filter(facts: &BoardFacts, filter: &Filter, ctx: &EvalContext) -> Result<Test, ApiError> {
    Ok(match filter {
        Filter::And(children) => {
            Test::All(children.iter().map(|f| prepare_filter(facts, f, ctx)).collect::<Result<_, _>>()?)
        }
        Filter::Or(children) => {
            Test::Any(children.iter().map(|f| prepare_filter(facts, f, ctx)).collect::<Result<_, _>>()?)
        }
        Filter::Cond(c) => match &c.column {
            Field::Group => Test::Row(Source::Group, c.clone()),
            Field::CreatedAt => Test::Row(Source::CreatedAt, c.clone()),
            Field::CreatedBy => Test::Row(Source::CreatedBy, c.clone()),
            Field::Name | Field::UpdatedAt => {
                return Err(ApiError::validation(
                    "filter",
                    "not_kept",
                    "analytics keep no item names or update times: filter on other columns",
                ))
            }
            Field::Column(col) if col.column_type == ColumnType::CreationLog => Test::Row(Source::CreatedAt, c.clone()),
            Field::Column(col) => {
                let Some(column) = facts.column(col.id) else {
                    return Err(ApiError::validation("filter", "unknown_column", format!("no column {}", col.id)));
                };
                if matches!(col.column_type, ColumnType::AutoNumber | ColumnType::ItemId | ColumnType::LastUpdated) {
                    return Err(ApiError::validation(
                        "filter",
                        "not_kept",
                        format!("analytics keep no values of the {:?} column `{}`", col.column_type, col.title),
                    ));
                }
                let pass = facts.columns[column].entries.iter().map(|e| condition_holds(c, &e.cell, ctx)).collect();
                Test::Codes { column, pass }
            }
        },
    })
}

/// One slot's running totals.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Acc {
    pub count: u64,
    pub numbers: u64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
}

impl Acc {
    pub fn add(&mut self, number: Option<f64>) {
        self.count += 1;
        if let Some(n) = number {
            if self.numbers == 0 {
                (self.min, self.max) = (n, n);
            } else {
                self.min = self.min.min(n);
                self.max = self.max.max(n);
            }
            self.numbers += 1;
            self.sum += n;
        }
    }

    pub fn merge(&mut self, other: &Acc) {
        if other.numbers > 0 {
            if self.numbers == 0 {
                (self.min, self.max) = (other.min, other.max);
            } else {
                self.min = self.min.min(other.min);
                self.max = self.max.max(other.max);
            }
        }
        self.count += other.count;
        self.numbers += other.numbers;
        self.sum += other.sum;
    }

    pub fn value(&self, metric: &Metric) -> Option<f64> {
        match metric {
            Metric::Count => Some(self.count as f64),
            Metric::Sum { .. } => Some(self.sum),
            Metric::Avg { .. } => (self.numbers > 0).then(|| self.sum / self.numbers as f64),
            Metric::Min { .. } => (self.numbers > 0).then_some(self.min),
            Metric::Max { .. } => (self.numbers > 0).then_some(self.max),
        }
    }
}

/// Buckets by key, with the name shown for each.
pub(crate) type Merged = BTreeMap<String, (Option<String>, Acc)>;

/// The first day of the period holding `day`.
pub fn period_start(period: Period, day: NaiveDate) -> NaiveDate {
    match period {
        Period::Day => day,
        Period::Week => {
            day.checked_sub_signed(TimeDelta::days(i64::from(day.weekday().num_days_from_monday()))).unwrap_or(day)
        }
        Period::Month => day.with_day(1).unwrap_or(day),
    }
}

/// The first day of the period after the one starting at `start` (none past the calendar's end).
fn next_period(period: Period, start: NaiveDate) -> Option<NaiveDate> {
    match period {
        Period::Day => start.checked_add_signed(TimeDelta::days(1)),
        Period::Week => start.checked_add_signed(TimeDelta::days(7)),
        Period::Month => start.checked_add_months(chrono::Months::new(1)),
    }
}

/// Every period from the one holding `from` to the one holding `to`.
pub(crate) fn periods(period: Period, from: NaiveDate, to: NaiveDate) -> Result<Vec<NaiveDate>, ApiError> {
    let mut out = Vec::new();
    let mut at = period_start(period, from);
    while at <= to {
        if out.len() == MAX_BUCKETS {
            return Err(ApiError::validation(
                "to",
                "too_many_buckets",
                format!("the range holds more than {MAX_BUCKETS} periods: choose a longer period or a shorter range"),
            ));
        }
        out.push(at);
        match next_period(period, at) {
            Some(next) => at = next,
            None => break,
        }
    }
    Ok(out)
}

/// Day of an instant in `tz` (UTC without a table lookup).
pub(crate) fn day_of(seconds: i64, tz: Tz) -> Option<NaiveDate> {
    if tz == Tz::UTC {
        return NaiveDate::from_num_days_from_ce_opt(i32::try_from(seconds.div_euclid(86_400) + 719_163).ok()?);
    }
    Some(chrono::DateTime::from_timestamp(seconds, 0)?.with_timezone(&tz).date_naive())
}

/// The question, as asked of every board.
pub struct Question<'a> {
    pub metric: &'a Metric,
    pub group_by: Option<&'a GroupBy>,
    pub filter: Option<&'a Value>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub ctx: &'a EvalContext,
}

/// How a row finds its slot.
enum Slots {
    One,
    Codes(usize),
    Groups,
    Creators,
    /// Days since the common era of the period's first day, from a date column's entries
    /// (computed once each) or from the creation time.
    Period(Period, Option<usize>),
}

impl BoardFacts {
    /// Answers `q` over this board's items, into `out` (merged by key with other boards').
    pub(crate) fn answer(&self, q: &Question<'_>, out: &mut Merged) -> Result<(), ApiError> {
        let number = match q.metric.column() {
            None => None,
            Some(name) => match resolve(self, "metric.column_id", name)? {
                Source::Column(i)
                    if matches!(self.columns[i].column.value_type(), ColumnType::Number | ColumnType::Rating) =>
                {
                    Some(i)
                }
                _ => {
                    return Err(ApiError::validation(
                        "metric.column_id",
                        "not_a_number",
                        format!("`{name}` on board {} holds no numbers to add up", self.board),
                    ))
                }
            },
        };
        let slots = match q.group_by {
            None => Slots::One,
            Some(GroupBy { period: Some(p), column_id: None }) => Slots::Period(*p, None),
            Some(GroupBy { period, column_id: Some(name) }) => match (resolve(self, "group_by.column_id", name)?, period) {
                (Source::CreatedAt, Some(p)) => Slots::Period(*p, None),
                (Source::Column(i), Some(p)) if matches!(self.columns[i].column.value_type(), ColumnType::Date | ColumnType::Timeline) => {
                    Slots::Period(*p, Some(i))
                }
                (Source::Group, None) => Slots::Groups,
                (Source::CreatedBy, None) => Slots::Creators,
                (Source::Column(i), None)
                    if matches!(
                        self.columns[i].column.value_type(),
                        ColumnType::Status | ColumnType::Dropdown | ColumnType::Tags | ColumnType::People
                    ) =>
                {
                    Slots::Codes(i)
                }
                _ => {
                    return Err(ApiError::validation(
                        "group_by",
                        "cannot_group",
                        format!(
                            "`{name}` cannot group items{}: group by a status, dropdown, tags or people column, `group` or `created_by`, or by a period of a date or timeline column",
                            if period.is_some() { " by period" } else { "" }
                        ),
                    ))
                }
            },
            Some(GroupBy { period: None, column_id: None }) => {
                return Err(ApiError::validation("group_by", "required", "name a `column_id`, a `period`, or both"))
            }
        };
        let test = match q.filter {
            None => None,
            Some(json) => {
                Some(prepare_filter(self, &filter::parse_filter(&with_ids(self, json), &self.column_list())?, q.ctx)?)
            }
        };
        let tz = q.ctx.tz;
        let to_day = |d: &DateOrInstant| match d {
            DateOrInstant::Day(d) => Some(*d),
            DateOrInstant::At(t) => day_of(t.timestamp(), tz),
        };
        // The day the range and a period read, per distinct value of the date column.
        let period_column = match slots {
            Slots::Period(_, Some(i)) => Some(i),
            _ => None,
        };
        let entry_days: Vec<Option<NaiveDate>> = period_column
            .map(|i| self.columns[i].entries.iter().map(|e| e.day.as_ref().and_then(to_day)).collect())
            .unwrap_or_default();
        let ranged = q.from.is_some() || q.to.is_some();
        let (from, to) = (q.from.unwrap_or(NaiveDate::MIN), q.to.unwrap_or(NaiveDate::MAX));
        let day = |row: usize| -> Option<NaiveDate> {
            match period_column {
                Some(i) => entry_days[self.columns[i].codes[row] as usize],
                None => day_of(self.created_at[row], tz),
            }
        };
        let numbers: Option<Vec<Option<f64>>> =
            number.map(|i| self.columns[i].entries.iter().map(|e| e.number).collect());
        let value =
            |row: usize| numbers.as_ref().and_then(|n| n[self.columns[number.unwrap_or(0)].codes[row] as usize]);

        let mut dense: Vec<Acc> = match slots {
            Slots::One => vec![Acc::default(); 1],
            Slots::Codes(i) => vec![Acc::default(); self.columns[i].entries.len()],
            _ => Vec::new(),
        };
        let mut sparse: HashMap<i64, Acc> = HashMap::new();
        let mut people: HashMap<UserId, Acc> = HashMap::new();
        let mut groups: HashMap<GroupId, Acc> = HashMap::new();
        for row in self.live_rows() {
            if test.as_ref().is_some_and(|t| !t.holds(self, row, q.ctx)) {
                continue;
            }
            let day = if ranged || matches!(slots, Slots::Period(..)) { day(row) } else { None };
            if ranged && !day.is_some_and(|d| d >= from && d <= to) {
                continue;
            }
            let v = value(row);
            match slots {
                Slots::One => dense[0].add(v),
                Slots::Codes(i) => dense[self.columns[i].codes[row] as usize].add(v),
                Slots::Groups => groups.entry(self.groups[row]).or_default().add(v),
                Slots::Creators => people.entry(self.created_by[row]).or_default().add(v),
                Slots::Period(p, _) => {
                    let slot = day.map_or(i64::MIN, |d| i64::from(period_start(p, d).num_days_from_ce()));
                    sparse.entry(slot).or_default().add(v);
                }
            }
        }
        let mut put = |key: String, name: Option<String>, acc: &Acc| {
            let slot = out.entry(key).or_insert((name, Acc::default()));
            slot.1.merge(acc);
        };
        match slots {
            Slots::One => put(String::new(), None, &dense[0]),
            Slots::Codes(i) => {
                let column = &self.columns[i];
                let is_people = column.column.value_type() == ColumnType::People;
                for (code, acc) in dense.iter().enumerate().filter(|(_, a)| a.count > 0) {
                    let keys = column.entries[code].keys.clone().unwrap_or_default();
                    if keys.is_empty() {
                        put(String::new(), None, acc);
                    }
                    for key in keys {
                        let name = if is_people { key.clone() } else { column.key_name(&key) };
                        put(name, None, acc);
                    }
                }
            }
            Slots::Groups => {
                for (g, acc) in &groups {
                    put(g.to_string(), self.group_names.get(g).cloned(), acc);
                }
            }
            Slots::Creators => {
                for (u, acc) in &people {
                    put(u.to_string(), None, acc);
                }
            }
            Slots::Period(..) => {
                for (slot, acc) in &sparse {
                    let key = i32::try_from(*slot)
                        .ok()
                        .and_then(NaiveDate::from_num_days_from_ce_opt)
                        .map(|d| d.to_string())
                        .unwrap_or_default();
                    put(key, None, acc);
                }
            }
        }
        Ok(())
    }

    pub(crate) fn column_list(&self) -> Vec<sunday_types::boards::Column> {
        self.columns.iter().map(|c| c.column.clone()).collect()
    }
}

/// Turns merged buckets into the answer, with every period of the range when it has both
/// ends.
pub(crate) fn buckets(
    metric: &Metric,
    merged: Merged,
    fill: Option<(Period, NaiveDate, NaiveDate)>,
) -> Result<Vec<Bucket>, ApiError> {
    let mut merged = merged;
    if let Some((period, from, to)) = fill {
        for day in periods(period, from, to)? {
            merged.entry(day.to_string()).or_insert((None, Acc::default()));
        }
    }
    Ok(merged
        .into_iter()
        .map(|(key, (name, acc))| Bucket { key, name, value: acc.value(metric), count: acc.count })
        .collect())
}
