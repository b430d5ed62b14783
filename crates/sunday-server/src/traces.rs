//! OpenTelemetry traces over OTLP/HTTP (JSON), off unless `trace.otlp_endpoint` is set.
//!
//! Spans come from `tracing` — each request (with its route and request id), the services'
//! instrumented calls, store commits and bus publishes — through `tracing-opentelemetry`. A
//! request carrying a W3C `traceparent` joins its caller's trace. The trace id is recorded on
//! the request span (so JSON logs carry it) and returned in error bodies.
//!
//! Finished spans go into a bounded queue that one exporter thread drains in batches. When
//! the collector is slow or down the queue fills and further spans are dropped, never waited
//! for, and counted in `trace_spans_dropped_total` (by reason); a request's latency does not
//! depend on the collector. (The SDK's own batch processor drops as well but reports the
//! count only in its internal log, which is why the queue is ours.)

use std::{
    sync::{mpsc, Arc, OnceLock},
    time::Duration,
};

use opentelemetry::{
    propagation::TextMapPropagator,
    trace::{TraceContextExt, TraceId, TracerProvider as _},
    Context, KeyValue,
};
use opentelemetry_otlp::{Protocol, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::{
    error::OTelSdkResult,
    propagation::TraceContextPropagator,
    trace::{Sampler, SdkTracer, SdkTracerProvider, Span, SpanData, SpanExporter, SpanProcessor},
    Resource,
};
use sunday_config::TraceConfig;
use sunday_http::TraceHook;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The provider, kept for the process's life once traces are on (the first configuration
/// wins, as for the logging subscriber).
static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

const BATCH: usize = 512;
const EXPORT_TIMEOUT: Duration = Duration::from_secs(5);

/// The tracer to hand to `tracing-opentelemetry`, when traces are configured.
pub fn tracer(config: &TraceConfig) -> anyhow::Result<Option<SdkTracer>> {
    if config.otlp_endpoint.is_empty() {
        return Ok(None);
    }
    let provider = match PROVIDER.get() {
        Some(p) => p.clone(),
        None => {
            let p = provider(config)?;
            PROVIDER.get_or_init(|| p).clone()
        }
    };
    Ok(Some(provider.tracer("sunday")))
}

fn provider(config: &TraceConfig) -> anyhow::Result<SdkTracerProvider> {
    let resource = Resource::builder()
        .with_service_name(config.service_name.clone())
        .with_attribute(KeyValue::new("service.version", env!("CARGO_PKG_VERSION")))
        .build();
    let client = opentelemetry_http::hyper::HyperClient::with_default_connector(EXPORT_TIMEOUT, None);
    let mut exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_http_client(client)
        .with_protocol(Protocol::HttpJson)
        .with_endpoint(format!("{}/v1/traces", config.otlp_endpoint.trim_end_matches('/')))
        .with_timeout(EXPORT_TIMEOUT)
        .build()?;
    exporter.set_resource(&resource);
    let (queue, spans) = mpsc::sync_channel(config.queue);
    std::thread::Builder::new().name("otlp-export".into()).spawn(move || export_loop(exporter, spans))?;
    let sampler = Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(config.sample_ratio)));
    Ok(SdkTracerProvider::builder()
        .with_sampler(sampler)
        .with_resource(resource)
        .with_span_processor(Queue { queue })
        .build())
}

/// Hands finished spans to the exporter thread without ever blocking.
#[derive(Debug)]
struct Queue {
    queue: mpsc::SyncSender<SpanData>,
}

impl SpanProcessor for Queue {
    fn on_start(&self, _span: &mut Span, _cx: &Context) {}

    fn on_end(&self, span: SpanData) {
        if self.queue.try_send(span).is_err() {
            metrics::counter!("trace_spans_dropped_total", "reason" => "queue_full").increment(1);
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        Ok(())
    }
}

/// The exporter thread: waits for a span, takes what else is queued (up to a batch), sends
/// it; a failed batch is counted as dropped. Ends when the provider is gone.
fn export_loop(exporter: opentelemetry_otlp::SpanExporter, spans: mpsc::Receiver<SpanData>) {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return eprintln!("traces: no exporter runtime: {e}"),
    };
    while let Ok(first) = spans.recv() {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match spans.try_recv() {
                Ok(span) => batch.push(span),
                Err(_) => break,
            }
        }
        let n = batch.len() as u64;
        let sent = runtime.block_on(async { tokio::time::timeout(EXPORT_TIMEOUT, exporter.export(batch)).await });
        match sent {
            Ok(Ok(())) => metrics::counter!("trace_spans_exported_total").increment(n),
            Ok(Err(e)) => {
                metrics::counter!("trace_spans_dropped_total", "reason" => "export_failed").increment(n);
                tracing::debug!(error = %e, spans = n, "trace export failed");
            }
            Err(_) => metrics::counter!("trace_spans_dropped_total", "reason" => "export_timeout").increment(n),
        }
    }
}

/// The request hook for the HTTP layer: joins an incoming `traceparent`, answers the trace
/// id. `None` when traces are off.
pub fn hook() -> Option<TraceHook> {
    PROVIDER.get()?;
    let propagator = TraceContextPropagator::new();
    Some(TraceHook(Arc::new(move |span: &tracing::Span, headers: &axum::http::HeaderMap| {
        let parent = propagator.extract(&opentelemetry_http::HeaderExtractor(headers));
        if parent.span().span_context().is_valid() {
            let _ = span.set_parent(parent);
        }
        let id = span.context().span().span_context().trace_id();
        (id != TraceId::INVALID).then(|| id.to_string())
    })))
}
