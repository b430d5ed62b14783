//! One board's aggregates: its items as columns of small integers (each column
//! dictionary-encoded, so a filter or a grouping looks at each distinct value once and then
//! scans integers), with what only the event log knows: when each item entered its current
//! status label, every label change, and the time spent in each label.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sunday_domain::filter::{cell_keys, read_stored, Cell};
use sunday_types::{
    boards::{BoardEvent, Column, ColumnType, Group, Item},
    events::{BoardChange, CellChange},
    BoardId, ColumnId, GroupId, ItemId, UserId,
};

/// The lookups a create or an edit takes for every cell (a value's dictionary code, an item's
/// row): hashbrown's default hasher (foldhash) instead of the standard SipHash, whose hashing
/// was about a third of the aggregates' time while a board was built through the bulk API.
type FastMap<K, V> = hashbrown::HashMap<K, V>;

/// One distinct value of a column.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// The stored JSON, as text: the dictionary's key.
    pub key: String,
    pub cell: Cell,
    /// What a sum or average reads.
    pub number: Option<f64>,
    /// What a period groups by (a timeline's first day).
    pub day: Option<DateOrInstant>,
    /// What a grouping by this column files the item under (`None`: it cannot group).
    pub keys: Option<Vec<String>>,
}

/// A date cell's day: a calendar day as stored, or an instant placed in a time zone when asked.
#[derive(Clone, Copy, Debug)]
pub(crate) enum DateOrInstant {
    Day(NaiveDate),
    At(DateTime<Utc>),
}

impl Entry {
    /// The entry of a stored value given as its JSON text (a snapshot's key).
    fn new(column: &Column, key: String) -> Entry {
        let value: Option<Value> = if key.is_empty() { None } else { serde_json::from_str(&key).ok() };
        Entry::of(column, key, value.as_ref())
    }

    fn of(column: &Column, key: String, value: Option<&Value>) -> Entry {
        let cell = read_stored(column, value);
        let number = match &cell {
            Cell::Number(n) => Some(*n),
            _ => None,
        };
        let day = match &cell {
            Cell::Moment(m) | Cell::Span(m, _) => Some(match m {
                sunday_domain::filter::Moment::Day(d) => DateOrInstant::Day(*d),
                sunday_domain::filter::Moment::At(t) => DateOrInstant::At(*t),
            }),
            _ => None,
        };
        let keys = cell_keys(&cell);
        Entry { key, cell, number, day, keys }
    }
}

/// A status label reached by an item at a moment.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub(crate) struct Transition {
    pub row: u32,
    /// The dictionary code of the label reached.
    pub code: u32,
    /// Unix seconds.
    pub at: i64,
}

/// What a status column keeps beyond its values.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct StatusFacts {
    /// When each row entered its current label (unix seconds).
    pub since: Vec<i64>,
    pub transitions: Vec<Transition>,
    /// Closed stays per label code: seconds and how many.
    pub stays: HashMap<u32, (f64, u64)>,
}

#[derive(Clone, Debug)]
pub(crate) struct ColumnFacts {
    pub column: Column,
    /// `entries[0]` is "no value".
    pub entries: Vec<Entry>,
    index: FastMap<String, u32>,
    /// The same index for string and number values, looked up without writing their JSON
    /// (most cells are one or the other: the hot path of a create).
    strings: FastMap<String, u32>,
    numbers: FastMap<u64, u32>,
    /// Each row's entry.
    pub codes: Vec<u32>,
    pub status: Option<StatusFacts>,
    /// The distinct values' text in bytes, kept as they are added ([`ColumnFacts::bytes`]
    /// must not walk them: it runs after every catch-up).
    text_bytes: usize,
}

/// An entry's text as the column holds it: its key in the entry and in the index, a string's
/// copy in the fast index (counted as the key's length), and the keys it groups under.
fn entry_text(e: &Entry) -> usize {
    3 * e.key.len() + e.keys.as_ref().map_or(0, |k| k.iter().map(|s| s.len() + 24).sum())
}

impl ColumnFacts {
    fn new(column: Column, rows: usize, now: i64) -> ColumnFacts {
        let empty = Entry::new(&column, String::new());
        let status = (column.column_type == ColumnType::Status)
            .then(|| StatusFacts { since: vec![now; rows], ..StatusFacts::default() });
        ColumnFacts {
            column,
            entries: vec![empty],
            index: FastMap::from([(String::new(), 0)]),
            strings: FastMap::new(),
            numbers: FastMap::new(),
            codes: vec![0; rows],
            status,
            text_bytes: 0,
        }
    }

    pub(crate) fn restore(
        column: Column,
        keys: Vec<String>,
        codes: Vec<u32>,
        status: Option<StatusFacts>,
    ) -> ColumnFacts {
        let entries: Vec<Entry> = keys.into_iter().map(|k| Entry::new(&column, k)).collect();
        let index = entries.iter().enumerate().map(|(i, e)| (e.key.clone(), i as u32)).collect();
        let text_bytes = entries.iter().map(entry_text).sum();
        let mut facts = ColumnFacts {
            column,
            entries,
            index,
            strings: FastMap::new(),
            numbers: FastMap::new(),
            codes,
            status,
            text_bytes,
        };
        facts.index_fast();
        facts
    }

    /// See [`BoardFacts::bytes`]: O(1), from sizes and the text counted as values came.
    fn bytes(&self) -> usize {
        use std::mem::size_of;
        let lookups = (self.index.len() + self.strings.len()) * (size_of::<String>() + 5) * 8 / 7
            + self.numbers.len() * 13 * 8 / 7;
        let status = self.status.as_ref().map_or(0, |s| {
            s.since.capacity() * size_of::<i64>()
                + s.transitions.capacity() * size_of::<Transition>()
                + s.stays.len() * 32
        });
        self.entries.capacity() * size_of::<Entry>() + self.text_bytes + lookups + self.codes.capacity() * 4 + status
    }

    /// Fills the string and number indexes from the entries.
    fn index_fast(&mut self) {
        self.strings.clear();
        self.numbers.clear();
        for (code, entry) in self.entries.iter().enumerate() {
            match serde_json::from_str::<Value>(&entry.key) {
                Ok(Value::String(s)) => {
                    self.strings.insert(s, code as u32);
                }
                Ok(Value::Number(n)) => {
                    if let Some(f) = n.as_f64() {
                        self.numbers.insert(f.to_bits(), code as u32);
                    }
                }
                _ => {}
            }
        }
    }

    fn code(&mut self, value: Option<&Value>) -> u32 {
        let value = match value {
            None | Some(Value::Null) => return 0,
            Some(v) => v,
        };
        let fast = match value {
            Value::String(s) => self.strings.get(s.as_str()).copied(),
            Value::Number(n) => n.as_f64().and_then(|f| self.numbers.get(&f.to_bits()).copied()),
            _ => None,
        };
        if let Some(code) = fast {
            return code;
        }
        let key = value.to_string();
        if let Some(code) = self.index.get(&key) {
            return *code;
        }
        let code = self.entries.len() as u32;
        let entry = Entry::of(&self.column, key.clone(), Some(value));
        self.text_bytes += entry_text(&entry);
        self.entries.push(entry);
        self.index.insert(key, code);
        match value {
            Value::String(s) => {
                self.strings.insert(s.clone(), code);
            }
            Value::Number(n) => {
                if let Some(f) = n.as_f64() {
                    self.numbers.insert(f.to_bits(), code);
                }
            }
            _ => {}
        }
        code
    }

    /// Sets a row's value at `at`, recording a status change.
    fn set(&mut self, row: u32, value: Option<&Value>, at: i64) {
        let code = self.code(value);
        let r = row as usize;
        let old = std::mem::replace(&mut self.codes[r], code);
        if let Some(status) = &mut self.status {
            if old != code {
                let seconds = (at - status.since[r]).max(0);
                // A new row's first value is not a stay in "no value".
                if old != 0 || seconds > 0 {
                    let stay = status.stays.entry(old).or_default();
                    stay.0 += seconds as f64;
                    stay.1 += 1;
                }
                status.since[r] = at;
                if code != 0 {
                    status.transitions.push(Transition { row, code, at });
                }
            }
        }
    }

    fn push_row(&mut self, at: i64) {
        self.codes.push(0);
        if let Some(status) = &mut self.status {
            status.since.push(at);
        }
    }

    /// The done label's code, when the column is a status column with one in use.
    pub fn done_code(&self) -> Option<u32> {
        let done = self.column.settings.labels().iter().find(|l| l.done)?;
        self.index.get(&Value::String(done.id.clone()).to_string()).copied()
    }

    /// A label's or option's name, for keys shown to people.
    pub fn key_name(&self, key: &str) -> String {
        let s = &self.column.settings;
        s.labels()
            .iter()
            .find(|l| l.id == key)
            .map(|l| l.name.clone())
            .or_else(|| s.options().iter().find(|o| o.id == key).map(|o| o.name.clone()))
            .unwrap_or_else(|| key.to_owned())
    }

    /// The code of the label named (by id or name) `label`: `None` when the column has no such
    /// label, `Some(None)` when no item has held it yet.
    pub fn label_code(&self, label: &str) -> Option<Option<u32>> {
        let id = self.column.settings.labels().iter().find(|l| l.id == label || l.name == label)?.id.clone();
        Some(self.strings.get(&id).copied())
    }

    /// The column's settings or type changed (at `at`): every distinct value is read again.
    fn retype(&mut self, column: Column, at: i64) {
        self.column = column;
        for entry in &mut self.entries {
            *entry = Entry::new(&self.column, std::mem::take(&mut entry.key));
        }
        self.text_bytes = self.entries.iter().map(entry_text).sum();
        if self.column.column_type == ColumnType::Status && self.status.is_none() {
            self.status = Some(StatusFacts { since: vec![at; self.codes.len()], ..StatusFacts::default() });
        } else if self.column.column_type != ColumnType::Status {
            self.status = None;
        }
    }
}

/// Where an item is: counted, archived (kept for when it comes back) or deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum RowState {
    Live,
    Archived,
    Gone,
}

/// One board's aggregates, current to [`BoardFacts::seq`] of its event log.
#[derive(Clone, Debug)]
pub struct BoardFacts {
    pub(crate) board: BoardId,
    pub(crate) seq: i64,
    pub(crate) columns: Vec<ColumnFacts>,
    pub(crate) rows: FastMap<ItemId, u32>,
    pub(crate) ids: Vec<ItemId>,
    pub(crate) state: Vec<RowState>,
    pub(crate) groups: Vec<GroupId>,
    pub(crate) created_at: Vec<i64>,
    pub(crate) created_by: Vec<UserId>,
    pub(crate) group_names: FastMap<GroupId, String>,
    /// Items changed without an event each since this moment (unix seconds): the board's
    /// items are to be read again ([`BoardFacts::reload`]), then this clears. Kept in
    /// snapshots, so a reload that failed is not forgotten.
    pub(crate) reload_at: Option<i64>,
    /// Events folded in (not kept across restarts).
    pub(crate) events: u64,
}

impl BoardFacts {
    pub fn new(board: BoardId) -> BoardFacts {
        BoardFacts {
            board,
            seq: 0,
            columns: Vec::new(),
            rows: FastMap::new(),
            ids: Vec::new(),
            state: Vec::new(),
            groups: Vec::new(),
            created_at: Vec::new(),
            created_by: Vec::new(),
            group_names: FastMap::new(),
            reload_at: None,
            events: 0,
        }
    }

    /// When items last changed without an event each, if they are still to be read again.
    pub fn pending_reload(&self) -> Option<DateTime<Utc>> {
        self.reload_at.and_then(|t| DateTime::from_timestamp(t, 0))
    }

    /// Asks for the items to be read again (a change elsewhere rewrote them without events).
    pub fn want_reload(&mut self, at: DateTime<Utc>) {
        self.reload_at = Some(self.reload_at.map_or(at.timestamp(), |t| t.max(at.timestamp())));
    }

    pub fn board(&self) -> BoardId {
        self.board
    }

    /// How far the board's event log has been read.
    pub fn seq(&self) -> i64 {
        self.seq
    }

    /// Items counted (not archived or deleted).
    pub fn live_items(&self) -> u64 {
        self.state.iter().filter(|s| **s == RowState::Live).count() as u64
    }

    pub fn events(&self) -> u64 {
        self.events
    }

    /// About how much memory the aggregates take, in bytes (what the keeper's budget counts):
    /// the per-row vectors and the row index by capacity, and per column its codes, distinct
    /// values with their three lookups, and a status column's times and label changes. O(columns).
    pub fn bytes(&self) -> usize {
        use std::mem::size_of;
        // A hash map's entry: its key and value, a control byte, and the spare room of a
        // table kept at most 7/8 full.
        fn map<K, V>(len: usize) -> usize {
            (size_of::<K>() + size_of::<V>() + 1) * len * 8 / 7
        }
        let rows = self.ids.capacity() * size_of::<ItemId>()
            + self.state.capacity() * size_of::<RowState>()
            + self.groups.capacity() * size_of::<GroupId>()
            + self.created_at.capacity() * size_of::<i64>()
            + self.created_by.capacity() * size_of::<UserId>()
            + map::<ItemId, u32>(self.rows.len());
        let columns: usize = self.columns.iter().map(ColumnFacts::bytes).sum();
        size_of::<BoardFacts>() + rows + columns + map::<GroupId, String>(self.group_names.len())
    }

    pub(crate) fn column(&self, id: ColumnId) -> Option<usize> {
        self.columns.iter().position(|c| c.column.id == id)
    }

    /// The board's columns and groups as they are now (a first read, or after a change that
    /// came without its details).
    pub fn set_structure(&mut self, columns: &[Column], groups: &[Group]) {
        let now = Utc::now().timestamp();
        let rows = self.ids.len();
        let mut next = Vec::with_capacity(columns.len());
        for column in columns {
            match self.column(column.id) {
                Some(i) => {
                    let mut facts = self.columns[i].clone();
                    if facts.column != *column {
                        facts.retype(column.clone(), now);
                    }
                    next.push(facts);
                }
                None => next.push(ColumnFacts::new(column.clone(), rows, now)),
            }
        }
        self.columns = next;
        self.group_names = groups.iter().map(|g| (g.id, g.title.clone())).collect();
    }

    /// Folds in one event of the board's log (`event.seq` must follow [`BoardFacts::seq`]).
    /// Events that changed items without an event each (a duplicated board's items, values
    /// converted or computed) leave a reload pending ([`BoardFacts::pending_reload`]).
    pub fn apply(&mut self, event: &BoardEvent) {
        let at = event.created_at.timestamp();
        self.events += 1;
        self.seq = self.seq.max(event.seq);
        let converted =
            matches!(&event.change, BoardChange::ColumnUpdated(c) if c.converted > 0 || c.not_converted > 0);
        if event.change.needs_reload() || converted {
            self.want_reload(event.created_at);
        }
        match &event.change {
            BoardChange::ColumnCreated(c) => {
                if self.column(c.column.id).is_none() {
                    self.columns.push(ColumnFacts::new(c.column.clone(), self.ids.len(), at));
                }
            }
            BoardChange::ColumnUpdated(c) => {
                if let Some(i) = self.column(c.column.id) {
                    self.columns[i].retype(c.column.clone(), at);
                }
            }
            BoardChange::ColumnDeleted(c) => self.columns.retain(|f| f.column.id != c.column.id),
            BoardChange::GroupCreated(g) | BoardChange::GroupUpdated(g) => {
                self.group_names.insert(g.group.id, g.group.title.clone());
            }
            BoardChange::GroupDeleted(g) => {
                for r in 0..self.ids.len() {
                    if self.groups[r] == g.group_id && self.state[r] != RowState::Gone {
                        match g.moved_to {
                            Some(to) => self.groups[r] = to,
                            None => self.state[r] = RowState::Archived,
                        }
                    }
                }
                self.group_names.remove(&g.group_id);
            }
            BoardChange::ItemCreated(c) => self.upsert(&c.item, at),
            BoardChange::ItemUpdated(c) | BoardChange::ItemMoved(c) => {
                if let Some(&row) = self.rows.get(&c.item.id) {
                    self.groups[row as usize] = c.item.group_id;
                    self.set_cells(row, &c.changes, at);
                }
            }
            BoardChange::ItemsComputed(c) => {
                for item in c.items.iter() {
                    if let Some(&row) = self.rows.get(&item.item_id) {
                        self.set_cells(row, &item.changes, at);
                    }
                }
            }
            BoardChange::ItemArchived(s) => {
                self.upsert(&s.item, at);
                if let Some(&row) = self.rows.get(&s.item.id) {
                    self.state[row as usize] = RowState::Archived;
                }
            }
            BoardChange::ItemRestored(s) => self.upsert(&s.item, at),
            BoardChange::ItemDeleted(d) => {
                if let Some(&row) = self.rows.get(&d.item_id) {
                    self.state[row as usize] = RowState::Gone;
                }
            }
            BoardChange::BoardCreated(_)
            | BoardChange::BoardUpdated(_)
            | BoardChange::BoardMemberSet(_)
            | BoardChange::BoardMemberRemoved(_)
            | BoardChange::UpdatePosted(_)
            | BoardChange::UpdateEdited(_)
            | BoardChange::UpdateDeleted(_)
            | BoardChange::ButtonClicked(_) => {}
        }
    }

    fn set_cells(&mut self, row: u32, changes: &[CellChange], at: i64) {
        for change in changes {
            if let Some(i) = self.column(change.column_id) {
                self.columns[i].set(row, change.new.as_ref(), at);
            }
        }
    }

    /// Makes the item's row what `item` says (a new row for a new item), its status changes
    /// dated `at`.
    fn upsert(&mut self, item: &Item, at: i64) {
        let row = match self.rows.get(&item.id) {
            Some(&row) => row,
            None => {
                let row = self.ids.len() as u32;
                self.rows.insert(item.id, row);
                self.ids.push(item.id);
                self.state.push(RowState::Live);
                self.groups.push(item.group_id);
                self.created_at.push(item.created_at.timestamp());
                self.created_by.push(item.created_by);
                for column in &mut self.columns {
                    column.push_row(at);
                }
                row
            }
        };
        let r = row as usize;
        self.state[r] = if item.archived { RowState::Archived } else { RowState::Live };
        self.groups[r] = item.group_id;
        for column in &mut self.columns {
            column.set(row, item.values.json(column.column.id).as_ref(), at);
        }
    }

    /// Replaces every item's values with `items` (all of the board's items, archived ones
    /// included, as they are now): items not among them are gone. Status changes this finds
    /// are dated at the pending reload's moment (else `at`), which it clears.
    pub fn reload(&mut self, items: &[Item], at: DateTime<Utc>) {
        let at = self.reload_at.take().unwrap_or(at.timestamp());
        let mut seen = vec![false; self.ids.len()];
        for item in items {
            self.upsert(item, at);
            if let Some(&row) = self.rows.get(&item.id) {
                if let Some(s) = seen.get_mut(row as usize) {
                    *s = true;
                }
            }
        }
        for (r, seen) in seen.into_iter().enumerate() {
            if !seen {
                self.state[r] = RowState::Gone;
            }
        }
    }

    /// The rows counted, in order.
    pub(crate) fn live_rows(&self) -> impl Iterator<Item = usize> + '_ {
        self.state.iter().enumerate().filter(|(_, s)| **s == RowState::Live).map(|(r, _)| r)
    }
}
