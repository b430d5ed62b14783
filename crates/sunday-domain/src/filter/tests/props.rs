//! Property tests: the filter algebra (and/or, negative operators) on random items and
//! filters over a column of every type, `compare` as a total order, and parsers that never
//! panic on arbitrary JSON.

use std::cmp::Ordering;

use chrono::TimeDelta;
use chrono_tz::Tz;
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use sunday_types::boards::Item;

use super::{groups, users};
use crate::filter::testing::{random_filter_json, random_item, sample_columns, sample_now};
use crate::filter::{
    cell_keys, compare, matches, parse_filter, parse_sort, read_cell, Condition, EvalContext, Field, Filter, Op,
    Operand, Prepared, RelativePeriod, SortKey,
};

const ZONES: [Tz; 6] = [
    Tz::UTC,
    chrono_tz::Europe::Berlin,
    chrono_tz::America::Los_Angeles,
    chrono_tz::Asia::Tokyo,
    chrono_tz::Pacific::Kiritimati,
    chrono_tz::Pacific::Pago_Pago,
];

fn item(seed: u64) -> Item {
    random_item(seed, &sample_columns(), &users(), &groups())
}

fn filter(seed: u64) -> Filter {
    let json = random_filter_json(seed, &sample_columns(), &users(), &groups());
    parse_filter(&json, &sample_columns()).unwrap_or_else(|e| panic!("generated filter refused: {e} {json}"))
}

fn context() -> impl Strategy<Value = EvalContext> {
    (-72i64..72, 0..ZONES.len(), 0..=users().len()).prop_map(|(hours, zone, user)| EvalContext {
        now: sample_now() + TimeDelta::hours(hours),
        tz: ZONES[zone],
        user: users().get(user).copied(),
    })
}

fn conditions(f: &Filter) -> Vec<&Condition> {
    match f {
        Filter::And(children) | Filter::Or(children) => children.iter().flat_map(conditions).collect(),
        Filter::Cond(c) => vec![c],
    }
}

/// The negative twin of a condition, when the field's kind allows it.
fn negation(c: &Condition) -> Option<Condition> {
    let twin = match c.op {
        Op::Eq => Op::Neq,
        Op::Neq => Op::Eq,
        Op::Contains => Op::NotContains,
        Op::NotContains => Op::Contains,
        Op::AnyOf => Op::NoneOf,
        Op::NoneOf => Op::AnyOf,
        Op::IsEmpty => Op::IsNotEmpty,
        Op::IsNotEmpty => Op::IsEmpty,
        _ => return None,
    };
    c.column.kind().allows(twin).then(|| Condition { op: twin, ..c.clone() })
}

proptest! {
    #[test]
    fn and_or_are_conjunction_and_disjunction(i in any::<u64>(), a in any::<u64>(), b in any::<u64>(), ctx in context()) {
        let (item, fa, fb) = (item(i), filter(a), filter(b));
        let (ma, mb) = (matches(&fa, &item, &ctx), matches(&fb, &item, &ctx));
        prop_assert_eq!(matches(&Filter::And(vec![fa.clone(), fb.clone()]), &item, &ctx), ma && mb);
        prop_assert_eq!(matches(&Filter::Or(vec![fa.clone(), fb.clone()]), &item, &ctx), ma || mb);
        prop_assert_eq!(matches(&Filter::And(vec![fa.clone()]), &item, &ctx), ma);
        prop_assert_eq!(matches(&Filter::Or(vec![fa]), &item, &ctx), ma);
    }

    #[test]
    fn negative_operators_negate_their_positive_twins(i in any::<u64>(), f in any::<u64>(), ctx in context()) {
        let item = item(i);
        for c in conditions(&filter(f)) {
            let Some(twin) = negation(c) else { continue };
            let (m, n) = (matches(&Filter::Cond(c.clone()), &item, &ctx), matches(&Filter::Cond(twin), &item, &ctx));
            prop_assert_ne!(m, n, "{:?} {:?} on {:?}", c.op, c.operand, c.column);
        }
    }

    #[test]
    fn a_key_index_answers_what_the_evaluator_does(i in 0u64..64, f in any::<u64>(), ctx in context()) {
        // Where a condition names the keys it wants, it holds exactly when the cell's keys
        // (as an index files them) meet those keys, negation applied: the engine's key
        // indexes rely on it.
        let item = item(i);
        for c in conditions(&filter(f)) {
            let prepared = Prepared::new(c, &ctx);
            let Some((wanted, negated)) = prepared.wanted_keys() else { continue };
            let cell = read_cell(&c.column, &item);
            let keys = cell_keys(&cell).expect("a keyed condition is on a keyed cell");
            let meets = keys.iter().any(|k| wanted.contains(k));
            prop_assert_eq!(meets != negated, matches(&Filter::Cond(c.clone()), &item, &ctx), "{:?} on {:?}", c, cell);
            prop_assert_eq!(prepared.holds(&cell.cached()), meets != negated);
        }
    }

    #[test]
    fn positive_operators_never_match_empty_values(i in 0u64..64, f in any::<u64>(), ctx in context()) {
        // Small item seeds, so `item_id` operands (drawn from seeds below 64) can match too.
        let item = item(i);
        for c in conditions(&filter(f)) {
            let cond = Filter::Cond(c.clone());
            let empty = Filter::Cond(Condition { op: Op::IsEmpty, ..c.clone() });
            let negative = matches!(c.op, Op::Neq | Op::NotContains | Op::NoneOf | Op::IsEmpty);
            // An unchecked checkbox is empty, and `eq false` is how one asks for it.
            let unchecked = c.operand == Operand::Bool(false);
            if matches(&empty, &item, &ctx) && !negative && !unchecked {
                prop_assert!(!matches(&cond, &item, &ctx), "a positive operator matched an empty value: {:?}", c);
            }
        }
    }

    #[test]
    fn compare_is_a_total_order(a in any::<u64>(), b in any::<u64>(), c in any::<u64>(), k in any::<u64>()) {
        let keys = sort_keys(k);
        let (a, b, c) = (item(a), item(b), item(c));
        prop_assert_eq!(compare(&a, &a, &keys), Ordering::Equal);
        prop_assert_eq!(compare(&a, &b, &keys), compare(&b, &a, &keys).reverse());
        if compare(&a, &b, &keys).is_le() && compare(&b, &c, &keys).is_le() {
            prop_assert!(compare(&a, &c, &keys).is_le());
        }
    }

    #[test]
    fn sorting_is_consistent_and_independent_of_input_order(seeds in prop::collection::vec(0u64..40, 2..30), k in any::<u64>()) {
        // Seeds repeat, so equal items (same id) meet; keys over few-valued fields make ties.
        let keys = sort_keys(k);
        let mut forward: Vec<Item> = seeds.iter().map(|s| item(*s)).collect();
        let mut backward: Vec<Item> = forward.iter().rev().cloned().collect();
        forward.sort_by(|x, y| compare(x, y, &keys));
        backward.sort_by(|x, y| compare(x, y, &keys));
        for pair in forward.windows(2) {
            prop_assert!(compare(&pair[0], &pair[1], &keys).is_le());
        }
        let ids = |v: &[Item]| v.iter().map(|i| i.id).collect::<Vec<_>>();
        prop_assert_eq!(ids(&forward), ids(&backward));
    }

    #[test]
    fn parsers_never_panic(json in arbitrary_json(), i in 0u64..8, ctx in context()) {
        if let Ok(f) = parse_filter(&json, &sample_columns()) {
            let _ = matches(&f, &item(i), &ctx);
        }
        if let Ok(keys) = parse_sort(&json, &sample_columns()) {
            let _ = compare(&item(i), &item(i + 1), &keys);
        }
        let wrapped = json!({"and": [json.clone(), {"or": [json]}]});
        let _ = parse_filter(&wrapped, &sample_columns());
    }
}

/// One to three sort keys over every field, from `seed`.
fn sort_keys(seed: u64) -> Vec<SortKey> {
    let mut fields: Vec<Field> = Field::PSEUDO_NAMES.iter().filter_map(|n| Field::pseudo(n)).collect();
    fields.extend(sample_columns().into_iter().map(Field::Column));
    let n = 1 + (seed % 3) as usize;
    (0..n)
        .map(|i| {
            let pick = (seed >> (8 * i + 2)) as usize;
            SortKey { field: fields[pick % fields.len()].clone(), descending: (pick >> 7) % 2 == 1 }
        })
        .collect()
}

/// JSON biased towards filter vocabulary: the keys `and` / `or` / `column` / `op` / `value` /
/// `dir`, column ids, operators, periods, labels, dates and users.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    let mut words: Vec<String> = sample_columns().iter().map(|c| c.id.to_string()).collect();
    words.extend(Field::PSEUDO_NAMES.iter().map(|s| (*s).to_owned()));
    words.extend(Op::ALL.iter().map(|o| o.as_str().to_owned()));
    words.extend(RelativePeriod::ALL.iter().map(|p| p.as_str().to_owned()));
    words.extend(users().iter().map(|u| u.to_string()));
    words.extend(groups().iter().map(|g| g.to_string()));
    for w in ["me", "done", "stuck", "o1", "urgent", "2026-11-27", "2026-02-30", "asc", "desc", "", "ß"] {
        words.push(w.to_owned());
    }
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|x| json!(x)),
        prop::sample::select(words).prop_map(Value::String),
        ".{0,12}".prop_map(Value::String),
    ];
    let keys = prop::sample::select(vec!["and", "or", "column", "op", "value", "dir", "x"]);
    leaf.prop_recursive(6, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Map<_, _>>())),
        ]
    })
}
