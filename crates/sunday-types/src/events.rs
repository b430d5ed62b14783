//! The board's change events, typed: one variant per kind of change, each with its payload.
//!
//! On the wire, in the event log and on the bus an event is `{"kind": "...", "payload": {...}}`
//! (serde's adjacent tagging), so a consumer (the board engine, real time, notifications, the
//! web app through the generated OpenAPI types) matches on the variant instead of learning
//! a payload's shape from its producer. Payload fields keep the names they were stored under
//! before the enum existed, so every event already in a log still decodes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::boards::{BoardKind, BoardPermission, Column, Group, Item, Update};
use crate::ids::*;

/// What happened on a board. `kind` names the change; `payload` carries its facts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum BoardChange {
    BoardCreated(BoardCreated),
    BoardUpdated(BoardUpdated),
    BoardMemberSet(BoardMemberSet),
    BoardMemberRemoved(BoardMemberRemoved),
    GroupCreated(GroupChanged),
    GroupUpdated(GroupChanged),
    GroupDeleted(GroupDeleted),
    ColumnCreated(ColumnCreated),
    ColumnUpdated(ColumnUpdated),
    ColumnDeleted(ColumnDeleted),
    ItemCreated(ItemCreated),
    /// The name or values changed (and possibly the place).
    ItemUpdated(ItemChanged),
    /// Only the group or position changed.
    ItemMoved(ItemChanged),
    /// Computed values (formulas) of a run of items, written at once by a background
    /// recompute: one event for up to a thousand items instead of one each.
    ItemsComputed(ItemsComputed),
    ItemArchived(ItemSnapshot),
    ItemRestored(ItemSnapshot),
    ItemDeleted(ItemDeleted),
    UpdatePosted(UpdateChanged),
    UpdateEdited(UpdateChanged),
    UpdateDeleted(UpdateDeleted),
    /// A button column's button was clicked on an item (nothing else changes).
    ButtonClicked(ButtonClicked),
}

impl BoardChange {
    /// The `kind` string, as stored in the event log.
    pub fn kind(&self) -> &'static str {
        match self {
            BoardChange::BoardCreated(_) => "board_created",
            BoardChange::BoardUpdated(_) => "board_updated",
            BoardChange::BoardMemberSet(_) => "board_member_set",
            BoardChange::BoardMemberRemoved(_) => "board_member_removed",
            BoardChange::GroupCreated(_) => "group_created",
            BoardChange::GroupUpdated(_) => "group_updated",
            BoardChange::GroupDeleted(_) => "group_deleted",
            BoardChange::ColumnCreated(_) => "column_created",
            BoardChange::ColumnUpdated(_) => "column_updated",
            BoardChange::ColumnDeleted(_) => "column_deleted",
            BoardChange::ItemCreated(_) => "item_created",
            BoardChange::ItemUpdated(_) => "item_updated",
            BoardChange::ItemMoved(_) => "item_moved",
            BoardChange::ItemsComputed(_) => "items_computed",
            BoardChange::ItemArchived(_) => "item_archived",
            BoardChange::ItemRestored(_) => "item_restored",
            BoardChange::ItemDeleted(_) => "item_deleted",
            BoardChange::UpdatePosted(_) => "update_posted",
            BoardChange::UpdateEdited(_) => "update_edited",
            BoardChange::UpdateDeleted(_) => "update_deleted",
            BoardChange::ButtonClicked(_) => "button_clicked",
        }
    }

    /// The item the change concerns, if any (the event log's `item_id`).
    pub fn item_id(&self) -> Option<ItemId> {
        match self {
            BoardChange::ItemCreated(c) => Some(c.item.id),
            BoardChange::ItemUpdated(c) | BoardChange::ItemMoved(c) => Some(c.item.id),
            BoardChange::ItemArchived(c) | BoardChange::ItemRestored(c) => Some(c.item.id),
            BoardChange::ItemDeleted(c) => Some(c.item_id),
            BoardChange::UpdatePosted(c) | BoardChange::UpdateEdited(c) => Some(c.update.item_id),
            BoardChange::UpdateDeleted(c) => c.item_id,
            BoardChange::ButtonClicked(c) => Some(c.item_id),
            _ => None,
        }
    }

    /// The whole item after the change, for changes that carry it (creation, archive and
    /// restore; an update carries only what changed, see [`ItemChanged::apply_to`]).
    pub fn item(&self) -> Option<&Item> {
        match self {
            BoardChange::ItemCreated(c) => Some(&c.item),
            BoardChange::ItemArchived(c) | BoardChange::ItemRestored(c) => Some(&c.item),
            _ => None,
        }
    }

    /// Whether items changed in ways the event does not carry one by one (a column type
    /// conversion, a removed column's values): followers reload the board's items.
    pub fn needs_reload(&self) -> bool {
        match self {
            BoardChange::ColumnCreated(c) => c.reload,
            BoardChange::ColumnUpdated(c) => c.reload,
            BoardChange::ColumnDeleted(c) => c.reload,
            // Duplication writes its items without one event each.
            BoardChange::BoardCreated(c) => c.duplicated_from.is_some(),
            _ => false,
        }
    }

    /// Every stored `kind`, for documentation and tests.
    pub const KINDS: [&'static str; 21] = [
        "board_created",
        "board_updated",
        "board_member_set",
        "board_member_removed",
        "group_created",
        "group_updated",
        "group_deleted",
        "column_created",
        "column_updated",
        "column_deleted",
        "item_created",
        "item_updated",
        "item_moved",
        "items_computed",
        "item_archived",
        "item_restored",
        "item_deleted",
        "update_posted",
        "update_edited",
        "update_deleted",
        "button_clicked",
    ];

    /// Decodes a stored `(kind, payload)` pair in one pass over the payload text.
    pub fn from_stored(kind: &str, payload: &str) -> Result<BoardChange, serde_json::Error> {
        let kind = serde_json::to_string(kind)?;
        let mut text = String::with_capacity(payload.len() + kind.len() + 24);
        text.push_str("{\"kind\":");
        text.push_str(&kind);
        text.push_str(",\"payload\":");
        text.push_str(payload);
        text.push('}');
        serde_json::from_str(&text)
    }

    /// The payload as stored in the event log's `payload` column.
    pub fn payload_text(&self) -> Result<String, serde_json::Error> {
        // Adjacent tagging writes `{"kind":"<kind>","payload":<payload>}`: serialize once and
        // cut the payload out rather than building an intermediate JSON tree, moving it to the
        // front of the same buffer rather than copying it into a new one.
        let mut whole = serde_json::to_string(self)?;
        let prefix = format!("{{\"kind\":\"{}\",\"payload\":", self.kind());
        if whole.starts_with(&prefix) && whole.ends_with('}') {
            whole.pop();
            whole.replace_range(..prefix.len(), "");
            Ok(whole)
        } else {
            let mut value = serde_json::to_value(self)?;
            serde_json::to_string(&value.get_mut("payload").map(Value::take).unwrap_or(Value::Null))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_parts_round_trip_and_keep_the_wire_shape() {
        let change = BoardChange::GroupDeleted(GroupDeleted { group_id: GroupId::new(), moved_to: None });
        let text = change.payload_text().unwrap();
        assert!(text.starts_with("{\"group_id\":"), "{text}");
        assert_eq!(BoardChange::from_stored(change.kind(), &text).unwrap(), change);
        let wire = serde_json::to_value(&change).unwrap();
        assert_eq!(wire["kind"], "group_deleted");
        assert!(wire["payload"]["moved_to"].is_null());
    }

    #[test]
    fn every_kind_is_listed_and_unknown_kinds_are_refused() {
        assert!(BoardChange::from_stored("no_such_kind", "{}").is_err());
        let change = BoardChange::BoardUpdated(BoardUpdated::default());
        assert!(BoardChange::KINDS.contains(&change.kind()));
        // Payloads logged before the enum existed still decode.
        let old = BoardChange::from_stored("update_deleted", &format!("{{\"update_id\":\"{}\"}}", UpdateId::new()));
        assert!(matches!(old, Ok(BoardChange::UpdateDeleted(UpdateDeleted { item_id: None, .. }))));
    }
}

/// A board was created, from scratch, a template or by duplication.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BoardCreated {
    /// The template it was made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<Column>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    /// The board it copies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicated_from: Option<BoardId>,
    /// How many items a duplication copied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<u64>,
}

/// Board settings that changed; absent fields did not.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BoardUpdated {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<BoardKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_permission: Option<BoardPermission>,
    /// The board holding this board's subitems, once created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subitem_board_id: Option<BoardId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BoardMemberSet {
    pub user_id: UserId,
    pub permission: BoardPermission,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BoardMemberRemoved {
    pub user_id: UserId,
}

/// A group as it is after it was created or changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GroupChanged {
    pub group: Group,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GroupDeleted {
    pub group_id: GroupId,
    /// Where its items went; `null` when they were archived.
    pub moved_to: Option<GroupId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ColumnCreated {
    pub column: Column,
    /// Items changed without an event each (a new formula's values): followers reload them.
    #[serde(default)]
    pub reload: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ColumnUpdated {
    pub column: Column,
    pub previous: Column,
    /// Items whose value was converted to a new type.
    #[serde(default)]
    pub converted: u64,
    /// Items whose value could not be converted and was cleared.
    #[serde(default)]
    pub not_converted: u64,
    /// Items changed without an event each: followers reload them.
    #[serde(default)]
    pub reload: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ColumnDeleted {
    pub column: Column,
    /// Items lost values without an event each: followers reload them.
    #[serde(default)]
    pub reload: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ItemCreated {
    pub item: Item,
    /// Created by a CSV import.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub imported: bool,
    /// The item it copies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicated_from: Option<ItemId>,
    /// The board the item moved from (it keeps its id and updates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<BoardId>,
}

/// One cell's change: `null` is an empty cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CellChange {
    pub column_id: ColumnId,
    /// The cell's value before (any JSON value, as the column type stores it).
    pub old: Option<Value>,
    /// The cell's value after.
    pub new: Option<Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Renamed {
    pub old: String,
    pub new: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GroupMove {
    pub from: GroupId,
    pub to: GroupId,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PositionMove {
    pub from: String,
    pub to: String,
}

/// An item's name, values or place changed. The event carries the item after the change
/// without its values, and the cells that changed (old and new), never the whole row: an edit
/// of one cell of a large item logs that cell, not the item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ItemChanged {
    pub item: ItemHead,
    /// The item's version after the change.
    pub version: i64,
    #[serde(default)]
    pub changes: Vec<CellChange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Renamed>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupMove>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<PositionMove>,
}

impl ItemChanged {
    /// A change of place only (its group was deleted, and its items moved).
    pub fn moved(item: &Item) -> ItemChanged {
        ItemChanged {
            version: item.version,
            item: ItemHead::of(item),
            changes: vec![],
            name: None,
            group: None,
            position: None,
        }
    }

    /// A change of cells only (`changes`), with the item as it is after them: what Sunday
    /// writes when it recomputes formulas or moves dates through dependencies.
    pub fn cells(item: &Item, changes: Vec<CellChange>) -> ItemChanged {
        ItemChanged {
            version: item.version,
            item: ItemHead::of(item),
            changes,
            name: None,
            group: None,
            position: None,
        }
    }

    /// The change that turns `before` into `after` (same item): every cell that differs, and
    /// the name, group and place when they moved.
    pub fn between(before: &Item, after: &Item) -> ItemChanged {
        let mut columns: Vec<ColumnId> = before.values.columns().collect();
        columns.extend(after.values.columns().filter(|c| !before.values.contains(*c)));
        let changes = columns
            .into_iter()
            .filter_map(|c| {
                let (old, new) = (before.values.json(c), after.values.json(c));
                (old != new).then_some(CellChange { column_id: c, old, new })
            })
            .collect();
        ItemChanged {
            item: ItemHead::of(after),
            version: after.version,
            changes,
            name: (before.name != after.name).then(|| Renamed { old: before.name.clone(), new: after.name.clone() }),
            group: (before.group_id != after.group_id)
                .then_some(GroupMove { from: before.group_id, to: after.group_id }),
            position: (before.position != after.position)
                .then(|| PositionMove { from: before.position.clone(), to: after.position.clone() }),
        }
    }

    /// `before` with this change applied: the head's fields and the changed cells.
    pub fn apply_to(&self, before: &Item) -> Item {
        let h = &self.item;
        let mut values = before.values.clone();
        for c in &self.changes {
            values.set_logged(c.column_id, c.new.as_ref());
        }
        Item {
            id: h.id,
            board_id: h.board_id,
            group_id: h.group_id,
            name: h.name.clone(),
            position: h.position.clone(),
            values,
            version: h.version,
            created_by: h.created_by,
            created_at: h.created_at,
            updated_at: h.updated_at,
            parent_item_id: h.parent_item_id,
            archived: h.archived,
            auto_number: h.auto_number,
        }
    }
}

/// Values computed for many items at once (see [`BoardChange::ItemsComputed`]). Only the
/// cells and the version change: computing is no one's edit, so `updated_at` stays.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ItemsComputed {
    // Shared, not copied: each consumer of the event log reads the same event (a recompute's
    // chunk holds thousands of items, and copying it per reader took a tenth of the work).
    #[schema(value_type = Vec<ComputedCells>)]
    pub items: std::sync::Arc<Vec<ComputedCells>>,
}

/// One item's computed cells that changed, and the item's version (unchanged by them; an
/// event logged before Sunday kept these cells beside the item has the version after them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ComputedCells {
    pub item_id: ItemId,
    pub version: i64,
    pub changes: Vec<CellChange>,
}

impl ComputedCells {
    /// Sets these cells and the version on `item` (the same item, as it was before them).
    pub fn apply_in(&self, item: &mut Item) {
        for c in &self.changes {
            item.values.set_logged(c.column_id, c.new.as_ref());
        }
        item.version = self.version;
    }
}

/// An item without its values (see [`ItemChanged`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ItemHead {
    pub id: ItemId,
    pub board_id: BoardId,
    pub group_id: GroupId,
    pub name: String,
    pub position: String,
    pub version: i64,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub parent_item_id: Option<ItemId>,
    pub archived: bool,
    pub auto_number: i64,
}

impl ItemHead {
    pub fn of(item: &Item) -> ItemHead {
        ItemHead {
            id: item.id,
            board_id: item.board_id,
            group_id: item.group_id,
            name: item.name.clone(),
            position: item.position.clone(),
            version: item.version,
            created_by: item.created_by,
            created_at: item.created_at,
            updated_at: item.updated_at,
            parent_item_id: item.parent_item_id,
            archived: item.archived,
            auto_number: item.auto_number,
        }
    }
}

/// The item after it was archived or restored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ItemSnapshot {
    pub item: Item,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ItemDeleted {
    pub item_id: ItemId,
    pub name: String,
    /// Not deleted: moved to this board.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_to: Option<BoardId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ButtonClicked {
    pub item_id: ItemId,
    pub column_id: ColumnId,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UpdateChanged {
    pub update: Update,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UpdateDeleted {
    pub update_id: UpdateId,
    /// The item it was posted on (absent in events logged before it was recorded here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<ItemId>,
}
