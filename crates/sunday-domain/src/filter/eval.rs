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

use super::ast::Field;
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

/// Whether condition `c` holds for `cell`, its field's value already read (the board engine
/// evaluates its decoded cell columns with this, item by item).
pub fn condition_holds(c: &Condition, cell: &Cell, ctx: &EvalContext) -> bool {
    let (op, negated) = c.op.positive();
    positive(op, &c.operand, cell, ctx) != negated
}

/// A positive operator on a cell. Operand/cell combinations `parse_filter` never builds are
/// simply no match.
fn positive(op: Op, operand: &Operand, cell: &Cell, ctx: &EvalContext) -> bool {
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
            span_op(op, operand, day, day, ctx)
        }
        Cell::Span(from, to) => {
            let (a, b) = (from.local_day(&ctx.tz), to.local_day(&ctx.tz));
            span_op(op, operand, a.min(b), a.max(b), ctx)
        }
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

/// A date is the one-day span `[day, day]`, so dates and timelines share these rules.
fn span_op(op: Op, operand: &Operand, from: NaiveDate, to: NaiveDate, ctx: &EvalContext) -> bool {
    let today = ctx.today();
    match (op, operand) {
        (Op::Eq, Operand::Date(d)) => DayRange::between(from, to).contains(d.resolve(today)),
        (Op::Before, Operand::Date(d)) => to < d.resolve(today),
        (Op::After, Operand::Date(d)) => from > d.resolve(today),
        (Op::Between, Operand::DateRange(a, b)) => {
            DayRange::between(a.resolve(today), b.resolve(today)).overlaps(from, to)
        }
        (Op::Within, Operand::Period(p)) => {
            let range = p.range(today);
            if p.is_open_ended() {
                range.contains(from) && range.contains(to)
            } else {
                range.overlaps(from, to)
            }
        }
        _ => false,
    }
}

fn resolve(user: UserRef, ctx: &EvalContext) -> Option<UserId> {
    match user {
        UserRef::Me => ctx.user,
        UserRef::Id(id) => Some(id),
    }
}
