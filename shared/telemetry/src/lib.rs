//! The one tracing set-up shared by all four services.
//!
//! Logs go to stdout as JSON (or readable text for development); spans go to
//! an OpenTelemetry collector over OTLP when an endpoint is configured. Trace
//! ids are generated either way, so W3C trace context flows across gRPC calls
//! and NATS messages (see [`propagation`]) and one trace follows a complaint
//! through every service.
//!
//! Personal data never goes into a span or a log line: spans carry the
//! complaint reference and ids, never names, emails or free text.
#![forbid(unsafe_code)]

pub mod grpc;
pub mod propagation;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use std::str::FromStr;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

impl FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "json" => Ok(Self::Json),
            "pretty" => Ok(Self::Pretty),
            other => Err(format!("{other:?} is not a log format: use json or pretty")),
        }
    }
}

/// What the telemetry of one service needs to know.
#[derive(Debug, Clone)]
pub struct TelemetrySettings {
    /// `service.name` of every span, e.g. "intake".
    pub service_name: String,
    /// OTLP gRPC endpoint, e.g. `http://127.0.0.1:4317`; no export when unset.
    pub otlp_endpoint: Option<String>,
    pub log_format: LogFormat,
    /// An `EnvFilter` directive, e.g. `info` or `info,sqlx=warn`.
    pub log_filter: String,
}

/// Errors setting telemetry up.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("LOG_FILTER {0:?} is not a valid filter directive")]
    Filter(String, #[source] tracing_subscriber::filter::ParseError),
    #[error("building the OTLP exporter for {0}")]
    Exporter(String, #[source] opentelemetry_otlp::ExporterBuildError),
    #[error("a global tracing subscriber is already installed")]
    AlreadyInstalled(#[source] tracing_subscriber::util::TryInitError),
}

/// Keeps the tracer provider alive; [`Telemetry::shutdown`] flushes spans
/// that are still buffered, and dropping does the same.
#[derive(Debug)]
pub struct Telemetry {
    provider: SdkTracerProvider,
}

impl Telemetry {
    /// Flushes buffered spans to the collector and stops exporting.
    pub fn shutdown(self) {
        // Drop does the work.
    }
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Err(error) = self.provider.shutdown() {
            // Logging may already be gone; stderr is all that is left.
            eprintln!("flushing spans at shutdown failed: {error}");
        }
    }
}

/// Installs the global subscriber, the OpenTelemetry layer and the W3C
/// propagator. Call once, from within the Tokio runtime.
pub fn init(settings: &TelemetrySettings) -> Result<Telemetry, Error> {
    let filter = EnvFilter::try_new(&settings.log_filter)
        .map_err(|e| Error::Filter(settings.log_filter.clone(), e))?;
    let provider = tracer_provider(settings)?;
    // Spans are traced at INFO whatever the log filter says, so quieter
    // logs never break a trace.
    let otel = tracing_opentelemetry::layer()
        .with_tracer(provider.tracer(settings.service_name.clone()))
        .with_filter(LevelFilter::INFO);
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    opentelemetry::global::set_tracer_provider(provider.clone());

    let logs = match settings.log_format {
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_filter(filter)
            .boxed(),
        LogFormat::Pretty => tracing_subscriber::fmt::layer().with_filter(filter).boxed(),
    };
    let installed = tracing_subscriber::registry()
        .with(otel)
        .with(logs)
        .try_init();
    installed.map_err(Error::AlreadyInstalled)?;
    Ok(Telemetry { provider })
}

fn tracer_provider(settings: &TelemetrySettings) -> Result<SdkTracerProvider, Error> {
    let resource = Resource::builder()
        .with_service_name(settings.service_name.clone())
        .build();
    let builder = SdkTracerProvider::builder().with_resource(resource);
    let builder = match &settings.otlp_endpoint {
        Some(endpoint) => {
            let exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_tonic()
                .with_endpoint(endpoint.clone())
                .build()
                .map_err(|e| Error::Exporter(endpoint.clone(), e))?;
            builder.with_batch_exporter(exporter)
        }
        // Without an exporter spans still get ids, so context propagates.
        None => builder,
    };
    Ok(builder.build())
}
