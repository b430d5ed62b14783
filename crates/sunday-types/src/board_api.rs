//! Request and response bodies of the boards API. Requests reject unknown fields.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::{
    boards::{BoardEvent, BoardKind, BoardPermission, ColumnType, EncodedItem, Item, ViewType},
    ids::*,
};

/// Where to put a row: a raw fractional-index key, or next to another row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Placement {
    /// A position key (from the API, or computed by the client).
    Key(String),
    /// Before or after a sibling (same kind of row: item, group or column), or at the
    /// `top`/`bottom`.
    Relative(RelativePlacement),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RelativePlacement {
    pub before: Option<String>,
    pub after: Option<String>,
    /// `top` or `bottom`.
    pub at: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBoardRequest {
    pub name: String,
    pub workspace_id: WorkspaceId,
    pub kind: Option<BoardKind>,
    pub description: Option<String>,
    /// A built-in template (`GET /templates`): `project_tracker`, `crm_pipeline`,
    /// `bug_tracker`, `content_calendar`.
    pub template: Option<String>,
    pub default_permission: Option<BoardPermission>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBoardRequest {
    pub name: Option<String>,
    pub description: Option<String>,
    pub kind: Option<BoardKind>,
    pub default_permission: Option<BoardPermission>,
    pub expected_version: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DuplicateBoardRequest {
    pub name: Option<String>,
    pub workspace_id: Option<WorkspaceId>,
    /// Copy the items too (default true).
    pub with_items: Option<bool>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct BoardMember {
    pub user_id: UserId,
    pub permission: BoardPermission,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutBoardMemberRequest {
    pub permission: BoardPermission,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGroupRequest {
    pub title: String,
    pub color: Option<String>,
    pub position: Option<Placement>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGroupRequest {
    pub title: Option<String>,
    pub color: Option<String>,
    pub position: Option<Placement>,
    /// Collapse or expand it for you.
    pub collapsed: Option<bool>,
}

#[derive(Debug, Default, Deserialize, ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeleteGroupParams {
    /// Move the group's items to this group; without it they are archived.
    pub move_items_to: Option<GroupId>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateColumnRequest {
    pub title: String,
    #[serde(rename = "type")]
    pub column_type: ColumnType,
    #[schema(value_type = Option<Object>)]
    pub settings: Option<Value>,
    pub position: Option<Placement>,
    pub width: Option<u32>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateColumnRequest {
    pub title: Option<String>,
    /// Change the type; values convert where a conversion is defined.
    #[serde(rename = "type")]
    pub column_type: Option<ColumnType>,
    #[schema(value_type = Option<Object>)]
    pub settings: Option<Value>,
    /// For removed status labels or dropdown options still in use: old id → new id.
    pub replacements: Option<std::collections::HashMap<String, String>>,
    pub position: Option<Placement>,
    pub width: Option<u32>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ColumnChangeReport {
    pub column: crate::boards::Column,
    /// Items whose value was converted to the new type.
    pub converted: usize,
    /// Items whose value could not be converted and was cleared.
    pub not_converted: usize,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateItemRequest {
    pub name: String,
    pub group_id: Option<GroupId>,
    #[schema(value_type = Option<Object>)]
    pub values: Option<Map<String, Value>>,
    pub position: Option<Placement>,
}

/// Where an item moves (`POST /items/{id}/move-to-board`).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveToBoardRequest {
    pub board_id: BoardId,
    /// A group of that board (its first by default).
    #[serde(default)]
    pub group_id: Option<GroupId>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateItemRequest {
    pub name: Option<String>,
    /// Only the named columns change; `null` clears a value.
    #[schema(value_type = Option<Object>)]
    pub values: Option<Map<String, Value>>,
    pub group_id: Option<GroupId>,
    pub position: Option<Placement>,
    /// Make the write conditional (same as `If-Match`).
    pub expected_version: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkCreateItemsRequest {
    pub items: Vec<CreateItemRequest>,
}

#[derive(Debug, Default, Deserialize, ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeleteColumnParams {
    /// Delete even though other columns depend on it: formulas and mirrors that read it keep
    /// their settings but compute an error saying why (until saved again), and a dependency
    /// column that moved its dates moves none.
    pub force: Option<bool>,
}

#[derive(Debug, Default, Deserialize, ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeleteItemParams {
    /// Delete for good instead of archiving.
    pub permanent: Option<bool>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueryRequest {
    #[schema(value_type = Option<Object>)]
    pub filter: Option<Value>,
    #[schema(value_type = Option<Vec<SortKeySpec>>)]
    pub sort: Option<Value>,
    /// `group` or a column id: counts per value in the response (a date's day, a timeline's
    /// first day).
    pub group_by: Option<String>,
    /// With `group_by`: `group` or a column id that splits each group's count again
    /// (`splits`, for stacked charts).
    pub split_by: Option<String>,
    /// With `group_by`: each group's count also carries its footers, the sum of every number
    /// column, the items per label of every status column and the earliest and latest day of
    /// every date and timeline column the caller can see, over all the group's matches (not
    /// only this page).
    pub footers: Option<bool>,
    /// Page size, 1 to 500 (default 50).
    #[schema(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
    /// IANA time zone for relative dates (`today`, `this_week`…); default UTC.
    pub tz: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct GroupCountDto {
    /// A group id, or the value (label id, user id, option id, `true`…); empty for no value.
    pub key: String,
    pub count: usize,
    /// With `footers: true`: one per number, status, date and timeline column, in the board's
    /// column order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub footers: Vec<Footer>,
    /// With `split_by`: the group's items counted again per value of that column.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub splits: Vec<SplitCountDto>,
}

/// Part of a group: its items with one value of the `split_by` column.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SplitCountDto {
    pub key: String,
    pub count: usize,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub footers: Vec<Footer>,
}

/// One column's footer in a group: what the table shows under the group's rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Footer {
    /// A number column: the sum of its values and how many items have one.
    Sum { column_id: ColumnId, sum: f64, values: usize },
    /// A status column: how many items have each label (by label id; labels no item has, and
    /// items without a label, are left out).
    Labels { column_id: ColumnId, labels: std::collections::BTreeMap<String, usize> },
    /// A date or timeline column: its earliest and latest day (a timeline's start and end;
    /// a date-time by its UTC day); both `null` when no item has one.
    Dates { column_id: ColumnId, earliest: Option<chrono::NaiveDate>, latest: Option<chrono::NaiveDate> },
}

/// How many updates (comments) one item has.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UpdateCount {
    pub item_id: ItemId,
    pub count: i64,
}

/// How many live subitems (direct ones) one item has.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SubitemCount {
    pub item_id: ItemId,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueryResponse {
    /// The page of matching items, in the query's order.
    #[schema(value_type = Vec<Item>)]
    pub data: Vec<EncodedItem>,
    pub next_cursor: Option<String>,
    /// Matching items over all pages.
    pub total: usize,
    pub groups: Vec<GroupCountDto>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateViewRequest {
    pub name: String,
    #[serde(rename = "type")]
    pub view_type: ViewType,
    #[schema(value_type = Option<Object>)]
    pub filter: Option<Value>,
    #[schema(value_type = Option<Vec<SortKeySpec>>)]
    pub sort: Option<Value>,
    pub group_by: Option<String>,
    pub hidden_columns: Option<Vec<ColumnId>>,
    #[schema(value_type = Option<Object>)]
    pub settings: Option<Value>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateViewRequest {
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub view_type: Option<ViewType>,
    /// `null` clears.
    #[schema(value_type = Option<Object>)]
    #[serde(default, with = "double_option")]
    pub filter: Option<Option<Value>>,
    #[schema(value_type = Option<Vec<SortKeySpec>>)]
    #[serde(default, with = "double_option")]
    pub sort: Option<Option<Value>>,
    #[serde(default, with = "double_option")]
    pub group_by: Option<Option<String>>,
    pub hidden_columns: Option<Vec<ColumnId>>,
    #[schema(value_type = Option<Object>)]
    pub settings: Option<Value>,
    pub expected_version: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostUpdateRequest {
    /// Text; mention people as `@[user_id]`.
    pub body: String,
    /// Files to attach (ids from `POST /api/v1/files`, at most 50), when posting; an edit
    /// keeps the update's files.
    #[serde(default)]
    pub files: Vec<FileId>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ActivityPage {
    pub data: Vec<BoardEvent>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TemplateInfo {
    pub id: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    pub board_id: BoardId,
    pub imported: usize,
    pub rejected: Vec<RejectedRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RejectedRow {
    /// 1-based line of the CSV (the header is line 1).
    pub line: usize,
    pub column: Option<String>,
    pub message: String,
}

/// `Option<Option<T>>` that tells an absent field (`None`) from an explicit `null`
/// (`Some(None)`).
pub(crate) mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Option::<T>::deserialize(d).map(Some)
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// The CSV text; the first line is the header.
    pub csv: String,
    /// CSV header → `name`, `group`, a column id, or `null` to skip. Without a mapping,
    /// headers match `Name`, `Group` and column titles (case-insensitively).
    pub mapping: Option<std::collections::HashMap<String, Option<String>>>,
    /// Import nothing when any row is rejected (default: import the valid rows).
    pub all_or_nothing: Option<bool>,
    /// Report what would happen without writing.
    pub dry_run: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportNewBoardRequest {
    pub name: String,
    pub workspace_id: WorkspaceId,
    pub csv: String,
    /// CSV header → column type for the new board's columns (default `text`); the header
    /// `Name` (or the first column) becomes the item name, `Group` the group.
    pub column_types: Option<std::collections::HashMap<String, ColumnType>>,
}

/// Ascending or descending.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortDir {
    Asc,
    Desc,
}

/// One sort key of a query or view (`sort` is an array of them, first key first). Parsed by
/// the domain's sort parser; this type documents the shape in the OpenAPI document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SortKeySpec {
    /// A column id, or a pseudo-column (`name`, `group`, `created_at`, `updated_at`, `created_by`).
    pub column: String,
    /// `asc` when absent. Empty values sort last either way.
    pub dir: Option<SortDir>,
}

/// Where a column type's values come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ValueOrigin {
    /// People write them.
    Written,
    /// Sunday keeps them from the item itself (number, id, creation, last change).
    System,
    /// Computed from other columns, items or boards.
    Derived,
}

/// A column type as clients present it (`GET /column-types`): pickers, editors and the filter
/// builder read these instead of keeping their own lists.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ColumnTypeInfo {
    #[serde(rename = "type")]
    pub column_type: ColumnType,
    /// The type's name as people read it.
    pub title: String,
    /// What a value looks like in the API.
    pub value: String,
    pub origin: ValueOrigin,
    /// The filter operators its columns allow, in the API's order.
    pub filter_operators: Vec<String>,
    /// Whether views can group or lay out lanes by it.
    pub groupable: bool,
    /// The settings a new column of this type gets when none are given.
    #[schema(value_type = Object)]
    pub default_settings: Value,
}

/// How far a board's background recompute has got.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct RecomputeProgress {
    /// Whether a recompute runs now.
    pub running: bool,
    /// Items looked at so far, of `total`.
    pub done: u64,
    pub total: u64,
    /// Items whose values changed so far.
    pub changed: u64,
}

/// A formula tried before it is saved: `POST /boards/{id}/formulas/preview`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormulaPreviewRequest {
    pub expression: String,
    /// The formula column being edited, if it exists (so it is checked in its place).
    #[serde(default)]
    pub column_id: Option<ColumnId>,
}

/// What a formula would compute for the board's first items.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FormulaPreview {
    pub result: crate::column_settings::FormulaResult,
    pub items: Vec<FormulaPreviewItem>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FormulaPreviewItem {
    pub item_id: ItemId,
    pub name: String,
    /// The value it would hold (`null`: empty; `{"error": …}` when there is no answer).
    pub value: Option<Value>,
}

/// A linked item as a relation cell shows it: its name and board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LinkedItem {
    pub id: ItemId,
    pub board_id: BoardId,
    pub name: String,
}

/// `GET /me/work`: the items assigned to the caller (in any people column) across the boards
/// of their organization they may see, with what the page needs to show and edit them.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyWork {
    pub boards: Vec<MyWorkBoard>,
    #[schema(value_type = Vec<Item>)]
    pub items: Vec<EncodedItem>,
    /// More items are assigned than listed (the first 2,000, board by board).
    pub truncated: bool,
}

/// A board holding some of the caller's items: its columns, and the ones My Work reads.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyWorkBoard {
    pub id: BoardId,
    pub name: String,
    /// Where an item's due date comes from: the board's first date column, else the end of
    /// its first timeline column.
    pub date_column_id: Option<ColumnId>,
    /// The board's first status column.
    pub status_column_id: Option<ColumnId>,
    pub columns: Vec<crate::boards::Column>,
}
