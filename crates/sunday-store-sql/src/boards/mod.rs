//! The boards half of the store: reads, the commit lowering, and the row decoders they share.

mod commit;
mod reads;
pub mod rows;

pub use commit::{commit, commit_across, lower_all};
pub use reads::*;
