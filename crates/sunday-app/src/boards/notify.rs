//! Who hears about a change: mentioned people, the author replied to, people newly assigned
//! through a people column, and everyone following the item. Notifications are written in
//! the same commit as the change that causes them, so none is lost or invented.

use std::collections::HashSet;

use serde_json::Value;
use sunday_store::BoardWrite;
use sunday_types::{
    boards::{Column, ColumnType, Item},
    notifications::{Notification, NotificationKind},
    time::{now_millis, to_datetime},
    ApiError, NotificationId, UserId,
};

use super::BoardService;

/// Collects notifications for one change, at most one per person (the first reason wins:
/// a mention beats a reply beats an assignment beats a followed-item change).
pub(super) struct Notices {
    actor: UserId,
    item: Item,
    notified: HashSet<UserId>,
    pub writes: Vec<BoardWrite>,
}

impl Notices {
    pub fn new(actor: UserId, item: &Item) -> Notices {
        Notices { actor, item: item.clone(), notified: HashSet::from([actor]), writes: vec![] }
    }

    pub fn add(&mut self, user: UserId, kind: NotificationKind, text: String) {
        if self.notified.insert(user) {
            self.writes.push(BoardWrite::InsertNotification(Notification {
                id: NotificationId::new(),
                user_id: user,
                kind,
                actor: self.actor,
                board_id: Some(self.item.board_id),
                item_id: Some(self.item.id),
                text,
                created_at: to_datetime(now_millis()),
                read_at: None,
            }));
        }
    }

    /// The actor follows the item (a new item's creator; `notify_followers` does it for
    /// changes, when the actor does not follow it yet).
    pub fn follow(&mut self) {
        self.writes.push(BoardWrite::Subscribe { item: self.item.id, user: self.actor });
    }
}

/// Users present in the new people values but not in the old ones.
pub(super) fn newly_assigned(columns: &[Column], before: Option<&Item>, after: &Item) -> Vec<UserId> {
    let ids = |item: Option<&Item>, key: &str| -> HashSet<UserId> {
        item.and_then(|i| i.values.get(key))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str()?.parse().ok()).collect())
            .unwrap_or_default()
    };
    let mut out = vec![];
    for c in columns.iter().filter(|c| c.column_type == ColumnType::People) {
        let key = c.id.to_string();
        let old = ids(before, &key);
        for u in ids(Some(after), &key) {
            if !old.contains(&u) && !out.contains(&u) {
                out.push(u);
            }
        }
    }
    out
}

impl BoardService {
    pub(super) async fn actor_name(&self, actor: UserId) -> Result<String, ApiError> {
        Ok(self.directory.profile(actor).await?.map(|p| p.user.name.clone()).unwrap_or_else(|| "Someone".into()))
    }

    /// Notifies the item's followers (other than those already notified), and makes the
    /// actor one of them.
    pub(super) async fn notify_followers(&self, notices: &mut Notices, text: String) -> Result<(), ApiError> {
        let followers = self.store.item_subscribers(notices.item.id).await?;
        for user in &followers {
            notices.add(*user, NotificationKind::ItemChanged, text.clone());
        }
        if !followers.contains(&notices.actor) {
            notices.follow();
        }
        Ok(())
    }
}
