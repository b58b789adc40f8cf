//! The whole life of a service process, so each `main.rs` is one line.

use crate::{Error, Settings, shutdown};
use std::future::Future;
use std::process::ExitCode;

/// What a service provides to be run as a process.
pub trait Service: Sized + Send {
    /// The service's name: schema, bus source and `service.name`.
    const NAME: &'static str;
    /// The gRPC port used when `GRPC_ADDR` is not set.
    const DEFAULT_PORT: u16;

    /// Starts everything but serving: migrations, connections, consumers.
    fn build(settings: Settings) -> impl Future<Output = Result<Self, Error>> + Send;

    /// Serves until `shutdown` completes, then stops gracefully.
    fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> impl Future<Output = Result<(), Error>> + Send;
}

/// Reads the settings, sets up telemetry, builds and runs service `S` until
/// SIGTERM. A bad setting stops it at once with exit code 2 and a message
/// naming the setting.
pub fn run<S: Service>() -> ExitCode {
    let settings = match Settings::load(S::NAME, S::DEFAULT_PORT) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("{}: cannot start: {error}", S::NAME);
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("{}: cannot start the async runtime: {error}", S::NAME);
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let telemetry = match telemetry::init(&settings.telemetry) {
            Ok(telemetry) => telemetry,
            Err(error) => {
                eprintln!("{}: cannot start: {error}", S::NAME);
                return ExitCode::from(2);
            }
        };
        let code = match start_and_serve::<S>(settings).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                tracing::error!(error = %report(&error), "service failed");
                ExitCode::FAILURE
            }
        };
        telemetry.shutdown();
        code
    })
}

async fn start_and_serve<S: Service>(settings: Settings) -> Result<(), Error> {
    let stop = shutdown::signal();
    let service = S::build(settings).await?;
    service.run_until_stopped(stop).await
}

/// The error with all its causes, on one line, for logs.
pub fn report(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
