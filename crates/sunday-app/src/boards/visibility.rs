//! What of a board's cells one reader may read. A relation links to items of other boards, and
//! a reader sees a link only when they may see the board it leads to:
//! - a relation whose boards they can see none of is hidden whole;
//! - one reaching some boards they can see and some they cannot is shown in part, with the links
//!   to items of the boards they can see (each link's board looked up in the board engine), and
//!   a write of it keeps the links they cannot see;
//! - what is computed from a relation reaching a board they cannot see (its mirrors and rollups,
//!   the formulas over those or over the relation) is hidden whole, because its value counts
//!   and shows items they may not see.
//!
//! Questions over many items (filters, sorts, groupings, analytics) may not read a relation
//! shown in part either: "has links" or a count of links would count the ones left out.
//! Every read path asks for a [`Redaction`] and applies it here: item gets and pages, queries,
//! archived items, subitems, CSV, the activity log and the WebSocket frames.

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use sunday_types::{
    boards::{Board, BoardEvent, Column, ColumnType, EncodedItem, Item},
    cells::{CellValue, ItemValues},
    events::{BoardChange, CellChange},
    ApiError, BoardId, ColumnId, ItemId,
};

use super::relations::mirrors_of;
use super::BoardService;
use crate::Actor;

/// The cells of one board that one reader may not read, whole or in part.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Redaction {
    /// Columns whose cells the reader never reads.
    hidden: Vec<ColumnId>,
    /// Relations the reader reads only the links of [`Redaction::seen_boards`] of.
    partial: Vec<ColumnId>,
    /// The boards those relations reach that the reader may see, each with the log position
    /// its access check read (the engine answers at least that current).
    seen_boards: Vec<(BoardId, i64)>,
}

impl Redaction {
    pub fn is_empty(&self) -> bool {
        self.hidden.is_empty() && self.partial.is_empty()
    }

    /// Whether the reader never reads `column`'s cells.
    pub fn hides(&self, column: ColumnId) -> bool {
        self.hidden.contains(&column)
    }

    /// Every column a question over many items may not read: those hidden and those shown in
    /// part.
    pub fn withheld(&self) -> impl Iterator<Item = ColumnId> + '_ {
        self.hidden.iter().chain(&self.partial).copied()
    }

    /// Hides `column` whole (a column whose past cells came from a board the reader cannot see).
    fn hide(&mut self, column: ColumnId) {
        self.partial.retain(|c| *c != column);
        if !self.hidden.contains(&column) {
            self.hidden.push(column);
        }
    }
}

/// The ids a relation cell's stored JSON links to.
fn links(value: Option<&Value>) -> Vec<ItemId> {
    match value.and_then(|v| CellValue::from_stored(ColumnType::BoardRelation, v)) {
        Some(CellValue::Items(ids)) => ids,
        _ => vec![],
    }
}

/// A relation cell keeping only the links `keep` accepts (none left: no value).
fn kept_links(value: Option<&Value>, keep: impl Fn(&ItemId) -> bool) -> Option<Value> {
    let mut ids = links(value);
    ids.retain(keep);
    (!ids.is_empty()).then(|| CellValue::Items(ids).to_json())
}

/// Calls `f` on every cell of `columns` an event carries: in item snapshots and in the old and
/// new values of cell changes. The one walk over events, for collecting links and for
/// filtering them.
fn each_cell(change: &mut BoardChange, columns: &[ColumnId], f: &mut impl FnMut(&mut Option<Value>)) {
    let in_values = |values: &mut ItemValues, f: &mut dyn FnMut(&mut Option<Value>)| {
        for c in columns {
            if values.contains(*c) {
                let mut cell = values.json(*c);
                f(&mut cell);
                values.set_logged(*c, cell.as_ref());
            }
        }
    };
    let in_changes = |changes: &mut [CellChange], f: &mut dyn FnMut(&mut Option<Value>)| {
        for ch in changes.iter_mut().filter(|ch| columns.contains(&ch.column_id)) {
            f(&mut ch.old);
            f(&mut ch.new);
        }
    };
    match change {
        BoardChange::ItemCreated(c) => in_values(&mut c.item.values, f),
        BoardChange::ItemArchived(s) | BoardChange::ItemRestored(s) => in_values(&mut s.item.values, f),
        BoardChange::ItemUpdated(c) | BoardChange::ItemMoved(c) => in_changes(&mut c.changes, f),
        BoardChange::ItemsComputed(c) => {
            for i in std::sync::Arc::make_mut(&mut c.items).iter_mut() {
                in_changes(&mut i.changes, f);
            }
        }
        _ => {}
    }
}

/// Calls `f` on every cell of `columns` (as strings) in a JSON frame: under any `values`
/// object and in any `changes` entry, wherever they are in the frame.
fn each_frame_cell(v: &mut Value, columns: &[String], f: &mut impl FnMut(&mut Option<Value>)) {
    match v {
        Value::Object(o) => {
            if let Some(Value::Object(values)) = o.get_mut("values") {
                for c in columns {
                    if let Some(cell) = values.get_mut(c) {
                        let mut taken = Some(cell.take());
                        f(&mut taken);
                        match taken {
                            Some(t) => *cell = t,
                            None => {
                                values.remove(c);
                            }
                        }
                    }
                }
            }
            if let Some(Value::Array(changes)) = o.get_mut("changes") {
                for ch in changes.iter_mut() {
                    let Some(id) = ch.get("column_id").and_then(Value::as_str) else { continue };
                    if !columns.iter().any(|c| c == id) {
                        continue;
                    }
                    for side in ["old", "new"] {
                        let mut taken = ch.get_mut(side).map(Value::take).filter(|v| !v.is_null());
                        f(&mut taken);
                        ch[side] = taken.unwrap_or(Value::Null);
                    }
                }
            }
            o.values_mut().for_each(|x| each_frame_cell(x, columns, f));
        }
        Value::Array(a) => a.iter_mut().for_each(|x| each_frame_cell(x, columns, f)),
        _ => {}
    }
}

/// A frame without the cells of `hidden` columns, in snapshots and in changes.
fn strip_frame(v: &mut Value, hidden: &[String]) {
    match v {
        Value::Object(o) => {
            if let Some(Value::Object(values)) = o.get_mut("values") {
                values.retain(|k, _| !hidden.contains(k));
            }
            if let Some(Value::Array(changes)) = o.get_mut("changes") {
                changes.retain(|c| {
                    !c.get("column_id").and_then(Value::as_str).is_some_and(|c| hidden.iter().any(|h| h == c))
                });
            }
            o.values_mut().for_each(|x| strip_frame(x, hidden));
        }
        Value::Array(a) => a.iter_mut().for_each(|x| strip_frame(x, hidden)),
        _ => {}
    }
}

impl BoardService {
    /// What of `columns`' cells `actor` may not read (see the module's note).
    pub(crate) async fn redaction(&self, actor: &Actor, columns: &[Column]) -> Result<Redaction, ApiError> {
        let mut r = Redaction::default();
        let mut seen = HashMap::new();
        let mut seeds = HashSet::new();
        for column in columns {
            let Some(s) = column.settings.relation() else { continue };
            let mut visible = vec![];
            for b in &s.board_ids {
                if let Some(seq) = self.sees(actor, *b, &mut seen).await {
                    visible.push((*b, seq));
                }
            }
            if visible.len() == s.board_ids.len() {
                continue;
            }
            if visible.is_empty() {
                r.hidden.push(column.id);
            } else {
                r.partial.push(column.id);
                for v in visible {
                    if !r.seen_boards.contains(&v) {
                        r.seen_boards.push(v);
                    }
                }
            }
            seeds.insert(column.id);
            r.hidden.extend(mirrors_of(columns, column.id).iter().map(|m| m.id));
        }
        if seeds.is_empty() {
            return Ok(r);
        }
        // And the formulas their values flow into.
        seeds.extend(r.hidden.iter().copied());
        let fed = super::formulas::fed_by(columns, seeds);
        r.hidden = fed.into_iter().filter(|c| !r.partial.contains(c)).collect();
        Ok(r)
    }

    /// The [`Redaction`] of the board's event log (the activity log, WebSocket frames and
    /// replays): that of its columns now, and those columns hidden whole that once showed
    /// cells of a board `actor` cannot see (a relation since deleted or pointed elsewhere, the
    /// mirrors and formulas over it).
    pub async fn redaction_in_log(&self, actor: &Actor, board: BoardId) -> Result<Redaction, ApiError> {
        let (_, structure) = self.columns.get(self.store.as_ref(), board).await?;
        let mut r = self.redaction(actor, &structure.columns).await?;
        let mut seen = HashMap::new();
        for (column, boards) in &structure.past {
            let mut visible = true;
            for b in boards {
                visible &= self.sees(actor, *b, &mut seen).await.is_some();
            }
            if !visible {
                r.hide(*column);
            }
        }
        Ok(r)
    }

    /// The [`Redaction`] of the board's columns.
    pub async fn redaction_on(&self, actor: &Actor, board: BoardId) -> Result<Redaction, ApiError> {
        let (_, structure) = self.columns.get(self.store.as_ref(), board).await?;
        self.redaction(actor, &structure.columns).await
    }

    /// [`BoardService::redaction_on`] a board just read (by the access check): its row says
    /// which columns apply, so no query is needed when they are kept.
    pub(super) async fn redaction_on_board(&self, actor: &Actor, board: &Board) -> Result<Redaction, ApiError> {
        let (_, structure) = self.columns.get_at(self.store.as_ref(), board.id, board.structure_version).await?;
        self.redaction(actor, &structure.columns).await
    }

    /// Of the items `ids`, those on a board the reader of `r` may see.
    async fn seen_links(&self, r: &Redaction, ids: HashSet<ItemId>) -> Result<HashSet<ItemId>, ApiError> {
        let mut out = HashSet::new();
        for (board, seq) in &r.seen_boards {
            if ids.is_empty() {
                break;
            }
            let found: Vec<ItemId> = self
                .engine
                .read(*board, *seq, |s| ids.iter().filter(|i| s.item(**i).is_some()).copied().collect())
                .await?;
            out.extend(found);
        }
        Ok(out)
    }

    /// `items` as the reader of `r` may read them.
    pub(crate) async fn redact_all(&self, r: &Redaction, items: &mut [Item]) -> Result<(), ApiError> {
        if r.is_empty() {
            return Ok(());
        }
        for item in items.iter_mut() {
            item.values.retain(|c| !r.hides(c));
        }
        if r.partial.is_empty() {
            return Ok(());
        }
        let ids = items.iter().flat_map(|i| r.partial.iter().flat_map(|c| links(i.values.json(*c).as_ref()))).collect();
        let seen = self.seen_links(r, ids).await?;
        for item in items {
            for c in &r.partial {
                if item.values.contains(*c) {
                    let kept = kept_links(item.values.json(*c).as_ref(), |i| seen.contains(i));
                    item.values.set_logged(*c, kept.as_ref());
                }
            }
        }
        Ok(())
    }

    /// [`BoardService::redact_all`] of one item.
    pub(crate) async fn redact_one(&self, r: &Redaction, item: Item) -> Result<Item, ApiError> {
        let mut items = [item];
        self.redact_all(r, &mut items).await?;
        let [item] = items;
        Ok(item)
    }

    /// [`BoardService::redact_all`] of items as the API sends them.
    pub(crate) async fn redact_encoded(
        &self,
        r: &Redaction,
        items: Vec<EncodedItem>,
    ) -> Result<Vec<EncodedItem>, ApiError> {
        if r.is_empty() {
            return Ok(items);
        }
        let mut decoded = items
            .iter()
            .map(|e| serde_json::from_str::<Item>(e.json()))
            .collect::<Result<Vec<Item>, _>>()
            .map_err(ApiError::internal)?;
        self.redact_all(r, &mut decoded).await?;
        Ok(decoded.iter().map(EncodedItem::new).collect())
    }

    /// `events` as the reader of `r` may read them (the activity log).
    pub(crate) async fn redact_events(&self, r: &Redaction, events: &mut [BoardEvent]) -> Result<(), ApiError> {
        if r.is_empty() {
            return Ok(());
        }
        for e in events.iter_mut() {
            each_cell(&mut e.change, &r.hidden, &mut |cell| *cell = None);
            match &mut e.change {
                BoardChange::ItemUpdated(c) | BoardChange::ItemMoved(c) => {
                    c.changes.retain(|ch| !r.hides(ch.column_id))
                }
                BoardChange::ItemsComputed(c) => std::sync::Arc::make_mut(&mut c.items)
                    .iter_mut()
                    .for_each(|i| i.changes.retain(|ch| !r.hides(ch.column_id))),
                _ => {}
            }
        }
        if r.partial.is_empty() {
            return Ok(());
        }
        let mut ids = HashSet::new();
        for e in events.iter_mut() {
            each_cell(&mut e.change, &r.partial, &mut |cell| ids.extend(links(cell.as_ref())));
        }
        let seen = self.seen_links(r, ids).await?;
        for e in events.iter_mut() {
            each_cell(&mut e.change, &r.partial, &mut |cell| {
                *cell = kept_links(cell.as_ref(), |i| seen.contains(i));
            });
        }
        Ok(())
    }

    /// An event frame (JSON) as the reader of `r` may read it (WebSocket frames and replays).
    /// A frame that cannot be read as JSON goes out as it is: Sunday wrote it.
    pub async fn redact_frame(&self, r: &Redaction, json: &str) -> String {
        if r.is_empty() {
            return json.to_owned();
        }
        let Ok(mut frame) = serde_json::from_str::<Value>(json) else { return json.to_owned() };
        strip_frame(&mut frame, &r.hidden.iter().map(ToString::to_string).collect::<Vec<_>>());
        if !r.partial.is_empty() {
            let partial: Vec<String> = r.partial.iter().map(ToString::to_string).collect();
            let mut ids = HashSet::new();
            each_frame_cell(&mut frame, &partial, &mut |cell| ids.extend(links(cell.as_ref())));
            // When the links cannot be looked up (a board failed to load), none is shown.
            let seen = self.seen_links(r, ids).await.unwrap_or_default();
            each_frame_cell(&mut frame, &partial, &mut |cell| *cell = kept_links(cell.as_ref(), |i| seen.contains(i)));
        }
        frame.to_string()
    }

    /// `item` as `actor` may read it: without the cells of relations to boards they cannot see
    /// and what is computed from them (what a write answers).
    pub(super) async fn shown(&self, actor: &Actor, item: Item) -> Result<Item, ApiError> {
        let (_, structure) = self.columns.get(self.store.as_ref(), item.board_id).await?;
        self.shown_with(actor, item, &structure.columns).await
    }

    /// [`BoardService::shown`] with the board's columns at hand (a write checked against them).
    pub(super) async fn shown_with(&self, actor: &Actor, item: Item, columns: &[Column]) -> Result<Item, ApiError> {
        let r = self.redaction(actor, columns).await?;
        self.redact_one(&r, item).await
    }

    /// An error as `actor` may read it: a version conflict carries the current item.
    pub(super) async fn shown_error(&self, actor: &Actor, mut e: ApiError) -> ApiError {
        let Some(current) = e.details.as_mut().and_then(|d| d.current.as_mut()) else { return e };
        let Ok(item) = serde_json::from_value::<Item>(current.clone()) else { return e };
        *current = match self.shown(actor, item).await {
            Ok(item) => serde_json::to_value(&item).unwrap_or(Value::Null),
            Err(_) => Value::Null,
        };
        e
    }

    /// A write's relation cells, with the links `actor` may not see that `current` holds added
    /// back: a reader who sees a relation in part (or not at all) replaces only what they see.
    pub(super) async fn keep_unseen_links(
        &self,
        actor: &Actor,
        columns: &[Column],
        current: &Item,
        values: &mut [(ColumnId, Option<CellValue>)],
    ) -> Result<(), ApiError> {
        let relation = |c: &ColumnId| columns.iter().any(|col| col.id == *c && col.settings.relation().is_some());
        if !values.iter().any(|(c, _)| relation(c) && current.values.contains(*c)) {
            return Ok(());
        }
        let r = self.redaction(actor, columns).await?;
        for (c, value) in values.iter_mut().filter(|(c, _)| relation(c)) {
            let held = links(current.values.json(*c).as_ref());
            let unseen: Vec<ItemId> = if r.hides(*c) {
                held
            } else if r.partial.contains(c) {
                let seen = self.seen_links(&r, held.iter().copied().collect()).await?;
                held.into_iter().filter(|i| !seen.contains(i)).collect()
            } else {
                continue;
            };
            if unseen.is_empty() {
                continue;
            }
            let mut ids = match value.take() {
                Some(CellValue::Items(ids)) => ids,
                _ => vec![],
            };
            ids.extend(unseen.into_iter().filter(|i| !ids.contains(i)).collect::<Vec<_>>());
            *value = Some(CellValue::Items(ids));
        }
        Ok(())
    }

    /// Whether `actor` may see `board` (with its log position when so), asked once per board
    /// of a request.
    pub(super) async fn sees(
        &self,
        actor: &Actor,
        board: BoardId,
        seen: &mut HashMap<BoardId, Option<i64>>,
    ) -> Option<i64> {
        if let Some(v) = seen.get(&board) {
            return *v;
        }
        let v = self.access(actor, board).await.ok().map(|a| a.board.last_seq);
        seen.insert(board, v);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relation_cell_keeps_only_the_links_accepted() {
        let (a, b) = (ItemId::new(), ItemId::new());
        let cell = CellValue::Items(vec![a, b]).to_json();
        let kept = kept_links(Some(&cell), |i| *i == b);
        assert_eq!(links(kept.as_ref()), vec![b]);
        assert_eq!(kept_links(Some(&cell), |_| false), None);
        assert_eq!(kept_links(None, |_| true), None);
    }

    #[test]
    fn frame_cells_are_found_in_snapshots_and_changes() {
        let (rel, other) = (ColumnId::new(), ColumnId::new());
        let (a, b) = (ItemId::new(), ItemId::new());
        let cell = CellValue::Items(vec![a, b]).to_json();
        let mut frame = serde_json::json!({"type": "event", "payload": {
            "item": {"values": {rel.to_string(): cell.clone(), other.to_string(): 2}},
            "changes": [{"column_id": rel, "old": null, "new": cell}, {"column_id": other, "old": 1, "new": 2}]}});
        let mut found = vec![];
        each_frame_cell(&mut frame, &[rel.to_string()], &mut |c| found.extend(links(c.as_ref())));
        assert_eq!(found, vec![a, b, a, b]);
        each_frame_cell(&mut frame, &[rel.to_string()], &mut |c| *c = kept_links(c.as_ref(), |i| *i == a));
        let only_a = CellValue::Items(vec![a]).to_json();
        assert_eq!(frame["payload"]["item"]["values"][rel.to_string()], only_a);
        assert_eq!(frame["payload"]["changes"][0]["new"], only_a);
        assert_eq!(frame["payload"]["changes"][0]["old"], Value::Null);
        assert_eq!(frame["payload"]["changes"][1]["new"], serde_json::json!(2));
        // None left: the cell goes.
        each_frame_cell(&mut frame, &[rel.to_string()], &mut |c| *c = kept_links(c.as_ref(), |_| false));
        assert!(frame["payload"]["item"]["values"].get(rel.to_string()).is_none());
    }

    #[test]
    fn hidden_cells_leave_snapshots_and_changes() {
        let (a, b) = (ColumnId::new(), ColumnId::new());
        let mut frame = serde_json::json!({"type": "event", "payload": {
            "item": {"values": {a.to_string(): 1, b.to_string(): 2}},
            "changes": [{"column_id": a, "old": null, "new": 1}, {"column_id": b, "old": null, "new": 2}]}});
        strip_frame(&mut frame, &[a.to_string()]);
        assert_eq!(frame["payload"]["item"]["values"], serde_json::json!({b.to_string(): 2}));
        assert_eq!(frame["payload"]["changes"].as_array().map(Vec::len), Some(1));
        assert_eq!(frame["payload"]["changes"][0]["column_id"], serde_json::json!(b));
    }
}
