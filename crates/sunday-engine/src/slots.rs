//! Where each live item sits in a board's item vector: a hash table of 4-byte slots, hashed
//! by the item's id and compared through the items themselves, so the id is not stored a
//! second time. A `HashMap<ItemId, usize>` took about 52 bytes per item on a million-item
//! board (24-byte entries in a table kept at most 7/8 full, rounded up to a power of two);
//! this takes about 10.

use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher;
use sunday_types::{boards::Item, ItemId};

#[derive(Default)]
pub(crate) struct Slots {
    table: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

/// A board holds far fewer than 2³² items (each costs hundreds of bytes in memory).
fn slot(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl Slots {
    pub(crate) fn build(items: &[Item]) -> Slots {
        let mut slots = Slots { table: HashTable::with_capacity(items.len()), hasher: DefaultHashBuilder::default() };
        for i in 0..items.len() {
            slots.insert(items, i);
        }
        slots
    }

    fn hash(&self, id: ItemId) -> u64 {
        self.hasher.hash_one(id)
    }

    /// The index of item `id`.
    pub(crate) fn get(&self, items: &[Item], id: ItemId) -> Option<usize> {
        self.table.find(self.hash(id), |&s| items.get(s as usize).is_some_and(|it| it.id == id)).map(|&s| s as usize)
    }

    /// Records that `items[i]` (already in place, not yet recorded) is at `i`.
    pub(crate) fn insert(&mut self, items: &[Item], i: usize) {
        let hasher = &self.hasher;
        let rehash = |&s: &u32| items.get(s as usize).map_or(0, |it| hasher.hash_one(it.id));
        self.table.insert_unique(hasher.hash_one(items[i].id), slot(i), rehash);
    }

    /// Forgets item `id` (still in `items`); returns where it was.
    pub(crate) fn remove(&mut self, items: &[Item], id: ItemId) -> Option<usize> {
        let entry = self.table.find_entry(self.hash(id), |&s| items.get(s as usize).is_some_and(|it| it.id == id));
        entry.ok().map(|e| e.remove().0 as usize)
    }

    /// Records that item `id`, recorded at `from`, is now at `to`.
    pub(crate) fn moved(&mut self, id: ItemId, from: usize, to: usize) {
        if let Some(s) = self.table.find_mut(self.hash(id), |&s| s as usize == from) {
            *s = slot(to);
        }
    }
}
