//! Dependencies between items of a board: refusing cycles, and working out how far each
//! dependent moves when its predecessors' dates move. Pure: the caller gives the board's
//! predecessor lists and dates and applies the shifts it gets back (as ordinary item changes).
//!
//! Modes ([`ShiftMode`]): `strict` keeps each dependent starting exactly `lag` days after the
//! latest end among its predecessors (plus one: with no lag it starts the next day), so moving a
//! predecessor earlier pulls its dependents earlier too; `keep_gap` moves a dependent by as many
//! days as its predecessors' ends moved (the largest move later, or when all moved earlier the
//! largest move earlier); `none` moves nothing. Moves cascade to dependents of dependents, in an
//! order where every item comes after its predecessors; an item without dates neither moves nor
//! passes a move on.

use std::collections::{HashMap, HashSet, VecDeque};

use chrono::NaiveDate;
use sunday_types::column_settings::ShiftMode;
use sunday_types::ItemId;

/// An item's dates: a day (a date column) or a span (a timeline).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dates {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The predecessor that would close a cycle if `item` depended on `new_preds`, if any: a
/// predecessor that is `item` itself or (transitively) depends on it.
pub fn closes_cycle(item: ItemId, new_preds: &[ItemId], preds_of: &HashMap<ItemId, Vec<ItemId>>) -> Option<ItemId> {
    for &start in new_preds {
        let mut seen = HashSet::new();
        let mut stack = vec![start];
        while let Some(at) = stack.pop() {
            if at == item {
                return Some(start);
            }
            if seen.insert(at) {
                stack.extend(preds_of.get(&at).into_iter().flatten().copied());
            }
        }
    }
    None
}

/// How many days each dependent moves after the items in `moved` got new dates (`dates` holds
/// every item's dates after that change; `moved` says by how many days each one's end moved,
/// for `keep_gap`). The items in `moved` themselves never move again. Returns each item that
/// moves with its move in days, in the order they are worked out.
pub fn shifts(
    mode: ShiftMode,
    lag_days: u16,
    preds_of: &HashMap<ItemId, Vec<ItemId>>,
    dates: &HashMap<ItemId, Dates>,
    moved: &[(ItemId, i64)],
) -> Vec<(ItemId, i64)> {
    if mode == ShiftMode::None || moved.is_empty() {
        return vec![];
    }
    let mut dependents: HashMap<ItemId, Vec<ItemId>> = HashMap::new();
    for (item, preds) in preds_of {
        for p in preds {
            dependents.entry(*p).or_default().push(*item);
        }
    }
    for list in dependents.values_mut() {
        list.sort();
        list.dedup();
    }
    // Every item a move can reach, then those in an order where predecessors come first.
    let fixed: HashSet<ItemId> = moved.iter().map(|(i, _)| *i).collect();
    let mut reach: HashSet<ItemId> = HashSet::new();
    let mut queue: VecDeque<ItemId> = moved.iter().map(|(i, _)| *i).collect();
    while let Some(at) = queue.pop_front() {
        for d in dependents.get(&at).into_iter().flatten() {
            if reach.insert(*d) {
                queue.push_back(*d);
            }
        }
    }
    let mut waiting: HashMap<ItemId, usize> = reach
        .iter()
        .map(|i| (*i, preds_of.get(i).into_iter().flatten().filter(|p| reach.contains(p)).count()))
        .collect();
    let mut ready: Vec<ItemId> = waiting.iter().filter(|(_, n)| **n == 0).map(|(i, _)| *i).collect();
    ready.sort();
    let mut delta: HashMap<ItemId, i64> = moved.iter().copied().collect();
    let mut now: HashMap<ItemId, Dates> = HashMap::new();
    let mut out = vec![];
    while let Some(item) = ready.pop() {
        for d in dependents.get(&item).into_iter().flatten() {
            if let Some(n) = waiting.get_mut(d) {
                *n -= 1;
                if *n == 0 {
                    ready.push(*d);
                }
            }
        }
        if fixed.contains(&item) {
            continue;
        }
        let Some(own) = dates.get(&item).copied() else { continue };
        let preds = preds_of.get(&item).map(Vec::as_slice).unwrap_or_default();
        let by = match mode {
            ShiftMode::Strict => {
                let latest = preds.iter().filter_map(|p| now.get(p).or_else(|| dates.get(p))).map(|d| d.to).max();
                let Some(latest) = latest else { continue };
                let start = latest + chrono::Days::new(u64::from(lag_days) + 1);
                (start - own.from).num_days()
            }
            ShiftMode::KeepGap => {
                let moves: Vec<i64> = preds.iter().filter_map(|p| delta.get(p).copied()).filter(|d| *d != 0).collect();
                match moves.iter().max() {
                    Some(&m) if m > 0 => m,
                    _ => moves.iter().min().copied().unwrap_or(0),
                }
            }
            ShiftMode::None => 0,
        };
        if by != 0 {
            let shift = |d: NaiveDate| d.checked_add_signed(chrono::TimeDelta::days(by)).unwrap_or(d);
            now.insert(item, Dates { from: shift(own.from), to: shift(own.to) });
            delta.insert(item, by);
            out.push((item, by));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::TimeDelta::days(n)
    }

    fn ids(n: usize) -> Vec<ItemId> {
        let mut v: Vec<ItemId> = (0..n).map(|_| ItemId::new()).collect();
        v.sort();
        v
    }

    #[test]
    fn a_chain_moves_together() {
        let [a, b, c] = ids(3)[..] else { unreachable!() };
        let preds = HashMap::from([(b, vec![a]), (c, vec![b])]);
        let dates = HashMap::from([
            (a, Dates { from: day(0), to: day(4) }),
            (b, Dates { from: day(5), to: day(6) }),
            (c, Dates { from: day(9), to: day(9) }),
        ]);
        // A's end moved 3 days later (it now ends on day 4).
        assert_eq!(shifts(ShiftMode::KeepGap, 0, &preds, &dates, &[(a, 3)]), vec![(b, 3), (c, 3)]);
        // Strict: B starts the day after A ends, C the day after B's new end (with a lag of 1).
        assert_eq!(shifts(ShiftMode::Strict, 0, &preds, &dates, &[(a, 3)]), vec![(c, -2)]);
        assert_eq!(
            shifts(ShiftMode::Strict, 1, &preds, &dates, &[(a, 3)]),
            vec![(b, 1)],
            "C already starts 1 day after B"
        );
        assert!(shifts(ShiftMode::None, 0, &preds, &dates, &[(a, 3)]).is_empty());
        // An item without dates stops the move.
        let mut no_b = dates.clone();
        no_b.remove(&b);
        assert!(shifts(ShiftMode::KeepGap, 0, &preds, &no_b, &[(a, 3)]).is_empty());
    }

    #[test]
    fn cycles_are_found_through_any_path() {
        let [a, b, c] = ids(3)[..] else { unreachable!() };
        let preds = HashMap::from([(b, vec![a]), (c, vec![b])]);
        assert_eq!(closes_cycle(a, &[c], &preds), Some(c), "a → c → b → a");
        assert_eq!(closes_cycle(a, &[a], &preds), Some(a), "itself");
        assert_eq!(closes_cycle(c, &[a], &preds), None);
    }

    /// Predecessors by index, and each item's (first day, length), if dated.
    type Shape = (Vec<Vec<usize>>, Vec<Option<(i64, i64)>>);
    /// Item ids, predecessors and dates.
    type Board = (Vec<ItemId>, HashMap<ItemId, Vec<ItemId>>, HashMap<ItemId, Dates>);

    /// Random acyclic boards: predecessors only among lower indexes.
    fn dag() -> impl Strategy<Value = Shape> {
        (2usize..25).prop_flat_map(|n| {
            let preds = (0..n).map(|i| prop::collection::vec(0..i.max(1), 0..3.min(i + 1))).collect::<Vec<_>>();
            let dates = prop::collection::vec(prop::option::weighted(0.9, (0i64..60, 0i64..10)), n);
            (preds, dates)
        })
    }

    fn board(preds: &[Vec<usize>], dates: &[Option<(i64, i64)>]) -> Board {
        let ids = ids(preds.len());
        let p = preds
            .iter()
            .enumerate()
            .map(|(i, ps)| (ids[i], ps.iter().filter(|&&j| j < i).map(|&j| ids[j]).collect()))
            .collect();
        let d = dates
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.map(|(from, len)| (ids[i], Dates { from: day(from), to: day(from + len) })))
            .collect();
        (ids, p, d)
    }

    proptest! {
        /// Strict: after the moves, every moved dependent starts exactly `lag + 1` days after its
        /// latest predecessor ends; keep_gap moves every dependent of the moved item by the
        /// same days when there is one path; nothing moves the item that moved.
        #[test]
        fn strict_leaves_every_moved_dependent_right_after_its_predecessors((preds, dates) in dag(), lag in 0u16..3, by in -5i64..6) {
            let (ids, preds_of, mut dates_of) = board(&preds, &dates);
            let first = ids[0];
            if let Some(d) = dates_of.get_mut(&first) {
                d.from += chrono::TimeDelta::days(by);
                d.to += chrono::TimeDelta::days(by);
            }
            let moves = shifts(ShiftMode::Strict, lag, &preds_of, &dates_of, &[(first, by)]);
            let mut after = dates_of.clone();
            for (item, m) in &moves {
                prop_assert!(*item != first);
                let d = after.get_mut(item).unwrap();
                d.from += chrono::TimeDelta::days(*m);
                d.to += chrono::TimeDelta::days(*m);
            }
            for (item, _) in &moves {
                let latest = preds_of[item].iter().filter_map(|p| after.get(p)).map(|d| d.to).max().unwrap();
                prop_assert_eq!(after[item].from, latest + chrono::Days::new(u64::from(lag) + 1));
            }
            let keep = shifts(ShiftMode::KeepGap, lag, &preds_of, &dates_of, &[(first, by)]);
            for (_, m) in &keep {
                prop_assert_eq!(*m, by, "one item moved: everything downstream moves as much");
            }
        }

        /// A cycle is reported exactly when the new predecessor reaches the item.
        #[test]
        fn cycle_check_matches_reachability((preds, _dates) in dag(), a in 0usize..25, b in 0usize..25) {
            let (ids, preds_of, _) = board(&preds, &[]);
            let (a, b) = (ids[a % ids.len()], ids[b % ids.len()]);
            let reaches = |from: ItemId, to: ItemId| {
                let mut stack = vec![from];
                let mut seen = HashSet::new();
                while let Some(x) = stack.pop() {
                    if x == to { return true; }
                    if seen.insert(x) { stack.extend(preds_of.get(&x).into_iter().flatten().copied()); }
                }
                false
            };
            prop_assert_eq!(closes_cycle(a, &[b], &preds_of).is_some(), reaches(b, a));
        }
    }
}
