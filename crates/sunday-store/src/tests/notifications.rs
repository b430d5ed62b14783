//! Conformance cases for notifications (see `conformance.rs` for the runner).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sunday_types::{
    boards::{BoardKind, Item},
    notifications::{Notification, NotificationKind, NotificationPreferences},
    time::to_datetime,
    BoardId, GroupId, ItemId, NotificationId, UserId,
};

use super::{
    conformance::DynStore,
    conformance_boards::{board, fixture, item},
};
use crate::*;

fn note(user: UserId, actor: UserId, kind: NotificationKind, text: &str) -> Notification {
    Notification {
        id: NotificationId::new(),
        user_id: user,
        kind,
        actor,
        board_id: None,
        item_id: None,
        text: text.into(),
        created_at: to_datetime(1_800_000_000_000),
        read_at: None,
    }
}

pub async fn notifications_are_listed_read_and_emailed(store: DynStore) {
    let f = fixture(&store, "n1@example.com").await;
    let other = fixture(&store, "n2@example.com").await;
    let b = board(&f, "B", BoardKind::Public);
    store.commit(b.id, vec![BoardWrite::InsertBoard(b.clone())], vec![], 0).await.unwrap();
    let notes: Vec<Notification> = (0..3)
        .map(|i| {
            note(
                f.user,
                other.user,
                if i == 1 { NotificationKind::ItemChanged } else { NotificationKind::Mention },
                &format!("n{i}"),
            )
        })
        .collect();
    let writes = notes.iter().cloned().map(BoardWrite::InsertNotification).collect();
    store.commit(b.id, writes, vec![], 0).await.unwrap();

    let listed = store.notifications(f.user, None, 10).await.unwrap();
    assert_eq!(listed.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(), ["n2", "n1", "n0"], "newest first");
    assert_eq!(listed[0], Notification { ..notes[2].clone() });
    assert_eq!(store.notifications(f.user, Some(listed[0].id), 1).await.unwrap()[0].text, "n1");
    assert!(store.notifications(other.user, None, 10).await.unwrap().is_empty());
    assert_eq!(store.unread_count(f.user).await.unwrap(), 3);

    let pending = store.pending_emails(10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (pending[0].user, pending[0].email.as_str(), pending[0].notifications.len()),
        (f.user, "n1@example.com", 3)
    );
    assert_eq!(pending[0].prefs, NotificationPreferences::default());
    assert_eq!(pending[0].last_digest_at, 0);

    assert_eq!(store.mark_read(f.user, Some(vec![notes[0].id]), 5).await.unwrap(), 1);
    assert_eq!(store.mark_read(other.user, Some(vec![notes[1].id]), 5).await.unwrap(), 0, "not theirs");
    assert_eq!(store.unread_count(f.user).await.unwrap(), 2);
    assert_eq!(store.pending_emails(10).await.unwrap()[0].notifications.len(), 2, "read ones are not emailed");

    let ids: Vec<NotificationId> = notes.iter().map(|n| n.id).collect();
    store.mark_emailed(f.user, &ids, true, 99).await.unwrap();
    assert!(store.pending_emails(10).await.unwrap().is_empty());
    assert_eq!(store.mark_read(f.user, None, 6).await.unwrap(), 2);
    assert_eq!(store.unread_count(f.user).await.unwrap(), 0);

    let prefs = NotificationPreferences { email_kinds: vec![NotificationKind::Reply], digest_minutes: 60 };
    assert_eq!(
        store.notification_prefs(f.user).await.unwrap(),
        Some(NotificationPreferences::default()),
        "mark_emailed stored the digest time with default preferences"
    );
    store.put_notification_prefs(f.user, &prefs).await.unwrap();
    assert_eq!(store.notification_prefs(f.user).await.unwrap(), Some(prefs));
    assert_eq!(store.notification_prefs(other.user).await.unwrap(), None);

    let extra = note(f.user, other.user, NotificationKind::Reply, "later");
    store.commit(b.id, vec![BoardWrite::InsertNotification(extra)], vec![], 0).await.unwrap();
    assert_eq!(store.pending_emails(10).await.unwrap()[0].last_digest_at, 99);

    // `other` (no digest yet, due 15 minutes after 0) is due long before `f.user` (last
    // digest at 99, every 60 minutes), though `f.user`'s id is the smaller: due time decides.
    let for_other = note(other.user, f.user, NotificationKind::Mention, "for other");
    store.commit(b.id, vec![BoardWrite::InsertNotification(for_other)], vec![], 0).await.unwrap();
    assert!(f.user.to_string() < other.user.to_string());
    let first = store.pending_emails(1).await.unwrap();
    assert_eq!(first.iter().map(|p| p.user).collect::<Vec<_>>(), [other.user], "the digest due first comes first");
    assert_eq!(store.pending_emails(10).await.unwrap().len(), 2);

    // Two workers at once: one claims the digest, the other skips it until the claim lapses;
    // a user without preferences can be claimed too, and claiming leaves preferences alone.
    assert!(store.claim_digest(other.user, 1_000, 61_000).await.unwrap());
    assert!(!store.claim_digest(other.user, 2_000, 62_000).await.unwrap(), "held by the first worker");
    assert!(store.claim_digest(other.user, 61_000, 121_000).await.unwrap(), "free once the claim lapses");
    assert!(store.claim_digest(f.user, 1_000, 61_000).await.unwrap());
    assert_eq!(store.notification_prefs(f.user).await.unwrap().unwrap().digest_minutes, 60);
    assert_eq!(store.notification_prefs(other.user).await.unwrap(), Some(NotificationPreferences::default()));
}

pub async fn item_subscriptions(store: DynStore) {
    let f = fixture(&store, "s1@example.com").await;
    let other = fixture(&store, "s2@example.com").await;
    let b = board(&f, "B", BoardKind::Public);
    let it = item(b.id, GroupId::new(), f.user, "I", "V");
    store
        .commit(b.id, vec![BoardWrite::InsertBoard(b.clone()), BoardWrite::InsertItem(it.clone())], vec![], 0)
        .await
        .unwrap();
    let sub = |u: UserId| BoardWrite::Subscribe { item: it.id, user: u };
    store.commit(b.id, vec![sub(f.user), sub(other.user), sub(f.user)], vec![], 0).await.unwrap();
    let mut want = vec![f.user, other.user];
    want.sort();
    assert_eq!(store.item_subscribers(it.id).await.unwrap(), want);
    // Many items' followers at once: each pair once, none of an item not asked about.
    let second = item(b.id, GroupId::new(), f.user, "J", "V");
    let third = item(b.id, GroupId::new(), f.user, "K", "V");
    let follow = |i: &Item, u: UserId| BoardWrite::Subscribe { item: i.id, user: u };
    let writes = vec![
        BoardWrite::InsertItem(second.clone()),
        BoardWrite::InsertItem(third.clone()),
        follow(&second, other.user),
        follow(&third, f.user),
    ];
    store.commit(b.id, writes, vec![], 0).await.unwrap();
    let mut pairs = store.subscribers_of(&[it.id, second.id, ItemId::new()]).await.unwrap();
    pairs.sort();
    let mut want = vec![(it.id, f.user), (it.id, other.user), (second.id, other.user)];
    want.sort();
    assert_eq!(pairs, want);
    assert_eq!(store.subscribers_of(&[]).await.unwrap(), vec![]);
    store.commit(b.id, vec![BoardWrite::Unsubscribe { item: it.id, user: other.user }], vec![], 0).await.unwrap();
    assert_eq!(store.item_subscribers(it.id).await.unwrap(), vec![f.user]);
}

/// A consumer's cursor moves only from where it was read, together with its writes: the loser
/// of a race writes nothing, and the backlog lists exactly the boards whose log runs ahead.
pub async fn event_cursors_move_once_with_their_writes(store: DynStore) {
    let f = fixture(&store, "c1@example.com").await;
    let b = board(&f, "B", BoardKind::Public);
    let it = item(b.id, GroupId::new(), f.user, "I", "V");
    let created = sunday_types::events::BoardChange::ItemCreated(sunday_types::events::ItemCreated {
        item: it.clone(),
        imported: false,
        duplicated_from: None,
        moved_from: None,
    });
    let events = vec![NewEvent::new(f.user, created.clone()), NewEvent::new(f.user, created)];
    store
        .commit(b.id, vec![BoardWrite::InsertBoard(b.clone()), BoardWrite::InsertItem(it.clone())], events, 0)
        .await
        .unwrap();
    assert_eq!(store.event_cursor("notifications", b.id).await.unwrap(), 0);
    assert!(store.consumer_backlog("notifications", None, 10).await.unwrap().contains(&b.id));
    assert!(store.consumer_backlog("search", None, 10).await.unwrap().contains(&b.id), "cursors are per consumer");
    // Paging: nothing after the last board behind, the board itself after any smaller id.
    let behind = store.consumer_backlog("notifications", None, 1000).await.unwrap();
    let last = *behind.last().unwrap();
    assert!(store.consumer_backlog("notifications", Some(last), 10).await.unwrap().is_empty(), "paged past the end");
    for pair in behind.windows(2) {
        assert_eq!(
            store.consumer_backlog("notifications", Some(pair[0]), 1).await.unwrap(),
            vec![pair[1]],
            "in id order"
        );
    }

    let mut n = note(f.user, f.user, NotificationKind::Assigned, "first");
    n.board_id = Some(b.id);
    let writes =
        || vec![BoardWrite::InsertNotification(n.clone()), BoardWrite::Subscribe { item: it.id, user: f.user }];
    assert!(store.advance_cursor("notifications", b.id, 0, 1, writes(), 0).await.unwrap());
    assert!(!store.advance_cursor("notifications", b.id, 0, 1, writes(), 0).await.unwrap(), "the race's loser");
    assert_eq!(store.notifications(f.user, None, 10).await.unwrap().len(), 1, "the loser wrote nothing");
    assert_eq!(store.event_cursor("notifications", b.id).await.unwrap(), 1);
    assert_eq!(store.item_subscribers(it.id).await.unwrap(), vec![f.user]);
    assert!(store.consumer_backlog("notifications", None, 10).await.unwrap().contains(&b.id), "seq 2 is left");

    assert!(!store.advance_cursor("notifications", b.id, 7, 9, vec![], 0).await.unwrap(), "not from elsewhere");
    assert!(store.advance_cursor("notifications", b.id, 1, 2, vec![], 0).await.unwrap());
    assert!(!store.consumer_backlog("notifications", None, 10).await.unwrap().contains(&b.id));
    assert!(
        !store.advance_cursor("notifications", BoardId::new(), 0, 1, vec![], 0).await.unwrap(),
        "no cursor for a board that does not exist"
    );
}

pub async fn leases_are_held_by_one_holder_until_they_expire(store: DynStore) {
    assert!(store.take_lease("upkeep", "node-a", 1_000, 0).await.unwrap(), "a free lease is taken");
    assert!(!store.take_lease("upkeep", "node-b", 1_500, 500).await.unwrap(), "held by another until 1000");
    assert!(store.take_lease("upkeep", "node-a", 2_000, 900).await.unwrap(), "the holder renews it");
    assert!(!store.take_lease("upkeep", "node-b", 2_500, 1_500).await.unwrap(), "renewed: still held");
    assert!(store.take_lease("backups", "node-b", 1_000, 0).await.unwrap(), "leases are independent");
    assert!(store.take_lease("upkeep", "node-b", 3_500, 2_001).await.unwrap(), "expired: taken over");
    assert!(!store.take_lease("upkeep", "node-a", 3_000, 2_002).await.unwrap(), "the old holder lost it");
    store.release_lease("upkeep", "node-a").await.unwrap();
    assert!(!store.take_lease("upkeep", "node-a", 3_000, 2_003).await.unwrap(), "only its holder releases it");
    assert_eq!(store.lease_holder("upkeep", 2_005).await.unwrap().as_deref(), Some("node-b"), "who holds it");
    assert_eq!(store.lease_holder("upkeep", 3_501).await.unwrap(), None, "expired: no one");
    store.release_lease("upkeep", "node-b").await.unwrap();
    assert_eq!(store.lease_holder("upkeep", 2_005).await.unwrap(), None, "released: no one");
    assert!(store.take_lease("upkeep", "node-a", 3_000, 2_004).await.unwrap(), "released: free at once");
}
