//! Running a query over a board's items: filter, count, group counts, sort, and a keyset page.

use std::collections::BTreeMap;

use crate::{cursor, BoardState};
use serde::Serialize;
use std::sync::Arc;

use sunday_domain::filter::{self, Cell, Condition, EvalContext, Filter, SortKey, TextSearch};
use sunday_types::{
    boards::{EncodedItem, Item},
    cells::CellValue,
    ApiError,
};

/// What to group counts by.
#[derive(Clone, Debug)]
pub enum GroupBy {
    Group,
    Column(sunday_types::boards::Column),
}

#[derive(Clone, Debug)]
pub struct Query {
    pub filter: Option<Filter>,
    pub sort: Vec<SortKey>,
    pub group_by: Option<GroupBy>,
    pub limit: usize,
    pub cursor: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct GroupCount {
    pub key: String,
    pub count: usize,
}

#[derive(Clone, Debug)]
pub struct QueryResult {
    /// The page, each item as the board keeps it encoded.
    pub items: Vec<EncodedItem>,
    pub next_cursor: Option<String>,
    /// Items matching the filter (all pages).
    pub total: usize,
    pub groups: Vec<GroupCount>,
}

/// Filters, counts and sorts the board's items and cuts the page after the cursor. Without
/// sort keys items keep their board order (position, then id), which `compare` falls back to.
pub fn run(board: &BoardState, q: &Query, ctx: &EvalContext) -> Result<QueryResult, ApiError> {
    let mut matched: Vec<&Item> = match &q.filter {
        Some(f) => {
            // Each condition reads its field's decoded cell column by item index; the tree is
            // resolved once per query, not per item.
            let compiled = compile(f, board);
            board
                .items()
                .iter()
                .enumerate()
                .filter(|(i, item)| compiled.holds(*i, item, ctx))
                .map(|(_, item)| item)
                .collect()
        }
        None => board.items().iter().collect(),
    };
    let total = matched.len();
    let groups = q.group_by.as_ref().map(|g| count_groups(&matched, g)).unwrap_or_default();
    if let Some(c) = &q.cursor {
        let mark = cursor::decode(c)?;
        matched.retain(|i| filter::compare(i, &mark, &q.sort) == std::cmp::Ordering::Greater);
    }
    // Only the page needs sorting: select its items first (O(n)), then order them.
    let order = |a: &&Item, b: &&Item| filter::compare(a, b, &q.sort);
    let more = matched.len() > q.limit;
    if more {
        matched.select_nth_unstable_by(q.limit, order);
        matched.truncate(q.limit);
    }
    matched.sort_by(order);
    let next_cursor = if more { matched.last().map(|i| cursor::encode(i, &q.sort)) } else { None };
    let items = matched.iter().filter_map(|i| board.encoded(i.id)).collect();
    Ok(QueryResult { items, next_cursor, total, groups })
}

fn count_groups(items: &[&Item], by: &GroupBy) -> Vec<GroupCount> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for item in items {
        match by {
            GroupBy::Group => *counts.entry(item.group_id.to_string()).or_default() += 1,
            GroupBy::Column(col) => {
                let keys = match item.values.cell(col) {
                    None => vec![String::new()],
                    Some(CellValue::People(users)) => users.iter().map(ToString::to_string).collect(),
                    Some(CellValue::Dropdown(ids) | CellValue::Tags(ids)) => ids,
                    Some(v) => vec![cursor::group_key(&v.to_json())],
                };
                for key in keys {
                    *counts.entry(key).or_default() += 1;
                }
            }
        }
    }
    counts.into_iter().map(|(key, count)| GroupCount { key, count }).collect()
}

/// A filter with each condition's cell column looked up once.
enum Compiled<'f> {
    And(Vec<Compiled<'f>>),
    Or(Vec<Compiled<'f>>),
    /// A condition on a field the engine keeps decoded, with its column of cells.
    Cells(&'f Condition, Arc<Vec<Cell>>),
    /// A text search over a decoded column, its searcher built once.
    Search(&'f Condition, Box<TextSearch>, Arc<Vec<Cell>>),
    /// A condition on a field read from the item (group, creation, last change).
    Item(&'f Condition),
}

fn compile<'f>(f: &'f Filter, board: &BoardState) -> Compiled<'f> {
    match f {
        Filter::And(c) => Compiled::And(c.iter().map(|x| compile(x, board)).collect()),
        Filter::Or(c) => Compiled::Or(c.iter().map(|x| compile(x, board)).collect()),
        Filter::Cond(c) => match (board.cells(&c.column), TextSearch::of(c)) {
            (Some(cells), Some(search)) => Compiled::Search(c, Box::new(search), cells),
            (Some(cells), None) => Compiled::Cells(c, cells),
            (None, _) => Compiled::Item(c),
        },
    }
}

impl Compiled<'_> {
    fn holds(&self, i: usize, item: &Item, ctx: &EvalContext) -> bool {
        match self {
            Compiled::And(c) => c.iter().all(|x| x.holds(i, item, ctx)),
            Compiled::Or(c) => c.iter().any(|x| x.holds(i, item, ctx)),
            Compiled::Cells(c, cells) => match cells.get(i) {
                Some(cell) => filter::condition_holds(c, cell, ctx),
                None => filter::condition_holds(c, &filter::read_cell(&c.column, item), ctx),
            },
            Compiled::Search(c, search, cells) => match cells.get(i) {
                Some(cell) => search.holds(cell),
                None => search.holds(&filter::read_cell(&c.column, item)),
            },
            Compiled::Item(c) => filter::condition_holds(c, &filter::read_cell(&c.column, item), ctx),
        }
    }
}
