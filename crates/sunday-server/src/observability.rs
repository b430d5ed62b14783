//! Logs and metrics. Logs are human-readable in a terminal (`pretty`) or one JSON object
//! per line (`json`); metrics go to a process-wide Prometheus recorder, installed once even
//! when several servers run in one process (tests).

use std::sync::{Arc, OnceLock};

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sunday_config::Config;
use sunday_http::MetricsRender;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

/// Installs the global subscriber; a second call (tests) is a no-op.
pub fn init_logging(config: &Config) {
    let filter = EnvFilter::try_new(&config.log.level).unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = if config.log.format == "json" {
        registry
            .with(fmt::layer().json().with_writer(std::io::stderr).with_current_span(true).with_span_list(false))
            .try_init()
    } else {
        registry
            .with(
                fmt::layer()
                    .with_writer(std::io::stderr)
                    .with_target(false)
                    .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())),
            )
            .try_init()
    };
    if result.is_err() {
        tracing::debug!("logging already initialised");
    }
}

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Latency buckets from 100 µs to 10 s.
const BUCKETS: &[f64] =
    &[0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

pub fn metrics_render() -> anyhow::Result<MetricsRender> {
    let handle = match HANDLE.get() {
        Some(h) => h.clone(),
        None => {
            let built = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("duration_seconds".into()), BUCKETS)?
                .install_recorder();
            match built {
                Ok(h) => HANDLE.get_or_init(|| h).clone(),
                // Another thread installed it between our check and now.
                Err(_) => HANDLE.get().cloned().ok_or_else(|| anyhow::anyhow!("metrics recorder unavailable"))?,
            }
        }
    };
    Ok(Arc::new(move || handle.render()))
}
