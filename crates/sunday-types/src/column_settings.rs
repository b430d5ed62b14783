//! Column settings, typed per column type: parsed once where they enter (the domain's
//! `normalize_settings` for clients, [`ColumnSettings::decode`] for what Sunday stored), so
//! readers match on a variant instead of probing JSON keys. On the wire they are the plain
//! object of the column's type (`{"labels": [...]}`, `{"unit": null, "decimals": 2}`, `{}`).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::boards::ColumnType;

/// A status label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Label {
    /// Stable id, what cells store.
    pub id: String,
    pub name: String,
    /// A palette name or `#rrggbb`.
    pub color: Option<String>,
    /// Whether this label means "done" (at most one per column).
    #[serde(default)]
    pub done: bool,
}

/// A dropdown option.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DropdownOption {
    /// Stable id, what cells store.
    pub id: String,
    pub name: String,
    pub color: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusSettings {
    pub labels: Vec<Label>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DropdownSettings {
    pub options: Vec<DropdownOption>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NumberSettings {
    /// Shown after the number, up to 10 characters.
    pub unit: Option<String>,
    /// Places shown (0 to 6); stored values are never rounded.
    pub decimals: u8,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingSettings {
    /// The most stars (1 to 10).
    pub max: u8,
}

/// What a formula's values are, inferred by Sunday from its expression when it is saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FormulaResult {
    Number,
    Text,
    Date,
    Boolean,
}

impl FormulaResult {
    /// The column type whose values a formula with this result holds (a true boolean is a
    /// checked checkbox; false is empty).
    pub fn value_type(self) -> ColumnType {
        match self {
            FormulaResult::Number => ColumnType::Number,
            FormulaResult::Text => ColumnType::Text,
            FormulaResult::Date => ColumnType::Date,
            FormulaResult::Boolean => ColumnType::Checkbox,
        }
    }
}

/// A formula column's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormulaSettings {
    /// The expression, referring to the item's columns by title in braces
    /// (`{Price} * {Quantity}`); see docs/formulas.md.
    pub expression: String,
    /// The type of its values, inferred when the column is saved (clients need not send it).
    pub result: FormulaResult,
    /// Why it computes nothing, when a column it read was deleted with `force`: its cells hold
    /// an error saying so until its expression is saved again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broken: Option<String>,
}

/// How moving an item's dates moves the items that depend on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShiftMode {
    /// A dependent starts exactly `lag_days` after the latest of its predecessors ends: moving a
    /// predecessor moves it, earlier or later.
    Strict,
    /// A dependent moves by as many days as its predecessor's end moved, keeping the gap.
    KeepGap,
    /// Nothing moves.
    None,
}

/// A dependency column's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DependencySettings {
    /// The date or timeline column whose dates the dependencies order (`null`: none yet).
    pub date_column_id: Option<crate::ColumnId>,
    pub mode: ShiftMode,
    /// Days between a predecessor's end and a dependent's start (0 to 365; 0 means the next day).
    pub lag_days: u16,
}

/// A board relation column's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RelationSettings {
    /// The boards whose items the column links to (1 to 10, of the same organization).
    pub board_ids: Vec<crate::BoardId>,
    /// The column of the linked board that shows the links back (a two-way relation); `null`
    /// for a one-way relation. Set by Sunday when the column is created.
    pub reverse_column_id: Option<crate::ColumnId>,
}

/// What a mirror column makes of the linked items' values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MirrorFunction {
    /// The values as a person reads them, comma-separated (a text).
    Show,
    /// How many items are linked.
    Count,
    /// Of a number column: the sum, average, least and greatest.
    Sum,
    Average,
    Min,
    Max,
    /// Of a date or timeline column: the first and last day, and both as a timeline (the
    /// span from the earliest start to the latest end).
    Earliest,
    Latest,
    Span,
    /// Of a status or dropdown column: how many items have each label (`Done: 2, Stuck: 1`).
    CountByLabel,
    /// Of a status column: the share of linked items whose label is a done label (0 to 100).
    PercentDone,
}

impl MirrorFunction {
    /// The column type of the values it makes.
    pub fn value_type(self) -> ColumnType {
        match self {
            MirrorFunction::Show | MirrorFunction::CountByLabel => ColumnType::Text,
            MirrorFunction::Earliest | MirrorFunction::Latest => ColumnType::Date,
            MirrorFunction::Span => ColumnType::Timeline,
            MirrorFunction::Count
            | MirrorFunction::Sum
            | MirrorFunction::Average
            | MirrorFunction::Min
            | MirrorFunction::Max
            | MirrorFunction::PercentDone => ColumnType::Number,
        }
    }
}

/// Which items a mirror or rollup reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MirrorSource {
    /// The items linked through `relation_column_id`.
    Relation,
    /// The item's subitems (a column of the subitem board rolled up into the parent).
    Subitems,
}

/// A mirror or rollup column's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MirrorSettings {
    pub source: MirrorSource,
    /// The board relation column of this board whose linked items it reads (`null` when the
    /// source is `subitems`).
    pub relation_column_id: Option<crate::ColumnId>,
    /// The column of the linked items (or subitems) it reads (`null`: their names).
    pub column_id: Option<crate::ColumnId>,
    pub function: MirrorFunction,
    /// Why it computes nothing, when the relation it read was deleted with `force`: its cells
    /// hold an error saying so until its settings are saved again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broken: Option<String>,
}

/// The settings of a type that has none: `{}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoSettings {}

/// A column's settings; which variant is fixed by the column's type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ColumnSettings {
    Status(StatusSettings),
    Dropdown(DropdownSettings),
    Number(NumberSettings),
    Rating(RatingSettings),
    Formula(FormulaSettings),
    Dependency(DependencySettings),
    Relation(RelationSettings),
    Mirror(MirrorSettings),
    None(NoSettings),
}

impl ColumnSettings {
    /// Canonical settings of a column of type `ty`, as Sunday stores and serves them.
    pub fn decode(ty: ColumnType, value: Value) -> Result<ColumnSettings, serde_json::Error> {
        Ok(match ty {
            ColumnType::Status => ColumnSettings::Status(serde_json::from_value(value)?),
            ColumnType::Dropdown => ColumnSettings::Dropdown(serde_json::from_value(value)?),
            ColumnType::Number => ColumnSettings::Number(serde_json::from_value(value)?),
            ColumnType::Rating => ColumnSettings::Rating(serde_json::from_value(value)?),
            ColumnType::Formula => ColumnSettings::Formula(serde_json::from_value(value)?),
            ColumnType::Dependency => ColumnSettings::Dependency(serde_json::from_value(value)?),
            ColumnType::BoardRelation => ColumnSettings::Relation(serde_json::from_value(value)?),
            ColumnType::Mirror | ColumnType::Rollup => ColumnSettings::Mirror(serde_json::from_value(value)?),
            _ => ColumnSettings::None(serde_json::from_value(value)?),
        })
    }

    /// The status labels (empty for other types).
    pub fn labels(&self) -> &[Label] {
        match self {
            ColumnSettings::Status(s) => &s.labels,
            _ => &[],
        }
    }

    /// The dropdown options (empty for other types).
    pub fn options(&self) -> &[DropdownOption] {
        match self {
            ColumnSettings::Dropdown(s) => &s.options,
            _ => &[],
        }
    }

    pub fn number(&self) -> Option<&NumberSettings> {
        match self {
            ColumnSettings::Number(s) => Some(s),
            _ => None,
        }
    }

    pub fn formula(&self) -> Option<&FormulaSettings> {
        match self {
            ColumnSettings::Formula(s) => Some(s),
            _ => None,
        }
    }

    pub fn dependency(&self) -> Option<&DependencySettings> {
        match self {
            ColumnSettings::Dependency(s) => Some(s),
            _ => None,
        }
    }

    pub fn relation(&self) -> Option<&RelationSettings> {
        match self {
            ColumnSettings::Relation(s) => Some(s),
            _ => None,
        }
    }

    pub fn mirror(&self) -> Option<&MirrorSettings> {
        match self {
            ColumnSettings::Mirror(s) => Some(s),
            _ => None,
        }
    }

    pub fn rating(&self) -> Option<&RatingSettings> {
        match self {
            ColumnSettings::Rating(s) => Some(s),
            _ => None,
        }
    }
}

/// Settings compare with JSON by their wire form (handy in tests and conversions).
impl PartialEq<Value> for ColumnSettings {
    fn eq(&self, other: &Value) -> bool {
        serde_json::to_value(self).is_ok_and(|v| v == *other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_decode_by_type_and_keep_their_wire_form() {
        let status = json!({"labels": [{"id": "l1", "name": "Done", "color": "green", "done": true}]});
        let s = ColumnSettings::decode(ColumnType::Status, status.clone()).unwrap();
        assert_eq!(s.labels()[0].name, "Done");
        assert_eq!(serde_json::to_value(&s).unwrap(), status);
        assert!(ColumnSettings::decode(ColumnType::Number, json!({"unit": null, "decimals": 2}))
            .unwrap()
            .number()
            .is_some());
        assert_eq!(ColumnSettings::decode(ColumnType::Text, json!({})).unwrap(), json!({}));
        assert!(ColumnSettings::decode(ColumnType::Text, json!({"max": 3})).is_err(), "a text column has no settings");
        assert!(ColumnSettings::decode(ColumnType::Rating, status).is_err(), "labels are not a rating's");
    }
}
