//! `complaintsctl`, the command-line tool staff and operators use over the
//! platform's four gRPC APIs: submit and triage, work the queue, act on a
//! complaint, produce the committee's reports, rebuild read models, and
//! follow one complaint through every service with [`commands::timeline`].
//!
//! - [`cli`]: the commands and flags (clap).
//! - [`clients`]: one channel per service, the bearer token on every call.
//! - [`commands`]: one module per group of commands, each answering an
//!   [`output::Output`]: an aligned table, or JSON with `--json`.
//!
//! Nothing here logs: what a command prints is what the API answered.
#![forbid(unsafe_code)]

pub mod cli;
pub mod clients;
pub mod commands;
pub mod error;
pub mod names;
pub mod output;
pub mod parse;

use clap::Parser;
use std::process::ExitCode;

pub use error::Error;

/// Parses the command line, runs the command and prints its answer; a
/// refused or failed call prints the service's status message on stderr
/// and exits non-zero.
pub fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("complaintsctl: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let json = cli.global.json;
    match runtime.block_on(commands::run(cli)) {
        Ok(output) => {
            output.print(json);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("complaintsctl: {error}");
            ExitCode::FAILURE
        }
    }
}
