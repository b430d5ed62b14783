//! Dependencies on the write path: a dependency cell names items of the same board, never the
//! item itself, and closes no cycle; moving an item's dates (or, in strict mode, giving it new
//! predecessors) moves the items that depend on it, each move an ordinary item change in the
//! same commit as the edit that caused it.

use std::collections::HashMap;

use chrono::Datelike;
use sunday_domain::dependencies::{closes_cycle, shifts, Dates};
use sunday_domain::formula::BoardFormulas;
use sunday_store::{BoardWrite, NewEvent};
use sunday_types::{
    boards::{Column, ColumnType, Item},
    cells::{CellValue, DateValue},
    column_settings::{DependencySettings, ShiftMode},
    events::{BoardChange, CellChange, ItemChanged},
    time::{now_millis, to_datetime},
    ApiError, ColumnId, ErrorDetails, ItemId, UserId,
};

use super::{edits::now_date, Access, BoardService};

fn refused(column: &Column, rule: &str, message: String) -> ApiError {
    let field = format!("values.{}", column.id);
    ApiError::validation(&field, rule, message).with_details(ErrorDetails::rule(&field, rule).column(column.id))
}

/// The item's predecessors in `column`.
fn preds(item: &Item, column: &Column) -> Vec<ItemId> {
    match item.values.cell(column) {
        Some(CellValue::Items(ids)) => ids,
        _ => vec![],
    }
}

/// The item's dates in a date or timeline column, as days (UTC).
fn dates(item: &Item, column: &Column) -> Option<Dates> {
    let day = |d: DateValue| d.local_day(&chrono::Utc);
    match item.values.cell(column)? {
        CellValue::Date(d) => Some(Dates { from: day(d), to: day(d) }),
        CellValue::Timeline(a, b) => Some(Dates { from: day(a), to: day(b) }),
        _ => None,
    }
}

/// The cell moved by `days` (an instant keeps its time of day).
fn shifted(value: CellValue, days: i64) -> CellValue {
    let by = |d: DateValue| match d {
        DateValue::Day(x) => DateValue::Day(x.checked_add_signed(chrono::TimeDelta::days(days)).unwrap_or(x)),
        DateValue::At(t) => DateValue::At(t.checked_add_signed(chrono::TimeDelta::days(days)).unwrap_or(t)),
    };
    match value {
        CellValue::Date(d) => CellValue::Date(by(d)),
        CellValue::Timeline(a, b) => CellValue::Timeline(by(a), by(b)),
        other => other,
    }
}

/// The dependency columns that move dates, with their date column.
fn movers(columns: &[Column]) -> Vec<(&Column, &DependencySettings, &Column)> {
    columns
        .iter()
        .filter_map(|c| {
            let s = c.settings.dependency()?;
            let date = columns.iter().find(|d| Some(d.id) == s.date_column_id)?;
            (s.mode != ShiftMode::None).then_some((c, s, date))
        })
        .collect()
}

/// A dependency's date column must be a date or timeline column of the board.
pub(super) fn check_settings(column: &Column, columns: &[Column]) -> Result<(), ApiError> {
    let Some(id) = column.settings.dependency().and_then(|s| s.date_column_id) else { return Ok(()) };
    match columns.iter().find(|c| c.id == id) {
        Some(c) if matches!(c.column_type, ColumnType::Date | ColumnType::Timeline) => Ok(()),
        _ => Err(ApiError::validation(
            "settings.date_column_id",
            "not_a_date_column",
            "`date_column_id` must name a date or timeline column of this board",
        )),
    }
}

/// The dependency column whose settings name `date` as their date column, if any.
pub(super) fn dating(columns: &[Column], date: ColumnId) -> Option<&Column> {
    columns.iter().find(|c| c.settings.dependency().is_some_and(|s| s.date_column_id == Some(date)))
}

impl BoardService {
    /// Checks the dependency cells of a write to `item` (`None`: a new item): each names a live
    /// item of the board other than the item, and closes no cycle.
    pub(super) async fn check_dependencies(
        &self,
        access: &Access,
        columns: &[Column],
        item: Option<ItemId>,
        values: &[(ColumnId, Option<CellValue>)],
    ) -> Result<(), ApiError> {
        for (id, value) in values {
            let column = columns.iter().find(|c| c.id == *id && c.column_type == ColumnType::Dependency);
            let (Some(column), Some(CellValue::Items(wanted))) = (column, value) else {
                continue;
            };
            let (missing, preds_of) = self
                .engine
                .read(access.board.id, access.board.last_seq, |s| {
                    let missing = wanted.iter().find(|w| s.item(**w).is_none()).copied();
                    let preds_of: HashMap<ItemId, Vec<ItemId>> =
                        s.items().iter().map(|i| (i.id, preds(i, column))).filter(|(_, p)| !p.is_empty()).collect();
                    (missing, preds_of)
                })
                .await?;
            if let Some(m) = missing {
                return Err(refused(
                    column,
                    "unknown_item",
                    format!("column \"{}\": no item {m} on this board", column.title),
                ));
            }
            if let Some(me) = item {
                if let Some(p) = closes_cycle(me, wanted, &preds_of) {
                    let message = if p == me {
                        format!("column \"{}\": an item cannot depend on itself", column.title)
                    } else {
                        format!("column \"{}\": item {p} already depends on this item", column.title)
                    };
                    return Err(refused(column, "dependency_cycle", message));
                }
            }
        }
        Ok(())
    }

    /// The items an edit (`before` → `after`) moves through dependencies: their writes and
    /// events, computed against the board as the engine holds it, and, in strict mode, the
    /// edited item's own new dates when new predecessors move it (the caller makes that part
    /// of the edit).
    pub(super) async fn dependent_moves(
        &self,
        actor: UserId,
        access: &Access,
        columns: &[Column],
        formulas: &BoardFormulas,
        before: &Item,
        after: &Item,
    ) -> Result<Moves, ApiError> {
        let (mut writes, mut events, mut own) = (vec![], vec![], None);
        let mut done: Vec<ItemId> = vec![];
        for (column, settings, date) in movers(columns) {
            let date_moved = before.values.json_text(date.id) != after.values.json_text(date.id);
            let preds_changed = before.values.json_text(column.id) != after.values.json_text(column.id);
            if !date_moved && (!preds_changed || settings.mode != ShiftMode::Strict) {
                continue;
            }
            let moved: Vec<(ItemId, i64)> = if date_moved {
                let end = |d: Option<Dates>| d.map(|d| d.to.num_days_from_ce());
                let by = match (end(dates(before, date)), end(dates(after, date))) {
                    (Some(a), Some(b)) => i64::from(b - a),
                    _ => 0,
                };
                vec![(after.id, by)]
            } else {
                // New predecessors: the item is placed after them as a dependent would be.
                preds(after, column).into_iter().map(|p| (p, 0)).collect()
            };
            // Worked out against the engine's items as they are, with this edit in place;
            // only the items that move are copied out.
            let (planned, items) = self
                .engine
                .read(access.board.id, access.board.last_seq, |s| {
                    let mut preds_of = HashMap::new();
                    let mut dates_of = HashMap::new();
                    for i in s.items().iter().filter(|i| i.id != after.id) {
                        let p = preds(i, column);
                        if !p.is_empty() {
                            preds_of.insert(i.id, p);
                        }
                        if let Some(d) = dates(i, date) {
                            dates_of.insert(i.id, d);
                        }
                    }
                    preds_of.insert(after.id, preds(after, column));
                    if let Some(d) = dates(after, date) {
                        dates_of.insert(after.id, d);
                    }
                    let planned = shifts(settings.mode, settings.lag_days, &preds_of, &dates_of, &moved);
                    let items: HashMap<ItemId, Item> =
                        planned.iter().filter_map(|(id, _)| s.item(*id).map(|i| (*id, i.clone()))).collect();
                    (planned, items)
                })
                .await?;
            for (id, days) in planned {
                if id == after.id {
                    own = after.values.cell(date).map(|v| (date.id, shifted(v, days)));
                    continue;
                }
                if done.contains(&id) {
                    continue;
                }
                let Some(item) = items.get(&id) else { continue };
                let Some(value) = item.values.cell(date) else { continue };
                let mut next = item.clone();
                let old = item.values.json(date.id);
                next.values.set(date.id, Some(&shifted(value, days)));
                let mut changes = vec![CellChange { column_id: date.id, old, new: next.values.json(date.id) }];
                changes.extend(formulas.apply(&mut next, now_date()));
                next.version = item.version + 1;
                next.updated_at = to_datetime(now_millis());
                events.push(NewEvent::new(actor, BoardChange::ItemUpdated(ItemChanged::cells(&next, changes))));
                writes.push(BoardWrite::update(item, next));
                done.push(id);
            }
        }
        Ok(Moves { writes, events, own })
    }
}

/// What an edit moves through dependencies.
pub(super) struct Moves {
    pub writes: Vec<BoardWrite>,
    pub events: Vec<NewEvent>,
    /// The edited item's own date cell, moved (strict mode).
    pub own: Option<(ColumnId, CellValue)>,
}
