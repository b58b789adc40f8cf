//! `healthcheck [ADDR]`: asks a service's `grpc.health.v1.Health` for its
//! overall status and exits 0 when SERVING, 1 otherwise.
//!
//! It ships in the service image for container health checks (compose),
//! where no grpcurl or grpc_health_probe is installed. Without ADDR it
//! reads `GRPC_ADDR` exactly as the service does (environment, then
//! `CONFIG_FILE`), and asks on loopback when the service listens on all
//! interfaces, so one command fits every service.
#![forbid(unsafe_code)]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

/// Well under any sensible probe interval, so a hung service fails the check.
const TIMEOUT: Duration = Duration::from_secs(3);

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let addr = match target() {
        Ok(addr) => addr,
        Err(reason) => {
            eprintln!("healthcheck: {reason}");
            return ExitCode::from(2);
        }
    };
    match check(addr).await {
        Ok(ServingStatus::Serving) => ExitCode::SUCCESS,
        Ok(status) => {
            eprintln!("healthcheck: {addr} is {}", status.as_str_name());
            ExitCode::FAILURE
        }
        Err(reason) => {
            eprintln!("healthcheck: {addr}: {reason}");
            ExitCode::FAILURE
        }
    }
}

/// The address to ask: the first argument, or the service's `GRPC_ADDR`.
fn target() -> Result<SocketAddr, String> {
    let raw = match std::env::args().nth(1) {
        Some(arg) => arg,
        None => platform::Source::from_env()
            .map_err(|e| e.to_string())?
            .raw("GRPC_ADDR")
            .ok_or("give an address or set GRPC_ADDR")?
            .to_owned(),
    };
    let addr: SocketAddr = raw
        .parse()
        .map_err(|e| format!("{raw:?} is not an address: {e}"))?;
    Ok(SocketAddr::new(
        loopback_if_unspecified(addr.ip()),
        addr.port(),
    ))
}

/// A service bound to 0.0.0.0 or [::] is reached on loopback.
fn loopback_if_unspecified(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        other => other,
    }
}

async fn check(addr: SocketAddr) -> Result<ServingStatus, String> {
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .map_err(|e| e.to_string())?
        .connect_timeout(TIMEOUT)
        .timeout(TIMEOUT)
        .connect()
        .await
        .map_err(|e| format!("cannot connect: {}", with_causes(&e)))?;
    let response = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .map_err(|status| format!("{}: {}", status.code(), status.message()))?;
    Ok(ServingStatus::try_from(response.into_inner().status).unwrap_or(ServingStatus::Unknown))
}

/// An error and its causes on one line: tonic's own message alone is
/// often just "transport error".
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}
