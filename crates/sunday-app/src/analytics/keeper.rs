//! The keeper of this node's aggregates of every board ([`sunday_analytics::BoardFacts`]),
//! on nodes with the `worker` role: it reads each board's events after the aggregates'
//! position, as the search indexer does. The bus announces new events, a pass over every board
//! with events runs at start (a rebuild, with progress for `/ready`, when there were no
//! snapshots to start from) and every [`PASS_EVERY`] after. A question first reads whatever its
//! boards' logs gained since (usually nothing), so it sees the asker's own last write. Changed
//! boards' snapshots are written every `snapshot_every` and when the node stops, so a restart
//! reads only the log after them.
//!
//! The aggregates are held within a memory budget ([`KeepSettings::budget`], by their own
//! estimate): past it, the least recently used boards are written to their snapshots and
//! dropped ("away"). An away board is not followed; a question about it reads its snapshot back
//! and the log after it, like a restart does for one board.

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
use sunday_analytics::BoardFacts;
use sunday_bus::{DynBus, RecvError};
use sunday_store::Store;
use sunday_types::{
    analytics::{AnalyticsAnswer, AnalyticsQuery, AnalyticsStatus, ReportAnswer, ReportRequest},
    ApiError, BoardId, UserId,
};
use tokio::sync::watch;

use crate::keyed_locks::KeyedLocks;

/// Events read per step.
const BATCH: usize = 2000;
/// How often every board is looked at again.
const PASS_EVERY: Duration = Duration::from_secs(30);
/// A name in the consumer cursors that never moves: its backlog is every board with events.
const EVERY_BOARD: &str = "analytics:every-board";

/// Where and how often this node writes its aggregates down, and where others reach it.
#[derive(Clone, Debug)]
pub struct KeepSettings {
    /// Snapshots' directory (none: kept in memory only, rebuilt at every start).
    pub dir: Option<PathBuf>,
    pub snapshot_every: Duration,
    /// The URL other nodes reach this one at: it then takes part for the `analytics` lease,
    /// whose holder answers the questions of nodes that keep no aggregates.
    pub advertise_url: Option<String>,
    /// Bytes the aggregates may take before boards are sent away (`usize::MAX`: no bound).
    pub budget: usize,
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
    /// Each held board's estimated bytes and when it was last caught up or asked about.
    held: Mutex<HashMap<BoardId, (usize, u64)>>,
    clock: AtomicU64,
    /// Boards dropped from memory to stay within the budget (or never read in, at start):
    /// their aggregates are in their snapshot, or rebuilt from the log without a directory.
    away: Mutex<HashSet<BoardId>>,
    /// Boards read from their snapshots since the start (the status's `snapshots_read`).
    snapshots_read: AtomicU64,
}

#[derive(Clone)]
pub struct Keeper {
    store: Arc<dyn Store>,
    settings: KeepSettings,
    shared: Arc<Shared>,
}

/// Runs `answer` over the boards' aggregates on a blocking thread (a scan of millions of rows
/// must not hold up the async workers), their read locks taken in board order, so two
/// questions naming the same boards in different orders never wait on each other.
async fn scan<T: Send + 'static>(
    mut cells: Vec<Cell>,
    answer: impl FnOnce(&[&BoardFacts]) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(move || {
        let ids: Vec<BoardId> = cells.iter().map(|c| read(c).board()).collect();
        let mut order: Vec<usize> = (0..cells.len()).collect();
        order.sort_by_key(|i| ids[*i]);
        let sorted: Vec<(usize, std::sync::RwLockReadGuard<'_, BoardFacts>)> =
            order.iter().map(|i| (*i, read(&cells[*i]))).collect();
        // Answered in the order the question named its boards.
        let mut facts: Vec<(usize, &BoardFacts)> = sorted.iter().map(|(i, g)| (*i, &**g)).collect();
        facts.sort_by_key(|(i, _)| *i);
        let facts: Vec<&BoardFacts> = facts.into_iter().map(|(_, f)| f).collect();
        let out = answer(&facts);
        drop(sorted);
        cells.clear();
        out
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|p| p.into_inner())
}

/// Writes the board's snapshot atomically: a new file, synced, renamed over the old (after a
/// crash the file is the old snapshot or the new, never a torn one under the final name). The
/// aggregates are read (locked) only while they are serialized into the file, not while it
/// is synced.
fn write_snapshot(dir: &std::path::Path, board: BoardId, cell: &RwLock<BoardFacts>) -> Result<(), String> {
    let path = dir.join(format!("{board}.snap"));
    let tmp = dir.join(format!("{board}.snap.tmp"));
    let written = || -> Result<(), String> {
        let file = std::fs::File::create(&tmp).map_err(|e| e.to_string())?;
        let out = read(cell).write_to(std::io::BufWriter::with_capacity(1 << 16, file)).map_err(|e| e.to_string())?;
        let file = out.into_inner().map_err(|e| e.to_string())?;
        file.sync_all().map_err(|e| e.to_string())?;
        std::fs::rename(&tmp, &path).map_err(|e| e.to_string())
    };
    written()
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// Reads a snapshot file; `None` when it is missing, and an unreadable one is removed.
fn read_snapshot(path: &std::path::Path) -> Option<BoardFacts> {
    let bytes = std::fs::read(path).ok()?;
    match BoardFacts::from_bytes(&bytes) {
        Ok(facts) => Some(facts),
        Err(e) => {
            tracing::warn!(file = %path.display(), error = %e, "analytics: unreadable snapshot; its board is rebuilt from the event log");
            let _ = std::fs::remove_file(path);
            None
        }
    }
}

impl Keeper {
    pub fn new(store: Arc<dyn Store>, settings: KeepSettings) -> Keeper {
        Keeper { store, settings, shared: Arc::default() }
    }

    /// The URL other nodes reach this one at, when it answers for the cluster.
    pub fn advertise_url(&self) -> Option<&str> {
        self.settings.advertise_url.as_deref()
    }

    /// What the aggregates hold, and how a rebuild is going.
    pub fn status(&self) -> AnalyticsStatus {
        let s = &self.shared;
        let boards = read(&s.boards);
        let (mut items, mut events) = (0, 0);
        let memory_bytes = lock(&s.held).values().map(|(bytes, _)| *bytes as u64).sum();
        let boards_away = lock(&s.away).len() as u64;
        for cell in boards.values() {
            let facts = read(cell);
            items += facts.live_items();
            events += facts.events();
        }
        AnalyticsStatus {
            rebuilding: s.rebuilding.load(Ordering::Relaxed),
            boards_done: s.boards_done.load(Ordering::Relaxed),
            boards_total: s.boards_total.load(Ordering::Relaxed),
            boards: boards.len() as u64,
            items,
            events,
            memory_bytes,
            boards_away,
            snapshots_read: s.snapshots_read.load(Ordering::Relaxed),
        }
    }

    /// Whether a rebuild is under way (for `/ready`, without counting items).
    pub fn rebuilding(&self) -> (bool, u64, u64) {
        let s = &self.shared;
        (
            s.rebuilding.load(Ordering::Relaxed),
            s.boards_done.load(Ordering::Relaxed),
            s.boards_total.load(Ordering::Relaxed),
        )
    }

    /// Answers a question for `user` (who the API node found may read its boards).
    pub async fn query(&self, user: UserId, q: AnalyticsQuery) -> Result<AnalyticsAnswer, ApiError> {
        let cells = self.caught_up(&q.board_ids).await?;
        scan(cells, move |facts| sunday_analytics::query(facts, &q, Utc::now(), user)).await
    }

    /// Answers a report (its boards checked readable by the API node).
    pub async fn report(&self, r: ReportRequest) -> Result<ReportAnswer, ApiError> {
        let cells = self.caught_up(&sunday_analytics::report_boards(&r)).await?;
        scan(cells, move |facts| sunday_analytics::report(facts, &r, Utc::now())).await
    }

    async fn caught_up(&self, ids: &[BoardId]) -> Result<Vec<Cell>, ApiError> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.catch_up(*id).await?);
        }
        Ok(out)
    }

    /// The board's aggregates: held, read back from the snapshot it was sent away to, or new
    /// (to be read from the log). Called with the board's catch-up lock held, so a board comes
    /// back once.
    async fn cell(&self, board: BoardId) -> Cell {
        if let Some(cell) = read(&self.shared.boards).get(&board) {
            return cell.clone();
        }
        let came_back = lock(&self.shared.away).remove(&board);
        let mut facts = None;
        if let (true, Some(dir)) = (came_back, &self.settings.dir) {
            let path = dir.join(format!("{board}.snap"));
            facts = tokio::task::spawn_blocking(move || read_snapshot(&path)).await.ok().flatten();
            if facts.is_some() {
                self.shared.snapshots_read.fetch_add(1, Ordering::Relaxed);
            }
        }
        let facts = facts.unwrap_or_else(|| BoardFacts::new(board));
        write(&self.shared.boards).entry(board).or_insert_with(|| Arc::new(RwLock::new(facts))).clone()
    }

    /// Notes the board's size and use, then sends the least recently used others away while
    /// the aggregates are over the budget.
    async fn held(&self, board: BoardId, cell: &Cell) {
        let s = &self.shared;
        let bytes = read(cell).bytes();
        let now = s.clock.fetch_add(1, Ordering::Relaxed);
        let over = {
            let mut held = lock(&s.held);
            held.insert(board, (bytes, now));
            held.values().map(|(b, _)| *b).sum::<usize>() > self.settings.budget
        };
        if over {
            let this = self.clone();
            let _ = tokio::task::spawn_blocking(move || this.trim(board)).await;
        }
    }

    /// Sends boards other than `keep` away, least recently used first, until the aggregates
    /// fit the budget (a board larger than it stays, alone).
    fn trim(&self, keep: BoardId) {
        let s = &self.shared;
        let (mut total, mut order) = {
            let held = lock(&s.held);
            let order: Vec<(u64, BoardId, usize)> =
                held.iter().filter(|(b, _)| **b != keep).map(|(b, (bytes, used))| (*used, *b, *bytes)).collect();
            (held.values().map(|(b, _)| *b).sum::<usize>(), order)
        };
        order.sort_unstable();
        for (_, board, bytes) in order {
            if total <= self.settings.budget {
                break;
            }
            if self.send_away(board) {
                total = total.saturating_sub(bytes);
            }
        }
    }

    /// Writes the board's snapshot if it has changed since (or has none), then drops it from
    /// memory. False if the snapshot could not be written (the board stays).
    fn send_away(&self, board: BoardId) -> bool {
        let s = &self.shared;
        let Some(cell) = read(&s.boards).get(&board).cloned() else {
            lock(&s.held).remove(&board);
            return true;
        };
        if let Some(dir) = &self.settings.dir {
            let path = dir.join(format!("{board}.snap"));
            if lock(&s.dirty).remove(&board) || !path.exists() {
                if let Err(e) = write_snapshot(dir, board, &cell) {
                    tracing::warn!(board_id = %board, error = %e, "analytics: could not write a snapshot; the board stays in memory");
                    lock(&s.dirty).insert(board);
                    return false;
                }
            }
        }
        // Marked away before it leaves the map, under the map's lock: whoever misses it in the
        // map finds it away and reads the snapshot back.
        let mut boards = write(&s.boards);
        lock(&s.away).insert(board);
        boards.remove(&board);
        lock(&s.held).remove(&board);
        tracing::debug!(board_id = %board, "analytics: board sent away to its snapshot (memory budget)");
        true
    }

    /// Whether the board's aggregates are away (not followed until asked about).
    fn is_away(&self, board: BoardId) -> bool {
        lock(&self.shared.away).contains(&board)
    }

    /// Folds in the board's events after the aggregates' position, then, if some of them
    /// changed items without an event each, reads the items again once the log is read (so a
    /// rebuild replays the history first and dates what the reload finds at the change that
    /// asked for it). A pending reload survives a failure (and a restart, in the snapshot).
    pub async fn catch_up(&self, board: BoardId) -> Result<Cell, ApiError> {
        let (_turn, _) = self.shared.catching_up.lock(board).await;
        let cell = self.cell(board).await;
        // Built from nothing, the board is compared with its items once the log is read: logs
        // written before subitems deleted with their parent had events of their own lack them.
        let fresh = read(&cell).seq() == 0;
        let mut last_at = None;
        loop {
            let at = read(&cell).seq();
            let events = self.store.events_after(board, at, BATCH).await?;
            if events.is_empty() {
                break;
            }
            if at == 0 {
                // A board read from its start: its columns and groups as they are now (the log
                // then adds, changes and removes them from its first event on).
                let columns = self.store.columns(board).await?;
                let groups = self.store.groups(board, None).await?;
                write(&cell).set_structure(&columns, &groups);
            }
            {
                let mut facts = write(&cell);
                for e in &events {
                    facts.apply(e);
                }
            }
            last_at = events.last().map(|e| e.created_at);
            lock(&self.shared.dirty).insert(board);
            if events.len() < BATCH {
                break;
            }
        }
        if let (true, Some(at)) = (fresh, last_at) {
            write(&cell).want_reload(at);
        }
        if read(&cell).pending_reload().is_some() {
            self.reload(board, &cell).await?;
            lock(&self.shared.dirty).insert(board);
        }
        self.held(board, &cell).await;
        Ok(cell)
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

    /// Reads the snapshots under the settings' directory, one at a time, until the budget is
    /// reached (the rest stay away, read when asked about); an unreadable one is removed (its
    /// board is rebuilt from the log), and none at all means the first pass is a rebuild.
    pub async fn load_snapshots(&self) {
        let Some(dir) = self.settings.dir.clone() else {
            self.shared.rebuild.store(true, Ordering::Relaxed);
            return;
        };
        let shown = dir.display().to_string();
        // The files are read off the async workers, and without holding the boards' map, so
        // questions asked meanwhile are answered (from the log).
        let listed = dir.clone();
        let paths = tokio::task::spawn_blocking(move || {
            if let Err(e) = std::fs::create_dir_all(&listed) {
                tracing::warn!(dir = %listed.display(), error = %e, "analytics: cannot create the snapshot directory");
            }
            let entries = std::fs::read_dir(&listed).into_iter().flatten().flatten();
            entries.map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "snap")).collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        let (mut loaded, mut away, mut unreadable, mut used) = (0, 0, false, 0usize);
        for path in paths {
            let file = path.clone();
            let Some(facts) = tokio::task::spawn_blocking(move || read_snapshot(&file)).await.ok().flatten() else {
                unreadable = true;
                continue;
            };
            // A snapshot of a deleted board, or ahead of the store's log (a database restored
            // from before it), is dropped: the board is read from its log again.
            match self.store.board(facts.board()).await {
                Ok(Some(board)) if board.last_seq >= facts.seq() => {}
                Ok(_) => {
                    tracing::info!(file = %path.display(), "analytics: snapshot of a deleted board or ahead of the store; dropped");
                    let _ = std::fs::remove_file(&path);
                    continue;
                }
                Err(e) => tracing::warn!(error = %e, "analytics: could not check a snapshot against the store"),
            }
            let (board, bytes) = (facts.board(), facts.bytes());
            if used + bytes > self.settings.budget {
                lock(&self.shared.away).insert(board);
                away += 1;
                continue;
            }
            let mut boards = write(&self.shared.boards);
            // A board a question read meanwhile keeps what it read, if that is further along.
            let keep = boards.get(&board).is_some_and(|c| read(c).seq() >= facts.seq());
            if !keep {
                boards.insert(board, Arc::new(RwLock::new(facts)));
                used += bytes;
                let now = self.shared.clock.fetch_add(1, Ordering::Relaxed);
                lock(&self.shared.held).insert(board, (bytes, now));
                self.shared.snapshots_read.fetch_add(1, Ordering::Relaxed);
            }
            loaded += 1;
        }
        if loaded + away == 0 || unreadable {
            self.shared.rebuild.store(true, Ordering::Relaxed);
        }
        tracing::info!(boards = loaded, away, dir = %shown, "analytics: snapshots read");
    }

    /// Writes the snapshots of boards changed since their last one.
    pub fn write_snapshots(&self) {
        let Some(dir) = self.settings.dir.clone() else { return };
        let dirty: Vec<BoardId> = std::mem::take(&mut *lock(&self.shared.dirty)).into_iter().collect();
        for board in dirty {
            let Some(cell) = read(&self.shared.boards).get(&board).cloned() else { continue };
            let written = write_snapshot(&dir, board, &cell);
            if let Err(e) = written {
                tracing::warn!(board_id = %board, error = %e, "analytics: could not write a snapshot; will retry");
                lock(&self.shared.dirty).insert(board);
            }
        }
    }

    /// Catches up every board with events, reporting progress when it is a rebuild.
    pub async fn pass(&self) {
        let boards = match crate::consumer::backlog(self.store.as_ref(), EVERY_BOARD).await {
            Ok(boards) => boards,
            Err(e) => {
                tracing::warn!(error = %e, "analytics: could not list the boards");
                return;
            }
        };
        let s = &self.shared;
        let rebuild = s.rebuild.swap(false, Ordering::Relaxed);
        if rebuild {
            s.boards_total.store(boards.len() as u64, Ordering::Relaxed);
            s.boards_done.store(0, Ordering::Relaxed);
            s.rebuilding.store(true, Ordering::Relaxed);
            tracing::info!(boards = boards.len(), "analytics: rebuilding the aggregates from the event log");
        }
        for (n, board) in boards.iter().enumerate() {
            // An away board is caught up when asked about.
            if !self.is_away(*board) {
                if let Err(e) = self.catch_up(*board).await {
                    tracing::warn!(board_id = %board, error = %e.message, "analytics: will retry");
                }
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
    pub fn start(&self, bus: &DynBus, mut stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
        let settings = self.settings.clone();
        let this = self.clone();
        let mut events = bus.subscribe();
        // Until the first pass is over the aggregates may lag the log (snapshots still loading,
        // or a rebuild not yet counted): `/ready` says so from the start, not once it begins.
        self.shared.rebuilding.store(true, Ordering::Relaxed);
        // Below the requests: under a flood of writes the aggregates lag a moment and catch up.
        sunday_priority::followers().spawn(async move {
            this.load_snapshots().await;
            this.pass().await;
            // (A pass that could not list the boards left its rebuild to the next one.)
            if !this.shared.rebuild.load(Ordering::Relaxed) {
                this.shared.rebuilding.store(false, Ordering::Relaxed);
            }
            let mut every = tokio::time::interval(PASS_EVERY);
            every.tick().await;
            let mut snapshots = tokio::time::interval(settings.snapshot_every);
            snapshots.tick().await;
            // Under load, a pass per LINGER rather than per write.
            let mut gather = crate::consumer::Gather::default();
            loop {
                tokio::select! {
                    changed = stop.changed() => {
                        if changed.is_err() || *stop.borrow() {
                            break;
                        }
                    }
                    _ = every.tick() => this.pass().await,
                    _ = snapshots.tick() => {
                        // Below the requests: a 1,000,000-item board's snapshot is tens of
                        // megabytes written at once, every `snapshot_every` under load.
                        let this = this.clone();
                        let below = move || sunday_priority::below(sunday_priority::Nice::FOLLOWER, || this.write_snapshots());
                        let _ = tokio::task::spawn_blocking(below).await;
                    }
                    _ = tokio::time::sleep_until(gather.due()) => {
                        for board in gather.take() {
                            match this.catch_up(board).await {
                                Ok(cell) => gather.done(board, read(&cell).seq()),
                                Err(e) => tracing::warn!(board_id = %board, error = %e.message, "analytics: will retry"),
                            }
                        }
                    }
                    received = events.recv() => match received {
                        // An away board is caught up when asked about.
                        Ok(event) if this.is_away(event.board_id) => {}
                        Ok(event) => gather.announce(event.board_id, event.seq),
                        Err(RecvError::Lagged(_)) => this.pass().await,
                        Err(RecvError::Closed) => break,
                    },
                }
            }
            let this2 = this.clone();
            let _ = tokio::task::spawn_blocking(move || this2.write_snapshots()).await;
        })
    }
}
