//! The HTTP face of Sunday: axum routers per resource, the extractors that turn requests into
//! typed commands and an authenticated [`sunday_app::Actor`], the gateway middleware (request
//! ids, rate limits, body limits, compression, security headers, CORS, metrics) and the
//! OpenAPI document, generated from the same declarations as the routes.
//!
//! Handlers are thin: extract, call one service method, shape the response.

mod error;
mod extract;
mod idempotency;
mod middleware;
mod openapi;
mod route_metrics;
mod routes;
mod web;

use std::sync::Arc;

use axum::Router;
use sunday_app::{limits::Limiter, App};

pub use error::{current_request_id, HttpError};
pub use openapi::openapi_spec;

/// Gateway settings, extracted from the configuration by the composition root.
#[derive(Clone, Debug)]
pub struct HttpSettings {
    pub body_limit_bytes: usize,
    pub rate_limit_ip_per_sec: u32,
    pub rate_limit_ip_burst: u32,
    pub rate_limit_user_per_sec: u32,
    pub rate_limit_user_burst: u32,
    pub cors_allowed_origins: Vec<String>,
    pub trust_forwarded_for: bool,
    pub cookie_secure: bool,
    pub session_ttl_secs: i64,
    /// A built web app on disk served at `/` instead of the one inside the binary.
    pub web_dir: Option<std::path::PathBuf>,
    /// A request body must arrive within this time (`408` otherwise).
    pub body_read_timeout: std::time::Duration,
    /// Distributed tracing, when on: links each request's span to it.
    pub trace_hook: Option<TraceHook>,
    /// Emails of the instance's admins (`GET /api/v1/admin/status`).
    pub instance_admins: Vec<String>,
    /// The roles this node runs, for the status page.
    pub node_roles: Vec<String>,
}

/// Links a request's span to distributed tracing (provided by the composition root, which
/// owns the exporter): given the span and the request's headers, it sets the span's parent
/// (an incoming W3C `traceparent`) and answers the trace id, which the span records as
/// `trace_id` and error bodies return.
#[derive(Clone)]
#[allow(clippy::type_complexity)]
pub struct TraceHook(pub Arc<dyn Fn(&tracing::Span, &axum::http::HeaderMap) -> Option<String> + Send + Sync>);

impl std::fmt::Debug for TraceHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TraceHook")
    }
}

/// Renders the Prometheus exposition text (provided by the composition root, which owns
/// the metrics recorder).
pub type MetricsRender = Arc<dyn Fn() -> String + Send + Sync>;

/// What every handler can reach. Cloned for every request by the extractors and
/// middleware, so it is one reference count, not a tree of them.
#[derive(Clone)]
pub struct HttpState(Arc<StateInner>);

pub struct StateInner {
    pub app: App,
    pub settings: HttpSettings,
    pub ip_limiter: Limiter,
    pub user_limiter: Limiter,
    pub metrics_render: MetricsRender,
    pub metrics: route_metrics::HttpMetrics,
    /// The real-time hub, when this node runs the `realtime` role.
    pub hub: Option<Arc<sunday_realtime::Hub>>,
}

impl std::ops::Deref for HttpState {
    type Target = StateInner;
    fn deref(&self) -> &StateInner {
        &self.0
    }
}

impl HttpState {
    pub fn new(
        app: App,
        settings: HttpSettings,
        metrics: MetricsRender,
        hub: Option<Arc<sunday_realtime::Hub>>,
    ) -> HttpState {
        HttpState(Arc::new(StateInner {
            hub,
            ip_limiter: Limiter::new(
                "ip",
                settings.rate_limit_ip_per_sec,
                settings.rate_limit_ip_burst,
                app.shared_limits().cloned(),
            ),
            user_limiter: Limiter::new(
                "user",
                settings.rate_limit_user_per_sec,
                settings.rate_limit_user_burst,
                app.shared_limits().cloned(),
            ),
            settings,
            app,
            metrics_render: metrics,
            metrics: Default::default(),
        }))
    }
}

/// The complete application: API routes, operations endpoints and the gateway layers.
pub fn router(state: HttpState) -> Router {
    let (routes, spec) = routes::all().split_for_parts();
    let spec = Arc::new(openapi::finish(spec));
    let routes =
        routes.merge(routes::ops::spec_route(spec)).merge(routes::realtime::root_route()).merge(routes::internal());
    middleware::wrap(routes, state)
}
