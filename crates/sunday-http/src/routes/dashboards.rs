//! Dashboards of a workspace.

use axum::{extract::State, http::StatusCode};
use sunday_types::{
    dashboards::{CreateDashboardRequest, Dashboard, UpdateDashboardRequest},
    dto::Page,
    DashboardId, WorkspaceId,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::{
    extract::{Auth, IfMatch, Json, Path},
    HttpState,
};

pub fn routes() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new().routes(routes!(list_dashboards, create_dashboard)).routes(routes!(
        get_dashboard,
        update_dashboard,
        delete_dashboard
    ))
}

/// The workspace's dashboards (for those who may see the workspace).
#[utoipa::path(get, path = "/workspaces/{id}/dashboards", tag = "dashboards", params(("id" = WorkspaceId, Path)),
    responses((status = 200, body = Page<Dashboard>)))]
async fn list_dashboards(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<WorkspaceId>,
) -> ApiResult<axum::Json<Page<Dashboard>>> {
    Ok(axum::Json(state.app.dashboards.list(&actor, id).await?))
}

/// Make a dashboard in the workspace (its members and the organization's admins). Each widget
/// names boards of the organization you can see.
#[utoipa::path(post, path = "/workspaces/{id}/dashboards", tag = "dashboards", params(("id" = WorkspaceId, Path)),
    request_body = CreateDashboardRequest, responses((status = 201, body = Dashboard)))]
async fn create_dashboard(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<WorkspaceId>,
    Json(req): Json<CreateDashboardRequest>,
) -> ApiResult<(StatusCode, axum::Json<Dashboard>)> {
    Ok((StatusCode::CREATED, axum::Json(state.app.dashboards.create(&actor, id, req).await?)))
}

#[utoipa::path(get, path = "/dashboards/{id}", tag = "dashboards", params(("id" = DashboardId, Path)),
    responses((status = 200, body = Dashboard)))]
async fn get_dashboard(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<DashboardId>,
) -> ApiResult<axum::Json<Dashboard>> {
    Ok(axum::Json(state.app.dashboards.get(&actor, id).await?))
}

/// Rename it or replace its widgets (with their layout); with `If-Match` or
/// `expected_version`, a dashboard changed since is a `409` carrying it.
#[utoipa::path(patch, path = "/dashboards/{id}", tag = "dashboards", params(("id" = DashboardId, Path)),
    request_body = UpdateDashboardRequest, responses((status = 200, body = Dashboard)))]
async fn update_dashboard(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<DashboardId>,
    IfMatch(if_match): IfMatch,
    Json(req): Json<UpdateDashboardRequest>,
) -> ApiResult<axum::Json<Dashboard>> {
    Ok(axum::Json(state.app.dashboards.update(&actor, id, req, if_match).await?))
}

#[utoipa::path(delete, path = "/dashboards/{id}", tag = "dashboards", params(("id" = DashboardId, Path)),
    responses((status = 204, description = "deleted")))]
async fn delete_dashboard(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<DashboardId>,
) -> ApiResult<StatusCode> {
    state.app.dashboards.delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
