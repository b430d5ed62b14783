//! [`ItemValues`]: an item's cells, kept compact (see the type).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{value::RawValue, Value};

use super::{file_ids, CellValue};
use crate::boards::Column;
use crate::{ColumnId, FileId};

/// An item's cells by column: set only from typed values, read typed with the column. A
/// column without a value is absent. Serialized as the JSON object `{column id: value}`.
///
/// Kept as one buffer, because a board engine holds every item of a board in memory and a
/// cell as a `serde_json::Value` costs its key, a 32-byte node and an allocation per string:
/// for each cell, in column id order, the column id's 16 bytes, the length of its JSON (a
/// LEB128 varint: one byte below 128) and its canonical JSON text (as `serde_json` writes the
/// value, so two equal values have the same bytes and equality is a comparison of buffers). A
/// cell is parsed when read; an item has a handful of them, and the engine decodes the cells
/// its queries need once per column.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ItemValues(Box<[u8]>);

/// Bytes of a column id, before each cell's length.
const ID: usize = 16;

/// One cell of the buffer: its column, where its entry starts and ends, and its JSON text.
struct Entry<'a> {
    column: ColumnId,
    start: usize,
    end: usize,
    json: &'a str,
}

impl ItemValues {
    fn entries(&self) -> impl Iterator<Item = Entry<'_>> {
        let bytes = &self.0;
        let mut at = 0;
        std::iter::from_fn(move || {
            let id: [u8; ID] = bytes.get(at..at + ID)?.try_into().ok()?;
            let (len, len_bytes) = read_len(bytes.get(at + ID..)?)?;
            let (start, text) = (at, at + ID + len_bytes);
            let end = text + len;
            // Only `push_cell` and `push_text` write the buffer, with JSON text: always UTF-8.
            let json = std::str::from_utf8(bytes.get(text..end)?).ok()?;
            at = end;
            Some(Entry { column: ColumnId(uuid::Uuid::from_bytes(id)), start, end, json })
        })
    }

    fn entry(&self, column: ColumnId) -> Option<Entry<'_>> {
        self.entries().take_while(|e| e.column <= column).find(|e| e.column == column)
    }

    /// Builds the buffer from cells sorted by column id, each once.
    fn from_sorted(cells: impl IntoIterator<Item = (ColumnId, Value)>) -> ItemValues {
        let mut buf = Vec::new();
        for (column, value) in cells {
            push_cell(&mut buf, column, &value);
        }
        ItemValues(buf.into_boxed_slice())
    }

    /// Replaces the cell of `column` (or removes it, with `None`) and returns what it held.
    fn replace(&mut self, column: ColumnId, value: Option<&Value>) -> Option<Value> {
        let (old, start, end) = match self.entries().find(|e| e.column >= column) {
            Some(e) if e.column == column => (parse(e.json), e.start, e.end),
            Some(e) => (None, e.start, e.start),
            None => (None, self.0.len(), self.0.len()),
        };
        if old.is_none() && value.is_none() {
            return None;
        }
        let mut buf = Vec::with_capacity(self.0.len() + 64);
        buf.extend_from_slice(&self.0[..start]);
        if let Some(v) = value {
            push_cell(&mut buf, column, v);
        }
        buf.extend_from_slice(&self.0[end..]);
        self.0 = buf.into_boxed_slice();
        old
    }

    /// The typed value of `column`'s cell.
    pub fn cell(&self, column: &Column) -> Option<CellValue> {
        CellValue::from_stored(column.value_type(), &self.json(column.id)?)
    }

    /// The cell's stored JSON, as sent to clients and kept in events.
    pub fn json(&self, column: ColumnId) -> Option<Value> {
        self.entry(column).and_then(|e| parse(e.json))
    }

    /// The cell's canonical JSON text: equal texts are equal values, so comparing cells
    /// needs no parsing.
    pub fn json_text(&self, column: ColumnId) -> Option<&str> {
        self.entry(column).map(|e| e.json)
    }

    pub fn contains(&self, column: ColumnId) -> bool {
        self.entry(column).is_some()
    }

    /// Sets (or, with `None`, clears) a cell; returns the JSON it held.
    pub fn set(&mut self, column: ColumnId, value: Option<&CellValue>) -> Option<Value> {
        self.replace(column, value.map(CellValue::to_json).as_ref())
    }

    /// Puts back a cell as the event log recorded it (`CellChange::new`): already canonical,
    /// because every logged value was written from a [`CellValue`] (or is a formula's error
    /// value, which Sunday writes itself). Only for Sunday's own values, never client input.
    pub fn set_logged(&mut self, column: ColumnId, logged: Option<&Value>) {
        self.replace(column, logged.filter(|v| !v.is_null()));
    }

    /// Keeps only the cells of the columns `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(ColumnId) -> bool) {
        let mut buf = Vec::with_capacity(self.0.len());
        for e in self.entries() {
            if keep(e.column) {
                buf.extend_from_slice(&self.0[e.start..e.end]);
            }
        }
        if buf.len() != self.0.len() {
            self.0 = buf.into_boxed_slice();
        }
    }

    /// The cells in column id order, as stored JSON.
    pub fn iter(&self) -> impl Iterator<Item = (ColumnId, Value)> + '_ {
        self.entries().filter_map(|e| Some((e.column, parse(e.json)?)))
    }

    /// The cells shaped like a file cell's (see [`file_ids`]) with their file ids, read
    /// without parsing any other cell: the store and the search index look at every written
    /// item's files.
    pub fn files(&self) -> impl Iterator<Item = (ColumnId, Vec<FileId>)> + '_ {
        self.entries()
            .filter(|e| e.json.starts_with(r#"{"files":"#))
            .filter_map(|e| Some((e.column, file_ids(&parse(e.json)?)?)))
    }

    /// The columns holding a value, in column id order.
    pub fn columns(&self) -> impl Iterator<Item = ColumnId> + '_ {
        self.entries().map(|e| e.column)
    }

    pub fn len(&self) -> usize {
        self.entries().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How much memory the cells take (for the board engine's budget): the buffer.
    pub fn heap_estimate(&self) -> usize {
        self.0.len()
    }

    /// The size of the stored JSON, in bytes: braces, then per cell the quoted column id, a
    /// colon, the value and a comma between cells.
    pub fn stored_size(&self) -> usize {
        let cells: usize = self.entries().map(|e| 36 + 3 + e.json.len()).sum();
        2 + cells + self.len().saturating_sub(1)
    }
}

/// Appends one cell: the column id, the JSON's length and the JSON.
fn push_cell(buf: &mut Vec<u8>, column: ColumnId, value: &Value) {
    buf.extend_from_slice(column.0.as_bytes());
    // One byte for the length, widened after the text is written if it is 128 bytes or more.
    let at = buf.len();
    buf.push(0);
    // Writing a `Value` to a vector cannot fail (string keys, finite numbers).
    let _ = serde_json::to_writer(&mut *buf, value);
    let (head, n) = varint(buf.len() - at - 1);
    if n == 1 {
        buf[at] = head[0];
    } else {
        buf.splice(at..at + 1, head[..n].iter().copied());
    }
}

/// Appends one cell whose canonical JSON text is already at hand.
fn push_text(buf: &mut Vec<u8>, column: ColumnId, text: &str) {
    buf.extend_from_slice(column.0.as_bytes());
    let (head, n) = varint(text.len());
    buf.extend_from_slice(&head[..n]);
    buf.extend_from_slice(text.as_bytes());
}

/// `len` as LEB128: seven bits a byte, low first; the high bit says another byte follows.
fn varint(mut len: usize) -> ([u8; 10], usize) {
    let (mut head, mut n) = ([0u8; 10], 0);
    loop {
        let low = (len & 0x7f) as u8;
        len >>= 7;
        head[n] = if len == 0 { low } else { low | 0x80 };
        n += 1;
        if len == 0 {
            return (head, n);
        }
    }
}

/// Whether a JSON value's text is what serde_json writes for it, without parsing it: a
/// string without escapes (serde_json escapes only quotes, backslashes and control
/// characters, and a valid JSON string holds none of them unescaped). Most stored cells are
/// such strings (texts, labels, dates).
fn canonical_as_read(text: &str) -> bool {
    text.len() >= 2 && text.starts_with('"') && text.ends_with('"') && !text.contains('\\')
}

/// A cell's length at the start of `bytes` and how many bytes it took.
fn read_len(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut len = 0usize;
    for (i, b) in bytes.iter().enumerate().take(10) {
        len |= usize::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((len, i + 1));
        }
    }
    None
}

fn parse(json: &str) -> Option<Value> {
    serde_json::from_str(json).ok()
}

impl fmt::Debug for ItemValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.entries().map(|e| (e.column, e.json))).finish()
    }
}

impl Serialize for ItemValues {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        // JSON (the API, the store, the events) takes the kept text as it is, through
        // `RawValue`; a binary format gets the parsed value. A human-readable format other
        // than JSON would get `RawValue`'s private wrapper: items are written as JSON only
        // (postcard's analytics snapshots hold no items).
        let raw = s.is_human_readable();
        let mut map = s.serialize_map(None)?;
        for e in self.entries() {
            match serde_json::from_str::<&serde_json::value::RawValue>(e.json) {
                Ok(text) if raw => map.serialize_entry(&e.column, text)?,
                _ => map.serialize_entry(&e.column, &parse(e.json).unwrap_or(Value::Null))?,
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for ItemValues {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Cells;
        impl<'de> serde::de::Visitor<'de> for Cells {
            type Value = ItemValues;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of cells keyed by column id")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<ItemValues, A::Error> {
                // Each value as its text, checked by the parser: a string without escapes is
                // kept as read; anything else is parsed and written again (canonical: sorted
                // keys, no spaces, numbers as serde_json writes them).
                let mut cells: Vec<(ColumnId, Box<RawValue>)> = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(cell) = map.next_entry()? {
                    cells.push(cell);
                }
                // As a map would: sorted by column, the last value of a repeated key wins.
                cells.reverse();
                cells.sort_by_key(|(c, _)| *c);
                cells.dedup_by_key(|(c, _)| *c);
                let mut buf = Vec::with_capacity(cells.iter().map(|(_, t)| ID + 2 + t.get().len()).sum());
                for (column, raw) in cells {
                    let text = raw.get();
                    if canonical_as_read(text) {
                        push_text(&mut buf, column, text);
                    } else {
                        let value: Value = serde_json::from_str(text).map_err(serde::de::Error::custom)?;
                        push_cell(&mut buf, column, &value);
                    }
                }
                Ok(ItemValues(buf.into_boxed_slice()))
            }
        }
        d.deserialize_map(Cells)
    }
}

impl FromIterator<(ColumnId, CellValue)> for ItemValues {
    fn from_iter<I: IntoIterator<Item = (ColumnId, CellValue)>>(iter: I) -> Self {
        let mut cells: Vec<(ColumnId, CellValue)> = iter.into_iter().collect();
        cells.reverse();
        cells.sort_by_key(|(c, _)| *c);
        cells.dedup_by_key(|(c, _)| *c);
        ItemValues::from_sorted(cells.into_iter().map(|(c, v)| (c, v.to_json())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn item_values_serialize_as_a_json_object_keyed_by_column_id() {
        let (a, b) = (ColumnId::new(), ColumnId::new());
        let mut values: ItemValues = [(a, CellValue::Number(2.0))].into_iter().collect();
        values.set(b, Some(&CellValue::Checked));
        let json = serde_json::to_value(&values).unwrap();
        assert_eq!(json[a.to_string()], json!(2));
        assert_eq!(json[b.to_string()], json!(true));
        let back: ItemValues = serde_json::from_value(json).unwrap();
        assert_eq!(back, values);
        assert_eq!(values.set(a, None), Some(json!(2)));
        assert!(!values.contains(a));
    }

    /// Stored JSON comes back spaced and ordered as each database writes it (PostgreSQL's
    /// `jsonb` adds spaces): the kept text is canonical either way, so equal cells are equal
    /// bytes, and the size reported is that of the compact JSON.
    #[test]
    fn cells_are_kept_as_canonical_text_whatever_the_input() {
        let (a, b, c) = (ColumnId::new(), ColumnId::new(), ColumnId::new());
        let spaced = format!(
            r#"{{"{c}": {{"to": "2026-01-02", "from": "2026-01-01"}}, "{a}" : [ "x", "y" ], "{b}": 1.5, "{a}": ["z"]}}"#
        );
        let values: ItemValues = serde_json::from_str(&spaced).unwrap();
        let compact = format!(r#"{{"{a}":["z"],"{b}":1.5,"{c}":{{"from":"2026-01-01","to":"2026-01-02"}}}}"#);
        let mut ids = [(a, 0), (b, 1), (c, 2)];
        ids.sort();
        let text = serde_json::to_string(&values).unwrap();
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), serde_json::from_str::<Value>(&compact).unwrap());
        assert_eq!(values, serde_json::from_str(&compact).unwrap(), "the same bytes");
        assert_eq!(values.stored_size(), text.len());
        assert_eq!(values.len(), 3);
        assert_eq!(values.columns().collect::<Vec<_>>(), ids.map(|(id, _)| id).to_vec(), "in column id order");
        assert_eq!(values.json_text(a), Some(r#"["z"]"#), "the last of a repeated key wins");
        let escaped: ItemValues =
            serde_json::from_str(&format!(r#"{{"{a}": "caf\u00e9\n\/", "{b}": "plain"}}"#)).unwrap();
        assert_eq!(escaped.json_text(a), Some(r#""café\n/""#), "escapes written as serde_json writes them");
        assert_eq!(escaped.json_text(b), Some(r#""plain""#), "a string without escapes kept as read");
        assert_eq!(serde_json::to_value(&values).unwrap()[b.to_string()], json!(1.5));
    }

    #[test]
    fn setting_clearing_and_keeping_cells() {
        let (a, b, c) = (ColumnId::new(), ColumnId::new(), ColumnId::new());
        let mut values = ItemValues::default();
        assert!(values.is_empty());
        assert_eq!(values.stored_size(), 2, "{{}}");
        values.set(c, Some(&CellValue::Text("third".into())));
        values.set(a, Some(&CellValue::Number(1.0)));
        values.set(b, Some(&CellValue::Status("s".into())));
        assert_eq!(values.set(b, Some(&CellValue::Status("t".into()))), Some(json!("s")));
        values.set_logged(a, Some(&Value::Null));
        assert_eq!((values.len(), values.json(a), values.json(b)), (2, None, Some(json!("t"))));
        assert_eq!(values.set(a, None), None, "clearing an empty cell changes nothing");
        values.retain(|k| k != c);
        assert_eq!(values.iter().collect::<Vec<_>>(), vec![(b, json!("t"))]);
        assert_eq!(values.stored_size(), serde_json::to_string(&values).unwrap().len());
        assert_eq!(values.heap_estimate(), 16 + 1 + 3, "the id, the length and the text");
        let file = FileId::new();
        values.set(a, Some(&CellValue::Files(vec![file])));
        assert_eq!(values.files().collect::<Vec<_>>(), vec![(a, vec![file])], "only the file cell");
        values.set(a, None);
        let long = "x".repeat(300);
        values.set(c, Some(&CellValue::Text(long.clone())));
        assert_eq!(values.heap_estimate(), 16 + 1 + 3 + 16 + 2 + 302, "a text of 128 bytes or more takes two");
        assert_eq!((values.json(c), values.json(b)), (Some(json!(long)), Some(json!("t"))));
    }
}
