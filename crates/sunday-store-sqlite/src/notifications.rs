//! `NotificationStore` on SQLite.

use async_trait::async_trait;
use rusqlite::{params, OptionalExtension, Row};
use sunday_store::{NotificationStore, PendingEmail, StoreResult};
use sunday_types::{
    boards::enum_parse,
    notifications::{Notification, NotificationKind, NotificationPreferences},
    time::{to_datetime, Millis},
    ItemId, NotificationId, UserId,
};

use crate::{rows::db_err, SqliteStore};

const COLS: &str = "n.id, n.user_id, n.kind, n.actor, n.board_id, n.item_id, n.body, n.created_at, n.read_at";

fn notification(r: &Row<'_>) -> rusqlite::Result<Notification> {
    let kind: String = r.get(2)?;
    let opt = |i: usize| -> rusqlite::Result<Option<String>> { r.get(i) };
    let read_at: Option<i64> = r.get(8)?;
    Ok(Notification {
        id: crate::rows::parse(r, 0)?,
        user_id: crate::rows::parse(r, 1)?,
        kind: enum_parse(&kind).unwrap_or(NotificationKind::ItemChanged),
        actor: crate::rows::parse(r, 3)?,
        board_id: opt(4)?.and_then(|s| s.parse().ok()),
        item_id: opt(5)?.and_then(|s| s.parse().ok()),
        text: r.get(6)?,
        created_at: to_datetime(r.get(7)?),
        read_at: read_at.map(to_datetime),
    })
}

fn prefs_from(kinds: &str, minutes: i64) -> NotificationPreferences {
    NotificationPreferences {
        email_kinds: serde_json::from_str(kinds).unwrap_or_default(),
        digest_minutes: u32::try_from(minutes).unwrap_or(15),
    }
}

#[async_trait]
impl NotificationStore for SqliteStore {
    async fn notifications(
        &self,
        user: UserId,
        before: Option<NotificationId>,
        limit: usize,
    ) -> StoreResult<Vec<Notification>> {
        self.pool
            .read(move |c| {
                let before = before.map(|b| b.to_string()).unwrap_or_else(|| "~".into());
                c.prepare_cached(&format!(
                    "SELECT {COLS} FROM notifications n WHERE n.user_id = ?1 AND n.id < ?2 ORDER BY n.id DESC LIMIT ?3"
                ))
                .and_then(|mut s| s.query_map(params![user.to_string(), before, limit as i64], notification)?.collect())
                .map_err(db_err)
            })
            .await
    }

    async fn unread_count(&self, user: UserId) -> StoreResult<i64> {
        self.pool
            .read(move |c| {
                c.prepare_cached("SELECT count(*) FROM notifications WHERE user_id = ?1 AND read_at IS NULL")
                    .and_then(|mut s| s.query_row([user.to_string()], |r| r.get(0)))
                    .map_err(db_err)
            })
            .await
    }

    async fn mark_read(&self, user: UserId, ids: Option<Vec<NotificationId>>, now: Millis) -> StoreResult<u64> {
        self.pool
            .transaction(move |tx| {
                let n = match ids {
                    None => tx
                        .execute("UPDATE notifications SET read_at = ?2 WHERE user_id = ?1 AND read_at IS NULL", params![user.to_string(), now])
                        .map_err(db_err)?,
                    Some(ids) => {
                        let mut stmt = tx
                            .prepare_cached("UPDATE notifications SET read_at = ?3 WHERE user_id = ?1 AND id = ?2 AND read_at IS NULL")
                            .map_err(db_err)?;
                        let mut n = 0;
                        for id in ids {
                            n += stmt.execute(params![user.to_string(), id.to_string(), now]).map_err(db_err)?;
                        }
                        n
                    }
                };
                Ok(n as u64)
            })
            .await
    }

    async fn notification_prefs(&self, user: UserId) -> StoreResult<Option<NotificationPreferences>> {
        self.pool
            .read(move |c| {
                c.prepare_cached("SELECT email_kinds, digest_minutes FROM notification_prefs WHERE user_id = ?1")
                    .and_then(|mut s| {
                        s.query_row([user.to_string()], |r| Ok(prefs_from(&r.get::<_, String>(0)?, r.get(1)?)))
                            .optional()
                    })
                    .map_err(db_err)
            })
            .await
    }

    async fn put_notification_prefs(&self, user: UserId, prefs: &NotificationPreferences) -> StoreResult<()> {
        let kinds = serde_json::to_string(&prefs.email_kinds).map_err(sunday_store::StoreError::internal)?;
        let minutes = i64::from(prefs.digest_minutes);
        self.pool
            .write(move |c| {
                c.execute(
                    "INSERT INTO notification_prefs (user_id, email_kinds, digest_minutes, last_digest_at) VALUES (?1, ?2, ?3, 0)
                     ON CONFLICT (user_id) DO UPDATE SET email_kinds = excluded.email_kinds, digest_minutes = excluded.digest_minutes",
                    params![user.to_string(), kinds, minutes],
                )
                .map_err(db_err)?;
                Ok(())
            })
            .await
    }

    async fn item_subscribers(&self, item: ItemId) -> StoreResult<Vec<UserId>> {
        self.pool
            .read(move |c| {
                c.prepare_cached("SELECT user_id FROM item_subscriptions WHERE item_id = ?1 ORDER BY user_id")
                    .and_then(|mut s| s.query_map([item.to_string()], |r| crate::rows::parse(r, 0))?.collect())
                    .map_err(db_err)
            })
            .await
    }

    async fn pending_emails(&self, limit: usize) -> StoreResult<Vec<PendingEmail>> {
        self.pool
            .read_blocking(move |c| {
                let users: Vec<(UserId, String, String, Option<String>, Option<i64>, Option<i64>)> = c
                    .prepare_cached(
                        "SELECT u.id, u.email, u.name, p.email_kinds, p.digest_minutes, p.last_digest_at FROM users u
                         LEFT JOIN notification_prefs p ON p.user_id = u.id
                         WHERE EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = u.id AND n.emailed_at IS NULL AND n.read_at IS NULL)
                         ORDER BY u.id LIMIT ?1",
                    )
                    .and_then(|mut s| {
                        s.query_map([limit as i64], |r| Ok((crate::rows::parse(r, 0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
                            .collect()
                    })
                    .map_err(db_err)?;
                let mut out = vec![];
                for (user, email, name, kinds, minutes, last) in users {
                    let prefs = match (kinds, minutes) {
                        (Some(k), Some(m)) => prefs_from(&k, m),
                        _ => NotificationPreferences::default(),
                    };
                    let notifications = c
                        .prepare_cached(&format!(
                            "SELECT {COLS} FROM notifications n WHERE n.user_id = ?1 AND n.emailed_at IS NULL AND n.read_at IS NULL ORDER BY n.id LIMIT 200"
                        ))
                        .and_then(|mut s| s.query_map([user.to_string()], notification)?.collect::<Result<Vec<_>, _>>())
                        .map_err(db_err)?;
                    out.push(PendingEmail { user, email, name, prefs, last_digest_at: last.unwrap_or(0), notifications });
                }
                Ok(out)
            })
            .await
    }

    async fn mark_emailed(&self, user: UserId, ids: &[NotificationId], sent: bool, now: Millis) -> StoreResult<()> {
        let ids: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
        self.pool
            .transaction(move |tx| {
                let mut stmt = tx.prepare_cached("UPDATE notifications SET emailed_at = ?3 WHERE user_id = ?1 AND id = ?2").map_err(db_err)?;
                for id in &ids {
                    stmt.execute(params![user.to_string(), id, now]).map_err(db_err)?;
                }
                if sent {
                    let default = NotificationPreferences::default();
                    tx.execute(
                        "INSERT INTO notification_prefs (user_id, email_kinds, digest_minutes, last_digest_at) VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (user_id) DO UPDATE SET last_digest_at = excluded.last_digest_at",
                        params![
                            user.to_string(),
                            serde_json::to_string(&default.email_kinds).unwrap_or_else(|_| "[]".into()),
                            i64::from(default.digest_minutes),
                            now
                        ],
                    )
                    .map_err(db_err)?;
                }
                Ok(())
            })
            .await
    }
}
