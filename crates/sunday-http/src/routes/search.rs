//! Search across everything the caller may read.

use axum::extract::State;
use serde::Deserialize;
use sunday_app::search::SearchParams;
use sunday_types::{
    dto::Page,
    search::{SearchHit, SearchStatus},
    ApiError, BoardId, ErrorCode,
};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::{
    extract::{Auth, Query},
    HttpState,
};

pub fn routes() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new().routes(routes!(search)).routes(routes!(search_status))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    /// Words to find (at most 500 characters, 16 words). Every word must match, exactly, with
    /// a typo (words of four letters or more), or as the start of a word (the last one).
    /// Quotes, brackets and operators are ordinary separators.
    q: String,
    /// Only this board (and its subitems).
    board_id: Option<BoardId>,
    /// Only `board`, `item`, `update` or `file` hits.
    kind: Option<String>,
    /// Page size, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    cursor: Option<String>,
}

/// Search board names, item names and their text-like cells, updates and replies, and file
/// names, across every board you may read now (private boards, closed workspaces and revoked
/// access are never in the answer). Best first (BM25 on exact words, then typos and
/// prefixes); each hit says where the words are.
#[utoipa::path(get, path = "/search", tag = "search", params(SearchQuery),
    responses((status = 200, body = Page<SearchHit>)))]
async fn search(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Query(q): Query<SearchQuery>,
) -> ApiResult<axum::Json<Page<SearchHit>>> {
    let params = SearchParams { q: q.q, board_id: q.board_id, kind: q.kind, limit: q.limit, cursor: q.cursor };
    Ok(axum::Json(state.app.search.search(&actor, params).await?))
}

/// This node's search index: its backend, size, and whether it is being rebuilt (with
/// progress). Instance admins only (`403 forbidden` for everyone else: the counts are the
/// whole instance's); `/ready` shows a rebuild's progress to anyone.
#[utoipa::path(get, path = "/search/status", tag = "search", responses((status = 200, body = SearchStatus),
    (status = 403, description = "`forbidden`: not an instance admin", body = sunday_types::ErrorBody)))]
async fn search_status(State(state): State<HttpState>, Auth(actor): Auth) -> ApiResult<axum::Json<SearchStatus>> {
    super::admin::require_instance_admin(&state, &actor).await?;
    let status = state
        .app
        .search
        .status()
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::Unavailable, "search is not configured on this node"))?;
    Ok(axum::Json(status))
}
