//! `NotificationStore` on PostgreSQL, with the semantics of the SQLite backend.
//!
//! Notifications and item subscriptions are written by board commits (their statements are in
//! `sunday-store-sql`); the rest are the reads and the bookkeeping around them. Ids are compared and ordered with `COLLATE "C"` (byte order, as
//! SQLite's `BINARY`), whatever the database collation: UUIDv7 text in byte order is creation
//! order, which the bell's newest-first paging relies on. A missing cursor selects a statement
//! without the `id <` filter rather than comparing with a sentinel string.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use sunday_store::{NotificationStore, PendingEmail, StoreError, StoreResult};
use sunday_types::{
    boards::enum_parse,
    notifications::{Notification, NotificationKind, NotificationPreferences},
    time::{to_datetime, Millis},
    ItemId, NotificationId, UserId,
};
use tokio_postgres::Row;

use crate::{
    rows::{self, db_err, get, parse},
    PostgresStore,
};

/// The notification columns, decoded by [`notification`]; they come first in every select.
const COLS: &str = "n.id, n.user_id, n.kind, n.actor, n.board_id, n.item_id, n.body, n.created_at, n.read_at";
/// How many columns [`COLS`] spans.
const NCOLS: usize = 9;
/// The most notifications one pending digest carries.
const DIGEST_MAX: i64 = 200;

fn limit_param(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

fn notification(r: &Row) -> StoreResult<Notification> {
    let kind: &str = get(r, 2)?;
    let board_id: Option<&str> = get(r, 4)?;
    let item_id: Option<&str> = get(r, 5)?;
    let read_at: Option<i64> = get(r, 8)?;
    Ok(Notification {
        id: parse(r, 0)?,
        user_id: parse(r, 1)?,
        kind: enum_parse(kind).unwrap_or(NotificationKind::ItemChanged),
        actor: parse(r, 3)?,
        board_id: board_id.and_then(|s| s.parse().ok()),
        item_id: item_id.and_then(|s| s.parse().ok()),
        text: get(r, 6)?,
        created_at: to_datetime(get(r, 7)?),
        read_at: read_at.map(to_datetime),
    })
}

fn prefs_from(kinds: &str, minutes: i64) -> NotificationPreferences {
    NotificationPreferences {
        email_kinds: serde_json::from_str(kinds).unwrap_or_default(),
        digest_minutes: u32::try_from(minutes).unwrap_or(15),
    }
}

fn kinds_text(prefs: &NotificationPreferences) -> StoreResult<String> {
    serde_json::to_string(&prefs.email_kinds).map_err(StoreError::internal)
}

async fn list<C: GenericClient>(
    c: &C,
    user: UserId,
    before: Option<NotificationId>,
    limit: usize,
) -> StoreResult<Vec<Notification>> {
    let (user, limit) = (user.to_string(), limit_param(limit));
    let rows = match before {
        None => {
            let sql = format!(
                "SELECT {COLS} FROM notifications n WHERE n.user_id = $1 ORDER BY n.id COLLATE \"C\" DESC LIMIT $2"
            );
            rows::query(c, &sql, &[&user, &limit]).await?
        }
        Some(before) => {
            let sql = format!(
                "SELECT {COLS} FROM notifications n WHERE n.user_id = $1 AND n.id COLLATE \"C\" < $3
                 ORDER BY n.id COLLATE \"C\" DESC LIMIT $2"
            );
            rows::query(c, &sql, &[&user, &limit, &before.to_string()]).await?
        }
    };
    rows.iter().map(notification).collect()
}

async fn unread_count<C: GenericClient>(c: &C, user: UserId) -> StoreResult<i64> {
    let row = rows::query_one(
        c,
        "SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
        &[&user.to_string()],
    )
    .await?;
    get(&row, 0)
}

async fn mark_read<C: GenericClient>(
    c: &C,
    user: UserId,
    ids: Option<Vec<NotificationId>>,
    now: Millis,
) -> StoreResult<u64> {
    let user = user.to_string();
    match ids {
        None => rows::execute(
            c,
            "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL",
            &[&user, &now],
        )
        .await
        .map_err(db_err),
        Some(ids) => {
            let ids: Vec<String> = ids.iter().map(NotificationId::to_string).collect();
            rows::execute(
                c,
                "UPDATE notifications SET read_at = $3 WHERE user_id = $1 AND id = ANY($2) AND read_at IS NULL",
                &[&user, &ids, &now],
            )
            .await
            .map_err(db_err)
        }
    }
}

async fn prefs<C: GenericClient>(c: &C, user: UserId) -> StoreResult<Option<NotificationPreferences>> {
    let sql = "SELECT email_kinds, digest_minutes FROM notification_prefs WHERE user_id = $1";
    rows::query_opt(c, sql, &[&user.to_string()]).await?.map(|r| Ok(prefs_from(get(&r, 0)?, get(&r, 1)?))).transpose()
}

async fn put_prefs<C: GenericClient>(c: &C, user: UserId, prefs: &NotificationPreferences) -> StoreResult<()> {
    rows::execute(
        c,
        "INSERT INTO notification_prefs (user_id, email_kinds, digest_minutes, last_digest_at) VALUES ($1, $2, $3, 0)
         ON CONFLICT (user_id) DO UPDATE SET email_kinds = excluded.email_kinds,
         digest_minutes = excluded.digest_minutes",
        &[&user.to_string(), &kinds_text(prefs)?, &i64::from(prefs.digest_minutes)],
    )
    .await
    .map_err(db_err)?;
    Ok(())
}

async fn subscribers<C: GenericClient>(c: &C, item: ItemId) -> StoreResult<Vec<UserId>> {
    let sql = "SELECT user_id FROM item_subscriptions WHERE item_id = $1 ORDER BY user_id COLLATE \"C\"";
    rows::query(c, sql, &[&item.to_string()]).await?.iter().map(|r| parse(r, 0)).collect()
}

/// One statement, so one snapshot: the first `limit` users (by id) with unread notifications
/// not yet emailed, each joined laterally with up to [`DIGEST_MAX`] of them, oldest first.
/// The rows come grouped by user and are folded into one [`PendingEmail`] each.
async fn pending<C: GenericClient>(c: &C, limit: usize) -> StoreResult<Vec<PendingEmail>> {
    let sql = format!(
        "WITH pending AS (
             SELECT u.id, u.email, u.name, p.email_kinds, p.digest_minutes, p.last_digest_at FROM users u
             LEFT JOIN notification_prefs p ON p.user_id = u.id
             WHERE EXISTS (SELECT 1 FROM notifications n
                           WHERE n.user_id = u.id AND n.emailed_at IS NULL AND n.read_at IS NULL)
             ORDER BY u.id COLLATE \"C\" LIMIT $1)
         SELECT {COLS}, pe.email, pe.name, pe.email_kinds, pe.digest_minutes, pe.last_digest_at
         FROM pending pe CROSS JOIN LATERAL (
             SELECT * FROM notifications n
             WHERE n.user_id = pe.id AND n.emailed_at IS NULL AND n.read_at IS NULL
             ORDER BY n.id COLLATE \"C\" LIMIT $2) n
         ORDER BY pe.id COLLATE \"C\", n.id COLLATE \"C\""
    );
    let mut out: Vec<PendingEmail> = Vec::new();
    for r in rows::query(c, &sql, &[&limit_param(limit), &DIGEST_MAX]).await? {
        let n = notification(&r)?;
        match out.last_mut() {
            Some(last) if last.user == n.user_id => last.notifications.push(n),
            _ => {
                let kinds: Option<&str> = get(&r, NCOLS + 2)?;
                let minutes: Option<i64> = get(&r, NCOLS + 3)?;
                let last_digest_at: Option<i64> = get(&r, NCOLS + 4)?;
                let prefs = match (kinds, minutes) {
                    (Some(k), Some(m)) => prefs_from(k, m),
                    _ => NotificationPreferences::default(),
                };
                out.push(PendingEmail {
                    user: n.user_id,
                    email: get(&r, NCOLS)?,
                    name: get(&r, NCOLS + 1)?,
                    prefs,
                    last_digest_at: last_digest_at.unwrap_or(0),
                    notifications: vec![n],
                });
            }
        }
    }
    Ok(out)
}

async fn mark_emailed<C: GenericClient>(
    tx: &C,
    user: UserId,
    ids: &[NotificationId],
    sent: bool,
    now: Millis,
) -> StoreResult<()> {
    let user = user.to_string();
    let ids: Vec<String> = ids.iter().map(NotificationId::to_string).collect();
    rows::execute(
        tx,
        "UPDATE notifications SET emailed_at = $3 WHERE user_id = $1 AND id = ANY($2)",
        &[&user, &ids, &now],
    )
    .await
    .map_err(db_err)?;
    if sent {
        let default = NotificationPreferences::default();
        rows::execute(
            tx,
            "INSERT INTO notification_prefs (user_id, email_kinds, digest_minutes, last_digest_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id) DO UPDATE SET last_digest_at = excluded.last_digest_at",
            &[&user, &kinds_text(&default)?, &i64::from(default.digest_minutes), &now],
        )
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

#[async_trait]
impl NotificationStore for PostgresStore {
    async fn notifications(
        &self,
        user: UserId,
        before: Option<NotificationId>,
        limit: usize,
    ) -> StoreResult<Vec<Notification>> {
        on_client!(self, |c| list(&c, user, before, limit))
    }
    async fn unread_count(&self, user: UserId) -> StoreResult<i64> {
        on_client!(self, |c| unread_count(&c, user))
    }
    async fn mark_read(&self, user: UserId, ids: Option<Vec<NotificationId>>, now: Millis) -> StoreResult<u64> {
        on_client!(self, |c| mark_read(&c, user, ids, now))
    }
    async fn notification_prefs(&self, user: UserId) -> StoreResult<Option<NotificationPreferences>> {
        on_client!(self, |c| prefs(&c, user))
    }
    async fn put_notification_prefs(&self, user: UserId, prefs: &NotificationPreferences) -> StoreResult<()> {
        on_client!(self, |c| put_prefs(&c, user, prefs))
    }
    async fn item_subscribers(&self, item: ItemId) -> StoreResult<Vec<UserId>> {
        on_client!(self, |c| subscribers(&c, item))
    }
    async fn pending_emails(&self, limit: usize) -> StoreResult<Vec<PendingEmail>> {
        on_client!(self, |c| pending(&c, limit))
    }
    async fn mark_emailed(&self, user: UserId, ids: &[NotificationId], sent: bool, now: Millis) -> StoreResult<()> {
        in_transaction!(self, |tx| mark_emailed(&tx, user, ids, sent, now))
    }
}
