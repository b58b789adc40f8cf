//! The four services over gRPC, called with the signed-in person's own
//! bearer token (R-CONF-1), so every role, team and independence rule the
//! services enforce applies to the console unchanged.
//!
//! One lazily connected channel per service is built at start; each call
//! wraps it with the person's token and the current trace context.

use crate::settings::ServiceUrls;
use complaints_proto::v1::complaints_client::ComplaintsClient;
use complaints_proto::v1::intake_client::IntakeClient;
use complaints_proto::v1::notifications_client::NotificationsClient;
use complaints_proto::v1::reporting_client::ReportingClient;
use std::time::Duration;
use tonic::metadata::AsciiMetadataValue;
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint};

/// How long one call to a service may take before the page says "try again".
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Adds the person's bearer token and the trace context to a call.
#[derive(Clone)]
pub struct AsPerson {
    authorization: Option<AsciiMetadataValue>,
}

impl std::fmt::Debug for AsPerson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AsPerson { .. }")
    }
}

impl AsPerson {
    pub fn new(token: &str) -> Self {
        let authorization = format!("Bearer {token}")
            .parse::<AsciiMetadataValue>()
            .ok()
            .map(|mut value| {
                value.set_sensitive(true);
                value
            });
        Self { authorization }
    }
}

impl Interceptor for AsPerson {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        // A token that is not a header value is sent as none: the service
        // answers UNAUTHENTICATED and the person signs in again.
        if let Some(value) = &self.authorization {
            request
                .metadata_mut()
                .insert("authorization", value.clone());
        }
        request.set_timeout(CALL_TIMEOUT);
        telemetry::grpc::inject_context(request)
    }
}

/// A channel calling as one person.
pub type As = InterceptedService<Channel, AsPerson>;

/// The four services' channels.
#[derive(Debug, Clone)]
pub struct Services {
    pub intake: Channel,
    pub complaints: Channel,
    pub notifications: Channel,
    pub reporting: Channel,
}

fn lazy(url: &str) -> Result<Channel, tonic::transport::Error> {
    Ok(Endpoint::from_shared(url.to_owned())?
        .connect_timeout(Duration::from_secs(5))
        .connect_lazy())
}

impl Services {
    /// Channels to the four services; nothing connects until the first call.
    pub fn new(urls: &ServiceUrls) -> Result<Self, tonic::transport::Error> {
        Ok(Self {
            intake: lazy(&urls.intake)?,
            complaints: lazy(&urls.complaints)?,
            notifications: lazy(&urls.notifications)?,
            reporting: lazy(&urls.reporting)?,
        })
    }

    pub fn intake(&self, token: &str) -> IntakeClient<As> {
        IntakeClient::with_interceptor(self.intake.clone(), AsPerson::new(token))
    }

    pub fn complaints(&self, token: &str) -> ComplaintsClient<As> {
        ComplaintsClient::with_interceptor(self.complaints.clone(), AsPerson::new(token))
    }

    pub fn notifications(&self, token: &str) -> NotificationsClient<As> {
        NotificationsClient::with_interceptor(self.notifications.clone(), AsPerson::new(token))
    }

    pub fn reporting(&self, token: &str) -> ReportingClient<As> {
        ReportingClient::with_interceptor(self.reporting.clone(), AsPerson::new(token))
    }

    /// Whether each service answers its health check SERVING, by name:
    /// the console's readiness.
    pub async fn health(&self) -> Vec<(&'static str, bool)> {
        use tonic_health::pb::health_check_response::ServingStatus;
        use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};
        let mut all = Vec::new();
        for (name, channel) in [
            ("intake", &self.intake),
            ("complaints", &self.complaints),
            ("notifications", &self.notifications),
            ("reporting", &self.reporting),
        ] {
            let mut client = HealthClient::new(channel.clone());
            let mut request = tonic::Request::new(HealthCheckRequest::default());
            request.set_timeout(Duration::from_secs(2));
            let serving = client
                .check(request)
                .await
                .is_ok_and(|answer| answer.into_inner().status == ServingStatus::Serving as i32);
            all.push((name, serving));
        }
        all
    }
}
