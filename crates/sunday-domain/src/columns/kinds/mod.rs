//! Column kinds: each column type is one module implementing [`ColumnKind`], registered once in
//! [`kind_of`]. A kind says what its settings hold, which JSON values its cells accept and in
//! what canonical form, how a value reads as text (display, CSV out), how values of other
//! types convert into it (type changes, CSV in), how filters and sorts treat it (its
//! [`FieldKind`], which fixes the operators and the engine's cell decoding), and where its
//! values come from ([`ValueSource`]): written by people, kept by Sunday, or derived from other
//! columns, items or boards (formulas, mirrors, rollups) with declared [`Dependency`]s.
//!
//! Adding a column type: add the variant to `ColumnType` (sunday-types), write its module
//! here, add it to [`kind_of`] (the compiler points at the match), and give the web app an
//! editor for it (`web/src/components/Cell.tsx`). Pickers, titles and filter operators reach
//! the web app from `GET /api/v1/column-types`.

mod checkbox;
mod date;
mod dependency;
mod dropdown;
mod email;
mod file;
mod formula;
mod link;
mod long_text;
mod mirror;
mod number;
mod people;
mod phone;
mod rating;
mod relation;
mod status;
mod system;
mod tags;
mod text;
mod timeline;

use serde_json::{json, Map, Value};
use sunday_types::board_api::{ColumnTypeInfo, ValueOrigin};
use sunday_types::boards::{enum_name, Column, ColumnType};
use sunday_types::cells::CellValue;
use sunday_types::column_settings::{ColumnSettings, NoSettings};
use sunday_types::{ApiError, ColumnId};

use super::settings::allow_keys;
use super::ValueContext;
use crate::filter::FieldKind;

/// Where a column's values come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueSource {
    /// People write them (through the API, the web app, imports).
    Written,
    /// Sunday keeps them from the item itself (its number, id, creation, last change); never
    /// written by clients.
    System,
    /// Computed from the [`Dependency`]s a kind declares; never written by clients.
    Derived,
}

/// What a derived column's values are computed from; the engine recomputes a value when one
/// of them changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dependency {
    /// Another column of the same item.
    Column(ColumnId),
    /// Columns of the items linked through a relation column of this item.
    Linked { relation: ColumnId, column: Option<ColumnId> },
    /// The item's subitems (rollups).
    Subitems { column: Option<ColumnId> },
}

/// One column type's behaviour. Methods with defaults cover the common case; a kind overrides
/// what is particular to it.
pub trait ColumnKind: Sync {
    fn column_type(&self) -> ColumnType;

    /// The type's name as people read it ("Status", "Long text").
    fn title(&self) -> &'static str;

    fn source(&self) -> ValueSource {
        ValueSource::Written
    }

    /// How filters and sorts treat the column: the operators it allows, how the engine
    /// decodes its cells and orders them.
    fn field_kind(&self) -> FieldKind;

    /// Whether views can group or lay out lanes by this column.
    fn groupable(&self) -> bool {
        false
    }

    /// Canonical settings from the client's (an object, `{}` when none were given); every
    /// default filled. Types without settings accept only `{}`.
    fn settings(&self, given: &Map<String, Value>) -> Result<ColumnSettings, ApiError> {
        allow_keys(self.column_type(), given, &[], "settings")?;
        Ok(ColumnSettings::None(NoSettings {}))
    }

    /// What the column's values look like, for error messages and documentation.
    fn expected(&self, column: &Column) -> String;

    /// Parses a client's non-null value into its typed, canonical form, or `None` when it
    /// means "empty". Only called for written kinds.
    fn normalize(&self, column: &Column, raw: &Value, ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError>;

    /// The value as a person reads it, when it differs from the generic rendering (label
    /// names instead of ids, formatted numbers, ranges).
    fn display(&self, _value: &CellValue, _column: &Column) -> Option<String> {
        None
    }

    /// A candidate value of column `to` (of this kind) read from trimmed text: type changes
    /// from text columns and CSV import. Re-validated by [`ColumnKind::normalize`].
    fn read_text(&self, _text: &str, _to: &Column) -> Option<Value> {
        None
    }

    /// A candidate value of column `to` (of this kind) from a value of column `from` of
    /// another type. By default only text converts (through [`ColumnKind::read_text`]).
    fn convert(&self, value: &CellValue, _from: &Column, to: &Column) -> Option<Value> {
        self.read_text(text_source(value)?, to)
    }

    /// A candidate value of column `to` from a value of column `from` of the same type (the
    /// settings may differ): kept as is by default.
    fn same_type(&self, value: &CellValue, _from: &Column, _to: &Column) -> Option<Value> {
        Some(value.to_json())
    }

    /// What a derived column's values depend on (empty for written and system kinds).
    fn dependencies(&self, _column: &Column) -> Vec<Dependency> {
        Vec::new()
    }
}

pub use file::FILES_MAX;
pub use relation::{BOARDS_MAX as RELATION_BOARDS_MAX, LINKS_MAX as RELATION_LINKS_MAX};

/// The kind of a column type: the one registry.
pub fn kind_of(ty: ColumnType) -> &'static dyn ColumnKind {
    match ty {
        ColumnType::Text => &text::Text,
        ColumnType::LongText => &long_text::LongText,
        ColumnType::Number => &number::Number,
        ColumnType::Status => &status::Status,
        ColumnType::Dropdown => &dropdown::Dropdown,
        ColumnType::Date => &date::Date,
        ColumnType::Timeline => &timeline::Timeline,
        ColumnType::People => &people::People,
        ColumnType::Checkbox => &checkbox::Checkbox,
        ColumnType::Rating => &rating::Rating,
        ColumnType::Link => &link::Link,
        ColumnType::Email => &email::EmailKind,
        ColumnType::Phone => &phone::Phone,
        ColumnType::Tags => &tags::Tags,
        ColumnType::AutoNumber => &system::AUTO_NUMBER,
        ColumnType::ItemId => &system::ITEM_ID,
        ColumnType::CreationLog => &system::CREATION_LOG,
        ColumnType::LastUpdated => &system::LAST_UPDATED,
        ColumnType::Button => &system::BUTTON,
        ColumnType::Formula => &formula::Formula,
        ColumnType::Dependency => &dependency::Dependency,
        ColumnType::BoardRelation => &relation::Relation,
        ColumnType::Mirror => &mirror::MIRROR,
        ColumnType::Rollup => &mirror::ROLLUP,
        ColumnType::File => &file::File,
    }
}

/// Whether clients may write values of this type.
pub fn is_written(ty: ColumnType) -> bool {
    kind_of(ty).source() == ValueSource::Written
}

/// The text of a value of a text column, trimmed, for conversions out of text.
fn text_source(value: &CellValue) -> Option<&str> {
    match value {
        CellValue::Text(s) | CellValue::LongText(s) => Some(s.trim()),
        _ => None,
    }
}

/// The error every system and derived kind gives a write.
fn computed_value(column: &Column) -> Result<Option<CellValue>, ApiError> {
    Err(super::value_error(
        column,
        "read_only",
        format!("column \"{}\" is computed by Sunday; its values cannot be written", column.title),
    ))
}

/// Every column type as clients present it, in `ColumnType::ALL` order.
pub fn infos() -> Vec<ColumnTypeInfo> {
    ColumnType::ALL
        .into_iter()
        .map(|ty| {
            let kind = kind_of(ty);
            let default_settings = kind.settings(&Map::new()).unwrap_or(ColumnSettings::None(NoSettings {}));
            let sample = Column {
                id: ColumnId::new(),
                title: kind.title().into(),
                column_type: ty,
                settings: default_settings.clone(),
                position: String::new(),
                width: None,
            };
            ColumnTypeInfo {
                column_type: ty,
                title: kind.title().into(),
                value: kind.expected(&sample),
                origin: match kind.source() {
                    ValueSource::Written => ValueOrigin::Written,
                    ValueSource::System => ValueOrigin::System,
                    ValueSource::Derived => ValueOrigin::Derived,
                },
                filter_operators: kind.field_kind().ops().iter().map(enum_name).collect(),
                groupable: kind.groupable(),
                default_settings: serde_json::to_value(&default_settings).unwrap_or_else(|_| json!({})),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_knows_every_type_once() {
        for ty in ColumnType::ALL {
            let kind = kind_of(ty);
            assert_eq!(kind.column_type(), ty, "{ty:?} is registered under its own kind");
            assert!(!kind.title().is_empty());
            assert!(!kind.field_kind().ops().is_empty(), "{ty:?} has filter operators");
            assert!(kind.dependencies(&column_of(ty)).is_empty(), "formulas resolve their inputs with the board");
        }
        let titles: std::collections::HashSet<_> = ColumnType::ALL.iter().map(|t| kind_of(*t).title()).collect();
        assert_eq!(titles.len(), ColumnType::ALL.len(), "titles tell types apart");
    }

    #[test]
    fn system_kinds_refuse_writes_and_written_kinds_take_their_default_settings() {
        for ty in ColumnType::ALL {
            let column = column_of(ty);
            let ctx = ValueContext { is_org_member: &|_| true };
            let written = kind_of(ty).normalize(&column, &json!("x"), &ctx);
            match kind_of(ty).source() {
                ValueSource::System | ValueSource::Derived => {
                    let e = written.unwrap_err();
                    assert_eq!(serde_json::to_value(e.details).unwrap()["rule"], "read_only", "{ty:?}");
                }
                _ => assert!(is_written(ty)),
            }
        }
        let info = infos();
        let status = info.iter().find(|i| i.column_type == ColumnType::Status).unwrap();
        assert_eq!(status.default_settings["labels"].as_array().map(Vec::len), Some(3));
        let number = info.iter().find(|i| i.column_type == ColumnType::Number).unwrap();
        assert_eq!(number.default_settings, json!({"unit": null, "decimals": 2}));
        assert!(status.groupable && status.filter_operators.contains(&"any_of".to_string()));
        let auto = info.iter().find(|i| i.column_type == ColumnType::AutoNumber).unwrap();
        assert_eq!(auto.origin, ValueOrigin::System);
    }

    fn column_of(ty: ColumnType) -> Column {
        let mut given = Map::new();
        if matches!(ty, ColumnType::Mirror | ColumnType::Rollup) {
            given.insert("relation_column_id".into(), json!(ColumnId::new()));
        }
        Column {
            id: ColumnId::new(),
            title: "c".into(),
            column_type: ty,
            settings: kind_of(ty).settings(&given).unwrap(),
            position: "V".into(),
            width: None,
        }
    }
}
