//! Upkeep the scheduler runs: rows whose time is over are deleted so tables stop growing.

use sunday_types::time::Millis;

use crate::{args, stmt, Exec, Stmt};

static EXPIRED_SESSIONS: Stmt = stmt!("DELETE FROM sessions WHERE expires_at < $1");
static EXPIRED_INVITES: Stmt = stmt!("DELETE FROM invites WHERE expires_at < $1");
static OLD_IDEMPOTENCY_KEYS: Stmt = stmt!("DELETE FROM idempotency_keys WHERE created_at < $1");

/// Sessions and invitations past their expiry, and idempotency keys older than
/// `keys_before` (a retry after that runs again, as documented).
pub fn purges(now: Millis, keys_before: Millis) -> [Exec; 3] {
    [
        Exec::new(&EXPIRED_SESSIONS, args![now]),
        Exec::new(&EXPIRED_INVITES, args![now]),
        Exec::new(&OLD_IDEMPOTENCY_KEYS, args![keys_before]),
    ]
}
