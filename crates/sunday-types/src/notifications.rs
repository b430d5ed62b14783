//! Notifications (the bell) and the user's preferences for them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::*;

/// Why someone is notified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// Mentioned in an update (`@[user_id]`).
    Mention,
    /// Someone replied to your update.
    Reply,
    /// Assigned through a people column.
    Assigned,
    /// An item you follow changed or got an update.
    ItemChanged,
    /// An automation's `notify` action, or a recipe paused because its actions kept failing.
    Automation,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 5] = [
        NotificationKind::Mention,
        NotificationKind::Reply,
        NotificationKind::Assigned,
        NotificationKind::ItemChanged,
        NotificationKind::Automation,
    ];
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Notification {
    pub id: NotificationId,
    pub user_id: UserId,
    pub kind: NotificationKind,
    pub actor: UserId,
    pub board_id: Option<BoardId>,
    pub item_id: Option<ItemId>,
    /// A short human text, e.g. "Ada mentioned you on Launch plan".
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NotificationPage {
    pub data: Vec<Notification>,
    pub next_cursor: Option<String>,
    pub unread_count: i64,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkReadRequest {
    /// Mark these; without `ids`, mark all as read.
    pub ids: Option<Vec<NotificationId>>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MarkReadResponse {
    pub marked: u64,
    pub unread_count: i64,
}

/// Which notifications also go by email, and how often the digest is sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationPreferences {
    pub email_kinds: Vec<NotificationKind>,
    /// Minutes between digests (5 to 1440).
    pub digest_minutes: u32,
}

impl Default for NotificationPreferences {
    fn default() -> Self {
        NotificationPreferences {
            email_kinds: vec![NotificationKind::Mention, NotificationKind::Assigned],
            digest_minutes: 15,
        }
    }
}
