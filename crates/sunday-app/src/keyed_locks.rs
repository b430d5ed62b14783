//! One async lock per key, made on first use and forgotten when nobody holds or waits for it.
//!
//! Writers of one item on one node queue here instead of racing: on PostgreSQL, twenty
//! concurrent edits of one cell used to lose their optimistic version check round after
//! round until some gave up with `503`. Writers on different nodes still race, and the
//! version check with its retries settles that.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{Arc, Mutex, Weak},
};

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// Past this many remembered keys, keys nobody uses are dropped.
const PRUNE_AT: usize = 4096;

pub struct KeyedLocks<K> {
    locks: Mutex<HashMap<K, Weak<AsyncMutex<()>>>>,
}

impl<K: Eq + Hash + Copy> Default for KeyedLocks<K> {
    fn default() -> Self {
        KeyedLocks { locks: Mutex::new(HashMap::new()) }
    }
}

impl<K: Eq + Hash + Copy> KeyedLocks<K> {
    /// Waits for `key`'s lock; it is held until the guard drops. `true` with it when another
    /// holder had to be waited for.
    pub async fn lock(&self, key: K) -> (OwnedMutexGuard<()>, bool) {
        let lock = {
            let mut locks = self.locks.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if locks.len() >= PRUNE_AT {
                locks.retain(|_, weak| weak.strong_count() > 0);
            }
            match locks.get(&key).and_then(Weak::upgrade) {
                Some(lock) => lock,
                None => {
                    let lock = Arc::new(AsyncMutex::new(()));
                    locks.insert(key, Arc::downgrade(&lock));
                    lock
                }
            }
        };
        match lock.clone().try_lock_owned() {
            Ok(guard) => (guard, false),
            Err(_) => (lock.lock_owned().await, true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_holder_per_key_and_forgotten_keys_are_pruned() {
        let locks = KeyedLocks::<u32>::default();
        let (held, waited) = locks.lock(1).await;
        assert!(!waited);
        assert!(tokio::time::timeout(std::time::Duration::from_millis(50), locks.lock(1)).await.is_err());
        let _other = locks.lock(2).await;
        let waiter = tokio::spawn(async move {
            let (_, waited) = locks.lock(1).await;
            (waited, locks)
        });
        tokio::task::yield_now().await;
        drop(held);
        let (waited, locks) = waiter.await.unwrap();
        assert!(waited, "the second holder waited for the first");
        for k in 10..(10 + PRUNE_AT as u32) {
            drop(locks.lock(k).await);
        }
        let _ = locks.lock(99_999).await;
        assert!(locks.locks.lock().unwrap().len() < PRUNE_AT, "unused keys are dropped");
    }
}
