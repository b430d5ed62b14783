//! `/orgs/{org_id}/members`, `/orgs/{org_id}/invites`, `/invites/{token}/accept`,
//! `/orgs/{org_id}/export`.

use axum::{
    body::Body,
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use sunday_types::{
    dto::{AcceptInviteResponse, CreateInviteRequest, Invite, Member, Page, UpdateMemberRequest},
    OrgId, UserId,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ApiResult, PageParams};
use crate::{
    extract::{Auth, Json, Path, Query},
    HttpState,
};

pub fn routes() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new()
        .routes(routes!(list_members))
        .routes(routes!(update_member, remove_member))
        .routes(routes!(create_invite))
        .routes(routes!(accept_invite))
        .routes(routes!(export_org))
}

/// The whole organization as a portable archive (a tar of JSON lines per table, with a
/// manifest of checksums): workspaces, boards, items, updates, views, permissions and the
/// event log, the members without their password hashes. Owners only. An instance's
/// operator loads it with `sunday org import`.
#[utoipa::path(get, path = "/orgs/{org_id}/export", tag = "orgs", params(("org_id" = sunday_types::OrgId, Path)),
    responses((status = 200, description = "the organization archive", body = String, content_type = "application/x-tar"),
        (status = 403, description = "`forbidden`: not an owner", body = sunday_types::ErrorBody)))]
async fn export_org(State(state): State<HttpState>, Auth(actor): Auth, Path(org): Path<OrgId>) -> ApiResult<Response> {
    let archive = state.app.orgs.export_archive(&actor, org).await?;
    // Opened before the temporary file is removed: the open file streams on without a name.
    let file = tokio::fs::File::open(archive.path()).await.map_err(sunday_types::ApiError::internal)?;
    let bytes = file.metadata().await.map_err(sunday_types::ApiError::internal)?.len();
    drop(archive);
    let disposition = format!("attachment; filename=\"sunday-org-{org}.tar\"");
    let headers = [
        (header::CONTENT_TYPE, "application/x-tar".to_owned()),
        (header::CONTENT_DISPOSITION, disposition),
        (header::CONTENT_LENGTH, bytes.to_string()),
    ];
    Ok((headers, Body::from_stream(tokio_util::io::ReaderStream::new(file))).into_response())
}

/// Members of the organization, by user id.
#[utoipa::path(get, path = "/orgs/{org_id}/members", tag = "orgs", params(("org_id" = sunday_types::OrgId, Path), PageParams),
    responses((status = 200, body = Page<Member>)))]
async fn list_members(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(org): Path<OrgId>,
    Query(p): Query<PageParams>,
) -> ApiResult<axum::Json<Page<Member>>> {
    Ok(axum::Json(state.app.orgs.members(&actor, org, p.cursor.as_deref(), p.limit).await?))
}

/// Change a member's role. Only owners grant or revoke `owner`; the last owner stays.
#[utoipa::path(patch, path = "/orgs/{org_id}/members/{user_id}", tag = "orgs", params(("org_id" = sunday_types::OrgId, Path), ("user_id" = sunday_types::UserId, Path)),
    request_body = UpdateMemberRequest, responses((status = 200, body = Member), (status = 409, description = "`last_owner`", body = sunday_types::ErrorBody)))]
async fn update_member(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path((org, user)): Path<(OrgId, UserId)>,
    Json(req): Json<UpdateMemberRequest>,
) -> ApiResult<axum::Json<Member>> {
    Ok(axum::Json(state.app.orgs.update_member(&actor, org, user, req.role).await?))
}

/// Remove a member (or leave, with your own user id).
#[utoipa::path(delete, path = "/orgs/{org_id}/members/{user_id}", tag = "orgs", params(("org_id" = sunday_types::OrgId, Path), ("user_id" = sunday_types::UserId, Path)),
    responses((status = 204, description = "removed")))]
async fn remove_member(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path((org, user)): Path<(OrgId, UserId)>,
) -> ApiResult<StatusCode> {
    state.app.orgs.remove_member(&actor, org, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Invite someone by email; the token is shown once and expires. This is the only way into an
/// organization: the invitee accepts (or signs up with the token), and the answer is the same
/// whether or not the email already has an account.
#[utoipa::path(post, path = "/orgs/{org_id}/invites", tag = "orgs", params(("org_id" = sunday_types::OrgId, Path)), request_body = CreateInviteRequest,
    responses((status = 201, body = Invite)))]
async fn create_invite(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(org): Path<OrgId>,
    Json(req): Json<CreateInviteRequest>,
) -> ApiResult<(StatusCode, axum::Json<Invite>)> {
    Ok((StatusCode::CREATED, axum::Json(state.app.orgs.create_invite(&actor, org, req).await?)))
}

/// Accept an invitation as the logged-in user (whose email must match it).
#[utoipa::path(post, path = "/invites/{token}/accept", tag = "orgs", params(("token" = String, Path)),
    responses((status = 200, body = AcceptInviteResponse), (status = 404, description = "`invite_not_found`", body = sunday_types::ErrorBody)))]
async fn accept_invite(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(token): Path<String>,
) -> ApiResult<axum::Json<AcceptInviteResponse>> {
    Ok(axum::Json(state.app.orgs.accept_invite(&actor, &token).await?))
}
