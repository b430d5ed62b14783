//! Cell values: validation against the column's type and settings, and the canonical form
//! that is stored.
//!
//! `null` clears a cell; read-only columns refuse every write. Canonical forms: `text` trimmed;
//! `long_text` with `\n` line ends; numbers as JSON integers when whole and exact (|n| < 2⁵³),
//! otherwise as floats, never rounded; dates as `YYYY-MM-DD` or UTC `YYYY-MM-DDTHH:MM:SSZ`
//! (fractional seconds dropped); lists deduplicated in first-seen order; emails lower-cased;
//! phones `+` and digits; links `{"url", "text"}` with `text` null when absent. Values that
//! mean "nothing" (`""`, `[]`, `false`, rating `0`) normalize to `None`, so normalizing a stored
//! value again always returns it unchanged.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde_json::Value;
use sunday_types::boards::Column;
use sunday_types::cells::CellValue;
use sunday_types::ApiError;

use super::kinds::{kind_of, ValueSource};
use super::{value_error, ValueContext, URL_MAX};

/// Validates `raw` as a value of `column` and returns its canonical form, or `None` when the
/// cell is to be empty (`null`, or a value that means nothing, such as `[]` or `false`).
///
/// Errors are `validation_failed` with `details = {"column_id", "column", "rule"}`; rules:
/// `read_only`, `type`, `max_length`, `single_line`, `unknown_label`, `unknown_option`,
/// `date_format`, `range`, `invalid_user`, `not_a_member`, `url`, `email`, `phone`, `required`,
/// `max_items`.
pub fn normalize_value(column: &Column, raw: &Value, ctx: &ValueContext<'_>) -> Result<Option<CellValue>, ApiError> {
    let kind = kind_of(column.column_type);
    if kind.source() != ValueSource::Written {
        return kind.normalize(column, raw, ctx);
    }
    if raw.is_null() {
        return Ok(None);
    }
    kind.normalize(column, raw, ctx)
}

pub(crate) fn type_error(column: &Column) -> ApiError {
    let expected = kind_of(column.column_type).expected(column);
    value_error(column, "type", format!("column \"{}\" expects {expected}", column.title))
}

pub(crate) fn date_error(column: &Column, got: &str) -> ApiError {
    value_error(
        column,
        "date_format",
        format!(
            "column \"{}\" expects {}, not \"{}\"",
            column.title,
            kind_of(column.column_type).expected(column),
            super::truncate_chars(got, 40)
        ),
    )
}

pub(crate) fn bounded(column: &Column, s: &str, max: usize) -> Result<(), ApiError> {
    if s.chars().count() > max {
        return Err(value_error(
            column,
            "max_length",
            format!("column \"{}\" holds at most {max} characters", column.title),
        ));
    }
    Ok(())
}

/// A finite number as stored: an integer when whole and exactly representable.
pub(crate) fn canonical_number(n: f64) -> Option<Value> {
    n.is_finite().then(|| sunday_types::cells::number_json(n))
}

/// A date (`YYYY-MM-DD`) or an RFC 3339 date-time, in canonical form (date-times in UTC, to
/// the second). Years 1 to 9999.
pub(crate) fn parse_date(raw: &str) -> Option<String> {
    let s = raw.trim();
    let b = s.as_bytes();
    if b.len() == 10 {
        let shaped = b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
        let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().filter(|_| shaped)?;
        return (date.format("%Y").to_string() != "0000").then(|| date.format("%Y-%m-%d").to_string());
    }
    let at = DateTime::parse_from_rfc3339(s).ok()?.with_timezone(&Utc);
    let year = at.format("%Y").to_string();
    (year.len() == 4 && year != "0000" && !year.starts_with('-')).then(|| at.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// A canonical date as the span of time it covers: a day from its first to its last second.
pub(crate) fn date_bounds(canonical: &str) -> Option<(NaiveDateTime, NaiveDateTime)> {
    if let Ok(day) = NaiveDate::parse_from_str(canonical, "%Y-%m-%d") {
        let last = NaiveTime::from_hms_opt(23, 59, 59)?;
        return Some((day.and_time(NaiveTime::MIN), day.and_time(last)));
    }
    let at = DateTime::parse_from_rfc3339(canonical).ok()?.naive_utc();
    Some((at, at))
}

/// An absolute `http`/`https` URL with a host and no whitespace, scheme lower-cased.
pub(crate) fn canonical_url(raw: &str) -> Option<String> {
    if raw.chars().count() > URL_MAX || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (scheme, rest) = raw.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = if host_port.starts_with('[') {
        let end = host_port.find(']')?;
        let port = &host_port[end + 1..];
        let ipv6 = &host_port[1..end];
        let ok = !ipv6.is_empty() && ipv6.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
        (ok && valid_port(port)).then_some(ipv6)?
    } else {
        let (host, port) = match host_port.rsplit_once(':') {
            Some((h, p)) => (h, format!(":{p}")),
            None => (host_port, String::new()),
        };
        let ok = host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
        (ok && valid_port(&port)).then_some(host)?
    };
    (!host.is_empty()).then(|| format!("{scheme}://{rest}"))
}

fn valid_port(port: &str) -> bool {
    match port.strip_prefix(':') {
        None => port.is_empty(),
        Some(digits) => !digits.is_empty() && digits.len() <= 5 && digits.bytes().all(|b| b.is_ascii_digit()),
    }
}

/// E.164: `+` then 7 to 15 digits, the first not 0; spaces, dashes and parentheses in the input
/// are dropped.
pub(crate) fn parse_phone(raw: &str) -> Option<String> {
    let cleaned: String = raw.chars().filter(|c| !(c.is_whitespace() || matches!(c, '-' | '(' | ')'))).collect();
    let digits = cleaned.strip_prefix('+')?;
    let ok = (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0');
    ok.then_some(cleaned)
}
