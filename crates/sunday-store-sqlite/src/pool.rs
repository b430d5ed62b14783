//! One writer connection and a fixed set of reader connections, used from tokio's blocking
//! pool. A reader is checked out for one closure; when all are busy the caller waits on a
//! condition variable (bounded by the pool size, so memory stays fixed).
//!
//! Transactions are group-committed: callers queue their work, and whichever caller finds the
//! writer idle leads, running every queued job in one SQLite transaction, each inside its own
//! savepoint (a failing job rolls back alone), then committing once and acknowledging each
//! caller only after that commit. Jobs that arrive while a batch runs form the next batch;
//! and when the last batch held several jobs (several writers are active), the leader waits a
//! little, never longer than the configured bound, for as many to queue before it begins:
//! on a busy node the writers' requests are still being handled when the writer turns to the
//! queue, and a commit shared by more of them costs each one less (fewer syncs, fewer pages
//! written per change). A lone writer never waits. With `synchronous = FULL` one sync serves
//! the whole batch.

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Condvar, Mutex},
    time::Duration,
};

use rusqlite::{Connection, OpenFlags};
use sunday_store::{PoolStats, StoreError, StoreResult};

use crate::error::db_err;

#[derive(Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

struct Inner {
    writer: Mutex<Connection>,
    queue: Mutex<Queue>,
    /// Signalled when a job is queued, for a leader gathering its batch.
    queued: Condvar,
    /// The longest a leader waits to gather a batch.
    max_wait: Duration,
    readers: Mutex<Vec<Connection>>,
    reader_freed: Condvar,
    size: usize,
    /// Tells the checkpoint thread to stop.
    checkpoints: Arc<Stop>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.checkpoints.set();
    }
}

/// A flag a sleeping thread wakes up for.
#[derive(Default)]
struct Stop {
    stopped: Mutex<bool>,
    signal: Condvar,
}

impl Stop {
    fn set(&self) {
        if let Ok(mut stopped) = self.stopped.lock() {
            *stopped = true;
        }
        self.signal.notify_all();
    }

    /// Sleeps for `d` or until stopped; whether it was stopped.
    fn sleep(&self, d: Duration) -> bool {
        let Ok(stopped) = self.stopped.lock() else { return true };
        match self.signal.wait_timeout_while(stopped, d, |stopped| !*stopped) {
            Ok((stopped, _)) => *stopped,
            Err(_) => true,
        }
    }
}

/// Moves committed pages from the WAL into the database every [`CHECKPOINT_EVERY`], on a
/// connection of its own, until the pool is gone.
///
/// SQLite's default runs a checkpoint inside the commit that takes the WAL past 1,000 pages:
/// that commit, and every write queued behind it, waits for the checkpoint's copy and its two
/// syncs. After a long read (a backup's snapshot) the WAL holds everything written meanwhile,
/// and the first checkpoint after it copied hundreds of megabytes inside one commit: 770 ms
/// of writes stalled, the p99 of writes during a backup (bench/ops.sh). A passive checkpoint
/// here blocks neither readers nor the writer, and with `synchronous = NORMAL` the writer
/// itself never syncs. `journal_size_limit` (in `configure`) shrinks the WAL file back after
/// a burst.
///
/// While a long read keeps the checkpoint from moving pages, nothing else syncs the WAL: what
/// the writer appends piles up in the page cache for the kernel to write out later, hundreds
/// of megabytes at once. Syncing the WAL at every tick writes it out as it grows, a few
/// megabytes at a time. (In bench/ops.sh, writes stalled 33 s into a slow backup without
/// this and 40 s in with it: it helps, and is not the whole story; BENCHMARKS.md.)
fn checkpoints(conn: Connection, wal: PathBuf, stop: Arc<Stop>) {
    while !stop.sleep(CHECKPOINT_EVERY) {
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(error = %e, "sqlite checkpoint failed");
        }
        // The WAL is there while the pool's connections are open; a sync that fails is only a
        // missed chance to write early (SQLite syncs what it must itself).
        if let Ok(file) = std::fs::File::open(&wal) {
            let _ = file.sync_data();
        }
    }
}

const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Transactions waiting for the writer, and whether a caller is already leading them.
#[derive(Default)]
struct Queue {
    jobs: Vec<Job>,
    leading: bool,
    /// How many jobs the last batch held: about how many writers are active.
    last_batch: usize,
}

/// A caller's transaction: runs its work on the writer (inside the batch's transaction) and
/// returns how to finish it once the batch's commit is known, and whether its savepoint ended
/// cleanly (if not, the whole batch is rolled back).
type Job = Box<dyn FnOnce(&Connection) -> (Done, bool) + Send>;
/// Finishing a job once its batch's commit is known: runs its commit hook and returns its
/// caller's answer, sent only after every job of the batch ran its hook.
type Done = Box<dyn FnOnce(&StoreResult<()>) -> Reply + Send>;
type Reply = Box<dyn FnOnce() + Send>;

/// Most jobs in one batch, so one caller's wait stays bounded under a flood of writes.
const BATCH_MAX: usize = 256;

/// What an acknowledged write survives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous = FULL`: every commit is on disk before it is acknowledged; it survives a
    /// power loss or an OS crash.
    Full,
    /// `synchronous = NORMAL`: commits survive a crash of Sunday itself, but a power loss or
    /// an OS crash may roll back the last ones (never corrupting the file).
    Normal,
}

fn configure(conn: &Connection, durability: Durability) -> StoreResult<()> {
    let synchronous = match durability {
        Durability::Full => "PRAGMA synchronous = FULL;",
        Durability::Normal => "PRAGMA synchronous = NORMAL;",
    };
    conn.execute_batch(synchronous).map_err(db_err)?;
    // `temp_store = MEMORY` keeps statement journals (every UPDATE of an indexed row inside a
    // commit writes one) in memory rather than in a temp file written page by page: a quarter
    // of a background formula recompute went to those writes.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 5000;
         PRAGMA cache_size = -16000;
         PRAGMA mmap_size = 0;
         PRAGMA temp_store = MEMORY;
         PRAGMA journal_size_limit = 67108864;",
    )
    .map_err(db_err)?;
    // Every statement goes through `prepare_cached`; the default 16 entries would evict hot
    // statements once commits, reads and bookkeeping share a connection.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(())
}

/// How much of the file a whole-board scan maps into memory ([`Pool::scan`]). Mapped reads
/// skip a read() per page: a 1,000,000-item board loads in 4.0-4.8 s instead of 5.2-6.6 s
/// from a cold cache. Other reads do not map: with a mapping, SQLite looks every page up in
/// the WAL's index before its own cache (`walFindFrame`), and behind a long read snapshot (a
/// backup) the WAL grows to hundreds of megabytes that cannot be checkpointed: that lookup
/// went from 1.4% to 9.7% of the server's CPU during a backup (BENCHMARKS.md, issue 17).
const SCAN_MMAP_BYTES: i64 = 1 << 30;

/// Prepared statements kept per connection: more than Sunday has distinct statements.
const STATEMENT_CACHE: usize = 128;

impl Pool {
    /// Opens the pool; a write batch waits at most `max_wait` for more jobs (zero: never).
    pub fn open(path: &Path, readers: usize, durability: Durability, max_wait: Duration) -> StoreResult<Pool> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| StoreError::Unavailable(format!("cannot create {}: {e}", dir.display())))?;
            }
        }
        let open = |flags: OpenFlags| -> StoreResult<Connection> {
            let conn = Connection::open_with_flags(path, flags)
                .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))?;
            configure(&conn, durability)?;
            Ok(conn)
        };
        let writer =
            open(OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        // Checkpoints run on a thread of their own, never in a commit (see `checkpoints`).
        writer.execute_batch("PRAGMA wal_autocheckpoint = 0").map_err(db_err)?;
        let checkpointer = open(OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        let readers = (0..readers)
            .map(|_| open(OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX))
            .collect::<StoreResult<Vec<_>>>()?;
        let size = readers.len() + 1;
        let stop = Arc::new(Stop::default());
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        let wal = PathBuf::from(wal);
        let thread_stop = stop.clone();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || checkpoints(checkpointer, wal, thread_stop))
            .map_err(StoreError::internal)?;
        Ok(Pool {
            inner: Arc::new(Inner {
                writer: Mutex::new(writer),
                queue: Mutex::new(Queue::default()),
                queued: Condvar::new(),
                max_wait,
                readers: Mutex::new(readers),
                reader_freed: Condvar::new(),
                size,
                checkpoints: stop,
            }),
        })
    }

    pub fn stats(&self) -> PoolStats {
        let idle_readers = self.inner.readers.lock().map(|r| r.len()).unwrap_or(0);
        let writer_idle = usize::from(self.inner.writer.try_lock().is_ok());
        PoolStats { size: self.inner.size, available: idle_readers + writer_idle }
    }

    /// Runs `f` on a reader connection, inline on the calling thread when a reader is free.
    ///
    /// Every read Sunday issues is a bounded lookup (by key, or a page of at most a few hundred
    /// rows through an index) that SQLite answers from its page cache in microseconds; handing
    /// it to the blocking pool cost more than the query itself (W1 in BENCHMARKS.md: three
    /// hops per request held throughput at 0.09x of raw axum). When every reader is busy the
    /// call waits for one on the blocking pool instead, so an async worker never sleeps.
    pub async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        if let Some(conn) = self.inner.try_checkout() {
            let result = f(&conn);
            self.inner.checkin(conn);
            return result;
        }
        self.read_blocking(f).await
    }

    /// Runs `f` on a reader connection on the blocking pool: for scans whose cost grows with
    /// the data (loading a whole board), which must not stall an async worker.
    pub async fn read_blocking<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let conn = inner.checkout()?;
            let result = f(&conn);
            inner.checkin(conn);
            result
        })
        .await
        .map_err(StoreError::internal)?
    }

    /// [`Pool::read_blocking`] with the file mapped into memory while `f` runs: for reads of
    /// most of a board's pages in a row (loading it into the engine). See [`SCAN_MMAP_BYTES`].
    pub async fn scan<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        self.read_blocking(move |c| {
            c.pragma_update(None, "mmap_size", SCAN_MMAP_BYTES).map_err(db_err)?;
            let result = f(c);
            // Unmapped again before the connection serves point reads (if that fails they are
            // only slower during a backup).
            if let Err(e) = c.pragma_update(None, "mmap_size", 0) {
                tracing::warn!(error = %e, "sqlite: a reader stays memory-mapped after a scan");
            }
            result
        })
        .await
    }

    /// Runs `f` on the writer connection, outside any explicit transaction (single
    /// statements are atomic on their own).
    pub async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = inner.writer.lock().map_err(|_| StoreError::internal("sqlite writer lock poisoned"))?;
            f(&mut conn)
        })
        .await
        .map_err(StoreError::internal)?
    }

    /// Runs `f` atomically on the writer: its writes are committed (with those of the other
    /// transactions of its batch) when it returns `Ok`, and rolled back, alone, when it
    /// returns an error. Answers only once the commit is done (or has failed).
    pub async fn transaction<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        self.transaction_then(f, |_| {}).await
    }

    /// [`Pool::transaction`], with `committed` run on the writer once the batch has committed,
    /// before any caller of the batch is answered.
    pub async fn transaction_then<T, F, C>(&self, f: F, committed: C) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
        C: FnOnce(&T) + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel::<StoreResult<T>>();
        let job: Job = Box::new(move |conn| {
            let (outcome, clean) = in_savepoint(conn, f);
            let done: Done = Box::new(move |batch: &StoreResult<()>| {
                let result = match (outcome, batch) {
                    (Ok(value), Ok(())) => Ok(value),
                    (Err(e), _) => Err(e),
                    (Ok(_), Err(e)) => Err(StoreError::Unavailable(format!("the write was not committed: {e}"))),
                };
                if let Ok(value) = &result {
                    committed(value);
                }
                Box::new(move || {
                    let _ = reply.send(result);
                })
            });
            (done, clean)
        });
        let lead = {
            let mut queue = self.inner.queue.lock().map_err(|_| StoreError::internal("sqlite write queue poisoned"))?;
            queue.jobs.push(job);
            !std::mem::replace(&mut queue.leading, true)
        };
        if !lead {
            self.inner.queued.notify_one();
        }
        if lead {
            let inner = self.inner.clone();
            tokio::task::spawn_blocking(move || inner.lead());
        }
        answer.await.map_err(|_| StoreError::Unavailable("the write was not committed; retry".into()))?
    }
}

/// Runs `f` inside a savepoint: kept when it succeeds, undone when it fails (or panics), so
/// one caller's failure leaves the rest of its batch alone. The flag is `false` when the
/// savepoint could not be ended: then what `f` left cannot be told apart from the rest, and
/// the leader rolls the whole batch back rather than commit a write it reported failed.
fn in_savepoint<T>(conn: &Connection, f: impl FnOnce(&Connection) -> StoreResult<T>) -> (StoreResult<T>, bool) {
    if let Err(e) = run(conn, "SAVEPOINT job") {
        return (Err(e), true);
    }
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(conn)))
        .unwrap_or_else(|_| Err(StoreError::internal("a store write panicked")));
    let end = match outcome.is_ok() {
        true => run(conn, "RELEASE job"),
        false => run(conn, "ROLLBACK TO job").and_then(|()| run(conn, "RELEASE job")),
    };
    match end {
        Ok(()) => (outcome, true),
        Err(e) => (Err(e), false),
    }
}

/// Runs one statement without parameters, prepared once per connection (these run several
/// times per write; parsing them each time showed in profiles).
fn run(conn: &Connection, sql: &str) -> StoreResult<()> {
    conn.prepare_cached(sql).and_then(|mut s| s.execute([])).map(|_| ()).map_err(db_err)
}

impl Inner {
    /// Runs batches of queued transactions until the queue is empty, then steps down.
    fn lead(&self) {
        loop {
            let jobs = match self.queue.lock() {
                Ok(queue) => {
                    let mut queue = self.gather(queue);
                    if queue.jobs.is_empty() {
                        queue.leading = false;
                        queue.last_batch = 0;
                        return;
                    }
                    let n = queue.jobs.len().min(BATCH_MAX);
                    queue.last_batch = n;
                    metrics::histogram!("store_write_batch_jobs").record(n as f64);
                    queue.jobs.drain(..n).collect::<Vec<Job>>()
                }
                // Dropping the jobs answers their callers with an error.
                Err(_) => return,
            };
            // A panic elsewhere on the writer poisons the lock but leaves the connection usable
            // (SQLite rolls back an unfinished transaction at the next BEGIN's failure).
            let conn = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if let Err(e) = run(&conn, "BEGIN IMMEDIATE") {
                // The jobs never ran: dropping them answers each caller with an error.
                tracing::warn!(error = %e, "sqlite could not begin a write batch");
                let _ = run(&conn, "ROLLBACK");
                drop(jobs);
                continue;
            }
            let mut clean = true;
            let done: Vec<Done> = jobs
                .into_iter()
                .map(|job| {
                    let (done, ended) = job(&conn);
                    clean &= ended;
                    done
                })
                .collect();
            let committed = if clean {
                match run(&conn, "COMMIT") {
                    Ok(()) => Ok(()),
                    Err(e) => {
                        let _ = run(&conn, "ROLLBACK");
                        Err(e)
                    }
                }
            } else {
                let _ = run(&conn, "ROLLBACK");
                Err(StoreError::internal("a failed write could not be undone alone; its batch was rolled back"))
            };
            drop(conn);
            // Every hook first (the event tail records the whole batch), then the answers: a
            // caller woken by its answer finds every event of the batch kept.
            let replies: Vec<Reply> = done.into_iter().map(|d| d(&committed)).collect();
            for reply in replies {
                reply();
            }
        }
    }

    /// Waits, up to `max_wait`, until as many jobs are queued as the last batch held (when
    /// it held more than one), so the writers that are active share the next commit.
    fn gather<'q>(&self, queue: std::sync::MutexGuard<'q, Queue>) -> std::sync::MutexGuard<'q, Queue> {
        let want = queue.last_batch.min(BATCH_MAX);
        if want <= 1 || queue.jobs.len() >= want || self.max_wait.is_zero() {
            return queue;
        }
        match self.queued.wait_timeout_while(queue, self.max_wait, |q| q.jobs.len() < want) {
            Ok((queue, _)) => queue,
            Err(poisoned) => poisoned.into_inner().0,
        }
    }

    fn try_checkout(&self) -> Option<Connection> {
        self.readers.lock().ok()?.pop()
    }

    fn checkout(&self) -> StoreResult<Connection> {
        let mut readers = self.readers.lock().map_err(|_| StoreError::internal("sqlite reader pool poisoned"))?;
        loop {
            if let Some(conn) = readers.pop() {
                return Ok(conn);
            }
            readers =
                self.reader_freed.wait(readers).map_err(|_| StoreError::internal("sqlite reader pool poisoned"))?;
        }
    }

    fn checkin(&self, conn: Connection) {
        if let Ok(mut readers) = self.readers.lock() {
            readers.push(conn);
            self.reader_freed.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Committed pages reach the database file from the checkpoint thread with no commit
    /// doing it (the writer's automatic checkpoints are off), and the thread ends with the
    /// pool.
    #[tokio::test]
    async fn checkpoints_run_beside_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let pool = Pool::open(&path, 1, Durability::Normal, Duration::ZERO).unwrap();
        pool.write(|c| c.execute_batch("CREATE TABLE t (n INTEGER PRIMARY KEY, s TEXT)").map_err(db_err))
            .await
            .unwrap();
        let size = || std::fs::metadata(&path).unwrap().len();
        let before = size();
        pool.write(|c| {
            c.execute(
                "INSERT INTO t WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM s WHERE v < 10000) \
                 SELECT v, printf('%.200c', 'x') FROM s",
                [],
            )
            .map_err(db_err)
        })
        .await
        .unwrap();
        assert!(size() < before + 100_000, "the rows are in the WAL at first: {}", size());
        let mut moved = false;
        for _ in 0..40 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if size() > 1_000_000 {
                moved = true;
                break;
            }
        }
        assert!(moved, "the checkpoint thread moved the pages into the database file: {}", size());
        let stop = pool.inner.checkpoints.clone();
        drop(pool);
        assert!(stop.sleep(Duration::ZERO), "a dropped pool stops its checkpoints");
    }

    /// The commit hooks of a batch all run before any of its callers is answered (the event
    /// tail relies on it), and a transaction that failed runs none.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_batch_runs_every_commit_hook_before_answering() {
        let dir = tempfile::tempdir().unwrap();
        let pool = Pool::open(&dir.path().join("h.db"), 1, Durability::Normal, Duration::ZERO).unwrap();
        pool.write(|c| c.execute_batch("CREATE TABLE t (n INTEGER PRIMARY KEY)").map_err(db_err)).await.unwrap();
        let hooked = Arc::new(std::sync::Mutex::new(Vec::<i64>::new()));
        // A first transaction holds the writer until the others have all queued up behind it,
        // so they form the next batch together.
        let (started, wait_started) = std::sync::mpsc::channel();
        let (release, wait_release) = std::sync::mpsc::channel::<()>();
        let first = {
            let pool = pool.clone();
            tokio::spawn(async move {
                pool.transaction(move |_| {
                    let _ = started.send(());
                    let _ = wait_release.recv();
                    Ok(())
                })
                .await
            })
        };
        wait_started.recv().unwrap();
        let tasks: Vec<_> = (0..20i64)
            .map(|n| {
                let (pool, hooked) = (pool.clone(), hooked.clone());
                tokio::spawn(async move {
                    let hook = hooked.clone();
                    let answer = pool
                        .transaction_then(
                            move |c| match n {
                                7 => Err(StoreError::StructureChanged),
                                _ => c.execute("INSERT INTO t (n) VALUES (?1)", [n]).map(|_| n).map_err(db_err),
                            },
                            move |n: &i64| {
                                // Slow enough that an answer sent before the last hook ran
                                // would be seen here before it.
                                std::thread::sleep(Duration::from_millis(1));
                                hook.lock().unwrap().push(*n)
                            },
                        )
                        .await;
                    // Answered: every hook of the batch has run.
                    (answer, hooked.lock().unwrap().len())
                })
            })
            .collect();
        while pool.inner.queue.lock().unwrap().jobs.len() < 20 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        release.send(()).unwrap();
        first.await.unwrap().unwrap();
        for (n, task) in tasks.into_iter().enumerate() {
            let (answer, hooks_seen) = task.await.unwrap();
            assert_eq!(answer.is_ok(), n != 7, "job {n}");
            assert_eq!(hooks_seen, 19, "job {n} was answered before the batch's hooks all ran");
        }
        let mut ran = hooked.lock().unwrap().clone();
        ran.sort();
        assert_eq!(ran, (0..20).filter(|n| *n != 7).collect::<Vec<_>>());
    }

    /// Concurrent transactions share commits, yet each stays atomic on its own: a failing
    /// one leaves nothing behind, a panicking one too, and every other one is committed and
    /// acknowledged with its own result.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn grouped_transactions_fail_alone() {
        let dir = tempfile::tempdir().unwrap();
        let pool = Pool::open(&dir.path().join("g.db"), 2, Durability::Full, Duration::from_millis(2)).unwrap();
        pool.write(|c| c.execute_batch("CREATE TABLE t (n INTEGER PRIMARY KEY)").map_err(db_err)).await.unwrap();
        let tasks: Vec<_> = (0..200i64)
            .map(|n| {
                let pool = pool.clone();
                tokio::spawn(async move {
                    pool.transaction(move |c| {
                        c.execute("INSERT INTO t (n) VALUES (?1)", [n]).map_err(db_err)?;
                        c.execute("INSERT INTO t (n) VALUES (?1)", [n + 1000]).map_err(db_err)?;
                        match n % 7 {
                            3 => Err(StoreError::StructureChanged),
                            5 => panic!("job {n} panics"),
                            _ => Ok(n),
                        }
                    })
                    .await
                })
            })
            .collect();
        let mut committed = vec![];
        for (n, task) in tasks.into_iter().enumerate() {
            match task.await.unwrap() {
                Ok(v) => {
                    assert_eq!(v, n as i64);
                    committed.push(v);
                }
                Err(_) => assert!(matches!(n % 7, 3 | 5), "job {n} failed"),
            }
        }
        let rows: Vec<i64> = pool
            .read(|c| {
                let mut s = c.prepare("SELECT n FROM t WHERE n < 1000 ORDER BY n").map_err(db_err)?;
                let rows = s.query_map([], |r| r.get(0)).map_err(db_err)?;
                rows.collect::<Result<Vec<i64>, _>>().map_err(db_err)
            })
            .await
            .unwrap();
        assert_eq!(rows, committed);
        let pairs: i64 =
            pool.read(|c| c.query_row("SELECT count(*) FROM t", [], |r| r.get(0)).map_err(db_err)).await.unwrap();
        assert_eq!(pairs, 2 * committed.len() as i64, "each transaction's two rows stand or fall together");
    }

    /// The durability chosen is what every connection runs with (SQLite: 2 = FULL, 1 = NORMAL).
    #[tokio::test]
    async fn every_connection_runs_with_the_chosen_durability() {
        let dir = tempfile::tempdir().unwrap();
        for (durability, expected) in [(Durability::Full, 2), (Durability::Normal, 1)] {
            let pool = Pool::open(&dir.path().join(format!("{expected}.db")), 2, durability, Duration::ZERO).unwrap();
            let read: i64 =
                pool.read(|c| c.query_row("PRAGMA synchronous", [], |r| r.get(0)).map_err(db_err)).await.unwrap();
            let write: i64 =
                pool.write(|c| c.query_row("PRAGMA synchronous", [], |r| r.get(0)).map_err(db_err)).await.unwrap();
            assert_eq!((read, write), (expected, expected), "{durability:?}");
        }
    }

    /// A scan reads with the file mapped; the reader it used is unmapped again afterwards, so
    /// point reads never look pages up in the WAL's index before their cache.
    #[tokio::test]
    async fn only_scans_map_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let pool = Pool::open(&dir.path().join("m.db"), 1, Durability::Normal, Duration::ZERO).unwrap();
        let mapped = |c: &Connection| c.query_row("PRAGMA mmap_size", [], |r| r.get::<_, i64>(0)).map_err(db_err);
        assert_eq!(pool.read(mapped).await.unwrap(), 0);
        assert_eq!(pool.scan(mapped).await.unwrap(), SCAN_MMAP_BYTES);
        // The one reader, back in the pool.
        assert_eq!(pool.read(mapped).await.unwrap(), 0);
        assert_eq!(pool.read_blocking(mapped).await.unwrap(), 0);
    }
}
