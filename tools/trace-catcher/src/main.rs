//! `trace-catcher serve | list | show`: see the crate's documentation.
#![forbid(unsafe_code)]

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(about = "Receive the services' traces over OTLP and show them, without Docker")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Receive OTLP/gRPC spans on ADDR and append them to FILE until stopped.
    Serve {
        #[arg(long, default_value = "127.0.0.1:4317")]
        addr: String,
        #[arg(long, default_value = ".run/traces/spans.jsonl")]
        file: PathBuf,
    },
    /// The latest traces, newest first.
    List {
        #[arg(long, default_value = ".run/traces/spans.jsonl")]
        file: PathBuf,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// One trace as a tree across the services.
    Show {
        trace_id: String,
        #[arg(long, default_value = ".run/traces/spans.jsonl")]
        file: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve { addr, file } => serve(&addr, &file),
        Command::List { file, limit } => match std::fs::read_to_string(&file) {
            Ok(text) => print(&trace_catcher::tree::list(
                &trace_catcher::read_spans(&text),
                limit,
            )),
            Err(e) => fail(&format!("{}: {e}", file.display())),
        },
        Command::Show { trace_id, file } => match std::fs::read_to_string(&file) {
            Ok(text) => {
                let spans = trace_catcher::read_spans(&text);
                match trace_catcher::tree::show(&spans, trace_id.trim()) {
                    Some(tree) => print(&tree),
                    None => fail(&format!(
                        "no span of trace {trace_id} in {}",
                        file.display()
                    )),
                }
            }
            Err(e) => fail(&format!("{}: {e}", file.display())),
        },
    }
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
fn print(text: &str) -> ExitCode {
    use std::io::Write as _;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => fail(&e.to_string()),
        _ => ExitCode::SUCCESS,
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("trace-catcher: {message}");
    ExitCode::FAILURE
}

fn serve(addr: &str, file: &std::path::Path) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return fail(&e.to_string()),
    };
    runtime.block_on(async {
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty())
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            return fail(&format!("{}: {e}", dir.display()));
        }
        let out = match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
        {
            Ok(out) => out,
            Err(e) => return fail(&format!("{}: {e}", file.display())),
        };
        let listener = match tokio::net::TcpListener::bind(addr).await {
            Ok(listener) => listener,
            Err(e) => return fail(&format!("cannot listen on {addr}: {e}")),
        };
        let collector = match trace_catcher::TraceCollector::to_file(listener, out) {
            Ok(collector) => collector,
            Err(e) => return fail(&e.to_string()),
        };
        println!(
            "catching traces on {} into {}",
            collector.endpoint(),
            file.display()
        );
        let _ = tokio::signal::ctrl_c().await;
        ExitCode::SUCCESS
    })
}
