//! What a mirror column computes from the items a relation links to (or the item's
//! subitems): their values shown as text, or rolled up (count, sum, average, least, greatest,
//! earliest and latest day, the span of their dates, count by label, percent done). Pure: the caller gathers the linked items (with the columns of their
//! boards) and stores the result like any cell, so mirrors filter, sort and export as the
//! type their function makes (`MirrorFunction::value_type`).

use std::collections::BTreeMap;

use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::{CellValue, DateValue};
use sunday_types::column_settings::MirrorFunction;

use crate::columns::display_text;

/// The longest text a `show` or `count_by_label` mirror keeps (a text column's limit).
pub const TEXT_MAX: usize = 2_000;

/// One linked item as a mirror reads it: its name and its cell in the mirrored column
/// (`None` when it has no value or its board has no such column).
pub struct Linked<'a> {
    pub name: &'a str,
    pub value: Option<(CellValue, &'a Column)>,
}

/// Whether `function` applies to values of `column` (`None`: the linked items' names); the
/// reason when it does not.
pub fn accepts(function: MirrorFunction, column: Option<&Column>) -> Result<(), String> {
    let ty = column.map(Column::value_type);
    let ok = match function {
        MirrorFunction::Show | MirrorFunction::Count => true,
        MirrorFunction::Sum | MirrorFunction::Average | MirrorFunction::Min | MirrorFunction::Max => {
            matches!(ty, Some(ColumnType::Number | ColumnType::Rating))
        }
        MirrorFunction::Earliest | MirrorFunction::Latest | MirrorFunction::Span => {
            matches!(ty, Some(ColumnType::Date | ColumnType::Timeline))
        }
        MirrorFunction::CountByLabel => matches!(ty, Some(ColumnType::Status | ColumnType::Dropdown)),
        MirrorFunction::PercentDone => matches!(ty, Some(ColumnType::Status)),
    };
    if ok {
        return Ok(());
    }
    let what = match function {
        MirrorFunction::Sum | MirrorFunction::Average | MirrorFunction::Min | MirrorFunction::Max => "a number",
        MirrorFunction::Earliest | MirrorFunction::Latest | MirrorFunction::Span => "a date or timeline",
        MirrorFunction::CountByLabel => "a status or dropdown",
        _ => "a status",
    };
    let name = serde_json::to_value(function).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    Err(format!("`{name}` needs {what} column"))
}

/// The mirror's value for an item linked to `linked` (in the relation's order); `None` for
/// an empty cell (nothing linked, or nothing to aggregate). `names`: the mirror reads the
/// linked items' names rather than a column.
pub fn compute(function: MirrorFunction, names: bool, linked: &[Linked<'_>]) -> Option<CellValue> {
    if linked.is_empty() {
        return None;
    }
    let numbers = || {
        linked.iter().filter_map(|l| match &l.value {
            Some((CellValue::Number(n), _)) => Some(*n),
            Some((CellValue::Rating(r), _)) => Some(f64::from(*r)),
            _ => None,
        })
    };
    let days = |last: bool| {
        linked.iter().filter_map(move |l| {
            let day = |d: &DateValue| d.local_day(&chrono::Utc);
            match &l.value {
                Some((CellValue::Date(d), _)) => Some(day(d)),
                Some((CellValue::Timeline(a, b), _)) => Some(day(if last { b } else { a })),
                _ => None,
            }
        })
    };
    let number = |n: f64| n.is_finite().then_some(CellValue::Number(n));
    match function {
        MirrorFunction::Show => {
            let parts: Vec<String> = linked
                .iter()
                .filter_map(|l| match &l.value {
                    _ if names => Some(l.name.to_owned()),
                    Some((v, column)) => Some(display_text(v, column)),
                    None => None,
                })
                .filter(|s| !s.is_empty())
                .collect();
            text(parts.join(", "))
        }
        MirrorFunction::Count => Some(CellValue::Number(linked.len() as f64)),
        MirrorFunction::Sum => {
            let mut n = numbers().peekable();
            n.peek()?;
            number(n.sum())
        }
        MirrorFunction::Average => {
            let all: Vec<f64> = numbers().collect();
            (!all.is_empty()).then(|| all.iter().sum::<f64>() / all.len() as f64).and_then(number)
        }
        MirrorFunction::Min => numbers().reduce(f64::min).and_then(number),
        MirrorFunction::Max => numbers().reduce(f64::max).and_then(number),
        MirrorFunction::Earliest => days(false).min().map(|d| CellValue::Date(DateValue::Day(d))),
        MirrorFunction::Latest => days(true).max().map(|d| CellValue::Date(DateValue::Day(d))),
        MirrorFunction::Span => {
            let (from, to) = (days(false).min()?, days(true).max()?);
            Some(CellValue::Timeline(DateValue::Day(from), DateValue::Day(to)))
        }
        MirrorFunction::CountByLabel => count_by_label(linked),
        MirrorFunction::PercentDone => {
            let done = linked
                .iter()
                .filter(|l| match &l.value {
                    Some((CellValue::Status(id), column)) => {
                        column.settings.labels().iter().any(|label| label.id == *id && label.done)
                    }
                    _ => false,
                })
                .count();
            number((done as f64 * 100.0 / linked.len() as f64).round())
        }
    }
}

/// `"Done: 2, Stuck: 1"`, labels in the order of the first linked column's settings.
fn count_by_label(linked: &[Linked<'_>]) -> Option<CellValue> {
    let mut counts: BTreeMap<(usize, String), usize> = BTreeMap::new();
    for l in linked {
        let Some((value, column)) = &l.value else { continue };
        let ids: Vec<&str> = match value {
            CellValue::Status(id) => vec![id.as_str()],
            CellValue::Dropdown(ids) => ids.iter().map(String::as_str).collect(),
            _ => continue,
        };
        for id in ids {
            let labels = column.settings.labels().iter().map(|l| (l.id.as_str(), l.name.as_str()));
            let options = column.settings.options().iter().map(|o| (o.id.as_str(), o.name.as_str()));
            let Some((at, name)) =
                labels.chain(options).enumerate().find(|(_, (i, _))| *i == id).map(|(at, (_, n))| (at, n))
            else {
                continue;
            };
            *counts.entry((at, name.to_owned())).or_default() += 1;
        }
    }
    let parts: Vec<String> = counts.into_iter().map(|((_, name), n)| format!("{name}: {n}")).collect();
    text(parts.join(", "))
}

fn text(s: String) -> Option<CellValue> {
    if s.is_empty() {
        return None;
    }
    let kept: String = if s.chars().count() > TEXT_MAX {
        s.chars().take(TEXT_MAX - 1).chain(std::iter::once('…')).collect()
    } else {
        s
    };
    Some(CellValue::Text(kept))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use sunday_types::ColumnId;

    use super::*;
    use crate::columns::normalize_settings;

    fn column(ty: ColumnType) -> Column {
        Column {
            id: ColumnId::new(),
            title: "C".into(),
            column_type: ty,
            settings: normalize_settings(ty, None).unwrap(),
            position: "a".into(),
            width: None,
        }
    }

    fn linked<'a>(values: &'a [Option<CellValue>], column: &'a Column) -> Vec<Linked<'a>> {
        values.iter().map(|v| Linked { name: "n", value: v.clone().map(|v| (v, column)) }).collect()
    }

    #[test]
    fn numbers_roll_up_and_empty_cells_are_left_out() {
        let c = column(ColumnType::Number);
        let values = [Some(CellValue::Number(2.0)), None, Some(CellValue::Number(5.0))];
        let l = linked(&values, &c);
        let n = |f| match compute(f, false, &l) {
            Some(CellValue::Number(n)) => n,
            other => panic!("{other:?}"),
        };
        assert_eq!(n(MirrorFunction::Sum), 7.0);
        assert_eq!(n(MirrorFunction::Average), 3.5);
        assert_eq!(n(MirrorFunction::Min), 2.0);
        assert_eq!(n(MirrorFunction::Max), 5.0);
        assert_eq!(n(MirrorFunction::Count), 3.0);
        assert_eq!(compute(MirrorFunction::Sum, false, &l[1..2]), None);
        assert_eq!(compute(MirrorFunction::Count, false, &[]), None);
    }

    #[test]
    fn statuses_count_by_label_and_give_percent_done() {
        let c = column(ColumnType::Status);
        let s = |id: &str| Some(CellValue::Status(id.into()));
        let values = [s("l3"), s("l2"), s("l3"), None];
        let l = linked(&values, &c);
        assert_eq!(compute(MirrorFunction::CountByLabel, false, &l), Some(CellValue::Text("Stuck: 1, Done: 2".into())));
        assert_eq!(compute(MirrorFunction::PercentDone, false, &l), Some(CellValue::Number(50.0)));
        assert_eq!(compute(MirrorFunction::Show, false, &l), Some(CellValue::Text("Done, Stuck, Done".into())));
    }

    #[test]
    fn dates_give_the_first_and_last_day() {
        let c = column(ColumnType::Timeline);
        let d = |s: &str| DateValue::parse(s).unwrap();
        let values = [
            Some(CellValue::Timeline(d("2026-03-01"), d("2026-03-09"))),
            Some(CellValue::Timeline(d("2026-02-10"), d("2026-02-12"))),
        ];
        let l = linked(&values, &c);
        assert_eq!(compute(MirrorFunction::Earliest, false, &l), Some(CellValue::Date(d("2026-02-10"))));
        assert_eq!(compute(MirrorFunction::Latest, false, &l), Some(CellValue::Date(d("2026-03-09"))));
        assert_eq!(
            compute(MirrorFunction::Span, false, &l),
            Some(CellValue::Timeline(d("2026-02-10"), d("2026-03-09")))
        );
    }

    #[test]
    fn names_are_shown_and_long_texts_cut() {
        let c = column(ColumnType::Text);
        let l = [Linked { name: "Acme", value: None }, Linked { name: "Initech", value: None }];
        assert_eq!(compute(MirrorFunction::Show, true, &l), Some(CellValue::Text("Acme, Initech".into())));
        let long = "x".repeat(TEXT_MAX);
        let values = [Some(CellValue::Text(long.clone())), Some(CellValue::Text(long))];
        match compute(MirrorFunction::Show, false, &linked(&values, &c)) {
            Some(CellValue::Text(t)) => {
                assert_eq!(t.chars().count(), TEXT_MAX);
                assert!(t.ends_with('…'));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn functions_accept_only_columns_they_can_read() {
        assert!(accepts(MirrorFunction::Sum, Some(&column(ColumnType::Number))).is_ok());
        assert!(accepts(MirrorFunction::Sum, Some(&column(ColumnType::Text))).is_err());
        assert!(accepts(MirrorFunction::Sum, None).is_err());
        assert!(accepts(MirrorFunction::Show, None).is_ok());
        assert!(accepts(MirrorFunction::PercentDone, Some(&column(ColumnType::Dropdown))).is_err());
        assert!(accepts(MirrorFunction::CountByLabel, Some(&column(ColumnType::Dropdown))).is_ok());
        assert!(accepts(MirrorFunction::Earliest, Some(&column(ColumnType::Date))).is_ok());
    }

    proptest! {
        /// Whatever the numbers, the rollups agree with each other: min <= average <= max,
        /// the sum is the average times the count of values.
        #[test]
        fn rollups_agree(values in proptest::collection::vec(proptest::option::of(-1e6f64..1e6), 1..40)) {
            let c = column(ColumnType::Number);
            let cells: Vec<Option<CellValue>> = values.iter().map(|v| v.map(CellValue::Number)).collect();
            let l = linked(&cells, &c);
            let get = |f| match compute(f, false, &l) { Some(CellValue::Number(n)) => Some(n), _ => None };
            let present: Vec<f64> = values.iter().flatten().copied().collect();
            prop_assert_eq!(get(MirrorFunction::Count), Some(values.len() as f64));
            if present.is_empty() {
                prop_assert_eq!(get(MirrorFunction::Sum), None);
            } else {
                let (min, avg, max, sum) = (get(MirrorFunction::Min).unwrap(), get(MirrorFunction::Average).unwrap(),
                    get(MirrorFunction::Max).unwrap(), get(MirrorFunction::Sum).unwrap());
                prop_assert!(min <= avg + 1e-6 && avg <= max + 1e-6);
                prop_assert!((sum - avg * present.len() as f64).abs() < 1e-3);
            }
        }
    }
}
