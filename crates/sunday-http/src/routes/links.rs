//! A board's secret links: iCal feeds and inbound webhooks, and the two public endpoints their
//! tokens open (no session: the token in the path is the credential).

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::Value;
use sunday_types::{
    dto::Page,
    links::{BoardLink, CreateLinkRequest, CreatedLink, InboundResult},
    BoardId, LinkId,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::{
    extract::{Auth, Json, Path},
    idempotency::IdemJson,
    HttpState,
};

pub fn routes() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new()
        .routes(routes!(list_links, create_link))
        .routes(routes!(delete_link))
        .routes(routes!(ical_feed))
        .routes(routes!(inbound))
}

/// The board's iCal feeds and inbound webhooks (their tokens are never shown again).
#[utoipa::path(get, path = "/boards/{id}/links", tag = "links", params(("id" = BoardId, Path)),
    responses((status = 200, body = Page<BoardLink>)))]
async fn list_links(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
) -> ApiResult<axum::Json<Page<BoardLink>>> {
    Ok(axum::Json(state.app.links.list(&actor, id).await?))
}

/// Make an iCal feed (`kind: ical`) or an inbound webhook (`kind: inbound`, with a `mapping`)
/// of the board; needs the board's `edit_all` permission. The answer's `path` holds the
/// secret token and is shown this once; delete the link to revoke it.
#[utoipa::path(post, path = "/boards/{id}/links", tag = "links", params(("id" = BoardId, Path)),
    request_body = CreateLinkRequest, responses((status = 201, body = CreatedLink)))]
async fn create_link(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
    req: IdemJson<CreateLinkRequest>,
) -> ApiResult<Response> {
    let svc = &state.app.links;
    req.run(&state, &actor, StatusCode::CREATED, async |body| svc.create(&actor, id, body).await).await
}

/// Revoke a link: its URL answers `404 link_not_found` from now on.
#[utoipa::path(delete, path = "/links/{id}", tag = "links", params(("id" = LinkId, Path)),
    responses((status = 204, description = "revoked")))]
async fn delete_link(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<LinkId>,
) -> ApiResult<StatusCode> {
    state.app.links.delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The board's date and timeline cells as an iCalendar feed, for calendar apps to subscribe
/// to (`<token>.ics`; the token alone works too). No session: the secret token is the key.
#[utoipa::path(get, path = "/ical/{token}", tag = "links", security(()), params(("token" = String, Path)),
    responses((status = 200, content_type = "text/calendar", body = String)))]
async fn ical_feed(State(state): State<HttpState>, Path(token): Path<String>) -> ApiResult<Response> {
    let token = token.strip_suffix(".ics").unwrap_or(&token);
    let body = state.app.links.ical(token).await?;
    Ok(([(header::CONTENT_TYPE, "text/calendar; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], body)
        .into_response())
}

/// Create an item from a JSON body, or update the item its mapping's `match` finds, as the
/// "Webhook" actor. No session: the secret token is the key.
#[utoipa::path(post, path = "/inbound/{token}", tag = "links", security(()), params(("token" = String, Path)),
    request_body = Object, responses((status = 201, body = InboundResult, description = "created"),
    (status = 200, body = InboundResult, description = "updated")))]
async fn inbound(
    State(state): State<HttpState>,
    Path(token): Path<String>,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let done = state.app.links.receive(&token, body).await?;
    let status = if done.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, axum::Json(done)).into_response())
}
