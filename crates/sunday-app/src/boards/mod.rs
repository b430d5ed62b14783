//! Boards, their structure (groups, columns), items, updates, views, queries, templates and
//! CSV import/export — the core of the product.
//!
//! Every change takes the write path of ARCHITECTURE.md: check the actor's board permission,
//! validate with the domain crate, then one [`BoardStore::commit`] that writes the rows and
//! appends one event per change with the board's next `seq`; committed events are then
//! published on the bus for the board engine, WebSocket rooms and other followers.

mod access;
mod csv;
mod items;
mod lifecycle;
mod notify;
mod placement;
mod query;
mod structure;
mod subitems;
mod templates;
mod updates;
mod views;

use std::sync::Arc;

use sunday_bus::DynBus;
use sunday_engine::Engine;
use sunday_store::{BoardWrite, Committed, NewEvent, Store};
use sunday_types::{time::now_millis, ApiError, BoardId};

pub use access::Access;

use crate::directory::Directory;

/// Item-level writes retry this many times on a concurrent change to the same item before
/// giving up, when the client did not ask for a conditional write.
const MERGE_RETRIES: usize = 8;

#[derive(Clone)]
pub struct BoardService {
    store: Arc<dyn Store>,
    directory: Directory,
    bus: DynBus,
    engine: Arc<Engine>,
}

impl BoardService {
    pub fn new(store: Arc<dyn Store>, directory: Directory, bus: DynBus, engine: Arc<Engine>) -> Self {
        BoardService { store, directory, bus, engine }
    }

    /// The built-in templates a board can start from.
    pub fn templates(&self) -> Vec<sunday_types::board_api::TemplateInfo> {
        templates::infos()
    }

    /// Commits, then publishes the committed events and notifications.
    async fn commit(
        &self,
        board: BoardId,
        writes: Vec<BoardWrite>,
        events: Vec<NewEvent>,
    ) -> Result<Committed, ApiError> {
        let notifications: Vec<_> = writes
            .iter()
            .filter_map(|w| match w {
                BoardWrite::InsertNotification(n) => Some(n.clone()),
                _ => None,
            })
            .collect();
        let committed = self.store.commit(board, writes, events, now_millis()).await?;
        self.bus.publish(&committed.events);
        self.bus.publish_notifications(&notifications);
        Ok(committed)
    }
}
