//! `/workspaces`: workspaces of the caller's organizations and their members.

use axum::{extract::State, http::StatusCode};
use serde::Deserialize;
use sunday_types::{
    dto::{
        AddWorkspaceMemberRequest, CreateWorkspaceRequest, Page, UpdateWorkspaceRequest, Workspace, WorkspaceMember,
    },
    OrgId, UserId, WorkspaceId,
};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::{
    extract::{Auth, IfMatch, Json, Path, Query},
    HttpState,
};

pub fn routes() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new()
        .routes(routes!(list_workspaces, create_workspace))
        .routes(routes!(get_workspace, update_workspace, delete_workspace))
        .routes(routes!(list_workspace_members, add_workspace_member))
        .routes(routes!(remove_workspace_member))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// The organization (default: the first you joined).
    pub org_id: Option<OrgId>,
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Workspaces you can see in the organization.
#[utoipa::path(get, path = "/workspaces", tag = "workspaces", params(ListParams), responses((status = 200, body = Page<Workspace>)))]
async fn list_workspaces(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Query(p): Query<ListParams>,
) -> ApiResult<axum::Json<Page<Workspace>>> {
    Ok(axum::Json(state.app.workspaces.list(&actor, p.org_id, p.cursor.as_deref(), p.limit).await?))
}

/// Create a workspace (members and above); you become its first member.
#[utoipa::path(post, path = "/workspaces", tag = "workspaces", request_body = CreateWorkspaceRequest, responses((status = 201, body = Workspace)))]
async fn create_workspace(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Json(req): Json<CreateWorkspaceRequest>,
) -> ApiResult<(StatusCode, axum::Json<Workspace>)> {
    Ok((StatusCode::CREATED, axum::Json(state.app.workspaces.create(&actor, req).await?)))
}

#[utoipa::path(get, path = "/workspaces/{id}", tag = "workspaces", params(("id" = sunday_types::WorkspaceId, Path)),
    responses((status = 200, body = Workspace), (status = 404, description = "`workspace_not_found`", body = sunday_types::ErrorBody)))]
async fn get_workspace(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<WorkspaceId>,
) -> ApiResult<axum::Json<Workspace>> {
    Ok(axum::Json(state.app.workspaces.get(&actor, id).await?))
}

/// Change name, description or kind. `If-Match: "<version>"` or `expected_version` makes it
/// conditional (`409 version_conflict` with `details.current`).
#[utoipa::path(patch, path = "/workspaces/{id}", tag = "workspaces", params(("id" = sunday_types::WorkspaceId, Path)), request_body = UpdateWorkspaceRequest,
    responses((status = 200, body = Workspace), (status = 409, description = "`version_conflict`", body = sunday_types::ErrorBody)))]
async fn update_workspace(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<WorkspaceId>,
    IfMatch(if_match): IfMatch,
    Json(req): Json<UpdateWorkspaceRequest>,
) -> ApiResult<axum::Json<Workspace>> {
    Ok(axum::Json(state.app.workspaces.update(&actor, id, req, if_match).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeleteWorkspaceParams {
    /// Delete the workspace's boards with it (each as `DELETE /boards/{id}` would); without it
    /// a workspace that holds boards is `409 workspace_not_empty`.
    pub with_boards: Option<bool>,
}

/// Delete a workspace (its creator or the organization's admins).
#[utoipa::path(delete, path = "/workspaces/{id}", tag = "workspaces", params(("id" = sunday_types::WorkspaceId, Path), DeleteWorkspaceParams),
    responses((status = 204, description = "deleted")))]
async fn delete_workspace(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<WorkspaceId>,
    Query(p): Query<DeleteWorkspaceParams>,
) -> ApiResult<StatusCode> {
    state.app.workspaces.delete(&actor, id, p.with_boards.unwrap_or(false)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/workspaces/{id}/members", tag = "workspaces", params(("id" = sunday_types::WorkspaceId, Path)),
    responses((status = 200, body = Page<WorkspaceMember>)))]
async fn list_workspace_members(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<WorkspaceId>,
) -> ApiResult<axum::Json<Page<WorkspaceMember>>> {
    Ok(axum::Json(Page { data: state.app.workspaces.members(&actor, id).await?, next_cursor: None }))
}

/// Add a member of the organization to the workspace.
#[utoipa::path(post, path = "/workspaces/{id}/members", tag = "workspaces", params(("id" = sunday_types::WorkspaceId, Path)),
    request_body = AddWorkspaceMemberRequest, responses((status = 201, body = WorkspaceMember)))]
async fn add_workspace_member(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<WorkspaceId>,
    Json(req): Json<AddWorkspaceMemberRequest>,
) -> ApiResult<(StatusCode, axum::Json<WorkspaceMember>)> {
    Ok((StatusCode::CREATED, axum::Json(state.app.workspaces.add_member(&actor, id, req.user_id).await?)))
}

#[utoipa::path(delete, path = "/workspaces/{id}/members/{user_id}", tag = "workspaces", params(("id" = sunday_types::WorkspaceId, Path), ("user_id" = sunday_types::UserId, Path)),
    responses((status = 204, description = "removed")))]
async fn remove_workspace_member(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path((id, user)): Path<(WorkspaceId, UserId)>,
) -> ApiResult<StatusCode> {
    state.app.workspaces.remove_member(&actor, id, user).await?;
    Ok(StatusCode::NO_CONTENT)
}
