//! Leases of work that runs on one node at a time (see `sunday_store::CursorStore`).

use sunday_types::time::Millis;

use crate::{args, stmt, Plan, Query, Refusal, Step, Stmt};

/// Inserts the lease, or takes it over when it is the holder's already or has expired; on
/// PostgreSQL a racing taker waits on the row and then finds it held: 0 rows.
static TAKE: Stmt = stmt!(
    "INSERT INTO leases (name, holder, until) VALUES ($1, $2, $3)
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
     WHERE leases.holder = excluded.holder OR leases.until < $4"
);
static RELEASE: Stmt = stmt!("DELETE FROM leases WHERE name = $1 AND holder = $2");
static HOLDER: Stmt = stmt!("SELECT holder FROM leases WHERE name = $1 AND until >= $2");

/// Who holds the lease at `now`, if anyone.
pub fn holder(name: &str, now: Millis) -> Query<String, Option<String>> {
    Query::opt(&HOLDER, args![name.to_owned(), now], |r| r.string(0))
}

/// Applied when `holder` holds the lease afterwards.
pub fn take(name: &str, holder: &str, until: Millis, now: Millis) -> Plan {
    let mut plan = Plan::new();
    plan.push(Step::changes(&TAKE, args![name.to_owned(), holder.to_owned(), until, now], Refusal::Stop));
    plan
}

pub fn release(name: &str, holder: &str) -> Plan {
    let mut plan = Plan::new();
    plan.push(Step::new(&RELEASE, args![name.to_owned(), holder.to_owned()]));
    plan
}
