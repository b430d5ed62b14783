//! The indexer: follows every board's event log into the search index. Each pass over a board
//! reads its events after the index's position for it, turns them into one [`Batch`] (items
//! re-read as they are now, updates from their events, files by name) and applies it with the
//! new position, so the index's documents and positions always move together.
//!
//! The bus announces new events; a full pass over every board with events runs at start
//! (rebuilding a new index, with progress) and every [`PASS_EVERY`] after, catching what a
//! missed announcement left behind.
//!
//! An index shared by the cluster (PostgreSQL) is kept by the node holding the `search-index`
//! lease; the others stand by. Should two ever work at once (a lease changing hands), the index
//! refuses a batch planned from a position it has left ([`SearchError::Moved`]) and the loser
//! plans again, so an older view of a board never overwrites a newer one.

use std::{
    collections::{BTreeSet, HashMap},
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use sunday_bus::{DynBus, RecvError};
use sunday_search::{Advance, Batch, Doc, DocKind, Removal, SearchError, SearchIndex};
use sunday_store::Store;
use sunday_types::{
    boards::{Board, Column, ColumnType, Item, Update},
    cells::CellValue,
    events::{BoardChange, ItemChanged},
    ApiError, BoardId, ColumnId, ItemId,
};
use tokio::sync::watch;

use crate::{boards::BoardService, leases::Lease};

/// Events read per step.
const BATCH: usize = 500;
/// How often every board is looked at again.
const PASS_EVERY: Duration = Duration::from_secs(30);
/// A name in the consumer cursors that never moves: its backlog is every board with events.
const EVERY_BOARD: &str = "search:every-board";

/// How a rebuild (a pass over every board) is going, for `/ready` and `GET /search/status`.
#[derive(Default)]
pub struct Progress {
    pub rebuilding: AtomicBool,
    pub boards_done: AtomicU64,
    pub boards_total: AtomicU64,
}

#[derive(Clone)]
pub struct Indexer {
    store: Arc<dyn Store>,
    /// Items and columns as the board engine and the columns cache hold them.
    boards: BoardService,
    index: Arc<dyn SearchIndex>,
    progress: Arc<Progress>,
    /// The server's runtime, where the board engine is read (see [`Indexer::live_items`]);
    /// set when the indexer starts.
    server: Option<tokio::runtime::Handle>,
}

fn search_err(e: sunday_search::SearchError) -> ApiError {
    ApiError::internal(e.to_string())
}

impl Indexer {
    pub fn new(
        store: Arc<dyn Store>,
        boards: BoardService,
        index: Arc<dyn SearchIndex>,
        progress: Arc<Progress>,
    ) -> Indexer {
        Indexer { store, boards, index, progress, server: None }
    }

    /// Follows the bus and passes over every board until `stop`. `rebuild`: the index is new,
    /// so the first pass is a rebuild (reported as such). With a `lease` (a shared index), works
    /// only while holding it.
    pub fn start(
        mut self,
        bus: &DynBus,
        rebuild: bool,
        mut lease: Option<Lease>,
        mut stop: watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        let mut events = bus.subscribe();
        // Said from the start, so `/ready` never reads "not rebuilding" before the pass begins
        // (a node waiting for the lease of a shared index is not the one rebuilding it).
        if rebuild && lease.is_none() {
            self.progress.rebuilding.store(true, Ordering::Relaxed);
        }
        self.server = Some(tokio::runtime::Handle::current());
        // Below the requests: under a flood of writes the index lags a moment and catches up.
        sunday_priority::followers().spawn(async move {
            if let Some(lease) = &mut lease {
                tokio::select! {
                    _ = lease.wait() => {}
                    _ = async { let _ = stop.wait_for(|s| *s).await; } => return,
                }
            }
            self.pass(rebuild).await;
            let holds = |lease: &Option<Lease>| lease.as_ref().is_none_or(Lease::held);
            // Under load, a pass per LINGER rather than per write: one index commit for many.
            let mut gather = crate::consumer::Gather::default();
            let mut every = tokio::time::interval(PASS_EVERY);
            every.tick().await;
            loop {
                tokio::select! {
                    changed = stop.changed() => {
                        if changed.is_err() || *stop.borrow() {
                            return;
                        }
                    }
                    _ = every.tick() => if holds(&lease) {
                        self.pass(false).await
                    },
                    // Taking the lease over: catch up on what the last holder left.
                    _ = async {
                        match &mut lease {
                            Some(l) if !l.held() => l.wait().await,
                            _ => std::future::pending().await,
                        }
                    } => self.pass(false).await,
                    _ = tokio::time::sleep_until(gather.due()) => {
                        for board in gather.take() {
                            match self.catch_up(board).await {
                                Ok(seq) => gather.done(board, seq),
                                Err(e) => tracing::warn!(board_id = %board, error = %e.message, "search indexing; will retry"),
                            }
                        }
                    }
                    received = events.recv() => match received {
                        Ok(_) if !holds(&lease) => {}
                        Ok(event) => gather.announce(event.board_id, event.seq),
                        Err(RecvError::Lagged(_)) => if holds(&lease) {
                            self.pass(false).await
                        },
                        Err(RecvError::Closed) => return,
                    },
                }
            }
        })
    }

    /// Catches up every board with events, one after the other.
    pub async fn pass(&self, rebuild: bool) {
        let boards = match crate::consumer::backlog(self.store.as_ref(), EVERY_BOARD).await {
            Ok(boards) => boards,
            Err(e) => {
                tracing::warn!(error = %e, "search indexing: could not list the boards");
                return;
            }
        };
        let p = &self.progress;
        if rebuild {
            p.boards_total.store(boards.len() as u64, Ordering::Relaxed);
            p.boards_done.store(0, Ordering::Relaxed);
            p.rebuilding.store(true, Ordering::Relaxed);
            tracing::info!(boards = boards.len(), "search index: rebuilding from the event log");
        }
        for board in boards {
            if let Err(e) = self.catch_up(board).await {
                tracing::warn!(board_id = %board, error = %e.message, "search indexing; will retry");
            }
            if rebuild {
                p.boards_done.fetch_add(1, Ordering::Relaxed);
            }
        }
        if rebuild {
            p.rebuilding.store(false, Ordering::Relaxed);
            tracing::info!("search index: rebuilt");
        }
    }

    /// Indexes the board's events after the index's position; answers the position reached.
    pub async fn catch_up(&self, board: BoardId) -> Result<i64, ApiError> {
        loop {
            let at = self.index.position(board).await.map_err(search_err)?;
            let events = self.store.events_after(board, at, BATCH).await?;
            let Some(last) = events.last().map(|e| e.seq) else { return Ok(at) };
            let changes: Vec<&BoardChange> = events.iter().map(|e| &e.change).collect();
            let mut batch = self.plan(board, &changes, at == 0).await?;
            batch.positions.push(Advance { board, from: at, to: last });
            match self.index.apply(batch).await {
                Ok(()) if events.len() < BATCH => return Ok(last),
                // Another indexer got there first: plan again from where it left the board.
                Ok(()) | Err(SearchError::Moved) => {}
                Err(e) => return Err(search_err(e)),
            }
        }
    }

    /// What indexes `changes`; `first` when the index holds nothing of the board yet.
    async fn plan(&self, board_id: BoardId, changes: &[&BoardChange], first: bool) -> Result<Batch, ApiError> {
        let Some(board) = self.store.board(board_id).await? else {
            return Ok(Batch { removals: vec![Removal::Board(board_id)], ..Batch::default() });
        };
        let mut batch = Batch::default();
        let mut items: BTreeSet<ItemId> = BTreeSet::new();
        // Items as their creation logged them, while nothing changed them since (a bulk
        // create is indexed without reading its items back).
        let mut created: HashMap<ItemId, &Item> = HashMap::new();
        let mut whole_board = false;
        // The board's own document (its name and description) is written again only when they
        // may have changed: writing it with every batch made a formula's first computation
        // (fifty batches of computed values, nothing to index) start fifty index segments.
        let mut board_doc_due = first;
        let columns = self.boards.columns_at(board_id, board.structure_version).await?;
        let columns = &columns.columns;
        for change in changes {
            match change {
                BoardChange::BoardCreated(_) | BoardChange::BoardUpdated(_) => board_doc_due = true,
                // Items are read again only when the text they hold changes: a text column
                // created with values (a copy), turned into or from text, or deleted. A new
                // formula's 100,000 values are no reason to index every item again.
                BoardChange::ColumnCreated(c) => whole_board |= c.reload && searchable(&c.column),
                BoardChange::ColumnUpdated(c) => whole_board |= searchable(&c.column) || searchable(&c.previous),
                BoardChange::ColumnDeleted(c) => whole_board |= searchable(&c.column),
                // An item moved here from another board was indexed there: replaced, not fresh.
                BoardChange::ItemCreated(c) if c.moved_from.is_some() => {
                    items.insert(c.item.id);
                }
                BoardChange::ItemCreated(c) => {
                    created.insert(c.item.id, &c.item);
                }
                // A status, date or number edit changes nothing that is searched: the item's
                // document stays as it is (replacing it costs the index a deletion in every
                // segment at its next commit).
                BoardChange::ItemUpdated(c) if !changes_indexed_text(c, columns) => {}
                BoardChange::ItemUpdated(c) | BoardChange::ItemMoved(c) => {
                    created.remove(&c.item.id);
                    items.insert(c.item.id);
                }
                BoardChange::ItemRestored(s) => {
                    items.insert(s.item.id);
                    for u in self.store.updates(s.item.id).await? {
                        self.update_docs(&board, &u, &s.item.name, &mut batch).await?;
                    }
                }
                // Archived and deleted items are not found (a restore brings them back).
                BoardChange::ItemArchived(s) => {
                    items.remove(&s.item.id);
                    created.remove(&s.item.id);
                    batch.removals.push(Removal::Item(s.item.id));
                }
                BoardChange::ItemDeleted(d) => {
                    items.remove(&d.item_id);
                    created.remove(&d.item_id);
                    batch.removals.push(Removal::Item(d.item_id));
                }
                BoardChange::UpdatePosted(u) | BoardChange::UpdateEdited(u) => {
                    let name = self.store.item(u.update.item_id).await?.map(|i| i.name).unwrap_or_default();
                    self.update_docs(&board, &u.update, &name, &mut batch).await?;
                }
                BoardChange::UpdateDeleted(d) => {
                    let key = format!("update:{}", d.update_id);
                    batch.removals.push(Removal::Children(key.clone()));
                    batch.removals.push(Removal::Key(key));
                }
                _ => {}
            }
        }
        if board_doc_due {
            batch.docs.push(board_doc(&board));
        }
        if whole_board {
            for item in self.store.all_items(board_id).await? {
                self.item_docs(&board, columns, &item, false, &mut batch).await?;
            }
        } else {
            for item in created.into_values() {
                if item.board_id == board_id {
                    self.item_docs(&board, columns, item, true, &mut batch).await?;
                }
            }
            let ids: Vec<ItemId> = items.into_iter().collect();
            let live = self.live_items(board_id, board.last_seq, ids.clone()).await?;
            for id in ids {
                match live.get(&id) {
                    Some(item) => self.item_docs(&board, columns, item, false, &mut batch).await?,
                    None => batch.removals.push(Removal::Item(id)),
                }
            }
        }
        Ok(batch)
    }

    /// The items from the board engine (caught up to `seq` on the way), read on the server's
    /// runtime: the engine's locks are the requests' too, and the indexer runs at a lowered
    /// priority, so a lock it held while the core was busy kept edits waiting.
    async fn live_items(&self, board: BoardId, seq: i64, ids: Vec<ItemId>) -> Result<HashMap<ItemId, Item>, ApiError> {
        let boards = self.boards.clone();
        let read = async move { boards.live_items(board, seq, &ids).await };
        let found = match &self.server {
            Some(server) => server.spawn(read).await.map_err(|e| ApiError::internal(e.to_string()))?,
            None => read.await,
        };
        Ok(found?)
    }

    /// An item's document and those of the files its cells hold: replacing the ones before,
    /// or, for a `fresh` item (just created, never indexed), added as they are.
    async fn item_docs(
        &self,
        board: &Board,
        columns: &[Column],
        item: &Item,
        fresh: bool,
        batch: &mut Batch,
    ) -> Result<(), ApiError> {
        if item.archived {
            return Ok(());
        }
        let mut texts = Vec::new();
        let mut files = BTreeSet::new();
        let mut file_cells: Vec<ColumnId> = Vec::new();
        for (column, ids) in item.values.files() {
            files.extend(ids);
            file_cells.push(column);
        }
        for column in item.values.columns().filter(|c| !file_cells.contains(c)) {
            let Some(col) = columns.iter().find(|c| c.id == column) else { continue };
            if let Some(text) = text_of(col, item) {
                texts.push(text);
            }
        }
        let docs = if fresh { &mut batch.fresh } else { &mut batch.docs };
        docs.push(Doc {
            key: format!("item:{}", item.id),
            kind: DocKind::Item,
            org: board.org_id,
            board: board.id,
            item: Some(item.id),
            parent: None,
            title: item.name.clone(),
            body: texts.join(" · "),
            context: String::new(),
        });
        if !fresh {
            batch.removals.push(Removal::CellFiles(item.id));
        }
        for id in files {
            if let Some(file) = self.store.file(id).await? {
                let docs = if fresh { &mut batch.fresh } else { &mut batch.docs };
                docs.push(Doc {
                    key: format!("file:{id}:{}", item.id),
                    kind: DocKind::File,
                    org: board.org_id,
                    board: board.id,
                    item: Some(item.id),
                    parent: None,
                    title: file.name,
                    body: String::new(),
                    context: item.name.clone(),
                });
            }
        }
        Ok(())
    }

    /// An update's document (titled with its item's name) and those of its files.
    async fn update_docs(&self, board: &Board, u: &Update, item_name: &str, batch: &mut Batch) -> Result<(), ApiError> {
        let key = format!("update:{}", u.id);
        batch.docs.push(Doc {
            key: key.clone(),
            kind: DocKind::Update,
            org: board.org_id,
            board: board.id,
            item: Some(u.item_id),
            parent: u.parent_id.map(|p| format!("update:{p}")),
            title: String::new(),
            body: u.body.clone(),
            context: item_name.to_owned(),
        });
        for id in &u.files {
            let Some(file) = self.store.file(*id).await? else { continue };
            batch.docs.push(Doc {
                key: format!("file:{id}:{key}"),
                kind: DocKind::File,
                org: board.org_id,
                board: board.id,
                item: Some(u.item_id),
                parent: Some(key.clone()),
                title: file.name,
                body: String::new(),
                context: item_name.to_owned(),
            });
        }
        Ok(())
    }
}

/// Whether an edit changes what an item's documents hold: its name, a searched cell, or the
/// files of a cell. A cell of a column not (or no longer) on the board counts, to be safe.
fn changes_indexed_text(c: &ItemChanged, columns: &[Column]) -> bool {
    c.name.is_some()
        || c.changes.iter().any(|cell| {
            columns
                .iter()
                .find(|col| col.id == cell.column_id)
                .is_none_or(|col| searchable(col) || col.column_type == ColumnType::File)
        })
}

/// Whether a column's cells are searched: the text-like types (what people type and read as
/// words).
fn searchable(col: &Column) -> bool {
    matches!(
        col.column_type,
        ColumnType::Text
            | ColumnType::LongText
            | ColumnType::Link
            | ColumnType::Email
            | ColumnType::Phone
            | ColumnType::Tags
    )
}

/// The cell as searchable text, for the text-like types.
fn text_of(col: &Column, item: &Item) -> Option<String> {
    if !searchable(col) {
        return None;
    }
    Some(match item.values.cell(col)? {
        CellValue::Text(s) | CellValue::LongText(s) | CellValue::Email(s) | CellValue::Phone(s) => s,
        CellValue::Link(l) => [l.text.unwrap_or_default(), l.url].join(" "),
        CellValue::Tags(t) => t.join(" "),
        _ => return None,
    })
}

fn board_doc(board: &Board) -> Doc {
    Doc {
        key: format!("board:{}", board.id),
        kind: DocKind::Board,
        org: board.org_id,
        board: board.id,
        item: None,
        parent: None,
        title: board.name.clone(),
        body: board.description.clone(),
        context: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use sunday_types::{
        column_settings::{ColumnSettings, NoSettings},
        events::{CellChange, Renamed},
        time::to_datetime,
        BoardId, GroupId, ItemId, UserId,
    };

    use super::*;

    fn column(column_type: ColumnType) -> Column {
        let settings = ColumnSettings::None(NoSettings {});
        Column { id: ColumnId::new(), title: "c".into(), column_type, settings, position: "a".into(), width: None }
    }

    fn edit(cells: &[ColumnId]) -> ItemChanged {
        let item = Item {
            id: ItemId::new(),
            board_id: BoardId::new(),
            group_id: GroupId::new(),
            name: "i".into(),
            position: "a".into(),
            values: Default::default(),
            version: 2,
            created_by: UserId::new(),
            created_at: to_datetime(0),
            updated_at: to_datetime(0),
            parent_item_id: None,
            archived: false,
            auto_number: 1,
        };
        let mut c = ItemChanged::moved(&item);
        c.changes = cells.iter().map(|id| CellChange { column_id: *id, old: None, new: None }).collect();
        c
    }

    #[test]
    fn only_edits_of_searched_text_or_files_index_the_item_again() {
        let [text, status, file, date] =
            [ColumnType::Text, ColumnType::Status, ColumnType::File, ColumnType::Date].map(column);
        let columns = [text.clone(), status.clone(), file.clone(), date.clone()];
        assert!(!changes_indexed_text(&edit(&[status.id, date.id]), &columns));
        assert!(changes_indexed_text(&edit(&[status.id, text.id]), &columns));
        assert!(changes_indexed_text(&edit(&[file.id]), &columns));
        // A column gone since the edit: indexed again, to be safe.
        assert!(changes_indexed_text(&edit(&[ColumnId::new()]), &columns));
        let mut renamed = edit(&[]);
        renamed.name = Some(Renamed { old: "a".into(), new: "b".into() });
        assert!(changes_indexed_text(&renamed, &columns));
        assert!(!changes_indexed_text(&edit(&[]), &columns), "a move within the board");
    }
}
