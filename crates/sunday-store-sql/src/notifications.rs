//! Notifications and item subscriptions. Both are written inside board commits and cursor
//! advances (`BoardWrite::InsertNotification`, `Subscribe`, `Unsubscribe`), in the
//! transaction of the change that caused them.

use sunday_types::{notifications::Notification, ItemId, UserId};

use crate::{args, stmt, Exec, Stmt, Value};

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
