//! The three-stage complaints procedure, one event stream per complaint
//! (sections 3, 4, 5 and 7 of the procedure).
//!
//! - [`domain`]: the pure core, `decide` and `evolve`, every rule.
//! - [`opening`]: opens a complaint for each acceptance intake publishes.
//! - [`receipts`]: the escalation windows run from the outcome's receipt
//!   the notifications service reports.
//! - [`grpc`] with [`edge`] and [`view`]: commands and queries for staff.
//! - [`store`]: the streams and the read model behind the work queue.
//! - [`watcher`]: deadline-approaching and deadline-missed, exactly once.
#![forbid(unsafe_code)]

pub mod access;
pub mod complainant;
pub mod domain;
pub mod edge;
pub mod error;
pub mod grpc;
pub mod metrics;
pub mod opening;
pub mod overdue;
pub mod qualifications;
pub mod reach;
pub mod receipts;
pub mod regulator_notice;
pub mod retention;
pub mod settings;
pub mod store;
pub mod subject;
pub mod view;
pub mod watcher;

use bus::ConsumerSettings;
use complaints_proto::v1::complaints_server::ComplaintsServer;
use platform::{Clock, Error, Runtime, Service, Settings, SystemClock};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

/// The service's own schema migrations (numbered from 1000).
static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The complaints service, started and ready to serve.
#[derive(Debug)]
pub struct Application {
    runtime: Runtime,
    api: grpc::ComplaintsApi,
    watcher: watcher::Watcher,
}

impl Application {
    /// Builds the service with `clock` as its source of time.
    pub async fn build_with_clock(
        settings: Settings,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, Error> {
        let own = Arc::new(settings::ComplaintsSettings::from_source(&settings.source)?);
        let mut runtime = Runtime::start(settings, Some(&MIGRATIONS), &[]).await?;
        runtime.use_clock(clock.clone());
        runtime
            .metrics()
            .add_collector(Arc::new(metrics::ProcedureMetrics {
                pool: runtime.log().pool().clone(),
                clock: clock.clone(),
            }));
        runtime
            .metrics()
            .add_collector(Arc::new(complainant::LINK_METRICS));
        let store = store::Store::new(runtime.log().clone());
        let opening = opening::OpenAccepted {
            settings: own.clone(),
            clock: clock.clone(),
        };
        let consumer = ConsumerSettings::new(opening::CONSUMER, runtime.bus().all_from("intake"));
        runtime.consume(consumer, opening).await?;
        // R-S2-1, R-S3-1: the escalation windows run from the receipt of
        // the outcome notifications reports.
        let receipts = receipts::RecordReceipts {
            store: store.clone(),
            settings: own.clone(),
            clock: clock.clone(),
        };
        let only = <complaints_proto::v1::OutcomeDelivered as prost::Name>::full_name();
        let consumer = ConsumerSettings::new(
            receipts::CONSUMER,
            runtime.bus().subject("notifications", &only),
        );
        runtime.consume(consumer, receipts).await?;
        let watcher = watcher::Watcher {
            store: store.clone(),
            settings: own.clone(),
            clock: clock.clone(),
        };
        Ok(Self {
            api: grpc::ComplaintsApi::new(store, own, clock, runtime.access_audit()),
            runtime,
            watcher,
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

    /// The deadline watcher, e.g. to run one round in a test.
    pub fn watcher(&self) -> &watcher::Watcher {
        &self.watcher
    }
}

impl Service for Application {
    const NAME: &'static str = "complaints";
    const DEFAULT_PORT: u16 = 50052;

    async fn build(settings: Settings) -> Result<Self, Error> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    async fn run_until_stopped(
        mut self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        let watcher = self.watcher.clone();
        self.runtime
            .spawn("deadline-watcher", move |stop| watcher.clone().run(stop));
        let routes = tonic::service::Routes::new(ComplaintsServer::new(self.api));
        self.runtime
            .with_subjects(Arc::new(subject::ComplaintSubjects))
            .serve(
                routes,
                access::POLICY,
                Arc::new(retention::ComplaintRecords),
                shutdown,
            )
            .await
    }
}
