//! The engine's column-wise evaluation against the domain's naive evaluator (the oracle):
//! over random boards and random filters, and after random edits and removals applied as
//! events, both select exactly the same items.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use sunday_domain::filter::{compare, matches, testing, EvalContext, Field, SortKey};
use sunday_engine::{query, BoardState, Query};
use sunday_types::{
    boards::BoardEvent,
    events::{BoardChange, ComputedCells, ItemChanged, ItemDeleted, ItemsComputed},
    time::to_datetime,
    GroupId, UserId,
};

fn event(seq: i64, change: BoardChange) -> BoardEvent {
    BoardEvent {
        board_id: testing::sample_board_id(),
        seq,
        item_id: change.item_id(),
        actor: UserId::new(),
        change,
        created_at: to_datetime(0),
        cause: None,
    }
}

/// What random items are drawn from.
struct Vocabulary<'a> {
    columns: &'a [sunday_types::boards::Column],
    users: &'a [UserId],
    groups: &'a [GroupId],
}

/// Applies `edits` random edits to `items` and, as events from `seq + 1` on, to `state`: edit
/// `e` removes an item when `e % every == at`, computes new values for two items in one
/// `items_computed` event when `e % 5 == 4`, otherwise replaces one with a fresh random item
/// under the same id (so it may move, change group or change every value). Returns the last
/// `seq` used.
fn random_edits(
    state: &mut BoardState,
    items: &mut Vec<sunday_types::boards::Item>,
    mut seq: i64,
    edits: usize,
    (every, at): (usize, usize),
    salt: u64,
    v: &Vocabulary<'_>,
) -> i64 {
    for e in 0..edits {
        if items.is_empty() {
            break;
        }
        seq += 1;
        let k = (salt as usize).wrapping_add(e * 31) % items.len();
        if e % every == at {
            let gone = items.swap_remove(k);
            state.apply(&event(
                seq,
                BoardChange::ItemDeleted(ItemDeleted { item_id: gone.id, name: gone.name.clone(), moved_to: None }),
            ));
        } else if e % 5 == 4 {
            // Values of up to two items computed at once (a formula recompute): only cells change.
            let mut batch: Vec<ComputedCells> = vec![];
            for j in [k, (k + 1) % items.len()] {
                if batch.iter().any(|c| c.item_id == items[j].id) {
                    continue;
                }
                let fresh = testing::random_item(salt ^ (e as u64 * 7 + j as u64), v.columns, v.users, v.groups);
                let mut changed = items[j].clone();
                changed.values = fresh.values;
                changed.version += 1;
                let changes = ItemChanged::between(&items[j], &changed).changes;
                batch.push(ComputedCells { item_id: changed.id, version: changed.version, changes });
                items[j] = changed;
            }
            state.apply(&event(seq, BoardChange::ItemsComputed(ItemsComputed { items: batch.into() })));
        } else {
            let mut changed =
                testing::random_item(salt.wrapping_mul(31).wrapping_add(e as u64), v.columns, v.users, v.groups);
            changed.id = items[k].id;
            let change = ItemChanged::between(&items[k], &changed);
            items[k] = changed;
            state.apply(&event(seq, BoardChange::ItemUpdated(change)));
        }
    }
    seq
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn engine_selects_what_the_oracle_selects(seed in any::<u64>(), n in 1usize..120, edits in 0usize..40) {
        let columns = testing::sample_columns();
        let users: Vec<UserId> = (0..4).map(|_| UserId::new()).collect();
        let groups: Vec<GroupId> = (0..3).map(|_| GroupId::new()).collect();
        let mut items: Vec<_> = (0..n).map(|i| testing::random_item(seed.wrapping_add(i as u64), &columns, &users, &groups)).collect();
        let mut state = BoardState::new(items.clone(), 0);
        let ctx = EvalContext { now: testing::sample_now(), tz: chrono_tz::Europe::Berlin, user: Some(users[0]) };
        let filters: Vec<_> = (0..6).map(|k| testing::random_filter(seed ^ (k * 7919), &columns, &users, &groups)).collect();
        // Build the cell columns before the edits, so the edits exercise their upkeep.
        for f in &filters {
            query::run(&state, &Query { filter: Some(f.clone()), sort: vec![], group_by: None, split_by: None, footers: vec![], limit: 1000, cursor: None }, &ctx).unwrap();
        }
        random_edits(&mut state, &mut items, 0, edits, (5, 4), seed, &Vocabulary { columns: &columns, users: &users, groups: &groups });
        for f in &filters {
            let got = query::run(&state, &Query { filter: Some(f.clone()), sort: vec![], group_by: None, split_by: None, footers: vec![], limit: 1000, cursor: None }, &ctx).unwrap();
            let mut got_ids: Vec<_> = got.items.iter().map(|i| i.id).collect();
            let mut want: Vec<_> = items.iter().filter(|i| matches(f, i, &ctx)).map(|i| i.id).collect();
            got_ids.sort();
            want.sort();
            prop_assert_eq!(got.total, want.len());
            prop_assert_eq!(got_ids, want);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Pages walked with cursors, after random moves and removals applied as events, list the
    /// items exactly as sorting them by position and id does (the store's order), for the
    /// whole board and for each group; the ordered siblings place items the same way.
    #[test]
    fn pages_follow_position_order(seed in any::<u64>(), n in 0usize..80, edits in 0usize..30, limit in 1usize..9) {
        let columns = testing::sample_columns();
        let users: Vec<UserId> = (0..2).map(|_| UserId::new()).collect();
        let groups: Vec<GroupId> = (0..3).map(|_| GroupId::new()).collect();
        let mut items: Vec<_> = (0..n).map(|i| testing::random_item(seed.wrapping_add(i as u64), &columns, &users, &groups)).collect();
        let mut state = BoardState::new(items.clone(), 0);
        // Encode every item before the edits, so the edits must drop stale encodings.
        prop_assert_eq!(state.page_encoded(None, None, usize::MAX).len(), items.len());
        random_edits(&mut state, &mut items, 0, edits, (4, 3), seed.wrapping_mul(7), &Vocabulary { columns: &columns, users: &users, groups: &groups });
        for group in std::iter::once(None).chain(groups.iter().copied().map(Some)) {
            let mut want: Vec<_> = items.iter().filter(|i| group.is_none_or(|g| i.group_id == g)).map(sunday_engine::place_of).collect();
            want.sort();
            let mut got = vec![];
            let mut after = None;
            loop {
                let page: Vec<_> = state.page(group, after.as_ref(), limit).into_iter().map(sunday_engine::place_of).collect();
                prop_assert!(page.len() <= limit);
                after = page.last().cloned();
                let done = page.len() < limit;
                got.extend(page);
                if done {
                    break;
                }
            }
            prop_assert_eq!(got, want);
        }
        for (_, encoded) in state.page_encoded(None, None, usize::MAX) {
            let value: serde_json::Value = serde_json::from_str(encoded.json()).unwrap();
            let id = value["id"].as_str().unwrap().to_owned();
            let item = items.iter().find(|i| i.id.to_string() == id).unwrap();
            prop_assert_eq!(value, serde_json::to_value(item).unwrap());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// The memory estimate the budget counts stays exact under edits: after any run of
    /// changes and removals it equals that of the same items loaded afresh, and kept JSON
    /// counts while it is kept and stops counting once its item leaves.
    #[test]
    fn the_memory_estimate_follows_the_items(seed in any::<u64>(), n in 1usize..60, edits in 0usize..40) {
        let columns = testing::sample_columns();
        let users: Vec<UserId> = (0..2).map(|_| UserId::new()).collect();
        let groups: Vec<GroupId> = (0..2).map(|_| GroupId::new()).collect();
        let mut items: Vec<_> = (0..n).map(|i| testing::random_item(seed.wrapping_add(i as u64), &columns, &users, &groups)).collect();
        let mut state = BoardState::new(items.clone(), 0);
        let mut seq = random_edits(&mut state, &mut items, 0, edits, (3, 2), seed.wrapping_mul(3), &Vocabulary { columns: &columns, users: &users, groups: &groups });
        prop_assert_eq!(state.bytes(), BoardState::new(items.clone(), 0).bytes());
        let before = state.bytes();
        let json: usize = state.page_encoded(None, None, usize::MAX).iter().map(|(_, e)| e.json().len()).sum();
        prop_assert!(state.bytes() >= before + json, "kept JSON counts");
        for gone in items.drain(..) {
            seq += 1;
            state.apply(&event(seq, BoardChange::ItemDeleted(ItemDeleted { item_id: gone.id, name: gone.name, moved_to: None })));
        }
        prop_assert_eq!(state.bytes(), 0, "an emptied board takes nothing");
    }
}

fn sort_keys(seed: u64, columns: &[sunday_types::boards::Column]) -> Vec<SortKey> {
    let mut fields: Vec<Field> = Field::PSEUDO_NAMES.iter().filter_map(|n| Field::pseudo(n)).collect();
    fields.extend(columns.iter().cloned().map(Field::Column));
    let n = (seed % 3) as usize;
    (0..n)
        .map(|i| {
            let pick = (seed >> (8 * i + 2)) as usize;
            SortKey { field: fields[pick % fields.len()].clone(), descending: (pick >> 7) % 2 == 1 }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Walking a query's pages with cursors, after random edits and removals applied as
    /// events, lists exactly the items the oracle selects, in the order `compare` gives them,
    /// with or without sort keys, and each page reports the oracle's total. Sparse filters
    /// take the ranked path, common ones the walk over ordered siblings.
    #[test]
    fn query_pages_follow_the_oracle(seed in any::<u64>(), n in 0usize..150, edits in 0usize..30, limit in 1usize..12, keyed in any::<bool>()) {
        let columns = testing::sample_columns();
        let users: Vec<UserId> = (0..3).map(|_| UserId::new()).collect();
        let groups: Vec<GroupId> = (0..3).map(|_| GroupId::new()).collect();
        let mut items: Vec<_> = (0..n).map(|i| testing::random_item(seed.wrapping_add(i as u64), &columns, &users, &groups)).collect();
        let mut state = BoardState::new(items.clone(), 0);
        let ctx = EvalContext { now: testing::sample_now(), tz: chrono_tz::Asia::Tokyo, user: Some(users[1]) };
        let filter = (seed % 5 != 0).then(|| testing::random_filter(seed.rotate_left(17), &columns, &users, &groups));
        let sort = if keyed { sort_keys(seed.rotate_left(29), &columns) } else { vec![] };
        // Build the indexes first, so the edits exercise their upkeep.
        query::run(&state, &Query { filter: filter.clone(), sort: sort.clone(), group_by: None, split_by: None, footers: vec![], limit: 5, cursor: None }, &ctx).unwrap();
        random_edits(&mut state, &mut items, 0, edits, (4, 1), seed.wrapping_mul(13), &Vocabulary { columns: &columns, users: &users, groups: &groups });
        let mut want: Vec<_> = items.iter().filter(|i| filter.as_ref().is_none_or(|f| matches(f, i, &ctx))).collect();
        want.sort_by(|a, b| compare(a, b, &sort));
        let want: Vec<_> = want.into_iter().map(|i| i.id).collect();
        let mut got = vec![];
        let mut cursor = None;
        for _ in 0..=items.len() + 1 {
            let page = query::run(&state, &Query { filter: filter.clone(), sort: sort.clone(), group_by: None, split_by: None, footers: vec![], limit, cursor: cursor.take() }, &ctx).unwrap();
            prop_assert_eq!(page.total, want.len());
            prop_assert!(page.items.len() <= limit);
            got.extend(page.items.iter().map(|i| i.id));
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        prop_assert_eq!(got, want);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Each group's footers (a number column's sum, a status column's items per label, a date or
    /// timeline column's earliest and latest day), over a random filter's matches and after
    /// random edits applied as events, add up what the matching items hold.
    #[test]
    fn footers_add_up_the_matches(seed in any::<u64>(), n in 0usize..100, edits in 0usize..30) {
        use std::collections::BTreeMap;
        use sunday_types::{board_api::Footer, boards::ColumnType, cells::{CellValue, DateValue}};
        let columns = testing::sample_columns();
        let footed: Vec<_> = columns.iter().filter(|c| matches!(c.column_type, ColumnType::Number | ColumnType::Status | ColumnType::Date | ColumnType::Timeline)).cloned().collect();
        prop_assert!(footed.iter().any(|c| c.column_type == ColumnType::Number) && footed.iter().any(|c| c.column_type == ColumnType::Status));
        let users: Vec<UserId> = (0..3).map(|_| UserId::new()).collect();
        let groups: Vec<GroupId> = (0..3).map(|_| GroupId::new()).collect();
        let mut items: Vec<_> = (0..n).map(|i| testing::random_item(seed.wrapping_add(i as u64), &columns, &users, &groups)).collect();
        let mut state = BoardState::new(items.clone(), 0);
        let ctx = EvalContext { now: testing::sample_now(), tz: chrono_tz::Europe::Berlin, user: Some(users[0]) };
        let filter = (seed % 3 != 0).then(|| testing::random_filter(seed ^ 0x5eed, &columns, &users, &groups));
        let q = Query { filter: filter.clone(), sort: vec![], group_by: Some(query::GroupBy::Group), split_by: None, footers: columns.clone(), limit: 1, cursor: None };
        // Footers before the edits build the decoded columns, so the edits exercise their upkeep.
        query::run(&state, &q, &ctx).unwrap();
        random_edits(&mut state, &mut items, 0, edits, (4, 3), seed, &Vocabulary { columns: &columns, users: &users, groups: &groups });
        let got = query::run(&state, &q, &ctx).unwrap();
        let matching: Vec<_> = items.iter().filter(|i| filter.as_ref().is_none_or(|f| matches(f, i, &ctx))).collect();
        let mut want: BTreeMap<String, Vec<&sunday_types::boards::Item>> = BTreeMap::new();
        for i in &matching {
            want.entry(i.group_id.to_string()).or_default().push(i);
        }
        prop_assert_eq!(got.groups.len(), want.len());
        for g in &got.groups {
            let members = &want[&g.key];
            prop_assert_eq!(g.count, members.len());
            prop_assert_eq!(g.footers.len(), footed.len(), "one footer per number and status column");
            for (footer, col) in g.footers.iter().zip(&footed) {
                match footer {
                    Footer::Sum { column_id, sum, values } => {
                        prop_assert_eq!(*column_id, col.id);
                        let nums: Vec<f64> = members.iter().filter_map(|i| match i.values.cell(col) { Some(CellValue::Number(x)) => Some(x), _ => None }).collect();
                        prop_assert_eq!(*values, nums.len());
                        let expected: f64 = nums.iter().sum();
                        prop_assert!((sum - expected).abs() <= 1e-6 * expected.abs().max(1.0), "{} vs {}", sum, expected);
                    }
                    Footer::Labels { column_id, labels } => {
                        prop_assert_eq!(*column_id, col.id);
                        let mut expected: BTreeMap<String, usize> = BTreeMap::new();
                        for i in members {
                            if let Some(CellValue::Status(l)) = i.values.cell(col) {
                                *expected.entry(l).or_default() += 1;
                            }
                        }
                        prop_assert_eq!(labels, &expected);
                    }
                    Footer::Dates { column_id, earliest, latest } => {
                        prop_assert_eq!(*column_id, col.id);
                        let day = |d: &DateValue| match d { DateValue::Day(d) => *d, DateValue::At(t) => t.date_naive() };
                        let spans: Vec<_> = members.iter().filter_map(|i| match i.values.cell(col) {
                            Some(CellValue::Date(d)) => Some((day(&d), day(&d))),
                            Some(CellValue::Timeline(a, b)) => Some((day(&a), day(&b))),
                            _ => None,
                        }).collect();
                        prop_assert_eq!(*earliest, spans.iter().map(|s| s.0).min());
                        prop_assert_eq!(*latest, spans.iter().map(|s| s.1).max());
                    }
                }
            }
        }
    }
}

/// The keys the API documents for an item in `col`: each person, option or tag; a date's day
/// (a timeline's first); a label id; `true` for a checked box; `""` for no value.
fn keys_of(item: &sunday_types::boards::Item, col: &sunday_types::boards::Column) -> Vec<String> {
    use sunday_types::cells::{CellValue, DateValue};
    let day = |d: &DateValue| match d {
        DateValue::Day(d) => *d,
        DateValue::At(t) => t.date_naive(),
    };
    match item.values.cell(col) {
        None => vec![String::new()],
        Some(CellValue::People(users)) => users.iter().map(ToString::to_string).collect(),
        Some(CellValue::Dropdown(ids) | CellValue::Tags(ids)) => ids,
        Some(CellValue::Date(d) | CellValue::Timeline(d, _)) => vec![day(&d).to_string()],
        Some(CellValue::Status(l)) => vec![l],
        Some(CellValue::Checked) => vec!["true".into()],
        Some(v) => vec![v.to_json().to_string()],
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Grouped by one column and split by another (stacked charts), each part counts the
    /// group's matching items with that value and sums their numbers, after random edits too.
    #[test]
    fn splits_count_each_part(seed in any::<u64>(), n in 0usize..100, edits in 0usize..30, by in 0usize..5, split in 0usize..5) {
        use std::collections::BTreeMap;
        use sunday_types::{board_api::Footer, boards::ColumnType, cells::CellValue};
        let columns = testing::sample_columns();
        let kinds = [ColumnType::Status, ColumnType::People, ColumnType::Dropdown, ColumnType::Date, ColumnType::Checkbox];
        let pick = |k: ColumnType| columns.iter().find(|c| c.column_type == k).cloned().unwrap();
        let (by, split) = (pick(kinds[by]), pick(kinds[split]));
        let budget = pick(ColumnType::Number);
        let users: Vec<UserId> = (0..3).map(|_| UserId::new()).collect();
        let groups: Vec<GroupId> = (0..3).map(|_| GroupId::new()).collect();
        let mut items: Vec<_> = (0..n).map(|i| testing::random_item(seed.wrapping_add(i as u64), &columns, &users, &groups)).collect();
        let mut state = BoardState::new(items.clone(), 0);
        let ctx = EvalContext { now: testing::sample_now(), tz: chrono_tz::UTC, user: Some(users[0]) };
        let filter = (seed % 3 != 0).then(|| testing::random_filter(seed ^ 0x5eed, &columns, &users, &groups));
        let q = Query {
            filter: filter.clone(),
            group_by: Some(query::GroupBy::Column(by.clone())),
            split_by: Some(query::GroupBy::Column(split.clone())),
            footers: vec![budget.clone()],
            limit: 1,
            ..Query::default()
        };
        query::run(&state, &q, &ctx).unwrap();
        random_edits(&mut state, &mut items, 0, edits, (4, 3), seed, &Vocabulary { columns: &columns, users: &users, groups: &groups });
        let got = query::run(&state, &q, &ctx).unwrap();
        let mut want: BTreeMap<String, BTreeMap<String, (usize, f64)>> = BTreeMap::new();
        for i in items.iter().filter(|i| filter.as_ref().is_none_or(|f| matches(f, i, &ctx))) {
            let number = match i.values.cell(&budget) { Some(CellValue::Number(x)) => x, _ => 0.0 };
            for k in keys_of(i, &by) {
                for s in keys_of(i, &split) {
                    let part = want.entry(k.clone()).or_default().entry(s).or_default();
                    part.0 += 1;
                    part.1 += number;
                }
            }
        }
        let got: BTreeMap<String, BTreeMap<String, (usize, f64)>> = got.groups.iter().map(|g| {
            (g.key.clone(), g.splits.iter().map(|s| {
                let sum = match s.footers.first() { Some(Footer::Sum { sum, .. }) => *sum, _ => f64::NAN };
                (s.key.clone(), (s.count, sum))
            }).collect())
        }).collect();
        prop_assert_eq!(got.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>());
        for (key, parts) in &want {
            prop_assert_eq!(got[key].keys().collect::<Vec<_>>(), parts.keys().collect::<Vec<_>>());
            for (part, (count, sum)) in parts {
                let (c, s) = got[key][part];
                prop_assert_eq!(c, *count, "count of {} / {}", key, part);
                prop_assert!((s - sum).abs() <= 1e-6 * sum.abs().max(1.0), "sum of {}/{}: {} vs {}", key, part, s, sum);
            }
        }
    }
}

/// A query reads a column when a condition anywhere in its filter, a sort key, its grouping or
/// its split names it (the service refuses such a query on a column kept from the reader);
/// footers, chosen by the service, do not count, and neither does a value that spells its id.
#[test]
fn a_query_reads_the_columns_it_filters_sorts_groups_and_splits_by() {
    use sunday_domain::filter::{parse_filter, parse_sort};
    use sunday_engine::GroupBy;
    let columns = testing::sample_columns();
    let [a, b, c] = [&columns[0], &columns[1], &columns[2]];
    let nested = serde_json::json!({"and": [
        {"column": "name", "op": "contains", "value": c.id.to_string()},
        {"or": [{"column": "name", "op": "is_empty"}, {"column": a.id.to_string(), "op": "is_not_empty"}]},
    ]});
    let q = Query { filter: Some(parse_filter(&nested, &columns).unwrap()), ..Query::default() };
    assert!(q.reads(a.id), "a condition nested in an or");
    assert!(!q.reads(c.id), "a text value spelling a column's id is not a use of it");
    let sort = serde_json::json!([{"column": b.id.to_string(), "dir": "desc"}]);
    let q = Query { sort: parse_sort(&sort, &columns).unwrap(), footers: vec![c.clone()], ..Query::default() };
    assert!(q.reads(b.id) && !q.reads(a.id));
    assert!(!q.reads(c.id), "footers are not the query's to choose");
    let q = Query { group_by: Some(GroupBy::Group), split_by: Some(GroupBy::Column(c.clone())), ..Query::default() };
    assert!(q.reads(c.id) && !q.reads(a.id));
    let q = Query { group_by: Some(GroupBy::Column(a.clone())), ..Query::default() };
    assert!(q.reads(a.id) && !q.reads(b.id));
}
