//! Properties over generated values of every column type: normalizing is idempotent, and every
//! conversion yields a value its target column accepts unchanged.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::Union;
use serde_json::json;

use super::*;

/// The columns values are generated for and converted into.
fn fixtures(ty: ColumnType) -> Vec<Column> {
    match ty {
        ColumnType::Status => vec![
            column(ty, json!({})),
            column(
                ty,
                json!({"labels": [{"name": "Alpha"}, {"name": "web"}, {"id": "l3", "name": "Shipped", "done": true}]}),
            ),
        ],
        ColumnType::Dropdown => vec![column(
            ty,
            json!({"options": [{"name": "Alpha"}, {"name": "Beta"}, {"name": "done"}, {"name": "Web"}, {"name": "Stuck"}]}),
        )],
        ColumnType::Number => vec![column(ty, json!({})), column(ty, json!({"unit": "€", "decimals": 0}))],
        ColumnType::Rating => vec![column(ty, json!({"max": 7})), column(ty, json!({"max": 3}))],
        _ => vec![column(ty, json!({}))],
    }
}

fn user_id() -> impl Strategy<Value = String> {
    any::<u128>().prop_map(|n| {
        let h = format!("{n:032x}");
        format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
    })
}

fn date() -> impl Strategy<Value = String> {
    prop_oneof![
        (1i32..=9999, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        (2i32..=9998, 1u32..=12, 1u32..=28, 0u32..24, 0u32..60, 0u32..60, 0u32..1000, -14i32..=14).prop_map(
            |(y, m, d, h, mi, s, ms, off)| {
                let zone = if off == 0 { "Z".to_owned() } else { format!("{off:+03}:00") };
                format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}{zone}")
            }
        ),
    ]
}

/// A column type (its first fixture) and a valid raw value for it.
fn cell() -> impl Strategy<Value = (ColumnType, Value)> {
    use ColumnType as T;
    let of = |ty: ColumnType, s: BoxedStrategy<Value>| s.prop_map(move |v| (ty, v)).boxed();
    Union::new(vec![
        of(T::Text, "\\PC{0,80}".prop_map(|s| json!(format!(" {s} "))).boxed()),
        of(T::LongText, vec("\\PC{0,30}", 0..5).prop_map(|lines| json!(lines.join("\r\n"))).boxed()),
        of(
            T::Number,
            prop_oneof![
                any::<f64>().prop_filter("finite", |n| n.is_finite()).prop_map(|n| json!(n)),
                any::<i64>().prop_map(|n| json!(n))
            ]
            .boxed(),
        ),
        of(T::Status, select(vec!["l1", "l2", "l3"]).prop_map(|id| json!(id)).boxed()),
        of(T::Dropdown, vec(select(vec!["o1", "o2", "o3", "o4", "o5"]), 0..7).prop_map(|ids| json!(ids)).boxed()),
        of(T::Date, date().prop_map(|d| json!(d)).boxed()),
        of(
            T::Timeline,
            (date(), date())
                .prop_map(|(a, b)| {
                    let canon = |d: &str| super::super::values::parse_date(d).unwrap();
                    let (a, b) = (canon(&a), canon(&b));
                    let (from, to) = if a <= b { (a, b) } else { (b, a) };
                    json!({"from": from, "to": to})
                })
                .boxed(),
        ),
        of(T::People, vec(user_id(), 0..5).prop_map(|ids| json!(ids)).boxed()),
        of(T::Checkbox, any::<bool>().prop_map(|b| json!(b)).boxed()),
        of(T::Rating, (0u64..=7).prop_map(|n| json!(n)).boxed()),
        of(
            T::Link,
            (
                "[hH][tT][tT][pP][sS]?://[a-z0-9]{1,10}(\\.[a-z]{2,5}){0,2}(:[0-9]{1,4})?(/[a-zA-Z0-9._~-]{0,12}){0,3}",
                proptest::option::of("\\PC{0,40}"),
            )
                .prop_map(|(url, text)| json!({"url": url, "text": text}))
                .boxed(),
        ),
        of(
            T::Email,
            "[a-zA-Z0-9]{1,12}(\\.[a-z0-9]{1,5})?@[a-zA-Z]{1,10}\\.[a-zA-Z]{2,6}".prop_map(|e| json!(e)).boxed(),
        ),
        of(T::Phone, "\\+[1-9]([ -]?[0-9]){6,14}".prop_map(|p| json!(p)).boxed()),
        of(T::Tags, vec("[a-zA-Z0-9 ]{0,20}[a-zA-Z0-9]", 0..8).prop_map(|t| json!(t)).boxed()),
    ])
}

/// Arbitrary JSON, for robustness.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |n| n.is_finite()).prop_map(|n| json!(n)),
        "\\PC{0,20}".prop_map(Value::from),
        select(vec!["l1", "o2", "2026-11-27", "https://e.com", "+4930123456", "from", "to", "url"])
            .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map(select(vec!["from", "to", "url", "text", "x"]), inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn normalizing_is_idempotent((ty, raw) in cell()) {
        for col in fixtures(ty).iter().take(1) {
            let first = match normalize_value(col, &raw, &ANY_USER) {
                Ok(v) => v,
                Err(e) => return Err(TestCaseError::fail(format!("{raw} refused: {e}"))),
            };
            if let Some(v) = first {
                let again = normalize_value(col, &v.to_json(), &ANY_USER).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(again, Some(v));
            }
        }
    }

    #[test]
    fn conversions_yield_valid_canonical_values((ty, raw) in cell()) {
        let from = &fixtures(ty)[0];
        let Some(value) = normalize_value(from, &raw, &ANY_USER).map_err(|e| TestCaseError::fail(e.to_string()))? else {
            return Ok(());
        };
        for to in ColumnType::ALL.into_iter().flat_map(fixtures) {
            if let Some(out) = convert_value(&value, from, &to) {
                prop_assert_eq!(out.column_type(), to.column_type);
                match normalize_value(&to, &out.to_json(), &ANY_USER) {
                    Ok(again) => prop_assert_eq!(again, Some(out.clone()), "{:?} {:?} → {:?}", ty, value, to.column_type),
                    Err(e) => prop_assert!(false, "{:?} {:?} → {:?} {:?} refused: {}", ty, value, to.column_type, out, e),
                }
            }
            let _ = display_text(&value, from);
        }
    }

    #[test]
    fn arbitrary_json_never_panics(raw in any_json()) {
        for col in ColumnType::ALL.into_iter().flat_map(fixtures) {
            if let Ok(Some(v)) = normalize_value(&col, &raw, &ANY_USER) {
                prop_assert_eq!(normalize_value(&col, &v.to_json(), &ANY_USER).ok(), Some(Some(v.clone())));
                prop_assert_eq!(CellValue::from_stored(col.column_type, &v.to_json()), Some(v));
            }
            let _ = shown(&raw, &col);
            for to in ColumnType::ALL.into_iter().flat_map(fixtures) {
                let _ = converted(&raw, &col, &to);
            }
        }
    }
}
