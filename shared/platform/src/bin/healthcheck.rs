//! `healthcheck [ADDR]`: asks a service's `grpc.health.v1.Health` for its
//! overall status and exits 0 when SERVING, 1 otherwise.
//! `healthcheck http://HOST:PORT/PATH`: asks a web process (the console)
//! and exits 0 when it answers 200, 1 otherwise.
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
    if let Some(url) = std::env::args().nth(1).filter(|a| a.starts_with("http://")) {
        return match http_check(&url).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(reason) => {
                eprintln!("healthcheck: {url}: {reason}");
                ExitCode::FAILURE
            }
        };
    }
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

/// `GET` of a plain-HTTP URL on the container's own network: 200 passes.
/// HTTP/1.0 with `Connection: close`, so the status line is all we read.
async fn http_check(url: &str) -> Result<(), String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").ok_or("not an http:// URL")?;
    let (authority, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_owned()), |(a, p)| (a, format!("/{p}")));
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(authority)
            .await
            .map_err(|e| format!("cannot connect: {e}"))?;
        let request =
            format!("GET {path} HTTP/1.0\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let mut head = [0u8; 64];
        let mut read = 0;
        while read < 12 {
            let n = stream
                .read(&mut head[read..])
                .await
                .map_err(|e| e.to_string())?;
            if n == 0 {
                break;
            }
            read += n;
        }
        let status_line = String::from_utf8_lossy(&head[..read]).into_owned();
        match status_line.split_whitespace().nth(1) {
            Some("200") => Ok(()),
            Some(code) => Err(format!("answered {code}")),
            None => Err("no HTTP status line".to_owned()),
        }
    };
    tokio::time::timeout(TIMEOUT, exchange)
        .await
        .map_err(|_| format!("no answer within {} s", TIMEOUT.as_secs()))?
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
