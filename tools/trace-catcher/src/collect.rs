//! An OTLP/gRPC trace receiver in the test process: the services export
//! their spans to it exactly as they would to a real collector, and the
//! test reads them back flattened, one [`CollectedSpan`] per span.

use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tokio_util::sync::CancellationToken;

/// One exported span with its resource, values rendered as text.
#[derive(Debug, Clone)]
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

/// The receiver; stops serving when dropped.
#[derive(Debug)]
pub struct TraceCollector {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<ExportTraceServiceRequest>>>,
    stop: CancellationToken,
}

#[derive(Debug, Clone, Default)]
struct Receiver(Arc<Mutex<Vec<ExportTraceServiceRequest>>>);

#[tonic::async_trait]
impl TraceService for Receiver {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        self.0
            .lock()
            .expect("the collector's lock is never poisoned")
            .push(request.into_inner());
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

impl TraceCollector {
    /// Starts receiving on a free port of 127.0.0.1.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the collector");
        let addr = listener.local_addr().expect("the collector's address");
        let receiver = Receiver::default();
        let received = receiver.0.clone();
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
        Self {
            addr,
            received,
            stop,
        }
    }

    /// What `OTEL_EXPORTER_OTLP_ENDPOINT` is set to.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every span received so far.
    pub fn spans(&self) -> Vec<CollectedSpan> {
        let received = self
            .received
            .lock()
            .expect("the collector's lock is never poisoned");
        let mut spans = Vec::new();
        for resource_spans in received.iter().flat_map(|r| &r.resource_spans) {
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
                });
            }
        }
        spans
    }
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
