//! The one place the end-to-end tests make gRPC clients, so whatever every
//! call must carry (a W3C trace context when a test follows one trace, and
//! the bearer token every service requires) is added here once.

use crate::ServiceProcess;
use complaints_proto::v1::complaints_client::ComplaintsClient;
use complaints_proto::v1::intake_client::IntakeClient;
use complaints_proto::v1::notifications_client::NotificationsClient;
use complaints_proto::v1::reporting_client::ReportingClient;
use std::time::Duration;
use tonic::metadata::MetadataValue;
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use tonic_health::pb::health_client::HealthClient;

/// The channel every client is built on: each call goes through [`CallMetadata`].
pub type Traced = InterceptedService<Channel, CallMetadata>;

/// What a test sends with every call: a bearer token (by default one
/// holding every role, signed with the test secret the processes verify
/// with) and, when the test follows one trace, its `traceparent`.
#[derive(Debug, Clone)]
pub struct CallMetadata {
    /// `traceparent`, e.g. `00-<32 hex>-<16 hex>-01`, when the test chose a trace.
    traceparent: Option<String>,
    /// `Bearer <token>`; `None` sends no authorization.
    authorization: Option<String>,
}

impl Default for CallMetadata {
    fn default() -> Self {
        let token = platform::testing::token("test-harness", &platform::auth::Role::ALL, None);
        Self {
            traceparent: None,
            authorization: Some(format!("Bearer {token}")),
        }
    }
}

impl CallMetadata {
    /// Calls that start traces of their own on the server.
    pub fn untraced() -> Self {
        Self::default()
    }

    /// Calls inside the trace `trace_id` (32 hex digits), sampled, each
    /// as a child of the same made-up client span `parent_span_id`.
    pub fn in_trace(trace_id: &str, parent_span_id: &str) -> Self {
        Self {
            traceparent: Some(format!("00-{trace_id}-{parent_span_id}-01")),
            ..Self::default()
        }
    }

    /// The same calls made with `token` instead (or with none).
    pub fn with_token(self, token: Option<&str>) -> Self {
        Self {
            authorization: token.map(|t| format!("Bearer {t}")),
            ..self
        }
    }
}

impl Interceptor for CallMetadata {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(traceparent) = &self.traceparent {
            let value = MetadataValue::try_from(traceparent.as_str())
                .map_err(|_| tonic::Status::internal("traceparent is not ASCII"))?;
            request.metadata_mut().insert("traceparent", value);
        }
        if let Some(authorization) = &self.authorization {
            let value = MetadataValue::try_from(authorization.as_str())
                .map_err(|_| tonic::Status::internal("the token is not ASCII"))?;
            request.metadata_mut().insert("authorization", value);
        }
        Ok(request)
    }
}

/// A connected channel to `process`, within 10 s.
async fn channel(process: &ServiceProcess) -> Channel {
    tonic::transport::Endpoint::from_shared(process.endpoint())
        .expect("a socket address makes a valid endpoint")
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .connect()
        .await
        .unwrap_or_else(|e| panic!("connecting to {} at {}: {e}", process.name, process.addr))
}

/// A channel to `process` whose calls carry `metadata`, for any client
/// (e.g. `ServerReflectionClient::new(connect(process, &metadata).await)`).
pub async fn connect(process: &ServiceProcess, metadata: &CallMetadata) -> Traced {
    InterceptedService::new(channel(process).await, metadata.clone())
}

/// A channel to `addr` that connects on first use and again after the
/// server goes away, with a short call timeout: for tests that kill and
/// restart services under load, where a failed call is retried, not fatal.
pub fn lazy(addr: std::net::SocketAddr, metadata: &CallMetadata) -> Traced {
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .expect("a socket address makes a valid endpoint")
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(5))
        .connect_lazy();
    InterceptedService::new(channel, metadata.clone())
}

pub async fn intake(process: &ServiceProcess, metadata: &CallMetadata) -> IntakeClient<Traced> {
    IntakeClient::new(connect(process, metadata).await)
}

pub async fn complaints(
    process: &ServiceProcess,
    metadata: &CallMetadata,
) -> ComplaintsClient<Traced> {
    ComplaintsClient::new(connect(process, metadata).await)
}

pub async fn notifications(
    process: &ServiceProcess,
    metadata: &CallMetadata,
) -> NotificationsClient<Traced> {
    NotificationsClient::new(connect(process, metadata).await)
}

pub async fn reporting(
    process: &ServiceProcess,
    metadata: &CallMetadata,
) -> ReportingClient<Traced> {
    ReportingClient::new(connect(process, metadata).await)
}

/// Health needs no token, but goes through the same channel all the same.
pub async fn health(process: &ServiceProcess) -> HealthClient<Traced> {
    HealthClient::new(connect(process, &CallMetadata::untraced()).await)
}
