//! Pure domain logic of Sunday: value parsing ("parse, don't validate"), the permission rules
//! and, as the product grows, column types, filters and events. No IO, no async runtime: every
//! function here is deterministic and property-testable.

pub mod accounts;
pub mod automations;
pub mod columns;
pub mod dependencies;
pub mod filter;
pub mod formula;
pub mod import;
pub mod mirror;
pub mod permissions;
pub mod position;
pub mod schedule;
pub mod text;

pub use accounts::{Email, Password};
