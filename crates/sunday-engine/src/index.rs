//! Indexes over a board's decoded cell columns, built on a column's first query that can use
//! them and kept in step with every applied event (like the cell columns themselves):
//!
//! - [`KeyIndex`]: for status, dropdown, tags and people columns, the items holding each key
//!   (a label, an option, a tag, a user), so `any_of` / `eq` / `contains` on them costs the
//!   matching items' bitmaps rather than a pass over the board;
//! - [`TextIndex`]: for text-like columns and the item name, the lower-cased texts laid end to
//!   end in one buffer, so `contains` is one vectorised substring search over contiguous bytes
//!   that jumps from match to match, instead of one search per item string.
//!
//! Items are named by their index in the board's item vector, which `swap_remove` changes for
//! the last item; both indexes follow that move.

use std::collections::HashMap;

use roaring::RoaringBitmap;
use sunday_domain::filter::{cell_keys, Cell, TextSearch};

/// A set of items by index.
pub type Items = RoaringBitmap;

/// Item indexes are `u32` in bitmaps: a board holds far fewer than four billion items.
fn idx(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// For one keyed column: key → the items whose cell carries it.
#[derive(Clone, Debug, Default)]
pub struct KeyIndex {
    keys: HashMap<String, Items>,
}

impl KeyIndex {
    /// The index of `cells`, or `None` when the column's cells have no keys (not a keyed
    /// column).
    pub fn build(cells: &[Cell]) -> Option<KeyIndex> {
        let mut index = KeyIndex::default();
        for (i, cell) in cells.iter().enumerate() {
            for key in cell_keys(cell)? {
                index.keys.entry(key).or_default().insert(idx(i));
            }
        }
        Some(index)
    }

    /// The items carrying any of `keys`.
    pub fn any_of(&self, keys: &[String]) -> Items {
        let mut out = Items::new();
        for k in keys {
            if let Some(items) = self.keys.get(k) {
                out |= items;
            }
        }
        out
    }

    fn file(&mut self, i: usize, cell: &Cell, present: bool) {
        for key in cell_keys(cell).unwrap_or_default() {
            if present {
                self.keys.entry(key).or_default().insert(idx(i));
            } else if let Some(items) = self.keys.get_mut(&key) {
                items.remove(idx(i));
                if items.is_empty() {
                    self.keys.remove(&key);
                }
            }
        }
    }

    /// Item `i`'s cell changed from `old` to `new`.
    pub fn update(&mut self, i: usize, old: &Cell, new: &Cell) {
        self.file(i, old, false);
        self.file(i, new, true);
    }

    /// Item `i` (cell `new`) was appended.
    pub fn push(&mut self, i: usize, new: &Cell) {
        self.file(i, new, true);
    }

    /// Item `i` (cell `gone`) left by `swap_remove`: the last item (`last`, cell `moved`)
    /// takes index `i`.
    pub fn swap_remove(&mut self, i: usize, gone: &Cell, last: usize, moved: &Cell) {
        self.file(i, gone, false);
        if last != i {
            self.file(last, moved, false);
            self.file(i, moved, true);
        }
    }

    /// Estimated bytes.
    pub fn bytes(&self) -> usize {
        self.keys.iter().map(|(k, items)| k.len() + 64 + items.serialized_size()).sum()
    }
}

/// No span / no item.
const NONE: u32 = u32::MAX;
/// Separates texts in the buffer: never part of UTF-8, so no needle matches across it.
const SEPARATOR: u8 = 0xFF;

#[derive(Clone, Copy, Debug)]
struct Span {
    /// Where the item's texts start in the buffer.
    start: usize,
    /// The item, or [`NONE`] once its texts were replaced or it left.
    item: u32,
}

/// For one text column: every item's lower-cased texts in one buffer, each text followed by
/// a separator. A changed item's new texts are appended and its old span marked dead; the
/// buffer is rebuilt once dead bytes outweigh live ones.
#[derive(Clone, Debug, Default)]
pub struct TextIndex {
    bytes: Vec<u8>,
    /// In buffer order.
    spans: Vec<Span>,
    /// Per item index, its span in `spans` or [`NONE`] when it has no text.
    span_of: Vec<u32>,
    dead: usize,
}

impl TextIndex {
    /// The index of `cells`, or `None` when they are not lower-cased texts.
    pub fn build(cells: &[Cell]) -> Option<TextIndex> {
        if !cells.iter().all(|c| matches!(c, Cell::LowerTexts(_) | Cell::Empty)) {
            return None;
        }
        let mut index = TextIndex { span_of: Vec::with_capacity(cells.len()), ..TextIndex::default() };
        for (i, cell) in cells.iter().enumerate() {
            index.span_of.push(NONE);
            index.append(i, cell);
        }
        Some(index)
    }

    fn append(&mut self, i: usize, cell: &Cell) {
        let Cell::LowerTexts(texts) = cell else { return };
        let start = self.bytes.len();
        for t in texts {
            self.bytes.extend_from_slice(t.as_bytes());
            self.bytes.push(SEPARATOR);
        }
        self.span_of[i] = idx(self.spans.len());
        self.spans.push(Span { start, item: idx(i) });
    }

    /// The end of span `s` (the start of the next, or of the free space).
    fn end(&self, s: usize) -> usize {
        self.spans.get(s + 1).map_or(self.bytes.len(), |n| n.start)
    }

    fn kill(&mut self, i: usize) {
        let s = self.span_of[i];
        if s != NONE {
            let s = s as usize;
            self.dead += self.end(s) - self.spans[s].start;
            self.spans[s].item = NONE;
            self.span_of[i] = NONE;
        }
    }

    /// Rebuilds the buffer without dead spans once they are the larger part.
    fn compact(&mut self, cells: &[Cell]) {
        if self.dead > 4096 && self.dead * 2 > self.bytes.len() {
            if let Some(fresh) = TextIndex::build(cells) {
                *self = fresh;
            }
        }
    }

    /// Item `i`'s cell is now `new`; `cells` is the whole column, already updated.
    pub fn update(&mut self, i: usize, new: &Cell, cells: &[Cell]) {
        self.kill(i);
        self.append(i, new);
        self.compact(cells);
    }

    /// Item `i` (cell `new`) was appended.
    pub fn push(&mut self, i: usize, new: &Cell) {
        self.span_of.push(NONE);
        self.append(i, new);
    }

    /// Item `i` left by `swap_remove`: the last item takes index `i`; `cells` is the whole
    /// column, already shortened.
    pub fn swap_remove(&mut self, i: usize, cells: &[Cell]) {
        self.kill(i);
        let last = self.span_of.len() - 1;
        if last != i {
            let s = self.span_of[last];
            if s != NONE {
                self.spans[s as usize].item = idx(i);
            }
        }
        self.span_of.swap_remove(i);
        self.compact(cells);
    }

    /// The items some text of which contains the search's (lower-cased) needle, regardless
    /// of the search's negation.
    pub fn containing(&self, search: &TextSearch) -> Items {
        let mut out = Items::new();
        let (mut pos, mut s) = (0, 0);
        while let Some(found) = self.bytes.get(pos..).and_then(|rest| search.find(rest)) {
            let at = pos + found;
            // The span holding the match: the last one starting at or before it.
            s += self.spans[s..].partition_point(|span| span.start <= at).saturating_sub(1);
            if self.spans.get(s).is_some_and(|span| span.item != NONE) {
                out.insert(self.spans[s].item);
            }
            // One match per item is enough: go on after its texts.
            pos = self.end(s).max(at + 1);
        }
        out
    }

    /// Estimated bytes.
    pub fn bytes(&self) -> usize {
        self.bytes.capacity()
            + self.spans.capacity() * std::mem::size_of::<Span>()
            + self.span_of.capacity() * std::mem::size_of::<u32>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use sunday_domain::filter::{Condition, Field, Op, Operand};

    fn cell(words: &[String]) -> Cell {
        if words.is_empty() {
            Cell::Empty
        } else {
            Cell::LowerTexts(words.to_vec())
        }
    }

    fn search(needle: &str) -> TextSearch {
        let c = Condition { column: Field::Name, op: Op::Contains, operand: Operand::Text(needle.into()) };
        TextSearch::of(&c).expect("a text search")
    }

    proptest! {
        /// Through any run of changes, appends and removals (enough to make the buffer
        /// compact itself), the text index finds exactly the items whose texts contain the
        /// needle, and the key index files exactly the items holding each key.
        #[test]
        fn indexes_follow_their_column(
            start in prop::collection::vec(prop::collection::vec("[ab]{0,3}", 0..3), 0..20),
            ops in prop::collection::vec((0u8..3, any::<usize>(), prop::collection::vec("[ab]{0,400}", 0..3)), 0..120),
            needle in "[ab]{1,3}",
        ) {
            let mut cells: Vec<Cell> = start.iter().map(|w| cell(w)).collect();
            let mut text = TextIndex::build(&cells).expect("texts");
            let label = |c: &Cell| match c {
                Cell::LowerTexts(t) => Cell::Label(t[0].clone()),
                _ => Cell::Empty,
            };
            let mut labels: Vec<Cell> = cells.iter().map(label).collect();
            let mut keys = KeyIndex::build(&labels).expect("keys");
            for (op, at, words) in ops {
                let new = cell(&words);
                match op {
                    0 if !cells.is_empty() => {
                        let i = at % cells.len();
                        keys.update(i, &labels[i], &label(&new));
                        labels[i] = label(&new);
                        cells[i] = new.clone();
                        text.update(i, &new, &cells);
                    }
                    1 if !cells.is_empty() => {
                        let i = at % cells.len();
                        let last = cells.len() - 1;
                        keys.swap_remove(i, &labels[i], last, &labels[last]);
                        labels.swap_remove(i);
                        cells.swap_remove(i);
                        text.swap_remove(i, &cells);
                    }
                    _ => {
                        keys.push(cells.len(), &label(&new));
                        text.push(cells.len(), &new);
                        labels.push(label(&new));
                        cells.push(new);
                    }
                }
            }
            let s = search(&needle);
            let want: Items = cells.iter().enumerate().filter(|(_, c)| s.holds(c)).map(|(i, _)| i as u32).collect();
            prop_assert_eq!(text.containing(&s), want);
            for key in ["", "a", "ab", "b", "ba"] {
                let want: Items = labels.iter().enumerate().filter(|(_, c)| matches!(c, Cell::Label(l) if l == key)).map(|(i, _)| i as u32).collect();
                prop_assert_eq!(keys.any_of(&[key.to_owned()]), want);
            }
        }
    }
}
