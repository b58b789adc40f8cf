//! grpc.health.v1 status that follows the service's dependencies: SERVING
//! while PostgreSQL answers and NATS is connected, NOT_SERVING otherwise and
//! from the moment shutdown starts.

use bus::Bus;
use eventlog::EventLog;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

const CHECK_EVERY: Duration = Duration::from_secs(5);

/// Sets the overall status and the service's own status together.
pub async fn set(reporter: &HealthReporter, service: &str, status: ServingStatus) {
    reporter.set_service_status("", status).await;
    reporter.set_service_status(service, status).await;
}

/// Re-checks the dependencies every few seconds until `stop`.
pub async fn watch(
    reporter: HealthReporter,
    service: String,
    log: EventLog,
    bus: Bus,
    stop: CancellationToken,
) {
    loop {
        let database_up = sqlx::query("SELECT 1").execute(log.pool()).await.is_ok();
        let status = if database_up && bus.is_connected() {
            ServingStatus::Serving
        } else {
            tracing::warn!(
                database_up,
                nats_up = bus.is_connected(),
                "a dependency is down"
            );
            ServingStatus::NotServing
        };
        set(&reporter, &service, status).await;
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = tokio::time::sleep(CHECK_EVERY) => {}
        }
    }
    set(&reporter, &service, ServingStatus::NotServing).await;
}
