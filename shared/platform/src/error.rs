//! Errors of starting and running a service.

/// Why a service could not start or stopped abnormally.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Settings(#[from] crate::SettingsError),
    #[error("event log: {0}")]
    Log(#[from] eventlog::Error),
    #[error("bus: {0}")]
    Bus(#[from] bus::Error),
    #[error("telemetry: {0}")]
    Telemetry(#[from] telemetry::Error),
    #[error("binding the gRPC listener on {addr}")]
    Bind {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("fetching the keys tokens are verified with")]
    Jwks(#[source] crate::auth::FetchError),
    #[error("serving gRPC")]
    Serve(#[source] tonic::transport::Error),
    #[error("building server reflection")]
    Reflection(#[source] tonic_reflection::server::Error),
}
