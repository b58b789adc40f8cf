//! A trace viewer for a machine without Docker: `make up` points every
//! service's OpenTelemetry exporter at `trace-catcher serve`, which keeps
//! each span as a JSON line in `.run/traces/spans.jsonl`; `trace-catcher
//! list` shows the latest traces and `trace-catcher show TRACE_ID` one
//! trace as a tree across the services, with the traces it links to.
//! The end-to-end tests receive spans with the same [`TraceCollector`].
#![forbid(unsafe_code)]

pub mod collect;
pub mod tree;

pub use collect::{CollectedSpan, TraceCollector};

/// Every span in a JSON-lines file; a line that does not read (a write cut
/// short) is passed over.
pub fn read_spans(text: &str) -> Vec<CollectedSpan> {
    text.lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}
