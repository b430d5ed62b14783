//! One board's live items, as the engine holds them: the items, and per filtered column a
//! vector of decoded cells (the column-wise representation queries scan), built on first use
//! and kept in step with every applied event.

use std::{
    collections::{BTreeSet, HashMap},
    ops::Bound,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex, OnceLock,
    },
};

use crate::index::{KeyIndex, TextIndex};
use crate::slots::Slots;
use serde_json::value::RawValue;
use sunday_domain::filter::{read_cell, Cell, Field};
use sunday_types::{
    boards::{BoardEvent, ColumnType, EncodedItem, Item},
    events::BoardChange,
    ColumnId, GroupId, ItemId,
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

/// One decoded field: its cells in item order and the indexes built over them so far.
struct Derived {
    field: Field,
    cells: Arc<Vec<Cell>>,
    keys: Option<Arc<KeyIndex>>,
    text: Option<Arc<TextIndex>>,
}

impl Derived {
    fn bytes(&self) -> usize {
        self.cells.len() * std::mem::size_of::<Cell>()
            + self.keys.as_ref().map_or(0, |k| k.bytes())
            + self.text.as_ref().map_or(0, |t| t.bytes())
    }
}

type CellColumns = HashMap<FieldKey, Derived>;

/// Where an item sits among its siblings: its group and, for a subitem, its parent.
pub type SiblingsKey = (GroupId, Option<ItemId>);

/// A position among siblings, as the ordered siblings keep it: inline up to 24 bytes (keys
/// grow with the logarithm of a group's size, so nearly all fit), so keeping every item's
/// position in order costs no allocation per item.
pub type Position = compact_str::CompactString;

/// An item's place among its siblings: its position, then its id.
pub type Place = (Position, ItemId);

/// Siblings in display order: by position, then id (positions may collide after concurrent
/// inserts; the id breaks the tie the same way everywhere).
pub type Siblings = BTreeSet<Place>;

/// The place of `item`.
pub fn place_of(item: &Item) -> Place {
    (Position::from(item.position.as_str()), item.id)
}

pub struct BoardState {
    items: Vec<Item>,
    /// Each item's JSON, encoded on first read and dropped when the item changes.
    encoded: Vec<OnceLock<Arc<RawValue>>>,
    index: Slots,
    /// Every item's siblings in order, so placing an item next to another, first or last
    /// finds its neighbours in O(log n) instead of sorting the group.
    order: HashMap<SiblingsKey, Siblings>,
    /// On a subitem board, the groups holding each parent's subitems (so a parent's list
    /// finds its sets of siblings without a pass over every parent's).
    parents: HashMap<ItemId, Vec<GroupId>>,
    last_seq: i64,
    reload: bool,
    cells: Mutex<CellColumns>,
    /// Estimated bytes of the items and their places in the indexes.
    item_bytes: usize,
    /// Estimated bytes of the kept JSON, counted from shared references.
    json_bytes: AtomicUsize,
}

/// About how much memory an item takes in the engine: the item with its strings and cells
/// (each allocation rounded up as the allocator does), its slot for kept JSON and its entry in
/// the ordered siblings (B-tree nodes are about two-thirds full) and its share of the index's
/// table (a 4-byte slot and a control byte per bucket, the table 7/8 full at most and its size
/// a power of two: about 10 bytes).
fn item_bytes(item: &Item) -> usize {
    let heap = |len: usize| if len == 0 { 0 } else { (len + 8).next_multiple_of(16).max(32) };
    std::mem::size_of::<Item>()
        + std::mem::size_of::<OnceLock<Arc<RawValue>>>()
        + heap(item.name.len())
        + heap(item.position.len())
        + heap(item.values.heap_estimate())
        + std::mem::size_of::<Place>() * 3 / 2
        + 10
}

impl BoardState {
    pub fn new(mut items: Vec<Item>, last_seq: i64) -> BoardState {
        // The store's vector grew by doubling; up to half of it may be spare (a large
        // allocation shrinks in place, without a copy).
        items.shrink_to_fit();
        let index = Slots::build(&items);
        // Each set built at once from its places, not by inserting them one by one: a bulk
        // build fills the B-tree's nodes, where inserting in order leaves them half full
        // (about 30 bytes per item on a large board).
        let mut places: HashMap<SiblingsKey, Vec<Place>> = HashMap::new();
        for item in &items {
            places.entry(siblings_key(item)).or_default().push(place_of(item));
        }
        let order: HashMap<SiblingsKey, Siblings> =
            places.into_iter().map(|(k, v)| (k, Siblings::from_iter(v))).collect();
        let mut parents: HashMap<ItemId, Vec<GroupId>> = HashMap::new();
        for (group, parent) in order.keys() {
            if let Some(parent) = parent {
                parents.entry(*parent).or_default().push(*group);
            }
        }
        let encoded = items.iter().map(|_| OnceLock::new()).collect();
        let item_bytes = items.iter().map(item_bytes).sum();
        BoardState {
            items,
            encoded,
            index,
            order,
            parents,
            last_seq,
            reload: false,
            cells: Mutex::new(HashMap::new()),
            item_bytes,
            json_bytes: AtomicUsize::new(0),
        }
    }

    /// Estimated memory the board takes, in bytes: its items, indexes, decoded cell columns
    /// and kept JSON (what the engine's memory budget counts).
    pub fn bytes(&self) -> usize {
        let derived: usize = self.cells.lock().map(|c| c.values().map(Derived::bytes).sum()).unwrap_or(0);
        self.item_bytes + self.json_bytes.load(Ordering::Relaxed) + derived
    }

    fn encode(&self, i: usize) -> EncodedItem {
        let item = &self.items[i];
        let json = self.encoded[i].get_or_init(|| {
            let e = EncodedItem::new(item);
            self.json_bytes.fetch_add(kept_bytes(e.json()), Ordering::Relaxed);
            e.shared().clone()
        });
        EncodedItem::from_parts(item.id, json.clone())
    }

    /// Forgets item `i`'s kept JSON (it changed or left), and its bytes.
    fn drop_encoding(&mut self, i: usize) {
        if let Some(json) = self.encoded[i].take() {
            self.json_bytes.fetch_sub(kept_bytes(json.get()), Ordering::Relaxed);
        }
    }

    /// The live item `id`.
    pub fn item(&self, id: ItemId) -> Option<&Item> {
        self.index_of(id).map(|i| &self.items[i])
    }

    /// The items of `group` (under `parent`, for subitems) in display order.
    pub fn siblings(&self, group: GroupId, parent: Option<ItemId>) -> Option<&Siblings> {
        self.order.get(&(group, parent))
    }

    /// Up to `limit` top-level items of `group` (of every group when `None`) after the
    /// cursor `after` (a position and id), in display order: by position, then id, across
    /// groups too (the store's order for the same page). O(groups · limit · log n).
    pub fn page(&self, group: Option<GroupId>, after: Option<&Place>, limit: usize) -> Vec<&Item> {
        self.page_keys(group, after, limit).into_iter().filter_map(|(_, id)| self.item(*id)).collect()
    }

    /// [`BoardState::page`] as each item's position, id and JSON (encoded once per change).
    pub fn page_encoded(
        &self,
        group: Option<GroupId>,
        after: Option<&Place>,
        limit: usize,
    ) -> Vec<(&Place, EncodedItem)> {
        self.page_keys(group, after, limit).into_iter().filter_map(|key| Some((key, self.encoded(key.1)?))).collect()
    }

    /// The JSON of item `id` (encoded once per change).
    pub fn encoded(&self, id: ItemId) -> Option<EncodedItem> {
        Some(self.encode(self.index_of(id)?))
    }

    fn page_keys(&self, group: Option<GroupId>, after: Option<&Place>, limit: usize) -> Vec<&Place> {
        let from = match after {
            Some(a) => (Bound::Excluded(a.clone()), Bound::Unbounded),
            None => (Bound::Unbounded, Bound::Unbounded),
        };
        let mut keys: Vec<&Place> = self
            .order
            .iter()
            .filter(|((g, parent), _)| parent.is_none() && group.is_none_or(|want| want == *g))
            .flat_map(|(_, set)| set.range(from.clone()).take(limit))
            .collect();
        keys.sort_unstable();
        keys.truncate(limit);
        keys
    }

    /// The greatest position of any top-level item, in any group.
    pub fn last_position(&self) -> Option<&str> {
        self.order
            .iter()
            .filter(|((_, parent), _)| parent.is_none())
            .filter_map(|(_, s)| s.last())
            .map(|(p, _)| p.as_str())
            .max()
    }

    /// The decoded cells of `field`, one per item in [`BoardState::items`] order; built on
    /// first use.
    pub fn cells(&self, field: &Field) -> Option<Arc<Vec<Cell>>> {
        self.derived(field, |d| Some(d.cells.clone()))
    }

    /// The key index of `field` (a status, dropdown, tags or people column); built on first
    /// use.
    pub fn key_index(&self, field: &Field) -> Option<Arc<KeyIndex>> {
        self.derived(field, |d| {
            if d.keys.is_none() {
                d.keys = Some(Arc::new(KeyIndex::build(&d.cells)?));
            }
            d.keys.clone()
        })
    }

    /// The text index of `field` (the name or a text-like column); built on first use.
    pub fn text_index(&self, field: &Field) -> Option<Arc<TextIndex>> {
        self.derived(field, |d| {
            if d.text.is_none() {
                d.text = Some(Arc::new(TextIndex::build(&d.cells)?));
            }
            d.text.clone()
        })
    }

    fn derived<R>(&self, field: &Field, f: impl FnOnce(&mut Derived) -> Option<R>) -> Option<R> {
        let key = FieldKey::of(field)?;
        let mut columns = self.cells.lock().ok()?;
        let d = columns.entry(key).or_insert_with(|| Derived {
            field: field.clone(),
            cells: Arc::new(self.items.iter().map(|i| read_cell(field, i).cached()).collect()),
            keys: None,
            text: None,
        });
        f(d)
    }

    /// Index of the live item `id` in [`BoardState::items`].
    pub fn index_of(&self, id: ItemId) -> Option<usize> {
        self.index.get(&self.items, id)
    }

    /// The live subitems of `parent` (on a subitem board) in display order, by position then
    /// id, as kept JSON.
    pub fn subitems_encoded(&self, parent: ItemId) -> Vec<EncodedItem> {
        let groups = self.parents.get(&parent).map(Vec::as_slice).unwrap_or_default();
        let mut keys: Vec<&Place> =
            groups.iter().filter_map(|g| self.order.get(&(*g, Some(parent)))).flatten().collect();
        keys.sort_unstable();
        keys.into_iter().filter_map(|k| self.encoded(k.1)).collect()
    }

    /// Every set of siblings (one per group, and per parent on a subitem board).
    pub fn sibling_sets(&self) -> impl Iterator<Item = &Siblings> {
        self.order.values()
    }

    /// The JSON of the item at index `i` (encoded once per change).
    pub fn encoded_at(&self, i: usize) -> Option<EncodedItem> {
        (i < self.items.len()).then(|| self.encode(i))
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
    /// skipped; so is an event after a gap (commits of one batch can reach the bus out of
    /// order): the next read catches the board up from the event log, in order.
    pub fn apply(&mut self, event: &BoardEvent) {
        if event.seq <= self.last_seq || event.seq > self.last_seq + 1 {
            return;
        }
        if event.change.needs_reload() {
            self.reload = true;
            return;
        }
        self.last_seq = event.seq;
        match &event.change {
            BoardChange::ItemDeleted(d) => self.remove(d.item_id),
            BoardChange::ItemUpdated(c) | BoardChange::ItemMoved(c) => {
                // The event carries what changed; the rest of the item is ours.
                let Some(i) = self.index_of(c.item.id) else {
                    if !c.item.archived {
                        self.reload = true;
                    }
                    return;
                };
                let next = c.apply_to(&self.items[i]);
                if next.archived {
                    self.remove(next.id);
                } else {
                    self.upsert(next);
                }
            }
            BoardChange::ItemsComputed(c) => {
                for cells in c.items.iter() {
                    // Only live items are computed; one the board lost meanwhile stays lost.
                    // Values only: set in place, the item stays where it is.
                    if let Some(i) = self.index_of(cells.item_id) {
                        let before = item_bytes(&self.items[i]);
                        cells.apply_in(&mut self.items[i]);
                        self.item_bytes = self.item_bytes - before + item_bytes(&self.items[i]);
                        self.recell(i);
                        self.drop_encoding(i);
                    }
                }
            }
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
        match self.index_of(item.id) {
            Some(i) => {
                let old = &self.items[i];
                if siblings_key(old) != siblings_key(&item) || old.position != item.position {
                    let (key, entry) = (siblings_key(old), place_of(old));
                    self.unorder(key, &entry);
                    self.place(&item);
                }
                self.item_bytes = self.item_bytes - item_bytes(&self.items[i]) + item_bytes(&item);
                self.items[i] = item;
                self.recell(i);
                self.drop_encoding(i);
            }
            None => {
                let columns = self.cells.get_mut().ok();
                let i = self.items.len();
                for d in columns.into_iter().flat_map(|c| c.values_mut()) {
                    let new = read_cell(&d.field, &item).cached();
                    if let Some(keys) = &mut d.keys {
                        Arc::make_mut(keys).push(i, &new);
                    }
                    if let Some(text) = &mut d.text {
                        Arc::make_mut(text).push(i, &new);
                    }
                    Arc::make_mut(&mut d.cells).push(new);
                }
                self.place(&item);
                self.item_bytes += item_bytes(&item);
                self.items.push(item);
                self.index.insert(&self.items, i);
                self.encoded.push(OnceLock::new());
            }
        }
    }

    /// The decoded fields' cells (and their indexes) of item `i`, read again after it changed.
    fn recell(&mut self, i: usize) {
        let Ok(columns) = self.cells.get_mut() else { return };
        for d in columns.values_mut() {
            let new = read_cell(&d.field, &self.items[i]).cached();
            let cells = Arc::make_mut(&mut d.cells);
            if let Some(keys) = &mut d.keys {
                Arc::make_mut(keys).update(i, &cells[i], &new);
            }
            cells[i] = new;
            if let Some(text) = &mut d.text {
                Arc::make_mut(text).update(i, &cells[i], cells);
            }
        }
    }

    /// Puts the item among its siblings.
    fn place(&mut self, item: &Item) {
        let key = siblings_key(item);
        let set = self.order.entry(key).or_default();
        if set.is_empty() {
            if let (group, Some(parent)) = key {
                self.parents.entry(parent).or_default().push(group);
            }
        }
        set.insert(place_of(item));
    }

    fn unorder(&mut self, key: SiblingsKey, entry: &Place) {
        if let Some(set) = self.order.get_mut(&key) {
            set.remove(entry);
            if set.is_empty() {
                self.order.remove(&key);
                if let (group, Some(parent)) = key {
                    if let Some(groups) = self.parents.get_mut(&parent) {
                        groups.retain(|g| *g != group);
                        if groups.is_empty() {
                            self.parents.remove(&parent);
                        }
                    }
                }
            }
        }
    }

    fn remove(&mut self, id: ItemId) {
        if let Some(i) = self.index.remove(&self.items, id) {
            self.drop_encoding(i);
            let gone = self.items.swap_remove(i);
            self.encoded.swap_remove(i);
            self.item_bytes -= item_bytes(&gone);
            self.unorder(siblings_key(&gone), &place_of(&gone));
            let last = self.items.len();
            if let Ok(columns) = self.cells.get_mut() {
                for d in columns.values_mut() {
                    let cells = Arc::make_mut(&mut d.cells);
                    if let Some(keys) = &mut d.keys {
                        Arc::make_mut(keys).swap_remove(i, &cells[i], last, &cells[last]);
                    }
                    cells.swap_remove(i);
                    if let Some(text) = &mut d.text {
                        Arc::make_mut(text).swap_remove(i, cells);
                    }
                }
            }
            if let Some(moved) = self.items.get(i) {
                self.index.moved(moved.id, last, i);
            }
        }
    }
}

/// What kept JSON costs: its text, and the shared allocation's counts.
fn kept_bytes(json: &str) -> usize {
    json.len() + 16
}

fn siblings_key(item: &Item) -> SiblingsKey {
    (item.group_id, item.parent_item_id)
}
