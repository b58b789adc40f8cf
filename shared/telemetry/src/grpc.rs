//! Trace context across gRPC: the client injects it into the request
//! metadata, the server extracts it and opens its span under it.

use opentelemetry::trace::TraceContextExt;
use tonic::metadata::{MetadataKey, MetadataValue};
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// A client interceptor that sends the current trace context with every call:
/// `Client::with_interceptor(channel, telemetry::grpc::inject_context)`.
#[allow(clippy::result_large_err)]
pub fn inject_context(
    mut request: tonic::Request<()>,
) -> Result<tonic::Request<()>, tonic::Status> {
    let metadata = request.metadata_mut();
    crate::propagation::inject(|key, value| {
        if let (Ok(key), Ok(value)) = (
            MetadataKey::from_bytes(key.as_bytes()),
            MetadataValue::try_from(value),
        ) {
            metadata.insert(key, value);
        }
    });
    Ok(request)
}

/// The server span of one gRPC request to `path`, child of the caller's
/// trace when `headers` carry one.
pub fn server_span(path: &str, headers: &http::HeaderMap) -> tracing::Span {
    let span = tracing::info_span!(
        "grpc.request",
        otel.name = %path,
        otel.kind = "server",
        rpc.system = "grpc",
        rpc.method = %path,
    );
    let keys: Vec<&str> = headers.keys().map(|k| k.as_str()).collect();
    let context =
        crate::propagation::extract(|key| headers.get(key).and_then(|v| v.to_str().ok()), keys);
    if context.span().span_context().is_valid() {
        let _ = span.set_parent(context);
    }
    span
}
