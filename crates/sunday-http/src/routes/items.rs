//! Items: `/boards/{id}/items…`, `/items/{id}…`, subitems and activity.

use axum::{extract::State, http::StatusCode, response::Response};
use serde::Deserialize;
use sunday_types::{
    board_api::{
        ActivityPage, BulkCreateItemsRequest, CreateItemRequest, DeleteItemParams, LinkedItem, QueryRequest,
        QueryResponse, SubitemCount, UpdateCount, UpdateItemRequest,
    },
    boards::{EncodedItem, Item},
    dto::Page,
    BoardId, GroupId, ItemId,
};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ApiResult, PageParams};
use crate::{
    extract::{Auth, IfMatch, Json, Path, Query, ReadAuth},
    idempotency::IdemJson,
    HttpState,
};

pub fn routes() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new()
        .routes(routes!(list_items, create_item))
        .routes(routes!(bulk_create_items))
        .routes(routes!(query_items))
        .routes(routes!(get_item, update_item, delete_item))
        .routes(routes!(restore_item))
        .routes(routes!(duplicate_item))
        .routes(routes!(list_subitems, create_subitem))
        .routes(routes!(item_activity))
        .routes(routes!(board_activity))
        .routes(routes!(list_archived_items))
        .routes(routes!(update_counts))
        .routes(routes!(subitem_counts))
        .routes(routes!(click_button))
        .routes(routes!(move_to_board))
        .routes(routes!(lookup_items))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct LookupParams {
    /// Item ids, comma-separated (at most 200).
    ids: String,
}

/// Names and boards of items, for showing the links of a relation cell: items of boards the
/// caller cannot see, archived and unknown items are left out. Not paged (`next_cursor` is
/// always `null`).
#[utoipa::path(get, path = "/items/lookup", tag = "items", params(LookupParams),
    responses((status = 200, body = Page<LinkedItem>), (status = 400, description = "`validation_failed`", body = sunday_types::ErrorBody)))]
async fn lookup_items(
    State(state): State<HttpState>,
    ReadAuth(actor): ReadAuth,
    Query(params): Query<LookupParams>,
) -> ApiResult<axum::Json<Page<LinkedItem>>> {
    let ids = params
        .ids
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ItemId>().map_err(|_| {
                sunday_types::ApiError::validation(
                    "ids",
                    "invalid_item",
                    format!("\"{}\" is not an item id", s.chars().take(40).collect::<String>()),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let data = state.app.boards.lookup_items(&actor, &ids).await?;
    Ok(axum::Json(Page::whole(data)))
}

/// Move a top-level item to another board of the organization (`edit_content` on both): it
/// keeps its id and updates (earlier events stay in the source board's log), goes to the end
/// of a group there (the first unless `group_id`), and its cells follow into the columns of
/// the same type and title.
#[utoipa::path(post, path = "/items/{id}/move-to-board", tag = "items", params(("id" = sunday_types::ItemId, Path)),
    request_body = sunday_types::board_api::MoveToBoardRequest, responses((status = 200, body = Item)))]
async fn move_to_board(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<ItemId>,
    req: IdemJson<sunday_types::board_api::MoveToBoardRequest>,
) -> ApiResult<Response> {
    let svc = &state.app.boards;
    req.run(&state, &actor, StatusCode::OK, async |body| svc.move_to_board(&actor, id, body).await).await
}

/// Click a button column's button on the item: an event (`button_clicked`) that recipes with
/// a `button_clicked` trigger answer; nothing else changes. Needs `edit_content`.
#[utoipa::path(post, path = "/items/{id}/buttons/{column_id}", tag = "items",
    params(("id" = sunday_types::ItemId, Path), ("column_id" = sunday_types::ColumnId, Path)),
    responses((status = 200, body = sunday_types::boards::BoardEvent)))]
async fn click_button(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path((id, column)): Path<(ItemId, sunday_types::ColumnId)>,
) -> ApiResult<axum::Json<sunday_types::boards::BoardEvent>> {
    Ok(axum::Json(state.app.boards.click_button(&actor, id, column).await?))
}

/// Archived top-level items in board order (restore one with `POST /items/{id}/restore`).
#[utoipa::path(get, path = "/boards/{id}/items/archived", tag = "items", params(("id" = sunday_types::BoardId, Path), PageParams),
    responses((status = 200, body = Page<Item>)))]
async fn list_archived_items(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
    Query(p): Query<PageParams>,
) -> ApiResult<axum::Json<Page<Item>>> {
    Ok(axum::Json(state.app.boards.list_archived_items(&actor, id, p.cursor.as_deref(), p.limit).await?))
}

/// How many updates each item has (items without updates are left out); one page.
#[utoipa::path(get, path = "/boards/{id}/update-counts", tag = "items", params(("id" = sunday_types::BoardId, Path)),
    responses((status = 200, body = Page<UpdateCount>)))]
async fn update_counts(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
) -> ApiResult<axum::Json<Page<UpdateCount>>> {
    Ok(axum::Json(state.app.boards.update_counts(&actor, id).await?))
}

/// How many live subitems each item has (items without subitems are left out); one page.
#[utoipa::path(get, path = "/boards/{id}/subitem-counts", tag = "items", params(("id" = sunday_types::BoardId, Path)),
    responses((status = 200, body = Page<SubitemCount>)))]
async fn subitem_counts(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
) -> ApiResult<axum::Json<Page<SubitemCount>>> {
    Ok(axum::Json(state.app.boards.subitem_counts(&actor, id).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ItemListParams {
    pub group_id: Option<GroupId>,
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Live items in board order (by position), optionally of one group.
#[utoipa::path(get, path = "/boards/{id}/items", tag = "items", params(("id" = sunday_types::BoardId, Path), ItemListParams), responses((status = 200, body = Page<Item>)))]
async fn list_items(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
    Query(p): Query<ItemListParams>,
) -> ApiResult<axum::Json<Page<EncodedItem>>> {
    Ok(axum::Json(state.app.boards.list_items(&actor, id, p.group_id, p.cursor.as_deref(), p.limit).await?))
}

/// Create an item; every value is validated against its column.
#[utoipa::path(post, path = "/boards/{id}/items", tag = "items", params(("id" = sunday_types::BoardId, Path)), request_body = CreateItemRequest,
    responses((status = 201, body = Item)))]
async fn create_item(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
    req: IdemJson<CreateItemRequest>,
) -> ApiResult<Response> {
    let svc = &state.app.boards;
    req.run(&state, &actor, StatusCode::CREATED, async |body| svc.create_item(&actor, id, body).await).await
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ItemList {
    pub data: Vec<Item>,
}

/// Create up to 1,000 items in one transaction, in request order; one invalid item rejects all.
#[utoipa::path(post, path = "/boards/{id}/items/bulk", tag = "items", params(("id" = sunday_types::BoardId, Path)), request_body = BulkCreateItemsRequest,
    responses((status = 201, body = ItemList)))]
async fn bulk_create_items(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
    req: IdemJson<BulkCreateItemsRequest>,
) -> ApiResult<Response> {
    let svc = &state.app.boards;
    req.run(&state, &actor, StatusCode::CREATED, async |body| {
        Ok(ItemList { data: svc.create_items(&actor, id, body.items).await? })
    })
    .await
}

/// Filter, sort, count and page the board's items (see the filter language in the API guide).
#[utoipa::path(post, path = "/boards/{id}/items/query", tag = "items", params(("id" = sunday_types::BoardId, Path)), request_body = QueryRequest,
    responses((status = 200, body = QueryResponse)))]
async fn query_items(
    State(state): State<HttpState>,
    ReadAuth(actor): ReadAuth,
    Path(id): Path<BoardId>,
    Json(req): Json<QueryRequest>,
) -> ApiResult<axum::Json<QueryResponse>> {
    Ok(axum::Json(state.app.boards.query_items(&actor, id, req).await?))
}

#[utoipa::path(get, path = "/items/{id}", tag = "items", params(("id" = sunday_types::ItemId, Path)),
    responses((status = 200, body = Item), (status = 404, description = "`item_not_found`", body = sunday_types::ErrorBody)))]
async fn get_item(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<ItemId>,
) -> ApiResult<axum::Json<EncodedItem>> {
    Ok(axum::Json(state.app.boards.get_item_encoded(&actor, id).await?))
}

/// Change name, values, group or position. Only the named columns change; `If-Match` or
/// `expected_version` makes it strict (`409 version_conflict` with `details.current`).
#[utoipa::path(patch, path = "/items/{id}", tag = "items", params(("id" = sunday_types::ItemId, Path)), request_body = UpdateItemRequest,
    responses((status = 200, body = Item), (status = 409, description = "`version_conflict`", body = sunday_types::ErrorBody)))]
async fn update_item(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<ItemId>,
    IfMatch(if_match): IfMatch,
    Json(req): Json<UpdateItemRequest>,
) -> ApiResult<axum::Json<Item>> {
    Ok(axum::Json(state.app.boards.update_item(&actor, id, req, if_match).await?))
}

/// Archive the item (restore with `POST /items/{id}/restore`), or `?permanent=true` to delete it.
#[utoipa::path(delete, path = "/items/{id}", tag = "items", params(("id" = sunday_types::ItemId, Path), DeleteItemParams), responses((status = 204, description = "archived or deleted")))]
async fn delete_item(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<ItemId>,
    Query(p): Query<DeleteItemParams>,
) -> ApiResult<StatusCode> {
    if p.permanent.unwrap_or(false) {
        state.app.boards.delete_item(&actor, id).await?;
    } else {
        state.app.boards.archive_item(&actor, id).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Bring an archived item back.
#[utoipa::path(post, path = "/items/{id}/restore", tag = "items", params(("id" = sunday_types::ItemId, Path)), responses((status = 200, body = Item)))]
async fn restore_item(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<ItemId>,
) -> ApiResult<axum::Json<Item>> {
    Ok(axum::Json(state.app.boards.restore_item(&actor, id).await?))
}

/// Copy the item (name, values) right after it.
#[utoipa::path(post, path = "/items/{id}/duplicate", tag = "items", params(("id" = sunday_types::ItemId, Path)), responses((status = 201, body = Item)))]
async fn duplicate_item(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<ItemId>,
) -> ApiResult<(StatusCode, axum::Json<Item>)> {
    Ok((StatusCode::CREATED, axum::Json(state.app.boards.duplicate_item(&actor, id).await?)))
}

#[utoipa::path(get, path = "/items/{id}/subitems", tag = "items", params(("id" = sunday_types::ItemId, Path)), responses((status = 200, body = ItemList)))]
async fn list_subitems(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<ItemId>,
) -> ApiResult<axum::Json<EncodedItemList>> {
    Ok(axum::Json(EncodedItemList { data: state.app.boards.subitems(&actor, id).await? }))
}

/// An [`ItemList`] whose items are already encoded (the board engine's kept JSON).
#[derive(Debug, serde::Serialize)]
struct EncodedItemList {
    data: Vec<EncodedItem>,
}

/// Add a subitem (an item of the board's subitem board, created with the first one).
#[utoipa::path(post, path = "/items/{id}/subitems", tag = "items", params(("id" = sunday_types::ItemId, Path)), request_body = CreateItemRequest,
    responses((status = 201, body = Item)))]
async fn create_subitem(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<ItemId>,
    req: IdemJson<CreateItemRequest>,
) -> ApiResult<Response> {
    let svc = &state.app.boards;
    req.run(&state, &actor, StatusCode::CREATED, async |body| svc.create_subitem(&actor, id, body).await).await
}

/// The item's change log, newest first.
#[utoipa::path(get, path = "/items/{id}/activity", tag = "items", params(("id" = sunday_types::ItemId, Path), PageParams), responses((status = 200, body = ActivityPage)))]
async fn item_activity(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<ItemId>,
    Query(p): Query<PageParams>,
) -> ApiResult<axum::Json<ActivityPage>> {
    Ok(axum::Json(state.app.boards.item_activity(&actor, id, p.cursor.as_deref(), p.limit).await?))
}

/// The board's change log, newest first.
#[utoipa::path(get, path = "/boards/{id}/activity", tag = "items", params(("id" = sunday_types::BoardId, Path), PageParams), responses((status = 200, body = ActivityPage)))]
async fn board_activity(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
    Query(p): Query<PageParams>,
) -> ApiResult<axum::Json<ActivityPage>> {
    Ok(axum::Json(state.app.boards.activity(&actor, id, None, p.cursor.as_deref(), p.limit).await?))
}
