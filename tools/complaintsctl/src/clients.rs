//! One gRPC channel per service, opened lazily so a command only needs the
//! services it calls, and the bearer token attached to every request.

use crate::cli::Global;
use crate::error::Error;
use complaints_proto::BearerToken;
use complaints_proto::v1::complaints_client::ComplaintsClient;
use complaints_proto::v1::intake_client::IntakeClient;
use complaints_proto::v1::notifications_client::NotificationsClient;
use complaints_proto::v1::reporting_client::ReportingClient;
use complaints_proto::v1::retention_client::RetentionClient;
use std::time::Duration;
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint};

/// The token every request carries (see [`BearerToken`]).
#[derive(Debug, Clone, Default)]
pub struct Auth(BearerToken);

impl Auth {
    /// `None` sends no header. A token that cannot be a header value
    /// (not printable ASCII) is refused before any call.
    pub fn bearer(token: Option<&str>) -> Result<Self, Error> {
        BearerToken::new(token).map(Self).map_err(|_| Error::Token)
    }
}

impl Interceptor for Auth {
    fn call(&mut self, request: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        self.0.call(request)
    }
}

pub type Authed = InterceptedService<Channel, Auth>;

/// Where each service is, and the token; clients are made on demand.
#[derive(Debug, Clone)]
pub struct Clients {
    global: Global,
    auth: Auth,
}

impl Clients {
    pub fn new(global: &Global) -> Result<Self, Error> {
        Ok(Self {
            global: global.clone(),
            auth: Auth::bearer(global.token.as_deref())?,
        })
    }

    pub fn intake(&self) -> Result<IntakeClient<Authed>, Error> {
        let channel = channel("--intake", &self.global.intake)?;
        Ok(IntakeClient::with_interceptor(channel, self.auth.clone())
            .max_encoding_message_size(64 * 1024 * 1024))
    }

    pub fn complaints(&self) -> Result<ComplaintsClient<Authed>, Error> {
        let channel = channel("--complaints", &self.global.complaints)?;
        Ok(ComplaintsClient::with_interceptor(
            channel,
            self.auth.clone(),
        ))
    }

    pub fn notifications(&self) -> Result<NotificationsClient<Authed>, Error> {
        let channel = channel("--notifications", &self.global.notifications)?;
        Ok(NotificationsClient::with_interceptor(
            channel,
            self.auth.clone(),
        ))
    }

    pub fn reporting(&self) -> Result<ReportingClient<Authed>, Error> {
        let channel = channel("--reporting", &self.global.reporting)?;
        Ok(
            ReportingClient::with_interceptor(channel, self.auth.clone())
                .max_decoding_message_size(64 * 1024 * 1024),
        )
    }
}

impl Clients {
    /// An authenticated channel to each of the four services, named, for
    /// the APIs every service serves (subject access, retention).
    pub fn every_service(&self) -> Result<[(&'static str, Authed); 4], Error> {
        let g = &self.global;
        let authed = |flag, url: &str| -> Result<Authed, Error> {
            Ok(InterceptedService::new(
                channel(flag, url)?,
                self.auth.clone(),
            ))
        };
        Ok([
            ("intake", authed("--intake", &g.intake)?),
            ("complaints", authed("--complaints", &g.complaints)?),
            (
                "notifications",
                authed("--notifications", &g.notifications)?,
            ),
            ("reporting", authed("--reporting", &g.reporting)?),
        ])
    }

    /// The retention service of each of the four, by service name.
    pub fn retention(&self) -> Result<Vec<(&'static str, RetentionClient<Authed>)>, Error> {
        Ok(self
            .every_service()?
            .into_iter()
            .map(|(service, channel)| (service, RetentionClient::new(channel)))
            .collect())
    }
}

fn channel(flag: &'static str, url: &str) -> Result<Channel, Error> {
    let endpoint = Endpoint::from_shared(url.to_owned()).map_err(|source| Error::Endpoint {
        flag,
        url: url.to_owned(),
        source,
    })?;
    Ok(endpoint
        .connect_timeout(Duration::from_secs(5))
        .connect_lazy())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_sent_as_a_bearer_authorization_header() {
        let mut auth = Auth::bearer(Some("eyJhbGciOi.payload.sig")).unwrap();
        let request = auth.call(tonic::Request::new(())).unwrap();
        assert_eq!(
            request.metadata().get("authorization").unwrap(),
            "Bearer eyJhbGciOi.payload.sig"
        );
        assert!(!format!("{:?}", request.metadata()).contains("payload"));
    }

    #[test]
    fn without_a_token_no_authorization_header_is_sent() {
        for token in [None, Some(""), Some("  ")] {
            let mut auth = Auth::bearer(token).unwrap();
            let request = auth.call(tonic::Request::new(())).unwrap();
            assert!(request.metadata().get("authorization").is_none());
        }
    }

    #[test]
    fn a_token_that_cannot_be_a_header_is_refused_before_any_call() {
        assert!(matches!(
            Auth::bearer(Some("line\nbreak")),
            Err(Error::Token)
        ));
    }
}
