//! `NotificationStore` on PostgreSQL.

use async_trait::async_trait;
use sunday_store::{NotificationStore, PendingEmail, StoreResult};
use sunday_store_sql::notifications as sql;
use sunday_types::{
    notifications::{Notification, NotificationPreferences},
    time::Millis,
    ItemId, NotificationId, UserId,
};

use crate::PostgresStore;

#[async_trait]
impl NotificationStore for PostgresStore {
    async fn notifications(
        &self,
        user: UserId,
        before: Option<NotificationId>,
        limit: usize,
    ) -> StoreResult<Vec<Notification>> {
        self.read(sql::list(user, before, limit)).await
    }

    async fn unread_count(&self, user: UserId) -> StoreResult<i64> {
        self.read(sql::unread_count(user)).await
    }

    async fn mark_read(&self, user: UserId, ids: Option<Vec<NotificationId>>, now: Millis) -> StoreResult<u64> {
        self.write(sql::mark_read(user, ids.as_deref(), now)?).await
    }

    async fn notification_prefs(&self, user: UserId) -> StoreResult<Option<NotificationPreferences>> {
        self.read(sql::notification_prefs(user)).await
    }

    async fn put_notification_prefs(&self, user: UserId, prefs: &NotificationPreferences) -> StoreResult<()> {
        self.write(sql::put_notification_prefs(user, prefs)?).await.map(drop)
    }

    async fn item_subscribers(&self, item: ItemId) -> StoreResult<Vec<UserId>> {
        self.read(sql::item_subscribers(item)).await
    }

    async fn subscribers_of(&self, items: &[ItemId]) -> StoreResult<Vec<(ItemId, UserId)>> {
        self.read(sql::subscribers_of(items)?).await
    }

    async fn pending_emails(&self, limit: usize) -> StoreResult<Vec<PendingEmail>> {
        self.read(sql::pending_emails(limit)).await
    }

    async fn mark_emailed(&self, user: UserId, ids: &[NotificationId], sent: bool, now: Millis) -> StoreResult<()> {
        let plan = sql::mark_emailed(user, ids, sent, now)?;
        self.run(plan).await.map(drop)
    }

    async fn claim_digest(&self, user: UserId, now: Millis, until: Millis) -> StoreResult<bool> {
        Ok(self.write(sql::claim_digest(user, now, until)?).await? == 1)
    }
}
