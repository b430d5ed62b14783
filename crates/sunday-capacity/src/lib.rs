//! Capacity planning for Sunday: turns a target load (users, requests, sockets, boards) into
//! the fleet that carries it — api, realtime and worker nodes, PostgreSQL and the NATS event
//! bus — from the per-operation costs measured in `BENCHMARKS.md`.
//!
//! ```
//! use sunday_capacity::{plan, Costs, Load};
//! let load = Load { users: 1_000_000, rps: Some(50_000.0), ..Load::default() };
//! load.check().unwrap();
//! let plan = plan(&load, &Costs::measured());
//! assert!(plan.api.nodes >= 2);
//! println!("{plan}");
//! ```
//!
//! The model, in short: each request class costs the CPU its benchmark measured on one core;
//! api nodes carry that CPU and the board engine's hot boards (assuming requests for a board
//! reach the node holding it); realtime nodes carry the sockets' memory and the fan-out;
//! workers carry each event's consumers; PostgreSQL takes each write's transaction and reads,
//! the access checks' reads on replicas, and stores items and the retained event log; NATS
//! carries each event to the realtime nodes with a subscriber, the engine and the workers.
//! Pure arithmetic: no IO, no clock.

mod costs;
mod fmt;
mod load;
mod plan;
mod render;

pub use costs::{estimates, figures, Assumption, Basis, Costs};
pub use load::{Load, LoadError};
pub use plan::{plan, Bound, NatsPlan, Plan, PostgresPlan, RolePlan, Traffic, BUS_REPLICAS};
