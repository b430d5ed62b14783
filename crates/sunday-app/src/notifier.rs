//! Who hears about a change, as a consumer of the event log: mentioned people, the author
//! replied to, people newly assigned through a people column, and everyone following the item.
//!
//! Notifications used to be built inside each change's commit, so an edit got slower as its
//! item gained followers. Now a change commits alone and the notifier follows the log: for
//! each board it keeps a cursor (the last `seq` it handled), reads the events after it,
//! and writes their notifications and follows together with the new cursor in one
//! transaction. The cursor moves only from where it was read (compare and set), so each event
//! notifies exactly once even with several notifiers racing, and a crash between commit and
//! notification loses nothing: the next run starts from the cursor. Committed notifications
//! are then published on the bus for live delivery.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use sunday_bus::DynBus;
use sunday_store::{BoardWrite, Store, StoreResult};
use sunday_types::{
    boards::{BoardEvent, Column, ColumnType, Item},
    cells::CellValue,
    events::{BoardChange, ItemChanged},
    notifications::{Notification, NotificationKind},
    time::now_millis,
    BoardId, ColumnId, ItemId, NotificationId, UserId,
};
use tokio::sync::watch;

use crate::{boards::BoardService, directory::Directory};

/// The consumer name of the notifier's cursors.
pub const CONSUMER: &str = "notifications";

/// Events read from the log per transaction.
const BATCH: usize = 500;

#[derive(Clone)]
pub struct Notifier {
    store: Arc<dyn Store>,
    bus: DynBus,
    directory: Directory,
    boards: BoardService,
}

impl Notifier {
    pub fn new(store: Arc<dyn Store>, bus: DynBus, directory: Directory, boards: BoardService) -> Notifier {
        Notifier { store, bus, directory, boards }
    }

    /// Follows the event log until `stop` (see [`crate::consumer`]).
    pub fn start(self, stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
        let (store, bus) = (self.store.clone(), self.bus.clone());
        crate::consumer::follow(self, store, &bus, stop)
    }

    /// Handles the board's events after its cursor; returns the `seq` handled up to.
    pub async fn catch_up(&self, board: BoardId) -> StoreResult<i64> {
        loop {
            let cursor = self.store.event_cursor(CONSUMER, board).await?;
            let events = self.store.events_after(board, cursor, BATCH).await?;
            let Some(last) = events.last().map(|e| e.seq) else { return Ok(cursor) };
            let mut batch = Batch::default();
            self.prefetch_followers(&events, &mut batch).await?;
            for event in &events {
                self.notices(event, &mut batch).await?;
            }
            self.keep_visible(board, &mut batch.writes).await?;
            let notifications: Vec<Notification> = batch
                .writes
                .iter()
                .filter_map(|w| match w {
                    BoardWrite::InsertNotification(n) => Some(n.clone()),
                    _ => None,
                })
                .collect();
            if self.store.advance_cursor(CONSUMER, board, cursor, last, batch.writes, now_millis()).await? {
                self.bus.publish_notifications(&notifications);
                if events.len() < BATCH {
                    return Ok(last);
                }
            }
            // Another notifier moved the cursor first, or more events wait: read again.
        }
    }

    /// The notifications and follows one event causes.
    async fn notices(&self, event: &BoardEvent, batch: &mut Batch) -> StoreResult<()> {
        match &event.change {
            BoardChange::ItemCreated(c) if !c.imported => {
                let who = self.name(event.actor).await?;
                let mut n = Notices::new(event, c.item.id);
                for user in self.newly_assigned(event.board_id, batch, &[], &c.item).await? {
                    n.add(user, NotificationKind::Assigned, format!("{who} assigned you to {}", c.item.name));
                }
                self.follow(batch, &mut n).await?;
                batch.writes.append(&mut n.writes);
            }
            // Values Sunday recomputes by itself (a day passing, a formula changed) would
            // notify every follower of every item: they are not news.
            BoardChange::ItemUpdated(_)
                if matches!(
                    event.actor,
                    sunday_types::automations::FORMULA_ACTOR | sunday_types::automations::LINKS_ACTOR
                ) => {}
            BoardChange::ItemUpdated(c) | BoardChange::ItemMoved(c) => {
                let who = self.name(event.actor).await?;
                let mut n = Notices::new(event, c.item.id);
                for user in self.assigned_by(event.board_id, batch, c).await? {
                    n.add(user, NotificationKind::Assigned, format!("{who} assigned you to {}", c.item.name));
                }
                self.followers(batch, &mut n, c.item.id, format!("{who} changed {}", c.item.name)).await?;
                self.follow(batch, &mut n).await?;
                batch.writes.append(&mut n.writes);
            }
            BoardChange::UpdatePosted(c) => {
                let Some(item) = self.store.item(c.update.item_id).await? else { return Ok(()) };
                let who = self.name(event.actor).await?;
                let mut n = Notices::new(event, item.id);
                for u in &c.update.mentions {
                    n.add(*u, NotificationKind::Mention, format!("{who} mentioned you on {}", item.name));
                }
                if let Some(root) = c.update.parent_id {
                    if let Some(root) = self.store.update(root).await? {
                        let text = format!("{who} replied to your update on {}", item.name);
                        n.add(root.author, NotificationKind::Reply, text);
                    }
                }
                self.followers(batch, &mut n, item.id, format!("{who} commented on {}", item.name)).await?;
                self.follow(batch, &mut n).await?;
                batch.writes.append(&mut n.writes);
            }
            _ => {}
        }
        Ok(())
    }

    /// The actor follows the item they created, changed or commented on.
    async fn follow(&self, batch: &mut Batch, n: &mut Notices) -> StoreResult<()> {
        self.following(batch, n.item).await?;
        if batch.followers.entry(n.item).or_default().insert(n.actor) {
            n.writes.push(BoardWrite::Subscribe { item: n.item, user: n.actor });
        }
        Ok(())
    }

    /// Drops notifications and follows for people who cannot see the board (any more): a
    /// mention, an assignment or an old follow never tells someone about a board they lost.
    async fn keep_visible(&self, board: BoardId, writes: &mut Vec<BoardWrite>) -> StoreResult<()> {
        let mut sees: HashMap<UserId, bool> = HashMap::new();
        for w in writes.iter() {
            let user = match w {
                BoardWrite::InsertNotification(n) => n.user_id,
                BoardWrite::Subscribe { user, .. } => *user,
                _ => continue,
            };
            if let std::collections::hash_map::Entry::Vacant(slot) = sees.entry(user) {
                let visible = match self.boards.access_of(user, board).await {
                    Ok(_) => true,
                    Err(e) if e.code == sunday_types::ErrorCode::BoardNotFound => false,
                    Err(e) => return Err(sunday_store::StoreError::internal(e.message)),
                };
                slot.insert(visible);
            }
        }
        writes.retain(|w| match w {
            BoardWrite::InsertNotification(n) => sees.get(&n.user_id).copied().unwrap_or(false),
            BoardWrite::Subscribe { user, .. } => sees.get(user).copied().unwrap_or(false),
            _ => true,
        });
        Ok(())
    }

    async fn name(&self, user: UserId) -> StoreResult<String> {
        if user == sunday_types::automations::AUTOMATION_ACTOR {
            return Ok("Automation".into());
        }
        let profile = self.directory.profile(user).await.map_err(|e| sunday_store::StoreError::internal(e.message))?;
        Ok(profile.map(|p| p.user.name.clone()).unwrap_or_else(|| "Someone".into()))
    }

    /// Notifies the item's followers, those followed earlier in this batch included.
    async fn followers(&self, batch: &mut Batch, n: &mut Notices, item: ItemId, text: String) -> StoreResult<()> {
        for user in self.following(batch, item).await?.clone() {
            n.add(user, NotificationKind::ItemChanged, text.clone());
        }
        Ok(())
    }

    /// The followers of every item the events touch, read in one statement rather than one
    /// per item (under a steady write load, a pass handles many items).
    async fn prefetch_followers(&self, events: &[BoardEvent], batch: &mut Batch) -> StoreResult<()> {
        let mut items: Vec<ItemId> = events
            .iter()
            .filter_map(|e| match &e.change {
                BoardChange::ItemCreated(c) => Some(c.item.id),
                BoardChange::ItemUpdated(c) | BoardChange::ItemMoved(c) => Some(c.item.id),
                BoardChange::UpdatePosted(c) => Some(c.update.item_id),
                _ => None,
            })
            .collect();
        items.sort();
        items.dedup();
        if items.len() < 2 {
            return Ok(());
        }
        for item in &items {
            batch.followers.entry(*item).or_default();
        }
        for (item, user) in self.store.subscribers_of(&items).await? {
            batch.followers.entry(item).or_default().insert(user);
        }
        Ok(())
    }

    async fn following<'b>(&self, batch: &'b mut Batch, item: ItemId) -> StoreResult<&'b HashSet<UserId>> {
        if let std::collections::hash_map::Entry::Vacant(slot) = batch.followers.entry(item) {
            slot.insert(self.store.item_subscribers(item).await?.into_iter().collect());
        }
        Ok(&batch.followers[&item])
    }

    async fn people_columns<'b>(&self, board: BoardId, batch: &'b mut Batch) -> StoreResult<&'b [Column]> {
        if batch.people.is_none() {
            let columns = self.store.columns(board).await?;
            batch.people = Some(columns.into_iter().filter(|c| c.column_type == ColumnType::People).collect());
        }
        Ok(batch.people.as_deref().unwrap_or_default())
    }

    /// The people columns' values before the change, from the change's `old` values.
    /// Users a change added to a people column of the item (the change says old and new).
    async fn assigned_by(&self, board: BoardId, batch: &mut Batch, change: &ItemChanged) -> StoreResult<Vec<UserId>> {
        let columns = self.people_columns(board, batch).await?;
        let mut out = vec![];
        for ch in &change.changes {
            let Some(c) = columns.iter().find(|c| c.id == ch.column_id) else { continue };
            let read = |v: &Option<serde_json::Value>| {
                people(v.as_ref().and_then(|v| CellValue::from_stored(c.column_type, v)))
            };
            let before = read(&ch.old);
            let CellValue::People(now) = ch
                .new
                .as_ref()
                .and_then(|v| CellValue::from_stored(c.column_type, v))
                .unwrap_or(CellValue::People(vec![]))
            else {
                continue;
            };
            for u in now {
                if !before.contains(&u) && !out.contains(&u) {
                    out.push(u);
                }
            }
        }
        Ok(out)
    }

    /// Users present in the item's people values but not in `before`.
    async fn newly_assigned(
        &self,
        board: BoardId,
        batch: &mut Batch,
        before: &[(ColumnId, HashSet<UserId>)],
        after: &Item,
    ) -> StoreResult<Vec<UserId>> {
        let mut out = vec![];
        for c in self.people_columns(board, batch).await? {
            let old = before.iter().find(|(k, _)| *k == c.id).map(|(_, v)| v);
            let CellValue::People(now) = after.values.cell(c).unwrap_or(CellValue::People(vec![])) else { continue };
            for u in now {
                if !old.is_some_and(|o| o.contains(&u)) && !out.contains(&u) {
                    out.push(u);
                }
            }
        }
        Ok(out)
    }
}

/// What one transaction of the notifier writes, and what it learned on the way.
#[derive(Default)]
struct Batch {
    writes: Vec<BoardWrite>,
    /// Followers per item: stored ones plus those this batch made follow.
    followers: HashMap<ItemId, HashSet<UserId>>,
    /// The board's people columns, read once per batch.
    people: Option<Vec<Column>>,
}

/// Notifications for one event, at most one per person (the first reason wins: a mention
/// beats a reply beats an assignment beats a followed-item change); never the actor.
struct Notices {
    actor: UserId,
    board: BoardId,
    item: ItemId,
    at: chrono::DateTime<chrono::Utc>,
    notified: HashSet<UserId>,
    writes: Vec<BoardWrite>,
}

impl Notices {
    fn new(event: &BoardEvent, item: ItemId) -> Notices {
        Notices {
            actor: event.actor,
            board: event.board_id,
            item,
            at: event.created_at,
            notified: HashSet::from([event.actor]),
            writes: vec![],
        }
    }

    fn add(&mut self, user: UserId, kind: NotificationKind, text: String) {
        if self.notified.insert(user) {
            self.writes.push(BoardWrite::InsertNotification(Notification {
                id: NotificationId::new(),
                user_id: user,
                kind,
                actor: self.actor,
                board_id: Some(self.board),
                item_id: Some(self.item),
                text,
                created_at: self.at,
                read_at: None,
            }));
        }
    }
}

/// The people a cell names.
fn people(value: Option<CellValue>) -> HashSet<UserId> {
    match value {
        Some(CellValue::People(users)) => users.into_iter().collect(),
        _ => HashSet::new(),
    }
}

#[async_trait::async_trait]
impl crate::consumer::Consumer for Notifier {
    const NAME: &'static str = CONSUMER;
    type Error = sunday_store::StoreError;

    async fn catch_up(&self, board: BoardId) -> StoreResult<i64> {
        Notifier::catch_up(self, board).await
    }
}
