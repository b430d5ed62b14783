//! Work that must run on one node of a cluster at a time (upkeep, scheduled backups) is done
//! by the holder of its lease in the store.
//!
//! Every node that may do the work keeps trying to take the lease: the holder renews it every
//! [`RENEW`] for [`TTL`]; when the holder dies, the lease expires and another node takes it
//! within `TTL + RENEW` (under 10 s). A node counts itself the holder only until its last
//! renewal's term runs out less a margin, so two nodes never both believe they hold it while
//! their clocks agree to within that margin. A node that stops releases its leases at once.

use std::{sync::Arc, time::Duration};

use sunday_store::Store;
use sunday_types::time::now_millis;
use tokio::sync::watch;

/// How long a taken or renewed lease lasts.
pub const TTL: Duration = Duration::from_secs(6);
/// How often the holder renews it (and others try to take it).
pub const RENEW: Duration = Duration::from_secs(2);
/// A holder stops counting itself the holder this long before its term ends.
const MARGIN: Duration = Duration::from_secs(1);

/// A lease this node keeps trying to hold.
#[derive(Clone)]
pub struct Lease {
    held: watch::Receiver<bool>,
}

impl Lease {
    /// Starts keeping the lease `name` for `holder` (this node) until `stop`, then releases it.
    pub fn keep(store: Arc<dyn Store>, name: &'static str, holder: String, mut stop: watch::Receiver<bool>) -> Lease {
        let (tx, held) = watch::channel(false);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(RENEW);
            let mut term_ends = 0i64;
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = async { let _ = stop.wait_for(|s| *s).await; } => {
                        let _ = tx.send(false);
                        if let Err(e) = store.release_lease(name, &holder).await {
                            tracing::warn!(lease = name, error = %e, "could not release a lease; it expires on its own");
                        }
                        return;
                    }
                }
                let now = now_millis();
                let until = now + TTL.as_millis() as i64;
                match store.take_lease(name, &holder, until, now).await {
                    Ok(true) => term_ends = until,
                    Ok(false) => term_ends = 0,
                    Err(e) => tracing::warn!(lease = name, error = %e, "could not renew a lease"),
                }
                let holds = now_millis() < term_ends - MARGIN.as_millis() as i64;
                if tx.send_if_modified(|h| std::mem::replace(h, holds) != holds) {
                    tracing::info!(lease = name, holds, "lease {}", if holds { "taken" } else { "lost" });
                }
                metrics::gauge!("lease_held", "lease" => name).set(if holds { 1.0 } else { 0.0 });
            }
        });
        Lease { held }
    }

    /// Whether this node holds the lease now.
    pub fn held(&self) -> bool {
        *self.held.borrow()
    }

    /// Waits until this node holds the lease.
    pub async fn wait(&mut self) {
        let _ = self.held.wait_for(|h| *h).await;
    }
}

/// This node's name as a lease holder: the host name and a random part (two processes on one
/// host are two holders).
pub fn holder_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "node".into());
    format!("{host}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8])
}
