//! Tests of column settings, values and conversions, with shared fixtures.

mod convert;
mod props;
mod settings;
mod values;

use serde_json::Value;
use sunday_types::boards::{Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::{ColumnId, ErrorCode};

use super::*;

/// A column of `ty` titled after its type, with `settings` normalized (a mirror without
/// settings reads a relation column of its own).
fn column(ty: ColumnType, mut settings: Value) -> Column {
    if matches!(ty, ColumnType::Mirror | ColumnType::Rollup) && settings == serde_json::json!({}) {
        settings = serde_json::json!({"relation_column_id": ColumnId::new()});
    }
    Column {
        id: ColumnId::new(),
        title: format!("My {}", ty.as_str()),
        column_type: ty,
        settings: normalize_settings(ty, Some(&settings)).unwrap(),
        position: "V".into(),
        width: None,
    }
}

/// Normalizes `raw` for `col`, accepting any user, expecting success.
fn ok(col: &Column, raw: Value) -> Option<Value> {
    normalize_value(col, &raw, &ANY_USER).unwrap_or_else(|e| panic!("{raw} refused: {e}")).map(|v| v.to_json())
}

/// The typed value of a stored JSON cell of `col`.
fn typed(col: &Column, stored: &Value) -> Option<CellValue> {
    CellValue::from_stored(col.column_type, stored)
}

/// [`display_text`] of a stored JSON cell; `""` for no value.
fn shown(stored: &Value, col: &Column) -> String {
    typed(col, stored).map(|v| display_text(&v, col)).unwrap_or_default()
}

/// [`convert_value`] of a stored JSON cell, as JSON.
fn converted(stored: &Value, from: &Column, to: &Column) -> Option<Value> {
    convert_value(&typed(from, stored)?, from, to).map(|v| v.to_json())
}

/// Normalizes `raw` for `col`, expecting a refusal; checks the error names the column and
/// returns its rule.
fn rule(col: &Column, raw: Value) -> String {
    let e = normalize_value(col, &raw, &ANY_USER).expect_err(&format!("{raw} accepted"));
    assert_eq!(e.code, ErrorCode::ValidationFailed);
    assert!(e.message.contains(&col.title), "message does not name the column: {}", e.message);
    let d = serde_json::to_value(e.details).unwrap();
    assert_eq!(d["column_id"], col.id.to_string());
    assert_eq!(d["column"], col.title);
    d["rule"].as_str().unwrap().to_owned()
}

/// The rule of a refused settings value.
fn settings_rule(ty: ColumnType, settings: Value) -> String {
    let e = normalize_settings(ty, Some(&settings)).expect_err(&format!("{settings} accepted"));
    assert_eq!(e.code, ErrorCode::ValidationFailed);
    let d = serde_json::to_value(e.details).unwrap();
    assert_eq!(d["field"], "settings");
    d["rule"].as_str().unwrap().to_owned()
}
