//! Shared vocabulary of Sunday: identifiers, the API's data transfer objects and the one
//! error-code table every layer converts into.
//!
//! This crate performs no IO and depends on no runtime, web framework or database driver, so
//! every other crate (domain logic, stores, services, HTTP) can use it.

pub mod analytics;
pub mod automations;
pub mod board_api;
pub mod boards;
pub mod cells;
pub mod column_settings;
pub mod dashboards;
pub mod dto;
pub mod error;
pub mod events;
pub mod files;
pub mod forms;
pub mod ids;
pub mod links;
pub mod notifications;
pub mod presence;
pub mod search;
pub mod step_output;
pub mod time;
pub mod webhooks;

pub use error::{ApiError, Dependent, ErrorBody, ErrorCode, ErrorDetails, ErrorKind};
pub use ids::*;
