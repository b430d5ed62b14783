//! `/boards`: boards, their members, templates, CSV import and export.

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use sunday_types::{
    board_api::{
        BoardMember, ColumnTypeInfo, CreateBoardRequest, DuplicateBoardRequest, ImportNewBoardRequest, ImportReport,
        ImportRequest, PutBoardMemberRequest, TemplateInfo, UpdateBoardRequest,
    },
    boards::Board,
    dto::Page,
    BoardId, UserId, WorkspaceId,
};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::{
    extract::{Auth, IfMatch, Json, Path, Query},
    idempotency::IdemJson,
    HttpState,
};

pub fn routes() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new()
        .routes(routes!(list_boards, create_board))
        .routes(routes!(get_board, update_board, delete_board))
        .routes(routes!(duplicate_board))
        .routes(routes!(list_board_members))
        .routes(routes!(put_board_member, remove_board_member))
        .routes(routes!(list_templates))
        .routes(routes!(list_column_types))
        .routes(routes!(export_board))
        .routes(routes!(import_into_board))
        .routes(routes!(import_new_board))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BoardListParams {
    pub workspace_id: Option<WorkspaceId>,
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Boards you can see, in a workspace or your first organization.
#[utoipa::path(get, path = "/boards", tag = "boards", params(BoardListParams), responses((status = 200, body = Page<Board>)))]
async fn list_boards(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Query(p): Query<BoardListParams>,
) -> ApiResult<axum::Json<Page<Board>>> {
    Ok(axum::Json(state.app.boards.list_boards(&actor, p.workspace_id, p.cursor.as_deref(), p.limit).await?))
}

/// Create a board, blank or from a template.
#[utoipa::path(post, path = "/boards", tag = "boards", request_body = CreateBoardRequest, responses((status = 201, body = Board)))]
async fn create_board(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    req: IdemJson<CreateBoardRequest>,
) -> ApiResult<Response> {
    let svc = &state.app.boards;
    req.run(&state, &actor, StatusCode::CREATED, async |body| svc.create_board(&actor, body).await).await
}

/// The board with its columns, groups and your permission.
#[utoipa::path(get, path = "/boards/{id}", tag = "boards", params(("id" = sunday_types::BoardId, Path)),
    responses((status = 200, body = Board), (status = 404, description = "`board_not_found`", body = sunday_types::ErrorBody)))]
async fn get_board(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
) -> ApiResult<axum::Json<Board>> {
    Ok(axum::Json(state.app.boards.get_board(&actor, id).await?))
}

/// Rename, describe, or (owners) change kind and default permission.
#[utoipa::path(patch, path = "/boards/{id}", tag = "boards", params(("id" = sunday_types::BoardId, Path)), request_body = UpdateBoardRequest,
    responses((status = 200, body = Board)))]
async fn update_board(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
    IfMatch(if_match): IfMatch,
    Json(req): Json<UpdateBoardRequest>,
) -> ApiResult<axum::Json<Board>> {
    Ok(axum::Json(state.app.boards.update_board(&actor, id, req, if_match).await?))
}

/// Delete a board with everything on it (owners).
#[utoipa::path(delete, path = "/boards/{id}", tag = "boards", params(("id" = sunday_types::BoardId, Path)), responses((status = 204, description = "deleted")))]
async fn delete_board(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
) -> ApiResult<StatusCode> {
    state.app.boards.delete_board(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Copy a board's structure, and by default its items.
#[utoipa::path(post, path = "/boards/{id}/duplicate", tag = "boards", params(("id" = sunday_types::BoardId, Path)), request_body = DuplicateBoardRequest,
    responses((status = 201, body = Board)))]
async fn duplicate_board(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
    req: IdemJson<DuplicateBoardRequest>,
) -> ApiResult<Response> {
    let svc = &state.app.boards;
    req.run(&state, &actor, StatusCode::CREATED, async |body| svc.duplicate_board(&actor, id, body).await).await
}

#[utoipa::path(get, path = "/boards/{id}/members", tag = "boards", params(("id" = sunday_types::BoardId, Path)), responses((status = 200, body = Page<BoardMember>)))]
async fn list_board_members(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
) -> ApiResult<axum::Json<Page<BoardMember>>> {
    Ok(axum::Json(Page::whole(state.app.boards.board_members(&actor, id).await?)))
}

/// Give a member of the organization a permission on the board (owners).
#[utoipa::path(put, path = "/boards/{id}/members/{user_id}", tag = "boards", params(("id" = sunday_types::BoardId, Path), ("user_id" = sunday_types::UserId, Path)),
    request_body = PutBoardMemberRequest, responses((status = 200, body = BoardMember)))]
async fn put_board_member(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path((id, user)): Path<(BoardId, UserId)>,
    Json(req): Json<PutBoardMemberRequest>,
) -> ApiResult<axum::Json<BoardMember>> {
    Ok(axum::Json(state.app.boards.put_board_member(&actor, id, user, req.permission).await?))
}

#[utoipa::path(delete, path = "/boards/{id}/members/{user_id}", tag = "boards", params(("id" = sunday_types::BoardId, Path), ("user_id" = sunday_types::UserId, Path)),
    responses((status = 204, description = "removed")))]
async fn remove_board_member(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path((id, user)): Path<(BoardId, UserId)>,
) -> ApiResult<StatusCode> {
    state.app.boards.remove_board_member(&actor, id, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Built-in board templates.
#[utoipa::path(get, path = "/templates", tag = "boards", responses((status = 200, body = Page<TemplateInfo>)))]
async fn list_templates(State(state): State<HttpState>, Auth(_actor): Auth) -> axum::Json<Page<TemplateInfo>> {
    axum::Json(Page::whole(state.app.boards.templates()))
}

/// Every column type: its title, what its values look like, where they come from, the filter
/// operators it allows, whether views group by it, and its default settings.
#[utoipa::path(get, path = "/column-types", tag = "structure", responses((status = 200, body = Page<ColumnTypeInfo>)))]
async fn list_column_types(State(state): State<HttpState>, Auth(_actor): Auth) -> axum::Json<Page<ColumnTypeInfo>> {
    axum::Json(Page::whole(state.app.boards.column_types()))
}

/// The board's items as CSV (name, group, then every column's text).
#[utoipa::path(get, path = "/boards/{id}/export", tag = "boards", params(("id" = sunday_types::BoardId, Path)),
    responses((status = 200, description = "the board as CSV", body = String, content_type = "text/csv")))]
async fn export_board(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
) -> ApiResult<Response> {
    let csv = state.app.boards.export_csv(&actor, id).await?;
    let disposition = format!("attachment; filename=\"board-{id}.csv\"");
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        csv,
    )
        .into_response())
}

/// Import CSV rows into the board, with a column mapping; rejected rows are reported.
#[utoipa::path(post, path = "/boards/{id}/import", tag = "boards", params(("id" = sunday_types::BoardId, Path)), request_body = ImportRequest,
    responses((status = 200, body = ImportReport)))]
async fn import_into_board(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
    req: IdemJson<ImportRequest>,
) -> ApiResult<Response> {
    let svc = &state.app.boards;
    req.run(&state, &actor, StatusCode::OK, async |body| svc.import_csv(&actor, id, body).await).await
}

/// Create a board from a CSV file.
#[utoipa::path(post, path = "/boards/import", tag = "boards", request_body = ImportNewBoardRequest, responses((status = 201, body = ImportReport)))]
async fn import_new_board(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    req: IdemJson<ImportNewBoardRequest>,
) -> ApiResult<Response> {
    let svc = &state.app.boards;
    req.run(&state, &actor, StatusCode::CREATED, async |body| svc.import_new_board(&actor, body).await).await
}
