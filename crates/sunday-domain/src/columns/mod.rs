//! Column types: what each column's settings may hold, which JSON values its cells accept, how
//! a value reads as text, and how values survive a change of column type (PRODUCT.md, table of
//! column types).
//!
//! Invariants the rest of Sunday relies on:
//! - Settings are stored as returned by [`normalize_settings`]: canonical JSON with every
//!   default filled, so readers never guess defaults.
//! - Cell values are stored as returned by [`normalize_value`]: canonical, and normalizing a
//!   stored value again returns it unchanged. An empty value (`false`, `0` stars, `[]`, `""`)
//!   normalizes to "no value", so a cell is either absent or meaningful.
//! - Every rejected value is a `validation_failed` error whose `details` name the column
//!   (`column_id`, `column`) and the broken `rule`; nothing is written.
//! - [`convert_value`] only ever returns values that [`normalize_value`] accepts unchanged
//!   for the target column.

mod convert;
pub mod kinds;
pub(crate) mod settings;
mod values;

#[cfg(test)]
mod tests;

use sunday_types::boards::Column;
use sunday_types::cells::ItemValues;
use sunday_types::{ApiError, ErrorCode, ErrorDetails, UserId};

pub use convert::{cell_text, convert_value, display_text};
pub use kinds::{is_written, kind_of, ColumnKind, Dependency, ValueSource, FILES_MAX};
pub use settings::{check_settings_change, choices, normalize_settings, Choice, PALETTE};
pub use values::normalize_value;

/// Longest `text` value, in characters.
pub const TEXT_MAX: usize = 2_000;
/// Longest `long_text` value, in characters.
pub const LONG_TEXT_MAX: usize = 50_000;
/// Longest `link` url, in characters.
pub const URL_MAX: usize = 2_000;
/// Longest `link` text, in characters.
pub const LINK_TEXT_MAX: usize = 200;
/// Longest tag, in characters.
pub const TAG_MAX: usize = 50;
/// Most tags on one cell.
pub const TAGS_MAX: usize = 50;
/// Most people on one cell.
pub const PEOPLE_MAX: usize = 100;
/// The most an item's values may take together, as stored JSON (bytes).
pub const ROW_VALUES_MAX: usize = 256 * 1024;

/// Refuses an item whose values together exceed [`ROW_VALUES_MAX`] (rule `row_too_large` on
/// field `values`): the cell limits alone would allow a row of megabytes.
pub fn check_row_size(values: &ItemValues) -> Result<(), ApiError> {
    let size = values.stored_size();
    if size > ROW_VALUES_MAX {
        return Err(ApiError::validation(
            "values",
            "row_too_large",
            format!(
                "an item's values may take at most {} KiB together; these take {} KiB",
                ROW_VALUES_MAX / 1024,
                size / 1024
            ),
        ));
    }
    Ok(())
}

/// What [`normalize_value`] needs to know beyond the column itself.
pub struct ValueContext<'a> {
    /// Whether the user belongs to the board's organization: `people` values may only name
    /// members.
    pub is_org_member: &'a dyn Fn(&UserId) -> bool,
}

fn any_user(_: &UserId) -> bool {
    true
}

/// Accepts every well-formed user id. Only for re-validating values that were already
/// checked against the organization (type conversions within one board).
pub(crate) const ANY_USER: ValueContext<'static> = ValueContext { is_org_member: &any_user };

/// A `validation_failed` error about a value of `column`.
pub(crate) fn value_error(column: &Column, rule: &str, message: String) -> ApiError {
    ApiError::new(ErrorCode::ValidationFailed, message).with_details(ErrorDetails {
        column_id: Some(column.id.to_string()),
        column: Some(column.title.clone()),
        rule: Some(rule.to_owned()),
        ..ErrorDetails::default()
    })
}

/// `s` cut to at most `max` characters.
pub(crate) fn truncate_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((cut, _)) => &s[..cut],
        None => s,
    }
}
