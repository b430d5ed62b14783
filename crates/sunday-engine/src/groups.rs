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
/// `footers` (columns without one are skipped). An item with several values in the group-by
/// column (people, dropdown, tags) counts once under each.
pub fn count(
    board: &BoardState,
    rows: impl Iterator<Item = usize>,
    by: &GroupBy,
    footers: &[Column],
) -> Vec<GroupCount> {
    let footers: Vec<&Column> = footers.iter().filter(|c| has_footer(c)).collect();
    let tally = Tally::new(board, &footers);
    let items = board.items();
    match by {
        // Keyed by the id itself: no text made per item.
        GroupBy::Group => tally.run(rows, |i, add| {
            if let Some(item) = items.get(i) {
                add(item.group_id);
            }
        }),
        GroupBy::Column(col) => tally.run(rows, |i, add| {
            if let Some(item) = items.get(i) {
                keys(item, col).into_iter().for_each(add);
            }
        }),
    }
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

    /// Adds up `rows` under the keys `keys_of` gives each.
    fn run<K: Ord + ToString>(
        &self,
        rows: impl Iterator<Item = usize>,
        keys_of: impl Fn(usize, &mut dyn FnMut(K)),
    ) -> Vec<GroupCount> {
        let mut groups: BTreeMap<K, (usize, Vec<Total>)> = BTreeMap::new();
        for i in rows {
            keys_of(i, &mut |key| {
                let (n, totals) = groups.entry(key).or_insert_with(|| (0, self.fresh()));
                *n += 1;
                for (total, cells) in totals.iter_mut().zip(&self.cells) {
                    if let Some(cell) = cells.as_ref().and_then(|c| c.get(i)) {
                        total.add(cell);
                    }
                }
            });
        }
        let mut out: Vec<GroupCount> = groups
            .into_iter()
            .map(|(key, (count, totals))| GroupCount {
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
            })
            .collect();
        // In the keys' text order, as the API has always listed them.
        out.sort_by(|a, b| a.key.cmp(&b.key));
        out
    }
}

/// The keys `item` counts under in `col`: each person, option or tag, else its one value.
fn keys(item: &Item, col: &Column) -> Vec<String> {
    match item.values.cell(col) {
        None => vec![String::new()],
        Some(CellValue::People(users)) => users.iter().map(ToString::to_string).collect(),
        Some(CellValue::Dropdown(ids) | CellValue::Tags(ids)) => ids,
        Some(v) => vec![cursor::group_key(&v.to_json())],
    }
}
