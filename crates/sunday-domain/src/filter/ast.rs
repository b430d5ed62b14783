//! The parsed form of a filter: a tree of [`Filter::And`] / [`Filter::Or`] nodes over
//! [`Condition`]s, each naming a [`Field`], an [`Op`] and an [`Operand`] whose variant is fixed by
//! the field's [`FieldKind`] and the operator. `parse_filter` only builds conditions whose
//! operator applies to the field ([`FieldKind::ops`]) and whose operand has the matching variant;
//! the evaluator still treats any other combination as "no match" rather than panicking, because
//! the AST is public and may be built by hand.

use chrono::{Datelike, NaiveDate, TimeDelta};
use serde::{Deserialize, Serialize};
use sunday_types::boards::{Column, ColumnType};
use sunday_types::{ColumnId, GroupId, ItemId, UserId};

/// A boolean combination of conditions. `And([])` matches every item, `Or([])` none.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// Every child matches.
    And(Vec<Filter>),
    /// At least one child matches.
    Or(Vec<Filter>),
    /// A single test on one field.
    Cond(Condition),
}

impl Filter {
    /// Whether any of its conditions tests the board column `column` (a reader kept from a
    /// column may not filter by it).
    pub fn reads(&self, column: ColumnId) -> bool {
        match self {
            Filter::And(children) | Filter::Or(children) => children.iter().any(|f| f.reads(column)),
            Filter::Cond(c) => c.column.is_column(column),
        }
    }
}

/// One test: `column op operand`.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// What is tested (named `column` as in the API, though it may be a pseudo-column).
    pub column: Field,
    /// How it is tested.
    pub op: Op,
    /// What it is tested against; [`Operand::None`] for `is_empty` / `is_not_empty`.
    pub operand: Operand,
}

/// A property of an item that filters and sorts can name: a built-in pseudo-column or one of
/// the board's columns (cloned, so that its settings — status labels, dropdown options — travel
/// with the condition).
#[derive(Clone, Debug, PartialEq)]
pub enum Field {
    /// `name`: the item's name.
    Name,
    /// `group`: the item's group id.
    Group,
    /// `created_at`: when the item was created.
    CreatedAt,
    /// `updated_at`: when the item last changed.
    UpdatedAt,
    /// `created_by`: who created the item.
    CreatedBy,
    /// A board column.
    Column(Column),
}

impl Field {
    /// The names of the pseudo-columns, as the API spells them.
    pub const PSEUDO_NAMES: [&'static str; 5] = ["name", "group", "created_at", "updated_at", "created_by"];

    /// The pseudo-column called `name`, if any.
    pub fn pseudo(name: &str) -> Option<Field> {
        match name {
            "name" => Some(Field::Name),
            "group" => Some(Field::Group),
            "created_at" => Some(Field::CreatedAt),
            "updated_at" => Some(Field::UpdatedAt),
            "created_by" => Some(Field::CreatedBy),
            _ => None,
        }
    }

    /// Whether this is the board column `column`.
    pub fn is_column(&self, column: ColumnId) -> bool {
        matches!(self, Field::Column(c) if c.id == column)
    }

    /// How the field's values behave under filters and sorts.
    pub fn kind(&self) -> FieldKind {
        match self {
            Field::Name => FieldKind::Text,
            Field::Group => FieldKind::Group,
            Field::CreatedAt | Field::UpdatedAt => FieldKind::Date,
            Field::CreatedBy => FieldKind::CreatedBy,
            Field::Column(c) => FieldKind::of(c.value_type()),
        }
    }
}

/// The filter behaviour shared by several column types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldKind {
    /// `name`, `text`, `long_text`, `email`, `phone` and `link` (matched on url and text).
    Text,
    /// `number`, `rating`, `auto_number`.
    Number,
    /// `status`: one label id.
    Status,
    /// `dropdown`: option ids, matched exactly.
    Dropdown,
    /// `tags`: tag strings, matched case-insensitively.
    Tags,
    /// `people`: user ids; operands may say `"me"`.
    People,
    /// `date`, `created_at`, `updated_at`, `creation_log`, `last_updated`: one day or instant.
    Date,
    /// `timeline`: a `from`–`to` range of days.
    Timeline,
    /// `checkbox`: checked or not (unchecked is empty).
    Checkbox,
    /// The `group` pseudo-column.
    Group,
    /// The `created_by` pseudo-column; operands may say `"me"`.
    CreatedBy,
    /// `item_id`: the item's own id.
    ItemId,
    /// `button`: never has a value.
    Button,
}

impl FieldKind {
    /// The kind of a column type (its column kind says).
    pub fn of(t: ColumnType) -> FieldKind {
        crate::columns::kind_of(t).field_kind()
    }

    /// The operators that apply to this kind — the applicability table. Any other operator is
    /// rejected by `parse_filter` with rule `operator_not_applicable`.
    pub fn ops(self) -> &'static [Op] {
        use Op::*;
        match self {
            FieldKind::Text => &[Eq, Neq, Contains, NotContains, StartsWith, IsEmpty, IsNotEmpty],
            FieldKind::Number => &[Eq, Neq, Gt, Gte, Lt, Lte, Between, AnyOf, NoneOf, IsEmpty, IsNotEmpty],
            FieldKind::Status => &[Eq, Neq, AnyOf, NoneOf, IsEmpty, IsNotEmpty],
            FieldKind::Dropdown | FieldKind::Tags | FieldKind::People => {
                &[AnyOf, NoneOf, Contains, IsEmpty, IsNotEmpty]
            }
            FieldKind::Date | FieldKind::Timeline => &[Eq, Before, After, Between, Within, IsEmpty, IsNotEmpty],
            FieldKind::Checkbox => &[Eq, IsEmpty, IsNotEmpty],
            FieldKind::Group => &[Eq, Neq, AnyOf, NoneOf],
            FieldKind::CreatedBy => &[Eq, AnyOf, NoneOf],
            FieldKind::ItemId => &[Eq, AnyOf],
            // Always empty: kept so every column answers the same two questions.
            FieldKind::Button => &[IsEmpty, IsNotEmpty],
        }
    }

    /// Whether `op` applies to this kind.
    pub fn allows(self, op: Op) -> bool {
        self.ops().contains(&op)
    }
}

/// A filter operator, spelled in snake_case in the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Equal (text: case-insensitive; dates: same day; timeline: the range covers the day).
    Eq,
    /// Not [`Op::Eq`]; also matches empty values.
    Neq,
    /// Text: substring; dropdown, tags, people: holds the element.
    Contains,
    /// Not [`Op::Contains`]; also matches empty values.
    NotContains,
    /// Text prefix.
    StartsWith,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Gte,
    /// Less than.
    Lt,
    /// Less than or equal.
    Lte,
    /// Inclusive range (timeline: overlaps the range).
    Between,
    /// Equals one of (multi-valued fields: shares at least one element with).
    AnyOf,
    /// Not [`Op::AnyOf`]; also matches empty values.
    NoneOf,
    /// The value is empty.
    IsEmpty,
    /// Not [`Op::IsEmpty`].
    IsNotEmpty,
    /// Strictly before the day (timeline: ends before it).
    Before,
    /// Strictly after the day (timeline: starts after it).
    After,
    /// In a relative period (timeline: overlaps a bounded one, lies wholly inside `overdue` /
    /// `upcoming`).
    Within,
}

impl Op {
    /// Every operator, in the API's order.
    pub const ALL: [Op; 17] = [
        Op::Eq,
        Op::Neq,
        Op::Contains,
        Op::NotContains,
        Op::StartsWith,
        Op::Gt,
        Op::Gte,
        Op::Lt,
        Op::Lte,
        Op::Between,
        Op::AnyOf,
        Op::NoneOf,
        Op::IsEmpty,
        Op::IsNotEmpty,
        Op::Before,
        Op::After,
        Op::Within,
    ];

    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Neq => "neq",
            Op::Contains => "contains",
            Op::NotContains => "not_contains",
            Op::StartsWith => "starts_with",
            Op::Gt => "gt",
            Op::Gte => "gte",
            Op::Lt => "lt",
            Op::Lte => "lte",
            Op::Between => "between",
            Op::AnyOf => "any_of",
            Op::NoneOf => "none_of",
            Op::IsEmpty => "is_empty",
            Op::IsNotEmpty => "is_not_empty",
            Op::Before => "before",
            Op::After => "after",
            Op::Within => "within",
        }
    }

    /// The operator spelled `s`, if any.
    pub fn parse(s: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.as_str() == s)
    }

    /// The four negative operators as `(positive, true)`, every other as `(self, false)`. A
    /// negative operator matches exactly the items its positive one does not, empty values
    /// included.
    pub fn positive(self) -> (Op, bool) {
        match self {
            Op::Neq => (Op::Eq, true),
            Op::NotContains => (Op::Contains, true),
            Op::NoneOf => (Op::AnyOf, true),
            Op::IsNotEmpty => (Op::IsEmpty, true),
            other => (other, false),
        }
    }
}

/// The right-hand side of a condition, typed by the field kind and operator.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// `is_empty` / `is_not_empty`.
    None,
    /// A non-empty string for the text operators.
    Text(String),
    /// A number (`eq`, `neq`, `gt`, `gte`, `lt`, `lte`).
    Number(f64),
    /// `between` on numbers: inclusive, `low <= high`.
    NumberRange(f64, f64),
    /// `any_of` / `none_of` on numbers.
    Numbers(Vec<f64>),
    /// `eq` on a checkbox: `true` is checked, `false` unchecked.
    Bool(bool),
    /// One status label id, dropdown option id or tag.
    Key(String),
    /// Several status label ids, dropdown option ids or tags.
    Keys(Vec<String>),
    /// One user (`people` `contains`, `created_by` `eq`).
    User(UserRef),
    /// Several users.
    Users(Vec<UserRef>),
    /// One group.
    Group(GroupId),
    /// Several groups.
    Groups(Vec<GroupId>),
    /// One item id.
    Item(ItemId),
    /// Several item ids.
    Items(Vec<ItemId>),
    /// A day (`eq`, `before`, `after`).
    Date(DateBound),
    /// `between` on days: inclusive.
    DateRange(DateBound, DateBound),
    /// `within`.
    Period(RelativePeriod),
}

/// A user in an operand: an id, or the user evaluating the filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UserRef {
    /// The literal `"me"`: `EvalContext::user`; matches no one when there is none.
    Me,
    /// A user id.
    Id(UserId),
}

/// A day in an operand: a calendar date, or a day relative to today in the evaluation's time
/// zone (`"today"`, `"yesterday"`, `"tomorrow"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DateBound {
    /// A calendar date, `"YYYY-MM-DD"`.
    Day(NaiveDate),
    /// Today.
    Today,
    /// The day before today.
    Yesterday,
    /// The day after today.
    Tomorrow,
}

impl DateBound {
    /// The calendar day this bound names, given today's date.
    pub fn resolve(self, today: NaiveDate) -> NaiveDate {
        match self {
            DateBound::Day(d) => d,
            DateBound::Today => today,
            DateBound::Yesterday => add_days(today, -1),
            DateBound::Tomorrow => add_days(today, 1),
        }
    }
}

/// A period relative to today, for `within`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelativePeriod {
    /// Today.
    Today,
    /// Yesterday.
    Yesterday,
    /// Tomorrow.
    Tomorrow,
    /// Monday to Sunday of the ISO week holding today.
    ThisWeek,
    /// The ISO week before this one.
    LastWeek,
    /// The ISO week after this one.
    NextWeek,
    /// The calendar month holding today.
    ThisMonth,
    /// Today and the six days before it.
    Past7Days,
    /// Today and the six days after it.
    Next7Days,
    /// Any day before today. Whether a "done" status exempts the item is the caller's concern.
    Overdue,
    /// Any day after today (unbounded; today itself is not upcoming).
    Upcoming,
}

impl RelativePeriod {
    /// Every period, in the API's order.
    pub const ALL: [RelativePeriod; 11] = [
        RelativePeriod::Today,
        RelativePeriod::Yesterday,
        RelativePeriod::Tomorrow,
        RelativePeriod::ThisWeek,
        RelativePeriod::LastWeek,
        RelativePeriod::NextWeek,
        RelativePeriod::ThisMonth,
        RelativePeriod::Past7Days,
        RelativePeriod::Next7Days,
        RelativePeriod::Overdue,
        RelativePeriod::Upcoming,
    ];

    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RelativePeriod::Today => "today",
            RelativePeriod::Yesterday => "yesterday",
            RelativePeriod::Tomorrow => "tomorrow",
            RelativePeriod::ThisWeek => "this_week",
            RelativePeriod::LastWeek => "last_week",
            RelativePeriod::NextWeek => "next_week",
            RelativePeriod::ThisMonth => "this_month",
            RelativePeriod::Past7Days => "past_7_days",
            RelativePeriod::Next7Days => "next_7_days",
            RelativePeriod::Overdue => "overdue",
            RelativePeriod::Upcoming => "upcoming",
        }
    }

    /// The period spelled `s`, if any.
    pub fn parse(s: &str) -> Option<RelativePeriod> {
        RelativePeriod::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// `overdue` and `upcoming`: the periods without a far end. A timeline is within them
    /// only when it lies wholly inside (it has ended, or not yet begun); within the others when
    /// it overlaps them.
    pub fn is_open_ended(self) -> bool {
        matches!(self, RelativePeriod::Overdue | RelativePeriod::Upcoming)
    }

    /// The inclusive range of days the period covers, given today's date.
    pub fn range(self, today: NaiveDate) -> DayRange {
        let monday = add_days(today, -i64::from(today.weekday().num_days_from_monday()));
        let week = |offset: i64| DayRange::between(add_days(monday, 7 * offset), add_days(monday, 7 * offset + 6));
        match self {
            RelativePeriod::Today => DayRange::between(today, today),
            RelativePeriod::Yesterday => DayRange::between(add_days(today, -1), add_days(today, -1)),
            RelativePeriod::Tomorrow => DayRange::between(add_days(today, 1), add_days(today, 1)),
            RelativePeriod::ThisWeek => week(0),
            RelativePeriod::LastWeek => week(-1),
            RelativePeriod::NextWeek => week(1),
            RelativePeriod::ThisMonth => {
                let first = add_days(today, 1 - i64::from(today.day()));
                let next_first = add_days(first, 31);
                let next_first = add_days(next_first, 1 - i64::from(next_first.day()));
                DayRange::between(first, add_days(next_first, -1))
            }
            RelativePeriod::Past7Days => DayRange::between(add_days(today, -6), today),
            RelativePeriod::Next7Days => DayRange::between(today, add_days(today, 6)),
            RelativePeriod::Overdue => DayRange { first: None, last: Some(add_days(today, -1)) },
            RelativePeriod::Upcoming => DayRange { first: Some(add_days(today, 1)), last: None },
        }
    }
}

/// An inclusive range of days; `None` leaves that end open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DayRange {
    /// The first day in the range.
    pub first: Option<NaiveDate>,
    /// The last day in the range.
    pub last: Option<NaiveDate>,
}

impl DayRange {
    /// `[first, last]`, both inclusive.
    pub fn between(first: NaiveDate, last: NaiveDate) -> DayRange {
        DayRange { first: Some(first), last: Some(last) }
    }

    /// Whether `day` lies in the range.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.overlaps(day, day)
    }

    /// Whether the inclusive range `[from, to]` shares at least one day with this one.
    pub fn overlaps(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.first.is_none_or(|f| to >= f) && self.last.is_none_or(|l| from <= l)
    }
}

/// `day + n` days, saturating at the ends of chrono's calendar (about ±262,000 years), far
/// outside any date Sunday stores.
pub(crate) fn add_days(day: NaiveDate, n: i64) -> NaiveDate {
    day.checked_add_signed(TimeDelta::days(n)).unwrap_or(if n < 0 { NaiveDate::MIN } else { NaiveDate::MAX })
}
