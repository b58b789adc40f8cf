//! An OTLP/gRPC trace receiver: the services export their spans to it
//! exactly as they would to a real collector, and it keeps them flattened,
//! one [`CollectedSpan`] per span, in memory (tests) or appended to a file
//! as JSON lines (`make up`).

use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tokio_util::sync::CancellationToken;

/// One exported span with its resource, values rendered as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollectedSpan {
    /// The resource's `service.name`.
    pub service: String,
    pub resource: Vec<(String, String)>,
    /// 32 hex digits.
    pub trace_id: String,
    pub span_id: String,
    pub parent_span_id: String,
    pub name: String,
    pub attributes: Vec<(String, String)>,
    /// Each event's name and attributes.
    pub events: Vec<(String, Vec<(String, String)>)>,
    /// Each link's trace id and attributes.
    pub links: Vec<(String, Vec<(String, String)>)>,
    /// Start and end, nanoseconds since the Unix epoch.
    #[serde(default)]
    pub start_unix_nanos: u64,
    #[serde(default)]
    pub end_unix_nanos: u64,
}

impl CollectedSpan {
    /// The value of attribute `key`, if the span has it.
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every piece of text the span carries: names, keys and values of its
    /// attributes, events, links and resource.
    pub fn texts(&self) -> Vec<&str> {
        let mut texts = vec![self.service.as_str(), self.name.as_str()];
        let pairs = self
            .resource
            .iter()
            .chain(&self.attributes)
            .chain(self.events.iter().flat_map(|(_, a)| a))
            .chain(self.links.iter().flat_map(|(_, a)| a));
        for (key, value) in pairs {
            texts.push(key);
            texts.push(value);
        }
        texts.extend(self.events.iter().map(|(name, _)| name.as_str()));
        texts
    }
}

/// Where received spans go.
#[derive(Debug, Clone)]
enum Sink {
    /// Kept for [`TraceCollector::spans`].
    Memory(Arc<Mutex<Vec<CollectedSpan>>>),
    /// Appended to a file, one JSON object a line, as they arrive.
    File(Arc<Mutex<std::fs::File>>),
}

#[derive(Debug, Clone)]
struct Receiver(Sink);

#[tonic::async_trait]
impl TraceService for Receiver {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let spans = flatten(&request.into_inner());
        match &self.0 {
            Sink::Memory(kept) => kept
                .lock()
                .map_err(|_| tonic::Status::internal("the span store is unusable"))?
                .extend(spans),
            Sink::File(file) => {
                let mut lines = Vec::new();
                for span in &spans {
                    serde_json::to_writer(&mut lines, span)
                        .map_err(|e| tonic::Status::internal(e.to_string()))?;
                    lines.push(b'\n');
                }
                let mut file = file
                    .lock()
                    .map_err(|_| tonic::Status::internal("the span file is unusable"))?;
                file.write_all(&lines)
                    .and_then(|()| file.flush())
                    .map_err(|e| tonic::Status::unavailable(format!("writing spans: {e}")))?;
            }
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

/// The receiver; stops serving when dropped.
#[derive(Debug)]
pub struct TraceCollector {
    addr: SocketAddr,
    sink: Sink,
    stop: CancellationToken,
}

impl TraceCollector {
    /// Starts receiving on a free port of 127.0.0.1, keeping spans in memory.
    ///
    /// # Panics
    /// When no port of 127.0.0.1 can be bound (tests only).
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the collector");
        Self::serve(listener, Sink::Memory(Arc::default())).expect("the collector's address")
    }

    /// Receives on `listener`, appending every span to `file` as a JSON line.
    pub fn to_file(listener: TcpListener, file: std::fs::File) -> std::io::Result<Self> {
        Self::serve(listener, Sink::File(Arc::new(Mutex::new(file))))
    }

    fn serve(listener: TcpListener, sink: Sink) -> std::io::Result<Self> {
        let addr = listener.local_addr()?;
        let receiver = Receiver(sink.clone());
        let stop = CancellationToken::new();
        let stopped = stop.clone();
        tokio::spawn(async move {
            let _ = tonic::transport::Server::builder()
                .add_service(TraceServiceServer::new(receiver))
                .serve_with_incoming_shutdown(TcpListenerStream::new(listener), async move {
                    stopped.cancelled().await
                })
                .await;
        });
        Ok(Self { addr, sink, stop })
    }

    /// The address it receives on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What `OTEL_EXPORTER_OTLP_ENDPOINT` is set to.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every span received so far (none when writing to a file).
    pub fn spans(&self) -> Vec<CollectedSpan> {
        match &self.sink {
            Sink::Memory(kept) => kept.lock().map(|k| k.clone()).unwrap_or_default(),
            Sink::File(_) => Vec::new(),
        }
    }

    /// Completes when the collector is stopped.
    pub async fn stopped(&self) {
        self.stop.cancelled().await;
    }
}

/// One export's spans, flattened with their resource.
pub fn flatten(request: &ExportTraceServiceRequest) -> Vec<CollectedSpan> {
    let mut spans = Vec::new();
    for resource_spans in &request.resource_spans {
        let resource = resource_spans
            .resource
            .as_ref()
            .map(|r| pairs(&r.attributes))
            .unwrap_or_default();
        let service = resource
            .iter()
            .find(|(k, _)| k == "service.name")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        for span in resource_spans.scope_spans.iter().flat_map(|s| &s.spans) {
            spans.push(CollectedSpan {
                service: service.clone(),
                resource: resource.clone(),
                trace_id: hex(&span.trace_id),
                span_id: hex(&span.span_id),
                parent_span_id: hex(&span.parent_span_id),
                name: span.name.clone(),
                attributes: pairs(&span.attributes),
                events: span
                    .events
                    .iter()
                    .map(|e| (e.name.clone(), pairs(&e.attributes)))
                    .collect(),
                links: span
                    .links
                    .iter()
                    .map(|l| (hex(&l.trace_id), pairs(&l.attributes)))
                    .collect(),
                start_unix_nanos: span.start_time_unix_nano,
                end_unix_nanos: span.end_time_unix_nano,
            });
        }
    }
    spans
}

impl Drop for TraceCollector {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

fn pairs(attributes: &[KeyValue]) -> Vec<(String, String)> {
    attributes
        .iter()
        .map(|kv| (kv.key.clone(), text(kv.value.as_ref())))
        .collect()
}

fn text(value: Option<&AnyValue>) -> String {
    match value.and_then(|v| v.value.as_ref()) {
        None => String::new(),
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::DoubleValue(d)) => d.to_string(),
        Some(any_value::Value::BytesValue(b)) => String::from_utf8_lossy(b).into_owned(),
        Some(any_value::Value::ArrayValue(a)) => a
            .values
            .iter()
            .map(|v| text(Some(v)))
            .collect::<Vec<_>>()
            .join(","),
        Some(any_value::Value::KvlistValue(list)) => pairs(&list.values)
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
        // A string by index into a dictionary (profiles only): its index.
        Some(other) => format!("{other:?}"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
