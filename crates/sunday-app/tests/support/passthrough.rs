//! The interposed store's notification, webhook and cursor methods: passed straight through
//! (no test holds their commits back).

use async_trait::async_trait;
use sunday_store::*;
use sunday_types::{
    notifications::{Notification, NotificationPreferences},
    time::Millis,
    *,
};

use super::Interposed;

#[async_trait]
impl NotificationStore for Interposed {
    async fn notifications(
        &self,
        user: UserId,
        before: Option<NotificationId>,
        limit: usize,
    ) -> StoreResult<Vec<Notification>> {
        self.inner.notifications(user, before, limit).await
    }

    async fn unread_count(&self, user: UserId) -> StoreResult<i64> {
        self.inner.unread_count(user).await
    }

    async fn mark_read(&self, user: UserId, ids: Option<Vec<NotificationId>>, now: Millis) -> StoreResult<u64> {
        self.inner.mark_read(user, ids, now).await
    }

    async fn notification_prefs(&self, user: UserId) -> StoreResult<Option<NotificationPreferences>> {
        self.inner.notification_prefs(user).await
    }

    async fn put_notification_prefs(&self, user: UserId, prefs: &NotificationPreferences) -> StoreResult<()> {
        self.inner.put_notification_prefs(user, prefs).await
    }

    async fn item_subscribers(&self, item: ItemId) -> StoreResult<Vec<UserId>> {
        self.inner.item_subscribers(item).await
    }

    async fn subscribers_of(&self, items: &[ItemId]) -> StoreResult<Vec<(ItemId, UserId)>> {
        self.inner.subscribers_of(items).await
    }

    async fn pending_emails(&self, limit: usize) -> StoreResult<Vec<PendingEmail>> {
        self.inner.pending_emails(limit).await
    }

    async fn mark_emailed(&self, user: UserId, ids: &[NotificationId], sent: bool, now: Millis) -> StoreResult<()> {
        self.inner.mark_emailed(user, ids, sent, now).await
    }

    async fn claim_digest(&self, user: UserId, now: Millis, until: Millis) -> StoreResult<bool> {
        self.inner.claim_digest(user, now, until).await
    }
}

#[async_trait]
impl WebhookStore for Interposed {
    async fn webhooks(&self, board: BoardId) -> StoreResult<Vec<WebhookRecord>> {
        self.inner.webhooks(board).await
    }

    async fn webhook(&self, id: sunday_types::WebhookId) -> StoreResult<Option<WebhookRecord>> {
        self.inner.webhook(id).await
    }

    async fn deliveries(
        &self,
        webhook: sunday_types::WebhookId,
        before: Option<(Millis, sunday_types::DeliveryId)>,
        limit: usize,
    ) -> StoreResult<Vec<sunday_types::webhooks::Delivery>> {
        self.inner.deliveries(webhook, before, limit).await
    }

    async fn delivery(&self, id: sunday_types::DeliveryId) -> StoreResult<Option<sunday_types::webhooks::Delivery>> {
        self.inner.delivery(id).await
    }

    async fn claim_deliveries(
        &self,
        claim: &str,
        now: Millis,
        until: Millis,
        limit: usize,
        busy: &[sunday_types::WebhookId],
    ) -> StoreResult<Vec<DueDelivery>> {
        self.inner.claim_deliveries(claim, now, until, limit, busy).await
    }

    async fn release_deliveries(&self, claim: &str, ids: &[sunday_types::DeliveryId]) -> StoreResult<()> {
        self.inner.release_deliveries(claim, ids).await
    }

    async fn finish_deliveries(&self, attempts: Vec<FinishedAttempt>) -> StoreResult<()> {
        self.inner.finish_deliveries(attempts).await
    }

    async fn resend_delivery(&self, id: sunday_types::DeliveryId, now: Millis) -> StoreResult<bool> {
        self.inner.resend_delivery(id, now).await
    }
}

#[async_trait]
impl CursorStore for Interposed {
    async fn event_cursor(&self, consumer: &str, board: BoardId) -> StoreResult<i64> {
        self.inner.event_cursor(consumer, board).await
    }

    async fn advance_cursor(
        &self,
        consumer: &str,
        board: BoardId,
        from: i64,
        to: i64,
        writes: Vec<BoardWrite>,
        now: Millis,
    ) -> StoreResult<bool> {
        self.inner.advance_cursor(consumer, board, from, to, writes, now).await
    }

    async fn consumer_backlog(
        &self,
        consumer: &str,
        after: Option<BoardId>,
        limit: usize,
    ) -> StoreResult<Vec<BoardId>> {
        self.inner.consumer_backlog(consumer, after, limit).await
    }

    async fn take_lease(&self, name: &str, holder: &str, until: Millis, now: Millis) -> StoreResult<bool> {
        self.inner.take_lease(name, holder, until, now).await
    }

    async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()> {
        self.inner.release_lease(name, holder).await
    }

    async fn lease_holder(&self, name: &str, now: Millis) -> StoreResult<Option<String>> {
        self.inner.lease_holder(name, now).await
    }
}
