//! Upkeep the scheduler runs: rows whose time is over are deleted so tables stop growing.

use sunday_types::time::Millis;

use crate::{args, stmt, Exec, Stmt};

static EXPIRED_SESSIONS: Stmt = stmt!("DELETE FROM sessions WHERE expires_at < $1");
static EXPIRED_INVITES: Stmt = stmt!("DELETE FROM invites WHERE expires_at < $1");
static OLD_IDEMPOTENCY_KEYS: Stmt = stmt!("DELETE FROM idempotency_keys WHERE created_at < $1");
static OLD_RUNS: Stmt = stmt!("DELETE FROM automation_runs WHERE started_at < $1");
static OLD_DELIVERIES: Stmt = stmt!("DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < $1");

/// How long automation runs and finished webhook deliveries stay in their logs.
pub const HISTORY_KEPT_MS: Millis = 30 * 24 * 3_600_000;

/// Sessions and invitations past their expiry, idempotency keys older than `keys_before` (a
/// retry after that runs again, as documented), and automation runs and finished webhook
/// deliveries older than [`HISTORY_KEPT_MS`].
pub fn purges(now: Millis, keys_before: Millis) -> [Exec; 5] {
    [
        Exec::new(&EXPIRED_SESSIONS, args![now]),
        Exec::new(&EXPIRED_INVITES, args![now]),
        Exec::new(&OLD_IDEMPOTENCY_KEYS, args![keys_before]),
        Exec::new(&OLD_RUNS, args![now - HISTORY_KEPT_MS]),
        Exec::new(&OLD_DELIVERIES, args![now - HISTORY_KEPT_MS]),
    ]
}
