//! The gateway layers every request passes through, outermost first: the gateway middleware
//! (request id, trace span, per-IP rate limit, metrics) → panic catcher → security headers →
//! CORS → compression → body limit.

use std::{net::SocketAddr, time::Instant};

use axum::{
    extract::{ConnectInfo, DefaultBodyLimit, MatchedPath, Request, State},
    http::{header, HeaderName, HeaderValue, Method},
    middleware::{from_fn_with_state, Next},
    response::{IntoResponse, Response},
    Router,
};
use sunday_types::{ApiError, ErrorCode};
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    cors::{AllowOrigin, CorsLayer},
    set_header::SetResponseHeaderLayer,
};
use tracing::Instrument;

use crate::{
    error::{HttpError, RequestIds, REQUEST_IDS},
    extract::client_ip,
    HttpState,
};

const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

const CSP: &str = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; \
script-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

pub fn wrap(routes: axum::Router<HttpState>, state: HttpState) -> Router {
    // The single-page app: its files, and index.html for every other path (client-side
    // routes); API paths keep their JSON 404. A `web.dir` with a built app wins over the one
    // inside the binary.
    let api_404 = || async { HttpError::from(ErrorCode::RouteNotFound) };
    let routes = match state.settings.web_dir.as_ref().filter(|d| d.join("index.html").is_file()) {
        Some(dir) => {
            let spa = tower_http::services::ServeDir::new(dir)
                .fallback(tower_http::services::ServeFile::new(dir.join("index.html")));
            routes.route("/api/{*rest}", axum::routing::any(api_404)).fallback_service(spa)
        }
        None if crate::web::embedded() => {
            routes.route("/api/{*rest}", axum::routing::any(api_404)).fallback(crate::web::serve)
        }
        None => routes.fallback(api_404),
    }
    .method_not_allowed_fallback(|| async { HttpError::from(ErrorCode::MethodNotAllowed) });
    let layers = ServiceBuilder::new()
        .layer(from_fn_with_state(state.clone(), gateway))
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
        .option_layer(cors(&state.settings.cors_allowed_origins))
        .layer(CompressionLayer::new())
        .layer(DefaultBodyLimit::max(state.settings.body_limit_bytes))
        // A client trickling its body cannot hold a request (and its memory) open forever.
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(state.settings.body_read_timeout));
    routes.layer(layers).with_state(state)
}

/// What every request gets before routing-specific work, in one middleware (each separate
/// layer boxes the request future once more; W1 in BENCHMARKS.md measures this path):
/// a request id (kept when the client sent a sane one) echoed on the response and visible to
/// error rendering; a tracing span with method, route template and request id; the per-IP
/// rate limit; latency, status and in-flight metrics by route template (never the raw path,
/// which would explode the label set).
async fn gateway(State(state): State<HttpState>, mut req: Request, next: Next) -> Response {
    let start = Instant::now();
    let id = match req.headers().get(REQUEST_ID_HEADER) {
        Some(v) if !v.is_empty() && v.len() <= 128 => v.clone(),
        _ => {
            let mut buf = uuid::Uuid::encode_buffer();
            let fresh = HeaderValue::from_str(uuid::Uuid::new_v4().hyphenated().encode_lower(&mut buf))
                .unwrap_or(HeaderValue::from_static("-"));
            req.headers_mut().insert(REQUEST_ID_HEADER, fresh.clone());
            fresh
        }
    };
    let id_text = id.to_str().unwrap_or("").to_owned();
    let method = req.method().clone();
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let route = matched.as_ref().map(|m| m.as_str()).unwrap_or("unmatched");
    let span = tracing::info_span!(
        "request",
        method = %method,
        route,
        request_id = %id_text,
        trace_id = tracing::field::Empty,
        otel.name = tracing::field::Empty,
        otel.kind = tracing::field::Empty,
    );
    let trace_id = state.settings.trace_hook.as_ref().and_then(|hook| {
        // Named like the collectors' HTTP views expect, only when traces are on.
        span.record("otel.name", format!("{method} {route}"));
        span.record("otel.kind", "server");
        (hook.0)(&span, req.headers())
    });
    if let Some(t) = &trace_id {
        span.record("trace_id", t.as_str());
    }

    let limited = if matches!(req.uri().path(), "/health" | "/ready" | "/metrics") {
        Ok(())
    } else {
        let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
        if state.ip_limiter.enabled() {
            state.ip_limiter.check(&client_ip(req.headers(), peer, state.settings.trust_forwarded_for)).await
        } else {
            Ok(())
        }
    };

    let in_flight = state.metrics.in_flight();
    in_flight.increment(1.0);
    let mut response = REQUEST_IDS
        .scope(RequestIds { request_id: id_text, trace_id }, async move {
            match limited {
                Ok(()) => next.run(req).await,
                Err(secs) => HttpError(ApiError::of(ErrorCode::RateLimited).retry_after(secs)).into_response(),
            }
        })
        .instrument(span)
        .await;
    in_flight.decrement(1.0);
    state.metrics.record(&method, route, response.status().as_u16(), start.elapsed());
    response.headers_mut().insert(REQUEST_ID_HEADER, id);
    response
}

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
