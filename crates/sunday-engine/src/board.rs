//! One board's live items, as the engine holds them.

use std::collections::HashMap;

use sunday_types::{
    boards::{BoardEvent, Item},
    ItemId,
};

pub struct BoardState {
    items: Vec<Item>,
    index: HashMap<ItemId, usize>,
    last_seq: i64,
    reload: bool,
}

impl BoardState {
    pub fn new(items: Vec<Item>, last_seq: i64) -> BoardState {
        let index = items.iter().enumerate().map(|(i, it)| (it.id, i)).collect();
        BoardState { items, index, last_seq, reload: false }
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
        if event.seq != self.last_seq + 1 || event.payload.get("reload").and_then(|v| v.as_bool()) == Some(true) {
            self.reload = true;
            return;
        }
        self.last_seq = event.seq;
        match event.kind.as_str() {
            "item_deleted" | "item_archived" => {
                if let Some(id) = event.item_id {
                    self.remove(id);
                }
            }
            _ => {
                if let Some(item) =
                    event.payload.get("item").and_then(|v| serde_json::from_value::<Item>(v.clone()).ok())
                {
                    if item.archived {
                        self.remove(item.id);
                    } else {
                        self.upsert(item);
                    }
                }
            }
        }
    }

    fn upsert(&mut self, item: Item) {
        match self.index.get(&item.id) {
            Some(&i) => self.items[i] = item,
            None => {
                self.index.insert(item.id, self.items.len());
                self.items.push(item);
            }
        }
    }

    fn remove(&mut self, id: ItemId) {
        if let Some(i) = self.index.remove(&id) {
            self.items.swap_remove(i);
            if let Some(moved) = self.items.get(i) {
                self.index.insert(moved.id, i);
            }
        }
    }
}
