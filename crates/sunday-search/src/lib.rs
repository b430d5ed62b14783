//! Search: the index the event-log indexer writes (`sunday-app`'s `search`) and searches read,
//! as a port ([`SearchIndex`]) with its documents, and its two backends: the embedded one on
//! tantivy ([`embedded::EmbeddedIndex`], its files under the data directory, one per node) and
//! PostgreSQL full-text search with `pg_trgm` for typos ([`postgres::PostgresIndex`], one for
//! the whole cluster).
//!
//! An index keeps, with its documents, how far it has read each board's event log (its
//! positions), committed together: after a crash it resumes from what it holds, and an index
//! deleted or new starts from nothing and is rebuilt from the log. A batch names the position it
//! was planned from ([`Advance::from`]); an index that has moved on since refuses it
//! ([`SearchError::Moved`]), so two indexers on one shared index never apply an older view of a
//! board over a newer one. Permissions are not in the
//! index: a search names the boards its caller may read ([`Query::boards`]), worked out at the
//! moment of the search, so revoked access takes effect at once.

#[cfg(test)]
mod conformance;
pub mod embedded;
mod highlight;
pub mod postgres;
mod terms;

use async_trait::async_trait;
use serde::Serialize;
use sunday_types::{BoardId, ItemId, OrgId};

pub use highlight::highlight;
pub use terms::{terms, tokens, typo_budget, MAX_QUERY_CHARS, MAX_TERMS};

/// What a document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// A board's name (and description).
    Board,
    /// An item's name and its text-like cells.
    Item,
    /// An update or a reply.
    Update,
    /// A file's name, where an item holds it.
    File,
}

impl DocKind {
    pub const ALL: [DocKind; 4] = [DocKind::Board, DocKind::Item, DocKind::Update, DocKind::File];

    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Board => "board",
            DocKind::Item => "item",
            DocKind::Update => "update",
            DocKind::File => "file",
        }
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One searchable thing.
#[derive(Clone, Debug, PartialEq)]
pub struct Doc {
    /// Unique in the index: `item:<id>`, `update:<id>`, `board:<id>`, `file:<file>:<item>`.
    pub key: String,
    pub kind: DocKind,
    pub org: OrgId,
    pub board: BoardId,
    /// The item it is about (none for a board).
    pub item: Option<ItemId>,
    /// The update it hangs from (a reply's, or a file's on an update), so deleting the update
    /// takes it along.
    pub parent: Option<String>,
    /// Searched and shown (a board's, item's or file's name; empty for an update).
    pub title: String,
    pub body: String,
    /// Shown, not searched: what the document belongs to (an update's or a file's item name).
    pub context: String,
}

/// Documents to take out.
#[derive(Clone, Debug, PartialEq)]
pub enum Removal {
    /// The document with this key.
    Key(String),
    /// Everything about an item: itself, its updates, its files.
    Item(ItemId),
    /// The files an item's cells hold (re-added from its current cells).
    CellFiles(ItemId),
    /// Everything of a board.
    Board(BoardId),
    /// Documents hanging from an update (its replies, its files).
    Children(String),
}

/// A board's position moving from where a batch was planned to where it brings the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Advance {
    pub board: BoardId,
    /// The position the batch was planned from (what [`SearchIndex::position`] answered).
    pub from: i64,
    pub to: i64,
}

/// Changes applied together, with the positions they bring the index to.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    /// Applied first.
    pub removals: Vec<Removal>,
    /// Each replaces the document with its key (the last one of a key wins).
    pub docs: Vec<Doc>,
    /// Documents of things never indexed before (a created item's, its files'): added without
    /// looking for one of the same key to replace, which is most of a bulk create's cost in an
    /// index that applies deletions to every segment. No key here is also in `docs`.
    pub fresh: Vec<Doc>,
    pub positions: Vec<Advance>,
}

/// A search.
#[derive(Clone, Debug)]
pub struct Query {
    pub text: String,
    /// The boards the searcher may read now; nothing else is returned.
    pub boards: Vec<BoardId>,
    pub kind: Option<DocKind>,
    pub offset: usize,
    pub limit: usize,
}

/// A document found, best first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hit {
    pub kind: DocKind,
    pub key: String,
    pub board: BoardId,
    pub item: Option<ItemId>,
    /// Its title, or what it belongs to when it has none (an update's item).
    pub title: String,
    /// The part of the body around the first match (empty when only the title matched).
    pub snippet: String,
    /// Where the query's words are in `title` and in `snippet`, as character ranges.
    pub title_matches: Vec<(usize, usize)>,
    pub snippet_matches: Vec<(usize, usize)>,
    pub score: f32,
}

/// A page of hits.
#[derive(Clone, Debug, Default)]
pub struct Found {
    pub hits: Vec<Hit>,
    /// Whether more come after this page.
    pub more: bool,
}

/// What the index holds, for `/ready` and the benchmarks.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct IndexStats {
    pub docs: u64,
    pub bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query cannot be searched (too long, too many words); a client's mistake.
    #[error("{0}")]
    Query(String),
    #[error("search index: {0}")]
    Index(String),
    /// A board's position is no longer the one the batch was planned from (another indexer
    /// applied changes meanwhile): nothing was applied; plan again from the new position.
    #[error("the search index has moved past the batch's starting position")]
    Moved,
}

/// A search index (see the crate documentation).
#[async_trait]
pub trait SearchIndex: Send + Sync + 'static {
    /// `embedded` or `postgres`.
    fn backend(&self) -> &'static str;
    /// Whether every node of a cluster uses this one index (then one indexer at a time keeps
    /// it), rather than each node its own.
    fn shared(&self) -> bool;
    /// Names this index's contents; a new index gets a new one, so its indexer starts over.
    fn generation(&self) -> String;
    /// How far the index has read the board's event log (pending changes included).
    async fn position(&self, board: BoardId) -> Result<i64, SearchError>;
    /// Applies a batch, all of it or (an error) nothing; it is searchable and kept (with its
    /// positions) within a moment.
    async fn apply(&self, batch: Batch) -> Result<(), SearchError>;
    async fn search(&self, query: &Query) -> Result<Found, SearchError>;
    async fn stats(&self) -> Result<IndexStats, SearchError>;
    /// Commits what is pending and lets go of the index's files (a node stopping), so the
    /// next run of the node can open it at once. Searches still answer; changes are refused.
    async fn close(&self);
}

/// A new index's generation: unique across nodes and restarts.
fn new_generation() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{nanos:x}-{:x}", std::process::id())
}
