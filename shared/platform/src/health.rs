//! grpc.health.v1 status that follows the service's dependencies and its
//! background loops: SERVING while PostgreSQL answers, NATS is connected
//! and every background loop runs ([`crate::supervise`]), NOT_SERVING
//! otherwise and from the moment shutdown starts. That overall status is
//! readiness: whether to send the service work.
//!
//! Liveness is a separate health service, [`LIVENESS`], SERVING for as long
//! as the process answers at all. An outage of PostgreSQL or NATS makes
//! every replica unready at once; if it also failed liveness, an
//! orchestrator would restart every pod together and turn a blip into a
//! restart storm, while the services recover on their own once their
//! dependencies are back.

use crate::supervise::Supervisor;
use bus::Bus;
use eventlog::EventLog;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

const CHECK_EVERY: Duration = Duration::from_secs(5);

/// The health service name liveness probes ask for: answered by the
/// process itself, whatever its dependencies.
pub const LIVENESS: &str = "liveness";

/// Marks the process alive: its gRPC server answers health checks.
pub async fn alive(reporter: &HealthReporter) {
    reporter
        .set_service_status(LIVENESS, ServingStatus::Serving)
        .await;
}

/// Sets the overall status and the service's own status together.
pub async fn set(reporter: &HealthReporter, service: &str, status: ServingStatus) {
    reporter.set_service_status("", status).await;
    reporter.set_service_status(service, status).await;
}

/// Re-checks the dependencies every few seconds, and the loops at once
/// whenever one fails or comes back, until `stop`.
pub async fn watch(
    reporter: HealthReporter,
    service: String,
    log: EventLog,
    bus: Bus,
    loops: Supervisor,
    stop: CancellationToken,
) {
    loop {
        let database_up = sqlx::query("SELECT 1").execute(log.pool()).await.is_ok();
        let troubled = loops.troubled();
        let status = if database_up && bus.is_connected() && troubled.is_empty() {
            ServingStatus::Serving
        } else {
            tracing::warn!(
                database_up,
                nats_up = bus.is_connected(),
                loops_down = ?troubled,
                "a dependency or a background loop is down"
            );
            ServingStatus::NotServing
        };
        // Once shutdown started, NOT_SERVING stays.
        if stop.is_cancelled() {
            break;
        }
        set(&reporter, &service, status).await;
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = tokio::time::sleep(CHECK_EVERY) => {}
            _ = loops.changed() => {}
        }
    }
    set(&reporter, &service, ServingStatus::NotServing).await;
}
