//! Updates (comments) and saved views.

use axum::{extract::State, http::StatusCode, response::Response};
use sunday_types::{
    board_api::{CreateViewRequest, PostUpdateRequest, UpdateViewRequest},
    boards::{Update, View},
    dto::Page,
    BoardId, ItemId, UpdateId, ViewId,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::{
    extract::{Auth, IfMatch, Json, Path},
    idempotency::IdemJson,
    HttpState,
};

pub fn routes() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new()
        .routes(routes!(list_updates, post_update))
        .routes(routes!(post_reply))
        .routes(routes!(edit_update, delete_update))
        .routes(routes!(list_views, create_view))
        .routes(routes!(get_view, update_view, delete_view))
}

/// The item's updates, newest first, each with its replies.
#[utoipa::path(get, path = "/items/{id}/updates", tag = "updates", params(("id" = sunday_types::ItemId, Path)), responses((status = 200, body = Page<Update>)))]
async fn list_updates(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<ItemId>,
) -> ApiResult<axum::Json<Page<Update>>> {
    Ok(axum::Json(Page::whole(state.app.boards.updates(&actor, id).await?)))
}

/// Post an update; `@[user_id]` mentions members of the organization.
#[utoipa::path(post, path = "/items/{id}/updates", tag = "updates", params(("id" = sunday_types::ItemId, Path)), request_body = PostUpdateRequest,
    responses((status = 201, body = Update)))]
async fn post_update(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<ItemId>,
    req: IdemJson<PostUpdateRequest>,
) -> ApiResult<Response> {
    let svc = &state.app.boards;
    req.run(&state, &actor, StatusCode::CREATED, async |body| {
        svc.post_update(&actor, id, &body.body, &body.files).await
    })
    .await
}

/// Reply to an update.
#[utoipa::path(post, path = "/updates/{id}/replies", tag = "updates", params(("id" = sunday_types::UpdateId, Path)), request_body = PostUpdateRequest,
    responses((status = 201, body = Update)))]
async fn post_reply(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<UpdateId>,
    req: IdemJson<PostUpdateRequest>,
) -> ApiResult<Response> {
    let svc = &state.app.boards;
    req.run(&state, &actor, StatusCode::CREATED, async |body| svc.reply(&actor, id, &body.body, &body.files).await)
        .await
}

/// Edit your update.
#[utoipa::path(patch, path = "/updates/{id}", tag = "updates", params(("id" = sunday_types::UpdateId, Path)), request_body = PostUpdateRequest,
    responses((status = 200, body = Update)))]
async fn edit_update(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<UpdateId>,
    Json(req): Json<PostUpdateRequest>,
) -> ApiResult<axum::Json<Update>> {
    Ok(axum::Json(state.app.boards.edit_update(&actor, id, &req.body).await?))
}

/// Delete your update (and its replies).
#[utoipa::path(delete, path = "/updates/{id}", tag = "updates", params(("id" = sunday_types::UpdateId, Path)), responses((status = 204, description = "deleted")))]
async fn delete_update(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<UpdateId>,
) -> ApiResult<StatusCode> {
    state.app.boards.delete_update(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/boards/{id}/views", tag = "views", params(("id" = sunday_types::BoardId, Path)), responses((status = 200, body = Page<View>)))]
async fn list_views(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
) -> ApiResult<axum::Json<Page<View>>> {
    Ok(axum::Json(Page::whole(state.app.boards.views(&actor, id).await?)))
}

/// Save a view: filter, sort, grouping, hidden columns, settings.
#[utoipa::path(post, path = "/boards/{id}/views", tag = "views", params(("id" = sunday_types::BoardId, Path)), request_body = CreateViewRequest,
    responses((status = 201, body = View)))]
async fn create_view(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
    req: IdemJson<CreateViewRequest>,
) -> ApiResult<Response> {
    let svc = &state.app.boards;
    req.run(&state, &actor, StatusCode::CREATED, async |body| svc.create_view(&actor, id, body).await).await
}

#[utoipa::path(get, path = "/views/{id}", tag = "views", params(("id" = sunday_types::ViewId, Path)), responses((status = 200, body = View)))]
async fn get_view(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<ViewId>,
) -> ApiResult<axum::Json<View>> {
    Ok(axum::Json(state.app.boards.view(&actor, id).await?))
}

#[utoipa::path(patch, path = "/views/{id}", tag = "views", params(("id" = sunday_types::ViewId, Path)), request_body = UpdateViewRequest,
    responses((status = 200, body = View)))]
async fn update_view(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<ViewId>,
    IfMatch(if_match): IfMatch,
    Json(req): Json<UpdateViewRequest>,
) -> ApiResult<axum::Json<View>> {
    Ok(axum::Json(state.app.boards.update_view(&actor, id, req, if_match).await?))
}

#[utoipa::path(delete, path = "/views/{id}", tag = "views", params(("id" = sunday_types::ViewId, Path)), responses((status = 204, description = "deleted")))]
async fn delete_view(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<ViewId>,
) -> ApiResult<StatusCode> {
    state.app.boards.delete_view(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
