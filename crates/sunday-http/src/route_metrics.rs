//! Request metrics with handles resolved once per route. Looking a metric up by name and
//! labels hashes and allocates on every call; a gateway that records three metrics per
//! request cannot afford that, so handles are kept per (method, route template, status).

use std::{
    collections::HashMap,
    sync::{Arc, OnceLock, RwLock},
    time::Duration,
};

use axum::http::Method;
use metrics::{Counter, Gauge, Histogram};
use sunday_app::slo::RouteClass;

struct RouteMetrics {
    latency: Histogram,
    /// For the node's own SLO summary (`/api/v1/admin/status`).
    class: RouteClass,
    by_status: RwLock<HashMap<u16, Counter>>,
}

#[derive(Default)]
pub struct HttpMetrics {
    in_flight: OnceLock<Gauge>,
    routes: RwLock<HashMap<Method, HashMap<String, Arc<RouteMetrics>>>>,
}

impl HttpMetrics {
    pub fn in_flight(&self) -> &Gauge {
        self.in_flight.get_or_init(|| metrics::gauge!("http_requests_in_flight"))
    }

    fn route(&self, method: &Method, route: &str) -> Arc<RouteMetrics> {
        if let Some(found) = self.routes.read().ok().and_then(|m| m.get(method).and_then(|r| r.get(route)).cloned()) {
            return found;
        }
        let created = Arc::new(RouteMetrics {
            latency: metrics::histogram!("http_request_duration_seconds", "method" => method.to_string(), "route" => route.to_owned()),
            by_status: RwLock::default(),
            class: RouteClass::of(method.as_str(), route),
        });
        match self.routes.write() {
            Ok(mut map) => map.entry(method.clone()).or_default().entry(route.to_owned()).or_insert(created).clone(),
            Err(_) => created,
        }
    }

    /// Records one finished request.
    pub fn record(&self, method: &Method, route: &str, status: u16, elapsed: Duration) {
        let route_metrics = self.route(method, route);
        route_metrics.latency.record(elapsed.as_secs_f64());
        sunday_app::slo::global().record_request(route_metrics.class, status, elapsed);
        let counter = route_metrics.by_status.read().ok().and_then(|m| m.get(&status).cloned());
        let counter = counter.unwrap_or_else(|| {
            let c = metrics::counter!("http_requests_total", "method" => method.to_string(), "route" => route.to_owned(), "status" => status.to_string());
            if let Ok(mut m) = route_metrics.by_status.write() {
                m.insert(status, c.clone());
            }
            c
        });
        counter.increment(1);
    }
}
