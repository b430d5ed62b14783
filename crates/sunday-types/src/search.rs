//! Search answers.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::*;

/// One thing found, best first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SearchHit {
    /// `board`, `item`, `update` or `file`.
    pub kind: String,
    pub board_id: BoardId,
    pub board_name: String,
    /// The item it is about (absent for a board).
    pub item_id: Option<ItemId>,
    /// For an update (or a reply).
    pub update_id: Option<UpdateId>,
    /// For a file.
    pub file_id: Option<FileId>,
    /// The board's, item's or file's name (an update's is its item's).
    pub title: String,
    /// The text around the first match (a cell's text, an update's body; empty when only the
    /// title matched).
    pub snippet: String,
    /// Where the search's words are in `title` and `snippet` (character offsets).
    pub title_highlights: Vec<Highlight>,
    pub snippet_highlights: Vec<Highlight>,
    pub score: f32,
}

/// A run of characters `start..end` that matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Highlight {
    pub start: usize,
    pub end: usize,
}

/// The search index of the node answering.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SearchStatus {
    /// `embedded` (tantivy, under the data directory).
    pub backend: String,
    /// Being rebuilt from the event log (a new or deleted index): answers may miss things.
    pub rebuilding: bool,
    pub boards_done: u64,
    pub boards_total: u64,
    pub documents: u64,
    pub bytes: u64,
}
