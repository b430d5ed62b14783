use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use sunday_types::boards::{Column, ColumnType, Item};
use sunday_types::cells::CellValue;
use sunday_types::column_settings::{ColumnSettings, FormulaResult, FormulaSettings};
use sunday_types::{BoardId, ColumnId, GroupId, ItemId, UserId};

use super::*;
use crate::columns::{normalize_settings, normalize_value, ValueContext};

fn column(title: &str, ty: ColumnType) -> Column {
    Column {
        id: ColumnId::new(),
        title: title.into(),
        column_type: ty,
        settings: normalize_settings(ty, None).unwrap(),
        position: "V".into(),
        width: None,
    }
}

fn formula(title: &str, expression: &str) -> Column {
    Column {
        settings: ColumnSettings::Formula(FormulaSettings {
            broken: None,
            expression: expression.into(),
            result: FormulaResult::Text,
        }),
        ..column(title, ColumnType::Formula)
    }
}

fn item(columns: &[Column], values: Value) -> Item {
    let ctx = ValueContext { is_org_member: &|_| true };
    let mut item = Item {
        id: ItemId::new(),
        board_id: BoardId::new(),
        group_id: GroupId::new(),
        name: "Launch".into(),
        position: "V".into(),
        values: Default::default(),
        version: 1,
        created_by: UserId::new(),
        created_at: chrono::Utc::now(),
        updated_at: chrono::Utc::now(),
        parent_item_id: None,
        archived: false,
        auto_number: 7,
    };
    for (title, raw) in values.as_object().unwrap() {
        let c = columns.iter().find(|c| c.title == *title).unwrap();
        let v = normalize_value(c, raw, &ctx).unwrap();
        item.values.set(c.id, v.as_ref());
    }
    item
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
}

/// The board `Price`, `Qty` (numbers), `Due` (date), `Status`, `Note` (text) and `Done`
/// (checkbox), then a formula `F` of `expression`.
fn board_with(expression: &str) -> Vec<Column> {
    vec![
        column("Price", ColumnType::Number),
        column("Qty", ColumnType::Number),
        column("Due", ColumnType::Date),
        column("Status", ColumnType::Status),
        column("Note", ColumnType::Text),
        column("Done", ColumnType::Checkbox),
        formula("F", expression),
    ]
}

/// The value `F` computes for `values` on [`board_with`].
fn value_of(expression: &str, values: Value) -> Option<Value> {
    let columns = board_with(expression);
    let compiled = BoardFormulas::compile(&columns, None).map_err(|r| r.error).unwrap();
    let mut it = item(&columns, values);
    compiled.apply(&mut it, today());
    let f = columns.last().unwrap();
    it.values.json(f.id)
}

fn error_of(columns: &[Column], focus: usize) -> FormulaError {
    BoardFormulas::compile(columns, Some(columns[focus].id)).unwrap_err().error
}

#[test]
fn arithmetic_text_and_logic() {
    assert_eq!(value_of("{Price} * {Qty}", json!({"Price": 2.5, "Qty": 4})), Some(json!(10)));
    assert_eq!(value_of("1 + 2 * 3 ^ 2", json!({})), Some(json!(19)));
    assert_eq!(value_of("-2 ^ 2", json!({})), Some(json!(-4)), "unary minus binds looser than ^");
    assert_eq!(value_of("(1 + 2) * 3", json!({})), Some(json!(9)));
    assert_eq!(
        value_of("{Price} / 0", json!({"Price": 1})),
        Some(json!({"error": {"code": "division_by_zero", "message": "division by zero"}})),
        "no answer is an error value"
    );
    assert_eq!(value_of("{Price} + 1", json!({})), Some(json!(1)), "an empty number counts as 0");
    assert_eq!(value_of(r#"{Name} & " #" & 3"#, json!({})), Some(json!("Launch #3")));
    assert_eq!(value_of(r#"UPPER(LEFT({Note}, 3))"#, json!({"Note": "hello"})), Some(json!("HEL")));
    assert_eq!(value_of(r#"LEN("héllo")"#, json!({})), Some(json!(5)));
    assert_eq!(value_of(r#"REPLACE("abcdef", 2, 3, "X")"#, json!({})), Some(json!("aXef")));
    assert_eq!(value_of(r#"SUBSTITUTE("a-b-c", "-", "+")"#, json!({})), Some(json!("a+b+c")));
    assert_eq!(value_of(r#"SEARCH("LO", "hello")"#, json!({})), Some(json!(4)));
    assert_eq!(value_of(r#"MID("abcdef", 2, 3)"#, json!({})), Some(json!("bcd")));
    assert_eq!(value_of(r#"RIGHT("abcdef", 2)"#, json!({})), Some(json!("ef")));
    assert_eq!(value_of(r#"TRIM("  a   b ")"#, json!({})), Some(json!("a b")));
    assert_eq!(value_of(r#"IF({Price} > 10, "big", "small")"#, json!({"Price": 11})), Some(json!("big")));
    assert_eq!(value_of(r#"IF({Done}, 1, 2)"#, json!({})), Some(json!(2)), "an unchecked box is false");
    assert_eq!(value_of(r#"IF({Price} > 10, {Price})"#, json!({"Price": 3})), None);
    assert_eq!(value_of(r#"IF({Price} > 10, {Due}, "")"#, json!({"Price": 3, "Due": "2026-01-01"})), None);
    assert_eq!(value_of(r#"AND({Price} > 1, OR(FALSE, NOT(FALSE)))"#, json!({"Price": 2})), Some(json!(true)));
    assert_eq!(value_of(r#"AND({Price} > 1, FALSE)"#, json!({"Price": 2})), None, "false is an empty checkbox");
    assert_eq!(value_of(r#"SWITCH({Qty}, 1, "one", 2, "two", "many")"#, json!({"Qty": 2})), Some(json!("two")));
    assert_eq!(value_of(r#"SWITCH({Qty}, 1, "one", 2, "two", "many")"#, json!({"Qty": 9})), Some(json!("many")));
    assert_eq!(value_of(r#"SWITCH({Qty}, 1, "one")"#, json!({"Qty": 9})), None);
    assert_eq!(value_of(r#"{Status} = "Done""#, json!({"Status": "l3"})), Some(json!(true)));
}

#[test]
fn math_functions() {
    assert_eq!(value_of("ROUND(2.345, 2)", json!({})), Some(json!(2.35)));
    assert_eq!(value_of("ROUND(2.5)", json!({})), Some(json!(3)));
    assert_eq!(value_of("ROUNDUP(2.01, 1)", json!({})), Some(json!(2.1)));
    assert_eq!(value_of("ROUNDDOWN(-2.99)", json!({})), Some(json!(-2)));
    assert_eq!(value_of("SUM(1, {Price}, 3)", json!({})), Some(json!(4)));
    assert_eq!(value_of("MIN(4, 2, 8)", json!({})), Some(json!(2)));
    assert_eq!(value_of("MAX(4, 2, 8)", json!({})), Some(json!(8)));
    assert_eq!(value_of("AVERAGE(1, 2, 6)", json!({})), Some(json!(3)));
    assert_eq!(value_of("ABS(-3)", json!({})), Some(json!(3)));
    assert_eq!(value_of("POWER(2, 10)", json!({})), Some(json!(1024)));
    assert_eq!(value_of("MOD(-1, 3)", json!({})), Some(json!(2)));
    let code = |e: &str| value_of(e, json!({})).and_then(|v| v["error"]["code"].as_str().map(str::to_owned));
    assert_eq!(code("MOD(7, 0)").as_deref(), Some("division_by_zero"));
    assert_eq!(code("SQRT(-1)").as_deref(), Some("invalid_argument"));
    assert_eq!(code("POWER(10, 400)").as_deref(), Some("out_of_range"), "overflow");
}

#[test]
fn dates() {
    assert_eq!(value_of("TODAY()", json!({})), Some(json!("2026-12-04")));
    assert_eq!(value_of("DAYS(TODAY(), {Due})", json!({"Due": "2026-11-30"})), Some(json!(4)));
    assert_eq!(value_of("TODAY() - {Due}", json!({"Due": "2026-11-30"})), Some(json!(4)));
    assert_eq!(value_of("{Due} + 30", json!({"Due": "2026-12-15"})), Some(json!("2027-01-14")));
    assert_eq!(value_of("7 + {Due}", json!({"Due": "2026-12-15"})), Some(json!("2026-12-22")));
    assert_eq!(value_of("ADD_DAYS({Due}, 1)", json!({})), None, "an empty date stays empty");
    assert_eq!(value_of("SUBTRACT_DAYS(DATE(2026, 3, 1), 1)", json!({})), Some(json!("2026-02-28")));
    assert_eq!(value_of("WORKDAYS(DATE(2026, 12, 11), DATE(2026, 12, 4))", json!({})), Some(json!(6)));
    assert_eq!(value_of("WORKDAYS(DATE(2026, 12, 4), DATE(2026, 12, 11))", json!({})), Some(json!(-6)));
    assert_eq!(value_of("WEEKNUM(DATE(2026, 1, 1))", json!({})), Some(json!(1)));
    assert_eq!(value_of("WEEKDAY(DATE(2026, 12, 6))", json!({})), Some(json!(7)), "Sunday is 7");
    assert_eq!(value_of("YEAR({Due}) * 100 + MONTH({Due})", json!({"Due": "2026-05-17"})), Some(json!(202605)));
    assert_eq!(
        value_of(r#"FORMAT_DATE({Due}, "MMM D, YYYY (ddd)")"#, json!({"Due": "2026-05-07"})),
        Some(json!("May 7, 2026 (Thu)"))
    );
    assert_eq!(value_of(r#"FORMAT_DATE({Due})"#, json!({"Due": "2026-05-07T23:30:00Z"})), Some(json!("2026-05-07")));
    assert_eq!(
        value_of("DATE(2026, 2, 30)", json!({})).map(|v| v["error"]["code"].clone()),
        Some(json!("invalid_date"))
    );
    assert_eq!(value_of("{Due} < TODAY()", json!({"Due": "2026-12-01"})), Some(json!(true)));
    assert_eq!(value_of("{Due} < TODAY()", json!({})), None, "an empty date is not before anything");
}

#[test]
fn errors_point_at_the_mistake() {
    let cols = |e: &str| vec![column("Price", ColumnType::Number), column("Note", ColumnType::Text), formula("F", e)];
    let at = |e: &str| {
        let err = error_of(&cols(e), 2);
        (err.rule, err.span.start, err.span.end)
    };
    assert_eq!(at("{Price} + {Nope}"), ("unknown_column", 10, 16));
    assert_eq!(at("{Price} + {Note}"), ("type_mismatch", 0, 16));
    assert_eq!(at("IF({Price}, 1, 2)"), ("type_mismatch", 3, 10));
    assert_eq!(at(r#"IF({Price} > 1, 1, "x")"#), ("type_mismatch", 19, 22));
    assert_eq!(at("FOO(1)"), ("unknown_function", 0, 6));
    assert_eq!(at("ROUND()"), ("wrong_arguments", 0, 7));
    assert_eq!(at("(1 + 2"), ("unclosed_paren", 0, 1));
    assert_eq!(at("1 + 2)"), ("unmatched_paren", 5, 6));
    assert_eq!(at(r#""abc"#), ("unclosed_string", 0, 4));
    assert_eq!(at("{Price"), ("unclosed_reference", 0, 6));
    assert_eq!(at("1 +"), ("unexpected_end", 3, 3));
    assert_eq!(at("1 # 2"), ("unexpected_character", 2, 3));
    assert_eq!(at("price"), ("unknown_name", 0, 5));
    assert_eq!(at("é + {Prïce}").0, "unknown_name", "positions count characters");
    assert_eq!(at("1 + {Prïce}"), ("unknown_column", 4, 11));
    let deep = format!("{}1{}", "(".repeat(200), ")".repeat(200));
    assert_eq!(at(&deep).0, "too_deep");
    assert_eq!(at(&"-".repeat(500)).0, "too_deep");
    assert_eq!(at(&"1+".repeat(3000)).0, "too_long");
}

#[test]
fn cycles_are_refused_at_the_saved_formula() {
    let mut a = formula("A", "{B} + 1");
    let b = formula("B", "{C} * 2");
    let c = formula("C", "{A}");
    let cols = vec![a.clone(), b.clone(), c.clone()];
    let Refused { column: col, error: err } = BoardFormulas::compile(&cols, Some(c.id)).unwrap_err();
    assert_eq!((col.id, err.rule, err.span), (c.id, "cycle", Span::new(0, 3)));
    assert!(err.message.contains("\"C\" → \"A\" → \"B\" → \"C\""), "{}", err.message);
    a.settings = formula("A", "{A}").settings;
    let Refused { column: col, error: err } = BoardFormulas::compile(&[a.clone()], Some(a.id)).unwrap_err();
    assert_eq!((col.id, err.rule), (a.id, "cycle"));
    // Without the cycle, formulas of formulas compute in order and take their input's type.
    let cols = vec![
        formula("A", "{B} + 1"),
        formula("B", "{C} * 2"),
        formula("C", "{Price}"),
        column("Price", ColumnType::Number),
    ];
    let compiled = BoardFormulas::compile(&cols, None).unwrap();
    assert_eq!(compiled.result(cols[0].id), Some(FormulaResult::Number));
    let mut it = item(&cols, json!({"Price": 5}));
    let changes = compiled.apply(&mut it, today());
    assert_eq!(it.values.json(cols[0].id), Some(json!(11)));
    assert_eq!(changes.len(), 3);
    assert!(compiled.apply(&mut it, today()).is_empty(), "computing again changes nothing");
    assert!(compiled.reads(cols[3].id) && !compiled.reads(ColumnId::new()));
    assert!(!compiled.uses_today());
    let dated = BoardFormulas::compile(&[formula("T", "IF(TRUE, DAYS(TODAY(), DATE(2026, 1, 1)), 0)")], None).unwrap();
    assert!(dated.uses_today());
}

#[test]
fn references_follow_titles_and_kinds() {
    let mut dup = vec![column("Price", ColumnType::Number), column("price", ColumnType::Text), formula("F", "{PRICE}")];
    assert_eq!(error_of(&dup, 2).rule, "unknown_column", "an ambiguous title is refused");
    dup[1].title = "Cost".into();
    assert!(BoardFormulas::compile(&dup, None).is_ok(), "titles match case-insensitively");
    let people = vec![column("Owner", ColumnType::People), formula("F", "{Owner}")];
    assert!(error_of(&people, 1).message.contains("people"));
    let status = column("Stage", ColumnType::Status);
    let cols = vec![
        status.clone(),
        column("Tags", ColumnType::Tags),
        column("Stars", ColumnType::Rating),
        formula("F", r#"{Stage} & "/" & {Tags} & "/" & {Stars} & "/" & {Item number}"#),
        column("Item number", ColumnType::AutoNumber),
    ];
    let compiled = BoardFormulas::compile(&cols, None).unwrap();
    let mut it = item(&cols, json!({"Stage": "l1", "Tags": ["a", "b"], "Stars": 3}));
    compiled.apply(&mut it, today());
    assert_eq!(it.values.json(cols[3].id), Some(json!("Working on it/a, b/3/7")));
    assert_eq!(compiled.result(cols[3].id), Some(FormulaResult::Text));
    assert_eq!(compiled.with_results(&cols)[3].value_type(), ColumnType::Text);
}

#[test]
fn renaming_rewrites_only_references() {
    let out = rename_refs(r#"{Price} * {qty} & "{Price}" & { Price }"#, |t| {
        (t.to_lowercase() == "price").then(|| "Cost".into())
    });
    assert_eq!(out, r#"{Cost} * {qty} & "{Price}" & {Cost}"#);
    assert_eq!(rename_refs("(unclosed {A", |_| Some("B".into())), "(unclosed {A");
}

#[test]
fn settings_parse_syntax_and_keep_a_given_result() {
    let mut given = Map::new();
    given.insert("expression".into(), json!(" 1 + "));
    let e = settings(&given).unwrap_err();
    assert_eq!(serde_json::to_value(e.details).unwrap()["position"], 5, "positions count from the expression as given");
    given.insert("expression".into(), json!("1 + 1"));
    given.insert("result".into(), json!("number"));
    let s = settings(&given).unwrap();
    assert_eq!(s, json!({"expression": "1 + 1", "result": "number"}));
    given.insert("script".into(), json!(""));
    assert!(settings(&given).is_err(), "unknown keys are refused");
}

/// Random expressions from the grammar, some well-typed and many not.
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (-1000i32..1000).prop_map(|n| n.to_string()),
        Just("2.5".to_owned()),
        Just(r#""text""#.to_owned()),
        Just("TRUE".to_owned()),
        Just("{Price}".to_owned()),
        Just("{Qty}".to_owned()),
        Just("{Due}".to_owned()),
        Just("{Note}".to_owned()),
        Just("{Done}".to_owned()),
        Just("{Status}".to_owned()),
        Just("TODAY()".to_owned()),
    ];
    leaf.prop_recursive(5, 40, 4, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec!["+", "-", "*", "/", "^", "&", "=", "<", ">=", "!="]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            inner.clone().prop_map(|a| format!("-{a}")),
            (
                prop::sample::select(FUNCTIONS.iter().map(|(n, _)| *n).collect::<Vec<_>>()),
                prop::collection::vec(inner, 0..4)
            )
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Any text either compiles or is refused with a span inside it; nothing panics.
    #[test]
    fn arbitrary_text_never_panics(src in "\\PC{0,60}") {
        let cols = vec![column("Price", ColumnType::Number), formula("F", &src)];
        if let Err(Refused { error: e, .. }) = BoardFormulas::compile(&cols, None) {
            let len = src.chars().count();
            prop_assert!(e.span.start <= e.span.end && e.span.end <= len, "{e:?} in {src:?}");
        }
    }

    /// A formula that compiles computes a value of its inferred type, or none, for any item;
    /// computing twice gives the same cells (determinism).
    #[test]
    fn compiled_formulas_compute_their_type(src in expression(), price in proptest::option::of(-1e6f64..1e6), qty in proptest::option::of(0u32..100)) {
        let cols = board_with(&src);
        if let Ok(compiled) = BoardFormulas::compile(&cols, None) {
            let cols = compiled.with_results(&cols);
            let mut values = serde_json::Map::new();
            if let Some(p) = price { values.insert("Price".into(), json!(p)); }
            if let Some(q) = qty { values.insert("Qty".into(), json!(q)); }
            values.insert("Due".into(), json!("2026-06-30"));
            let mut it = item(&cols, Value::Object(values));
            compiled.apply(&mut it, today());
            let f = cols.last().unwrap();
            if let Some(stored) = it.values.json(f.id) {
                let typed = CellValue::from_stored(f.value_type(), &stored);
                prop_assert!(typed.is_some() || stored.get("error").is_some(), "{stored} is a {:?} or an error", f.value_type());
            }
            let before = it.values.clone();
            prop_assert!(compiled.apply(&mut it, today()).is_empty());
            prop_assert_eq!(before, it.values);
        }
    }

    /// Arithmetic matches the machine's, on numbers that stay exact.
    #[test]
    fn arithmetic_matches(a in -10_000i64..10_000, b in -10_000i64..10_000, c in 1i64..100) {
        let got = value_of(&format!("{a} + {b} * {c} - ({a} - {b}) / {c}"), json!({}));
        let want = a as f64 + (b * c) as f64 - (a - b) as f64 / c as f64;
        prop_assert_eq!(got.and_then(|v| v.as_f64()), Some(want));
    }
}
