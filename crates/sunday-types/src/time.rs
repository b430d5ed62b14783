//! Timestamps. Stores keep milliseconds since the Unix epoch (the same integer on SQLite and
//! PostgreSQL); the API speaks RFC 3339 UTC.

use chrono::{DateTime, TimeZone, Utc};

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

pub fn now_millis() -> Millis {
    Utc::now().timestamp_millis()
}

/// The RFC 3339 form of a stored timestamp; out-of-range values (never written by Sunday)
/// clamp to the epoch rather than failing a response.
pub fn to_datetime(ms: Millis) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}
