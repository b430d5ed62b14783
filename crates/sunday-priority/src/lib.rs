//! Work that may wait, run below the requests. On a node whose core is busy with requests, a
//! burst of background CPU (a merge of a large board's search segments, a snapshot of its
//! aggregates, a backup) delays every request queued behind it: at 1,000 writes/s on a
//! 1,000,000-item board such bursts took the writes' p99 from about 20 ms to seconds
//! (BENCHMARKS.md, issue 17). Work run through [`below`] gets the core when requests leave it
//! free, and still gets a small share when they do not (the kernel's scheduler weighs nice 19
//! at about 1.5% of nice 0), so it finishes.

/// Nice values, from 0 (the server's) to 19 (the lowest).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nice(i32);

impl Nice {
    /// For followers that must keep up with the log (the search index): they lag a moment
    /// under load and catch up when the core is free.
    pub const FOLLOWER: Nice = Nice(10);
    /// For work with no one waiting on it (analytics snapshots, backups).
    pub const IDLE: Nice = Nice(19);

    pub fn value(self) -> i32 {
        self.0
    }
}

/// Runs `f` on a new thread at CPU priority `nice` (or lower, if the caller's already is) and
/// returns what it returns; the threads it starts inherit that priority (on Linux a thread's
/// priority is its own, and a new thread takes its creator's). The caller's priority is left
/// as it is. Where the priority cannot be changed, `f` runs at the caller's.
pub fn below<T: Send>(nice: Nice, f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        let lowered = s.spawn(|| {
            lower_this_thread(nice);
            f()
        });
        lowered.join().unwrap_or_else(|panicked| std::panic::resume_unwind(panicked))
    })
}

/// The runtime of the event log's followers that may lag a moment under load (the search
/// index's and the analytics' folding of each change): one worker thread, and the blocking
/// threads it starts for their store reads and index writes, all at [`Nice::FOLLOWER`]. On the
/// server's runtime they took the core on equal terms with the requests: during a bulk import
/// half of the core went to them, and durable edits waited behind their bursts (BENCHMARKS.md).
/// Made once per process and kept for its life; where it cannot be made, the caller's runtime.
///
/// Called from inside a tokio runtime (the fallback is that runtime).
pub fn followers() -> tokio::runtime::Handle {
    static RUNTIME: std::sync::OnceLock<Option<tokio::runtime::Runtime>> = std::sync::OnceLock::new();
    let made = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("follower")
            .on_thread_start(|| lower_this_thread(Nice::FOLLOWER))
            .enable_all()
            .build()
            .inspect_err(|e| tracing::warn!(error = %e, "the followers run on the server's runtime"))
            .ok()
    });
    made.as_ref().map_or_else(tokio::runtime::Handle::current, |r| r.handle().clone())
}

/// Lowers the calling thread's CPU priority to `nice` (never raises it: a server started at a
/// lower priority keeps its background work below it).
pub fn lower_this_thread(nice: Nice) {
    let current = rustix::process::getpriority_process(None).unwrap_or(nice.0);
    if current < nice.0 {
        if let Err(e) = rustix::process::setpriority_process(None, nice.0) {
            tracing::debug!(error = %e, nice = nice.0, "background work keeps the server's priority");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn priority() -> i32 {
        rustix::process::getpriority_process(None).unwrap_or(i32::MIN)
    }

    /// The threads started inside `below` run at the lowered priority; the caller's own
    /// priority is left as it was.
    #[test]
    fn threads_started_below_inherit_the_lowered_priority() {
        let before = priority();
        let (own, inherited) = below(Nice::FOLLOWER, || (priority(), std::thread::spawn(priority).join().ok()));
        assert_eq!(own, Nice::FOLLOWER.value().max(before));
        assert_eq!(inherited, Some(own));
        assert_eq!(priority(), before);
        // Lowering further works; raising back does not happen.
        assert_eq!(below(Nice::IDLE, || below(Nice::FOLLOWER, priority)), Nice::IDLE.value());
    }

    /// A follower's task, and the blocking work it hands off, run below the caller.
    #[tokio::test]
    async fn followers_run_at_the_followers_priority() {
        let before = priority();
        let on_worker = followers().spawn(async { priority() }).await.ok();
        let blocking = followers().spawn(async { tokio::task::spawn_blocking(priority).await.ok() }).await.ok();
        assert_eq!(on_worker, Some(Nice::FOLLOWER.value().max(before)));
        assert_eq!(blocking, Some(Some(Nice::FOLLOWER.value().max(before))));
        assert_eq!(priority(), before);
    }

    #[test]
    fn what_the_work_returns_comes_back_and_its_panic_too() {
        assert_eq!(below(Nice::IDLE, || 7), 7);
        let panicked = std::panic::catch_unwind(|| below(Nice::IDLE, || panic!("inside")));
        assert!(panicked.is_err());
    }
}
