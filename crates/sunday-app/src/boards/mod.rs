//! Boards, their structure (groups, columns), items, updates, views, queries, templates and
//! CSV import/export — the core of the product.
//!
//! Every change takes the write path of ARCHITECTURE.md: check the actor's board permission,
//! validate with the domain crate, then one [`BoardStore::commit`] that writes the rows and
//! appends one event per change with the board's next `seq`; committed events are then
//! published on the bus for the board engine, WebSocket rooms and other followers.

mod access;
mod attachments;
mod buttons;
mod columns_cache;
mod csv;
mod dependencies;
mod duplicate;
mod edits;
mod follower_reads;
mod formulas;
mod items;
mod lifecycle;
mod linked;
mod links_cursor;
pub use links_cursor::LinksConsumer;
mod moves;
mod my_work;
pub(crate) use moves::carried;
pub(crate) mod forms;
mod placement;
mod query;
mod recompute;
mod relations;
mod structure;
mod subitems;
mod templates;
mod updates;
mod views;
mod visibility;
pub use visibility::Redaction;

use std::sync::Arc;

use sunday_bus::DynBus;
use sunday_engine::{Engine, Located};
use sunday_store::{BoardWrite, Committed, NewEvent, Store, StoreError};
use sunday_types::{time::now_millis, ApiError, BoardId, ItemId};

pub use access::Access;
pub use columns_cache::BoardColumns;

use crate::{directory::Directory, idempotency::Claim};

/// Item-level writes retry this many times on a concurrent change to the same item before
/// giving up, when the client did not ask for a conditional write.
const MERGE_RETRIES: usize = 8;

/// Edits of one item retry this many times when another node's edit of it won the race (the
/// node's own edits of it queue and do not race; see [`crate::keyed_locks`]).
const ITEM_EDIT_RETRIES: usize = 32;

/// A short random wait before retrying lost race `attempt` (from 0): up to 1 ms more per
/// attempt, at most 10 ms, so that two nodes' queues of writers to one item interleave
/// instead of one losing every round.
async fn after_lost_race(attempt: usize) {
    use rand::Rng;
    let ceiling = (attempt as u64 + 1).min(10) * 1_000;
    let micros = rand::thread_rng().gen_range(0..=ceiling);
    tokio::time::sleep(std::time::Duration::from_micros(micros)).await;
}

/// Settings of the boards service.
#[derive(Clone, Debug)]
pub struct BoardSettings {
    /// How many levels of subitems an item may have (1 to 10).
    pub subitem_depth: u8,
    /// Submissions of one form a client IP may make per minute (0: no limit).
    pub form_submissions_per_minute: u32,
}

impl Default for BoardSettings {
    fn default() -> Self {
        BoardSettings { subitem_depth: 5, form_submissions_per_minute: 10 }
    }
}

#[derive(Clone)]
pub struct BoardService {
    store: Arc<dyn Store>,
    directory: Directory,
    bus: DynBus,
    engine: Arc<Engine>,
    /// Edits of one item on this node, one at a time (see [`crate::keyed_locks`]).
    item_writes: Arc<crate::keyed_locks::KeyedLocks<sunday_types::ItemId>>,
    columns: Arc<columns_cache::ColumnsCache>,
    recomputes: recompute::Shared,
    subitem_depth: u8,
}

impl BoardService {
    pub fn new(
        store: Arc<dyn Store>,
        directory: Directory,
        bus: DynBus,
        engine: Arc<Engine>,
        settings: BoardSettings,
    ) -> Self {
        BoardService {
            store,
            directory,
            bus,
            engine,
            item_writes: Default::default(),
            columns: Default::default(),
            recomputes: Default::default(),
            subitem_depth: settings.subitem_depth.clamp(1, subitems::MAX_LEVELS as u8),
        }
    }

    /// Every column type as clients present it.
    pub fn column_types(&self) -> Vec<sunday_types::board_api::ColumnTypeInfo> {
        sunday_domain::columns::kinds::infos()
    }

    /// The built-in templates a board can start from.
    pub fn templates(&self) -> Vec<sunday_types::board_api::TemplateInfo> {
        templates::infos()
    }

    /// The board holding item `id` when that board is in the engine (found there among the
    /// boards used last, or named by the store's index of items), so the item can be read
    /// from memory; `None` sends the caller to the store.
    pub(crate) async fn loaded_board_of(&self, id: ItemId) -> Result<Option<BoardId>, ApiError> {
        Ok(match self.engine.board_of(id) {
            Located::On(board) => Some(board),
            Located::NotLoaded => None,
            Located::Unknown => self.store.item_board(id).await?.filter(|b| self.engine.is_loaded(*b)),
        })
    }

    /// Commits, then publishes the committed events and notifications.
    pub(crate) async fn commit(
        &self,
        board: BoardId,
        writes: Vec<BoardWrite>,
        events: Vec<NewEvent>,
    ) -> Result<Committed, ApiError> {
        Ok(self.try_commit(board, writes, events).await?)
    }

    /// Who is who (an automation's email finds its people's addresses here).
    pub(crate) fn directory(&self) -> &Directory {
        &self.directory
    }

    /// The bus, for followers of committed changes (the automation runner).
    pub(crate) fn bus(&self) -> &DynBus {
        &self.bus
    }

    /// The board's columns and groups, as stored now.
    pub(crate) async fn structure_of(
        &self,
        board: BoardId,
    ) -> Result<(Vec<sunday_types::boards::Column>, Vec<sunday_types::boards::Group>), ApiError> {
        Ok((self.store.columns(board).await?, self.store.groups(board, None).await?))
    }

    pub(crate) async fn is_org_member(
        &self,
        org: sunday_types::OrgId,
        user: sunday_types::UserId,
    ) -> Result<bool, ApiError> {
        Ok(self.directory.role_in(org, user).await?.is_some())
    }

    /// Delivers notifications that no board change carries (an automation's `notify`): one
    /// commit, then live delivery.
    pub(crate) async fn deliver(
        &self,
        board: BoardId,
        notifications: Vec<sunday_types::notifications::Notification>,
    ) -> Result<(), ApiError> {
        let writes = notifications.into_iter().map(BoardWrite::InsertNotification).collect();
        self.commit(board, writes, vec![]).await.map(|_| ())
    }

    /// [`BoardService::commit`], leaving the store's refusal for the caller to act on (by
    /// retrying). The first commit of a request sent with an `Idempotency-Key` also reserves
    /// the key, in the same transaction (see [`crate::idempotency`]).
    pub(crate) async fn try_commit(
        &self,
        board: BoardId,
        writes: Vec<BoardWrite>,
        events: Vec<NewEvent>,
    ) -> Result<Committed, StoreError> {
        self.try_commit_parts(vec![(board, writes, events)]).await
    }

    /// [`BoardService::try_commit`] over one or more boards, in one transaction.
    pub(crate) async fn try_commit_parts(
        &self,
        mut parts: Vec<(BoardId, Vec<BoardWrite>, Vec<NewEvent>)>,
    ) -> Result<Committed, StoreError> {
        // Changes an automation makes say which run made them (loop detection, activity).
        if let Some(cause) = crate::automations::current_cause() {
            for e in parts.iter_mut().flat_map(|(_, _, events)| events.iter_mut()) {
                e.cause = Some(cause.clone());
            }
        }
        let notifications: Vec<_> = parts
            .iter()
            .flat_map(|(_, writes, _)| writes)
            .filter_map(|w| match w {
                BoardWrite::InsertNotification(n) => Some(n.clone()),
                _ => None,
            })
            .collect();
        let claim = Claim::open();
        if let (Some(claim), Some((_, writes, _))) = (&claim, parts.first_mut()) {
            writes.insert(0, claim.reservation());
        }
        let outcome = match parts.len() {
            1 => {
                let (board, writes, events) = parts.remove(0);
                self.store.commit(board, writes, events, now_millis()).await
            }
            _ => self.store.commit_across(parts, now_millis()).await,
        };
        if let Some(claim) = &claim {
            claim.settle(&outcome);
        }
        let committed = outcome?;
        self.bus.publish(&committed.events);
        self.bus.publish_notifications(&notifications);
        Ok(committed)
    }
}
