//! Running a query over a board's items: filter, count, group counts, sort, and a keyset page.

use std::{
    cmp::{Ordering, Reverse},
    collections::BinaryHeap,
    ops::Bound,
    sync::Arc,
};

use crate::index::{Items, KeyIndex, TextIndex};
use crate::{cursor, groups, groups::GroupCount, BoardState};

use sunday_domain::filter::{
    self, Cell, Condition, EvalContext, Filter, Prepared, PreparedSort, SortKey, SortValue, TextSearch,
};
use sunday_types::{
    boards::{EncodedItem, Item},
    ApiError, ColumnId,
};

/// What to group counts by.
#[derive(Clone, Debug)]
pub enum GroupBy {
    Group,
    Column(sunday_types::boards::Column),
}

#[derive(Clone, Debug, Default)]
pub struct Query {
    pub filter: Option<Filter>,
    pub sort: Vec<SortKey>,
    pub group_by: Option<GroupBy>,
    /// With `group_by`: each group's items counted again by this (stacked charts).
    pub split_by: Option<GroupBy>,
    /// Columns whose footers each group's count carries (see `groups::count`).
    pub footers: Vec<sunday_types::boards::Column>,
    pub limit: usize,
    pub cursor: Option<String>,
}

impl GroupBy {
    fn is_column(&self, column: ColumnId) -> bool {
        matches!(self, GroupBy::Column(c) if c.id == column)
    }
}

impl Query {
    /// Whether the query filters, sorts, groups or splits by the board column `column`; its
    /// footers are chosen by the caller and are not counted.
    pub fn reads(&self, column: ColumnId) -> bool {
        self.filter.as_ref().is_some_and(|f| f.reads(column))
            || self.sort.iter().any(|k| k.field.is_column(column))
            || [&self.group_by, &self.split_by].into_iter().flatten().any(|g| g.is_column(column))
    }
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
///
/// The filter becomes a set of matching items (from the key and text indexes, or a pass over
/// a decoded column), so the total is its size. An unsorted page then walks the board's
/// ordered siblings from the cursor, keeping matches, when matches are common enough that it
/// soon finds a page; otherwise, and for sorted pages, the matches are ranked and only the
/// page is sorted.
pub fn run(board: &BoardState, q: &Query, ctx: &EvalContext) -> Result<QueryResult, ApiError> {
    let n = board.len();
    let matched = q.filter.as_ref().map(|f| plan(f, board, ctx).eval(board));
    let total = matched.as_ref().map_or(n, |m| m.len() as usize);
    let groups = match &q.group_by {
        Some(g) => match &matched {
            Some(m) => groups::count(board, m.iter().map(|i| i as usize), g, q.split_by.as_ref(), &q.footers),
            None => groups::count(board, 0..n, g, q.split_by.as_ref(), &q.footers),
        },
        None => vec![],
    };
    let mark = q.cursor.as_deref().map(cursor::decode).transpose()?;
    let want = q.limit.saturating_add(1);
    let mut page = if !q.sort.is_empty() {
        sorted_page(board, matched.as_ref(), &q.sort, mark.as_ref(), want)
    } else if board.sibling_sets().count() <= MAX_WALKED_SETS && total.saturating_mul(WALK_DENSITY) >= n {
        walked_page(board, matched.as_ref(), mark.as_ref(), want)
    } else {
        ranked_page(board, matched.as_ref(), mark.as_ref(), want)
    };
    let more = page.len() > q.limit;
    page.truncate(q.limit);
    let items_of = board.items();
    let next_cursor = if more { page.last().map(|&i| cursor::encode(&items_of[i], &q.sort)) } else { None };
    let items = page.iter().filter_map(|&i| board.encoded_at(i)).collect();
    Ok(QueryResult { items, next_cursor, total, groups })
}

/// An unsorted page walks the ordered siblings when one item in this many or more matches
/// (so about `limit × WALK_DENSITY` items are visited at worst on average)...
const WALK_DENSITY: usize = 32;
/// ...and the board has at most this many sets of siblings to merge (a subitem board has one
/// per parent).
const MAX_WALKED_SETS: usize = 64;

fn is_match(matched: Option<&Items>, i: usize) -> bool {
    matched.is_none_or(|m| u32::try_from(i).is_ok_and(|i| m.contains(i)))
}

/// The first `want` matches after `mark` in board order, merging the sets of siblings.
fn walked_page(board: &BoardState, matched: Option<&Items>, mark: Option<&Item>, want: usize) -> Vec<usize> {
    let from = match mark {
        Some(m) => Bound::Excluded(crate::place_of(m)),
        None => Bound::Unbounded,
    };
    let mut heads: Vec<_> = board.sibling_sets().map(|set| set.range((from.clone(), Bound::Unbounded))).collect();
    let mut heap: BinaryHeap<Reverse<(&crate::Place, usize)>> =
        heads.iter_mut().enumerate().filter_map(|(k, it)| it.next().map(|key| Reverse((key, k)))).collect();
    let mut page = Vec::with_capacity(want.min(1024));
    while let Some(Reverse((key, k))) = heap.pop() {
        if let Some(i) = board.index_of(key.1).filter(|&i| is_match(matched, i)) {
            page.push(i);
            if page.len() >= want {
                break;
            }
        }
        if let Some(next) = heads[k].next() {
            heap.push(Reverse((next, k)));
        }
    }
    page
}

/// The first `want` matches after `mark` in board order, by ranking the matches.
fn ranked_page(board: &BoardState, matched: Option<&Items>, mark: Option<&Item>, want: usize) -> Vec<usize> {
    let items = board.items();
    let key = |i: &usize| (&items[*i].position, items[*i].id);
    let after = |i: &usize| mark.is_none_or(|m| key(i) > (&m.position, m.id));
    let mut rows: Vec<usize> = match matched {
        Some(m) => m.iter().map(|i| i as usize).filter(|i| *i < items.len() && after(i)).collect(),
        None => (0..items.len()).filter(after).collect(),
    };
    cut(&mut rows, want, |a, b| key(a).cmp(&key(b)));
    rows
}

/// The first `want` matches after `mark` ordered by `keys` (then position, then id), each
/// key's values read once from the decoded cells.
fn sorted_page(
    board: &BoardState,
    matched: Option<&Items>,
    keys: &[SortKey],
    mark: Option<&Item>,
    want: usize,
) -> Vec<usize> {
    let items = board.items();
    let rows: Vec<usize> = match matched {
        Some(m) => m.iter().map(|i| i as usize).filter(|i| *i < items.len()).collect(),
        None => (0..items.len()).collect(),
    };
    // Each key's cells: the board's decoded column, or read here for a pseudo-column.
    // (cells, whether they are indexed by item rather than by row)
    let columns: Vec<(Arc<Vec<Cell>>, bool)> = keys
        .iter()
        .map(|k| match board.cells(&k.field) {
            Some(cells) => (cells, true),
            None => (Arc::new(rows.iter().map(|&i| filter::read_cell(&k.field, &items[i])).collect()), false),
        })
        .collect();
    let prepared: Vec<PreparedSort<'_>> = keys.iter().map(SortKey::prepare).collect();
    // Values per key per row, in `rows` order.
    let values: Vec<Vec<Option<SortValue<'_>>>> = columns
        .iter()
        .zip(&prepared)
        .map(|((cells, by_item), p)| {
            rows.iter().enumerate().map(|(r, &i)| p.value(if *by_item { &cells[i] } else { &cells[r] })).collect()
        })
        .collect();
    let mark_cells: Vec<Cell> =
        mark.map(|m| keys.iter().map(|k| filter::read_cell(&k.field, m)).collect()).unwrap_or_default();
    let mark_values: Vec<Option<SortValue<'_>>> = mark_cells.iter().zip(&prepared).map(|(c, p)| p.value(c)).collect();
    let order = |a: usize, b: usize| {
        prepared
            .iter()
            .zip(&values)
            .map(|(p, v)| p.compare(v[a].as_ref(), v[b].as_ref()))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
            .then_with(|| {
                (&items[rows[a]].position, items[rows[a]].id).cmp(&(&items[rows[b]].position, items[rows[b]].id))
            })
    };
    let after_mark = |r: usize| match mark {
        None => true,
        Some(m) => {
            prepared
                .iter()
                .zip(&values)
                .zip(&mark_values)
                .map(|((p, v), mv)| p.compare(v[r].as_ref(), mv.as_ref()))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
                .then_with(|| (&items[rows[r]].position, items[rows[r]].id).cmp(&(&m.position, m.id)))
                == Ordering::Greater
        }
    };
    let mut picked: Vec<usize> = (0..rows.len()).filter(|&r| after_mark(r)).collect();
    cut(&mut picked, want, |a, b| order(*a, *b));
    picked.into_iter().map(|r| rows[r]).collect()
}

/// Keeps the first `want` of `rows` by `order`, sorted: a selection, then a sort of the page
/// only.
fn cut<T>(rows: &mut Vec<T>, want: usize, order: impl Fn(&T, &T) -> Ordering) {
    if want == 0 {
        rows.clear();
        return;
    }
    if rows.len() > want {
        rows.select_nth_unstable_by(want - 1, &order);
        rows.truncate(want);
    }
    rows.sort_by(order);
}

/// A filter turned into set operations: each condition answered by an index or by one pass
/// over its decoded cells.
enum Plan<'f> {
    And(Vec<Plan<'f>>),
    Or(Vec<Plan<'f>>),
    /// A condition on a keyed column: the union of its keys' items (complemented if negated).
    Keys(Arc<KeyIndex>, Vec<String>, bool),
    /// `contains` / `not_contains` on text, through the column's text index.
    Search(Arc<TextIndex>, Box<TextSearch>),
    /// Any other condition on a decoded column, tested cell by cell.
    Cells(Prepared<'f>, Arc<Vec<Cell>>),
    /// A condition on a field read from the item (group, creation, last change).
    Item(Prepared<'f>, &'f Condition),
}

fn plan<'f>(f: &'f Filter, board: &BoardState, ctx: &EvalContext) -> Plan<'f> {
    match f {
        Filter::And(c) => Plan::And(c.iter().map(|x| plan(x, board, ctx)).collect()),
        Filter::Or(c) => Plan::Or(c.iter().map(|x| plan(x, board, ctx)).collect()),
        Filter::Cond(c) => {
            let prepared = Prepared::new(c, ctx);
            if let Some((keys, negated)) = prepared.wanted_keys() {
                if let Some(index) = board.key_index(&c.column) {
                    return Plan::Keys(index, keys, negated);
                }
            }
            if let Some(search) = TextSearch::of(c).filter(|s| !s.is_empty()) {
                if let Some(index) = board.text_index(&c.column) {
                    return Plan::Search(index, Box::new(search));
                }
            }
            match board.cells(&c.column) {
                Some(cells) => Plan::Cells(prepared, cells),
                None => Plan::Item(prepared, c),
            }
        }
    }
}

/// Every item index of the board.
fn all(n: usize) -> Items {
    let mut all = Items::new();
    all.insert_range(0..u32::try_from(n).unwrap_or(u32::MAX));
    all
}

fn complement(set: Items, n: usize) -> Items {
    all(n) - set
}

fn collect(holds: impl Iterator<Item = bool>) -> Items {
    Items::from_sorted_iter(holds.enumerate().filter(|(_, h)| *h).filter_map(|(i, _)| u32::try_from(i).ok()))
        .unwrap_or_default()
}

impl Plan<'_> {
    fn eval(&self, board: &BoardState) -> Items {
        let n = board.len();
        match self {
            Plan::And(children) => {
                let mut sets = children.iter().map(|c| c.eval(board));
                let first = sets.next().unwrap_or_else(|| all(n));
                sets.fold(first, |acc, s| acc & s)
            }
            Plan::Or(children) => children.iter().map(|c| c.eval(board)).fold(Items::new(), |acc, s| acc | s),
            Plan::Keys(index, keys, negated) => {
                let set = index.any_of(keys);
                if *negated {
                    complement(set, n)
                } else {
                    set
                }
            }
            Plan::Search(index, search) => {
                let set = index.containing(search);
                if search.negated() {
                    complement(set, n)
                } else {
                    set
                }
            }
            Plan::Cells(p, cells) => collect(cells.iter().map(|c| p.holds(c))),
            Plan::Item(p, c) => collect(board.items().iter().map(|i| p.holds(&filter::read_cell(&c.column, i)))),
        }
    }
}
