//! `GET /ws` (the WebSocket, see `sunday_realtime::protocol`) and the bell:
//! `/me/notifications`, `/me/notifications/read`, `/me/notification-preferences`.

use axum::{
    extract::{
        ws::{rejection::WebSocketUpgradeRejection, WebSocketUpgrade},
        State,
    },
    response::{IntoResponse, Response},
};
use sunday_types::{
    notifications::{MarkReadRequest, MarkReadResponse, NotificationPage, NotificationPreferences},
    ApiError, ErrorCode,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ApiResult, PageParams};
use crate::{
    extract::{Auth, Json, Query, WsAuth},
    HttpState,
};

/// `/ws` at the root as well as under `/api/v1` (API.md names it `GET /ws`).
pub fn root_route() -> axum::Router<HttpState> {
    axum::Router::new().route("/ws", axum::routing::get(websocket))
}

pub fn routes() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new()
        .routes(routes!(websocket))
        .routes(routes!(list_notifications))
        .routes(routes!(mark_notifications_read))
        .routes(routes!(get_notification_preferences, put_notification_preferences))
}

/// Upgrade to the real-time WebSocket (JSON frames: subscribe, presence, events,
/// notifications). Browsers authenticate with the session cookie, other clients with
/// `Authorization` or `?access_token=`.
#[utoipa::path(get, path = "/ws", tag = "realtime", params(("access_token" = Option<String>, Query)),
    responses((status = 101, description = "switching to the WebSocket protocol"), (status = 400, description = "`invalid_parameter`: not a WebSocket handshake", body = sunday_types::ErrorBody), (status = 429, description = "`rate_limited`: too many open sockets", body = sunday_types::ErrorBody)))]
async fn websocket(
    State(state): State<HttpState>,
    WsAuth(actor): WsAuth,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> ApiResult<Response> {
    // A plain GET, or a handshake missing a header, gets the error table's JSON like any
    // other bad request.
    let upgrade = upgrade.map_err(|r| ApiError::new(ErrorCode::InvalidParameter, r.body_text()))?;
    let Some(hub) = state.hub.clone() else {
        return Err(ApiError::new(ErrorCode::Unavailable, "this node does not run the realtime role").into());
    };
    if !hub.has_capacity(actor.user_id) {
        return Err(ApiError::new(ErrorCode::RateLimited, "too many open real-time connections for this user")
            .retry_after(30)
            .into());
    }
    // A small read buffer keeps an idle socket at a few kilobytes; the write buffer only fills
    // while a batch of queued frames is written (one syscall for the batch).
    Ok(upgrade
        .read_buffer_size(4096)
        .write_buffer_size(16 * 1024)
        .max_message_size(64 * 1024)
        .on_upgrade(move |socket| sunday_realtime::serve_socket(hub, actor, socket))
        .into_response())
}

/// Your notifications, newest first, with the unread count.
#[utoipa::path(get, path = "/me/notifications", tag = "me", params(PageParams), responses((status = 200, body = NotificationPage)))]
async fn list_notifications(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Query(p): Query<PageParams>,
) -> ApiResult<axum::Json<NotificationPage>> {
    Ok(axum::Json(state.app.notifications.list(&actor, p.cursor.as_deref(), p.limit).await?))
}

/// Mark notifications read (the given ids, or all).
#[utoipa::path(post, path = "/me/notifications/read", tag = "me", request_body = MarkReadRequest, responses((status = 200, body = MarkReadResponse)))]
async fn mark_notifications_read(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Json(req): Json<MarkReadRequest>,
) -> ApiResult<axum::Json<MarkReadResponse>> {
    Ok(axum::Json(state.app.notifications.mark_read(&actor, req).await?))
}

/// Which notifications also reach you by email, and how often.
#[utoipa::path(get, path = "/me/notification-preferences", tag = "me", responses((status = 200, body = NotificationPreferences)))]
async fn get_notification_preferences(
    State(state): State<HttpState>,
    Auth(actor): Auth,
) -> ApiResult<axum::Json<NotificationPreferences>> {
    Ok(axum::Json(state.app.notifications.preferences(&actor).await?))
}

#[utoipa::path(put, path = "/me/notification-preferences", tag = "me", request_body = NotificationPreferences, responses((status = 200, body = NotificationPreferences)))]
async fn put_notification_preferences(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Json(prefs): Json<NotificationPreferences>,
) -> ApiResult<axum::Json<NotificationPreferences>> {
    Ok(axum::Json(state.app.notifications.set_preferences(&actor, prefs).await?))
}
