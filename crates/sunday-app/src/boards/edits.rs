//! An item edit applied: the item after a change of name, values, group or place, with its
//! formulas computed again, and the one event that describes the change.

use sunday_domain::formula::BoardFormulas;
use sunday_store::NewEvent;
use sunday_types::events::*;
use sunday_types::{
    boards::Item,
    cells::CellValue,
    time::{now_millis, to_datetime},
    ColumnId, GroupId, UserId,
};

/// What an item edit asks to change.
pub(super) struct Changes<'a> {
    pub name: Option<&'a str>,
    pub values: &'a [(ColumnId, Option<CellValue>)],
    pub group: Option<GroupId>,
    pub position: Option<String>,
}

/// The item after the changes (its formulas computed again), and the event describing them
/// (`None` when nothing changes).
pub(super) fn apply_changes(
    actor: UserId,
    current: &Item,
    Changes { name, values, group, position }: Changes<'_>,
    formulas: &BoardFormulas,
) -> (Item, Option<NewEvent>) {
    let mut next = current.clone();
    let mut changes = vec![];
    for (column, value) in values {
        let new = value.as_ref().map(CellValue::to_json);
        let old = current.values.json(*column);
        if old == new {
            continue;
        }
        next.values.set(*column, value.as_ref());
        changes.push(CellChange { column_id: *column, old, new });
    }
    let renamed = name.filter(|n| *n != current.name).map(|n| Renamed { old: current.name.clone(), new: n.to_owned() });
    if let Some(r) = &renamed {
        next.name = r.new.clone();
    }
    // Formulas read the cells and the name; what they compute travels in the same event.
    changes.extend(formulas.apply(&mut next, now_date()));
    let moved_group = group.filter(|g| *g != current.group_id).map(|to| GroupMove { from: current.group_id, to });
    if let Some(m) = &moved_group {
        next.group_id = m.to;
    }
    let moved =
        position.filter(|p| *p != current.position).map(|to| PositionMove { from: current.position.clone(), to });
    if let Some(m) = &moved {
        next.position = m.to.clone();
    }
    if changes.is_empty() && renamed.is_none() && moved_group.is_none() && moved.is_none() {
        return (next, None);
    }
    let only_moved = changes.is_empty() && renamed.is_none();
    next.version = current.version + 1;
    next.updated_at = to_datetime(now_millis());
    let change = ItemChanged {
        item: ItemHead::of(&next),
        version: next.version,
        changes,
        name: renamed,
        group: moved_group,
        position: moved,
    };
    let change = if only_moved { BoardChange::ItemMoved(change) } else { BoardChange::ItemUpdated(change) };
    (next, Some(NewEvent::new(actor, change)))
}

/// The day `TODAY()` means in a formula computed now (UTC).
pub(super) fn now_date() -> chrono::NaiveDate {
    to_datetime(now_millis()).date_naive()
}
