//! Outbound webhook subscriptions, their delivery log and the dead-letter resend.

use axum::{extract::State, http::StatusCode, response::Response};
use sunday_types::{
    dto::Page,
    webhooks::{CreateWebhookRequest, CreatedWebhook, Delivery, Webhook},
    BoardId, DeliveryId, WebhookId,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ApiResult, PageParams};
use crate::{
    extract::{Auth, Path, Query},
    idempotency::IdemJson,
    HttpState,
};

pub fn routes() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(delete_webhook))
        .routes(routes!(list_deliveries))
        .routes(routes!(resend_delivery))
}

/// The board's webhook subscriptions (managing them needs the board's `edit_all` permission).
#[utoipa::path(get, path = "/boards/{id}/webhooks", tag = "webhooks", params(("id" = BoardId, Path)),
    responses((status = 200, body = Page<Webhook>)))]
async fn list_webhooks(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
) -> ApiResult<axum::Json<Page<Webhook>>> {
    Ok(axum::Json(state.app.webhooks.list(&actor, id).await?))
}

/// Subscribe a URL to the board's events (all, or the kinds in `events`). The URL first gets
/// a signed `{"challenge": "…"}` POST and must answer with the same JSON. Every delivery is a
/// POST of `{"webhook_id", "board_id", "event"}` signed in `Sunday-Signature`
/// (`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`); the secret is in
/// this response only.
#[utoipa::path(post, path = "/boards/{id}/webhooks", tag = "webhooks", params(("id" = BoardId, Path)),
    request_body = CreateWebhookRequest, responses((status = 201, body = CreatedWebhook)))]
async fn create_webhook(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
    req: IdemJson<CreateWebhookRequest>,
) -> ApiResult<Response> {
    let svc = &state.app.webhooks;
    req.run(&state, &actor, StatusCode::CREATED, async |body| svc.create(&actor, id, body).await).await
}

/// Unsubscribe (its pending deliveries are dropped).
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "webhooks", params(("id" = WebhookId, Path)),
    responses((status = 204, description = "deleted")))]
async fn delete_webhook(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<WebhookId>,
) -> ApiResult<StatusCode> {
    state.app.webhooks.delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The subscription's deliveries, newest first: status (`pending`, `delivered`, `dead`),
/// attempts, the receiver's last status or error, and latency.
#[utoipa::path(get, path = "/webhooks/{id}/deliveries", tag = "webhooks", params(("id" = WebhookId, Path), PageParams),
    responses((status = 200, body = Page<Delivery>)))]
async fn list_deliveries(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<WebhookId>,
    Query(p): Query<PageParams>,
) -> ApiResult<axum::Json<Page<Delivery>>> {
    Ok(axum::Json(state.app.webhooks.deliveries(&actor, id, p.cursor.as_deref(), p.limit).await?))
}

/// Send a dead delivery again, from its first attempt.
#[utoipa::path(post, path = "/webhook-deliveries/{id}/resend", tag = "webhooks", params(("id" = DeliveryId, Path)),
    responses((status = 200, body = Delivery)))]
async fn resend_delivery(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<DeliveryId>,
) -> ApiResult<axum::Json<Delivery>> {
    Ok(axum::Json(state.app.webhooks.resend(&actor, id).await?))
}
