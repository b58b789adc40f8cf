//! The one way every service serves gRPC. Cross-cutting layers (trace
//! context, request limits, authentication) are added here once.

use crate::Error;
use crate::settings::GrpcSettings;
use futures::future::BoxFuture;
use std::future::Future;
use std::task::{Context, Poll};
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::service::Routes;
use tonic::transport::Server;
use tracing::Instrument;

/// One wrong field of a request: its path (e.g. `complainant.email`), the
/// procedure rule it breaks (e.g. `R-INT-3`) and a plain description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    pub field: String,
    pub rule: &'static str,
    pub description: String,
}

/// INVALID_ARGUMENT with one google.rpc.BadRequest violation per field,
/// each naming the field and the rule; the message lists them too, for
/// clients that do not read details.
pub fn invalid_argument(violations: &[FieldViolation]) -> tonic::Status {
    use tonic_types::{ErrorDetails, StatusExt};
    let message = violations
        .iter()
        .map(|v| format!("{}: {} ({})", v.field, v.description, v.rule))
        .collect::<Vec<_>>()
        .join("; ");
    let mut details = ErrorDetails::new();
    for v in violations {
        details
            .add_bad_request_violation(v.field.clone(), format!("{} ({})", v.description, v.rule));
    }
    tonic::Status::with_error_details(tonic::Code::InvalidArgument, message, details)
}

/// ABORTED because the version a request expected (`field`) no longer
/// holds: the target changed since the caller read it. One
/// google.rpc.BadRequest violation names the field, so a client tells this
/// apart from a collision it may simply retry, and shows it for what it is.
pub fn stale_version(field: &str, description: &str) -> tonic::Status {
    use tonic_types::{ErrorDetails, StatusExt};
    let mut details = ErrorDetails::new();
    details.add_bad_request_violation(field, description);
    tonic::Status::with_error_details(
        tonic::Code::Aborted,
        format!("{field}: {description}"),
        details,
    )
}

/// The most metadata (HTTP/2 header list, decoded) a request may carry.
/// A request over it is refused by the transport before any service code
/// runs (hyper answers HTTP 431 with no grpc-status), so a tonic client
/// sees UNKNOWN "grpc-status header missing, mapped from HTTP status code
/// 431" (other clients: UNKNOWN or INTERNAL naming HTTP 431). No answer of
/// our own is possible there; the service stays healthy for the next call.
pub const MAX_HEADER_LIST_BYTES: u32 = 16 * 1024;

/// Response header carrying the trace id of the request, so a caller or an
/// operator can find the whole trace of one call.
pub const TRACE_ID_HEADER: &str = "x-trace-id";

/// Serves `routes` plus health and reflection (listing the `advertised`
/// services) on `listener` until
/// `shutdown` completes, then drains requests in flight. Every call is
/// counted and timed by `metrics`, refused ones included.
// One parameter per cross-cutting piece, each built by the runtime.
#[allow(clippy::too_many_arguments)]
pub async fn serve<H>(
    listener: TcpListener,
    settings: &GrpcSettings,
    routes: Routes,
    health: H,
    auth: crate::auth::AuthLayer,
    metrics: crate::metrics::MetricsLayer,
    advertised: &[&str],
    shutdown: impl Future<Output = ()>,
) -> Result<(), Error>
where
    H: tonic::server::NamedService
        + tower::Service<
            http::Request<tonic::body::Body>,
            Response = http::Response<tonic::body::Body>,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + Sync
        + 'static,
    H::Future: Send + 'static,
{
    // Reflection lists the services this port serves, no others, in both
    // versions (v1alpha for grpcurl before 1.8 and grpcio-reflection).
    let reflection = || {
        advertised.iter().fold(
            tonic_reflection::server::Builder::configure()
                .register_encoded_file_descriptor_set(complaints_proto::FILE_DESCRIPTOR_SET)
                .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET),
            |builder, name| builder.with_service_name(*name),
        )
    };
    let routes = routes
        .add_service(health)
        .add_service(reflection().build_v1().map_err(Error::Reflection)?)
        .add_service(reflection().build_v1alpha().map_err(Error::Reflection)?);
    let mut server = Server::builder();
    if let Some(tls) = &settings.tls {
        // Checked when the settings loaded; this cannot fail on a pair
        // that passed there.
        server = server.tls_config(tls.config()).map_err(Error::Serve)?;
    }
    server
        .http2_max_header_list_size(MAX_HEADER_LIST_BYTES)
        .timeout(settings.request_timeout)
        .concurrency_limit_per_connection(settings.concurrency_per_connection)
        .layer(metrics)
        .layer(TraceLayer)
        .layer(auth)
        .add_routes(routes)
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), shutdown)
        .await
        .map_err(Error::Serve)
}

/// Opens each request's server span under the caller's trace (W3C trace
/// context in the metadata) and returns the trace id in [`TRACE_ID_HEADER`].
#[derive(Debug, Clone, Copy)]
pub struct TraceLayer;

impl<S> tower::Layer<S> for TraceLayer {
    type Service = TraceService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        TraceService { inner }
    }
}

/// The service made by [`TraceLayer`].
#[derive(Debug, Clone)]
pub struct TraceService<S> {
    inner: S,
}

impl<S, B, R> tower::Service<http::Request<B>> for TraceService<S>
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
        let span = telemetry::grpc::server_span(request.uri().path(), request.headers());
        let trace_id = telemetry::propagation::trace_id(&span)
            .and_then(|id| http::HeaderValue::from_str(&id).ok());
        let response = self.inner.call(request).instrument(span);
        Box::pin(async move {
            let mut response = response.await?;
            if let Some(id) = trace_id {
                response.headers_mut().insert(TRACE_ID_HEADER, id);
            }
            Ok(response)
        })
    }
}
