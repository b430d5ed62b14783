//! Running a query over a board's items: filter, count, group counts, sort, and a keyset page.

use std::collections::BTreeMap;

use crate::{board::FieldKey, cursor, BoardState};
use serde::Serialize;
use std::sync::Arc;

use sunday_domain::filter::{self, Cell, EvalContext, Field, Filter, SortKey};
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
            // Decoded cells of every filtered column, scanned column-wise by item index.
            let mut fields = vec![];
            collect_fields(f, &mut fields);
            let columns: Vec<(FieldKey, Arc<Vec<Cell>>)> =
                fields.iter().filter_map(|field| Some((FieldKey::of(field)?, board.cells(field)?))).collect();
            board
                .items()
                .iter()
                .enumerate()
                .filter(|(i, item)| {
                    let cached = |field: &Field| {
                        let key = FieldKey::of(field)?;
                        columns.iter().find(|(k, _)| *k == key).and_then(|(_, v)| v.get(*i))
                    };
                    filter::matches_with(f, item, ctx, &cached)
                })
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

fn collect_fields(f: &Filter, out: &mut Vec<Field>) {
    match f {
        Filter::And(c) | Filter::Or(c) => c.iter().for_each(|x| collect_fields(x, out)),
        Filter::Cond(c) => {
            if !out.contains(&c.column) {
                out.push(c.column.clone());
            }
        }
    }
}
