//! Prometheus metrics, served in the text format on their own port
//! (`METRICS_ADDR`) at `/metrics`.
//!
//! A small registry of our own (counters kept in memory behind a mutex,
//! gauges read when scraped) instead of a metrics crate: the families are
//! few and fixed, and the text format is simple. Every sample carries the
//! `service` label; the other labels are the RPC method, the gRPC code,
//! the consumer, the loop, the deadline kind, the stage, the template or
//! the status, never anything a person gave (no reference, name, email or
//! id can reach a label: none of them is built from a request or an event).
//!
//! What is measured:
//!
//! - every gRPC call, by method and code, and its latency (a tower layer in
//!   the one gRPC server, [`crate::grpc::serve`]);
//! - the relay: events in the log not yet published, and the age of the
//!   oldest of them, read from the log at scrape time;
//! - each consumer: events applied and dead-lettered by this process, and
//!   how many delivered events wait and since when ([`bus::ConsumerStats`]);
//! - each supervised loop: whether it runs and how often it restarted;
//! - the process: pooled database connections in use and idle, the NATS
//!   connection, and readiness as health computes it;
//! - whatever the service adds with [`Metrics::add_collector`] (the
//!   complaints service's deadlines and stages, notifications' emails and
//!   print queue), read from its tables at scrape time.

use bus::{Bus, ConsumerStats};
use eventlog::EventLog;
pub use futures::future::BoxFuture;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::supervise::Supervisor;

/// The upper bounds of the RPC latency histogram's buckets, in seconds.
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// What a family of samples is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

#[derive(Debug)]
struct Family {
    help: String,
    kind: Kind,
    lines: Vec<String>,
}

/// One scrape being written: families of samples, each sample labelled
/// with the service, rendered in the Prometheus text format (0.0.4).
#[derive(Debug)]
pub struct Exposition {
    service: String,
    families: BTreeMap<String, Family>,
}

impl Exposition {
    pub fn new(service: &str) -> Self {
        Self {
            service: service.to_owned(),
            families: BTreeMap::new(),
        }
    }

    /// Declares the family `name` (once; later calls change nothing), so
    /// it is listed even with no sample.
    pub fn describe(&mut self, name: &str, kind: Kind, help: &str) {
        self.families
            .entry(name.to_owned())
            .or_insert_with(|| Family {
                help: help.to_owned(),
                kind,
                lines: Vec::new(),
            });
    }

    /// A counter's value.
    pub fn counter(&mut self, name: &str, help: &str, labels: &[(&str, &str)], value: f64) {
        self.describe(name, Kind::Counter, help);
        self.line(name, name, labels, value);
    }

    /// A gauge's value.
    pub fn gauge(&mut self, name: &str, help: &str, labels: &[(&str, &str)], value: f64) {
        self.describe(name, Kind::Gauge, help);
        self.line(name, name, labels, value);
    }

    /// A histogram: `counts[i]` observations fell in bucket `i` of
    /// `bounds` (not cumulative), and `counts[bounds.len()]` above the last.
    pub fn histogram(
        &mut self,
        name: &str,
        help: &str,
        labels: &[(&str, &str)],
        bounds: &[f64],
        counts: &[u64],
        sum: f64,
    ) {
        self.describe(name, Kind::Histogram, help);
        let mut cumulative = 0u64;
        for (i, bound) in bounds.iter().enumerate() {
            cumulative += counts.get(i).copied().unwrap_or(0);
            let le = format_value(*bound);
            let mut with_le = labels.to_vec();
            with_le.push(("le", &le));
            self.line(name, &format!("{name}_bucket"), &with_le, cumulative as f64);
        }
        let total: u64 = counts.iter().sum();
        let mut with_le = labels.to_vec();
        with_le.push(("le", "+Inf"));
        self.line(name, &format!("{name}_bucket"), &with_le, total as f64);
        self.line(name, &format!("{name}_sum"), labels, sum);
        self.line(name, &format!("{name}_count"), labels, total as f64);
    }

    fn line(&mut self, family: &str, sample: &str, labels: &[(&str, &str)], value: f64) {
        let mut line = String::with_capacity(64);
        line.push_str(sample);
        line.push_str("{service=\"");
        escape_into(&mut line, &self.service);
        line.push('"');
        for (name, value) in labels {
            let _ = write!(line, ",{name}=\"");
            escape_into(&mut line, value);
            line.push('"');
        }
        let _ = write!(line, "}} {}", format_value(value));
        if let Some(family) = self.families.get_mut(family) {
            family.lines.push(line);
        }
    }

    /// The text format: `# HELP`, `# TYPE` and the samples of each family.
    pub fn render(&self) -> String {
        let mut text = String::new();
        for (name, family) in &self.families {
            let _ = writeln!(text, "# HELP {name} {}", escape_help(&family.help));
            let _ = writeln!(text, "# TYPE {name} {}", family.kind.as_str());
            for line in &family.lines {
                text.push_str(line);
                text.push('\n');
            }
        }
        text
    }
}

/// A label value as the text format wants it: backslash, double quote and
/// line feed escaped.
fn escape_into(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

fn escape_help(help: &str) -> String {
    help.replace('\\', "\\\\").replace('\n', "\\n")
}

/// A sample value: whole numbers without a fraction, infinities as
/// `+Inf`/`-Inf`.
pub fn format_value(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value == f64::INFINITY {
        "+Inf".into()
    } else if value == f64::NEG_INFINITY {
        "-Inf".into()
    } else if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// One sample read back from the text format.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

impl Sample {
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels.get(name).map(String::as_str)
    }
}

/// Reads the samples of a text-format scrape (comments skipped), for tests
/// and tools. Timestamps after the value are ignored.
pub fn parse(text: &str) -> Result<Vec<Sample>, String> {
    let mut samples = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        samples.push(parse_line(line).map_err(|e| format!("line {}: {e}: {line:?}", n + 1))?);
    }
    Ok(samples)
}

fn parse_line(line: &str) -> Result<Sample, String> {
    let name_end = line
        .find(|c: char| c == '{' || c.is_whitespace())
        .ok_or("no value")?;
    let name = &line[..name_end];
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    {
        return Err("bad metric name".into());
    }
    let mut rest = &line[name_end..];
    let mut labels = BTreeMap::new();
    if let Some(after) = rest.strip_prefix('{') {
        let mut chars = after.char_indices().peekable();
        let end = loop {
            // Skip separators, find the closing brace or a label name.
            while let Some((_, c)) = chars.peek() {
                if *c == ',' || c.is_whitespace() {
                    chars.next();
                } else {
                    break;
                }
            }
            match chars.peek() {
                None => return Err("unclosed labels".into()),
                Some((i, '}')) => break *i,
                Some(_) => {}
            }
            let mut label = String::new();
            for (_, c) in chars.by_ref() {
                if c == '=' {
                    break;
                }
                label.push(c);
            }
            if label.is_empty() || !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!("bad label name {label:?}"));
            }
            if chars.next().map(|(_, c)| c) != Some('"') {
                return Err("label value not quoted".into());
            }
            let mut value = String::new();
            let mut closed = false;
            while let Some((_, c)) = chars.next() {
                match c {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' => match chars.next().map(|(_, c)| c) {
                        Some('n') => value.push('\n'),
                        Some('\\') => value.push('\\'),
                        Some('"') => value.push('"'),
                        other => return Err(format!("bad escape {other:?}")),
                    },
                    c => value.push(c),
                }
            }
            if !closed {
                return Err("unclosed label value".into());
            }
            labels.insert(label, value);
        };
        rest = &after[end + 1..];
    }
    let value = rest.split_whitespace().next().ok_or("no value")?;
    let value = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        v => v.parse().map_err(|e| format!("bad value {v:?}: {e}"))?,
    };
    Ok(Sample {
        name: name.to_owned(),
        labels,
        value,
    })
}

/// Something a service measures at scrape time, e.g. by counting rows of
/// its own tables. It writes families into the scrape; a failure is
/// logged and leaves its families out of that scrape.
pub trait Collector: Send + Sync + std::fmt::Debug + 'static {
    fn collect<'a>(&'a self, out: &'a mut Exposition) -> BoxFuture<'a, ()>;
}

/// A counter labelled by a fixed `reason`, read from counts a service
/// keeps itself (such as the refused links of `links::Refusals`): one
/// collector for every such counter, named and explained by its user.
#[derive(Debug)]
pub struct CountsByReason {
    pub name: &'static str,
    pub help: &'static str,
    /// Each reason with its count so far; reasons are fixed words, never
    /// anything a request carried.
    pub counts: fn() -> Vec<(&'static str, u64)>,
}

impl Collector for CountsByReason {
    fn collect<'a>(&'a self, out: &'a mut Exposition) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            for (reason, count) in (self.counts)() {
                out.counter(self.name, self.help, &[("reason", reason)], count as f64);
            }
        })
    }
}

#[derive(Debug, Default)]
struct RpcStats {
    by_code: BTreeMap<&'static str, u64>,
    buckets: [u64; LATENCY_BUCKETS.len() + 1],
    sum: f64,
}

/// A service's metrics; clones share them.
#[derive(Debug, Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    service: String,
    log: EventLog,
    bus: Bus,
    loops: Supervisor,
    rpcs: Mutex<BTreeMap<String, RpcStats>>,
    consumers: Mutex<Vec<(String, Arc<ConsumerStats>)>>,
    collectors: Mutex<Vec<Arc<dyn Collector>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Metrics {
    pub fn new(service: &str, log: EventLog, bus: Bus, loops: Supervisor) -> Self {
        Self {
            inner: Arc::new(Inner {
                service: service.to_owned(),
                log,
                bus,
                loops,
                rpcs: Mutex::default(),
                consumers: Mutex::default(),
                collectors: Mutex::default(),
            }),
        }
    }

    /// Counts the consumer `name` (its own stable name, not an event's).
    pub fn add_consumer(&self, name: &str, stats: Arc<ConsumerStats>) {
        lock(&self.inner.consumers).push((name.to_owned(), stats));
    }

    /// Adds families the service reads at scrape time.
    pub fn add_collector(&self, collector: Arc<dyn Collector>) {
        lock(&self.inner.collectors).push(collector);
    }

    /// Records one gRPC call: its method (a route's path, or `unknown`),
    /// its code and how long it took.
    pub fn observe_rpc(&self, method: &str, code: &'static str, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let bucket = LATENCY_BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(LATENCY_BUCKETS.len());
        let mut rpcs = lock(&self.inner.rpcs);
        let stats = rpcs.entry(method.to_owned()).or_default();
        *stats.by_code.entry(code).or_default() += 1;
        stats.buckets[bucket] += 1;
        stats.sum += seconds;
    }

    /// The whole scrape, in the text format.
    pub async fn render(&self) -> String {
        let mut out = Exposition::new(&self.inner.service);
        self.rpc_families(&mut out);
        self.consumer_families(&mut out);
        self.loop_families(&mut out);
        self.process_families(&mut out).await;
        let collectors = lock(&self.inner.collectors).clone();
        for collector in collectors {
            collector.collect(&mut out).await;
        }
        out.render()
    }

    fn rpc_families(&self, out: &mut Exposition) {
        const REQUESTS: &str = "complaints_grpc_requests_total";
        const LATENCY: &str = "complaints_grpc_request_duration_seconds";
        out.describe(
            REQUESTS,
            Kind::Counter,
            "gRPC calls answered, by method and gRPC code",
        );
        out.describe(
            LATENCY,
            Kind::Histogram,
            "time to answer a gRPC call (to the response headers), by method",
        );
        let rpcs = lock(&self.inner.rpcs);
        for (method, stats) in rpcs.iter() {
            for (code, count) in &stats.by_code {
                out.counter(
                    REQUESTS,
                    "",
                    &[("method", method), ("code", code)],
                    *count as f64,
                );
            }
            out.histogram(
                LATENCY,
                "",
                &[("method", method)],
                &LATENCY_BUCKETS,
                &stats.buckets,
                stats.sum,
            );
        }
    }

    fn consumer_families(&self, out: &mut Exposition) {
        let now_ms = chrono::Utc::now().timestamp_millis();
        let consumers = lock(&self.inner.consumers).clone();
        out.describe(
            "complaints_consumer_events_applied_total",
            Kind::Counter,
            "events from the bus applied by this process, by consumer",
        );
        out.describe(
            "complaints_consumer_dead_letters_total",
            Kind::Counter,
            "events this process sent to <ns>.dead_letter.<consumer>, by consumer",
        );
        out.describe(
            "complaints_consumer_events_behind",
            Kind::Gauge,
            "events delivered to the consumer and not applied yet, by consumer",
        );
        out.describe(
            "complaints_consumer_oldest_unapplied_age_seconds",
            Kind::Gauge,
            "age of the oldest event waiting to be applied (0 when none), by consumer",
        );
        for (name, stats) in consumers {
            let labels = [("consumer", name.as_str())];
            out.counter(
                "complaints_consumer_events_applied_total",
                "",
                &labels,
                stats.applied() as f64,
            );
            out.counter(
                "complaints_consumer_dead_letters_total",
                "",
                &labels,
                stats.dead_letters() as f64,
            );
            out.gauge(
                "complaints_consumer_events_behind",
                "",
                &labels,
                stats.behind() as f64,
            );
            let age = stats
                .oldest_unapplied_ms()
                .map_or(0.0, |ms| (now_ms - ms).max(0) as f64 / 1000.0);
            out.gauge(
                "complaints_consumer_oldest_unapplied_age_seconds",
                "",
                &labels,
                age,
            );
        }
    }

    fn loop_families(&self, out: &mut Exposition) {
        out.describe(
            "complaints_loop_restarts_total",
            Kind::Counter,
            "times a supervised background loop was started again, by loop",
        );
        out.describe(
            "complaints_loop_running",
            Kind::Gauge,
            "1 while a supervised background loop runs, 0 while it is down, by loop",
        );
        for status in self.inner.loops.statuses() {
            let labels = [("loop", status.name.as_str())];
            out.counter(
                "complaints_loop_restarts_total",
                "",
                &labels,
                status.restarts as f64,
            );
            out.gauge(
                "complaints_loop_running",
                "",
                &labels,
                if status.running { 1.0 } else { 0.0 },
            );
        }
    }

    async fn process_families(&self, out: &mut Exposition) {
        let pool = self.inner.log.pool();
        let size = f64::from(pool.size());
        let idle = pool.num_idle() as f64;
        out.gauge(
            "complaints_db_pool_connections",
            "pooled PostgreSQL connections, in use and idle",
            &[("state", "in_use")],
            (size - idle).max(0.0),
        );
        out.gauge(
            "complaints_db_pool_connections",
            "",
            &[("state", "idle")],
            idle,
        );
        let nats_up = self.inner.bus.is_connected();
        out.gauge(
            "complaints_nats_connected",
            "1 while the connection to NATS is up",
            &[],
            if nats_up { 1.0 } else { 0.0 },
        );
        let relay = relay_lag(&self.inner.log).await;
        out.describe(
            "complaints_relay_events_behind",
            Kind::Gauge,
            "events committed to the log and not yet published to the bus",
        );
        out.describe(
            "complaints_relay_oldest_unpublished_age_seconds",
            Kind::Gauge,
            "age of the oldest event not yet published (0 when none)",
        );
        let database_up = match relay {
            Ok((behind, age)) => {
                out.gauge("complaints_relay_events_behind", "", &[], behind as f64);
                out.gauge(
                    "complaints_relay_oldest_unpublished_age_seconds",
                    "",
                    &[],
                    age,
                );
                true
            }
            Err(error) => {
                tracing::warn!(error = %crate::report(&error), "metrics: cannot read the relay's lag");
                false
            }
        };
        let ready = database_up && nats_up && self.inner.loops.troubled().is_empty();
        out.gauge(
            "complaints_service_ready",
            "1 when PostgreSQL answers, NATS is connected and every loop runs (health SERVING)",
            &[],
            if ready { 1.0 } else { 0.0 },
        );
    }
}

/// Events after the relay's checkpoint, and the age in seconds of the
/// oldest of them (0 when none).
async fn relay_lag(log: &EventLog) -> Result<(i64, f64), eventlog::Error> {
    let from = log.checkpoint(bus::RELAY_CHECKPOINT).await?;
    let (behind, age): (i64, Option<f64>) = sqlx::query_as(
        "SELECT count(*)::int8, EXTRACT(EPOCH FROM (now() - min(recorded_at)))::float8
         FROM events WHERE global_position > $1",
    )
    .bind(from.global_position)
    .fetch_one(log.pool())
    .await
    .map_err(|source| eventlog::Error::Database {
        context: "measuring the relay's lag".into(),
        source,
    })?;
    Ok((behind, age.unwrap_or(0.0).max(0.0)))
}

/// The name of a gRPC status code, for the `code` label.
pub fn code_name(code: tonic::Code) -> &'static str {
    use tonic::Code::*;
    match code {
        Ok => "OK",
        Cancelled => "CANCELLED",
        Unknown => "UNKNOWN",
        InvalidArgument => "INVALID_ARGUMENT",
        DeadlineExceeded => "DEADLINE_EXCEEDED",
        NotFound => "NOT_FOUND",
        AlreadyExists => "ALREADY_EXISTS",
        PermissionDenied => "PERMISSION_DENIED",
        ResourceExhausted => "RESOURCE_EXHAUSTED",
        FailedPrecondition => "FAILED_PRECONDITION",
        Aborted => "ABORTED",
        OutOfRange => "OUT_OF_RANGE",
        Unimplemented => "UNIMPLEMENTED",
        Internal => "INTERNAL",
        Unavailable => "UNAVAILABLE",
        DataLoss => "DATA_LOSS",
        Unauthenticated => "UNAUTHENTICATED",
    }
}

/// The `method` label of a request path: the path of an RPC this service
/// serves (in its access policy, or health and reflection), or `unknown`
/// for anything else, so a client cannot make up label values.
pub fn method_label<'a>(path: &'a str, code: tonic::Code, policy: &crate::auth::Policy) -> &'a str {
    const ALWAYS_SERVED: [&str; 4] = [
        "/grpc.health.v1.Health/Check",
        "/grpc.health.v1.Health/Watch",
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
    ];
    let served = ALWAYS_SERVED.contains(&path)
        || (!path.starts_with("/grpc.") && policy.allowed(path).is_some());
    if served && code != tonic::Code::Unimplemented {
        path
    } else {
        "unknown"
    }
}

/// The gRPC code of a response: its `grpc-status` header (an error, or a
/// trailers-only answer), else OK for HTTP 200. A call that fails after
/// its headers were sent (a stream) counts as OK.
fn response_code<B>(response: &http::Response<B>) -> tonic::Code {
    match response.headers().get("grpc-status") {
        Some(value) => value
            .to_str()
            .ok()
            .and_then(|v| v.parse::<i32>().ok())
            .map_or(tonic::Code::Unknown, tonic::Code::from),
        None if response.status() == http::StatusCode::OK => tonic::Code::Ok,
        None => tonic::Code::Unknown,
    }
}

/// Counts every gRPC call by method and code and times it.
#[derive(Debug, Clone)]
pub struct MetricsLayer {
    metrics: Metrics,
    policy: crate::auth::Policy,
}

impl MetricsLayer {
    /// Counts calls into `metrics`, naming the methods `policy` lists.
    pub fn new(metrics: Metrics, policy: crate::auth::Policy) -> Self {
        Self { metrics, policy }
    }
}

impl<S> tower::Layer<S> for MetricsLayer {
    type Service = MetricsService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        MetricsService {
            inner,
            metrics: self.metrics.clone(),
            policy: self.policy,
        }
    }
}

/// The service made by [`MetricsLayer`].
#[derive(Debug, Clone)]
pub struct MetricsService<S> {
    inner: S,
    metrics: Metrics,
    policy: crate::auth::Policy,
}

impl<S, B, R> tower::Service<http::Request<B>> for MetricsService<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<R>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let path = request.uri().path().to_owned();
        let (metrics, policy) = (self.metrics.clone(), self.policy);
        let started = Instant::now();
        let response = self.inner.call(request);
        Box::pin(async move {
            let response = response.await;
            let code = match &response {
                Ok(response) => response_code(response),
                Err(_) => tonic::Code::Unknown,
            };
            metrics.observe_rpc(
                method_label(&path, code, &policy),
                code_name(code),
                started.elapsed(),
            );
            response
        })
    }
}

/// Serves `GET /metrics` on `listener` until `stop`: plain HTTP/1.1, one
/// task per connection, every connection dropped at `stop`.
pub async fn serve(
    listener: Arc<TcpListener>,
    metrics: Metrics,
    stop: CancellationToken,
) -> Result<(), std::io::Error> {
    loop {
        let (stream, _) = tokio::select! {
            () = stop.cancelled() => return Ok(()),
            accepted = listener.accept() => accepted?,
        };
        let (metrics, stop) = (metrics.clone(), stop.clone());
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let metrics = metrics.clone();
                async move { Ok::<_, std::convert::Infallible>(respond(&metrics, &request).await) }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                () = stop.cancelled() => {}
            }
        });
    }
}

type Body = http_body_util::Full<hyper::body::Bytes>;

async fn respond<B>(metrics: &Metrics, request: &http::Request<B>) -> http::Response<Body> {
    let (status, content_type, body) =
        if request.method() == http::Method::GET && request.uri().path() == "/metrics" {
            (
                http::StatusCode::OK,
                "text/plain; version=0.0.4; charset=utf-8",
                metrics.render().await,
            )
        } else {
            (
                http::StatusCode::NOT_FOUND,
                "text/plain; charset=utf-8",
                "metrics are at GET /metrics\n".to_owned(),
            )
        };
    let mut response = http::Response::new(Body::new(body.into()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_families_with_help_type_and_the_service_label() {
        let mut out = Exposition::new("intake");
        out.counter(
            "complaints_x_total",
            "things counted",
            &[("code", "OK")],
            3.0,
        );
        out.gauge("complaints_y", "a level", &[], 0.5);
        out.describe("complaints_z", Kind::Gauge, "nothing yet");
        assert_eq!(
            out.render(),
            "# HELP complaints_x_total things counted\n\
             # TYPE complaints_x_total counter\n\
             complaints_x_total{service=\"intake\",code=\"OK\"} 3\n\
             # HELP complaints_y a level\n\
             # TYPE complaints_y gauge\n\
             complaints_y{service=\"intake\"} 0.5\n\
             # HELP complaints_z nothing yet\n\
             # TYPE complaints_z gauge\n"
        );
    }

    #[test]
    fn histogram_buckets_are_cumulative_and_end_at_inf() {
        let mut out = Exposition::new("s");
        out.histogram(
            "h",
            "latency",
            &[("method", "/a.B/C")],
            &[0.1, 1.0],
            &[2, 1, 4],
            5.5,
        );
        let samples = parse(&out.render()).unwrap();
        let buckets: Vec<(String, f64)> = samples
            .iter()
            .filter(|s| s.name == "h_bucket")
            .map(|s| (s.label("le").unwrap().to_owned(), s.value))
            .collect();
        assert_eq!(
            buckets,
            [("0.1".into(), 2.0), ("1".into(), 3.0), ("+Inf".into(), 7.0)]
        );
        let count = samples.iter().find(|s| s.name == "h_count").unwrap();
        assert_eq!(count.value, 7.0);
        let sum = samples.iter().find(|s| s.name == "h_sum").unwrap();
        assert_eq!(sum.value, 5.5);
        assert_eq!(sum.label("method"), Some("/a.B/C"));
    }

    #[test]
    fn label_values_are_escaped_and_read_back() {
        let awkward = "a \"quoted\" back\\slash\nnew line, {brace} = sign";
        let mut out = Exposition::new("s");
        out.gauge("g", "help", &[("template", awkward)], 1.0);
        let text = out.render();
        assert!(text.contains(r#"template="a \"quoted\" back\\slash\nnew line, {brace} = sign""#));
        let samples = parse(&text).unwrap();
        assert_eq!(samples.len(), 1);
        assert_eq!(samples[0].label("template"), Some(awkward));
        assert_eq!(samples[0].label("service"), Some("s"));
    }

    #[test]
    fn values_are_formatted_as_prometheus_reads_them() {
        assert_eq!(format_value(3.0), "3");
        assert_eq!(format_value(0.025), "0.025");
        assert_eq!(format_value(-2.0), "-2");
        assert_eq!(format_value(f64::INFINITY), "+Inf");
        assert_eq!(format_value(f64::NEG_INFINITY), "-Inf");
        assert_eq!(format_value(f64::NAN), "NaN");
        assert_eq!(format_value(1e20), "100000000000000000000");
    }

    #[test]
    fn parses_samples_without_labels_with_timestamps_and_refuses_garbage() {
        let samples =
            parse("# HELP x y\nup 1\nspaced{a=\"b\", c=\"d\"} 2.5 1700000000000\n\nn{} -Inf\n")
                .unwrap();
        assert_eq!(samples.len(), 3);
        assert_eq!(samples[0].name, "up");
        assert!(samples[0].labels.is_empty());
        assert_eq!(samples[1].label("c"), Some("d"));
        assert_eq!(samples[1].value, 2.5);
        assert_eq!(samples[2].value, f64::NEG_INFINITY);
        for bad in [
            "novalue",
            "x{a=\"b\" 1",
            "x{a=b} 1",
            "x{a=\"b} 1",
            "x{a=\"\\q\"} 1",
            "x 1.2.3",
            "bad-name 1",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn method_labels_are_only_served_rpcs() {
        use crate::auth::{Policy, Role};
        use tonic::Code;
        const POLICY: Policy = Policy {
            rules: &[("/complaints.v1.Intake/SubmitComplaint", &[Role::Portal])],
        };
        let submit = "/complaints.v1.Intake/SubmitComplaint";
        assert_eq!(method_label(submit, Code::Ok, &POLICY), submit);
        assert_eq!(method_label(submit, Code::Unauthenticated, &POLICY), submit);
        let check = "/grpc.health.v1.Health/Check";
        assert_eq!(method_label(check, Code::Ok, &POLICY), check);
        let retention = "/complaints.v1.Retention/Destroy";
        assert_eq!(
            method_label(retention, Code::PermissionDenied, &POLICY),
            retention
        );
        // Whatever path a client makes up is not a label value, refused
        // before routing or not.
        for made_up in [
            "/x.Y/ada@example.org",
            "/complaints.v1.Intake/AdaLovelace",
            "/grpc.reflection.Ada/Lovelace",
            "/grpc.health.v1.Health/Ada",
        ] {
            assert_eq!(
                method_label(made_up, Code::Unauthenticated, &POLICY),
                "unknown"
            );
            assert_eq!(
                method_label(made_up, Code::Unimplemented, &POLICY),
                "unknown"
            );
        }
    }

    #[test]
    fn codes_are_named_as_grpc_names_them() {
        assert_eq!(code_name(tonic::Code::Ok), "OK");
        assert_eq!(code_name(tonic::Code::InvalidArgument), "INVALID_ARGUMENT");
        assert_eq!(code_name(tonic::Code::Unauthenticated), "UNAUTHENTICATED");
        let trailers_only = http::Response::builder()
            .header("grpc-status", "7")
            .body(())
            .unwrap();
        assert_eq!(response_code(&trailers_only), tonic::Code::PermissionDenied);
        let ok = http::Response::builder().body(()).unwrap();
        assert_eq!(response_code(&ok), tonic::Code::Ok);
    }
}
