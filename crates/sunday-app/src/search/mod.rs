//! Search across everything a person may read: boards, items (their names and text-like
//! cells), updates and replies, file names. The index ([`sunday_search::SearchIndex`]) is kept
//! by the [`indexer`] from the event log; a search names the boards its caller may read at that
//! moment, so private boards, closed workspaces and revoked access are never in the answers.

pub mod indexer;

use std::sync::{atomic::Ordering, Arc};

use sunday_search::{DocKind, SearchError, SearchIndex};
use sunday_store::{BoardFilter, Store};
use sunday_types::{
    boards::Board,
    dto::{Page, Role},
    search::{Highlight, SearchHit, SearchStatus},
    ApiError, BoardId, ErrorCode,
};

pub use indexer::{Indexer, Progress};

use crate::{boards::BoardService, cursor, Actor};

/// The index a node searches, when search is on.
#[derive(Clone, Default)]
pub struct SearchSettings {
    pub index: Option<Arc<dyn SearchIndex>>,
    /// The index is new: the indexer's first pass rebuilds it.
    pub rebuild: bool,
}

impl std::fmt::Debug for SearchSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchSettings").field("backend", &self.index.as_ref().map(|i| i.backend())).finish()
    }
}

/// A search's parameters (`GET /search`).
#[derive(Clone, Debug, Default)]
pub struct SearchParams {
    pub q: String,
    pub board_id: Option<BoardId>,
    pub kind: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Clone)]
pub struct SearchService {
    store: Arc<dyn Store>,
    boards: BoardService,
    settings: SearchSettings,
    progress: Arc<Progress>,
}

fn off() -> ApiError {
    ApiError::new(ErrorCode::Unavailable, "search is not configured on this node")
}

impl SearchService {
    pub fn new(store: Arc<dyn Store>, boards: BoardService, settings: SearchSettings) -> SearchService {
        SearchService { store, boards, settings, progress: Arc::default() }
    }

    /// The indexer of this node's index, if search is on (started by the composition root),
    /// whether its first pass rebuilds the index, and whether the index is shared by the
    /// cluster (then the indexer works under a lease).
    pub fn indexer(&self) -> Option<(Indexer, bool, bool)> {
        let index = self.settings.index.clone()?;
        let shared = index.shared();
        let indexer = Indexer::new(self.store.clone(), self.boards.clone(), index, self.progress.clone());
        Some((indexer, self.settings.rebuild, shared))
    }

    /// This node's index, to close when the node stops.
    pub fn index(&self) -> Option<Arc<dyn SearchIndex>> {
        self.settings.index.clone()
    }

    /// The backend and how a rebuild this node runs is going (cheap: for `/ready`).
    pub fn progress(&self) -> Option<SearchStatus> {
        let index = self.settings.index.as_ref()?;
        let p = &self.progress;
        Some(SearchStatus {
            backend: index.backend().to_owned(),
            rebuilding: p.rebuilding.load(Ordering::Relaxed),
            boards_done: p.boards_done.load(Ordering::Relaxed),
            boards_total: p.boards_total.load(Ordering::Relaxed),
            documents: 0,
            bytes: 0,
        })
    }

    /// [`SearchService::progress`] with what the index holds; `None` when search is off.
    pub async fn status(&self) -> Result<Option<SearchStatus>, ApiError> {
        let (Some(index), Some(mut status)) = (self.settings.index.as_ref(), self.progress()) else {
            return Ok(None);
        };
        let stats = index.stats().await.map_err(|e| ApiError::internal(e.to_string()))?;
        (status.documents, status.bytes) = (stats.docs, stats.bytes);
        Ok(Some(status))
    }

    /// Every board `actor` may read now, subitem boards included.
    async fn readable_boards(&self, actor: &Actor) -> Result<Vec<Board>, ApiError> {
        let mut out = Vec::new();
        for membership in self.store.memberships(actor.user_id).await? {
            let org = membership.org.id;
            let filter = match membership.role {
                Role::Owner | Role::Admin => BoardFilter::All,
                Role::Guest => BoardFilter::MemberOf(actor.user_id),
                Role::Member | Role::Viewer => BoardFilter::PublicOrMemberOf(actor.user_id),
            };
            let mut after = None;
            loop {
                let page = self.store.boards(org, None, filter, after, 500).await?;
                let Some(last) = page.last() else { break };
                after = Some(last.id);
                for board in page {
                    // The full rule (closed workspaces, guests' shareable boards).
                    if self.boards.access(actor, board.id).await.is_ok() {
                        self.with_subitem_boards(board, &mut out).await?;
                    }
                }
            }
        }
        Ok(out)
    }

    /// `board` and the boards of its subitems at every depth (they share its readers).
    async fn with_subitem_boards(&self, board: Board, out: &mut Vec<Board>) -> Result<(), ApiError> {
        let mut next = board.subitem_board_id;
        out.push(board);
        while let Some(id) = next {
            let Some(sub) = self.store.board(id).await? else { break };
            next = sub.subitem_board_id;
            out.push(sub);
        }
        Ok(())
    }

    /// Hits for `p.q` among what `actor` may read, best first, a page at a time.
    pub async fn search(&self, actor: &Actor, p: SearchParams) -> Result<Page<SearchHit>, ApiError> {
        let index = self.settings.index.as_ref().ok_or_else(off)?;
        if p.q.trim().is_empty() {
            return Err(ApiError::validation("q", "required", "say what to search for (`q`)"));
        }
        let kind = match p.kind.as_deref() {
            None | Some("") => None,
            Some(k) => Some(DocKind::parse(k).ok_or_else(|| {
                ApiError::new(ErrorCode::InvalidParameter, "`kind` is one of board, item, update, file")
            })?),
        };
        let limit = cursor::limit(p.limit)?.min(100);
        let offset: usize = cursor::decode(p.cursor.as_deref())?.unwrap_or(0);
        let boards = match p.board_id {
            Some(id) => {
                let access = self.boards.access(actor, id).await?;
                let mut boards = Vec::new();
                self.with_subitem_boards(access.board, &mut boards).await?;
                boards
            }
            None => self.readable_boards(actor).await?,
        };
        let query =
            sunday_search::Query { text: p.q, boards: boards.iter().map(|b| b.id).collect(), kind, offset, limit };
        let found = index.search(&query).await.map_err(|e| match e {
            SearchError::Query(m) => ApiError::validation("q", "invalid_query", m),
            e @ (SearchError::Index(_) | SearchError::Moved) => ApiError::internal(e.to_string()),
        })?;
        let name_of = |id: BoardId| boards.iter().find(|b| b.id == id).map(|b| b.name.clone()).unwrap_or_default();
        let span = |m: Vec<(usize, usize)>| m.into_iter().map(|(start, end)| Highlight { start, end }).collect();
        let data = found
            .hits
            .into_iter()
            .map(|h| {
                let mut parts = h.key.split(':');
                let (prefix, id) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                SearchHit {
                    kind: h.kind.as_str().to_owned(),
                    board_id: h.board,
                    board_name: name_of(h.board),
                    item_id: h.item,
                    update_id: if prefix == "update" { id.parse().ok() } else { None },
                    file_id: if prefix == "file" { id.parse().ok() } else { None },
                    title: h.title,
                    snippet: h.snippet,
                    title_highlights: span(h.title_matches),
                    snippet_highlights: span(h.snippet_matches),
                    score: h.score,
                }
            })
            .collect();
        let next_cursor = found.more.then(|| cursor::encode(offset + limit));
        Ok(Page { data, next_cursor })
    }
}
