//! Analytics: this node's aggregates of every board ([`sunday_analytics::BoardFacts`]), kept
//! from the event log by a follower, and the questions and reports answered from them.
//!
//! The follower reads each board's events after the aggregates' position, as the search
//! indexer does: the bus announces new events, a pass over every board with events runs at
//! start (a rebuild, with progress for `/ready`, when there were no snapshots to start from)
//! and every [`PASS_EVERY`] after. A question first reads whatever its boards' logs gained
//! since (usually nothing), so it sees the asker's own last write. Changed boards' snapshots
//! are written every `snapshot_every` and when the node stops, so a restart reads only the
//! log after them.

use std::{
    collections::{HashMap, HashSet},
    path::PathBuf,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc, Mutex, RwLock,
    },
    time::Duration,
};

use chrono::Utc;
use sunday_analytics::{Applied, BoardFacts};
use sunday_bus::{DynBus, RecvError};
use sunday_store::Store;
use sunday_types::{
    analytics::{AnalyticsAnswer, AnalyticsQuery, AnalyticsStatus, ReportAnswer, ReportRequest},
    ApiError, BoardId, ErrorCode,
};
use tokio::sync::watch;

use crate::{boards::BoardService, keyed_locks::KeyedLocks, Actor};

/// Events read per step.
const BATCH: usize = 2000;
/// How often every board is looked at again.
const PASS_EVERY: Duration = Duration::from_secs(30);
/// A name in the consumer cursors that never moves: its backlog is every board with events.
const EVERY_BOARD: &str = "analytics:every-board";

/// Where and how often this node writes its aggregates down; `None` in the settings: analytics
/// are off on this node.
#[derive(Clone, Debug)]
pub struct AnalyticsSettings {
    /// Snapshots' directory (none: kept in memory only, rebuilt at every start).
    pub dir: Option<PathBuf>,
    pub snapshot_every: Duration,
}

type Cell = Arc<RwLock<BoardFacts>>;

#[derive(Default)]
struct Shared {
    boards: RwLock<HashMap<BoardId, Cell>>,
    /// Boards changed since their snapshot.
    dirty: Mutex<HashSet<BoardId>>,
    catching_up: KeyedLocks<BoardId>,
    rebuilding: AtomicBool,
    boards_done: AtomicU64,
    boards_total: AtomicU64,
    /// Snapshots were missing or unreadable at start: the first pass is a rebuild.
    rebuild: AtomicBool,
}

#[derive(Clone)]
pub struct AnalyticsService {
    store: Arc<dyn Store>,
    boards: BoardService,
    settings: Option<AnalyticsSettings>,
    shared: Arc<Shared>,
}

fn off() -> ApiError {
    ApiError::new(ErrorCode::Unavailable, "analytics are not kept on this node")
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|p| p.into_inner())
}

impl AnalyticsService {
    pub fn new(store: Arc<dyn Store>, boards: BoardService, settings: Option<AnalyticsSettings>) -> AnalyticsService {
        AnalyticsService { store, boards, settings, shared: Arc::default() }
    }

    /// Whether a rebuild is under way, with progress (cheap: for `/ready`); `None` when off.
    pub fn status(&self) -> Option<AnalyticsStatus> {
        self.settings.as_ref()?;
        let s = &self.shared;
        let boards = read(&s.boards);
        let (mut items, mut events) = (0, 0);
        for cell in boards.values() {
            let facts = read(cell);
            items += facts.live_items();
            events += facts.events();
        }
        Some(AnalyticsStatus {
            rebuilding: s.rebuilding.load(Ordering::Relaxed),
            boards_done: s.boards_done.load(Ordering::Relaxed),
            boards_total: s.boards_total.load(Ordering::Relaxed),
            boards: boards.len() as u64,
            items,
            events,
        })
    }

    /// Whether a rebuild is under way (for `/ready`, without counting items).
    pub fn rebuilding(&self) -> Option<(bool, u64, u64)> {
        self.settings.as_ref()?;
        let s = &self.shared;
        Some((
            s.rebuilding.load(Ordering::Relaxed),
            s.boards_done.load(Ordering::Relaxed),
            s.boards_total.load(Ordering::Relaxed),
        ))
    }

    /// Answers a question over boards the asker may read.
    pub async fn query(&self, actor: &Actor, q: AnalyticsQuery) -> Result<AnalyticsAnswer, ApiError> {
        self.settings.as_ref().ok_or_else(off)?;
        sunday_analytics::check_boards(&q.board_ids)?;
        let cells = self.readable(actor, &q.board_ids).await?;
        let guards: Vec<_> = cells.iter().map(|c| read(c)).collect();
        let facts: Vec<&BoardFacts> = guards.iter().map(|g| &**g).collect();
        sunday_analytics::query(&facts, &q, Utc::now(), actor.user_id)
    }

    /// Answers a report over boards the asker may read.
    pub async fn report(&self, actor: &Actor, r: ReportRequest) -> Result<ReportAnswer, ApiError> {
        self.settings.as_ref().ok_or_else(off)?;
        let ids = sunday_analytics::report_boards(&r);
        sunday_analytics::check_boards(&ids)?;
        let cells = self.readable(actor, &ids).await?;
        let guards: Vec<_> = cells.iter().map(|c| read(c)).collect();
        let facts: Vec<&BoardFacts> = guards.iter().map(|g| &**g).collect();
        sunday_analytics::report(&facts, &r, Utc::now())
    }

    /// Each board's aggregates, caught up with its log, after checking `actor` may read it (a
    /// board they cannot see is "not found", as everywhere).
    async fn readable(&self, actor: &Actor, ids: &[BoardId]) -> Result<Vec<Cell>, ApiError> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            self.boards.access(actor, *id).await?;
            out.push(self.catch_up(*id).await?);
        }
        Ok(out)
    }

    fn cell(&self, board: BoardId) -> Cell {
        if let Some(cell) = read(&self.shared.boards).get(&board) {
            return cell.clone();
        }
        write(&self.shared.boards).entry(board).or_insert_with(|| Arc::new(RwLock::new(BoardFacts::new(board)))).clone()
    }

    /// Folds in the board's events after the aggregates' position.
    pub async fn catch_up(&self, board: BoardId) -> Result<Cell, ApiError> {
        let cell = self.cell(board);
        let (_turn, _) = self.shared.catching_up.lock(board).await;
        loop {
            let at = read(&cell).seq();
            let events = self.store.events_after(board, at, BATCH).await?;
            if events.is_empty() {
                return Ok(cell);
            }
            if at == 0 {
                // A board read from its start: its columns and groups as they are now (the log
                // then adds, changes and removes them from its first event on).
                let columns = self.store.columns(board).await?;
                let groups = self.store.groups(board, None).await?;
                write(&cell).set_structure(&columns, &groups);
            }
            let reload = {
                let mut facts = write(&cell);
                // Every event is applied; any of them may ask for a reload.
                let applied: Vec<Applied> = events.iter().map(|e| facts.apply(e)).collect();
                applied.contains(&Applied::Reload)
            };
            if reload {
                self.reload(board, &cell).await?;
            }
            self.shared.dirty.lock().unwrap_or_else(|p| p.into_inner()).insert(board);
            if events.len() < BATCH {
                return Ok(cell);
            }
        }
    }

    /// Reads the board's items again (values changed without an event each).
    async fn reload(&self, board: BoardId, cell: &Cell) -> Result<(), ApiError> {
        let columns = self.store.columns(board).await?;
        let groups = self.store.groups(board, None).await?;
        let mut items = self.store.all_items(board).await?;
        let mut after = None;
        loop {
            let page = self.store.archived_items(board, after, 1000).await?;
            let Some(last) = page.last() else { break };
            after = Some((last.position.clone(), last.id));
            items.extend(page);
        }
        let mut facts = write(cell);
        facts.set_structure(&columns, &groups);
        facts.reload(&items, Utc::now());
        Ok(())
    }

    /// Reads the snapshots under the settings' directory; an unreadable one is removed (its
    /// board is rebuilt from the log), and none at all means the first pass is a rebuild.
    pub fn load_snapshots(&self) {
        let Some(dir) = self.settings.as_ref().and_then(|s| s.dir.clone()) else {
            self.shared.rebuild.store(true, Ordering::Relaxed);
            return;
        };
        if let Err(e) = std::fs::create_dir_all(&dir) {
            tracing::warn!(dir = %dir.display(), error = %e, "analytics: cannot create the snapshot directory");
        }
        let mut loaded = 0;
        let mut boards = write(&self.shared.boards);
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "snap") {
                continue;
            }
            match std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|b| BoardFacts::from_bytes(&b).map_err(|e| e.to_string()))
            {
                Ok(facts) => {
                    boards.insert(facts.board(), Arc::new(RwLock::new(facts)));
                    loaded += 1;
                }
                Err(e) => {
                    tracing::warn!(file = %path.display(), error = %e, "analytics: unreadable snapshot; its board is rebuilt from the event log");
                    let _ = std::fs::remove_file(&path);
                    self.shared.rebuild.store(true, Ordering::Relaxed);
                }
            }
        }
        if loaded == 0 {
            self.shared.rebuild.store(true, Ordering::Relaxed);
        }
        tracing::info!(boards = loaded, dir = %dir.display(), "analytics: snapshots read");
    }

    /// Writes the snapshots of boards changed since their last one (atomically: a new file
    /// renamed over the old).
    pub fn write_snapshots(&self) {
        let Some(dir) = self.settings.as_ref().and_then(|s| s.dir.clone()) else { return };
        let dirty: Vec<BoardId> =
            std::mem::take(&mut *self.shared.dirty.lock().unwrap_or_else(|p| p.into_inner())).into_iter().collect();
        for board in dirty {
            let Some(cell) = read(&self.shared.boards).get(&board).cloned() else { continue };
            let bytes = read(&cell).to_bytes();
            let path = dir.join(format!("{board}.snap"));
            let tmp = dir.join(format!("{board}.snap.tmp"));
            let written = bytes.map_err(|e| e.to_string()).and_then(|b| {
                std::fs::write(&tmp, b).and_then(|()| std::fs::rename(&tmp, &path)).map_err(|e| e.to_string())
            });
            if let Err(e) = written {
                tracing::warn!(board_id = %board, error = %e, "analytics: could not write a snapshot; will retry");
                self.shared.dirty.lock().unwrap_or_else(|p| p.into_inner()).insert(board);
            }
        }
    }

    /// Catches up every board with events, reporting progress when it is a rebuild.
    pub async fn pass(&self) {
        let mut boards = Vec::new();
        let mut after = None;
        loop {
            match self.store.consumer_backlog(EVERY_BOARD, after, 1000).await {
                Ok(page) if page.is_empty() => break,
                Ok(page) => {
                    after = page.last().copied();
                    boards.extend(page);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "analytics: could not list the boards");
                    return;
                }
            }
        }
        let s = &self.shared;
        let rebuild = s.rebuild.swap(false, Ordering::Relaxed);
        if rebuild {
            s.boards_total.store(boards.len() as u64, Ordering::Relaxed);
            s.boards_done.store(0, Ordering::Relaxed);
            s.rebuilding.store(true, Ordering::Relaxed);
            tracing::info!(boards = boards.len(), "analytics: rebuilding the aggregates from the event log");
        }
        for (n, board) in boards.iter().enumerate() {
            if let Err(e) = self.catch_up(*board).await {
                tracing::warn!(board_id = %board, error = %e.message, "analytics: will retry");
            }
            if rebuild {
                s.boards_done.fetch_add(1, Ordering::Relaxed);
                if (n + 1) % 100 == 0 {
                    tracing::info!(done = n + 1, of = boards.len(), "analytics: rebuilding");
                }
            }
        }
        if rebuild {
            s.rebuilding.store(false, Ordering::Relaxed);
            tracing::info!("analytics: rebuilt");
        }
    }

    /// Follows the bus and passes over every board until `stop`, writing snapshots as it
    /// goes and once more at the end.
    pub fn start(&self, bus: &DynBus, mut stop: watch::Receiver<bool>) -> Option<tokio::task::JoinHandle<()>> {
        let settings = self.settings.clone()?;
        let this = self.clone();
        let mut events = bus.subscribe();
        Some(tokio::spawn(async move {
            this.load_snapshots();
            this.pass().await;
            let mut every = tokio::time::interval(PASS_EVERY);
            every.tick().await;
            let mut snapshots = tokio::time::interval(settings.snapshot_every);
            snapshots.tick().await;
            let mut done: HashMap<BoardId, i64> = HashMap::new();
            loop {
                tokio::select! {
                    changed = stop.changed() => {
                        if changed.is_err() || *stop.borrow() {
                            break;
                        }
                    }
                    _ = every.tick() => this.pass().await,
                    _ = snapshots.tick() => {
                        let this = this.clone();
                        let _ = tokio::task::spawn_blocking(move || this.write_snapshots()).await;
                    }
                    received = events.recv() => match received {
                        Ok(event) => {
                            if done.get(&event.board_id).is_some_and(|seq| *seq >= event.seq) {
                                continue;
                            }
                            match this.catch_up(event.board_id).await {
                                Ok(cell) => {
                                    done.insert(event.board_id, read(&cell).seq());
                                }
                                Err(e) => tracing::warn!(board_id = %event.board_id, error = %e.message, "analytics: will retry"),
                            }
                        }
                        Err(RecvError::Lagged(_)) => this.pass().await,
                        Err(RecvError::Closed) => break,
                    },
                }
            }
            let this2 = this.clone();
            let _ = tokio::task::spawn_blocking(move || this2.write_snapshots()).await;
        }))
    }
}
