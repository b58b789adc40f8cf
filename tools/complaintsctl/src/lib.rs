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
use std::io::{ErrorKind, Write as _};
use std::process::ExitCode;

pub use error::Error;

/// Parses the command line, runs the command and prints its answer; a
/// refused or failed call prints the service's status message on stderr
/// and exits non-zero. A reader that stops reading (`complaintsctl queue |
/// head`) ends the output quietly, with success.
pub fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(usage) => {
            // Help and version go to stdout, usage errors to stderr; a
            // closed pipe there is no reason to panic either.
            let _ = usage.print();
            return ExitCode::from(u8::try_from(usage.exit_code()).unwrap_or(2));
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            complain(&format!("cannot start: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let json = cli.global.json;
    match runtime.block_on(commands::run(cli)) {
        Ok(output) => match output.print(json) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if e.kind() == ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                complain(&format!("writing to standard output: {e}"));
                ExitCode::FAILURE
            }
        },
        Err(Error::Write { source, .. }) if source.kind() == ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(error) => {
            complain(&error.to_string());
            ExitCode::FAILURE
        }
    }
}

/// One line on stderr; nothing more to do if stderr is closed too.
fn complain(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "complaintsctl: {message}");
}
