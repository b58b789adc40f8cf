//! The OTLP/gRPC trace receiver the end-to-end tests export to: the same
//! one `make up` runs as `trace-catcher serve`.

pub use trace_catcher::{CollectedSpan, TraceCollector};
