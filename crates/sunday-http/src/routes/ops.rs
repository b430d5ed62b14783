//! Operations endpoints outside `/api/v1`: liveness, readiness, Prometheus metrics, and the
//! OpenAPI document.

use std::sync::Arc;

use axum::{extract::State, http::header, response::IntoResponse, routing::get, Router};
use sunday_types::{dto::HealthStatus, ApiError, ErrorCode, ErrorDetails};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::HttpState;

pub fn routes() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new().routes(routes!(health)).routes(routes!(ready)).routes(routes!(metrics_text))
}

pub fn spec_route(spec: Arc<utoipa::openapi::OpenApi>) -> Router<HttpState> {
    Router::new().route("/api/openapi.json", get(move || async move { axum::Json(spec.as_ref().clone()) }))
}

/// The process is up.
#[utoipa::path(get, path = "/health", tag = "operations", security(()), responses((status = 200, body = HealthStatus)))]
async fn health() -> axum::Json<HealthStatus> {
    axum::Json(HealthStatus { status: "ok".into(), checks: None })
}

/// The store answers and its migrations are applied; `503 unavailable` otherwise. The node
/// stays ready while its bus's broker or Redis is away (writes commit to the store and are
/// relayed once the broker is back; limits are kept per node meanwhile): `status` then says
/// `degraded`, and `checks.bus` or `checks.redis` what is missing. While its search index is
/// rebuilt from the event log (it was deleted or is new) the node serves, `degraded`, and
/// `checks.search` says how far the rebuild is; the same for the analytics aggregates
/// (`checks.analytics`).
#[utoipa::path(get, path = "/ready", tag = "operations", security(()), responses((status = 200, body = HealthStatus)))]
async fn ready(State(state): State<HttpState>) -> ApiResult<axum::Json<HealthStatus>> {
    let store = state.app.health();
    store.ping().await.map_err(ApiError::from)?;
    let (applied, expected) = store.schema_versions().await.map_err(ApiError::from)?;
    // Behind: not ready until `sunday migrate` has run. Ahead (a newer release migrated while
    // this node runs; migrations only add): keep serving — this binary would refuse to start
    // on it, but taking running nodes out mid-rollout would be an outage.
    if applied < expected {
        return Err(ApiError::new(
            ErrorCode::Unavailable,
            format!("schema version {applied}, expected {expected}: run `sunday migrate`"),
        )
        .with_details(ErrorDetails { applied: Some(applied), expected: Some(expected), ..ErrorDetails::default() })
        .into());
    }
    let (bus, bus_health) = state.app.bus_health();
    let mut checks = serde_json::json!({
        "store": store.backend(),
        "schema_version": applied,
        "bus": {"kind": bus, "connected": bus_health.connected, "unrelayed_boards": bus_health.unrelayed_boards},
    });
    let mut degraded = !bus_health.connected;
    if let Some(shared) = state.app.shared_limits() {
        // Without Redis each node limits on its own: still serving, but degraded.
        checks["redis"] = serde_json::json!({"connected": shared.connected()});
        degraded |= !shared.connected();
    }
    if let Some(search) = state.app.search.progress() {
        checks["search"] = serde_json::json!({
            "backend": search.backend,
            "rebuilding": search.rebuilding,
            "boards_done": search.boards_done,
            "boards_total": search.boards_total,
        });
        degraded |= search.rebuilding;
    }
    if let Some((rebuilding, done, total)) = state.app.analytics.rebuilding() {
        checks["analytics"] = serde_json::json!({"rebuilding": rebuilding, "boards_done": done, "boards_total": total});
        degraded |= rebuilding;
    }
    let status = if degraded { "degraded" } else { "ready" };
    Ok(axum::Json(HealthStatus { status: status.into(), checks: Some(checks) }))
}

/// Prometheus text exposition.
#[utoipa::path(get, path = "/metrics", tag = "operations", security(()), responses((status = 200, description = "Prometheus text format", body = String)))]
async fn metrics_text(State(state): State<HttpState>) -> impl IntoResponse {
    let stats = state.app.health().pool_stats();
    metrics::gauge!("store_pool_size").set(stats.size as f64);
    metrics::gauge!("store_pool_available").set(stats.available as f64);
    let engine = state.app.engine_stats();
    metrics::gauge!("board_engine_boards").set(engine.boards as f64);
    metrics::gauge!("board_engine_items").set(engine.items as f64);
    metrics::gauge!("board_engine_bytes").set(engine.bytes as f64);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], (state.metrics_render)())
}
