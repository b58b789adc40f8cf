//! The anonymised complaints log and the Audit and Risk Committee's figures (section 6).
//!
//! - [`core`]: the pure core (facts, records, figures, equality analysis).
//! - [`consume`]: two durable consumers, of intake's and of the complaints
//!   service's events, keep the log in reporting's own schema ([`store`]),
//!   each record keyed by a keyed pseudonym of its submission ([`pseudonym`]).
//! - [`grpc`]: `complaints.v1.Reporting`, figures, the CSV export
//!   ([`export`]), the suppressed equality tables, the committee's HTML
//!   report ([`report`]) and the operators' rebuild of the log
//!   ([`rebuild`]); the committee page's last answers are kept until the
//!   log changes ([`answers`]).
#![forbid(unsafe_code)]

pub mod access;
pub mod answers;
pub mod consume;
pub mod core;
pub mod export;
pub mod grpc;
pub mod labels;
pub mod pseudonym;
pub mod rebuild;
pub mod report;
pub mod retention;
pub mod settings;
pub mod store;
pub mod subject;
pub mod work;

use bus::ConsumerSettings;
use complaints_proto::v1::reporting_server::ReportingServer;
use platform::{Clock, Error, Runtime, Service, Settings, SystemClock};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

/// The service's own schema migrations (numbered from 1000).
static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The reporting service, started and ready to serve.
#[derive(Debug)]
pub struct Application {
    runtime: Runtime,
    retention: retention::ReferenceLink,
    api: grpc::ReportingApi,
}

impl Application {
    /// Builds the service with `clock` as its source of time.
    pub async fn build_with_clock(
        settings: Settings,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, Error> {
        let settings::ReportingSettings { key, calendar } =
            settings::ReportingSettings::from_source(&settings.source)?;
        let calendar = Arc::new(calendar);
        let mut runtime = Runtime::start(settings, Some(&MIGRATIONS), &[]).await?;
        runtime.use_clock(clock.clone());
        let from_intake =
            ConsumerSettings::new(consume::FROM_INTAKE, runtime.bus().all_from("intake"));
        runtime
            .consume(from_intake, consume::FromIntake { key: key.clone() })
            .await?;
        let from_complaints = ConsumerSettings::new(
            consume::FROM_COMPLAINTS,
            runtime.bus().all_from("complaints"),
        );
        runtime
            .consume(
                from_complaints,
                consume::FromComplaints { key: key.clone() },
            )
            .await?;
        let api = grpc::ReportingApi::new(
            runtime.log().pool().clone(),
            calendar,
            clock,
            runtime.bus().clone(),
            key.clone(),
        );
        runtime
            .metrics()
            .add_collector(Arc::new(answers::AnswerMetrics(api.answers())));
        Ok(Self {
            runtime,
            api,
            retention: retention::ReferenceLink { key },
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
    const NAME: &'static str = "reporting";
    const DEFAULT_PORT: u16 = 50054;

    async fn build(settings: Settings) -> Result<Self, Error> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        let routes = tonic::service::Routes::new(ReportingServer::new(self.api));
        let subjects = subject::LinkedRecords {
            key: self.retention.key.clone(),
        };
        self.runtime
            .with_subjects(Arc::new(subjects))
            .serve(routes, access::POLICY, Arc::new(self.retention), shutdown)
            .await
    }
}
