//! Boards, groups, columns, items, events, views and updates as the API speaks them.
//! Semantics follow PRODUCT.md (monday.com's model); value formats per column type are
//! validated by `sunday-domain::columns`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::cells::ItemValues;
use crate::column_settings::ColumnSettings;
use crate::ids::*;

/// The snake_case name of an enum that serializes as a string (as stored and as in the API).
pub fn enum_name<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The enum named by its snake_case string.
pub fn enum_parse<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(Value::String(s.to_owned())).ok()
}

/// `public`: every member of the organization (not guests); `private`: only the board's
/// members; `shareable`: the board's members, guests included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BoardKind {
    Public,
    Private,
    Shareable,
}

/// What a user may do on a board, from most to least.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BoardPermission {
    /// Everything, including permissions and deleting the board.
    Owner,
    /// Structure (columns, groups, views) and content.
    EditAll,
    /// Items and their values, updates; not columns or groups.
    EditContent,
    /// Read only.
    View,
}

/// Column types and the JSON value each takes (PRODUCT.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    Text,
    LongText,
    Number,
    Status,
    Dropdown,
    Date,
    Timeline,
    People,
    Checkbox,
    Rating,
    Link,
    Email,
    Phone,
    Tags,
    AutoNumber,
    ItemId,
    CreationLog,
    LastUpdated,
    Button,
    /// Computed from an expression over the item's other columns (settings `expression` and
    /// the `result` type Sunday infers); its cells hold values of the result's type.
    Formula,
    /// Items of the same board this item depends on; with a date or timeline column set in
    /// its settings, moving an item's dates shifts the items that depend on it.
    Dependency,
    /// Links to items of other boards (or this one), `{"item_ids": [...]}`; two-way by
    /// default: the linked board gets a column showing the links back.
    BoardRelation,
    /// Computed from the items linked through a board relation column: one of their columns
    /// shown, or aggregated (sum, average, count, earliest, percent done…).
    Mirror,
    /// A mirror that aggregates (`sum` unless another function is chosen), of linked items or
    /// of the item's subitems; the same settings as a mirror.
    Rollup,
    /// Files uploaded through `POST /api/v1/files`, `{"files": [{"file_id": …}]}`.
    File,
}

impl ColumnType {
    pub const ALL: [ColumnType; 25] = [
        ColumnType::Text,
        ColumnType::LongText,
        ColumnType::Number,
        ColumnType::Status,
        ColumnType::Dropdown,
        ColumnType::Date,
        ColumnType::Timeline,
        ColumnType::People,
        ColumnType::Checkbox,
        ColumnType::Rating,
        ColumnType::Link,
        ColumnType::Email,
        ColumnType::Phone,
        ColumnType::Tags,
        ColumnType::AutoNumber,
        ColumnType::ItemId,
        ColumnType::CreationLog,
        ColumnType::LastUpdated,
        ColumnType::Button,
        ColumnType::Formula,
        ColumnType::Dependency,
        ColumnType::BoardRelation,
        ColumnType::Mirror,
        ColumnType::Rollup,
        ColumnType::File,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ColumnType::Text => "text",
            ColumnType::LongText => "long_text",
            ColumnType::Number => "number",
            ColumnType::Status => "status",
            ColumnType::Dropdown => "dropdown",
            ColumnType::Date => "date",
            ColumnType::Timeline => "timeline",
            ColumnType::People => "people",
            ColumnType::Checkbox => "checkbox",
            ColumnType::Rating => "rating",
            ColumnType::Link => "link",
            ColumnType::Email => "email",
            ColumnType::Phone => "phone",
            ColumnType::Tags => "tags",
            ColumnType::AutoNumber => "auto_number",
            ColumnType::ItemId => "item_id",
            ColumnType::CreationLog => "creation_log",
            ColumnType::LastUpdated => "last_updated",
            ColumnType::Button => "button",
            ColumnType::Formula => "formula",
            ColumnType::Dependency => "dependency",
            ColumnType::BoardRelation => "board_relation",
            ColumnType::Mirror => "mirror",
            ColumnType::Rollup => "rollup",
            ColumnType::File => "file",
        }
    }

    pub fn parse(s: &str) -> Option<ColumnType> {
        ColumnType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "ColumnWire")]
pub struct Column {
    pub id: ColumnId,
    pub title: String,
    #[serde(rename = "type")]
    pub column_type: ColumnType,
    /// The settings of its type: `status` has `labels: [{id, name, color, done}]`, `dropdown`
    /// has `options: [{id, name, color}]`, `number` has `unit` and `decimals`, `rating` has
    /// `max`, `formula` has `expression` and `result`, `dependency` has `date_column_id`, `mode`
    /// and `lag_days`, `board_relation` has `board_ids` and `reverse_column_id`, `mirror` and
    /// `rollup` have `source`, `relation_column_id`, `column_id` and `function`; other types `{}`.
    pub settings: ColumnSettings,
    /// Fractional-index key: columns sort by it.
    pub position: String,
    pub width: Option<u32>,
}

impl Column {
    /// The type whose values its cells hold: its own, except for a formula, whose cells hold
    /// values of its result type (a number, a text, a date or a checkbox), and a mirror, whose
    /// cells hold what its function makes (a text, a number, a date or a timeline).
    pub fn value_type(&self) -> ColumnType {
        match &self.settings {
            ColumnSettings::Formula(f) if self.column_type == ColumnType::Formula => f.result.value_type(),
            ColumnSettings::Mirror(m) if matches!(self.column_type, ColumnType::Mirror | ColumnType::Rollup) => {
                m.function.value_type()
            }
            _ => self.column_type,
        }
    }
}

/// A column as read: its settings are decoded by its type.
#[derive(Deserialize)]
struct ColumnWire {
    id: ColumnId,
    title: String,
    #[serde(rename = "type")]
    column_type: ColumnType,
    #[serde(default)]
    settings: Option<Value>,
    position: String,
    width: Option<u32>,
}

impl TryFrom<ColumnWire> for Column {
    type Error = String;

    fn try_from(w: ColumnWire) -> Result<Column, String> {
        let settings = w.settings.unwrap_or_else(|| Value::Object(Map::new()));
        let settings = ColumnSettings::decode(w.column_type, settings)
            .map_err(|e| format!("settings of a {} column: {e}", w.column_type.as_str()))?;
        Ok(Column {
            id: w.id,
            title: w.title,
            column_type: w.column_type,
            settings,
            position: w.position,
            width: w.width,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Group {
    pub id: GroupId,
    pub title: String,
    /// A colour name or `#rrggbb`.
    pub color: String,
    pub position: String,
    /// Whether the caller collapsed it (per user).
    #[serde(default)]
    pub collapsed: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Item {
    pub id: ItemId,
    pub board_id: BoardId,
    pub group_id: GroupId,
    pub name: String,
    pub position: String,
    /// Values by column id; a column without a value is absent.
    #[schema(value_type = Object)]
    pub values: ItemValues,
    pub version: i64,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub parent_item_id: Option<ItemId>,
    pub archived: bool,
    /// Board-wide counter, shown by `auto_number` columns.
    pub auto_number: i64,
}

/// An item already encoded as JSON, served as is: the board engine keeps each item's
/// encoding until the item changes, so a page is a copy of ready bytes.
#[derive(Clone, Debug)]
pub struct EncodedItem {
    pub id: ItemId,
    json: std::sync::Arc<serde_json::value::RawValue>,
}

impl EncodedItem {
    pub fn new(item: &Item) -> EncodedItem {
        let raw = serde_json::value::to_raw_value(item)
            // An item always serializes (string keys, finite numbers); `null` keeps the page
            // well-formed if that ever changed.
            .unwrap_or_else(|_| serde_json::value::RawValue::NULL.to_owned());
        EncodedItem { id: item.id, json: raw.into() }
    }

    /// An item's JSON kept elsewhere (the board engine keeps it without the id beside it).
    pub fn from_parts(id: ItemId, json: std::sync::Arc<serde_json::value::RawValue>) -> EncodedItem {
        EncodedItem { id, json }
    }

    /// The JSON, shared.
    pub fn shared(&self) -> &std::sync::Arc<serde_json::value::RawValue> {
        &self.json
    }

    /// The item's JSON text.
    pub fn json(&self) -> &str {
        self.json.get()
    }
}

impl Serialize for EncodedItem {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(serializer)
    }
}

/// One entry of a board's event log (also its activity log and the real-time stream): the
/// typed change (`kind` and `payload`) with who made it, when, and its place in the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BoardEvent {
    pub board_id: BoardId,
    /// Gap-free, increasing per board.
    pub seq: i64,
    #[serde(flatten)]
    pub change: crate::events::BoardChange,
    pub actor: UserId,
    pub item_id: Option<ItemId>,
    pub created_at: DateTime<Utc>,
    /// The automation run that made the change, when one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<crate::automations::EventCause>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Board {
    pub id: BoardId,
    pub org_id: OrgId,
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub description: String,
    pub kind: BoardKind,
    /// What organization members without an explicit board permission may do on a public
    /// board.
    pub default_permission: BoardPermission,
    pub version: i64,
    /// The `seq` of the board's latest event.
    pub last_seq: i64,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The hidden board holding this board's subitems, once one exists.
    pub subitem_board_id: Option<BoardId>,
    /// For a subitem board, the board it belongs to.
    pub parent_board_id: Option<BoardId>,
    /// The caller's permission.
    pub permission: Option<BoardPermission>,
    /// The version of its columns and groups, read with the row (not served): the columns
    /// cache needs no query of its own on a call that read the board.
    #[serde(skip)]
    pub structure_version: i64,
    #[serde(default)]
    pub columns: Vec<Column>,
    #[serde(default)]
    pub groups: Vec<Group>,
}

impl Board {
    /// A board as it is made: a new id, version 1, no events, columns, groups or subitem board
    /// yet, in workspace `place` (organization, workspace), of a kind and a permission for
    /// everyone else, made by `made` (who, when).
    pub fn made(
        place: (OrgId, WorkspaceId),
        name: String,
        description: String,
        (kind, default_permission): (BoardKind, BoardPermission),
        (created_by, at): (UserId, DateTime<Utc>),
    ) -> Board {
        Board {
            id: BoardId::new(),
            org_id: place.0,
            workspace_id: place.1,
            name,
            description,
            kind,
            default_permission,
            version: 1,
            last_seq: 0,
            created_by,
            created_at: at,
            updated_at: at,
            subitem_board_id: None,
            parent_board_id: None,
            permission: None,
            structure_version: 0,
            columns: vec![],
            groups: vec![],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ViewType {
    Table,
    Kanban,
    /// Items on the days of a date or timeline column (`settings.date_column`).
    Calendar,
    /// A bar per item from a timeline or date column (`settings.timeline_column`), in rows by
    /// group or by a column (`rows_by`), at a `zoom` of day, week, month or quarter.
    Timeline,
    /// Items counted, or a number column summed or averaged, by a column's labels or a date
    /// bucket (`settings`: `chart`, `group_by`, `period`, `stack_by`, `metric`).
    Chart,
    Form,
    /// Cards with a cover image (`settings.cover_column`, a file column) and chosen fields
    /// (`settings.card_columns`).
    Gallery,
    /// People × weeks: each person's items in a week counted, or a number column summed, against
    /// a weekly capacity (`settings`: `people_column`, `date_column`, `metric`, `capacity`).
    Workload,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct View {
    pub id: ViewId,
    pub board_id: BoardId,
    pub name: String,
    #[serde(rename = "type")]
    pub view_type: ViewType,
    #[schema(value_type = Option<Object>)]
    pub filter: Option<Value>,
    #[schema(value_type = Option<Vec<crate::board_api::SortKeySpec>>)]
    pub sort: Option<Value>,
    pub group_by: Option<String>,
    pub hidden_columns: Vec<ColumnId>,
    #[schema(value_type = Object)]
    pub settings: Value,
    pub version: i64,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A comment on an item; `parent_id` makes it a reply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Update {
    pub id: UpdateId,
    pub item_id: ItemId,
    pub board_id: BoardId,
    pub parent_id: Option<UpdateId>,
    pub author: UserId,
    /// Text with `@[user_id]` mentions.
    pub body: String,
    pub mentions: Vec<UserId>,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    /// Files attached when it was posted (`POST /api/v1/files` first).
    #[serde(default)]
    pub files: Vec<FileId>,
    #[serde(default)]
    #[schema(no_recursion)]
    pub replies: Vec<Update>,
}
