//! Any text as a formula over the sample board: compiling never panics and a refusal points
//! inside the text; a formula that compiles computes, for random items, a value of its type or
//! an error value, the same twice (deterministic), and never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sunday_domain::filter::testing;
use sunday_domain::formula::BoardFormulas;
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::column_settings::{ColumnSettings, FormulaResult, FormulaSettings};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut columns = testing::sample_columns();
    let formula = Column {
        id: sunday_types::ColumnId::new(),
        title: "F".into(),
        column_type: ColumnType::Formula,
        settings: ColumnSettings::Formula(FormulaSettings {
            expression: text.to_owned(),
            result: FormulaResult::Text,
            broken: None,
        }),
        position: "z".into(),
        width: None,
    };
    columns.push(formula.clone());
    match BoardFormulas::compile(&columns, Some(formula.id)) {
        Err(refused) => {
            let len = text.chars().count();
            assert!(refused.error.span.start <= refused.error.span.end && refused.error.span.end <= len.max(4000));
        }
        Ok(compiled) => {
            let columns = compiled.with_results(&columns);
            let f = columns.last().expect("the formula column");
            let today = testing::sample_now().date_naive();
            for seed in 0..4 {
                let mut item = testing::random_item(seed, &columns, &[], &[]);
                compiled.apply(&mut item, today);
                let once = item.values.clone();
                assert!(compiled.apply(&mut item, today).is_empty(), "computing again changes nothing");
                assert_eq!(once, item.values);
                if let Some(v) = item.values.json(f.id) {
                    assert!(CellValue::from_stored(f.value_type(), &v).is_some() || v.get("error").is_some(), "{v}");
                }
            }
        }
    }
});
