//! Notifications, their preferences and item subscriptions.
//!
//! Notifications and follows are written inside board commits and cursor advances
//! (`BoardWrite::InsertNotification`, `Subscribe`, `Unsubscribe`), in the transaction of the
//! change that caused them; the rest are reads and the digest's bookkeeping.
//!
//! Ids are ordered and compared with `COLLATE "C"` on PostgreSQL (byte order, as SQLite's
//! `BINARY`), whatever the database collation: UUIDv7 text in byte order is creation order,
//! which the bell's newest-first paging relies on. Lists of ids are bound as one JSON array
//! and unpacked by each dialect's JSON table function, so a batch is one statement.

use sunday_store::{PendingEmail, StoreResult};
use sunday_types::{
    boards::enum_parse,
    notifications::{Notification, NotificationKind, NotificationPreferences},
    time::Millis,
    ItemId, NotificationId, UserId,
};

use crate::{args, stmt, Exec, Plan, Query, Rows, SqlRow, Step, Stmt, Value};

static INSERT: Stmt = stmt!(
    "INSERT INTO notifications (id, user_id, kind, actor, board_id, item_id, body, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
);

pub fn insert(n: &Notification) -> Exec {
    let params = args![
        n.id,
        n.user_id,
        Value::name(&n.kind),
        n.actor,
        n.board_id,
        n.item_id,
        &n.text,
        n.created_at.timestamp_millis()
    ];
    Exec::new(&INSERT, params)
}

static FOLLOW: Stmt = stmt!("INSERT INTO item_subscriptions (item_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING");
static UNFOLLOW: Stmt = stmt!("DELETE FROM item_subscriptions WHERE item_id = $1 AND user_id = $2");

/// Makes `user` follow the item (idempotently) or stop following it.
pub fn subscription(item: ItemId, user: UserId, follow: bool) -> Exec {
    Exec::new(if follow { &FOLLOW } else { &UNFOLLOW }, args![item, user])
}

/// The notification columns, decoded by [`notification`]; they come first in every select.
macro_rules! notification_cols {
    () => {
        "n.id, n.user_id, n.kind, n.actor, n.board_id, n.item_id, n.body, n.created_at, n.read_at"
    };
}
/// How many columns `notification_cols!` spans.
const NCOLS: usize = 9;

/// Lenient where the data may outlive the code: an unknown kind reads as a change, a dangling
/// board or item as none.
fn notification(r: &dyn SqlRow) -> StoreResult<Notification> {
    Ok(Notification {
        id: r.id(0)?,
        user_id: r.id(1)?,
        kind: enum_parse(r.text(2)?).unwrap_or(NotificationKind::ItemChanged),
        actor: r.id(3)?,
        board_id: r.opt_text(4)?.and_then(|s| s.parse().ok()),
        item_id: r.opt_text(5)?.and_then(|s| s.parse().ok()),
        text: r.string(6)?,
        created_at: r.time(7)?,
        read_at: r.opt_time(8)?,
    })
}

/// Stored preferences (`email_kinds, digest_minutes` from `at`), the defaults when absent.
fn prefs(r: &dyn SqlRow, at: usize) -> StoreResult<NotificationPreferences> {
    Ok(match (r.opt_text(at)?, r.opt_int(at + 1)?) {
        (Some(kinds), Some(minutes)) => NotificationPreferences {
            email_kinds: serde_json::from_str(kinds).unwrap_or_default(),
            digest_minutes: u32::try_from(minutes).unwrap_or(15),
        },
        _ => NotificationPreferences::default(),
    })
}

static NEWEST: Stmt = stmt!(
    "SELECT ",
    notification_cols!(),
    " FROM notifications n WHERE n.user_id = $1 ORDER BY n.id{| COLLATE \"C\"} DESC LIMIT $2"
);
static NEWEST_BEFORE: Stmt = stmt!(
    "SELECT ",
    notification_cols!(),
    " FROM notifications n WHERE n.user_id = $1 AND n.id{| COLLATE \"C\"} < $3
     ORDER BY n.id{| COLLATE \"C\"} DESC LIMIT $2"
);

/// Newest first, before the cursor.
pub fn list(user: UserId, before: Option<NotificationId>, limit: usize) -> Query<Notification, Vec<Notification>> {
    let mut params = args![user, Value::limit(limit)];
    let stmt = match before {
        None => &NEWEST,
        Some(before) => {
            params.push(before.into());
            &NEWEST_BEFORE
        }
    };
    Query::all(stmt, params, notification)
}

static UNREAD_COUNT: Stmt = stmt!("SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL");

pub fn unread_count(user: UserId) -> Query<i64, i64> {
    Query::one(&UNREAD_COUNT, args![user], |r| r.int(0))
}

static MARK_ALL_READ: Stmt = stmt!("UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL");
static MARK_READ: Stmt = stmt!(
    "UPDATE notifications SET read_at = $3 WHERE user_id = $1 AND read_at IS NULL AND id IN (",
    "{SELECT value FROM json_each($2)|SELECT jsonb_array_elements_text(CAST($2 AS TEXT)::jsonb)})"
);

/// The given notifications (all when `None`) read; counts those that changed.
pub fn mark_read(user: UserId, ids: Option<&[NotificationId]>, now: Millis) -> StoreResult<Exec> {
    Ok(match ids {
        None => Exec::new(&MARK_ALL_READ, args![user, now]),
        Some(ids) => Exec::new(&MARK_READ, args![user, id_list(ids)?, now]),
    })
}

/// Ids as one JSON array of text.
fn id_list(ids: &[NotificationId]) -> StoreResult<Value> {
    Value::json(&ids.iter().map(NotificationId::to_string).collect::<Vec<_>>())
}

static PREFS: Stmt = stmt!("SELECT email_kinds, digest_minutes FROM notification_prefs WHERE user_id = $1");

pub fn notification_prefs(user: UserId) -> Query<NotificationPreferences, Option<NotificationPreferences>> {
    Query::opt(&PREFS, args![user], |r| prefs(r, 0))
}

static PUT_PREFS: Stmt = stmt!(
    "INSERT INTO notification_prefs (user_id, email_kinds, digest_minutes, last_digest_at) VALUES ($1, $2, $3, 0)
     ON CONFLICT (user_id) DO UPDATE SET email_kinds = excluded.email_kinds, digest_minutes = excluded.digest_minutes"
);

pub fn put_notification_prefs(user: UserId, p: &NotificationPreferences) -> StoreResult<Exec> {
    Ok(Exec::new(&PUT_PREFS, args![user, Value::json(&p.email_kinds)?, p.digest_minutes]))
}

static SUBSCRIBERS: Stmt =
    stmt!("SELECT user_id FROM item_subscriptions WHERE item_id = $1 ORDER BY user_id{| COLLATE \"C\"}");

pub fn item_subscribers(item: ItemId) -> Query<UserId, Vec<UserId>> {
    Query::all(&SUBSCRIBERS, args![item], |r| r.id(0))
}

static SUBSCRIBERS_OF: Stmt = stmt!(
    "SELECT item_id, user_id FROM item_subscriptions WHERE item_id IN (",
    "{SELECT value FROM json_each($1)|SELECT jsonb_array_elements_text(CAST($1 AS TEXT)::jsonb)})"
);

/// An item and one of its followers.
type Follow = (ItemId, UserId);

/// The followers of each of `items`, in one statement (the notifier's pass over many changes).
pub fn subscribers_of(items: &[ItemId]) -> StoreResult<Query<Follow, Vec<Follow>>> {
    let ids = Value::json(&items.iter().map(ItemId::to_string).collect::<Vec<_>>())?;
    Ok(Query::all(&SUBSCRIBERS_OF, args![ids], |r| Ok((r.id(0)?, r.id(1)?))))
}

/// The most notifications one pending digest carries.
const DIGEST_MAX: i64 = 200;

/// One statement, so one snapshot: the `$1` users whose digest falls due first (their last
/// digest plus their interval; 15 minutes without preferences) with unread notifications not
/// yet emailed, each with up to `$2` of them, oldest first. Ordering by due time, not by id,
/// means users who are not due yet never keep due ones out of a round. The rows come grouped
/// by user.
static PENDING: Stmt = stmt!(
    "WITH pending AS (
         SELECT u.id, u.email, u.name, p.email_kinds, p.digest_minutes, p.last_digest_at FROM users u
         LEFT JOIN notification_prefs p ON p.user_id = u.id
         WHERE EXISTS (SELECT 1 FROM notifications n
                       WHERE n.user_id = u.id AND n.emailed_at IS NULL AND n.read_at IS NULL)
         ORDER BY COALESCE(p.last_digest_at, 0) + COALESCE(p.digest_minutes, 15) * 60000, u.id{| COLLATE \"C\"}
         LIMIT $1),
     unsent AS (
         SELECT n.*, row_number() OVER (PARTITION BY n.user_id ORDER BY n.id{| COLLATE \"C\"}) AS nth
         FROM notifications n JOIN pending pe ON pe.id = n.user_id
         WHERE n.emailed_at IS NULL AND n.read_at IS NULL)
     SELECT ",
    notification_cols!(),
    ", pe.email, pe.name, pe.email_kinds, pe.digest_minutes, pe.last_digest_at
     FROM unsent n JOIN pending pe ON pe.id = n.user_id WHERE n.nth <= $2
     ORDER BY COALESCE(pe.last_digest_at, 0) + COALESCE(pe.digest_minutes, 15) * 60000, pe.id{| COLLATE \"C\"},
              n.id{| COLLATE \"C\"}"
);

type PendingRow = (Notification, String, String, NotificationPreferences, i64);

fn pending_row(r: &dyn SqlRow) -> StoreResult<PendingRow> {
    let last_digest_at = r.opt_int(NCOLS + 4)?.unwrap_or(0);
    Ok((notification(r)?, r.string(NCOLS)?, r.string(NCOLS + 1)?, prefs(r, NCOLS + 2)?, last_digest_at))
}

/// Folds the rows, grouped by user, into one [`PendingEmail`] each.
fn pending_by_user(rows: Rows<'_, PendingRow>) -> StoreResult<Vec<PendingEmail>> {
    let mut out: Vec<PendingEmail> = Vec::new();
    for row in rows {
        let (n, email, name, prefs, last_digest_at) = row?;
        match out.last_mut() {
            Some(last) if last.user == n.user_id => last.notifications.push(n),
            _ => out.push(PendingEmail { user: n.user_id, email, name, prefs, last_digest_at, notifications: vec![n] }),
        }
    }
    Ok(out)
}

/// Users with unread notifications not yet handled by the digest, at most `limit` users.
pub fn pending_emails(limit: usize) -> Query<PendingRow, Vec<PendingEmail>> {
    Query::new(&PENDING, args![Value::limit(limit), DIGEST_MAX], pending_row, pending_by_user)
}

static MARK_EMAILED: Stmt = stmt!(
    "UPDATE notifications SET emailed_at = $3 WHERE user_id = $1 AND id IN (",
    "{SELECT value FROM json_each($2)|SELECT jsonb_array_elements_text(CAST($2 AS TEXT)::jsonb)})"
);
static DIGEST_SENT: Stmt = stmt!(
    "INSERT INTO notification_prefs (user_id, email_kinds, digest_minutes, last_digest_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id) DO UPDATE SET last_digest_at = excluded.last_digest_at"
);

static CLAIM_DIGEST: Stmt = stmt!(
    "INSERT INTO notification_prefs (user_id, email_kinds, digest_minutes, last_digest_at, digest_claimed_until)
     VALUES ($1, $2, $3, 0, $5)
     ON CONFLICT (user_id) DO UPDATE SET digest_claimed_until = excluded.digest_claimed_until
     WHERE notification_prefs.digest_claimed_until IS NULL OR notification_prefs.digest_claimed_until <= $4"
);

/// Claims the user's digest until `until` unless another worker holds a claim past `now`:
/// one row changes when the claim is taken, none when it is held elsewhere.
pub fn claim_digest(user: UserId, now: Millis, until: Millis) -> StoreResult<Exec> {
    let default = NotificationPreferences::default();
    let kinds = Value::json(&default.email_kinds)?;
    Ok(Exec::new(&CLAIM_DIGEST, args![user, kinds, default.digest_minutes, now, until]))
}

/// These notifications handled by the digest and, when `sent`, the user's digest gone out at
/// `now`: one transaction.
pub fn mark_emailed(user: UserId, ids: &[NotificationId], sent: bool, now: Millis) -> StoreResult<Plan> {
    let mut plan = Plan::new();
    plan.push(Step::new(&MARK_EMAILED, args![user, id_list(ids)?, now]));
    if sent {
        let default = NotificationPreferences::default();
        let kinds = Value::json(&default.email_kinds)?;
        plan.push(Step::new(&DIGEST_SENT, args![user, kinds, default.digest_minutes, now]));
    }
    Ok(plan)
}
