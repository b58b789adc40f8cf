//! Where complaints and compliments come in: the member portal, the email
//! gateway, telephone staff and regulators (section 2 and Appendix B of the
//! procedure).
//!
//! A submission is validated at the edge ([`validate`]), triaged by the pure
//! core ([`domain`]) and stored as one stream per submission in intake's own
//! log ([`store`]); accepted complaints, redirects, consent requests and
//! compliments reach the other services through the bus. Equality
//! monitoring answers go to separate streams, joined only through a keyed
//! pseudonym (R-MON-4).
#![forbid(unsafe_code)]

pub mod access;
pub mod attachments;
pub mod consent_link;
pub mod domain;
pub mod error;
pub mod grpc;
pub mod retention;
pub mod settings;
pub mod store;
pub mod subject;
pub mod validate;

use complaints_proto::v1::intake_server::IntakeServer;
use platform::{Clock, Error, Runtime, Service, Settings, SystemClock};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

/// Intake's own schema migrations (numbered from 1000).
static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The intake service, started and ready to serve.
#[derive(Debug)]
pub struct Application {
    runtime: Runtime,
    api: grpc::IntakeApi,
    max_message_bytes: usize,
}

impl Application {
    /// Builds the service with `clock` as its source of time.
    pub async fn build_with_clock(
        settings: Settings,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, Error> {
        let intake = settings::IntakeSettings::from_source(&settings.source)?;
        // Two attachments at the limit plus the rest of the form.
        let max_message_bytes = intake.attachments.max_bytes * 2 + 1024 * 1024;
        let mut runtime =
            Runtime::start(settings, Some(&MIGRATIONS), &domain::PRIVATE_EVENT_TYPES).await?;
        runtime.use_clock(clock.clone());
        runtime
            .metrics()
            .add_collector(Arc::new(consent_link::LINK_METRICS));
        runtime
            .metrics()
            .add_collector(Arc::new(consent_link::FOLLOW_LINK_METRICS));
        let api = grpc::IntakeApi::new(
            store::Store::new(runtime.log().clone()),
            Arc::new(intake),
            clock,
            runtime.access_audit(),
        );
        Ok(Self {
            runtime,
            api,
            max_message_bytes,
        })
    }

    /// The address the gRPC server is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.runtime.local_addr()
    }

    /// Where its Prometheus metrics are served (`/metrics`).
    pub fn metrics_addr(&self) -> SocketAddr {
        self.runtime.metrics_addr()
    }
}

impl Service for Application {
    const NAME: &'static str = "intake";
    const DEFAULT_PORT: u16 = 50051;

    async fn build(settings: Settings) -> Result<Self, Error> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        let server = IntakeServer::new(self.api).max_decoding_message_size(self.max_message_bytes);
        let routes = tonic::service::Routes::new(server);
        let mut runtime = self.runtime;
        // Which complaints each submission opened, for destruction (R-CONF-2).
        let links = retention::complaint_links_consumer(runtime.bus());
        runtime.consume(links, retention::ComplaintLinks).await?;
        runtime
            .with_subjects(Arc::new(subject::SubmissionSubjects))
            .serve(
                routes,
                access::POLICY,
                Arc::new(retention::SubmissionRecords),
                shutdown,
            )
            .await
    }
}
