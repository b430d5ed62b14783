//! Analytics: questions and reports over many boards, answered from the aggregates the node
//! keeps from the event log.

use axum::extract::State;
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

/// This node's aggregates: boards and items held, events folded in, and a rebuild's progress.
#[utoipa::path(get, path = "/analytics/status", tag = "analytics", responses((status = 200, body = AnalyticsStatus)))]
async fn analytics_status(
    State(state): State<HttpState>,
    Auth(_actor): Auth,
) -> ApiResult<axum::Json<AnalyticsStatus>> {
    let status = state
        .app
        .analytics
        .status()
        .ok_or_else(|| ApiError::new(ErrorCode::Unavailable, "analytics are not kept on this node"))?;
    Ok(axum::Json(status))
}
