//! W3C trace context in NATS headers.

use async_nats::HeaderMap;

/// Writes the current span's trace context into `headers`.
pub fn inject_current(headers: &mut HeaderMap) {
    telemetry::propagation::inject(|key, value| headers.insert(key, value.as_str()));
}

/// Makes `span` a child of the trace carried by `headers`, if any.
pub fn set_parent_from(span: &tracing::Span, headers: Option<&HeaderMap>) {
    let Some(headers) = headers else { return };
    let get = |key: &str| headers.get(key).map(|v| v.as_str());
    telemetry::propagation::set_parent(span, get("traceparent"), get("tracestate"));
}
