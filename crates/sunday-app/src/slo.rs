//! The service level objectives as this node sees them since it started, for
//! `GET /api/v1/admin/status`: availability (requests answered without a 5xx), p95 latency
//! per route class, and WebSocket delivery lag. Prometheus computes the same over time
//! windows from `/metrics` (`deploy/prometheus/rules.yml`); this is the quick look without
//! one. Recording is a few relaxed atomic increments per request.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering::Relaxed},
        OnceLock,
    },
    time::{Duration, Instant},
};

use sunday_types::dto::{ClassSlo, LatencySlo, SloReport};

/// Bucket bounds in seconds, the same as the Prometheus histograms'.
pub const BUCKETS: [f64; 16] =
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The availability objective: at most 0.1 % of requests answer 5xx.
pub const AVAILABILITY_OBJECTIVE: f64 = 0.999;
/// p95 from an event's commit to its send on a socket.
pub const WS_LAG_OBJECTIVE: Duration = Duration::from_millis(250);

/// Counts per latency bucket (the last one: beyond the largest bound).
#[derive(Default)]
pub struct LatencyHistogram {
    counts: [AtomicU64; BUCKETS.len() + 1],
}

impl LatencyHistogram {
    pub fn record(&self, d: Duration) {
        let secs = d.as_secs_f64();
        let i = BUCKETS.iter().position(|b| secs <= *b).unwrap_or(BUCKETS.len());
        self.counts[i].fetch_add(1, Relaxed);
    }

    pub fn count(&self) -> u64 {
        self.counts.iter().map(|c| c.load(Relaxed)).sum()
    }

    /// The bound of the bucket holding the `q` quantile (an upper estimate, as Prometheus'
    /// `histogram_quantile` is an interpolation within it); `None` without samples, and the
    /// largest bound when it lies beyond.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let counts: Vec<u64> = self.counts.iter().map(|c| c.load(Relaxed)).collect();
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return None;
        }
        let rank = (q * total as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, c) in counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(BUCKETS[i.min(BUCKETS.len() - 1)]);
            }
        }
        Some(BUCKETS[BUCKETS.len() - 1])
    }
}

/// Route classes with their own latency objective, as `deploy/prometheus/rules.yml` groups
/// routes (keep the two in step).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteClass {
    Read,
    Write,
    Auth,
    Bulk,
    Realtime,
    Web,
    /// Probes and scrapes: not counted.
    Ops,
}

impl RouteClass {
    const COUNTED: [RouteClass; 6] = [
        RouteClass::Read,
        RouteClass::Write,
        RouteClass::Auth,
        RouteClass::Bulk,
        RouteClass::Realtime,
        RouteClass::Web,
    ];

    /// The class of a request by method and route template (`unmatched` for the web app and
    /// unknown paths).
    pub fn of(method: &str, route: &str) -> RouteClass {
        let bulk = route == "/api/v1/boards/import"
            || route == "/api/v1/items/{id}/duplicate"
            || (route.starts_with("/api/v1/boards/{id}/")
                && matches!(&route["/api/v1/boards/{id}/".len()..], "import" | "export" | "duplicate" | "items/bulk"));
        match route {
            "/health" | "/ready" | "/metrics" => RouteClass::Ops,
            "/ws" | "/api/v1/ws" => RouteClass::Realtime,
            "unmatched" => RouteClass::Web,
            _ if route.starts_with("/api/v1/auth/") => RouteClass::Auth,
            _ if bulk => RouteClass::Bulk,
            _ if !route.starts_with("/api/") => RouteClass::Web,
            _ if matches!(method, "GET" | "HEAD") => RouteClass::Read,
            _ => RouteClass::Write,
        }
    }

    fn name(self) -> &'static str {
        match self {
            RouteClass::Read => "read",
            RouteClass::Write => "write",
            RouteClass::Auth => "auth",
            RouteClass::Bulk => "bulk",
            RouteClass::Realtime => "realtime",
            RouteClass::Web => "web",
            RouteClass::Ops => "ops",
        }
    }

    /// The p95 objective.
    fn objective(self) -> Duration {
        Duration::from_millis(match self {
            RouteClass::Read | RouteClass::Web => 250,
            RouteClass::Write | RouteClass::Realtime => 500,
            RouteClass::Auth => 2_000,
            RouteClass::Bulk | RouteClass::Ops => 10_000,
        })
    }

    fn index(self) -> usize {
        self as usize
    }
}

#[derive(Default)]
struct ClassStats {
    latency: LatencyHistogram,
    server_errors: AtomicU64,
}

/// What this node measured since it started.
pub struct Slo {
    started: Instant,
    classes: [ClassStats; 7],
    ws_lag: LatencyHistogram,
}

/// The process's tracker (metrics are process-wide too).
pub fn global() -> &'static Slo {
    static SLO: OnceLock<Slo> = OnceLock::new();
    SLO.get_or_init(|| Slo {
        started: Instant::now(),
        classes: Default::default(),
        ws_lag: LatencyHistogram::default(),
    })
}

impl Slo {
    pub fn record_request(&self, class: RouteClass, status: u16, elapsed: Duration) {
        let stats = &self.classes[class.index()];
        stats.latency.record(elapsed);
        if status >= 500 {
            stats.server_errors.fetch_add(1, Relaxed);
        }
    }

    pub fn record_delivery(&self, lag: Duration) {
        self.ws_lag.record(lag);
    }

    pub fn report(&self) -> SloReport {
        let ms = |secs: f64| secs * 1000.0;
        let mut requests = 0;
        let mut errors = 0;
        let mut classes = vec![];
        for class in RouteClass::COUNTED {
            let stats = &self.classes[class.index()];
            let n = stats.latency.count();
            let e = stats.server_errors.load(Relaxed);
            requests += n;
            errors += e;
            let p95 = stats.latency.quantile(0.95).map(ms);
            let objective = class.objective().as_secs_f64() * 1000.0;
            classes.push(ClassSlo {
                class: class.name().into(),
                requests: n,
                server_errors: e,
                latency: LatencySlo { p95_ms: p95, objective_ms: objective, met: p95.is_none_or(|p| p <= objective) },
            });
        }
        let availability = if requests == 0 { 1.0 } else { 1.0 - errors as f64 / requests as f64 };
        let lag = self.ws_lag.quantile(0.95).map(ms);
        let lag_objective = WS_LAG_OBJECTIVE.as_secs_f64() * 1000.0;
        SloReport {
            window_secs: self.started.elapsed().as_secs(),
            requests,
            server_errors: errors,
            availability,
            availability_objective: AVAILABILITY_OBJECTIVE,
            availability_met: availability >= AVAILABILITY_OBJECTIVE,
            classes,
            ws_deliveries: self.ws_lag.count(),
            ws_delivery_lag: LatencySlo {
                p95_ms: lag,
                objective_ms: lag_objective,
                met: lag.is_none_or(|p| p <= lag_objective),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_fall_into_the_classes_the_rules_use() {
        assert_eq!(RouteClass::of("GET", "/api/v1/boards/{id}/items"), RouteClass::Read);
        assert_eq!(RouteClass::of("PATCH", "/api/v1/items/{id}"), RouteClass::Write);
        assert_eq!(RouteClass::of("POST", "/api/v1/auth/login"), RouteClass::Auth);
        assert_eq!(RouteClass::of("POST", "/api/v1/boards/{id}/items/bulk"), RouteClass::Bulk);
        assert_eq!(RouteClass::of("GET", "/api/v1/boards/{id}/export"), RouteClass::Bulk);
        assert_eq!(RouteClass::of("GET", "/api/v1/ws"), RouteClass::Realtime);
        assert_eq!(RouteClass::of("GET", "unmatched"), RouteClass::Web);
        assert_eq!(RouteClass::of("GET", "/ready"), RouteClass::Ops);
    }

    #[test]
    fn quantiles_come_from_the_buckets() {
        let h = LatencyHistogram::default();
        assert_eq!(h.quantile(0.95), None);
        for _ in 0..95 {
            h.record(Duration::from_micros(800)); // ≤ 1 ms
        }
        for _ in 0..5 {
            h.record(Duration::from_millis(300)); // ≤ 500 ms
        }
        assert_eq!(h.quantile(0.95), Some(0.001));
        assert_eq!(h.quantile(0.99), Some(0.5));
        h.record(Duration::from_secs(60));
        assert_eq!(h.quantile(1.0), Some(10.0), "beyond the last bound reports it");
    }

    #[test]
    fn availability_counts_only_server_errors_and_not_probes() {
        let slo = Slo { started: Instant::now(), classes: Default::default(), ws_lag: LatencyHistogram::default() };
        for status in [200, 404, 500, 201] {
            slo.record_request(RouteClass::Read, status, Duration::from_millis(1));
        }
        slo.record_request(RouteClass::Ops, 503, Duration::from_millis(1));
        let r = slo.report();
        assert_eq!((r.requests, r.server_errors), (4, 1));
        assert!((r.availability - 0.75).abs() < 1e-9 && !r.availability_met);
    }
}
