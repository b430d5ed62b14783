//! `/me`: the current user, their organizations, their personal API tokens.

use axum::{extract::State, http::StatusCode};
use sunday_types::{
    board_api::MyWork,
    dto::{ApiToken, CreateTokenRequest, CreatedToken, MeResponse, Page},
    TokenId,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::{
    extract::{Auth, Json, Path, Query},
    HttpState,
};

pub fn routes() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new()
        .routes(routes!(get_me))
        .routes(routes!(my_work))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(delete_token))
}

/// The current user with their organizations and roles.
#[utoipa::path(get, path = "/me", tag = "me", responses((status = 200, body = MeResponse)))]
async fn get_me(State(state): State<HttpState>, Auth(actor): Auth) -> ApiResult<axum::Json<MeResponse>> {
    Ok(axum::Json(state.app.accounts.me(&actor).await?))
}

/// My Work: the items assigned to you (in any people column) across the boards of your
/// organization you may see, with each board's columns and the ones that give an item its due
/// date and status. At most 2,000 items (`truncated` says when there are more).
#[utoipa::path(get, path = "/me/work", tag = "me", params(MyWorkParams), responses((status = 200, body = MyWork)))]
async fn my_work(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Query(p): Query<MyWorkParams>,
) -> ApiResult<axum::Json<MyWork>> {
    Ok(axum::Json(state.app.boards.my_work(&actor, p.org_id).await?))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct MyWorkParams {
    /// The organization (your first one when absent).
    org_id: Option<sunday_types::OrgId>,
}

/// Create a personal API token. The secret is in this response only.
#[utoipa::path(post, path = "/me/tokens", tag = "me", request_body = CreateTokenRequest, responses((status = 201, body = CreatedToken)))]
async fn create_token(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Json(req): Json<CreateTokenRequest>,
) -> ApiResult<(StatusCode, axum::Json<CreatedToken>)> {
    Ok((StatusCode::CREATED, axum::Json(state.app.accounts.create_token(&actor, req).await?)))
}

/// Your unrevoked personal API tokens (secrets are never shown again).
#[utoipa::path(get, path = "/me/tokens", tag = "me", responses((status = 200, body = Page<ApiToken>)))]
async fn list_tokens(State(state): State<HttpState>, Auth(actor): Auth) -> ApiResult<axum::Json<Page<ApiToken>>> {
    Ok(axum::Json(Page { data: state.app.accounts.tokens(&actor).await?, next_cursor: None }))
}

/// Revoke a personal API token.
#[utoipa::path(delete, path = "/me/tokens/{id}", tag = "me", params(("id" = sunday_types::TokenId, Path, description = "token id")),
    responses((status = 204, description = "revoked"), (status = 404, description = "`token_not_found`", body = sunday_types::ErrorBody)))]
async fn delete_token(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<TokenId>,
) -> ApiResult<StatusCode> {
    state.app.accounts.revoke_token(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
