//! The gateway layers every request passes through, outermost first:
//! request id (set and echoed) → trace span → metrics → request-id scope for error bodies →
//! panic catcher → security headers → CORS → compression → per-IP rate limit → body limit.

use std::{net::SocketAddr, time::Instant};

use axum::{
    extract::{ConnectInfo, DefaultBodyLimit, MatchedPath, Request, State},
    http::{header, HeaderName, HeaderValue, Method},
    middleware::{from_fn, from_fn_with_state, Next},
    response::{IntoResponse, Response},
    Router,
};
use sunday_types::{ApiError, ErrorCode};
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    cors::{AllowOrigin, CorsLayer},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};

use crate::{
    error::{HttpError, REQUEST_ID},
    extract::client_ip,
    HttpState,
};

const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

const CSP: &str = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; \
script-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

pub fn wrap(routes: axum::Router<HttpState>, state: HttpState) -> Router {
    let settings = state.settings.clone();
    let routes = routes
        .fallback(|| async { HttpError::from(ErrorCode::RouteNotFound) })
        .method_not_allowed_fallback(|| async { HttpError::from(ErrorCode::MethodNotAllowed) });
    let layers = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(REQUEST_ID_HEADER, MakeRequestUuid))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID_HEADER))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let route = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned()).unwrap_or_default();
            let id = req.headers().get(REQUEST_ID_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %req.method(), route, request_id = id)
        }))
        .layer(from_fn(record_metrics))
        .layer(from_fn(scope_request_id))
        .layer(CatchPanicLayer::custom(|_| HttpError(ApiError::internal("handler panicked")).into_response()))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .option_layer(cors(&settings.cors_allowed_origins))
        .layer(CompressionLayer::new())
        .layer(from_fn_with_state(state.clone(), limit_ip))
        .layer(DefaultBodyLimit::max(settings.body_limit_bytes));
    routes.layer(layers).with_state(state)
}

/// Makes the request id visible to error rendering anywhere below.
async fn scope_request_id(req: Request, next: Next) -> Response {
    let id = req.headers().get(REQUEST_ID_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    REQUEST_ID.scope(id, next.run(req)).await
}

/// Per-route latency histograms keyed by the route template (never the raw path, which
/// would explode the label set), request counts by status, and requests in flight.
async fn record_metrics(req: Request, next: Next) -> Response {
    let route =
        req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned()).unwrap_or_else(|| "unmatched".into());
    let method = req.method().as_str().to_owned();
    let start = Instant::now();
    let in_flight = metrics::gauge!("http_requests_in_flight");
    in_flight.increment(1.0);
    let response = next.run(req).await;
    in_flight.decrement(1.0);
    let status = response.status().as_u16().to_string();
    metrics::histogram!("http_request_duration_seconds", "method" => method.clone(), "route" => route.clone())
        .record(start.elapsed().as_secs_f64());
    metrics::counter!("http_requests_total", "method" => method, "route" => route, "status" => status).increment(1);
    response
}

/// Operations endpoints are never rate limited: probes must always answer.
async fn limit_ip(State(state): State<HttpState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if matches!(path, "/health" | "/ready" | "/metrics") || !state.ip_limiter.enabled() {
        return next.run(req).await;
    }
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let ip = client_ip(req.headers(), peer, state.settings.trust_forwarded_for);
    match state.ip_limiter.check(&ip) {
        Ok(()) => next.run(req).await,
        Err(secs) => HttpError(ApiError::of(ErrorCode::RateLimited).retry_after(secs)).into_response(),
    }
}

/// No layer at all without configured origins: the web app is served from the same origin.
fn cors(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow_headers = [
        header::AUTHORIZATION,
        header::CONTENT_TYPE,
        header::IF_MATCH,
        HeaderName::from_static("x-csrf-token"),
        HeaderName::from_static("idempotency-key"),
        REQUEST_ID_HEADER,
    ];
    let base = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allow_headers(allow_headers)
        .expose_headers([REQUEST_ID_HEADER, header::RETRY_AFTER]);
    if origins.iter().any(|o| o == "*") {
        return Some(base.allow_origin(AllowOrigin::any()));
    }
    let list: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    Some(base.allow_origin(AllowOrigin::list(list)).allow_credentials(true))
}
