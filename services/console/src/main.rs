#![forbid(unsafe_code)]

//! The console process: settings from the environment, telemetry, serve
//! until SIGTERM or Ctrl-C.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match console::Settings::load() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("console cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    let telemetry = match telemetry::init(&settings.telemetry) {
        Ok(telemetry) => telemetry,
        Err(error) => {
            eprintln!("console cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    let shutdown = platform::shutdown::signal();
    let app = match console::Application::build(settings).await {
        Ok(app) => app,
        Err(error) => {
            tracing::error!(error = %error, "console cannot start");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(addr = %app.local_addr(), "console serving");
    let result = app.run_until_stopped(shutdown).await;
    telemetry.shutdown();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("console stopped with an error: {error}");
            ExitCode::FAILURE
        }
    }
}
