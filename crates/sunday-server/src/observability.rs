//! Logs, traces ([`crate::traces`]) and metrics. Logs are human-readable in a terminal (`pretty`) or one JSON object
//! per line (`json`); metrics go to a process-wide Prometheus recorder, installed once even
//! when several servers run in one process (tests).

use std::sync::{Arc, Mutex};

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sunday_config::Config;
use sunday_http::MetricsRender;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

/// Installs the global subscriber; a second call (tests) is a no-op. The log level filters
/// the logs only: traces, when on, take every `info` span whatever the logs show.
pub fn init_logging(config: &Config) {
    let filter = || EnvFilter::try_new(&config.log.level).unwrap_or_else(|_| EnvFilter::new("info"));
    let otel = match crate::traces::tracer(&config.trace) {
        Ok(tracer) => tracer.map(|t| {
            tracing_opentelemetry::layer().with_tracer(t).with_filter(tracing_subscriber::filter::LevelFilter::INFO)
        }),
        Err(e) => {
            eprintln!("warning: traces are off: {e:#}");
            None
        }
    };
    let registry = tracing_subscriber::registry().with(otel);
    let result = if config.log.format == "json" {
        registry
            .with(
                fmt::layer()
                    .json()
                    .with_writer(std::io::stderr)
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_filter(filter()),
            )
            .try_init()
    } else {
        registry
            .with(
                fmt::layer()
                    .with_writer(std::io::stderr)
                    .with_target(false)
                    .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                    .with_filter(filter()),
            )
            .try_init()
    };
    if result.is_err() {
        tracing::debug!("logging already initialised");
    }
}

static HANDLE: Mutex<Option<PrometheusHandle>> = Mutex::new(None);

/// Latency buckets from 100 µs to 10 s.
const BUCKETS: &[f64] =
    &[0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

pub fn metrics_render() -> anyhow::Result<MetricsRender> {
    // Held while installing, so concurrent first callers (parallel tests) wait for one recorder.
    let mut slot = HANDLE.lock().map_err(|_| anyhow::anyhow!("metrics recorder lock poisoned"))?;
    let handle = match slot.as_ref() {
        Some(h) => h.clone(),
        None => {
            let h = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("duration_seconds".into()), BUCKETS)?
                .set_buckets_for_metric(Matcher::Full("ws_delivery_lag_seconds".into()), BUCKETS)?
                .install_recorder()?;
            *slot = Some(h.clone());
            h
        }
    };
    Ok(Arc::new(move || handle.render()))
}
