//! Outbound webhook delivery, free of Sunday's storage and services:
//!
//! - [`sign`]: the `Sunday-Signature` header, an HMAC-SHA256 of the timestamp and the body
//!   (Stripe's scheme: a receiver checks it in a few lines and refuses old timestamps).
//! - [`guard`]: which addresses a webhook may reach. Private, loopback, link-local and other
//!   non-public addresses are refused unless the allow-list names them, checked on the
//!   addresses a name resolves to (so DNS cannot point a public name at an internal host) and on
//!   every redirect.
//! - [`Sender`]: the HTTP client that posts a delivery through the guard, with a timeout and at
//!   most three redirects, and reports the status, error and latency of the attempt.

pub mod guard;
mod sender;
pub mod sign;

pub use guard::AllowList;
pub use sender::{Attempt, Sender};
