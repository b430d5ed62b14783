//! The reference evaluator: `matches(filter, item, ctx)`, written for clarity. It is the oracle
//! an optimized engine is property-tested against, so every rule lives here once:
//!
//! - a negative operator (`neq`, `not_contains`, `none_of`, `is_not_empty`) matches exactly
//!   the items its positive one does not, empty values included ("status is not Done" lists
//!   the items without a status too);
//! - every positive operator other than `is_empty` fails on an empty value;
//! - text compares Unicode-lower-cased; tags too; ids (labels, options, users, groups, items)
//!   exactly;
//! - days are compared in the context's time zone: an instant is first converted to its local
//!   day, a date-only value already is one;
//! - a timeline `[from, to]` is `eq` a day it covers, `before` a day when it ends before it,
//!   `after` a day when it starts after it, `between` a range it overlaps and `within` a
//!   bounded period (today … this_month) it overlaps; it is `overdue` only once it has ended
//!   (`to` before today) and `upcoming` only before it starts (`from` after today): a running
//!   timeline is neither.

use super::ast::{Field, FieldKind};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sunday_types::boards::Item;
use sunday_types::UserId;

use super::ast::{Condition, DayRange, Filter, Op, Operand, UserRef};
use super::cell::{read, Cell};

/// What a filter is evaluated against besides the item: the clock, the viewer's time zone
/// (for days and relative periods) and the viewer (for `"me"`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EvalContext {
    /// The current instant.
    pub now: DateTime<Utc>,
    /// The time zone that days are reckoned in.
    pub tz: Tz,
    /// The user `"me"` stands for; without one, `"me"` matches no one.
    pub user: Option<UserId>,
}

impl EvalContext {
    /// Today's date in the context's time zone.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&self.tz).date_naive()
    }
}

/// Whether `item` satisfies `filter`.
pub fn matches(filter: &Filter, item: &Item, ctx: &EvalContext) -> bool {
    matches_with(filter, item, ctx, &|_| None)
}

/// [`matches`], reading fields from `cached` when it has them (decoded cells kept by the
/// board engine) and from the item otherwise. Same semantics, by construction: both paths
/// end in the one `positive` below.
pub fn matches_with<'c>(
    filter: &Filter,
    item: &Item,
    ctx: &EvalContext,
    cached: &dyn Fn(&Field) -> Option<&'c Cell>,
) -> bool {
    match filter {
        Filter::And(children) => children.iter().all(|f| matches_with(f, item, ctx, cached)),
        Filter::Or(children) => children.iter().any(|f| matches_with(f, item, ctx, cached)),
        Filter::Cond(condition) => condition_matches(condition, item, ctx, cached),
    }
}

fn condition_matches<'c>(
    c: &Condition,
    item: &Item,
    ctx: &EvalContext,
    cached: &dyn Fn(&Field) -> Option<&'c Cell>,
) -> bool {
    match cached(&c.column) {
        Some(cell) => condition_holds(c, cell, ctx),
        None => condition_holds(c, &read(&c.column, item), ctx),
    }
}

/// Whether condition `c` holds for `cell`, its field's value already read.
pub fn condition_holds(c: &Condition, cell: &Cell, ctx: &EvalContext) -> bool {
    Prepared::new(c, ctx).holds(cell)
}

/// A condition prepared to run over many cells (the board engine evaluates its decoded cell
/// columns with this): the operator split into its positive form and a negation, and day
/// operands resolved against today once, where evaluating cell by cell would convert the
/// clock into the viewer's time zone for every cell. [`condition_holds`] is this, prepared
/// for one cell, so both paths share every rule.
pub struct Prepared<'c> {
    op: Op,
    negated: bool,
    operand: &'c Operand,
    days: DayTest,
    kind: FieldKind,
    ctx: EvalContext,
}

impl<'c> Prepared<'c> {
    pub fn new(c: &'c Condition, ctx: &EvalContext) -> Prepared<'c> {
        let (op, negated) = c.op.positive();
        let days = match c.operand {
            Operand::Date(_) | Operand::DateRange(..) | Operand::Period(_) => day_test(op, &c.operand, ctx.today()),
            _ => DayTest::Never,
        };
        Prepared { op, negated, operand: &c.operand, days, kind: c.column.kind(), ctx: *ctx }
    }

    /// Whether the condition holds for `cell`.
    pub fn holds(&self, cell: &Cell) -> bool {
        self.positive(cell) != self.negated
    }

    /// The positive operator on a cell. Operand/cell combinations `parse_filter` never
    /// builds are simply no match.
    fn positive(&self, cell: &Cell) -> bool {
        let (op, operand, ctx) = (self.op, self.operand, &self.ctx);
        if op == Op::IsEmpty {
            return cell.is_empty();
        }
        match cell {
            Cell::Empty => false,
            Cell::Checkbox(checked) => matches!((op, operand), (Op::Eq, Operand::Bool(b)) if b == checked),
            Cell::Texts(texts) => texts.iter().any(|t| text_op(op, operand, t)),
            Cell::LowerTexts(texts) => match operand {
                // Text operands are lower-cased when parsed, so no per-item allocation here.
                Operand::Text(needle) => texts.iter().any(|t| lower_text_op(op, needle, t)),
                _ => false,
            },
            Cell::Number(n) => number_op(op, operand, *n),
            Cell::Label(label) => match (op, operand) {
                (Op::Eq, Operand::Key(k)) => k == label,
                (Op::AnyOf, Operand::Keys(ks)) => ks.contains(label),
                _ => false,
            },
            Cell::Options(options) => keys_op(op, operand, |k| options.contains(k)),
            Cell::Tags(tags) => keys_op(op, operand, |k| tags.contains(&k.to_lowercase())),
            Cell::Users(users) => {
                let has = |u: &UserRef| resolve(*u, ctx).is_some_and(|id| users.contains(&id));
                match (op, operand) {
                    (Op::Eq | Op::Contains, Operand::User(u)) => has(u),
                    (Op::AnyOf, Operand::Users(us)) => us.iter().any(has),
                    _ => false,
                }
            }
            Cell::Group(g) => match (op, operand) {
                (Op::Eq, Operand::Group(x)) => x == g,
                (Op::AnyOf, Operand::Groups(xs)) => xs.contains(g),
                _ => false,
            },
            Cell::Item(i) => match (op, operand) {
                (Op::Eq, Operand::Item(x)) => x == i,
                (Op::AnyOf, Operand::Items(xs)) => xs.contains(i),
                _ => false,
            },
            Cell::Moment(m) => {
                let day = m.local_day(&ctx.tz);
                self.days.holds(day, day)
            }
            Cell::Span(from, to) => {
                let (a, b) = (from.local_day(&ctx.tz), to.local_day(&ctx.tz));
                self.days.holds(a.min(b), a.max(b))
            }
        }
    }

    /// The keys this condition looks for, when it holds exactly for the cells that carry one
    /// of them (as [`cell_keys`] lists a cell's keys), negated or not: so an index from key
    /// to items answers it. `None` for every other condition.
    pub fn wanted_keys(&self) -> Option<(Vec<String>, bool)> {
        let users = |us: &[UserRef]| us.iter().filter_map(|u| resolve(*u, &self.ctx)).map(|u| u.to_string()).collect();
        let keys = match (self.kind, self.op, self.operand) {
            (FieldKind::Status, Op::Eq, Operand::Key(k)) => vec![k.clone()],
            (FieldKind::Dropdown, Op::Contains, Operand::Key(k)) => vec![k.clone()],
            (FieldKind::Tags, Op::Contains, Operand::Key(k)) => vec![k.to_lowercase()],
            (FieldKind::Status | FieldKind::Dropdown, Op::AnyOf, Operand::Keys(ks)) => ks.clone(),
            (FieldKind::Tags, Op::AnyOf, Operand::Keys(ks)) => ks.iter().map(|k| k.to_lowercase()).collect(),
            (FieldKind::People, Op::Eq | Op::Contains, Operand::User(u)) => users(std::slice::from_ref(u)),
            (FieldKind::People, Op::AnyOf, Operand::Users(us)) => users(us),
            (FieldKind::Group, Op::Eq, Operand::Group(g)) => vec![g.to_string()],
            (FieldKind::Group, Op::AnyOf, Operand::Groups(gs)) => gs.iter().map(ToString::to_string).collect(),
            _ => return None,
        };
        Some((keys, self.negated))
    }
}

/// The keys of a cell a key index files it under: a status label, dropdown options, tags
/// (lower-cased, as a tag condition compares them), people and the group, each as a string;
/// `None` for cells whose conditions an index of keys cannot answer (a field's cells are
/// all of its kind's variant, or empty). With
/// [`Prepared::wanted_keys`]: a condition with wanted keys `K` holds for a cell exactly when
/// the cell's keys meet `K` (negated: when they do not), checked by a property test.
pub fn cell_keys(cell: &Cell) -> Option<Vec<String>> {
    match cell {
        Cell::Empty => Some(vec![]),
        Cell::Label(l) => Some(vec![l.clone()]),
        Cell::Options(o) => Some(o.clone()),
        Cell::Tags(t) => Some(t.clone()),
        Cell::Users(u) => Some(u.iter().map(ToString::to_string).collect()),
        Cell::Group(g) => Some(vec![g.to_string()]),
        _ => None,
    }
}

/// `contains` / `any_of` on a multi-valued cell, given whether it holds one key.
fn keys_op(op: Op, operand: &Operand, holds: impl Fn(&String) -> bool) -> bool {
    match (op, operand) {
        (Op::Contains, Operand::Key(k)) => holds(k),
        (Op::AnyOf, Operand::Keys(ks)) => ks.iter().any(holds),
        _ => false,
    }
}

/// A `contains` or `not_contains` condition on text, prepared to run over many cells: the
/// needle's searcher is built once (a scan of a board's names would otherwise set one up per
/// name). Same rule as [`condition_holds`]: some text of the cell contains the lower-cased
/// needle; an empty cell contains nothing; `not_contains` is the exact opposite.
pub struct TextSearch {
    finder: memchr::memmem::Finder<'static>,
    negated: bool,
}

impl TextSearch {
    /// The prepared search, for a `contains`/`not_contains` condition with a text operand.
    pub fn of(c: &Condition) -> Option<TextSearch> {
        if c.column.kind() != super::ast::FieldKind::Text {
            return None;
        }
        let (Op::Contains, negated) = c.op.positive() else { return None };
        let Operand::Text(needle) = &c.operand else { return None };
        Some(TextSearch { finder: memchr::memmem::Finder::new(needle.as_bytes()).into_owned(), negated })
    }

    /// Whether the condition is negated (`not_contains`).
    pub fn negated(&self) -> bool {
        self.negated
    }

    /// Where the lower-cased needle first occurs in `haystack`, if it does.
    pub fn find(&self, haystack: &[u8]) -> Option<usize> {
        self.finder.find(haystack)
    }

    /// Whether the needle is empty (every text contains it).
    pub fn is_empty(&self) -> bool {
        self.finder.needle().is_empty()
    }

    pub fn holds(&self, cell: &Cell) -> bool {
        let found = match cell {
            Cell::LowerTexts(texts) => texts.iter().any(|t| self.finder.find(t.as_bytes()).is_some()),
            Cell::Texts(texts) => texts.iter().any(|t| self.finder.find(t.to_lowercase().as_bytes()).is_some()),
            _ => false,
        };
        found != self.negated
    }
}

fn lower_text_op(op: Op, needle: &str, text: &str) -> bool {
    match op {
        Op::Eq => text == needle,
        Op::Contains => text.contains(needle),
        Op::StartsWith => text.starts_with(needle),
        _ => false,
    }
}

fn text_op(op: Op, operand: &Operand, text: &str) -> bool {
    let Operand::Text(needle) = operand else { return false };
    let (text, needle) = (text.to_lowercase(), needle.to_lowercase());
    match op {
        Op::Eq => text == needle,
        Op::Contains => text.contains(&needle),
        Op::StartsWith => text.starts_with(&needle),
        _ => false,
    }
}

fn number_op(op: Op, operand: &Operand, n: f64) -> bool {
    match (op, operand) {
        (Op::Eq, Operand::Number(x)) => n == *x,
        (Op::Gt, Operand::Number(x)) => n > *x,
        (Op::Gte, Operand::Number(x)) => n >= *x,
        (Op::Lt, Operand::Number(x)) => n < *x,
        (Op::Lte, Operand::Number(x)) => n <= *x,
        (Op::Between, Operand::NumberRange(low, high)) => *low <= n && n <= *high,
        (Op::AnyOf, Operand::Numbers(xs)) => xs.contains(&n),
        _ => false,
    }
}

/// A day operand resolved against today. A date is the one-day span `[day, day]`, so dates
/// and timelines share these rules.
#[derive(Clone, Copy, Debug)]
enum DayTest {
    /// `eq`: the span covers the day.
    Covers(NaiveDate),
    /// `before`: the span ends before the day.
    EndsBefore(NaiveDate),
    /// `after`: the span starts after the day.
    StartsAfter(NaiveDate),
    /// `between`, `within` a bounded period: the span overlaps the range.
    Overlaps(DayRange),
    /// `within` an open-ended period (`overdue`, `upcoming`): the span lies inside it.
    Inside(DayRange),
    Never,
}

fn day_test(op: Op, operand: &Operand, today: NaiveDate) -> DayTest {
    match (op, operand) {
        (Op::Eq, Operand::Date(d)) => DayTest::Covers(d.resolve(today)),
        (Op::Before, Operand::Date(d)) => DayTest::EndsBefore(d.resolve(today)),
        (Op::After, Operand::Date(d)) => DayTest::StartsAfter(d.resolve(today)),
        (Op::Between, Operand::DateRange(a, b)) => {
            DayTest::Overlaps(DayRange::between(a.resolve(today), b.resolve(today)))
        }
        (Op::Within, Operand::Period(p)) if p.is_open_ended() => DayTest::Inside(p.range(today)),
        (Op::Within, Operand::Period(p)) => DayTest::Overlaps(p.range(today)),
        _ => DayTest::Never,
    }
}

impl DayTest {
    fn holds(self, from: NaiveDate, to: NaiveDate) -> bool {
        match self {
            DayTest::Covers(day) => DayRange::between(from, to).contains(day),
            DayTest::EndsBefore(day) => to < day,
            DayTest::StartsAfter(day) => from > day,
            DayTest::Overlaps(range) => range.overlaps(from, to),
            DayTest::Inside(range) => range.contains(from) && range.contains(to),
            DayTest::Never => false,
        }
    }
}

fn resolve(user: UserRef, ctx: &EvalContext) -> Option<UserId> {
    match user {
        UserRef::Me => ctx.user,
        UserRef::Id(id) => Some(id),
    }
}
