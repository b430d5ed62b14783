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

use std::collections::HashSet;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde_json::{json, Number, Value};
use sunday_types::boards::{Column, ColumnType};
use sunday_types::{ApiError, UserId};

use super::settings::{choices, rating_max};
use super::{value_error, ValueContext, LINK_TEXT_MAX, LONG_TEXT_MAX, TAGS_MAX, TAG_MAX, TEXT_MAX, URL_MAX};
use crate::accounts::Email;

/// Numbers with a larger magnitude cannot all be represented exactly as `f64`.
const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0;

/// Validates `raw` as a value of `column` and returns its canonical form, or `None` when the
/// cell is to be empty (`null`, or a value that means nothing, such as `[]` or `false`).
///
/// Errors are `validation_failed` with `details = {"column_id", "column", "rule"}`; rules:
/// `read_only`, `type`, `max_length`, `single_line`, `unknown_label`, `unknown_option`,
/// `date_format`, `range`, `invalid_user`, `not_a_member`, `url`, `email`, `phone`, `required`,
/// `max_items`.
pub fn normalize_value(column: &Column, raw: &Value, ctx: &ValueContext<'_>) -> Result<Option<Value>, ApiError> {
    let ty = column.column_type;
    if ty.is_read_only() {
        return Err(read_only(column));
    }
    if raw.is_null() {
        return Ok(None);
    }
    match ty {
        ColumnType::Text => text(column, raw),
        ColumnType::LongText => long_text(column, raw),
        ColumnType::Number => number(column, raw),
        ColumnType::Status => status(column, raw),
        ColumnType::Dropdown => dropdown(column, raw),
        ColumnType::Date => {
            let s = raw.as_str().ok_or_else(|| type_error(column))?;
            parse_date(s).map(|d| Some(Value::String(d))).ok_or_else(|| date_error(column, s))
        }
        ColumnType::Timeline => timeline(column, raw),
        ColumnType::People => people(column, raw, ctx),
        ColumnType::Checkbox => match raw {
            Value::Bool(true) => Ok(Some(Value::Bool(true))),
            Value::Bool(false) => Ok(None),
            _ => Err(type_error(column)),
        },
        ColumnType::Rating => rating(column, raw),
        ColumnType::Link => link(column, raw),
        ColumnType::Email => {
            let s = raw.as_str().ok_or_else(|| type_error(column))?;
            if s.trim().is_empty() {
                return Ok(None);
            }
            let email = Email::parse(s).map_err(|_| {
                value_error(
                    column,
                    "email",
                    format!("column \"{}\" expects an email address like \"ada@example.com\"", column.title),
                )
            })?;
            Ok(Some(Value::String(email.as_str().to_owned())))
        }
        ColumnType::Phone => {
            let s = raw.as_str().ok_or_else(|| type_error(column))?;
            if s.trim().is_empty() {
                return Ok(None);
            }
            parse_phone(s).map(|p| Some(Value::String(p))).ok_or_else(|| {
                value_error(column, "phone", format!("column \"{}\" expects {}", column.title, expected(column)))
            })
        }
        ColumnType::Tags => tags(column, raw),
        ColumnType::AutoNumber | ColumnType::ItemId | ColumnType::CreationLog | ColumnType::LastUpdated => {
            Err(read_only(column))
        }
    }
}

/// What a column's values look like, for error messages.
fn expected(column: &Column) -> String {
    match column.column_type {
        ColumnType::Text => "a single line of text".into(),
        ColumnType::LongText => "text".into(),
        ColumnType::Number => "a number".into(),
        ColumnType::Status => "the id of one of its labels (a string)".into(),
        ColumnType::Dropdown => "an array of the ids of its options".into(),
        ColumnType::Date => "a date \"YYYY-MM-DD\" or an RFC 3339 date-time \"YYYY-MM-DDTHH:MM:SSZ\"".into(),
        ColumnType::Timeline => "an object {\"from\": date, \"to\": date} with from not after to".into(),
        ColumnType::People => "an array of user ids".into(),
        ColumnType::Checkbox => "true or false".into(),
        ColumnType::Rating => format!("a whole number from 0 to {}", rating_max(column)),
        ColumnType::Link => "an object {\"url\": \"https://…\", \"text\": \"…\"}".into(),
        ColumnType::Email => "an email address".into(),
        ColumnType::Phone => "a phone number in international form, \"+\" then 7 to 15 digits".into(),
        ColumnType::Tags => format!("an array of at most {TAGS_MAX} tags of 1 to {TAG_MAX} characters"),
        ColumnType::AutoNumber | ColumnType::ItemId | ColumnType::CreationLog | ColumnType::LastUpdated => {
            "no value: it is computed".into()
        }
    }
}

fn type_error(column: &Column) -> ApiError {
    value_error(column, "type", format!("column \"{}\" expects {}", column.title, expected(column)))
}

fn read_only(column: &Column) -> ApiError {
    value_error(
        column,
        "read_only",
        format!("column \"{}\" is computed by Sunday; its values cannot be written", column.title),
    )
}

fn date_error(column: &Column, got: &str) -> ApiError {
    value_error(
        column,
        "date_format",
        format!("column \"{}\" expects {}, not \"{}\"", column.title, expected(column), super::truncate_chars(got, 40)),
    )
}

fn text(column: &Column, raw: &Value) -> Result<Option<Value>, ApiError> {
    let s = raw.as_str().ok_or_else(|| type_error(column))?.trim();
    if s.contains(['\n', '\r']) {
        return Err(value_error(
            column,
            "single_line",
            format!(
                "column \"{}\" holds a single line of text; use a long text column for several lines",
                column.title
            ),
        ));
    }
    bounded(column, s, TEXT_MAX)?;
    Ok((!s.is_empty()).then(|| Value::String(s.to_owned())))
}

fn long_text(column: &Column, raw: &Value) -> Result<Option<Value>, ApiError> {
    let s = raw.as_str().ok_or_else(|| type_error(column))?;
    let s = if s.contains('\r') { s.replace("\r\n", "\n").replace('\r', "\n") } else { s.to_owned() };
    bounded(column, &s, LONG_TEXT_MAX)?;
    Ok((!s.trim().is_empty()).then_some(Value::String(s)))
}

fn bounded(column: &Column, s: &str, max: usize) -> Result<(), ApiError> {
    if s.chars().count() > max {
        return Err(value_error(
            column,
            "max_length",
            format!("column \"{}\" holds at most {max} characters", column.title),
        ));
    }
    Ok(())
}

fn number(column: &Column, raw: &Value) -> Result<Option<Value>, ApiError> {
    let n = raw.as_f64().filter(|n| n.is_finite()).ok_or_else(|| type_error(column))?;
    Ok(Some(canonical_number(n).ok_or_else(|| type_error(column))?))
}

/// A finite number as stored: an integer when whole and exactly representable.
pub(crate) fn canonical_number(n: f64) -> Option<Value> {
    if n.fract() == 0.0 && n.abs() < EXACT_INTEGER_LIMIT {
        return Some(Value::Number(Number::from(n as i64)));
    }
    Number::from_f64(n).map(Value::Number)
}

fn status(column: &Column, raw: &Value) -> Result<Option<Value>, ApiError> {
    let id = raw.as_str().ok_or_else(|| type_error(column))?;
    let labels = choices(column);
    if !labels.iter().any(|l| l.id == id) {
        let known: Vec<String> = labels.iter().map(|l| format!("{} ({})", l.id, l.name)).collect();
        return Err(value_error(
            column,
            "unknown_label",
            format!(
                "column \"{}\" has no label with id \"{}\"; its labels are: {}",
                column.title,
                super::truncate_chars(id, 40),
                known.join(", ")
            ),
        ));
    }
    Ok(Some(Value::String(id.to_owned())))
}

fn dropdown(column: &Column, raw: &Value) -> Result<Option<Value>, ApiError> {
    let items = raw.as_array().ok_or_else(|| type_error(column))?;
    let options = choices(column);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for item in items {
        let id = item.as_str().ok_or_else(|| type_error(column))?;
        if !options.iter().any(|o| o.id == id) {
            return Err(value_error(
                column,
                "unknown_option",
                format!(
                    "column \"{}\" expects {}; \"{}\" is not one",
                    column.title,
                    expected(column),
                    super::truncate_chars(id, 40)
                ),
            ));
        }
        if seen.insert(id) {
            out.push(Value::String(id.to_owned()));
        }
    }
    Ok((!out.is_empty()).then_some(Value::Array(out)))
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
fn date_bounds(canonical: &str) -> Option<(NaiveDateTime, NaiveDateTime)> {
    if let Ok(day) = NaiveDate::parse_from_str(canonical, "%Y-%m-%d") {
        let last = NaiveTime::from_hms_opt(23, 59, 59)?;
        return Some((day.and_time(NaiveTime::MIN), day.and_time(last)));
    }
    let at = DateTime::parse_from_rfc3339(canonical).ok()?.naive_utc();
    Some((at, at))
}

fn timeline(column: &Column, raw: &Value) -> Result<Option<Value>, ApiError> {
    let obj = raw.as_object().ok_or_else(|| type_error(column))?;
    if obj.keys().any(|k| k != "from" && k != "to") {
        return Err(type_error(column));
    }
    let end = |key: &str| -> Result<String, ApiError> {
        let s = obj.get(key).and_then(Value::as_str).ok_or_else(|| type_error(column))?;
        parse_date(s).ok_or_else(|| date_error(column, s))
    };
    let (from, to) = (end("from")?, end("to")?);
    let in_order = match (date_bounds(&from), date_bounds(&to)) {
        (Some((start, _)), Some((_, end))) => start <= end,
        _ => false,
    };
    if !in_order {
        return Err(value_error(
            column,
            "range",
            format!("column \"{}\": the timeline's start ({from}) must not be after its end ({to})", column.title),
        ));
    }
    Ok(Some(json!({"from": from, "to": to})))
}

fn people(column: &Column, raw: &Value, ctx: &ValueContext<'_>) -> Result<Option<Value>, ApiError> {
    let items = raw.as_array().ok_or_else(|| type_error(column))?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for item in items {
        let s = item.as_str().ok_or_else(|| type_error(column))?;
        let user = UserId::from_str(s.trim()).map_err(|_| {
            value_error(
                column,
                "invalid_user",
                format!(
                    "column \"{}\" expects user ids; \"{}\" is not one",
                    column.title,
                    super::truncate_chars(s, 40)
                ),
            )
        })?;
        if !(ctx.is_org_member)(&user) {
            return Err(value_error(
                column,
                "not_a_member",
                format!("column \"{}\" can only name members of the organization; {user} is not one", column.title),
            ));
        }
        if seen.insert(user) {
            out.push(Value::String(user.to_string()));
        }
    }
    Ok((!out.is_empty()).then_some(Value::Array(out)))
}

fn rating(column: &Column, raw: &Value) -> Result<Option<Value>, ApiError> {
    let n = raw.as_f64().filter(|n| n.fract() == 0.0).ok_or_else(|| type_error(column))?;
    let max = rating_max(column);
    if n < 0.0 || n > max as f64 {
        return Err(value_error(
            column,
            "range",
            format!("column \"{}\" expects a whole number from 0 to {max}", column.title),
        ));
    }
    let stars = n as u64;
    Ok((stars > 0).then(|| json!(stars)))
}

fn link(column: &Column, raw: &Value) -> Result<Option<Value>, ApiError> {
    let obj = raw.as_object().ok_or_else(|| type_error(column))?;
    if obj.keys().any(|k| k != "url" && k != "text") {
        return Err(type_error(column));
    }
    let url = obj.get("url").and_then(Value::as_str).ok_or_else(|| type_error(column))?.trim();
    let url = canonical_url(url).ok_or_else(|| {
        value_error(
            column,
            "url",
            format!(
                "column \"{}\" expects an http or https address with a host, at most {URL_MAX} characters",
                column.title
            ),
        )
    })?;
    let text = match obj.get("text") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.trim()).filter(|s| !s.is_empty()),
        Some(_) => return Err(type_error(column)),
    };
    if let Some(text) = text {
        if text.chars().count() > LINK_TEXT_MAX || text.contains(['\n', '\r']) {
            return Err(value_error(
                column,
                "max_length",
                format!("column \"{}\": a link's text is one line of at most {LINK_TEXT_MAX} characters", column.title),
            ));
        }
    }
    Ok(Some(json!({"url": url, "text": text})))
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

fn tags(column: &Column, raw: &Value) -> Result<Option<Value>, ApiError> {
    let items = raw.as_array().ok_or_else(|| type_error(column))?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for item in items {
        let tag = item.as_str().ok_or_else(|| type_error(column))?.trim();
        if tag.is_empty() {
            return Err(value_error(
                column,
                "required",
                format!("column \"{}\": tags must not be empty", column.title),
            ));
        }
        if tag.chars().count() > TAG_MAX || tag.chars().any(char::is_control) {
            return Err(value_error(
                column,
                "max_length",
                format!("column \"{}\": a tag is one line of at most {TAG_MAX} characters", column.title),
            ));
        }
        if seen.insert(tag.to_lowercase()) {
            out.push(Value::String(tag.to_owned()));
        }
    }
    if out.len() > TAGS_MAX {
        return Err(value_error(
            column,
            "max_items",
            format!("column \"{}\" holds at most {TAGS_MAX} tags", column.title),
        ));
    }
    Ok((!out.is_empty()).then_some(Value::Array(out)))
}
