//! Who is on a board, doing what: what sockets say and every node shares.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{BoardId, ColumnId, ItemId, UserId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PresenceState {
    Viewing,
    Editing,
    Typing,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PresenceEntry {
    pub user_id: UserId,
    pub item_id: Option<ItemId>,
    /// The cell being edited, when the client said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column_id: Option<ColumnId>,
    pub state: PresenceState,
}

/// One node's sockets on a board, as that node announces them to the others (on every
/// change, and again before they would expire elsewhere).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PresenceAnnouncement {
    pub node: String,
    pub board_id: BoardId,
    /// One entry per user, their most recent; empty when nobody is left.
    pub entries: Vec<PresenceEntry>,
}
