//! `/boards/{id}/groups` and `/boards/{id}/columns`.

use axum::{extract::State, http::StatusCode, response::Response};
use sunday_types::{
    board_api::{
        ColumnChangeReport, CreateColumnRequest, CreateGroupRequest, DeleteColumnParams, DeleteGroupParams,
        FormulaPreview, FormulaPreviewRequest, RecomputeProgress, UpdateColumnRequest, UpdateGroupRequest,
    },
    boards::{Column, Group},
    BoardId, ColumnId, GroupId,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::{
    extract::{Auth, Json, Path, Query},
    idempotency::IdemJson,
    HttpState,
};

pub fn routes() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new()
        .routes(routes!(create_group))
        .routes(routes!(update_group, delete_group))
        .routes(routes!(create_column))
        .routes(routes!(update_column, delete_column))
        .routes(routes!(formula_progress))
        .routes(routes!(formula_preview))
}

/// Try a formula before saving it: checked as it would be when saved (`400` with the position
/// of a mistake), and its values for the board's first five items. Changes nothing.
#[utoipa::path(post, path = "/boards/{id}/formulas/preview", tag = "structure", params(("id" = sunday_types::BoardId, Path)),
    request_body = FormulaPreviewRequest, responses((status = 200, body = FormulaPreview)))]
async fn formula_preview(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
    Json(req): Json<FormulaPreviewRequest>,
) -> ApiResult<axum::Json<FormulaPreview>> {
    Ok(axum::Json(state.app.boards.preview_formula(&actor, id, req).await?))
}

/// How far the board's background formula recompute has got (after a formula changes on a
/// large board, after a start, at a new day for formulas that call `TODAY()`).
#[utoipa::path(get, path = "/boards/{id}/formulas/progress", tag = "structure", params(("id" = sunday_types::BoardId, Path)),
    responses((status = 200, body = RecomputeProgress)))]
async fn formula_progress(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
) -> ApiResult<axum::Json<RecomputeProgress>> {
    Ok(axum::Json(state.app.boards.recompute_progress(&actor, id).await?))
}

/// Add a group (edit_all).
#[utoipa::path(post, path = "/boards/{id}/groups", tag = "structure", params(("id" = sunday_types::BoardId, Path)), request_body = CreateGroupRequest,
    responses((status = 201, body = Group)))]
async fn create_group(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
    req: IdemJson<CreateGroupRequest>,
) -> ApiResult<Response> {
    let svc = &state.app.boards;
    req.run(&state, &actor, StatusCode::CREATED, async |body| svc.create_group(&actor, id, body).await).await
}

/// Rename, recolour or move a group (edit_all); collapse or expand it for yourself.
#[utoipa::path(patch, path = "/boards/{id}/groups/{group_id}", tag = "structure", params(("id" = sunday_types::BoardId, Path), ("group_id" = sunday_types::GroupId, Path)),
    request_body = UpdateGroupRequest, responses((status = 200, body = Group)))]
async fn update_group(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path((id, group)): Path<(BoardId, GroupId)>,
    Json(req): Json<UpdateGroupRequest>,
) -> ApiResult<axum::Json<Group>> {
    Ok(axum::Json(state.app.boards.update_group(&actor, id, group, req).await?))
}

/// Delete a group; its items move to `move_items_to` or are archived.
#[utoipa::path(delete, path = "/boards/{id}/groups/{group_id}", tag = "structure", params(("id" = sunday_types::BoardId, Path), ("group_id" = sunday_types::GroupId, Path), DeleteGroupParams),
    responses((status = 204, description = "deleted")))]
async fn delete_group(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path((id, group)): Path<(BoardId, GroupId)>,
    Query(p): Query<DeleteGroupParams>,
) -> ApiResult<StatusCode> {
    state.app.boards.delete_group(&actor, id, group, p.move_items_to).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a typed column (edit_all).
#[utoipa::path(post, path = "/boards/{id}/columns", tag = "structure", params(("id" = sunday_types::BoardId, Path)), request_body = CreateColumnRequest,
    responses((status = 201, body = Column)))]
async fn create_column(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
    req: IdemJson<CreateColumnRequest>,
) -> ApiResult<Response> {
    let svc = &state.app.boards;
    req.run(&state, &actor, StatusCode::CREATED, async |body| svc.create_column(&actor, id, body).await).await
}

/// Rename, move, resize, reconfigure or change the type of a column. Values convert where a
/// conversion is defined; the answer says how many did and did not.
#[utoipa::path(patch, path = "/boards/{id}/columns/{column_id}", tag = "structure", params(("id" = sunday_types::BoardId, Path), ("column_id" = sunday_types::ColumnId, Path)),
    request_body = UpdateColumnRequest, responses((status = 200, body = ColumnChangeReport)))]
async fn update_column(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path((id, column)): Path<(BoardId, ColumnId)>,
    Json(req): Json<UpdateColumnRequest>,
) -> ApiResult<axum::Json<ColumnChangeReport>> {
    Ok(axum::Json(state.app.boards.update_column(&actor, id, column, req).await?))
}

/// Delete a column and its values. A column that formulas, mirrors or a dependency column
/// depend on is refused (`used_by_formula`, `used_by_mirror`, `used_by_dependency`, with
/// `details.dependents` for formulas) unless `force=true`.
#[utoipa::path(delete, path = "/boards/{id}/columns/{column_id}", tag = "structure", params(("id" = sunday_types::BoardId, Path), ("column_id" = sunday_types::ColumnId, Path), DeleteColumnParams),
    responses((status = 204, description = "deleted"), (status = 400, description = "`validation_failed`: other columns depend on it", body = sunday_types::ErrorBody)))]
async fn delete_column(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path((id, column)): Path<(BoardId, ColumnId)>,
    Query(params): Query<DeleteColumnParams>,
) -> ApiResult<StatusCode> {
    state.app.boards.delete_column(&actor, id, column, params.force.unwrap_or(false)).await?;
    Ok(StatusCode::NO_CONTENT)
}
