//! One board's live items, as the engine holds them: the items, and per filtered column a
//! vector of decoded cells (the column-wise representation queries scan), built on first use
//! and kept in step with every applied event.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use sunday_domain::filter::{read_cell, Cell, Field};
use sunday_types::{
    boards::{BoardEvent, ColumnType, Item},
    events::BoardChange,
    ColumnId, ItemId,
};

/// Which decoded column a cell vector holds. The type is part of the key: a column whose
/// type changed decodes differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldKey {
    Name,
    Column(ColumnId, ColumnType),
}

impl FieldKey {
    pub fn of(field: &Field) -> Option<FieldKey> {
        match field {
            Field::Name => Some(FieldKey::Name),
            Field::Column(c) => Some(FieldKey::Column(c.id, c.column_type)),
            _ => None,
        }
    }
}

type CellColumns = HashMap<FieldKey, (Field, Arc<Vec<Cell>>)>;

pub struct BoardState {
    items: Vec<Item>,
    index: HashMap<ItemId, usize>,
    last_seq: i64,
    reload: bool,
    cells: Mutex<CellColumns>,
}

impl BoardState {
    pub fn new(items: Vec<Item>, last_seq: i64) -> BoardState {
        let index = items.iter().enumerate().map(|(i, it)| (it.id, i)).collect();
        BoardState { items, index, last_seq, reload: false, cells: Mutex::new(HashMap::new()) }
    }

    /// The decoded cells of `field`, one per item in [`BoardState::items`] order; built on
    /// first use.
    pub fn cells(&self, field: &Field) -> Option<Arc<Vec<Cell>>> {
        let key = FieldKey::of(field)?;
        let mut cells = self.cells.lock().ok()?;
        if let Some((_, v)) = cells.get(&key) {
            return Some(v.clone());
        }
        let built: Arc<Vec<Cell>> = Arc::new(self.items.iter().map(|i| read_cell(field, i).cached()).collect());
        cells.insert(key, (field.clone(), built.clone()));
        Some(built)
    }

    pub fn items(&self) -> &[Item] {
        &self.items
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn last_seq(&self) -> i64 {
        self.last_seq
    }

    /// Set when an event could not be applied incrementally; the engine reloads the board.
    pub fn needs_reload(&self) -> bool {
        self.reload
    }

    /// Applies the next event. Events at or below `last_seq` are already reflected and
    /// skipped; a gap marks the board for reload.
    pub fn apply(&mut self, event: &BoardEvent) {
        if event.seq <= self.last_seq {
            return;
        }
        if event.seq != self.last_seq + 1 || event.change.needs_reload() {
            self.reload = true;
            return;
        }
        self.last_seq = event.seq;
        match &event.change {
            BoardChange::ItemDeleted(d) => self.remove(d.item_id),
            change => {
                if let Some(item) = change.item() {
                    if item.archived {
                        self.remove(item.id);
                    } else {
                        self.upsert(item.clone());
                    }
                }
            }
        }
    }

    fn upsert(&mut self, item: Item) {
        let cells = self.cells.get_mut().ok();
        match self.index.get(&item.id) {
            Some(&i) => {
                for (field, column) in cells.into_iter().flat_map(|c| c.values_mut()) {
                    Arc::make_mut(column)[i] = read_cell(field, &item).cached();
                }
                self.items[i] = item;
            }
            None => {
                for (field, column) in cells.into_iter().flat_map(|c| c.values_mut()) {
                    Arc::make_mut(column).push(read_cell(field, &item).cached());
                }
                self.index.insert(item.id, self.items.len());
                self.items.push(item);
            }
        }
    }

    fn remove(&mut self, id: ItemId) {
        if let Some(i) = self.index.remove(&id) {
            self.items.swap_remove(i);
            if let Ok(cells) = self.cells.get_mut() {
                for (_, column) in cells.values_mut() {
                    Arc::make_mut(column).swap_remove(i);
                }
            }
            if let Some(moved) = self.items.get(i) {
                self.index.insert(moved.id, i);
            }
        }
    }
}
