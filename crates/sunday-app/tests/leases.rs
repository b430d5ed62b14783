//! Leases of work that runs on one node at a time, on both backends: one holder at a time,
//! and when the holder dies (its runtime is gone, it releases nothing) another node holds
//! the lease within ten seconds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::{sync::Arc, time::Duration};

use sunday_app::leases::Lease;
use sunday_store::Store;
use tokio::sync::watch;

use support::{Backend, TestApp};

backend_tests!(a_dead_holders_lease_moves_within_ten_seconds_and_is_never_held_twice);

async fn a_dead_holders_lease_moves_within_ten_seconds_and_is_never_held_twice(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let store: Arc<dyn Store> = t.store.clone();
    let (_stop_tx, stop) = watch::channel(false);

    // Node A runs on a runtime of its own (on its own thread), so it can die without
    // releasing anything.
    let (lease_tx, lease_rx) = std::sync::mpsc::channel();
    let (die_tx, die_rx) = std::sync::mpsc::channel::<()>();
    let node_a = {
        let (store, stop) = (store.clone(), stop.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
            let a = runtime.block_on(async move {
                let mut a = Lease::keep(store, "upkeep", "node-a".into(), stop);
                tokio::time::timeout(Duration::from_secs(5), a.wait()).await.expect("a free lease is taken");
                a
            });
            lease_tx.send(a).unwrap();
            let _ = die_rx.recv();
            runtime.shutdown_background();
        })
    };
    let a = tokio::task::spawn_blocking(move || lease_rx.recv().unwrap()).await.unwrap();
    let b = Lease::keep(store.clone(), "upkeep", "node-b".into(), stop.clone());
    for _ in 0..30 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!b.held(), "B never holds the lease while A does");
    }
    assert!(a.held());

    die_tx.send(()).unwrap(); // A dies: no release, no renewal.
    tokio::task::spawn_blocking(move || node_a.join().unwrap()).await.unwrap();
    let died = tokio::time::Instant::now();
    let mut b = b;
    tokio::time::timeout(Duration::from_secs(10), b.wait()).await.expect("B takes the lease within 10 s");
    assert!(died.elapsed() >= Duration::from_secs(2), "not before A's term could have ended");
}
