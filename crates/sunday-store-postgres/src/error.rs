//! Classifying tokio-postgres errors: connection trouble is `Unavailable`, everything else
//! `Internal`; writes that expect a unique violation (`23505`) ask [`is_unique_violation`]
//! first.

use std::error::Error as _;

use sunday_store::StoreError;
use tokio_postgres::error::SqlState;

/// The error and its causes, one line (`error connecting to server: Connection refused`).
/// Neither tokio-postgres errors nor server messages carry the connection password.
pub fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// Whether the error means the server cannot be used right now, as opposed to a failed
/// statement: a closed or broken connection, or the server refusing or ending sessions.
fn is_connection_error(e: &tokio_postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    match e.code() {
        Some(code) => {
            let code = code.code();
            // 08: connection exception; 53300: too many connections; 57P01..03: the
            // server is shutting down, crashed or starting up.
            code.starts_with("08") || matches!(code, "53300" | "57P01" | "57P02" | "57P03")
        }
        None => e.source().is_some_and(|s| s.is::<std::io::Error>()),
    }
}

pub fn db_err(e: tokio_postgres::Error) -> StoreError {
    if is_connection_error(&e) {
        StoreError::Unavailable(format!("postgres: {}", describe(&e)))
    } else {
        StoreError::internal(e)
    }
}

/// Whether the error is a UNIQUE or PRIMARY KEY violation.
pub fn is_unique_violation(e: &tokio_postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}
