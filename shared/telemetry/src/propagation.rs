//! W3C trace context in and out of carriers: the event log's metadata, gRPC
//! metadata (see [`crate::grpc`]) and NATS headers (in the bus crate, through
//! [`inject`] and [`extract`]).

use opentelemetry::propagation::{Extractor, Injector};
use opentelemetry::trace::TraceContextExt;
use std::collections::HashMap;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// Writes the current span's trace context through `set(key, value)`.
pub fn inject(mut set: impl FnMut(&str, String)) {
    struct Setter<'a>(&'a mut dyn FnMut(&str, String));
    impl Injector for Setter<'_> {
        fn set(&mut self, key: &str, value: String) {
            (self.0)(key, value);
        }
    }
    let context = tracing::Span::current().context();
    opentelemetry::global::get_text_map_propagator(|propagator| {
        propagator.inject_context(&context, &mut Setter(&mut set));
    });
}

/// Reads a trace context through `get(key)`.
pub fn extract<'a>(
    get: impl Fn(&str) -> Option<&'a str>,
    keys: Vec<&'a str>,
) -> opentelemetry::Context {
    struct Getter<'a, F>(F, Vec<&'a str>);
    impl<'a, F: Fn(&str) -> Option<&'a str>> Extractor for Getter<'a, F> {
        fn get(&self, key: &str) -> Option<&str> {
            (self.0)(key)
        }
        fn keys(&self) -> Vec<&str> {
            self.1.clone()
        }
    }
    let getter = Getter(get, keys);
    opentelemetry::global::get_text_map_propagator(|propagator| propagator.extract(&getter))
}

/// The current span's `traceparent` and `tracestate`, for storing with an event.
pub fn current_trace_context() -> (Option<String>, Option<String>) {
    let mut fields = HashMap::new();
    inject(|key, value| {
        fields.insert(key.to_owned(), value);
    });
    (
        fields.remove("traceparent"),
        fields.remove("tracestate").filter(|s| !s.is_empty()),
    )
}

/// The remote span described by `traceparent` (and `tracestate`), when the
/// traceparent is valid.
fn remote(traceparent: Option<&str>, tracestate: Option<&str>) -> Option<opentelemetry::Context> {
    let traceparent = traceparent?;
    let context = extract(
        |key| match key {
            "traceparent" => Some(traceparent),
            "tracestate" => tracestate,
            _ => None,
        },
        vec!["traceparent", "tracestate"],
    );
    context.span().span_context().is_valid().then_some(context)
}

/// Makes `span` a child of the trace described by `traceparent` (and
/// `tracestate`); does nothing when there is no valid traceparent.
pub fn set_parent(span: &tracing::Span, traceparent: Option<&str>, tracestate: Option<&str>) {
    if let Some(context) = remote(traceparent, tracestate) {
        // Only fails when the span is disabled, in which case there is nothing to link.
        let _ = span.set_parent(context);
    }
}

/// Links `span` to the span described by `traceparent` (and `tracestate`)
/// without making it a parent: for work that belongs to its own request
/// but continues something begun in another trace, such as a staff command
/// on a complaint opened weeks before. Does nothing without a valid
/// traceparent, or when it names the span's own trace.
pub fn add_link(span: &tracing::Span, traceparent: Option<&str>, tracestate: Option<&str>) {
    let Some(context) = remote(traceparent, tracestate) else {
        return;
    };
    let linked = context.span().span_context().clone();
    if linked.trace_id() != span.context().span().span_context().trace_id() {
        span.add_link(linked);
    }
}

/// The trace id of `span` as 32 hex digits, or `None` when it has none.
pub fn trace_id(span: &tracing::Span) -> Option<String> {
    let context = span.context();
    let span_context = context.span().span_context().clone();
    span_context
        .is_valid()
        .then(|| span_context.trace_id().to_string())
}

/// The trace id (32 lowercase hex digits) of a stored W3C `traceparent`
/// (`00-<trace id>-<span id>-<flags>`), so an API can show which trace
/// recorded an event without handing out the whole context; `None` for a
/// malformed value or the all-zero (invalid) trace id.
pub fn trace_id_of(traceparent: &str) -> Option<String> {
    let mut parts = traceparent.trim().split('-');
    let (_version, trace_id) = (parts.next()?, parts.next()?);
    let valid = trace_id.len() == 32
        && trace_id.bytes().all(|b| b.is_ascii_hexdigit())
        && trace_id.bytes().any(|b| b != b'0');
    valid.then(|| trace_id.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::trace_id_of;

    #[test]
    fn the_trace_id_of_a_traceparent_is_its_second_field() {
        assert_eq!(
            trace_id_of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
    }

    #[test]
    fn a_malformed_or_all_zero_traceparent_has_no_trace_id() {
        for bad in [
            "",
            "00",
            "00-xyz-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        ] {
            assert_eq!(trace_id_of(bad), None, "{bad:?}");
        }
    }
}
