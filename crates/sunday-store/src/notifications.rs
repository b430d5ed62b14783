//! The notifications half of the storage port. Notifications are written inside board
//! commits (`BoardWrite::InsertNotification`), in the same transaction as the change that
//! caused them; these are the reads and the bookkeeping around them.

use async_trait::async_trait;
use sunday_types::{
    notifications::{Notification, NotificationPreferences},
    time::Millis,
    ItemId, NotificationId, UserId,
};

use crate::StoreResult;

/// A user's notifications not yet handled by the email digest.
#[derive(Clone, Debug)]
pub struct PendingEmail {
    pub user: UserId,
    pub email: String,
    pub name: String,
    pub prefs: NotificationPreferences,
    /// When their last digest went out (0 for never).
    pub last_digest_at: Millis,
    /// Unread and not yet emailed, oldest first.
    pub notifications: Vec<Notification>,
}

#[async_trait]
pub trait NotificationStore: Send + Sync {
    /// Newest first (by id), before the cursor.
    async fn notifications(
        &self,
        user: UserId,
        before: Option<NotificationId>,
        limit: usize,
    ) -> StoreResult<Vec<Notification>>;
    async fn unread_count(&self, user: UserId) -> StoreResult<i64>;
    /// Marks the given notifications (all when `None`) read; returns how many changed.
    async fn mark_read(&self, user: UserId, ids: Option<Vec<NotificationId>>, now: Millis) -> StoreResult<u64>;
    /// Stored preferences, or `None` for the defaults.
    async fn notification_prefs(&self, user: UserId) -> StoreResult<Option<NotificationPreferences>>;
    async fn put_notification_prefs(&self, user: UserId, prefs: &NotificationPreferences) -> StoreResult<()>;
    async fn item_subscribers(&self, item: ItemId) -> StoreResult<Vec<UserId>>;
    /// The followers of each of `items`, as (item, user) pairs in no particular order.
    async fn subscribers_of(&self, items: &[ItemId]) -> StoreResult<Vec<(ItemId, UserId)>>;
    /// Users with unread notifications not yet handled by the digest, at most `limit` users.
    async fn pending_emails(&self, limit: usize) -> StoreResult<Vec<PendingEmail>>;
    /// Records that these notifications were handled by the digest (sent or not eligible),
    /// and, when `sent`, that the user's digest went out at `now`.
    async fn mark_emailed(&self, user: UserId, ids: &[NotificationId], sent: bool, now: Millis) -> StoreResult<()>;
    /// Claims the user's next digest for this worker until `until`; `false` when another
    /// worker's claim still holds at `now` (so each digest is sent once across workers).
    async fn claim_digest(&self, user: UserId, now: Millis, until: Millis) -> StoreResult<bool>;
}
