//! A query's counts per group (a board group, or a value of the group-by column) and, when
//! asked for, each group's footers: the sum of a number column, the items per status label.

use std::{collections::BTreeMap, sync::Arc};

use chrono::NaiveDate;
use sunday_domain::filter::{Cell, Field};
use sunday_types::{
    board_api::Footer,
    boards::{Column, ColumnType, Item},
    cells::{CellValue, DateValue},
};

use crate::{cursor, query::GroupBy, BoardState};

#[derive(Clone, Debug)]
pub struct GroupCount {
    pub key: String,
    pub count: usize,
    /// One per footer column asked for, in the order asked (empty when none were).
    pub footers: Vec<Footer>,
    /// The group's items counted again by the split's keys (empty when not split).
    pub splits: Vec<GroupCount>,
}

/// A footer being added up.
enum Total {
    Sum { sum: f64, values: usize },
    Labels(BTreeMap<String, usize>),
    Dates(Option<(NaiveDate, NaiveDate)>),
}

impl Total {
    fn add(&mut self, cell: &Cell) {
        match (self, cell) {
            (Total::Sum { sum, values }, Cell::Number(n)) => {
                *sum += n;
                *values += 1;
            }
            (Total::Labels(labels), Cell::Label(l)) => *labels.entry(l.clone()).or_default() += 1,
            (Total::Dates(span), Cell::Moment(m)) => widen(span, day(m), day(m)),
            (Total::Dates(span), Cell::Span(from, to)) => widen(span, day(from), day(to)),
            _ => {}
        }
    }
}

/// The day of a date or an instant (instants by their UTC day, as the API writes them).
fn day(m: &DateValue) -> NaiveDate {
    match m {
        DateValue::Day(d) => *d,
        DateValue::At(t) => t.date_naive(),
    }
}

fn widen(span: &mut Option<(NaiveDate, NaiveDate)>, from: NaiveDate, to: NaiveDate) {
    *span = Some(match *span {
        Some((a, b)) => (a.min(from), b.max(to)),
        None => (from, to),
    });
}

/// The columns that have a footer: numbers (a sum), statuses (items per label), dates and
/// timelines (the earliest and latest day).
pub fn has_footer(column: &Column) -> bool {
    matches!(column.column_type, ColumnType::Number | ColumnType::Status | ColumnType::Date | ColumnType::Timeline)
}

/// Counts `rows` (indexes into the board's items) per group of `by`, with the footers of
/// `footers` (columns without one are skipped), and each group's counts split again by `split`
/// when given. An item with several values in a column (people, dropdown, tags) counts once
/// under each.
pub fn count(
    board: &BoardState,
    rows: impl Iterator<Item = usize>,
    by: &GroupBy,
    split: Option<&GroupBy>,
    footers: &[Column],
) -> Vec<GroupCount> {
    let footers: Vec<&Column> = footers.iter().filter(|c| has_footer(c)).collect();
    let tally = Tally::new(board, &footers);
    let items = board.items();
    let keys_of = |by: &GroupBy, i: usize, add: &mut dyn FnMut(Key)| {
        let Some(item) = items.get(i) else { return };
        match by {
            // Keyed by the id itself: no text made per item.
            GroupBy::Group => add(Key::Group(item.group_id)),
            GroupBy::Column(col) => keys(item, col).into_iter().map(Key::Value).for_each(add),
        }
    };
    tally.run(
        rows,
        |i, add| keys_of(by, i, add),
        |i| {
            let mut parts = Vec::new();
            if let Some(split) = split {
                keys_of(split, i, &mut |k| parts.push(k));
            }
            parts
        },
    )
}

/// A group's key: a board group's id, or a value of a column.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Group(sunday_types::GroupId),
    Value(String),
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Group(g) => write!(f, "{g}"),
            Key::Value(v) => f.write_str(v),
        }
    }
}

/// One group being added up: its count, its footers and, when split, its parts.
struct Running {
    count: usize,
    totals: Vec<Total>,
    parts: BTreeMap<Key, (usize, Vec<Total>)>,
}

/// Counts and footers being added up, per key.
struct Tally<'a> {
    footers: &'a [&'a Column],
    /// The decoded cells the engine keeps for filters (built once per column, kept current).
    cells: Vec<Option<Arc<Vec<Cell>>>>,
}

impl<'a> Tally<'a> {
    fn new(board: &BoardState, footers: &'a [&'a Column]) -> Tally<'a> {
        let cells = footers.iter().map(|c| board.cells(&Field::Column((*c).clone()))).collect();
        Tally { footers, cells }
    }

    fn fresh(&self) -> Vec<Total> {
        self.footers
            .iter()
            .map(|c| match c.column_type {
                ColumnType::Number => Total::Sum { sum: 0.0, values: 0 },
                ColumnType::Date | ColumnType::Timeline => Total::Dates(None),
                _ => Total::Labels(BTreeMap::new()),
            })
            .collect()
    }

    fn add(&self, totals: &mut [Total], i: usize) {
        for (total, cells) in totals.iter_mut().zip(&self.cells) {
            if let Some(cell) = cells.as_ref().and_then(|c| c.get(i)) {
                total.add(cell);
            }
        }
    }

    /// Adds up `rows` under the keys `keys_of` gives each, and under each of those by the
    /// keys `split_of` gives (none when not split).
    fn run(
        &self,
        rows: impl Iterator<Item = usize>,
        keys_of: impl Fn(usize, &mut dyn FnMut(Key)),
        split_of: impl Fn(usize) -> Vec<Key>,
    ) -> Vec<GroupCount> {
        let mut groups: BTreeMap<Key, Running> = BTreeMap::new();
        for i in rows {
            let parts = split_of(i);
            keys_of(i, &mut |key| {
                let group = groups.entry(key).or_insert_with(|| Running {
                    count: 0,
                    totals: self.fresh(),
                    parts: BTreeMap::new(),
                });
                group.count += 1;
                self.add(&mut group.totals, i);
                for part in &parts {
                    let (n, totals) = group.parts.entry(part.clone()).or_insert_with(|| (0, self.fresh()));
                    *n += 1;
                    self.add(totals, i);
                }
            });
        }
        let mut out: Vec<GroupCount> = groups
            .into_iter()
            .map(|(key, g)| {
                let mut splits: Vec<GroupCount> =
                    g.parts.into_iter().map(|(key, (count, totals))| self.finish(key, count, totals, vec![])).collect();
                splits.sort_by(|a, b| a.key.cmp(&b.key));
                self.finish(key, g.count, g.totals, splits)
            })
            .collect();
        // In the keys' text order, as the API has always listed them.
        out.sort_by(|a, b| a.key.cmp(&b.key));
        out
    }

    fn finish(&self, key: Key, count: usize, totals: Vec<Total>, splits: Vec<GroupCount>) -> GroupCount {
        GroupCount {
            key: key.to_string(),
            count,
            footers: self
                .footers
                .iter()
                .zip(totals)
                .map(|(c, t)| match t {
                    Total::Sum { sum, values } => Footer::Sum { column_id: c.id, sum, values },
                    Total::Labels(labels) => Footer::Labels { column_id: c.id, labels },
                    Total::Dates(span) => {
                        Footer::Dates { column_id: c.id, earliest: span.map(|s| s.0), latest: span.map(|s| s.1) }
                    }
                })
                .collect(),
            splits,
        }
    }
}

/// The keys `item` counts under in `col`: each person, option or tag, a date's day (a
/// timeline's first), else its one value.
fn keys(item: &Item, col: &Column) -> Vec<String> {
    match item.values.cell(col) {
        None => vec![String::new()],
        Some(CellValue::People(users)) => users.iter().map(ToString::to_string).collect(),
        Some(CellValue::Dropdown(ids) | CellValue::Tags(ids)) => ids,
        Some(CellValue::Date(d) | CellValue::Timeline(d, _)) => vec![day(&d).to_string()],
        Some(v) => vec![cursor::group_key(&v.to_json())],
    }
}
