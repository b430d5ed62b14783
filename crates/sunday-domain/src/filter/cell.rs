//! Reading one field of one item in its kind's terms. Both the evaluator and the sort use this
//! single reader, so "empty" means the same everywhere: a missing value, `null`, an empty
//! string or list, an unchecked checkbox, or a value that does not have its type's shape
//! (stored values are normalized on write, so that last case only guards against drift).

use sunday_types::boards::{Column, ColumnType, Item};
use sunday_types::cells::CellValue;
use sunday_types::{GroupId, ItemId, UserId};

use super::ast::Field;

/// A field's value for one item.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// No value.
    Empty,
    /// Text-like values, as stored (a link contributes its url and its text, when non-empty).
    Texts(Vec<String>),
    /// The same texts already lower-cased (how the board engine caches them), so matching
    /// does not lower-case them again for every query.
    LowerTexts(Vec<String>),
    /// A number.
    Number(f64),
    /// A status label id.
    Label(String),
    /// Dropdown option ids.
    Options(Vec<String>),
    /// Tags, lower-cased (they match case-insensitively).
    Tags(Vec<String>),
    /// People, or the creator.
    Users(Vec<UserId>),
    /// The item's group.
    Group(GroupId),
    /// The item's id.
    Item(ItemId),
    /// A date or an instant.
    Moment(Moment),
    /// A timeline, `from` then `to`.
    Span(Moment, Moment),
    /// A checkbox; unchecked counts as empty.
    Checkbox(bool),
}

impl Cell {
    /// The form the board engine caches: text lower-cased once.
    pub fn cached(self) -> Cell {
        match self {
            Cell::Texts(t) => Cell::LowerTexts(t.into_iter().map(|s| s.to_lowercase()).collect()),
            other => other,
        }
    }

    /// Whether the field has no value (an unchecked checkbox has none).
    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty | Cell::Checkbox(false))
    }
}

/// A point in time as stored: a calendar day (already local to the board's users) or an
/// instant in UTC; the same type as a date cell's value.
pub use sunday_types::cells::DateValue as Moment;

/// Reads `field` of `item`.
/// The field's value for one item, decoded; the board engine keeps these per column so a
/// query does not decode stored JSON again for every item.
pub fn read(field: &Field, item: &Item) -> Cell {
    match field {
        Field::Name => text_cell(vec![item.name.clone()]),
        Field::Group => Cell::Group(item.group_id),
        Field::CreatedAt => Cell::Moment(Moment::At(item.created_at)),
        Field::UpdatedAt => Cell::Moment(Moment::At(item.updated_at)),
        Field::CreatedBy => Cell::Users(vec![item.created_by]),
        Field::Column(column) => read_column(column, item),
    }
}

fn read_column(column: &Column, item: &Item) -> Cell {
    match column.column_type {
        ColumnType::AutoNumber => return Cell::Number(item.auto_number as f64),
        ColumnType::ItemId => return Cell::Item(item.id),
        ColumnType::CreationLog => return Cell::Moment(Moment::At(item.created_at)),
        ColumnType::LastUpdated => return Cell::Moment(Moment::At(item.updated_at)),
        _ => {}
    }
    stored(column, item.values.cell(column))
}

/// A column's cell from its stored value (`None`: no value), for readers that keep values
/// apart from items (the analytics columns); the same decoding as [`read`].
pub fn read_stored(column: &Column, value: Option<&serde_json::Value>) -> Cell {
    stored(column, value.and_then(|v| CellValue::from_stored(column.value_type(), v)))
}

fn stored(column: &Column, value: Option<CellValue>) -> Cell {
    let Some(value) = value else {
        // An unchecked box still equals `false`.
        return if column.column_type == ColumnType::Checkbox { Cell::Checkbox(false) } else { Cell::Empty };
    };
    match value {
        CellValue::Text(s) | CellValue::LongText(s) | CellValue::Email(s) | CellValue::Phone(s) => text_cell(vec![s]),
        CellValue::Link(link) => text_cell(std::iter::once(link.url).chain(link.text).collect()),
        CellValue::Number(n) => Cell::Number(n),
        CellValue::Rating(stars) => Cell::Number(f64::from(stars)),
        CellValue::Status(label) => Cell::Label(label),
        CellValue::Dropdown(options) => Cell::Options(options),
        CellValue::Items(items) => Cell::Options(items.iter().map(|i| i.to_string()).collect()),
        CellValue::Files(files) => Cell::Options(files.iter().map(|f| f.to_string()).collect()),
        CellValue::Tags(tags) => Cell::Tags(tags.iter().map(|t| t.to_lowercase()).collect()),
        CellValue::People(users) => Cell::Users(users),
        CellValue::Date(d) => Cell::Moment(d),
        CellValue::Timeline(from, to) => Cell::Span(from, to),
        CellValue::Checked => Cell::Checkbox(true),
    }
}

fn text_cell(parts: Vec<String>) -> Cell {
    non_empty(parts.into_iter().filter(|s| !s.is_empty()).collect(), Cell::Texts)
}

fn non_empty<T>(list: Vec<T>, cell: fn(Vec<T>) -> Cell) -> Cell {
    if list.is_empty() {
        Cell::Empty
    } else {
        cell(list)
    }
}

/// The label ids of a status column, in display order.
pub(crate) fn status_labels(column: &Column) -> Vec<&str> {
    column.settings.labels().iter().map(|l| l.id.as_str()).collect()
}

/// The option ids of a dropdown column, in display order (random boards in tests use it).
#[cfg(any(test, feature = "testing"))]
pub(crate) fn option_ids(column: &Column) -> Vec<&str> {
    column.settings.options().iter().map(|o| o.id.as_str()).collect()
}

/// The display name of a dropdown option (its id when the settings do not name it).
pub(crate) fn option_name<'a>(column: &'a Column, id: &'a str) -> &'a str {
    column.settings.options().iter().find(|o| o.id == id).map_or(id, |o| o.name.as_str())
}
