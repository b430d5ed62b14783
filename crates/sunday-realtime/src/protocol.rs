//! The WebSocket protocol: JSON text frames `{"type": …}` (API.md, "WebSocket").
//!
//! Client → server: `subscribe {board_id, since_seq?}`, `unsubscribe {board_id}`,
//! `presence {board_id, item_id?, state}`, `ping`.
//! Server → client: `subscribed {board_id, seq}`, `event {board_id, seq, kind, actor,
//! item_id, payload, created_at}`, `presence {board_id, users}`, `resync {board_id}`,
//! `notification {…}`, `error {code, message, board_id?}`, `pong`, `reconnect`.

use serde::{Deserialize, Serialize};
pub use sunday_types::presence::{PresenceEntry, PresenceState};
use sunday_types::{boards::BoardEvent, notifications::Notification, BoardId, ColumnId, ItemId};
use utoipa::ToSchema;

/// A frame the client sends.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientFrame {
    Subscribe {
        board_id: BoardId,
        since_seq: Option<i64>,
    },
    Unsubscribe {
        board_id: BoardId,
    },
    /// Where the user is: the board, the item, and the cell (`column_id`) they edit.
    Presence {
        board_id: BoardId,
        item_id: Option<ItemId>,
        #[serde(default)]
        column_id: Option<ColumnId>,
        state: PresenceState,
    },
    Ping,
}

/// A frame the server sends.
#[derive(Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame<'a> {
    Subscribed { board_id: BoardId, seq: i64 },
    Event(&'a BoardEvent),
    Presence { board_id: BoardId, users: &'a [PresenceEntry] },
    Notification(&'a Notification),
    Resync { board_id: BoardId },
    Error { code: &'a str, message: &'a str, board_id: Option<BoardId> },
    Pong,
    Reconnect,
}

impl ServerFrame<'_> {
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{\"type\":\"error\",\"code\":\"internal\"}"))
    }
}
