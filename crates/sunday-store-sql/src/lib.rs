//! The SQL of Sunday's stores, written once for SQLite and PostgreSQL.
//!
//! The two backends share one schema (same tables, columns and encodings, checked by the
//! schema-parity test), so everything above the driver is common and lives here:
//!
//! - [`Stmt`]: each statement's text once, with the places the dialects differ marked inline
//!   and rendered per dialect at compile time ([`stmt!`]).
//! - [`Query`]: a read — statement, parameters, row decoder and the shape of the answer.
//!   Decoders are written over [`SqlRow`], which each backend implements for its row type.
//! - [`Plan`]: a write transaction as data. `BoardStore::commit` and
//!   `CursorStore::advance_cursor` lower their `BoardWrite`s, event appends, idempotency
//!   reservation and structure check into one ([`boards::commit`], [`cursors::advance`]), as
//!   do the other multi-statement writes (accounts, role changes, invitations, workspaces),
//!   and the backend runs it with a short loop ([`Run`]) — on SQLite in one writer closure.
//! - [`Exec`]: a single-statement write, with what a unique violation of it means.
//!
//! What stays in the backends is what genuinely differs: connections and pooling, binding a
//! [`Value`] and reading a row with the driver's types, classifying driver errors
//! (unavailable, unique violation), and SQLite's writer thread. This crate imports no driver,
//! keeping the dependency rule: nothing above the backends sees one.

mod plan;
mod query;
mod row;
#[doc(hidden)]
pub mod stmt;
pub mod tail;
mod value;

pub mod accounts;
pub mod archive;
pub mod automations;
pub mod boards;
pub mod cursors;
pub mod dashboards;
pub mod files;
pub mod leases;
pub mod links;
pub mod notifications;
pub mod orgs;
pub mod upkeep;
pub mod webhooks;
pub mod workspaces;

pub use plan::{Fail, Finished, Next, Plan, Refusal, Run, Slot, Step};
pub use query::{Exec, Query, Rows};
pub use row::{corrupt, SqlRow};
pub use stmt::{Dialect, Stmt};
pub use value::Value;
