//! Analytics: questions and reports over many boards, answered from the aggregates the node
//! keeps from the event log.

use axum::extract::State;
use sunday_app::analytics::{Forwarded, SECRET_HEADER};
use sunday_types::{
    analytics::{AnalyticsAnswer, AnalyticsQuery, AnalyticsStatus, ReportAnswer, ReportRequest},
    ApiError, ErrorCode,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::{
    extract::{Auth, Json, ReadAuth},
    HttpState,
};

pub fn routes() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new()
        .routes(routes!(analytics_query))
        .routes(routes!(analytics_report))
        .routes(routes!(analytics_status))
}

/// A read (a `read`-scoped token suffices): a metric (count, or sum, average, minimum or maximum of a number column) over the items of
/// up to 50 boards you may read, filtered as item queries are, optionally grouped by a column
/// (labels, options, people, group) or by the day, week or month of a date column or of
/// creation. Answered from the aggregates, current to each board's latest event (`positions`).
#[utoipa::path(post, path = "/analytics/query", tag = "analytics", request_body = AnalyticsQuery,
    responses((status = 200, body = AnalyticsAnswer)))]
async fn analytics_query(
    State(state): State<HttpState>,
    ReadAuth(actor): ReadAuth,
    Json(q): Json<AnalyticsQuery>,
) -> ApiResult<axum::Json<AnalyticsAnswer>> {
    Ok(axum::Json(state.app.analytics.query(&actor, q).await?))
}

/// A read (a `read`-scoped token suffices): a report from the status changes of the event log: cycle time between two labels,
/// throughput (items done per period), a group's burndown, or time spent in each label.
#[utoipa::path(post, path = "/analytics/report", tag = "analytics", request_body = ReportRequest,
    responses((status = 200, body = ReportAnswer)))]
async fn analytics_report(
    State(state): State<HttpState>,
    ReadAuth(actor): ReadAuth,
    Json(r): Json<ReportRequest>,
) -> ApiResult<axum::Json<ReportAnswer>> {
    Ok(axum::Json(state.app.analytics.report(&actor, r).await?))
}

/// The aggregates answering this node's questions (its own, or the cluster worker's): boards
/// and items held, events folded in, and a rebuild's progress. Instance admins only (`403
/// forbidden` for everyone else: the counts are the whole instance's); `/ready` shows a
/// rebuild's progress to anyone.
#[utoipa::path(get, path = "/analytics/status", tag = "analytics", responses((status = 200, body = AnalyticsStatus),
    (status = 403, description = "`forbidden`: not an instance admin", body = sunday_types::ErrorBody)))]
async fn analytics_status(State(state): State<HttpState>, Auth(actor): Auth) -> ApiResult<axum::Json<AnalyticsStatus>> {
    super::admin::require_instance_admin(&state, &actor).await?;
    Ok(axum::Json(state.app.analytics.status().await?))
}

/// `POST /internal/analytics`: how a cluster's `api` nodes ask the worker keeping the
/// aggregates (not part of the public API, not in the OpenAPI document).
pub fn internal_route() -> axum::Router<HttpState> {
    axum::Router::new().route("/internal/analytics", axum::routing::post(forwarded))
}

/// A question another node of the cluster forwarded to this worker: `403` unless it carries
/// the cluster's secret.
async fn forwarded(
    State(state): State<HttpState>,
    headers: axum::http::HeaderMap,
    axum::Json(ask): axum::Json<Forwarded>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let secret = headers.get(SECRET_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
    match state.app.analytics.answer_forwarded(secret, ask).await {
        Some(reply) => axum::Json(reply).into_response(),
        None => crate::error::HttpError::from(ApiError::of(ErrorCode::Forbidden)).into_response(),
    }
}
