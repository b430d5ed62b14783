//! Filters and sorts over a board's items, as `POST /boards/{id}/items/query` and saved views
//! speak them (API.md, "Filter, sort, group").
//!
//! [`parse_filter`] and [`parse_sort`] turn the request's JSON into a typed [`Filter`] tree and
//! [`SortKey`]s, rejecting up front whatever could not be evaluated: unknown columns,
//! operators that do not apply to a column's type ([`FieldKind::ops`] is the applicability
//! table), ill-typed operands, unknown status labels, filters nested too deep or too large.
//! [`matches`] is the reference evaluator and [`compare`] the total order of a sorted page;
//! both are pure and take the clock, time zone and viewer from an [`EvalContext`] rather than
//! the environment, so they can serve as the oracle for faster engines. [`testing`] holds the
//! deterministic fixtures those engines' tests and benchmarks share.

mod ast;
mod cell;
mod eval;
mod parse;
mod sort;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

#[cfg(test)]
mod tests;

pub use ast::{Condition, DateBound, DayRange, Field, FieldKind, Filter, Op, Operand, RelativePeriod, UserRef};
pub use cell::{read as read_cell, read_stored, Cell, Moment};
pub use eval::{cell_keys, condition_holds, matches, matches_with, EvalContext, Prepared, TextSearch};
pub use parse::{parse_filter, MAX_CONDITIONS, MAX_DEPTH, MAX_LIST_VALUES, MAX_NODES};
pub use sort::{compare, parse_sort, PreparedSort, SortKey, SortValue, MAX_SORT_KEYS};

use chrono_tz::Tz;
use sunday_types::ApiError;

/// The time zone named `name` (IANA, e.g. `Europe/Berlin`, matched exactly); UTC when none is
/// given. An unknown name is `validation_failed` on field `tz`, rule `unknown_time_zone`.
pub fn parse_tz(name: Option<&str>) -> Result<Tz, ApiError> {
    match name {
        None => Ok(Tz::UTC),
        Some(name) => name.parse::<Tz>().map_err(|_| {
            ApiError::validation("tz", "unknown_time_zone", format!("`{name}` is not a known IANA time zone"))
        }),
    }
}
