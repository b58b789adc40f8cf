//! The running parts every service has: its event log, the bus, the relay
//! publishing its log, its consumers and its gRPC listener. Every
//! background loop runs under the [`Supervisor`], which starts it again
//! when it fails and takes health down while it is down.

use crate::supervise::{LoopEnd, Supervisor};
use crate::{Error, Settings, grpc, health};
use bus::{Bus, Consumer, ConsumerSettings, Handler, Relay};
use eventlog::EventLog;
use sqlx::migrate::Migrator;
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tonic::service::Routes;
use tonic_health::ServingStatus;

/// A started service, not yet serving requests.
#[derive(Debug)]
pub struct Runtime {
    settings: Settings,
    log: EventLog,
    bus: Bus,
    listener: TcpListener,
    addr: SocketAddr,
    stop: CancellationToken,
    tasks: JoinSet<()>,
    loops: Supervisor,
    metrics: crate::metrics::Metrics,
    metrics_addr: SocketAddr,
    clock: std::sync::Arc<dyn crate::Clock>,
    subjects: Option<std::sync::Arc<dyn crate::subject::SubjectScope>>,
}

/// Tries to fetch the JWKS a few times before giving up: a service that
/// cannot verify tokens can serve nothing (R-CONF-1).
async fn fetch_keys(keys: &crate::auth::RemoteKeys) -> Result<(), Error> {
    const ATTEMPTS: u32 = 5;
    let mut attempt = 1;
    loop {
        match keys.fetch().await {
            Ok(count) => {
                tracing::info!(keys = count, url = %keys.url(), "JWKS fetched");
                return Ok(());
            }
            Err(e) if attempt == ATTEMPTS => return Err(Error::Jwks(e)),
            Err(e) => {
                tracing::warn!(error = %crate::report(&e), attempt, "JWKS not fetched yet");
                tokio::time::sleep(std::time::Duration::from_secs(u64::from(attempt))).await;
                attempt += 1;
            }
        }
    }
}

impl Runtime {
    /// Migrates the service's schema (the log's migrations and
    /// `migrations`), connects to NATS, binds the gRPC listener and starts
    /// the relay, which publishes every event type but `private_event_types`.
    pub async fn start(
        settings: Settings,
        migrations: Option<&Migrator>,
        private_event_types: &[&str],
    ) -> Result<Self, Error> {
        if let crate::auth::Keys::Remote(keys) = &settings.auth.keys {
            fetch_keys(keys).await?;
        }
        let log = EventLog::connect(&settings.database, migrations).await?;
        let bus = Bus::connect(&settings.bus).await?;
        let listener = TcpListener::bind(settings.grpc.addr)
            .await
            .map_err(|source| Error::Bind {
                addr: settings.grpc.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| Error::Bind {
            addr: settings.grpc.addr,
            source,
        })?;
        let metrics_listener =
            TcpListener::bind(settings.metrics_addr)
                .await
                .map_err(|source| Error::Bind {
                    addr: settings.metrics_addr,
                    source,
                })?;
        let metrics_addr = metrics_listener
            .local_addr()
            .map_err(|source| Error::Bind {
                addr: settings.metrics_addr,
                source,
            })?;
        let stop = CancellationToken::new();
        let loops = Supervisor::new(stop.clone(), settings.faults.clone());
        let metrics = crate::metrics::Metrics::new(
            &settings.service,
            log.clone(),
            bus.clone(),
            loops.clone(),
        );
        let relay = Relay::new(
            log.clone(),
            bus.clone(),
            settings.service.clone(),
            settings.relay.clone(),
        )
        .keep_private(private_event_types);
        let remote_keys = match &settings.auth.keys {
            crate::auth::Keys::Remote(keys) => Some(keys.clone()),
            _ => None,
        };
        let mut runtime = Self {
            settings,
            log,
            bus,
            listener,
            addr,
            stop,
            tasks: JoinSet::new(),
            loops,
            metrics: metrics.clone(),
            metrics_addr,
            clock: std::sync::Arc::new(crate::SystemClock),
            subjects: None,
        };
        tracing::info!(service = %runtime.settings.service, addr = %metrics_addr, "serving metrics");
        let metrics_listener = std::sync::Arc::new(metrics_listener);
        runtime.spawn("metrics-server", move |stop| {
            crate::metrics::serve(metrics_listener.clone(), metrics.clone(), stop)
        });
        runtime.spawn("relay", move |stop| relay.clone().run(stop));
        if let Some(keys) = remote_keys {
            runtime.spawn("jwks-refresh", move |stop| keys.clone().keep_fresh(stop));
        }
        Ok(runtime)
    }

    /// The time source of the retention job (the system clock unless a
    /// test moves time).
    pub fn use_clock(&mut self, clock: std::sync::Arc<dyn crate::Clock>) {
        self.clock = clock;
    }

    /// This service's access audit, for handlers that return personal data.
    pub fn access_audit(&self) -> crate::auth::AccessAudit {
        crate::auth::AccessAudit::new(self.log.clone(), &self.settings.service)
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn log(&self) -> &EventLog {
        &self.log
    }

    pub fn bus(&self) -> &Bus {
        &self.bus
    }

    /// The address actually bound (the port is chosen by the OS when 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where metrics are served (`/metrics`; the port is chosen by the OS
    /// when 0).
    pub fn metrics_addr(&self) -> SocketAddr {
        self.metrics_addr
    }

    /// The service's metrics, to add what it measures itself.
    pub fn metrics(&self) -> &crate::metrics::Metrics {
        &self.metrics
    }

    /// Starts a consumer (its position kept in this schema) that runs until
    /// shutdown, as the loop `consumer:<its name>`; after a failure it
    /// resumes from its saved position.
    pub async fn consume<H: Handler>(
        &mut self,
        settings: ConsumerSettings,
        handler: H,
    ) -> Result<(), Error> {
        let name = format!("consumer:{}", settings.name);
        let consumer_name = settings.name.clone();
        let consumer = std::sync::Arc::new(
            Consumer::start(self.bus.clone(), self.log.clone(), settings, handler).await?,
        );
        self.metrics.add_consumer(&consumer_name, consumer.stats());
        self.spawn(name, move |stop| {
            let consumer = consumer.clone();
            async move { consumer.run_borrowed(stop).await }
        });
        Ok(())
    }

    /// Serves subject access (R-CONF-1) over `scope`, how this service
    /// finds a person's records; without it `SubjectAccess` is not served.
    pub fn with_subjects(
        mut self,
        scope: std::sync::Arc<dyn crate::subject::SubjectScope>,
    ) -> Self {
        self.subjects = Some(scope);
        self
    }

    /// Runs the background loop `name` (a watcher, a sender) until
    /// shutdown, under supervision: `task` starts one run of it with the
    /// token that is cancelled when the service stops, and is called again
    /// to restart it whenever a run panics, ends early or returns an error.
    /// `name` is unique in the service and holds no personal data.
    pub fn spawn<F, Fut>(&mut self, name: impl Into<String>, task: F)
    where
        F: Fn(CancellationToken) -> Fut + Send + 'static,
        Fut: Future + Send + 'static,
        Fut::Output: LoopEnd,
    {
        self.tasks.spawn(self.loops.supervise(name, task));
    }

    /// Serves `routes` until `shutdown`, then stops in order: health says
    /// NOT_SERVING, requests in flight finish, consumers finish the message
    /// in hand, the relay finishes its round; whatever is still running
    /// after the grace period is abandoned (it is redone after restart).
    ///
    /// Every call but health passes the auth layer with `policy` first
    /// (R-CONF-1); the access audit and retention (R-CONF-2, over the
    /// service's `scope`) are served beside the routes.
    pub async fn serve(
        mut self,
        routes: Routes,
        policy: crate::auth::Policy,
        scope: std::sync::Arc<dyn crate::retention::RecordScope>,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), Error> {
        let (reporter, health_service) = tonic_health::server::health_reporter();
        health::set(&reporter, &self.settings.service, ServingStatus::Serving).await;
        health::alive(&reporter).await;
        {
            let (reporter, service) = (reporter.clone(), self.settings.service.clone());
            let (log, bus, loops) = (self.log.clone(), self.bus.clone(), self.loops.clone());
            self.spawn("health-watch", move |stop| {
                health::watch(
                    reporter.clone(),
                    service.clone(),
                    log.clone(),
                    bus.clone(),
                    loops.clone(),
                    stop,
                )
            });
        }
        tracing::info!(service = %self.settings.service, addr = %self.addr, tls = self.settings.grpc.tls.is_some(), "serving gRPC");

        let stop = self.stop.clone();
        let service = self.settings.service.clone();
        let draining = async move {
            shutdown.await;
            health::set(&reporter, &service, ServingStatus::NotServing).await;
            stop.cancel();
        };
        let retention = crate::retention::Retention::new(
            self.log.clone(),
            self.bus.clone(),
            &self.settings.service,
            scope,
            self.clock.clone(),
            self.settings.retention.policies,
        );
        // The owners' retention facts queue records for this service's job,
        // which runs every RETENTION_JOB_INTERVAL unless switched off.
        let facts = crate::retention::fact_consumer(&self.bus, &self.settings.service);
        let handler = crate::retention::FactsHandler {
            service: self.settings.service.clone(),
        };
        self.consume(facts, handler).await?;
        if let Some(interval) = self.settings.retention.job_interval.0 {
            let job = retention.clone();
            self.spawn("retention-job", move |stop| {
                job.clone().run_every(interval, stop)
            });
        }
        let mut routes = routes
            .add_service(self.access_audit().server())
            .add_service(retention.server());
        if let Some(scope) = self.subjects.take() {
            let subjects = crate::subject::SubjectAccess::new(
                self.log.clone(),
                &self.settings.service,
                scope,
                self.access_audit(),
            );
            routes = routes.add_service(subjects.server());
        }
        let auth = crate::auth::AuthLayer::new(
            std::sync::Arc::new(crate::auth::Verifier::new(self.settings.auth.clone())),
            policy,
            self.log.clone(),
        );
        let served = grpc::serve(
            self.listener,
            &self.settings.grpc,
            routes,
            health_service,
            auth,
            crate::metrics::MetricsLayer::new(self.metrics.clone(), policy),
            &policy.services(),
            draining,
        )
        .await;

        self.stop.cancel();
        let tasks = &mut self.tasks;
        if tokio::time::timeout(self.settings.shutdown_grace, async {
            while tasks.join_next().await.is_some() {}
        })
        .await
        .is_err()
        {
            tracing::warn!("background work still running after the grace period; abandoning it");
            self.tasks.abort_all();
        }
        self.log.pool().close().await;
        tracing::info!(service = %self.settings.service, "stopped");
        served
    }
}
